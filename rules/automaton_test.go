package rules

import (
	"math/rand"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// TestAutomatonFindsWhatNaiveSearchFinds compares the automaton with a
// plain search for every pattern at every position.
func TestAutomatonFindsWhatNaiveSearchFinds(t *testing.T) {
	r := rand.New(rand.NewSource(7))
	word := func(n int) string {
		var b strings.Builder
		for i := 0; i < n; i++ {
			b.WriteByte("abc "[r.Intn(4)])
		}
		return b.String()
	}
	for round := 0; round < 200; round++ {
		seen := map[string]bool{}
		var pats []string
		for len(pats) < 1+r.Intn(12) {
			p := word(1 + r.Intn(5))
			if !seen[p] {
				seen[p] = true
				pats = append(pats, p)
			}
		}
		a := buildAutomaton(pats)
		// long texts are read by two interleaved chains, short ones by one
		text := []byte(word(r.Intn(600)))
		ms, _ := a.scan(text, nil, nil)
		one := a.scanFrom(text, 0, 0, len(text), nil)
		if len(ms) != len(one) {
			t.Fatalf("text %q: %d matches, one chain finds %d", text, len(ms), len(one))
		}
		var got []string
		for i, m := range ms {
			if m != one[i] {
				t.Fatalf("text %q: match %d is %v, one chain finds %v", text, i, m, one[i])
			}
			got = append(got, pats[m.pat]+"@"+strconv.Itoa(int(m.end)))
		}
		var want []string
		for _, p := range pats {
			for i := 0; i+len(p) <= len(text); i++ {
				if string(text[i:i+len(p)]) == p {
					want = append(want, p+"@"+strconv.Itoa(i+len(p)))
				}
			}
		}
		sort.Strings(got)
		sort.Strings(want)
		if strings.Join(got, "|") != strings.Join(want, "|") {
			t.Fatalf("patterns %q text %q:\n got %q\nwant %q", pats, text, got, want)
		}
	}
}
