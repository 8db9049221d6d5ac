package rules

import (
	"testing"
	"time"
	"unicode/utf8"
)

// FuzzExtract feeds any bytes as title and summary: no panic, and every
// span lies in the text and quotes it.
func FuzzExtract(f *testing.F) {
	f.Add("Rockets hit Ain al-Asad air base on Wednesday", "Two contractors were wounded.")
	f.Add("سقوط صواريخ على قاعدة عين الأسد", "مساء الأحد")
	f.Add("U.S.-led", "K-1's\xff\xfe ١٤")
	m := testMatcher(f)
	pub := time.Date(2023, 10, 20, 12, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, title, summary string) {
		res := m.Extract(Input{Title: title, Summary: summary, Published: pub})
		for _, e := range res.Events {
			for _, s := range e.Evidence {
				if s.Start < 0 || s.End > len(res.Text) || s.Start > s.End || res.Text[s.Start:s.End] != s.Text {
					t.Fatalf("span %+v outside or not quoting %q", s, res.Text)
				}
				if utf8.ValidString(res.Text) && !utf8.ValidString(s.Text) {
					t.Fatalf("span %+v cuts a character in %q", s, res.Text)
				}
			}
			if e.Confidence < 0 || e.Confidence > 1 {
				t.Fatalf("confidence %v", e.Confidence)
			}
		}
		_ = Normalize(title)
	})
}
