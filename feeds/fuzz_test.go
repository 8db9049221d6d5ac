package feeds

import (
	"net/url"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// The seed corpora live in testdata/fuzz/<FuzzName>/; run one for a while
// with, for example, go test -run XXX -fuzz FuzzParse -fuzztime 30s ./feeds/

func FuzzParse(f *testing.F) {
	firstSeen := time.Date(2026, 4, 10, 12, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, body []byte, contentType string) {
		items, err := Parse("fuzz", body, contentType, firstSeen)
		if err != nil {
			if items != nil {
				t.Errorf("items alongside error %v", err)
			}
			if !strings.Contains(err.Error(), `feed "fuzz"`) {
				t.Errorf("error %q does not name the feed", err)
			}
			return
		}
		ids := map[string]bool{}
		for _, it := range items {
			if it.Feed != "fuzz" || it.ID == "" || ids[it.ID] {
				t.Errorf("bad or repeated id in %+v", it)
			}
			ids[it.ID] = true
			if len(it.ID) > maxIDBytes+len("sha256:")+64 {
				t.Errorf("id of %d bytes", len(it.ID))
			}
			for _, s := range []string{it.Title, it.Summary, it.Content} {
				if !utf8.ValidString(s) || strings.Contains(s, "  ") || s != strings.TrimSpace(s) {
					t.Errorf("text not clean: %q", s)
				}
			}
			if utf8.RuneCountInString(it.Title) > maxTitleRunes || utf8.RuneCountInString(it.Summary) > maxSummaryRunes ||
				utf8.RuneCountInString(it.Content) > maxContentRunes {
				t.Errorf("text over its cap")
			}
			if it.Published.IsZero() || it.Published.After(firstSeen.Add(futureSlack)) {
				t.Errorf("published %v", it.Published)
			}
		}
	})
}

func FuzzPlainText(f *testing.F) {
	f.Fuzz(func(t *testing.T, s string) {
		out := PlainText(s)
		if !utf8.ValidString(out) {
			t.Fatalf("invalid UTF-8 out of %q", s)
		}
		if out != strings.TrimSpace(out) || strings.Contains(out, "  ") {
			t.Errorf("white space not collapsed: %q", out)
		}
		for _, r := range out {
			if r < 0x20 || r == 0x7f || r == '\u200b' || r == '\ufeff' {
				t.Errorf("control or invisible rune %U left in %q", r, out)
			}
		}
		// Entities and U+FFFD replacement grow text by a bounded factor.
		if len(out) > 3*len(s)+3 {
			t.Errorf("output %d bytes from %d", len(out), len(s))
		}
		if lim := plainText(s, 10); !strings.HasPrefix(out, lim) {
			t.Errorf("limited output %q is not a prefix of %q", lim, out)
		}
	})
}

func FuzzCanonicalURL(f *testing.F) {
	f.Fuzz(func(t *testing.T, raw string) {
		out := CanonicalURL(raw)
		if out == raw {
			return
		}
		if again := CanonicalURL(out); again != out {
			t.Errorf("not idempotent: %q -> %q -> %q", raw, out, again)
		}
		u, err := url.Parse(out)
		if err != nil {
			t.Fatalf("output %q of %q does not parse: %v", out, raw, err)
		}
		if u.Scheme != strings.ToLower(u.Scheme) || u.Host != strings.ToLower(u.Host) {
			t.Errorf("scheme or host not lowercased: %q", out)
		}
		if u.Fragment != "" && !strings.HasPrefix(u.Fragment, "!") {
			t.Errorf("fragment kept: %q", out)
		}
		for _, pair := range strings.Split(u.RawQuery, "&") {
			k, _, _ := strings.Cut(pair, "=")
			if key, err := url.QueryUnescape(k); err == nil && isTrackingParam(strings.ToLower(key)) {
				t.Errorf("tracking parameter %q kept in %q", key, out)
			}
		}
	})
}
