package rules

import (
	"encoding/binary"
	"math/rand"
	"strings"
	"testing"
)

func TestNormalize(t *testing.T) {
	cases := []struct{ in, want string }{
		{"Ain al-Asad", "ain al asad"},
		{"AIN AL ASSAD", "ain al asad"},
		{"Al-Asad Airbase", "al asad airbase"},
		{"Kata'ib Hizballah", "kataib hizbalah"},
		{"Kata’ib Hezbollah", "kataib hezbolah"},
		{"Erbil's airport", "erbil airport"},
		{"U.S. embassy", "us embasy"},
		{"the U.S.-led coalition", "the us led coalition"},
		{"K-1 and K1", "k 1 and k 1"},
		{"Tower-22", "tower 22"},
		{"Qayyarah", "qayarah"},
		{"Rockets hit. Then drones", "rockets hit\nthen drones"},
		{"Gen. McKenzie said", "gen mckenzie said"},
		{"hit, then", "hit,then"},
		{"Camp Taji — again", "camp taji,again"},
		{"Déir ez-Zôr", "deir ez zor"},
		{"  padded   text  ", "paded text"},
		{"١٤ صاروخا", "14 صاروخا"},
		{"أربيل", "اربيل"},
		{"إسقاط", "اسقاط"},
		{"قاعدة", "قاعده"},
		{"مستشفى", "مستشفي"},
		{"مُسَيَّرَة", "مسيره"},
		{"طائرة", "طايره"},
		{"صـــواريخ", "صواريخ"},
		{"التاجي", "تاجي"},
		{"بالتاجي", "تاجي"},
		{"للتاجي", "تاجي"},
		{"والتاجي", "تاجي"},
		{"وبلد", "بلد"},
		{"بلد", "بلد"},
		{"الأسد", "اسد"},
		{"هل؟ نعم", "هل\nنعم"},
		{"عين الأسد، غربي العراق", "عين اسد,غربي عراق"},
		{"\u200fRTL mark", "rtl mark"},
	}
	for _, c := range cases {
		if got := Normalize(c.in); got != c.want {
			t.Errorf("Normalize(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

// TestFoldOffsets checks on random text that every token maps back to a
// slice of the input that folds to the token.
func TestFoldOffsets(t *testing.T) {
	alphabet := []string{"a", "B", "ss", "é", "-", "'", "’", ".", ",", " ", "\n", "7", "أ", "ال", "ة", "ـ", "َ", "و", "ب", "ل", "د", "ي", "U.S.", "ك", "\xff", "١"}
	r := rand.New(rand.NewSource(1))
	var f folder
	for i := 0; i < 3000; i++ {
		var b strings.Builder
		for j := r.Intn(30); j > 0; j-- {
			b.WriteString(alphabet[r.Intn(len(alphabet))])
		}
		src := b.String()
		f.fold(src)
		if len(f.off) != len(f.out) {
			t.Fatalf("%q: %d offsets for %d bytes", src, len(f.off), len(f.out))
		}
		for k, o := range f.off {
			if k > 0 && o < f.off[k-1] {
				t.Fatalf("%q: offsets go back at %d", src, k)
			}
			if int(o) >= len(src) {
				t.Fatalf("%q: offset %d out of range", src, o)
			}
		}
		for _, tk := range f.toks {
			if want := tk.start > 0 && f.out[tk.start-1] != ' '; tk.brk != want {
				t.Fatalf("%q: token %q: break before it %v, want %v", src, f.out[tk.start:tk.end], tk.brk, want)
			}
			s, e := f.span(tk.start, tk.end)
			if s < 0 || e > len(src) || s >= e {
				t.Fatalf("%q: token %q maps to [%d,%d)", src, f.out[tk.start:tk.end], s, e)
			}
		}
	}
}

func TestLetterBytes(t *testing.T) {
	for v := 0; v < 256; v++ {
		for k := 0; k < 8; k++ {
			x := uint64(0x2020202020202020) | uint64(v)<<(8*k)
			got := letterBytes(x)>>(8*k+7)&1 == 1
			c := byte(v) | 0x20
			if want := c >= 'a' && c <= 'z'; got != want {
				t.Fatalf("byte %#x at %d: letter %v, want %v", v, k, got, want)
			}
		}
	}
}

func TestDoubled(t *testing.T) {
	for _, c := range []struct {
		s    string
		last byte
		l    int
		want bool
	}{
		{"abcdefgh", 'z', 8, false},
		{"abcdefgh", 'a', 8, true},
		{"abccefgh", 'z', 8, true},
		{"abccefgh", 'z', 3, false},
		{"abcdefhh", 'z', 8, true},
		{"abcdefhh", 'z', 7, false},
		{"aacdefgh", 'z', 1, false},
		{"aacdefgh", 'z', 2, true},
	} {
		x := binary.LittleEndian.Uint64([]byte(c.s))
		if got := doubled(x, c.last, c.l); got != c.want {
			t.Errorf("doubled(%q, %q, %d) = %v", c.s, c.last, c.l, got)
		}
	}
}

// TestFoldLatinRuns checks the eight-bytes-at-a-time folding of Latin words
// against the rule it implements, on random words whose doubled letters
// fall on every position of an eight-byte block.
func TestFoldLatinRuns(t *testing.T) {
	r := rand.New(rand.NewSource(2))
	var f folder
	for i := 0; i < 20000; i++ {
		var b strings.Builder
		for j := r.Intn(40); j > 0; j-- {
			b.WriteByte("abAB c "[r.Intn(7)])
		}
		src := b.String()
		// the rule: lower-case; a letter equal to the one before it in the
		// same word is dropped; runs of spaces become one space
		var want []byte
		var wantOff []int32
		for k := 0; k < len(src); k++ {
			c := src[k] | 0x20
			if c == ' ' {
				continue
			}
			if k > 0 && src[k-1]|0x20 == c {
				continue
			}
			if len(want) > 0 && src[k-1] == ' ' {
				want = append(want, ' ')
				wantOff = append(wantOff, int32(strings.LastIndexFunc(src[:k], func(r rune) bool { return r != ' ' })+1))
			}
			want = append(want, c)
			wantOff = append(wantOff, int32(k))
		}
		f.fold(src)
		if string(f.out) != string(want) {
			t.Fatalf("fold(%q) = %q, want %q", src, f.out, want)
		}
		for k := range want {
			if f.off[k] != wantOff[k] {
				t.Fatalf("fold(%q): offset of byte %d is %d, want %d", src, k, f.off[k], wantOff[k])
			}
		}
	}
}
