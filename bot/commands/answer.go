package commands

import "github.com/basewatch/basewatch/bot/notify"

// Answer is what a command says, laid out for no platform in particular.
// Every string is plain text, cleaned of control characters but not
// escaped: each platform escapes what it puts into its markup.
type Answer struct {
	Title    string
	Text     []string // paragraphs before the items
	Items    []Item   // the items of this page
	Incident *notify.View
	Footer   string // "Page 2 of 3 · 27 incidents"

	Page, Pages int      // 1-based; Pages <= 1 means one page
	Prev, Next  *Request // requests for the neighbouring pages, nil at the ends

	// Request is the request that made the answer, for a "share" button;
	// nil when the answer is not worth sharing (help, usage, errors, mutes).
	Request *Request
	// Failed marks an error or usage answer.
	Failed bool
}

// Item is one line of a list: an incident, a report, a feed, a mute.
type Item struct {
	Title      string
	URL        string   // safe http(s) link of the title; empty for none
	Lines      []string // details, one line each
	MapURL     string   // OpenStreetMap at the site; empty for none
	IncidentID string
}

// failed returns a short answer that something went wrong, with the usage
// of cmd when usage is true.
func failed(title string, usage bool, cmd string) Answer {
	a := Answer{Title: title, Failed: true}
	if usage {
		a.Text = []string{"Usage:\n" + Usage(cmd)}
		if cmd != "" {
			a.Text = append(a.Text, "Try /incidents help for every command.")
		}
	}
	return a
}
