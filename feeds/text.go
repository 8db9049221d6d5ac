package feeds

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// PlainText strips HTML tags, decodes entities, collapses whitespace.
//
// Text inside script, style, template and similar elements is dropped, block
// elements and <br> separate words, and every run of white space (including
// no-break spaces and line breaks) becomes one space. Control characters,
// zero-width spaces and byte-order marks are removed; invalid UTF-8 becomes
// U+FFFD. Plain text without markup passes through with only its white space
// collapsed and its entities decoded.
func PlainText(s string) string {
	return plainText(s, -1)
}

// plainText is PlainText that stops once it has produced more than limit
// runes (no limit when negative), so a megabyte entry costs about as much as
// the part of it that is kept. The caller truncates to the exact length.
func plainText(s string, limit int) string {
	if s == "" {
		return ""
	}
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	w := textWriter{limit: limit}
	if limit < 0 || len(s) < limit*4 {
		w.b.Grow(len(s))
	}
	if !strings.ContainsRune(s, '<') {
		u := html.UnescapeString(s)
		if !looksLikeHTML(u) {
			w.write(u)
			return w.String()
		}
		// Markup escaped twice ("&lt;p&gt;") is still markup to a reader.
		s = u
	}
	z := html.NewTokenizer(strings.NewReader(s))
	skip := 0 // depth inside elements whose text is not prose
	for {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			// io.EOF or a tokenizer limit; either way we are done.
			return w.String()
		case html.TextToken:
			if skip == 0 {
				w.write(string(z.Text()))
				if w.full() {
					return w.String()
				}
			}
		case html.StartTagToken, html.SelfClosingTagToken:
			name, _ := z.TagName()
			a := atom.Lookup(name)
			if hidden(a) {
				if tt == html.StartTagToken {
					skip++
				}
				continue
			}
			if breaks(a) {
				w.space()
			}
		case html.EndTagToken:
			name, _ := z.TagName()
			a := atom.Lookup(name)
			if hidden(a) {
				if skip > 0 {
					skip--
				}
				continue
			}
			if breaks(a) {
				w.space()
			}
		}
	}
}

// hidden elements carry no prose a reader would see.
func hidden(a atom.Atom) bool {
	switch a {
	case atom.Script, atom.Style, atom.Template, atom.Noscript, atom.Iframe,
		atom.Object, atom.Svg, atom.Math, atom.Head, atom.Title, atom.Select:
		return true
	}
	return false
}

// breaks reports elements that end a word even without white space around
// them, so "<p>one</p><p>two</p>" reads "one two", not "onetwo".
func breaks(a atom.Atom) bool {
	switch a {
	case atom.Br, atom.Hr, atom.P, atom.Div, atom.Li, atom.Ul, atom.Ol, atom.Dl, atom.Dt, atom.Dd,
		atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6, atom.Blockquote, atom.Pre,
		atom.Table, atom.Tr, atom.Td, atom.Th, atom.Thead, atom.Tbody, atom.Tfoot, atom.Caption,
		atom.Section, atom.Article, atom.Aside, atom.Header, atom.Footer, atom.Nav, atom.Main,
		atom.Figure, atom.Figcaption, atom.Img, atom.Address, atom.Details, atom.Summary:
		return true
	}
	return false
}

// textWriter collapses white space as it goes and drops invisible runes.
type textWriter struct {
	b       strings.Builder
	pending bool // a space is owed before the next visible rune
	limit   int  // stop after this many runes; negative for no limit
	runes   int
}

func (w *textWriter) full() bool { return w.limit >= 0 && w.runes > w.limit }

func (w *textWriter) space() { w.pending = w.b.Len() > 0 }

func (w *textWriter) write(s string) {
	for _, r := range s {
		if w.full() {
			return
		}
		switch {
		case unicode.IsSpace(r):
			w.space()
		case r == '\u200B' || r == '\uFEFF' || r == '\u00AD' || unicode.Is(unicode.Cc, r):
			// zero-width space, BOM, soft hyphen, controls
		default:
			if w.pending {
				w.b.WriteByte(' ')
				w.pending = false
				w.runes++
			}
			w.b.WriteRune(r)
			w.runes++
		}
	}
}

func (w *textWriter) String() string { return w.b.String() }

// looksLikeHTML reports whether s contains something shaped like a tag:
// "<" followed by a letter, "/" or "!".
func looksLikeHTML(s string) bool {
	for i := strings.IndexByte(s, '<'); i >= 0 && i+1 < len(s); {
		c := s[i+1]
		if c == '/' || c == '!' || ('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z') {
			return true
		}
		j := strings.IndexByte(s[i+1:], '<')
		if j < 0 {
			break
		}
		i += 1 + j
	}
	return false
}
