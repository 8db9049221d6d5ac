package commands

import (
	"strings"

	"github.com/slack-go/slack"

	"github.com/basewatch/basewatch/bot/notify"
	slackout "github.com/basewatch/basewatch/bot/notify/slack"
)

// Slack action ids of the buttons under an answer.
const (
	slackActionPage       = "bw_page"        // another page of an ephemeral answer
	slackActionPagePublic = "bw_page_public" // another page of a shared answer
	slackActionShare      = "bw_share"       // post the answer in the channel
)

// Block Kit limits.
const (
	slackMaxHeader  = 150
	slackMaxSection = 3000
	slackMaxField   = 2000
	slackMaxContext = 2000
	slackMaxValue   = 2000 // a button's value
	slackMaxBlocks  = 50
)

// mentionDefuser puts a zero-width space into the words that would notify
// a whole channel if Slack ever parsed them as mentions.
var mentionDefuser = strings.NewReplacer("@everyone", "@\u200beveryone", "@here", "@\u200bhere", "@channel", "@\u200bchannel")

// slackEscape escapes text for mrkdwn as the alerts do (so that no <!here>
// or <@U…> can form) and defuses bare @everyone, @here and @channel.
func slackEscape(s string) string { return mentionDefuser.Replace(slackout.Escape(s)) }

func slackLink(url, text string) string {
	return mentionDefuser.Replace(slackout.Link(notify.SafeURL(url), text))
}

func slackMrkdwn(s string) *slack.TextBlockObject {
	return slack.NewTextBlockObject(slack.MarkdownType, s, false, false)
}

// slackMessage renders a as the JSON Slack takes in a slash command's
// response and at a response_url. Shared answers are posted in the channel
// and carry no Share button.
func slackMessage(a Answer, shared bool) *slack.WebhookMessage {
	var blocks []slack.Block
	add := func(b slack.Block) {
		if len(blocks) < slackMaxBlocks-2 { // room for the footer and buttons
			blocks = append(blocks, b)
		}
	}
	title := notify.Truncate(mentionDefuser.Replace(notify.Clean(a.Title)), slackMaxHeader)
	if a.Failed {
		add(slack.NewSectionBlock(slackMrkdwn("*"+slackEscape(title)+"*"), nil, nil))
	} else {
		add(slack.NewHeaderBlock(slack.NewTextBlockObject(slack.PlainTextType, title, false, false)))
	}
	if v := a.Incident; v != nil {
		for _, b := range slackIncident(*v) {
			add(b)
		}
	}
	for _, t := range a.Text {
		add(slack.NewSectionBlock(slackMrkdwn(notify.Truncate(slackEscape(t), slackMaxSection)), nil, nil))
	}
	if a.Incident != nil && len(a.Items) > 0 {
		add(slack.NewSectionBlock(slackMrkdwn("*Reports*"), nil, nil))
	}
	for _, it := range a.Items {
		add(slack.NewSectionBlock(slackMrkdwn(notify.Truncate(slackItem(it), slackMaxSection)), nil, nil))
	}
	if a.Footer != "" {
		blocks = append(blocks, slack.NewContextBlock("", slackMrkdwn(notify.Truncate(slackEscape(a.Footer), slackMaxContext))))
	}
	if btns := slackButtons(a, shared); len(btns) > 0 {
		blocks = append(blocks, slack.NewActionBlock("bw_actions", btns...))
	}
	msg := &slack.WebhookMessage{
		Text:         notify.Truncate(slackEscape(notify.Clean(a.Title)), 3000),
		Blocks:       &slack.Blocks{BlockSet: blocks},
		ResponseType: slack.ResponseTypeEphemeral,
	}
	if shared {
		msg.ResponseType = slack.ResponseTypeInChannel
	}
	return msg
}

// slackItem is one item: the title in bold (a link when there is one),
// then its lines, then the map and the incident id as the alerts end.
func slackItem(it Item) string {
	var b strings.Builder
	b.WriteString("*" + slackLink(it.URL, notify.Truncate(it.Title, 300)) + "*")
	for _, l := range it.Lines {
		b.WriteString("\n" + slackEscape(l))
	}
	var foot []string
	if it.MapURL != "" {
		foot = append(foot, slackLink(it.MapURL, "Map"))
	}
	if it.IncidentID != "" {
		foot = append(foot, "Incident `"+slackEscape(it.IncidentID)+"`")
	}
	if len(foot) > 0 {
		b.WriteString("\n" + strings.Join(foot, " · "))
	}
	return b.String()
}

// slackIncident lays out one incident as its alert does: the first
// report, the fields, and the rule and id.
func slackIncident(v notify.View) []slack.Block {
	var blocks []slack.Block
	if v.Title != "" {
		text := slackLink(v.TitleURL, notify.Truncate(v.Title, 300))
		if v.Summary != "" {
			text += "\n" + slackEscape(notify.Truncate(v.Summary, slackMaxSection/2))
		}
		blocks = append(blocks, slack.NewSectionBlock(slackMrkdwn(notify.Truncate(text, slackMaxSection)), nil, nil))
	}
	var fields []*slack.TextBlockObject
	field := func(name, value string) {
		if value != "" {
			fields = append(fields, slackMrkdwn(notify.Truncate("*"+name+"*\n"+value, slackMaxField)))
		}
	}
	field("Where", slackLink(v.MapURL, v.Place))
	field("Attack date", slackEscape(v.AttackDate))
	field("Toll", slackEscape(v.Toll))
	field("Victims", slackEscape(v.Victims))
	field("Claim", slackEscape(v.Claim))
	field("Fired", slackEscape(v.Projectiles))
	if len(fields) > 0 {
		blocks = append(blocks, slack.NewSectionBlock(nil, fields, nil))
	}
	var foot []string
	if v.Outlets != "" {
		foot = append(foot, slackEscape(v.Outlets))
	}
	if v.Rule != "" {
		foot = append(foot, "Rule *"+slackEscape(v.Rule)+"*")
	}
	if v.IncidentID != "" {
		foot = append(foot, "Incident `"+slackEscape(v.IncidentID)+"`")
	}
	if len(foot) > 0 {
		blocks = append(blocks, slack.NewContextBlock("", slackMrkdwn(notify.Truncate(strings.Join(foot, " · "), slackMaxContext))))
	}
	return blocks
}

func slackButtons(a Answer, shared bool) []slack.BlockElement {
	page := slackActionPage
	if shared {
		page = slackActionPagePublic
	}
	var out []slack.BlockElement
	button := func(action, value, label string) *slack.ButtonBlockElement {
		return slack.NewButtonBlockElement(action, value, slack.NewTextBlockObject(slack.PlainTextType, label, false, false))
	}
	if a.Prev != nil {
		if v := encode(*a.Prev, a.Prev.Page); len(v) <= slackMaxValue {
			out = append(out, button(page, v, "Previous page"))
		}
	}
	if a.Next != nil {
		if v := encode(*a.Next, a.Next.Page); len(v) <= slackMaxValue {
			out = append(out, button(page, v, "Next page"))
		}
	}
	if !shared && a.Request != nil && !a.Failed {
		if v := encode(*a.Request, a.Page); len(v) <= slackMaxValue {
			b := button(slackActionShare, v, "Share in channel")
			b.Style = slack.StylePrimary
			out = append(out, b)
		}
	}
	return out
}

// slackWorking is the immediate answer to a command that takes longer than
// Slack waits.
func slackWorking() *slack.WebhookMessage {
	return &slack.WebhookMessage{Text: "Working on it…", ResponseType: slack.ResponseTypeEphemeral}
}
