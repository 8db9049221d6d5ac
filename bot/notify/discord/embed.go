package discord

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"

	"github.com/basewatch/basewatch/bot/notify"
)

// Discord's embed limits.
const (
	maxTitle       = 256
	maxDescription = 4096
	maxFieldValue  = 1024
	maxFooter      = 2048
	maxEmbed       = 6000
)

// Embed colours: red when people were killed, amber when wounded, blue
// otherwise, grey for recaps.
const (
	colorKilled  = 0xC0392B
	colorWounded = 0xE67E22
	colorOther   = 0x2E86C1
	colorRecap   = 0x7F8C8D
)

// mdEscaper is read-only after initialisation and safe for concurrent use.
var mdEscaper = strings.NewReplacer(
	`\`, `\\`, `*`, `\*`, `_`, `\_`, `~`, `\~`, "`", "\\`", `|`, `\|`, `<`, `\<`,
	`[`, `\[`, `]`, `\]`,
	"@everyone", "@\u200beveryone", "@here", "@\u200bhere",
)

// escape makes feed text inert in Discord markdown: inline formatting
// characters are backslash-escaped, "<" is escaped so that no <@id>, <#id>
// or <@&id> mention forms, brackets so that no masked link forms, a line
// start that would begin a heading, list or quote is escaped, and @everyone
// and @here get a zero-width space so they neither ping nor look like a
// ping. (Messages also set allowed_mentions to none.)
func escape(s string) string {
	s = mdEscaper.Replace(s)
	if s != "" && strings.ContainsRune("#->+", rune(s[0])) {
		s = `\` + s
	}
	return s
}

var urlEscaper = strings.NewReplacer("(", "%28", ")", "%29", " ", "%20", "<", "%3C", ">", "%3E")

// link formats a masked link, percent-encoding what would end the URL early.
func link(url, text string) string {
	if text == "" {
		text = url
	}
	if url == "" {
		return escape(text)
	}
	url = urlEscaper.Replace(url)
	return "[" + escape(text) + "](" + url + ")"
}

// alertEmbed lays out an alert; updated, when not empty, says when the
// message was last edited.
func alertEmbed(v notify.View, tag, updated string) *discordgo.MessageEmbed {
	e := &discordgo.MessageEmbed{
		Title: notify.Truncate(escape(v.Headline), maxTitle),
		URL:   v.TitleURL,
		Color: viewColor(v),
	}
	if v.Title != "" {
		d := escape(notify.Truncate(v.Title, 300))
		if v.Summary != "" {
			d += "\n" + escape(notify.Truncate(v.Summary, 1000))
		}
		e.Description = d
	}
	e.Fields = fields(v)
	if s := sources(v); s != "" {
		e.Fields = append(e.Fields, &discordgo.MessageEmbedField{Name: "Sources", Value: s})
	}
	var foot []string
	if v.Rule != "" {
		r := "Rule " + v.Rule
		if v.Reason != "" {
			r += " — " + v.Reason
		}
		foot = append(foot, r)
	}
	if v.IncidentID != "" {
		foot = append(foot, "Incident "+v.IncidentID)
	}
	if updated != "" {
		foot = append(foot, updated)
	}
	e.Footer = footer(strings.Join(foot, " · "), tag)
	fit(e)
	return e
}

// updateEmbed lays out a reply: what changed, then the current toll and
// claim and the sources, so that the reply reads on its own.
func updateEmbed(v notify.View, tag string) *discordgo.MessageEmbed {
	e := &discordgo.MessageEmbed{
		Title: notify.Truncate(escape(v.Headline), maxTitle),
		URL:   v.TitleURL,
		Color: viewColor(v),
	}
	var b strings.Builder
	if len(v.Changes) == 0 {
		b.WriteString("New reports")
	}
	for i, c := range v.Changes {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString("• " + escape(c))
	}
	e.Description = b.String()
	for _, f := range fields(v) {
		if f.Name == "Toll" || f.Name == "Claim" {
			e.Fields = append(e.Fields, f)
		}
	}
	if s := sources(v); s != "" {
		e.Fields = append(e.Fields, &discordgo.MessageEmbedField{Name: "Sources", Value: s})
	}
	foot := ""
	if v.IncidentID != "" {
		foot = "Incident " + v.IncidentID
	}
	e.Footer = footer(foot, tag)
	fit(e)
	return e
}

func viewColor(v notify.View) int {
	switch {
	case v.Killed > 0:
		return colorKilled
	case v.Wounded > 0:
		return colorWounded
	}
	return colorOther
}

func fields(v notify.View) []*discordgo.MessageEmbedField {
	var out []*discordgo.MessageEmbedField
	for _, f := range v.Fields() {
		value := link(f.URL, f.Value) // escaped text when there is no URL
		out = append(out, &discordgo.MessageEmbedField{Name: f.Name, Value: notify.Truncate(value, maxFieldValue), Inline: true})
	}
	return out
}

func sources(v notify.View) string {
	if v.Outlets == "" {
		return ""
	}
	var links []string
	for _, s := range v.Sources {
		links = append(links, link(s.Link, notify.SourceName(s)))
	}
	out := escape(v.Outlets)
	if len(links) > 0 {
		out += ": " + strings.Join(links, " · ")
	}
	return notify.Truncate(out, maxFieldValue)
}

// footer ends with the delivery tag, which survives any cut. Footers show no
// markdown, so the text is not escaped.
func footer(text, tag string) *discordgo.MessageEmbedFooter {
	end := tagPrefix + tag
	if text == "" {
		return &discordgo.MessageEmbedFooter{Text: strings.TrimPrefix(end, "· ")}
	}
	text = notify.Truncate(text, maxFooter-utf8.RuneCountInString(end)-1)
	return &discordgo.MessageEmbedFooter{Text: text + " " + end}
}

// recapEmbed lays out a recap: the header as title and one line per
// incident, as many as fit.
func recapEmbed(r notify.Recap, tag string) *discordgo.MessageEmbed {
	e := &discordgo.MessageEmbed{Title: notify.Truncate(escape(notify.RecapHeader(r)), maxTitle), Color: colorRecap}
	if len(r.Lines) == 0 {
		e.Description = notify.Truncate(escape(notify.Clean(r.Empty)), maxDescription)
	}
	var b strings.Builder
	for i, l := range r.Lines {
		line := "• " + escape(notify.RecapText(l))
		if u := notify.SafeURL(l.Link); u != "" {
			line += " · " + link(u, "report")
		}
		more := fmt.Sprintf("\n…and %d more", len(r.Lines)-i)
		if utf8.RuneCountInString(b.String())+utf8.RuneCountInString(line)+utf8.RuneCountInString(more)+1 > maxDescription {
			b.WriteString(more)
			break
		}
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(line)
	}
	if len(r.Lines) > 0 {
		e.Description = b.String()
	}
	e.Footer = footer("", tag)
	fit(e)
	return e
}

// fit shortens the description until the embed is within Discord's total
// of 6000 characters.
func fit(e *discordgo.MessageEmbed) {
	size := utf8.RuneCountInString(e.Title) + utf8.RuneCountInString(e.Description)
	if e.Footer != nil {
		size += utf8.RuneCountInString(e.Footer.Text)
	}
	for _, f := range e.Fields {
		size += utf8.RuneCountInString(f.Name) + utf8.RuneCountInString(f.Value)
	}
	if over := size - maxEmbed; over > 0 {
		n := utf8.RuneCountInString(e.Description) - over
		e.Description = notify.Truncate(e.Description, max(n, 0))
	}
	e.Description = notify.Truncate(e.Description, maxDescription)
}

// Escape makes text inert in Discord markdown, as the alerts do; exported
// so that slash command answers escape alike.
func Escape(s string) string { return escape(s) }

// Link formats a masked link as the alerts do, the text escaped.
func Link(url, text string) string { return link(url, text) }
