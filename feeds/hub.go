package feeds

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"io"
	"strings"
)

// Hub returns the WebSub hub and self URLs a feed advertises (<link rel="hub">), or empty strings.
//
// For RSS and Atom it reads the feed-level <link rel="hub"> and
// <link rel="self"> (atom:link in RSS) up to the first item or entry; for a
// JSON Feed it reads "hubs" (preferring type WebSub) and "feed_url". A body
// that is not a feed gives empty strings.
func Hub(body []byte) (hub, self string) {
	body, _, err := toUTF8(body, "")
	if err != nil {
		return "", ""
	}
	if trimmed := bytes.TrimLeft(body, " \t\r\n"); len(trimmed) > 0 && trimmed[0] == '{' {
		return jsonHub(trimmed)
	}
	return xmlHub(body)
}

func jsonHub(body []byte) (hub, self string) {
	var doc struct {
		FeedURL string `json:"feed_url"`
		Hubs    []struct {
			Type string `json:"type"`
			URL  string `json:"url"`
		} `json:"hubs"`
	}
	if json.Unmarshal(body, &doc) != nil {
		return "", ""
	}
	for _, h := range doc.Hubs {
		u := strings.TrimSpace(h.URL)
		if u == "" {
			continue
		}
		if strings.EqualFold(h.Type, "websub") {
			hub = u
			break
		}
		if hub == "" {
			hub = u
		}
	}
	return hub, strings.TrimSpace(doc.FeedURL)
}

// maxHubTokens bounds the scan for a feed that puts its links late or never
// starts an item.
const maxHubTokens = 10000

func xmlHub(body []byte) (hub, self string) {
	d := xml.NewDecoder(bytes.NewReader(body))
	d.Strict = false
	d.CharsetReader = func(label string, r io.Reader) (io.Reader, error) {
		// toUTF8 already converted and relabelled; anything left is a lie.
		return r, nil
	}
	for i := 0; i < maxHubTokens; i++ {
		tok, err := d.RawToken()
		if err != nil {
			if !errors.Is(err, io.EOF) {
				return hub, self
			}
			break
		}
		se, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		switch strings.ToLower(se.Name.Local) {
		case "item", "entry":
			return hub, self
		case "link":
			var rel, href string
			for _, a := range se.Attr {
				switch strings.ToLower(a.Name.Local) {
				case "rel":
					rel = strings.ToLower(strings.TrimSpace(a.Value))
				case "href":
					href = strings.TrimSpace(a.Value)
				}
			}
			if href == "" {
				continue
			}
			for _, r := range strings.Fields(rel) {
				switch {
				case r == "hub" && hub == "":
					hub = href
				case r == "self" && self == "":
					self = href
				}
			}
		}
	}
	return hub, self
}
