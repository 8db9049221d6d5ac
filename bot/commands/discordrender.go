package commands

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"

	"github.com/basewatch/basewatch/bot/notify"
	discordout "github.com/basewatch/basewatch/bot/notify/discord"
)

// Custom id prefixes of the buttons under an answer; the rest is the
// encoded request.
const (
	discordPage       = "bw:p:"  // another page of an ephemeral answer
	discordPagePublic = "bw:pp:" // another page of a shared answer
	discordShare      = "bw:s:"  // post the answer in the channel
)

// Discord limits.
const (
	discordMaxTitle       = 256
	discordMaxDescription = 4096
	discordMaxFieldValue  = 1024
	discordMaxFooter      = 2048
	discordMaxEmbed       = 6000
	discordMaxCustomID    = 100
)

// Embed colours, as the alerts use them.
const (
	discordColorKilled  = 0xC0392B
	discordColorWounded = 0xE67E22
	discordColorOther   = 0x2E86C1
	discordColorMuted   = 0x7F8C8D
)

func dEscape(s string) string { return discordout.Escape(s) }

func dLink(url, text string) string { return discordout.Link(notify.SafeURL(url), text) }

// noMentions allows no mention of anyone: "parse" is an empty list, not
// absent, so Discord parses none of @everyone, @here, roles or users.
func noMentions() *discordgo.MessageAllowedMentions {
	return &discordgo.MessageAllowedMentions{Parse: []discordgo.AllowedMentionType{}}
}

// discordData renders a as an interaction response's data: one embed and
// a row of buttons, ephemeral unless shared.
func discordData(a Answer, shared bool) *discordgo.InteractionResponseData {
	e := &discordgo.MessageEmbed{
		Title: notify.Truncate(dEscape(notify.Clean(a.Title)), discordMaxTitle),
		Color: discordColorOther,
	}
	if a.Failed {
		e.Color = discordColorMuted
	}
	var desc []string
	for _, t := range a.Text {
		desc = append(desc, dEscape(t))
	}
	var foot []string
	if v := a.Incident; v != nil {
		e.URL = v.TitleURL
		switch {
		case v.Killed > 0:
			e.Color = discordColorKilled
		case v.Wounded > 0:
			e.Color = discordColorWounded
		}
		if v.Title != "" {
			d := dEscape(notify.Truncate(v.Title, 300))
			if v.Summary != "" {
				d += "\n" + dEscape(notify.Truncate(v.Summary, 1000))
			}
			desc = append([]string{d}, desc...)
		}
		field := func(name, value string) {
			if value != "" {
				e.Fields = append(e.Fields, &discordgo.MessageEmbedField{Name: name, Value: notify.Truncate(value, discordMaxFieldValue), Inline: true})
			}
		}
		field("Where", dLink(v.MapURL, v.Place))
		field("Attack date", dEscape(v.AttackDate))
		field("Toll", dEscape(v.Toll))
		field("Victims", dEscape(v.Victims))
		field("Claim", dEscape(v.Claim))
		field("Fired", dEscape(v.Projectiles))
		if v.Outlets != "" {
			foot = append(foot, v.Outlets)
		}
		if v.Rule != "" {
			foot = append(foot, "Rule "+v.Rule)
		}
		if v.IncidentID != "" {
			foot = append(foot, "Incident "+v.IncidentID)
		}
		if len(a.Items) > 0 {
			desc = append(desc, "**Reports**")
		}
	}
	// Items are added while they fit; the footer says how many pages.
	used := utf8.RuneCountInString(strings.Join(desc, "\n\n"))
	for i, it := range a.Items {
		s := discordItem(it)
		if used+utf8.RuneCountInString(s)+2 > discordMaxDescription-40 {
			desc = append(desc, dEscape("…and "+strconv.Itoa(len(a.Items)-i)+" more"))
			break
		}
		used += utf8.RuneCountInString(s) + 2
		desc = append(desc, s)
	}
	e.Description = notify.Truncate(strings.Join(desc, "\n\n"), discordMaxDescription)
	if a.Footer != "" {
		foot = append(foot, a.Footer)
	}
	if len(foot) > 0 {
		// Footers show no markdown and ping no one: plain text.
		e.Footer = &discordgo.MessageEmbedFooter{Text: notify.Truncate(strings.Join(foot, " · "), discordMaxFooter)}
	}
	discordFit(e)
	d := &discordgo.InteractionResponseData{
		Embeds:          []*discordgo.MessageEmbed{e},
		AllowedMentions: noMentions(),
		Components:      discordButtons(a, shared),
	}
	if !shared {
		d.Flags = discordgo.MessageFlagsEphemeral
	}
	return d
}

// discordItem is one item: the title in bold (a link when there is one),
// its lines, then the map and the incident id as the alerts end.
func discordItem(it Item) string {
	var b strings.Builder
	b.WriteString("**" + dLink(it.URL, notify.Truncate(it.Title, 250)) + "**")
	for _, l := range it.Lines {
		b.WriteString("\n" + dEscape(l))
	}
	var foot []string
	if it.MapURL != "" {
		foot = append(foot, dLink(it.MapURL, "Map"))
	}
	if it.IncidentID != "" {
		foot = append(foot, "Incident "+dEscape(it.IncidentID))
	}
	if len(foot) > 0 {
		b.WriteString("\n" + strings.Join(foot, " · "))
	}
	return b.String()
}

func discordButtons(a Answer, shared bool) []discordgo.MessageComponent {
	page := discordPage
	if shared {
		page = discordPagePublic
	}
	var row []discordgo.MessageComponent
	add := func(id, label string, style discordgo.ButtonStyle) {
		if len(id) <= discordMaxCustomID {
			row = append(row, discordgo.Button{CustomID: id, Label: label, Style: style})
		}
	}
	if a.Prev != nil {
		add(page+encode(*a.Prev, a.Prev.Page), "Previous page", discordgo.SecondaryButton)
	}
	if a.Next != nil {
		add(page+encode(*a.Next, a.Next.Page), "Next page", discordgo.SecondaryButton)
	}
	if !shared && a.Request != nil && !a.Failed {
		add(discordShare+encode(*a.Request, a.Page), "Share in channel", discordgo.PrimaryButton)
	}
	if len(row) == 0 {
		// An empty list, not nil: an edit must remove earlier buttons.
		return []discordgo.MessageComponent{}
	}
	return []discordgo.MessageComponent{discordgo.ActionsRow{Components: row}}
}

// discordFit shortens the description until the embed is within
// Discord's total of 6000 characters.
func discordFit(e *discordgo.MessageEmbed) {
	size := utf8.RuneCountInString(e.Title) + utf8.RuneCountInString(e.Description)
	if e.Footer != nil {
		size += utf8.RuneCountInString(e.Footer.Text)
	}
	for _, f := range e.Fields {
		size += utf8.RuneCountInString(f.Name) + utf8.RuneCountInString(f.Value)
	}
	if over := size - discordMaxEmbed; over > 0 {
		e.Description = notify.Truncate(e.Description, max(utf8.RuneCountInString(e.Description)-over, 0))
	}
}

// discordWorking is the deferred response of a slow command.
func discordWorking(shared bool) *discordgo.InteractionResponse {
	r := &discordgo.InteractionResponse{Type: discordgo.InteractionResponseDeferredChannelMessageWithSource, Data: &discordgo.InteractionResponseData{}}
	if !shared {
		r.Data.Flags = discordgo.MessageFlagsEphemeral
	}
	return r
}
