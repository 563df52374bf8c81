package search

import (
	"encoding/json"
	"math"
	"os"
	"sort"
	"strings"
	"testing"
)

// Relevance thresholds, set from measurement on the judged set (see the
// README, "Relevance"): the test fails when a change makes ranking worse.
const (
	minMRR         = 0.95
	minNDCG10      = 0.95
	minPassageHits = 1.0 // every judged passage shown first
)

type judgments struct {
	Queries []struct {
		Q        string         `json:"q"`
		Kind     string         `json:"kind"`
		Relevant map[string]int `json:"relevant"`
		Passage  string         `json:"passage"`
	} `json:"queries"`
}

// TestRelevance computes MRR and nDCG@10 over the judged queries of
// testdata/judgments.json and fails below the thresholds.
func TestRelevance(t *testing.T) {
	ix, _ := realIndex(t)
	b, err := os.ReadFile("testdata/judgments.json")
	if err != nil {
		t.Fatal(err)
	}
	var j judgments
	if err := json.Unmarshal(b, &j); err != nil {
		t.Fatal(err)
	}
	if len(j.Queries) < 40 {
		t.Fatalf("only %d judged queries; the set must have at least 40", len(j.Queries))
	}
	var sumRR, sumNDCG float64
	passages, passageHits := 0, 0
	byKind := map[string][]float64{}
	for _, q := range j.Queries {
		res, err := ix.Search(t.Context(), Request{Query: q.Q, Size: 10, NoFacets: true})
		if err != nil {
			t.Fatalf("%q: %v", q.Q, err)
		}
		rr := 0.0
		for i, h := range res.Hits {
			if q.Relevant[h.Symbol] == 2 {
				rr = 1 / float64(i+1)
				break
			}
		}
		nd := ndcg(res.Hits, q.Relevant, 10)
		sumRR += rr
		sumNDCG += nd
		byKind[q.Kind] = append(byKind[q.Kind], rr)
		if rr < 1 || nd < 0.8 {
			t.Logf("%-45q RR %.2f nDCG %.2f: %v", q.Q, rr, nd, hitSymbols(res.Hits))
		}
		if q.Passage != "" {
			passages++
			for _, h := range res.Hits {
				if q.Relevant[h.Symbol] > 0 {
					if len(h.Passages) > 0 && h.Passages[0].ID == q.Passage {
						passageHits++
					} else {
						var got []string
						for _, p := range h.Passages {
							got = append(got, p.ID)
						}
						t.Logf("%q: first passages %v, want %s", q.Q, got, q.Passage)
					}
					break
				}
			}
		}
	}
	n := float64(len(j.Queries))
	mrr, nd := sumRR/n, sumNDCG/n
	kinds := make([]string, 0, len(byKind))
	for k := range byKind {
		kinds = append(kinds, k)
	}
	sort.Strings(kinds)
	var parts []string
	for _, k := range kinds {
		s := 0.0
		for _, v := range byKind[k] {
			s += v
		}
		parts = append(parts, k+" "+strings.TrimRight(strings.TrimRight(ftoa(s/float64(len(byKind[k]))), "0"), "."))
	}
	pr := float64(passageHits) / math.Max(1, float64(passages))
	t.Logf("%d queries: MRR %.3f, nDCG@10 %.3f, judged passages shown first %d/%d; MRR by kind: %s",
		len(j.Queries), mrr, nd, passageHits, passages, strings.Join(parts, ", "))
	if mrr < minMRR {
		t.Errorf("MRR %.3f below %.2f", mrr, minMRR)
	}
	if nd < minNDCG10 {
		t.Errorf("nDCG@10 %.3f below %.2f", nd, minNDCG10)
	}
	if pr < minPassageHits {
		t.Errorf("judged passages shown first: %.2f, below %.2f", pr, minPassageHits)
	}
}

func ftoa(f float64) string {
	b, _ := json.Marshal(math.Round(f*1000) / 1000)
	return string(b)
}

// ndcg is the normalised discounted cumulative gain at k with graded
// relevance (gain 2^grade - 1).
func ndcg(hits []Hit, rel map[string]int, k int) float64 {
	dcg := 0.0
	for i, h := range hits {
		if i >= k {
			break
		}
		if g := rel[h.Symbol]; g > 0 {
			dcg += (math.Pow(2, float64(g)) - 1) / math.Log2(float64(i+2))
		}
	}
	var grades []int
	for _, g := range rel {
		grades = append(grades, g)
	}
	sort.Sort(sort.Reverse(sort.IntSlice(grades)))
	idcg := 0.0
	for i, g := range grades {
		if i >= k {
			break
		}
		idcg += (math.Pow(2, float64(g)) - 1) / math.Log2(float64(i+2))
	}
	if idcg == 0 {
		return 0
	}
	return dcg / idcg
}
