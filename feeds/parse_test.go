package feeds

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

var update = flag.Bool("update", false, "rewrite testdata/golden files from the current output")

// seenAt is the first-seen time handed to Parse throughout the tests.
var seenAt = time.Date(2026, 4, 10, 12, 0, 0, 0, time.UTC)

func readFixture(t testing.TB, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestParseGolden checks the full normalised output of every good fixture
// and shipped sample against testdata/golden; regenerate with -update and
// review the diff.
func TestParseGolden(t *testing.T) {
	files := []string{
		"../config/samples/levant-wire.xml",
		"../config/samples/desert-post.atom",
		"../config/samples/kurdistan-brief.json",
		"testdata/rss.xml",
		"testdata/atom.xml",
		"testdata/feed.json",
		"testdata/nodate.xml",
		"testdata/html-summary.xml",
		"testdata/arabic-windows-1256.xml",
	}
	for _, file := range files {
		name := filepath.Base(file)
		t.Run(name, func(t *testing.T) {
			items, err := Parse(name, readFixture(t, file), "", seenAt)
			if err != nil {
				t.Fatal(err)
			}
			var buf bytes.Buffer
			enc := json.NewEncoder(&buf)
			enc.SetEscapeHTML(false)
			enc.SetIndent("", "  ")
			if err := enc.Encode(items); err != nil {
				t.Fatal(err)
			}
			got := buf.Bytes()
			golden := filepath.Join("testdata", "golden", name+".golden")
			if *update {
				if err := os.MkdirAll(filepath.Dir(golden), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(golden, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want := readFixture(t, golden)
			if !bytes.Equal(got, want) {
				t.Errorf("Parse(%s) differs from %s (run go test -update and review the diff)\ngot:\n%s", file, golden, got)
			}
		})
	}
}

// TestParseSamples checks the properties the example config relies on,
// independently of the golden files.
func TestParseSamples(t *testing.T) {
	tests := []struct {
		file      string
		wantItems int
		wantLangs map[string]int
	}{
		{"../config/samples/levant-wire.xml", 6, map[string]int{"en-gb": 6}},
		{"../config/samples/desert-post.atom", 5, map[string]int{"en": 5}},
		{"../config/samples/kurdistan-brief.json", 4, map[string]int{"en": 2, "ar": 2}},
	}
	ids := map[string]string{}
	for _, tt := range tests {
		t.Run(filepath.Base(tt.file), func(t *testing.T) {
			items, err := Parse("sample", readFixture(t, tt.file), "", seenAt)
			if err != nil {
				t.Fatal(err)
			}
			if len(items) != tt.wantItems {
				t.Errorf("got %d items, want %d", len(items), tt.wantItems)
			}
			langs := map[string]int{}
			for _, it := range items {
				langs[it.Language]++
				if prev, dup := ids[it.ID]; dup {
					t.Errorf("id %q of %q repeats %q", it.ID, it.Title, prev)
				}
				ids[it.ID] = it.Title
				if it.Published.Year() != 2026 || it.Published.Equal(seenAt) {
					t.Errorf("%q: published %v, want its own 2026 date", it.Title, it.Published)
				}
				for field, s := range map[string]string{"title": it.Title, "summary": it.Summary, "content": it.Content} {
					if strings.ContainsAny(s, "<>") || strings.Contains(s, "&amp;") || strings.Contains(s, "&#") {
						t.Errorf("%q: %s still has markup: %q", it.Title, field, s)
					}
				}
				if it.Summary == "" || it.Link == "" || !strings.HasPrefix(it.Link, "https://") {
					t.Errorf("%q: summary %q, link %q", it.Title, it.Summary, it.Link)
				}
				if strings.Contains(it.Link, "utm_") || strings.Contains(it.Link, "#") {
					t.Errorf("%q: link %q kept tracking or fragment", it.Title, it.Link)
				}
			}
			for lang, n := range tt.wantLangs {
				if langs[lang] != n {
					t.Errorf("languages %v, want %v", langs, tt.wantLangs)
				}
			}
		})
	}
}

func TestParseItems(t *testing.T) {
	tests := []struct {
		name        string
		file        string
		contentType string
		check       func(t *testing.T, items []Item)
	}{
		{
			name: "rss normalisation", file: "testdata/rss.xml",
			check: func(t *testing.T, items []Item) {
				if len(items) != 3 {
					t.Fatalf("got %d items, want 3 (duplicate GUID and empty item dropped): %+v", len(items), items)
				}
				first := items[0]
				wantLink := "https://testwire.example/news/1?a=1&b=2"
				if first.ID != "tw-1" || first.GUID != "tw-1" || first.Link != wantLink {
					t.Errorf("first item id %q guid %q link %q, want tw-1, tw-1, %q", first.ID, first.GUID, first.Link, wantLink)
				}
				if want := time.Date(2026, 1, 5, 5, 0, 0, 0, time.UTC); !first.Published.Equal(want) || first.Published.Location() != time.UTC {
					t.Errorf("published %v, want %v in UTC", first.Published, want)
				}
				if first.Language != "en-us" || first.Hub != "https://hub.testwire.example/" {
					t.Errorf("language %q hub %q", first.Language, first.Hub)
				}
				rel := items[1]
				if rel.Link != "https://testwire.example/news/2" || rel.ID != rel.Link {
					t.Errorf("relative link item: link %q id %q, want resolved link as id", rel.Link, rel.ID)
				}
				if future := items[2]; !future.Published.Equal(seenAt) {
					t.Errorf("year-2100 item published %v, want first-seen %v", future.Published, seenAt)
				}
			},
		},
		{
			name: "atom xml:lang, html title, hash id", file: "testdata/atom.xml",
			check: func(t *testing.T, items []Item) {
				if len(items) != 2 {
					t.Fatalf("got %d items", len(items))
				}
				if items[0].Title != "Tirs de roquettes près d’une base" {
					t.Errorf("title %q", items[0].Title)
				}
				if items[0].Content != "Deux roquettes sont tombées près de la base." {
					t.Errorf("content %q", items[0].Content)
				}
				if items[0].Link != "https://testpost.example/2026/01/10/roquettes" {
					t.Errorf("link %q", items[0].Link)
				}
				if items[0].Language != "fr" || items[0].Hub != "https://websub.testpost.example/hub" {
					t.Errorf("language %q hub %q", items[0].Language, items[0].Hub)
				}
				if !strings.HasPrefix(items[1].ID, "sha256:") || len(items[1].ID) != len("sha256:")+16 {
					t.Errorf("no-guid no-link id %q, want sha256:<16 hex>", items[1].ID)
				}
			},
		},
		{
			name: "json feed", file: "testdata/feed.json",
			check: func(t *testing.T, items []Item) {
				if len(items) != 2 {
					t.Fatalf("got %d items", len(items))
				}
				if items[0].Link != "https://testjson.example/1?id=7" || items[0].Summary != "A drone was shot down near the border post. No one was hurt." {
					t.Errorf("item 0: link %q summary %q", items[0].Link, items[0].Summary)
				}
				if items[0].Language != "en" || items[1].Language != "ar" {
					t.Errorf("languages %q %q, want en (feed) and ar (item)", items[0].Language, items[1].Language)
				}
				if items[1].Link != "https://elsewhere.example/story" {
					t.Errorf("external_url fallback: %q", items[1].Link)
				}
				if want := time.Date(2026, 2, 2, 3, 0, 0, 0, time.UTC); !items[1].Published.Equal(want) {
					t.Errorf("date_modified fallback: %v, want %v", items[1].Published, want)
				}
				if items[0].Hub != "https://websub.testjson.example/" {
					t.Errorf("hub %q, want the WebSub one", items[0].Hub)
				}
			},
		},
		{
			name: "no dates", file: "testdata/nodate.xml",
			check: func(t *testing.T, items []Item) {
				if len(items) != 3 {
					t.Fatalf("got %d items", len(items))
				}
				for _, it := range items {
					if !it.Published.Equal(seenAt) {
						t.Errorf("%q published %v, want first-seen", it.Title, it.Published)
					}
				}
				if items[1].ID != "undated-2" || items[2].ID != "https://undated.example/3" {
					t.Errorf("ids %q %q", items[1].ID, items[2].ID)
				}
			},
		},
		{
			name: "html laden", file: "testdata/html-summary.xml",
			check: func(t *testing.T, items []Item) {
				want := []struct{ title, summary string }{
					{"Tags & entities in the title", "First paragraph with a link, an image and a line break. " +
						"Second paragraph: 5 < 7 && café العراق. one two Zerowidth and softhyphen."},
					{"Escaped twice", "Markup escaped twice still reads as text."},
				}
				if len(items) != len(want) {
					t.Fatalf("got %d items", len(items))
				}
				if items[1].Link != "https://htmlfeed.example/story?id=9&page=2" {
					t.Errorf("double-escaped link came out as %q", items[1].Link)
				}
				for i, w := range want {
					if items[i].Title != w.title || items[i].Summary != w.summary {
						t.Errorf("item %d:\n title   %q\n want    %q\n summary %q\n want    %q", i, items[i].Title, w.title, items[i].Summary, w.summary)
					}
				}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			items, err := Parse("test", readFixture(t, tt.file), tt.contentType, seenAt)
			if err != nil {
				t.Fatal(err)
			}
			for _, it := range items {
				if it.Feed != "test" || it.ID == "" {
					t.Errorf("item %+v: feed or id missing", it)
				}
			}
			tt.check(t, items)
		})
	}
}

func TestParseCharsets(t *testing.T) {
	const wantTitle = "قصف صاروخي يستهدف قاعدة عسكرية"
	const wantSummary = "سقطت ثلاثة صواريخ قرب القاعدة & لم تسجل إصابات."
	tests := []struct {
		name, file, contentType string
	}{
		{"declared in prolog", "testdata/arabic-windows-1256.xml", ""},
		{"declared in prolog, server says utf-8", "testdata/arabic-windows-1256.xml", "application/rss+xml; charset=utf-8"},
		{"only in content type", "testdata/arabic-windows-1256-nodecl.xml", "text/xml; charset=windows-1256"},
		{"content type alias cp1256", "testdata/arabic-windows-1256-nodecl.xml", `application/xml; charset="cp1256"`},
		{"utf-8 bytes under a 1256 declaration", "testdata/arabic-utf8-declared-1256.xml", ""},
		{"utf-8 bytes, content type says 1256", "testdata/arabic-utf8-declared-1256.xml", "text/xml; charset=windows-1256"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			items, err := Parse("arabic", readFixture(t, tt.file), tt.contentType, seenAt)
			if err != nil {
				t.Fatal(err)
			}
			if len(items) != 1 {
				t.Fatalf("got %d items", len(items))
			}
			if items[0].Title != wantTitle || items[0].Summary != wantSummary || items[0].Language != "ar" {
				t.Errorf("got title %q summary %q lang %q", items[0].Title, items[0].Summary, items[0].Language)
			}
		})
	}
}

func TestParseUTF16(t *testing.T) {
	src := `<?xml version="1.0" encoding="UTF-16"?><rss version="2.0"><channel><title>t</title>` +
		`<item><title>عنوان</title><guid>u16</guid></item></channel></rss>`
	for _, bigEndian := range []bool{false, true} {
		var b []byte
		if bigEndian {
			b = append(b, 0xFE, 0xFF)
		} else {
			b = append(b, 0xFF, 0xFE)
		}
		for _, r := range utf16Encode(src) {
			if bigEndian {
				b = append(b, byte(r>>8), byte(r))
			} else {
				b = append(b, byte(r), byte(r>>8))
			}
		}
		items, err := Parse("u16", b, "", seenAt)
		if err != nil {
			t.Fatalf("bigEndian=%v: %v", bigEndian, err)
		}
		if len(items) != 1 || items[0].Title != "عنوان" {
			t.Errorf("bigEndian=%v: %+v", bigEndian, items)
		}
	}
}

func utf16Encode(s string) []uint16 {
	var out []uint16
	for _, r := range s {
		if r > 0xFFFF {
			r -= 0x10000
			out = append(out, uint16(0xD800+(r>>10)), uint16(0xDC00+(r&0x3FF)))
			continue
		}
		out = append(out, uint16(r))
	}
	return out
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name    string
		body    []byte
		wantErr string
	}{
		{"empty", nil, `parse feed "bad": empty body`},
		{"white space", []byte(" \n\t "), "empty body"},
		{"html page", readFixture(t, "testdata/not-a-feed.html"), `not an RSS, Atom or JSON feed (it starts "<!DOCTYPE html>`},
		{"plain text", []byte("hello"), "not an RSS, Atom or JSON feed"},
		{"truncated xml", readFixture(t, "testdata/malformed.xml"), `parse feed "bad"`},
		{"broken json", []byte(`{"version":"https://jsonfeed.org/version/1.1","items":[{"id":1,}`), `parse feed "bad"`},
		{"truncated 1256", readFixture(t, "testdata/arabic-windows-1256.xml")[:300], "decoded from windows-1256"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			items, err := Parse("bad", tt.body, "", seenAt)
			if err == nil {
				t.Fatalf("no error, items %+v", items)
			}
			if !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("error %q does not contain %q", err, tt.wantErr)
			}
		})
	}
}

// TestParseHostile covers feeds built to hurt: entity expansion, one huge
// entry, ids the size of a book, deep nesting.
func TestParseHostile(t *testing.T) {
	huge := strings.Repeat("word ", 400_000) // 2 MB of text in one entry
	tests := []struct {
		name  string
		body  []byte
		check func(t *testing.T, items []Item, err error)
	}{
		{
			name: "billion laughs", body: readFixture(t, "testdata/billion-laughs.xml"),
			check: func(t *testing.T, items []Item, err error) {
				// Entities from a DTD are never expanded: either a parse
				// error or the literal reference, never gigabytes.
				if err != nil {
					return
				}
				if len(items) != 1 || items[0].Title != "&lol9;" || items[0].Summary != "&lol9;&lol9;&lol9;" {
					t.Errorf("entities expanded or item lost: %.200v", items)
				}
			},
		},
		{
			name: "huge entry",
			body: []byte(`<rss version="2.0"><channel><title>t</title><item><guid>big</guid><title>` + huge[:50_000] +
				`</title><description>` + huge + `</description></item></channel></rss>`),
			check: func(t *testing.T, items []Item, err error) {
				if err != nil {
					t.Fatal(err)
				}
				if len(items) != 1 {
					t.Fatalf("got %d items", len(items))
				}
				it := items[0]
				if n := utf8.RuneCountInString(it.Title); n > maxTitleRunes || n < maxTitleRunes*9/10 {
					t.Errorf("title %d runes, want at most %d", n, maxTitleRunes)
				}
				if n := utf8.RuneCountInString(it.Summary); n > maxSummaryRunes || n < maxSummaryRunes*9/10 {
					t.Errorf("summary %d runes, want at most %d", n, maxSummaryRunes)
				}
			},
		},
		{
			name: "huge guid",
			body: []byte(`<rss version="2.0"><channel><item><title>x</title><guid>` + strings.Repeat("g", 100_000) + `</guid></item></channel></rss>`),
			check: func(t *testing.T, items []Item, err error) {
				if err != nil {
					t.Fatal(err)
				}
				if len(items) != 1 || len(items[0].ID) > maxIDBytes || !strings.HasPrefix(items[0].ID, "sha256:") {
					t.Errorf("id %.80q (len %d), want a sha256 id", items[0].ID, len(items[0].ID))
				}
			},
		},
		{
			name: "deep nesting",
			body: []byte(`<rss version="2.0"><channel><item><title>x</title><description>` +
				strings.Repeat("<div>", 100_000) + `</description></item></channel></rss>`),
			check: func(t *testing.T, items []Item, err error) {
				if err != nil {
					t.Fatal(err)
				}
				if len(items) != 1 || items[0].Title != "x" || items[0].Summary != "" {
					t.Errorf("got %.200v, want one item titled x with no text", items)
				}
			},
		},
		{
			name: "deep json",
			body: []byte(`{"version":"https://jsonfeed.org/version/1","items":[{"id":"a","x":` + strings.Repeat("[", 100_000) + `}]}`),
			check: func(t *testing.T, items []Item, err error) {
				if err == nil || !strings.Contains(err.Error(), `parse feed "hostile"`) {
					t.Errorf("error %v, want one naming the feed", err)
				}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			items, err := Parse("hostile", tt.body, "", seenAt)
			tt.check(t, items, err)
		})
	}
}

// TestParseStableIDs: an undated item keeps its id when it is seen again
// later, and a dated one without GUID or link keys on its date.
func TestParseStableIDs(t *testing.T) {
	body := readFixture(t, "testdata/nodate.xml")
	a, err := Parse("f", body, "", seenAt)
	if err != nil {
		t.Fatal(err)
	}
	b, err := Parse("f", body, "", seenAt.Add(36*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	for i := range a {
		if a[i].ID != b[i].ID {
			t.Errorf("item %d id changed between polls: %q then %q", i, a[i].ID, b[i].ID)
		}
	}
	dated := func(date string) string {
		items, err := Parse("f", []byte(fmt.Sprintf(`<rss version="2.0"><channel><item><title>Same title</title><pubDate>%s</pubDate></item></channel></rss>`, date)), "", seenAt)
		if err != nil || len(items) != 1 {
			t.Fatalf("items %v err %v", items, err)
		}
		return items[0].ID
	}
	if x, y := dated("Mon, 05 Jan 2026 08:00:00 GMT"), dated("Tue, 06 Jan 2026 08:00:00 GMT"); x == y {
		t.Errorf("same title on two dates got one id %q", x)
	}
}

func TestHub(t *testing.T) {
	tests := []struct {
		name, body, hub, self string
	}{
		{"rss atom:link", string(readFixture(t, "testdata/rss.xml")), "https://hub.testwire.example/", "https://testwire.example/news/rss"},
		{"atom", string(readFixture(t, "testdata/atom.xml")), "https://websub.testpost.example/hub", "https://testpost.example/feed.atom"},
		{"json prefers websub", string(readFixture(t, "testdata/feed.json")), "https://websub.testjson.example/", "https://testjson.example/feed.json"},
		{"no hub", string(readFixture(t, "../config/samples/levant-wire.xml")), "", "https://levantwire.example/iraq-syria/rss.xml"},
		{"rel list", `<feed xmlns="http://www.w3.org/2005/Atom"><link rel="self hub" href="https://h.example/"/></feed>`, "https://h.example/", "https://h.example/"},
		{"links after first entry ignored", `<feed xmlns="http://www.w3.org/2005/Atom"><entry><link rel="hub" href="https://no.example/"/></entry></feed>`, "", ""},
		{"1256 prolog", string(readFixture(t, "testdata/arabic-windows-1256.xml")), "", ""},
		{"garbage", "\x00\x01<<<>>>", "", ""},
		{"empty", "", "", ""},
		{"broken json", "{", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			hub, self := Hub([]byte(tt.body))
			if hub != tt.hub || self != tt.self {
				t.Errorf("Hub() = %q, %q; want %q, %q", hub, self, tt.hub, tt.self)
			}
		})
	}
}

func BenchmarkParse(b *testing.B) {
	for _, file := range []string{"../config/samples/levant-wire.xml", "../config/samples/desert-post.atom", "../config/samples/kurdistan-brief.json"} {
		body := readFixture(b, file)
		b.Run(filepath.Base(file), func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(body)))
			for b.Loop() {
				if _, err := Parse("bench", body, "", seenAt); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
