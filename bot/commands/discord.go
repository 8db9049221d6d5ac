package commands

import (
	"context"
	"crypto/ed25519"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/basewatch/basewatch/bot/notify"
)

// DiscordOptions configure the Discord side of the commands.
type DiscordOptions struct {
	Core *Core
	// PublicKey is the application's Ed25519 public key, which signs
	// interactions sent over HTTP.
	PublicKey ed25519.PublicKey
	// APIURL replaces Discord's API base (https://discord.com/api/v9/) for
	// the REST calls of the HTTP mode (editing a deferred answer); must end
	// in "/". The gateway mode uses the Session it is given.
	APIURL     string
	HTTPClient *http.Client
	Deadline   time.Duration // defer the answer after this; default DefaultDeadline
	Timeout    time.Duration // bound of one command; default DefaultTimeout
	MaxBody    int64         // default DefaultMaxBody
	Now        func() time.Time
	Logger     *slog.Logger
}

// Discord answers the /incidents application command, its autocomplete and
// its buttons. OnInteraction serves it over the gateway; NewDiscordHandler
// over HTTP.
type Discord struct {
	core     *Core
	deadline time.Duration
	timeout  time.Duration
	log      *slog.Logger
	wg       sync.WaitGroup
}

// NewDiscord returns the Discord side of the commands.
func NewDiscord(opts DiscordOptions) *Discord {
	d := &Discord{core: opts.Core, deadline: opts.Deadline, timeout: opts.Timeout, log: opts.Logger}
	if d.deadline <= 0 {
		d.deadline = DefaultDeadline
	}
	if d.timeout <= 0 {
		d.timeout = DefaultTimeout
	}
	if d.log == nil {
		d.log = slog.Default()
	}
	return d
}

// Wait waits for the answers still being edited in.
func (d *Discord) Wait() { d.wg.Wait() }

// DiscordCommandName is the name of the application command.
const DiscordCommandName = "incidents"

// DiscordCommand is the /incidents application command: one subcommand
// per command, site options with autocomplete from the gazetteer, and a
// share option on the answers worth sharing.
func DiscordCommand() *discordgo.ApplicationCommand {
	share := &discordgo.ApplicationCommandOption{Type: discordgo.ApplicationCommandOptionBoolean, Name: "share",
		Description: "Post the answer in the channel (by default only you see it)"}
	minDays, maxDays := 1.0, float64(MaxDays)
	kind := func(required bool) *discordgo.ApplicationCommandOption {
		return &discordgo.ApplicationCommandOption{Type: discordgo.ApplicationCommandOptionString, Name: "kind", Required: required,
			Description: "Mute a site or a rule",
			Choices: []*discordgo.ApplicationCommandOptionChoice{
				{Name: "site", Value: "site"}, {Name: "rule", Value: "rule"},
			}}
	}
	target := &discordgo.ApplicationCommandOption{Type: discordgo.ApplicationCommandOptionString, Name: "target", Required: true,
		Autocomplete: true, Description: "The site or the rule", MaxLength: 100}
	sub := func(name, desc string, opts ...*discordgo.ApplicationCommandOption) *discordgo.ApplicationCommandOption {
		return &discordgo.ApplicationCommandOption{Type: discordgo.ApplicationCommandOptionSubCommand, Name: name, Description: desc, Options: opts}
	}
	return &discordgo.ApplicationCommand{
		Name:        DiscordCommandName,
		Description: "Ask basewatch about attacks on the sites it watches",
		Options: []*discordgo.ApplicationCommandOption{
			sub(CmdRecent, "Incidents of the last days",
				&discordgo.ApplicationCommandOption{Type: discordgo.ApplicationCommandOptionInteger, Name: "days",
					Description: "How many days back (default 7)", MinValue: &minDays, MaxValue: maxDays},
				&discordgo.ApplicationCommandOption{Type: discordgo.ApplicationCommandOptionString, Name: "site",
					Description: "Only this site", Autocomplete: true, MaxLength: 100},
				share),
			sub(CmdSite, "Every incident at a site",
				&discordgo.ApplicationCommandOption{Type: discordgo.ApplicationCommandOptionString, Name: "site", Required: true,
					Description: "The site (spelling need not be exact)", Autocomplete: true, MaxLength: 100},
				share),
			sub(CmdOnThisDay, "Incidents on this date in earlier years",
				&discordgo.ApplicationCommandOption{Type: discordgo.ApplicationCommandOptionString, Name: "date",
					Description: "MM-DD (default today)", MinLength: intPtr(3), MaxLength: 5},
				share),
			sub(CmdShow, "One incident with all its reports",
				&discordgo.ApplicationCommandOption{Type: discordgo.ApplicationCommandOptionString, Name: "id", Required: true,
					Description: "The incident id, at the foot of each alert", MaxLength: maxID},
				share),
			sub(CmdFeeds, "Health of each feed", share),
			sub(CmdMutes, "The active mutes"),
			sub(CmdMute, "Admins: stop posting alerts of a site or rule for a while", kind(true), target,
				&discordgo.ApplicationCommandOption{Type: discordgo.ApplicationCommandOptionString, Name: "duration", Required: true,
					Description: "For how long: 30m, 6h, 2d, 1w", MaxLength: 10},
				&discordgo.ApplicationCommandOption{Type: discordgo.ApplicationCommandOptionString, Name: "reason",
					Description: "Why, for the list of mutes", MaxLength: maxReason}),
			sub(CmdUnmute, "Admins: end a mute", kind(true), target),
			sub(CmdHelp, "What basewatch can answer"),
		},
	}
}

func intPtr(n int) *int { return &n }

// RegisterDiscord registers the /incidents command of the application, in
// one server when guildID is set (updates show at once) or globally. It
// overwrites the application's commands in that scope, so running it at
// every start is idempotent.
func RegisterDiscord(s *discordgo.Session, appID, guildID string) error {
	if appID == "" {
		return errors.New("discord: register commands: no application id")
	}
	if _, err := s.ApplicationCommandBulkOverwrite(appID, guildID, []*discordgo.ApplicationCommand{DiscordCommand()}); err != nil {
		where := "globally"
		if guildID != "" {
			where = "in server " + guildID
		}
		return fmt.Errorf("discord: register /%s %s: %w", DiscordCommandName, where, err)
	}
	return nil
}

// OnInteraction answers an interaction received over the gateway; add it
// with s.AddHandler. A command that takes longer than the deadline is
// deferred ("thinking…") and its answer edited in.
func (d *Discord) OnInteraction(s *discordgo.Session, i *discordgo.InteractionCreate) {
	if i == nil || i.Interaction == nil {
		return
	}
	first, later := d.interact(i.Interaction)
	if first == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), d.timeout)
	defer cancel()
	if err := s.InteractionRespond(i.Interaction, first, discordgo.WithContext(ctx)); err != nil {
		d.log.Error("discord: answer interaction", slog.String("interaction", i.ID), slog.Any("err", err))
		return
	}
	if later != nil {
		d.edit(s, i.Interaction, later)
	}
}

// edit puts the late answer in place of the deferred one.
func (d *Discord) edit(s *discordgo.Session, i *discordgo.Interaction, later <-chan *discordgo.InteractionResponseData) {
	data := <-later
	ctx, cancel := context.WithTimeout(context.Background(), d.timeout)
	defer cancel()
	_, err := s.InteractionResponseEdit(i, &discordgo.WebhookEdit{
		Embeds: &data.Embeds, Components: &data.Components, AllowedMentions: data.AllowedMentions,
	}, discordgo.WithContext(ctx))
	if err != nil {
		d.log.Error("discord: edit deferred answer", slog.String("interaction", i.ID), slog.Any("err", err))
	}
}

// interact decides the first response to i and, when the answer is not
// ready by the deadline, a channel that gives it later.
func (d *Discord) interact(i *discordgo.Interaction) (first *discordgo.InteractionResponse, later <-chan *discordgo.InteractionResponseData) {
	defer func() {
		// discordgo's data accessors panic on a mismatched type: one odd
		// interaction must not take the process down.
		if p := recover(); p != nil {
			d.log.Error("discord: interaction", slog.String("interaction", i.ID), slog.Any("panic", p))
			first, later = nil, nil
		}
	}()
	switch i.Type {
	case discordgo.InteractionPing:
		return &discordgo.InteractionResponse{Type: discordgo.InteractionResponsePong}, nil
	case discordgo.InteractionApplicationCommandAutocomplete:
		return &discordgo.InteractionResponse{
			Type: discordgo.InteractionApplicationCommandAutocompleteResult,
			Data: &discordgo.InteractionResponseData{Choices: d.autocomplete(i.ApplicationCommandData())},
		}, nil
	case discordgo.InteractionApplicationCommand:
		req, shared, err := discordRequest(i.ApplicationCommandData())
		who := discordCaller(i)
		return d.run(func(ctx context.Context) Answer { return d.core.runParsed(ctx, req, err, who) },
			func(a Answer) *discordgo.InteractionResponse {
				return &discordgo.InteractionResponse{Type: discordgo.InteractionResponseChannelMessageWithSource, Data: discordData(a, shared && !a.Failed)}
			},
			discordWorking(shared))
	case discordgo.InteractionMessageComponent:
		return d.component(i)
	}
	d.log.Warn("discord: interaction type not handled", slog.Int("type", int(i.Type)))
	return nil, nil
}

func (d *Discord) component(i *discordgo.Interaction) (*discordgo.InteractionResponse, <-chan *discordgo.InteractionResponseData) {
	id := i.MessageComponentData().CustomID
	var (
		prefix  string
		shape   func(Answer) *discordgo.InteractionResponse
		waiting *discordgo.InteractionResponse
	)
	switch {
	case strings.HasPrefix(id, discordPagePublic), strings.HasPrefix(id, discordPage):
		prefix = discordPage
		public := strings.HasPrefix(id, discordPagePublic)
		if public {
			prefix = discordPagePublic
		}
		shape = func(a Answer) *discordgo.InteractionResponse {
			return &discordgo.InteractionResponse{Type: discordgo.InteractionResponseUpdateMessage, Data: discordData(a, public)}
		}
		waiting = &discordgo.InteractionResponse{Type: discordgo.InteractionResponseDeferredMessageUpdate}
	case strings.HasPrefix(id, discordShare):
		prefix = discordShare
		shape = func(a Answer) *discordgo.InteractionResponse {
			return &discordgo.InteractionResponse{Type: discordgo.InteractionResponseChannelMessageWithSource, Data: discordData(a, !a.Failed)}
		}
		waiting = discordWorking(true)
	default:
		d.log.Warn("discord: button not handled", slog.String("custom_id", notify.Truncate(id, 100)))
		return nil, nil
	}
	req, err := decode(strings.TrimPrefix(id, prefix))
	if err != nil {
		d.log.Warn("discord: bad button", slog.Any("err", err))
		a := failed("That button no longer works: run the command again.", false, "")
		return &discordgo.InteractionResponse{Type: discordgo.InteractionResponseChannelMessageWithSource, Data: discordData(a, false)}, nil
	}
	who := discordCaller(i)
	return d.run(func(ctx context.Context) Answer { return d.core.Run(ctx, req, who) }, shape, waiting)
}

// run starts fn and waits for it until the deadline: the answer shaped as
// the first response when it comes in time, else waiting, and the answer
// later.
func (d *Discord) run(fn func(context.Context) Answer, shape func(Answer) *discordgo.InteractionResponse,
	waiting *discordgo.InteractionResponse) (*discordgo.InteractionResponse, <-chan *discordgo.InteractionResponseData) {
	done := make(chan Answer, 1)
	ctx, cancel := context.WithTimeout(context.Background(), d.timeout)
	d.wg.Add(1)
	go func() {
		defer d.wg.Done()
		defer cancel()
		done <- fn(ctx)
	}()
	t := time.NewTimer(d.deadline)
	defer t.Stop()
	select {
	case a := <-done:
		return shape(a), nil
	case <-t.C:
	}
	later := make(chan *discordgo.InteractionResponseData, 1)
	d.wg.Add(1)
	go func() {
		defer d.wg.Done()
		later <- shape(<-done).Data
	}()
	return waiting, later
}

// discordCaller is the member (in a server) or user (in a DM) who sent i.
func discordCaller(i *discordgo.Interaction) Caller {
	w := Caller{Platform: "discord"}
	switch {
	case i.Member != nil && i.Member.User != nil:
		w.UserID, w.RoleIDs = i.Member.User.ID, i.Member.Roles
	case i.User != nil:
		w.UserID = i.User.ID
	}
	return w
}

// discordRequest reads a slash command's options into a request. The
// options are written as the command line Parse reads, so that both
// platforms share one parser and its checks; a mute is built from its
// options directly, since its reason may hold words that read as a
// duration. shared reports the share option.
func discordRequest(data discordgo.ApplicationCommandInteractionData) (req Request, shared bool, err error) {
	if len(data.Options) == 0 {
		return Request{Command: CmdHelp}, false, nil
	}
	sub := data.Options[0]
	opts := map[string]*discordgo.ApplicationCommandInteractionDataOption{}
	for _, o := range sub.Options {
		opts[o.Name] = o
	}
	str := func(name string) string {
		if o, ok := opts[name]; ok && o.Type == discordgo.ApplicationCommandOptionString {
			// Newlines and the like would split the command line.
			return notify.Clean(o.StringValue())
		}
		return ""
	}
	if o, ok := opts["share"]; ok && o.Type == discordgo.ApplicationCommandOptionBoolean {
		shared = o.BoolValue()
	}
	if sub.Name == CmdMute {
		req, err = muteRequest(str("kind"), str("target"), str("duration"), str("reason"))
		return req, shared, err
	}
	parts := []string{sub.Name}
	switch sub.Name {
	case CmdRecent:
		days := DefaultDays
		if o, ok := opts["days"]; ok && o.Type == discordgo.ApplicationCommandOptionInteger {
			days = int(o.IntValue())
		}
		parts = append(parts, fmt.Sprint(days), str("site"))
	case CmdSite:
		parts = append(parts, str("site"))
	case CmdOnThisDay:
		parts = append(parts, str("date"))
	case CmdShow:
		parts = append(parts, str("id"))
	case CmdUnmute:
		parts = append(parts, str("kind"), str("target"))
	}
	req, err = Parse(strings.Join(parts, " "))
	return req, shared, err
}

// maxChoices is Discord's limit of autocomplete choices.
const maxChoices = 25

// autocomplete suggests sites (and rules, for a mute's target) for the
// option being typed.
func (d *Discord) autocomplete(data discordgo.ApplicationCommandInteractionData) []*discordgo.ApplicationCommandOptionChoice {
	choices := []*discordgo.ApplicationCommandOptionChoice{}
	if len(data.Options) == 0 {
		return choices
	}
	sub := data.Options[0]
	var focused *discordgo.ApplicationCommandInteractionDataOption
	kind := ""
	for _, o := range sub.Options {
		if o.Focused {
			focused = o
		}
		if o.Name == "kind" && o.Type == discordgo.ApplicationCommandOptionString {
			kind = o.StringValue()
		}
	}
	if focused == nil || focused.Type != discordgo.ApplicationCommandOptionString {
		return choices
	}
	typed := strings.TrimSpace(notify.Clean(focused.StringValue()))
	add := func(name, value string) {
		if len(choices) < maxChoices {
			choices = append(choices, &discordgo.ApplicationCommandOptionChoice{Name: notify.Truncate(name, 100), Value: value})
		}
	}
	if focused.Name == "target" && kind != "site" {
		for _, r := range d.core.ruleNames() {
			if typed == "" || strings.Contains(strings.ToLower(r), strings.ToLower(typed)) {
				add("rule "+r, r)
			}
		}
		if kind == "rule" {
			return choices
		}
	}
	if focused.Name != "site" && focused.Name != "target" {
		return choices
	}
	g := d.core.b.Gazetteer()
	sites := g.Sites()
	if typed != "" {
		sites = g.Lookup(typed)
	}
	for _, s := range sites {
		add(siteName(s), s.ID)
	}
	return choices
}

// NewDiscordSession returns a REST session for token (empty for the
// interaction webhooks alone) whose requests go to apiURL instead of
// Discord's API base when apiURL is set: a proxy, a test server. It does
// not change discordgo's package-level endpoints.
func NewDiscordSession(token, apiURL string, client *http.Client) (*discordgo.Session, error) {
	if token != "" && !strings.HasPrefix(token, "Bot ") {
		token = "Bot " + token
	}
	s, err := discordgo.New(token)
	if err != nil {
		return nil, fmt.Errorf("discord: %w", err)
	}
	if apiURL != "" {
		u, err := url.Parse(apiURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || !strings.HasSuffix(apiURL, "/") {
			return nil, fmt.Errorf("discord: api url %q: want an http(s) URL ending in /", apiURL)
		}
	}
	base := client
	if base == nil {
		base = &http.Client{Timeout: 20 * time.Second}
	}
	next := base.Transport
	if next == nil {
		next = http.DefaultTransport
	}
	c := *base
	c.Transport = rebase{from: discordgo.EndpointAPI, to: apiURL, next: next}
	s.Client = &c
	s.StateEnabled = false
	s.LogLevel = -1
	s.UserAgent = "DiscordBot (https://github.com/basewatch/basewatch, 1) basewatch"
	return s, nil
}

// rebase sends requests for discordgo's API base to another base.
type rebase struct {
	from, to string
	next     http.RoundTripper
}

func (t rebase) RoundTrip(req *http.Request) (*http.Response, error) {
	if t.to != "" {
		if s := req.URL.String(); strings.HasPrefix(s, t.from) {
			u, err := url.Parse(t.to + strings.TrimPrefix(s, t.from))
			if err != nil {
				return nil, err
			}
			req = req.Clone(req.Context())
			req.URL, req.Host = u, u.Host
		}
	}
	return t.next.RoundTrip(req)
}

// InvitePermissions is the least the bot needs in a channel: see it, send
// messages with embeds, and read its history (to find an earlier attempt
// at a message). With threads, also create public threads and send in
// them.
func InvitePermissions(threads bool) int64 {
	p := int64(discordgo.PermissionViewChannel | discordgo.PermissionSendMessages | discordgo.PermissionEmbedLinks |
		discordgo.PermissionReadMessageHistory)
	if threads {
		p |= discordgo.PermissionCreatePublicThreads | discordgo.PermissionSendMessagesInThreads
	}
	return p
}

// InviteURL is the link a server admin opens to add the bot and its
// /incidents command with InvitePermissions.
func InviteURL(appID string, threads bool) (string, error) {
	for _, r := range appID {
		if r < '0' || r > '9' {
			return "", fmt.Errorf("discord: %q is not an application id (digits, from the developer portal)", appID)
		}
	}
	if len(appID) < 5 || len(appID) > 20 {
		return "", fmt.Errorf("discord: %q is not an application id (digits, from the developer portal)", appID)
	}
	q := url.Values{
		"client_id":   {appID},
		"permissions": {fmt.Sprint(InvitePermissions(threads))},
		"scope":       {"bot applications.commands"},
	}
	return "https://discord.com/oauth2/authorize?" + q.Encode(), nil
}
