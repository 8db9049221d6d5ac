package web

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"github.com/basewatch/basewatch/bot/store"
)

type node = html.Node

func parse(t *testing.T, body string) *node {
	t.Helper()
	doc, err := html.Parse(strings.NewReader(body))
	if err != nil {
		t.Fatalf("page does not parse: %v", err)
	}
	return doc
}

// walk calls f on n and every node below it, in document order.
func walk(n *node, f func(*node)) {
	f(n)
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		walk(c, f)
	}
}

func findAll(n *node, match func(*node) bool) []*node {
	var out []*node
	walk(n, func(c *node) {
		if c.Type == html.ElementNode && match(c) {
			out = append(out, c)
		}
	})
	return out
}

func find(n *node, match func(*node) bool) *node {
	if all := findAll(n, match); len(all) > 0 {
		return all[0]
	}
	return nil
}

func is(a atom.Atom) func(*node) bool { return func(n *node) bool { return n.DataAtom == a } }

func attr(n *node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

// textOf is the text of n with runs of white space collapsed, and a space
// before each element shown on a line of its own (class "sub") and each
// cell, as a reader sees them.
func textOf(n *node) string {
	var b strings.Builder
	walk(n, func(c *node) {
		switch {
		case c.Type == html.TextNode:
			b.WriteString(c.Data)
		case c.Type == html.ElementNode && (strings.Contains(attr(c, "class"), "sub") ||
			c.DataAtom == atom.Td || c.DataAtom == atom.Th || c.DataAtom == atom.Dt || c.DataAtom == atom.Dd):
			b.WriteByte(' ')
		}
	})
	return strings.Join(strings.Fields(b.String()), " ")
}

func titleOf(doc *node) string {
	if t := find(doc, is(atom.Title)); t != nil {
		return textOf(t)
	}
	return ""
}

// section returns the <section> whose heading has the id.
func section(t *testing.T, doc *node, id string) *node {
	t.Helper()
	s := find(doc, func(n *node) bool { return n.DataAtom == atom.Section && attr(n, "aria-labelledby") == id })
	if s == nil {
		t.Fatalf("no section labelled by #%s", id)
	}
	return s
}

// rows returns the text of each cell of each body row of the first table
// in n.
func rows(t *testing.T, n *node) [][]string {
	t.Helper()
	tbody := find(n, is(atom.Tbody))
	if tbody == nil {
		t.Fatal("no table body")
	}
	var out [][]string
	for _, tr := range findAll(tbody, is(atom.Tr)) {
		var cells []string
		for c := tr.FirstChild; c != nil; c = c.NextSibling {
			if c.DataAtom == atom.Td || c.DataAtom == atom.Th {
				cells = append(cells, textOf(c))
			}
		}
		out = append(out, cells)
	}
	return out
}

func statusPage(t *testing.T) (*node, string) {
	t.Helper()
	_, body := do(t, New(Options{Status: fixed(fixture()), Location: zone}), http.MethodGet, "/")
	return parse(t, body), body
}

func TestStatusPageDocument(t *testing.T) {
	doc, _ := statusPage(t)
	root := find(doc, is(atom.Html))
	if root == nil || attr(root, "lang") != "en" {
		t.Error("<html> lacks lang=\"en\"")
	}
	if got, want := titleOf(doc), "basewatch status: 1 feed failing, 1 output down, 2 deliveries failed"; got != want {
		t.Errorf("title = %q, want %q", got, want)
	}
	if find(doc, func(n *node) bool { return n.DataAtom == atom.Meta && attr(n, "name") == "viewport" }) == nil {
		t.Error("no viewport meta: unreadable on a narrow screen")
	}
	if find(doc, is(atom.Script)) != nil {
		t.Error("page has a <script>")
	}
	if len(findAll(doc, is(atom.H1))) != 1 || find(doc, is(atom.Main)) == nil {
		t.Error("page needs one <h1> and a <main>")
	}
	// Every header cell says what it heads.
	for _, th := range findAll(doc, is(atom.Th)) {
		if s := attr(th, "scope"); s != "col" && s != "row" {
			t.Errorf("<th> %q has scope %q", textOf(th), s)
		}
	}
	// Every table has a caption.
	for _, tb := range findAll(doc, is(atom.Table)) {
		if c := find(tb, is(atom.Caption)); c == nil || textOf(c) == "" {
			t.Error("a table has no caption")
		}
	}
	// Event handlers and inline styles would be blocked by the policy.
	walk(doc, func(n *node) {
		for _, a := range n.Attr {
			if strings.HasPrefix(a.Key, "on") || a.Key == "style" {
				t.Errorf("<%s> has attribute %s", n.Data, a.Key)
			}
		}
	})
}

func TestStatusPageFeeds(t *testing.T) {
	doc, _ := statusPage(t)
	got := rows(t, section(t, doc, "feeds"))
	want := [][]string{
		{"wire-english news.example.org", "ok", "3 min ago", "0", "on schedule */5 * * * *", "none"},
		{"regional-arabic arabic.example.net", "failing", "5 h ago", "7", "in 17 min", ""},
		{"ministry-statements ministry.example.com", "never polled", "never", "0", "on schedule @hourly", "none"},
		{"agency-json agency.example.com", "ok", "1 min ago", "0", "in 30 s", "none"},
	}
	if len(got) != len(want) {
		t.Fatalf("%d feed rows, want %d: %q", len(got), len(want), got)
	}
	for i := range want {
		for j := range want[i] {
			if j == 5 && i == 1 {
				continue // the long error, checked below
			}
			if got[i][j] != want[i][j] {
				t.Errorf("feed row %d cell %d = %q, want %q", i, j, got[i][j], want[i][j])
			}
		}
	}
	// The error is shortened, redacted and complete in its tooltip.
	if !strings.HasPrefix(got[1][5], "fetch https://arabic.example.net/feed?…: 503 Service Unavailable after 10s;") ||
		!strings.HasSuffix(got[1][5], "…") {
		t.Errorf("failing feed's error = %q", got[1][5])
	}
	span := find(section(t, doc, "feeds"), func(n *node) bool { return strings.HasSuffix(attr(n, "title"), "until the server answers again") })
	if span == nil {
		t.Error("the whole error is not in a tooltip")
	}
	// The state is told by a class (colour) and by text.
	for _, state := range []string{"ok", "failing", "never"} {
		if find(doc, func(n *node) bool { return attr(n, "class") == "state "+state && textOf(n) != "" }) == nil {
			t.Errorf("no badge of state %s with text", state)
		}
	}
	// Times carry their exact value in the page's zone.
	tm := find(section(t, doc, "feeds"), func(n *node) bool { return n.DataAtom == atom.Time && textOf(n) == "3 min ago" })
	if tm == nil || attr(tm, "datetime") != "2024-03-05T14:02:00+03:00" || attr(tm, "title") != "Tue 5 Mar 2024 14:02:00 +03" {
		t.Errorf("last success time element wrong: %+v", tm)
	}
}

func TestStatusPageIncidents(t *testing.T) {
	doc, _ := statusPage(t)
	sec := section(t, doc, "incidents")
	got := rows(t, sec)
	want := [][]string{
		{"Tue 5 Mar 2024 2024-03-05-ain-al-asad", "Ain al-Asad Air Base, Iraq map", "Rocket attack", "no one killed, 2 wounded", "Claimed by an armed group", "news.example.org"},
		{"Mon 4 Mar 2024 2024-03-04-anbar", "Anbar, Iraq site unconfirmed", "Drone attack", "unknown", "unknown", "arabic.example.net"},
		{"Sat 2 Mar 2024 2024-03-02-tower-22", "Tower 22, Jordan map", "Attack", "3 killed, 40 wounded", "Blamed on a militia", "no link"},
		{"Tue 17 Oct 2023 2023-10-17-al-tanf", "Al-Tanf Garrison, Syria known", "Drone attack", "no casualties reported", "unknown", "shipped seed list"},
	}
	if !slices.EqualFunc(got, want, slices.Equal) {
		t.Errorf("incident rows:\n got %q\nwant %q", got, want)
	}
	var hrefs []string
	for _, a := range findAll(sec, is(atom.A)) {
		hrefs = append(hrefs, attr(a, "href"))
	}
	wantHrefs := []string{
		"https://www.openstreetmap.org/?mlat=33.78560&mlon=42.44120#map=12/33.78560/42.44120",
		"https://news.example.org/world/2024/03/05/rockets-hit-base",
		"https://arabic.example.net/article/1234",
		"https://www.openstreetmap.org/?mlat=32.25690&mlon=38.75030#map=12/32.25690/38.75030",
	}
	if !slices.Equal(hrefs, wantHrefs) {
		t.Errorf("incident links:\n got %q\nwant %q", hrefs, wantHrefs)
	}
}

func TestStatusPageRecapAndOutbox(t *testing.T) {
	doc, _ := statusPage(t)
	recap := section(t, doc, "recap")
	if h := textOf(find(recap, is(atom.H2))); h != "On this date, 5 March: 2 incidents in earlier years" {
		t.Errorf("recap heading = %q", h)
	}
	var lines []string
	for _, li := range findAll(recap, is(atom.Li)) {
		lines = append(lines, textOf(li))
	}
	if want := []string{
		"2021 · Ain al-Asad Air Base · rocket · 1 killed source",
		"2022 · Erbil Air Base · ballistic missile",
	}; !slices.Equal(lines, want) {
		t.Errorf("recap lines:\n got %q\nwant %q", lines, want)
	}
	if links := findAll(recap, is(atom.A)); len(links) != 1 || attr(links[0], "href") != "https://news.example.org/world/2021/03/05/base-attack" {
		t.Errorf("recap links wrong: %d", len(links))
	}

	out := section(t, doc, "outbox")
	figures := textOf(find(out, is(atom.Dl)))
	if figures != "Pending 3 Failed 2 Oldest pending 7 min" {
		t.Errorf("outbox figures = %q", figures)
	}
	down := textOf(find(out, func(n *node) bool { return n.DataAtom == atom.Ul && attr(n, "class") == "down" }))
	if down != "down slack: token: invalid_auth; check bot_token (Authorization: [redacted]" {
		t.Errorf("outputs down = %q", down)
	}
	got := rows(t, out)
	want := [][]string{
		{"41", "alert", "discord", "ops", "2024-03-04-anbar", "5", "26 h ago", "POST https://discord.com/api/webhooks/[redacted]: 401 Unauthorized"},
		{"57", "recap", "slack", "newsdesk", "none", "8", "40 min ago", "slack: invalid_auth (token [redacted])"},
	}
	if !slices.EqualFunc(got, want, slices.Equal) {
		t.Errorf("failed deliveries:\n got %q\nwant %q", got, want)
	}
}

// TestStatusPageLinks checks every link on the page: http(s) to the world,
// or one of the page's own endpoints.
func TestStatusPageLinks(t *testing.T) {
	doc, body := statusPage(t)
	own := map[string]bool{"healthz": true, "readyz": true, "metrics": true}
	for _, a := range findAll(doc, func(n *node) bool { return n.DataAtom == atom.A || n.DataAtom == atom.Link }) {
		href := attr(a, "href")
		if a.DataAtom == atom.Link && href == "data:," {
			continue // the empty favicon
		}
		u, err := url.Parse(href)
		switch {
		case err != nil:
			t.Errorf("bad href %q: %v", href, err)
		case own[href]:
		case (u.Scheme == "https" || u.Scheme == "http") && u.Host != "":
			if rel := attr(a, "rel"); !strings.Contains(rel, "noopener") || !strings.Contains(rel, "noreferrer") {
				t.Errorf("outside link %s has rel %q", href, rel)
			}
		default:
			t.Errorf("link %q is neither http(s) nor the page's own", href)
		}
	}
	for _, bad := range []string{"javascript:", "data:text"} {
		if strings.Contains(body, bad) {
			t.Errorf("page holds %q", bad)
		}
	}
}

func TestStatusPageNoSecrets(t *testing.T) {
	_, body := statusPage(t)
	for _, s := range planted {
		if strings.Contains(body, s) {
			t.Errorf("page shows the secret %q", s)
		}
	}
}

func TestStatusPageEscapes(t *testing.T) {
	snap := Snapshot{
		Now: fixtureNow,
		Feeds: []FeedHealth{{Name: `<img src=x onerror=alert(1)>`, URL: "https://x.example/", LastPoll: fixtureNow,
			LastError: "<script>alert(1)</script>\x1b[31m red \u202e reversed"}},
		Latest: []store.Incident{{ID: "x", Location: `"><b>bold</b>`, Actor: "<i>actor</i>", EventDate: fixtureNow}},
	}
	_, body := do(t, New(Options{Status: fixed(snap)}), http.MethodGet, "/")
	doc := parse(t, body)
	for _, tag := range []atom.Atom{atom.Img, atom.Script, atom.B, atom.I} {
		if find(doc, is(tag)) != nil {
			t.Errorf("feed text became a <%s> element", tag)
		}
	}
	for _, bad := range []string{"\x1b", "\u202e"} {
		if strings.Contains(body, bad) {
			t.Errorf("page holds control character %q", bad)
		}
	}
	if !strings.Contains(body, "&lt;img src=x onerror=alert(1)&gt;") {
		t.Error("feed name not shown escaped")
	}
}
