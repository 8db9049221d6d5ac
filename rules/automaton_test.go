package rules

import (
	"math/rand"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// TestAutomatonFindsWhatNaiveSearchFinds compares the automaton with a
// plain search for every pattern at the start of every token: a pattern
// ends at the end of a token, or inside one when its last word is a stem.
func TestAutomatonFindsWhatNaiveSearchFinds(t *testing.T) {
	r := rand.New(rand.NewSource(7))
	// words of 16 bytes and longer share a key: only the text tells them
	// apart
	vocab := []string{"ab", "abc", "b", "ca", "a", "قصف", "قصفت", "قص", "cab", "abcdefghijklmnop", "abcdefghijklmnopq", "abcdefghijklmnopqr"}
	seps := []string{" ", " ", " ", ", ", ". "}
	phrase := func(n int, sep func() string) string {
		var b strings.Builder
		for i := 0; i < n; i++ {
			if i > 0 {
				b.WriteString(sep())
			}
			b.WriteString(vocab[r.Intn(len(vocab))])
		}
		return b.String()
	}
	for round := 0; round < 400; round++ {
		seen := map[string]bool{}
		var pats []string
		var stemPat []bool
		for len(pats) < 1+r.Intn(12) {
			p := phrase(1+r.Intn(3), func() string { return " " })
			if !seen[p] {
				seen[p] = true
				pats = append(pats, p)
				stemPat = append(stemPat, r.Intn(3) == 0)
			}
		}
		a := buildAutomaton(pats, stemPat, nil)
		var f folder
		f.fold(phrase(r.Intn(80), func() string { return seps[r.Intn(len(seps))] }))
		var got []string
		ms, _ := a.scan(&f, nil, nil)
		for _, m := range ms {
			p := pats[m.pat]
			start := int(m.end) - len(p)
			s0, t0 := a.from(m)
			if int(s0) != start || int(f.toks[t0].start) != start || int(f.toks[m.t1-1].end) < int(m.end) {
				t.Fatalf("text %q: match of %q at %d starts at %d, has tokens [%d,%d)", f.out, p, m.end, s0, t0, m.t1)
			}
			got = append(got, p+"@"+strconv.Itoa(int(m.end)))
		}
		var want []string
		out := string(f.out)
		for pid, p := range pats {
			for _, tk := range f.toks {
				s := int(tk.start)
				if !strings.HasPrefix(out[s:], p) {
					continue
				}
				e := s + len(p)
				if e == len(out) || out[e] < '0' || stemPat[pid] {
					want = append(want, p+"@"+strconv.Itoa(e))
				}
			}
		}
		sort.Strings(got)
		sort.Strings(want)
		if strings.Join(got, "|") != strings.Join(want, "|") {
			t.Fatalf("patterns %q stems %v text %q:\n got %q\nwant %q", pats, stemPat, f.out, got, want)
		}
	}
}

// TestAutomatonWordLookup checks the vocabulary table: every word is found
// by its key, however long; a word that only shares a prefix of 16 bytes or
// more with one is not; and an empty word, whose key is zero, matches no
// slot, empty or full.
func TestAutomatonWordLookup(t *testing.T) {
	long := "abcdefghijklmnopqrst" // longer than a key
	words := []string{"a", "ab", "abcdefgh", "abcdefghi", long, "قاعدة"}
	a := buildAutomaton(words, make([]bool, len(words)), nil)
	for _, w := range append(words, long[:16], long[:17], long+"u", "b", "abcdefg", "") {
		text := []byte(w + strings.Repeat("\x00", 16))
		got := a.word(text, 0, len(w))
		want := int32(-1)
		for id, v := range a.words {
			if v == w {
				want = int32(id)
			}
		}
		if got != want {
			t.Errorf("word %q: id %d, want %d", w, got, want)
		}
	}
}
