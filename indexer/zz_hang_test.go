package indexer

import (
	"os"
	"testing"
)

func TestZZLast(t *testing.T) {
	s, _ := os.ReadFile("/tmp/zz_last_input")
	c := plainContent(t, string(s))
	before := textChars(c)
	out := RepairOCR(c)
	t.Logf("before %d after %d", before, textChars(out))
	a, b := bodyLines(c), bodyLines(out)
	t.Logf("%q\n%q", a, b)
	for _, p := range out.Pages {
		t.Logf("notes %+v", p.Notes)
	}
}
