// Package gen generates GB-like corpora for benchmarks and load tests:
// deterministic for a seed, with the structure of real Governing Body
// documents (masthead, metadata block, executive summary, headings,
// numbered paragraphs with items, footnotes citing other generated
// symbols, UN documents, ILO instruments and URLs), sessions 280–350 with
// some bis sessions, every section, English, French and Spanish versions,
// sizes from 5 to 40 KB, words drawn with a Zipf law from a vocabulary
// seeded from the bundled GB document. Most documents are written as text;
// a share as PDF and DOCX, which this package writes itself.
//
// Generated corpora are never committed: make them on demand with
// `gbsearch gen -n 10000 -seed 1 -out /tmp/gen10k`.
package gen

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"time"
	"unicode"
)

// Options control a generated corpus.
type Options struct {
	N    int    // document versions to write
	Seed uint64 // the same seed gives the same corpus
	Out  string // folder to write into (created)
	// Share of documents written as PDF and as DOCX (the rest is text).
	PDFShare, DOCXShare float64
	// Seed text for the English vocabulary: the bundled GB document's text.
	SeedText string
}

// Doc is a generated document version, as the manifest describes it.
type Doc struct {
	Symbol    string
	Lang      string
	Title     string
	Date      time.Time
	Session   int
	Bis       bool
	Section   string
	Item      string
	Path      string
	Format    string
	Bytes     int
	Cites     []string
	Heading   []string
	Paras     []Para
	Notes     []Note
	Summary   string
	Purpose   string
	Units     []string
	Outcome   int
	Objective string
}

// Para is a numbered paragraph with its items; Callouts are the footnotes
// it calls, placed after the given sentences.
type Para struct {
	Number  int
	Heading string
	Text    string
	Items   []string
}

// Note is a footnote.
type Note struct {
	Number int
	Text   string
}

var sections = []struct{ code, en, fr, es string }{
	{"INS", "Institutional Section", "Section institutionnelle", "Sección Institucional"},
	{"POL", "Policy Development Section", "Section de l’élaboration des politiques", "Sección de Formulación de Políticas"},
	{"LILS", "Legal Issues and International Labour Standards Section", "Section des questions juridiques et des normes internationales du travail", "Sección de Cuestiones Jurídicas y Normas Internacionales del Trabajo"},
	{"PFA", "Programme, Financial and Administrative Section", "Section du programme, du budget et de l’administration", "Sección de Programa, Presupuesto y Administración"},
	{"HL", "High-Level Section", "Section de haut niveau", "Sección de Alto Nivel"},
	{"MNE", "Multinational Enterprises Subcommittee", "Sous-commission des entreprises multinationales", "Subcomisión de Empresas Multinacionales"},
}

var units = []struct{ code, name string }{
	{"MIGRANT", "Labour Migration Branch"}, {"WORKQUALITY", "Conditions of Work and Equality Department"},
	{"NORMES", "International Labour Standards Department"}, {"SOCPRO", "Social Protection Department"},
	{"EMPLOYMENT", "Employment Policy Department"}, {"GOVERNANCE", "Governance and Tripartism Department"},
	{"ACTRAV", "Bureau for Workers’ Activities"}, {"ACT/EMP", "Bureau for Employers’ Activities"},
	{"FINANCE", "Financial Management Department"}, {"JUR", "Office of the Legal Adviser"},
	{"RESEARCH", "Research Department"}, {"STATISTICS", "Department of Statistics"},
}

var monthsFR = []string{"janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre"}
var monthsES = []string{"enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre", "octubre", "noviembre", "diciembre"}

// Vocabularies. English comes from the seed document; French and Spanish
// from these lists of the working vocabulary of the Office's documents.
var frWords = strings.Fields(`travail travailleurs travailleuses emploi protection sociale migration migrants conseil
d'administration bureau organisation internationale conférence convention recommandation normes droits
fondamentaux dialogue social tripartite gouvernements employeurs organisations syndicats politique
développement durable économie informelle salaires conditions sécurité santé formation compétences
égalité genre discrimination enfants travail forcé recrutement équitable programme budget rapport
session décision projet mandants coopération pays région agences nations unies mise en œuvre
ratification application inspection administration statistiques recherche jeunes femmes
chômage protection sociale pensions sécurité sociale entreprises chaînes d'approvisionnement domestiques
agriculture pêche maritime navires gens de mer plateformes numériques transition juste avenir`)

var esWords = strings.Fields(`trabajo trabajadores trabajadoras empleo protección social migración migrantes consejo
de administración oficina organización internacional conferencia convenio recomendación normas derechos
fundamentales diálogo social tripartito gobiernos empleadores organizaciones sindicatos política
desarrollo sostenible economía informal salarios condiciones seguridad salud formación competencias
igualdad género discriminación niños trabajo forzoso contratación equitativa programa presupuesto informe
reunión decisión proyecto mandantes cooperación países región organismos naciones unidas aplicación
ratificación inspección administración estadísticas investigación jóvenes mujeres desempleo
pensiones seguridad social empresas cadenas de suministro doméstico agricultura pesca marítimo buques
gente de mar plataformas digitales transición justa futuro`)

var stopEN = strings.Fields("the of and to in a is that for on by with as at be this are from its which or an it")
var stopFR = strings.Fields("le la les de des du et à en un une est que qui pour dans par sur au aux ce cette sont")
var stopES = strings.Fields("el la los las de del y en un una que por para con se su sus al lo como es son")

// vocab is a Zipfian sampler over a word list.
type vocab struct {
	words []string
	cum   []float64
}

func newVocab(words []string, s float64) *vocab {
	v := &vocab{words: words}
	total := 0.0
	for i := range words {
		total += 1 / math.Pow(float64(i+1), s)
		v.cum = append(v.cum, total)
	}
	for i := range v.cum {
		v.cum[i] /= total
	}
	return v
}

func (v *vocab) word(r *rand.Rand) string {
	x := r.Float64()
	i := sort.SearchFloat64s(v.cum, x)
	if i >= len(v.words) {
		i = len(v.words) - 1
	}
	return v.words[i]
}

var wordRE = regexp.MustCompile(`[A-Za-z][a-z]+(?:-[a-z]+)?`)

// vocabularyFromSeed ranks the words of the seed text by frequency.
func vocabularyFromSeed(text string) []string {
	counts := map[string]int{}
	for _, w := range wordRE.FindAllString(text, -1) {
		if len(w) < 3 || !unicode.IsLetter(rune(w[0])) {
			continue
		}
		counts[strings.ToLower(w)]++
	}
	words := make([]string, 0, len(counts))
	for w := range counts {
		words = append(words, w)
	}
	sort.Slice(words, func(i, j int) bool {
		if counts[words[i]] != counts[words[j]] {
			return counts[words[i]] > counts[words[j]]
		}
		return words[i] < words[j]
	})
	return words
}

// Generator writes one corpus.
type Generator struct {
	opt    Options
	rng    *rand.Rand
	vocabs map[string]*vocab
	stops  map[string][]string
	// symbols already generated, for citations between documents
	symbols []string
}

// New prepares a generator.
func New(opt Options) (*Generator, error) {
	if opt.N <= 0 {
		return nil, fmt.Errorf("n must be positive")
	}
	en := vocabularyFromSeed(opt.SeedText)
	if len(en) < 200 {
		return nil, fmt.Errorf("the seed text gives only %d distinct words; give the bundled GB document's text", len(en))
	}
	return &Generator{
		opt: opt, rng: rand.New(rand.NewPCG(opt.Seed, opt.Seed^0x9e3779b97f4a7c15)),
		vocabs: map[string]*vocab{"en": newVocab(en, 1.05), "fr": newVocab(frWords, 1.0), "es": newVocab(esWords, 1.0)},
		stops:  map[string][]string{"en": stopEN, "fr": stopFR, "es": stopES},
	}, nil
}

// Stats describes a generated corpus.
type Stats struct {
	Docs   int
	Bytes  int64
	ByFmt  map[string]int
	ByLang map[string]int
}

// Generate writes the corpus and its MANIFEST.tsv.
func (g *Generator) Generate(ctx context.Context) (*Stats, error) {
	if err := os.MkdirAll(g.opt.Out, 0o755); err != nil {
		return nil, err
	}
	st := &Stats{ByFmt: map[string]int{}, ByLang: map[string]int{}}
	var manifest strings.Builder
	manifest.WriteString("path\tsymbol\tkind\tlanguage\ttitle\tdate\tsource\tnotes\n")
	items := map[string]int{}
	var pending []*Doc // other language versions still to write
	for n := 0; n < g.opt.N; n++ {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		var d *Doc
		if len(pending) > 0 {
			d, pending = pending[0], pending[1:]
		} else {
			d = g.newDoc(items)
			// a share of documents exists in French and Spanish too
			if g.rng.Float64() < 0.3 {
				for _, l := range []string{"fr", "es"} {
					if g.rng.Float64() < 0.8 {
						v := *d
						v.Lang = l
						pending = append(pending, &v)
					}
				}
			}
		}
		g.fill(d)
		x := g.rng.Float64()
		switch {
		case x < g.opt.PDFShare:
			d.Format = "pdf"
		case x < g.opt.PDFShare+g.opt.DOCXShare:
			d.Format = "docx"
		default:
			d.Format = "txt"
		}
		dir := fmt.Sprintf("%03d", d.Session)
		base := strings.NewReplacer("/", "_", ".", "_").Replace(d.Symbol) + "." + d.Lang + "." + d.Format
		d.Path = dir + "/" + base
		if err := os.MkdirAll(filepath.Join(g.opt.Out, dir), 0o755); err != nil {
			return nil, err
		}
		var data []byte
		var err error
		switch d.Format {
		case "pdf":
			data = writePDF(d)
		case "docx":
			data, err = writeDOCX(d)
		default:
			data = []byte(writeText(d))
		}
		if err != nil {
			return nil, err
		}
		if err := os.WriteFile(filepath.Join(g.opt.Out, filepath.FromSlash(d.Path)), data, 0o644); err != nil {
			return nil, err
		}
		st.Docs++
		st.Bytes += int64(len(data))
		st.ByFmt[d.Format]++
		st.ByLang[d.Lang]++
		fmt.Fprintf(&manifest, "%s\t%s\tgb-document\t%s\t%s\t%s\tgenerated seed %d\t\n", d.Path, d.Symbol, d.Lang, d.Title, d.Date.Format(time.DateOnly), g.opt.Seed)
		g.symbols = append(g.symbols, d.Symbol)
	}
	if err := os.WriteFile(filepath.Join(g.opt.Out, "MANIFEST.tsv"), []byte(manifest.String()), 0o644); err != nil {
		return nil, err
	}
	return st, nil
}

// newDoc draws a document's identity: session, section, item, date.
func (g *Generator) newDoc(items map[string]int) *Doc {
	r := g.rng
	session := 280 + r.IntN(71)
	bis := r.Float64() < 0.03
	sec := sections[r.IntN(len(sections))]
	key := fmt.Sprint(session, bis, sec.code)
	items[key]++
	item := fmt.Sprint(items[key])
	if r.Float64() < 0.1 {
		item += "/" + fmt.Sprint(1+r.IntN(3))
	}
	sess := fmt.Sprint(session)
	if bis {
		sess += "bis"
	}
	// sessions run from March 2000 (280th) about three a year
	year := 2000 + (session-280)/3
	month := []time.Month{time.March, time.June, time.November}[(session-280)%3]
	date := time.Date(year, month, 1+r.IntN(25), 0, 0, 0, 0, time.UTC)
	d := &Doc{Symbol: "GB." + sess + "/" + sec.code + "/" + item, Session: session, Bis: bis, Section: sec.code, Item: item, Date: date, Lang: "en"}
	d.Outcome = 1 + r.IntN(19)
	for i := 0; i < 1+r.IntN(2); i++ {
		d.Units = append(d.Units, fmt.Sprint(r.IntN(len(units))))
	}
	return d
}

// fill writes a document's text in its language: the size drawn between 5
// and 40 KB decides how many paragraphs it has.
func (g *Generator) fill(d *Doc) {
	r := g.rng
	v, stops := g.vocabs[d.Lang], g.stops[d.Lang]
	sentence := func(min, max int) string {
		n := min + r.IntN(max-min+1)
		var b strings.Builder
		for i := 0; i < n; i++ {
			if i > 0 {
				b.WriteByte(' ')
			}
			if i > 0 && r.Float64() < 0.3 {
				b.WriteString(stops[r.IntN(len(stops))])
			} else {
				b.WriteString(v.word(r))
			}
		}
		r := []rune(b.String())
		r[0] = unicode.ToUpper(r[0])
		return string(r) + "."
	}
	d.Title = strings.TrimSuffix(sentence(6, 14), ".")
	d.Purpose = sentence(20, 40) + " " + sentence(15, 30)
	d.Summary = sentence(25, 45) + " " + sentence(20, 40) + " " + sentence(15, 30)
	d.Objective = strings.TrimSuffix(sentence(6, 10), ".")
	target := 5000 + r.IntN(35000)
	size := len(d.Title) + len(d.Purpose) + len(d.Summary)
	d.Paras, d.Notes, d.Heading, d.Cites = nil, nil, nil, nil
	heading := strings.TrimSuffix(sentence(2, 5), ".")
	d.Heading = append(d.Heading, heading)
	for p := 1; size < target; p++ {
		if p > 1 && r.Float64() < 0.15 {
			heading = strings.TrimSuffix(sentence(2, 5), ".")
			d.Heading = append(d.Heading, heading)
		}
		para := Para{Number: p, Heading: heading}
		var b strings.Builder
		for s := 0; s < 2+r.IntN(5); s++ {
			if s > 0 {
				b.WriteByte(' ')
			}
			b.WriteString(sentence(8, 30))
			if r.Float64() < 0.25 {
				b.WriteString(g.noteRef(d))
			}
		}
		para.Text = b.String()
		if r.Float64() < 0.12 {
			for i := 0; i < 2+r.IntN(4); i++ {
				para.Items = append(para.Items, sentence(8, 25))
			}
		}
		size += len(para.Text) + 6
		for _, it := range para.Items {
			size += len(it) + 6
		}
		d.Paras = append(d.Paras, para)
	}
	for _, n := range d.Notes {
		size += len(n.Text)
	}
	d.Bytes = size
}

// noteRef adds a footnote citing something and returns its callout mark
// (written by each format in its own way).
func (g *Generator) noteRef(d *Doc) string {
	r := g.rng
	n := len(d.Notes) + 1
	var text, cite string
	switch k := r.IntN(5); {
	case k == 0 && len(g.symbols) > 0:
		cite = g.symbols[r.IntN(len(g.symbols))]
		text = fmt.Sprintf("See document %s, para. %d.", cite, 1+r.IntN(30))
	case k == 1:
		cite = fmt.Sprintf("A/RES/%d/%d", 50+r.IntN(30), 1+r.IntN(300))
		text = fmt.Sprintf("UN General Assembly resolution, UN doc. %s.", cite)
	case k == 2:
		num := []int{29, 87, 98, 100, 102, 105, 111, 138, 143, 181, 182, 183, 189, 190, 97, 155, 169}[r.IntN(17)]
		cite = fmt.Sprintf("C%03d", num)
		text = fmt.Sprintf("Convention No. %d.", num)
	case k == 3:
		text = fmt.Sprintf("See http://www.ilo.org/gb/WCMS_%d/lang--%s/index.htm.", 100000+r.IntN(800000), d.Lang)
	default:
		cite = fmt.Sprintf("A/%d/%d", 50+r.IntN(30), 100+r.IntN(600))
		text = fmt.Sprintf("Report of the Secretary-General, UN doc. %s.", cite)
	}
	if cite != "" {
		d.Cites = append(d.Cites, cite)
	}
	d.Notes = append(d.Notes, Note{Number: n, Text: text})
	return calloutMark(n)
}

// calloutMark is a placeholder the writers turn into their own callouts.
func calloutMark(n int) string { return fmt.Sprintf("\x00%d\x01", n) }

var calloutMarkRE = regexp.MustCompile("\x00(\\d+)\x01")

// sessionLine renders "319th Session, Geneva, 16–31 October 2013" in the
// document's language.
func sessionLine(d *Doc) string {
	end := d.Date.AddDate(0, 0, 10)
	bis := ""
	if d.Bis {
		bis = " bis"
	}
	switch d.Lang {
	case "fr":
		return fmt.Sprintf("%de session%s, Genève, %d-%d %s %d", d.Session, bis, d.Date.Day(), end.Day(), monthsFR[end.Month()-1], end.Year())
	case "es":
		return fmt.Sprintf("%d.ª reunión%s, Ginebra, %d-%d de %s de %d", d.Session, bis, d.Date.Day(), end.Day(), monthsES[end.Month()-1], end.Year())
	}
	return fmt.Sprintf("%dth Session%s, Geneva, %d–%d %s %d", d.Session, bis, d.Date.Day(), end.Day(), end.Month(), end.Year())
}

func dateLine(d *Doc) string {
	switch d.Lang {
	case "fr":
		return fmt.Sprintf("Date: %d %s %d", d.Date.Day(), monthsFR[d.Date.Month()-1], d.Date.Year())
	case "es":
		return fmt.Sprintf("Fecha: %d de %s de %d", d.Date.Day(), monthsES[d.Date.Month()-1], d.Date.Year())
	}
	return fmt.Sprintf("Date: %d %s %d", d.Date.Day(), d.Date.Month(), d.Date.Year())
}

func sectionName(d *Doc) string {
	for _, s := range sections {
		if s.code == d.Section {
			switch d.Lang {
			case "fr":
				return s.fr
			case "es":
				return s.es
			}
			return s.en
		}
	}
	return ""
}

// jobCode is the footer's file name: GB319-POL_2_[MIGRA-131016-1]-En.docx.
func jobCode(d *Doc) string {
	sess := fmt.Sprint(d.Session)
	if d.Bis {
		sess += "bis"
	}
	unit := units[atoi(d.Units[0])].code
	unit = strings.ReplaceAll(unit, "/", "")
	if len(unit) > 5 {
		unit = unit[:5]
	}
	lang := map[string]string{"en": "En", "fr": "Fr", "es": "Sp"}[d.Lang]
	return fmt.Sprintf("GB%s-%s_%s_[%s-%s-1]-%s.docx", sess, d.Section, strings.ReplaceAll(d.Item, "/", "_"), unit, d.Date.Format("060102"), lang)
}

func atoi(s string) int {
	n := 0
	for _, c := range s {
		n = n*10 + int(c-'0')
	}
	return n
}

// cover returns the cover lines after the masthead: the metadata block.
func cover(d *Doc) []string {
	var unitText []string
	for _, u := range d.Units {
		x := units[atoi(u)]
		unitText = append(unitText, x.name+" ("+x.code+")")
	}
	related := "None."
	if len(d.Cites) > 0 && strings.HasPrefix(d.Cites[0], "GB.") {
		related = d.Cites[0] + "."
	}
	return []string{
		"Relevant strategic objective: " + d.Objective + fmt.Sprintf(" (Outcome %d: %s).", d.Outcome, strings.ToLower(d.Objective)),
		"Policy implications: None.",
		"Legal implications: None.",
		"Financial implications: None.",
		"Follow-up action required: None.",
		"Author unit: " + strings.Join(unitText, "; ") + ".",
		"Related documents: " + related,
	}
}
