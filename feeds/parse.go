package feeds

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"html"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/mmcdole/gofeed"
	jsonfeed "github.com/mmcdole/gofeed/json"
)

// Caps on one item's text, in runes. A hostile or broken feed can put
// megabytes in one entry; the rules downstream need the news, not the bulk.
const (
	maxTitleRunes   = 1_000
	maxSummaryRunes = 5_000
	maxContentRunes = 100_000
	// maxIDBytes: longer GUIDs and links are hashed for the id, so a
	// hostile feed cannot make the seen-set store megabytes per key.
	maxIDBytes = 512
	// futureSlack is how far past firstSeen a feed's date may be before it
	// is taken for a clock or time-zone bug and replaced by firstSeen.
	futureSlack = 24 * time.Hour
)

// Parse parses RSS 2.0, Atom or JSON Feed bytes (with gofeed) and normalises every entry into an Item.
// firstSeen is used as Published for items without a date. Charsets other than UTF-8 (e.g. windows-1256
// Arabic declared in the XML prolog or given by contentType) are decoded.
//
// Each Item gets: Feed set to feed; ID from the GUID, else the canonical
// link, else a short sha256 of the title and the feed's date (the title and
// summary when there is no date, so an undated item keeps its id across
// polls); Link canonicalised and made absolute against the feed's home page;
// Title, Summary and Content as plain text (Summary falls back to the start
// of Content); Published in UTC, from the published date, else the updated
// date, else firstSeen (and firstSeen too when the date lies more than a day
// after firstSeen); Language from the item (JSON Feed) or the feed (RSS
// <language>, Atom xml:lang, JSON Feed language), lowercased; Hub from the
// feed's WebSub link. Entries with neither title, text nor link are dropped,
// and so are repeats of an id already seen in the same document.
//
// Parse returns an error naming feed for an empty body, a body that is not a
// feed, or a feed that does not parse; it does not panic on any input.
func Parse(feed string, body []byte, contentType string, firstSeen time.Time) (items []Item, err error) {
	if len(bytes.TrimSpace(body)) == 0 {
		return nil, fmt.Errorf("parse feed %q: empty body", feed)
	}
	text, charset, err := toUTF8(body, contentType)
	if err != nil {
		return nil, fmt.Errorf("parse feed %q: %w", feed, err)
	}
	isJSON := false
	if t := bytes.TrimLeft(text, " \t\r\n"); len(t) > 0 && t[0] == '{' {
		isJSON = true
	}

	defer func() {
		// gofeed is third-party code fed hostile input; one feed that trips
		// a bug in it must cost that feed, not the daemon.
		if r := recover(); r != nil {
			items, err = nil, fmt.Errorf("parse feed %q: parser failed on this input: %v", feed, r)
		}
	}()
	p := gofeed.NewParser()
	p.KeepOriginalFeed = isJSON // for the per-item language of JSON Feed 1.1
	gf, err := p.Parse(bytes.NewReader(text))
	if err != nil {
		if errors.Is(err, gofeed.ErrFeedTypeNotDetected) {
			return nil, fmt.Errorf("parse feed %q: not an RSS, Atom or JSON feed (it starts %q)", feed, snippet(text, 60))
		}
		if charset != "utf-8" {
			return nil, fmt.Errorf("parse feed %q (decoded from %s): %w", feed, charset, err)
		}
		return nil, fmt.Errorf("parse feed %q: %w", feed, err)
	}

	var hub string
	if isJSON {
		hub, _ = jsonHub(text)
	} else {
		hub, _ = xmlHub(text)
	}
	base := feedBase(gf)
	feedLang := normLang(gf.Language)
	var jsonItems []*jsonfeed.Item
	if jf, ok := gf.OriginalFeed().(*jsonfeed.Feed); ok && len(jf.Items) == len(gf.Items) {
		jsonItems = jf.Items
	}

	seen := make(map[string]bool, len(gf.Items))
	items = make([]Item, 0, len(gf.Items))
	for i, gi := range gf.Items {
		if gi == nil {
			continue
		}
		it := normalise(feed, gi, base, firstSeen)
		if it.Title == "" && it.Summary == "" && it.Content == "" && it.Link == "" {
			continue
		}
		if seen[it.ID] {
			continue
		}
		seen[it.ID] = true
		it.Language = feedLang
		if jsonItems != nil && jsonItems[i] != nil {
			if l := normLang(jsonItems[i].Language); l != "" {
				it.Language = l
			}
		}
		it.Hub = hub
		items = append(items, it)
	}
	return items, nil
}

// normalise turns one gofeed item into an Item, without the feed-level
// fields (Language, Hub).
func normalise(feed string, gi *gofeed.Item, base *url.URL, firstSeen time.Time) Item {
	it := Item{
		Feed:    feed,
		GUID:    strings.TrimSpace(gi.GUID),
		Title:   truncateRunes(plainText(gi.Title, maxTitleRunes), maxTitleRunes),
		Summary: truncateRunes(plainText(gi.Description, maxSummaryRunes), maxSummaryRunes),
		Content: truncateRunes(plainText(gi.Content, maxContentRunes), maxContentRunes),
	}
	if it.Summary == "" && it.Content != "" {
		it.Summary = truncateRunes(it.Content, maxSummaryRunes)
	}

	link := strings.TrimSpace(gi.Link)
	if link == "" && len(gi.Links) > 0 {
		link = strings.TrimSpace(gi.Links[0])
	}
	if strings.Contains(link, "&amp;") || strings.Contains(link, "&#") {
		// Escaped once too often by the feed's template; no real URL
		// contains a literal "&amp;".
		link = html.UnescapeString(link)
	}
	if link != "" {
		it.Link = CanonicalURL(resolve(base, link))
	}

	var dated *time.Time
	switch {
	case gi.PublishedParsed != nil && gi.PublishedParsed.Year() >= 1970:
		dated = gi.PublishedParsed
	case gi.UpdatedParsed != nil && gi.UpdatedParsed.Year() >= 1970:
		dated = gi.UpdatedParsed
	}
	it.Published = firstSeen.UTC()
	if dated != nil {
		it.Published = dated.UTC()
		if !firstSeen.IsZero() && it.Published.After(firstSeen.Add(futureSlack)) {
			it.Published = firstSeen.UTC()
		}
	}

	switch {
	case it.GUID != "":
		it.ID = boundedID(it.GUID)
	case it.Link != "":
		it.ID = boundedID(it.Link)
	default:
		h := sha256.New()
		h.Write([]byte(it.Title))
		h.Write([]byte{0})
		if dated != nil {
			h.Write([]byte(dated.UTC().Format(time.RFC3339)))
		} else {
			h.Write([]byte(it.Summary))
		}
		it.ID = "sha256:" + hex.EncodeToString(h.Sum(nil))[:16]
	}
	return it
}

// boundedID keeps ids short enough to store and index.
func boundedID(s string) string {
	if len(s) <= maxIDBytes {
		return s
	}
	sum := sha256.Sum256([]byte(s))
	return "sha256:" + hex.EncodeToString(sum[:])
}

// feedBase is the absolute URL relative item links are resolved against.
func feedBase(gf *gofeed.Feed) *url.URL {
	for _, s := range []string{gf.Link, gf.FeedLink} {
		if u, err := url.Parse(strings.TrimSpace(s)); err == nil && u.IsAbs() && u.Host != "" {
			return u
		}
	}
	return nil
}

func resolve(base *url.URL, link string) string {
	if base == nil {
		return link
	}
	u, err := url.Parse(link)
	if err != nil || u.IsAbs() {
		return link
	}
	return base.ResolveReference(u).String()
}

// normLang lowercases a language tag and uses "-" as its separator.
func normLang(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	s = strings.ReplaceAll(s, "_", "-")
	if len(s) > 35 { // longest sensible BCP 47 tag; anything longer is junk
		return ""
	}
	return s
}

// truncateRunes cuts s to at most n runes, at a space when one is near.
func truncateRunes(s string, n int) string {
	if len(s) <= n || utf8.RuneCountInString(s) <= n {
		return s
	}
	cut := 0
	for i := range s {
		if n == 0 {
			cut = i
			break
		}
		n--
	}
	if sp := strings.LastIndexByte(s[:cut], ' '); sp > 0 && cut-sp <= cut/10 {
		cut = sp
	}
	return s[:cut]
}

// snippet is the start of b as plain text, for error messages.
func snippet(b []byte, n int) string {
	s := strings.Join(strings.Fields(string(b[:min(len(b), n*4)])), " ")
	return truncateRunes(strings.ToValidUTF8(s, "\uFFFD"), n)
}
