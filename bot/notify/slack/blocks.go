package slack

import (
	"strings"

	"github.com/slack-go/slack"

	"github.com/basewatch/basewatch/bot/notify"
)

// Slack's Block Kit limits.
const (
	maxHeader  = 150
	maxSection = 3000
	maxField   = 2000
	maxContext = 2000
	maxText    = 3000 // the fallback is cut well before Slack's 40,000
)

// escape makes text safe for Slack mrkdwn: &, < and > are the only
// characters Slack asks to escape, and escaping < and > is what keeps feed
// text from forming links or mentions such as <!everyone>.
func escape(s string) string {
	return mrkdwnEscaper.Replace(s)
}

// mrkdwnEscaper is read-only after initialisation and safe for concurrent use.
var mrkdwnEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")

// link formats a mrkdwn link; the URL is escaped too and a "|" in it, which
// would end the URL early, is percent-encoded.
func link(url, text string) string {
	if url == "" {
		return escape(text)
	}
	if text == "" {
		text = url
	}
	return "<" + escape(strings.ReplaceAll(url, "|", "%7C")) + "|" + escape(text) + ">"
}

func mrkdwn(s string) *slack.TextBlockObject {
	return slack.NewTextBlockObject(slack.MarkdownType, s, false, false)
}

// fallback is the notification text: the headline, and for an update what
// changed.
func fallback(v notify.View) string {
	t := v.Headline
	if v.Update && len(v.Changes) > 0 {
		t += ": " + strings.Join(v.Changes, "; ")
	}
	return notify.Truncate(escape(t), maxText)
}

// alertBlocks lays out an alert; updated, when not empty, is a line saying
// when the message was last edited.
func alertBlocks(v notify.View, updated string) []slack.Block {
	blocks := []slack.Block{
		slack.NewHeaderBlock(slack.NewTextBlockObject(slack.PlainTextType, notify.Truncate(v.Headline, maxHeader), false, false)),
	}
	if v.Title != "" {
		text := link(v.TitleURL, notify.Truncate(v.Title, 300))
		if v.Summary != "" {
			text += "\n" + escape(notify.Truncate(v.Summary, maxSection/2))
		}
		blocks = append(blocks, slack.NewSectionBlock(mrkdwn(notify.Truncate(text, maxSection)), nil, nil))
	}
	if f := fields(v); len(f) > 0 {
		blocks = append(blocks, slack.NewSectionBlock(nil, f, nil))
	}
	if s := sourcesLine(v); s != "" {
		blocks = append(blocks, slack.NewContextBlock("", mrkdwn(s)))
	}
	foot := footer(v)
	if updated != "" {
		foot += " · " + escape(updated)
	}
	blocks = append(blocks, slack.NewContextBlock("", mrkdwn(notify.Truncate(foot, maxContext))))
	return blocks
}

// updateBlocks lays out a thread reply: what changed, then the current toll
// and claim so that the reply reads on its own.
func updateBlocks(v notify.View) []slack.Block {
	var b strings.Builder
	b.WriteString("*Update*")
	if len(v.Changes) == 0 {
		b.WriteString(": new reports")
	}
	for _, c := range v.Changes {
		b.WriteString("\n• " + escape(c))
	}
	blocks := []slack.Block{slack.NewSectionBlock(mrkdwn(notify.Truncate(b.String(), maxSection)), nil, nil)}
	if f := fields(v); len(f) > 0 {
		blocks = append(blocks, slack.NewSectionBlock(nil, f, nil))
	}
	if s := sourcesLine(v); s != "" {
		blocks = append(blocks, slack.NewContextBlock("", mrkdwn(s)))
	}
	return blocks
}

func fields(v notify.View) []*slack.TextBlockObject {
	var out []*slack.TextBlockObject
	for _, f := range v.Fields() {
		value := link(f.URL, f.Value) // escaped text when there is no URL
		out = append(out, mrkdwn(notify.Truncate("*"+f.Name+"*\n"+value, maxField)))
	}
	return out
}

func sourcesLine(v notify.View) string {
	if v.Outlets == "" {
		return ""
	}
	var links []string
	for _, s := range v.Sources {
		links = append(links, link(s.Link, notify.SourceName(s)))
	}
	line := escape(v.Outlets)
	if len(links) > 0 {
		line += ": " + strings.Join(links, ", ")
	}
	return notify.Truncate(line, maxContext)
}

func footer(v notify.View) string {
	var parts []string
	if v.Rule != "" {
		r := "Rule *" + escape(v.Rule) + "*"
		if v.Reason != "" {
			r += " — " + escape(v.Reason)
		}
		parts = append(parts, r)
	}
	if v.IncidentID != "" {
		parts = append(parts, "Incident `"+escape(v.IncidentID)+"`")
	}
	return strings.Join(parts, " · ")
}

// recapBlocks lays out a recap: a header, then the lines, split over as many
// sections as Slack's section limit needs.
func recapBlocks(r notify.Recap) []slack.Block {
	blocks := []slack.Block{
		slack.NewHeaderBlock(slack.NewTextBlockObject(slack.PlainTextType, notify.Truncate(notify.RecapHeader(r), maxHeader), false, false)),
	}
	if len(r.Lines) == 0 {
		return append(blocks, slack.NewSectionBlock(mrkdwn(notify.Truncate(escape(notify.Clean(r.Empty)), maxSection)), nil, nil))
	}
	var b strings.Builder
	flush := func() {
		if b.Len() > 0 {
			blocks = append(blocks, slack.NewSectionBlock(mrkdwn(b.String()), nil, nil))
			b.Reset()
		}
	}
	for _, l := range r.Lines {
		line := "• " + escape(notify.RecapText(l))
		if u := notify.SafeURL(l.Link); u != "" {
			line += " · " + link(u, "report")
		}
		line = notify.Truncate(line, maxSection)
		if b.Len() > 0 && b.Len()+len(line)+1 > maxSection {
			if len(blocks) >= 49 {
				break // Slack allows 50 blocks; a recap that long is cut
			}
			flush()
		}
		if b.Len() > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(line)
	}
	flush()
	return blocks
}

// Escape makes text safe for Slack mrkdwn, as the alerts do; exported so
// that slash command answers escape alike.
func Escape(s string) string { return escape(s) }

// Link formats a mrkdwn link as the alerts do, URL and text escaped.
func Link(url, text string) string { return link(url, text) }
