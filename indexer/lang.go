package indexer

import (
	"strings"
	"unicode"
)

// Function words of the languages gbsearch meets. They are frequent, short
// and nearly disjoint between the languages, so counting them tells the
// language of a paragraph reliably; no model is needed for four languages.
var stopwords = map[string][]string{
	"en": {"the", "of", "and", "to", "in", "a", "is", "that", "for", "shall", "be", "by", "with", "which", "or", "on", "as", "any", "this", "are", "its", "their", "from", "such", "other", "all", "has", "have", "it", "at"},
	"nl": {"de", "het", "een", "van", "en", "zijn", "dat", "die", "voor", "worden", "wordt", "niet", "met", "bij", "aan", "door", "deze", "dit", "zal", "hun", "naar", "ook", "tot", "als", "op", "te", "of", "zich", "den", "der", "leden", "verdrag", "werking", "treedt"},
	"fr": {"le", "la", "les", "des", "du", "de", "et", "à", "en", "un", "une", "est", "que", "qui", "pour", "dans", "par", "sur", "au", "aux", "ce", "cette", "sont", "ou", "il", "elle", "ne", "pas", "se", "leur"},
	"es": {"el", "la", "los", "las", "del", "de", "y", "en", "un", "una", "que", "por", "para", "con", "se", "su", "sus", "al", "lo", "como", "es", "son", "o", "este", "esta", "le", "les", "no", "más", "sobre"},
}

var stopwordIndex = func() map[string]map[string]bool {
	out := map[string]map[string]bool{}
	for l, ws := range stopwords {
		out[l] = map[string]bool{}
		for _, w := range ws {
			out[l][w] = true
		}
	}
	return out
}()

// DetectLanguage returns the language of a text among en, fr, es and nl, or
// "" when the text is too short or too mixed to tell.
func DetectLanguage(text string) string {
	words := strings.FieldsFunc(strings.ToLower(text), func(r rune) bool { return !unicode.IsLetter(r) })
	if len(words) == 0 {
		return ""
	}
	score := map[string]int{}
	for _, w := range words {
		for l, set := range stopwordIndex {
			if set[w] {
				score[l]++
			}
		}
	}
	best, second := "", ""
	for l := range stopwords {
		if best == "" || score[l] > score[best] || score[l] == score[best] && l < best {
			best, second = l, best
		} else if second == "" || score[l] > score[second] {
			second = l
		}
	}
	if score[best] < 2 || score[best] == score[second] {
		return ""
	}
	return best
}
