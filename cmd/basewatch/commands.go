package main

import (
	"context"
	"encoding/hex"
	"fmt"
	"net/http"

	"golang.org/x/sync/errgroup"

	"github.com/basewatch/basewatch/bot/commands"
)

// slashCommands starts what the config asks for of the slash commands:
// Slack's and Discord's HTTP handlers on mux, Slack's Socket Mode and
// Discord's gateway in g. The returned func waits for answers in flight
// once the listener has stopped.
func (a *app) slashCommands(ctx context.Context, g *errgroup.Group, mux *http.ServeMux) (wait func(), err error) {
	c := a.cfg.Commands
	var waits []func()
	wait = func() {
		for _, w := range waits {
			w()
		}
	}
	core := commands.New(a.bot, commands.Options{Logger: a.log})

	switch {
	case c.SlackMode == "socket" && c.SlackAppToken != "":
		opts := commands.SlackOptions{Core: core, AppToken: c.SlackAppToken, ResponseURLBase: c.ResponseURLBase, Logger: a.log}
		g.Go(func() error { return commands.RunSocketMode(ctx, opts) })
	case c.SlackSigningSecret != "":
		sh := commands.NewSlackHandler(commands.SlackOptions{Core: core, SigningSecret: c.SlackSigningSecret, ResponseURLBase: c.ResponseURLBase, Logger: a.log})
		mux.Handle("/slack/", sh)
		waits = append(waits, sh.Wait)
	}

	if c.DiscordAppID == "" {
		return wait, nil
	}
	token, apiURL := c.DiscordToken, ""
	for _, o := range a.cfg.Outputs {
		if o.Type == "discord" {
			if token == "" {
				token = o.Token
			}
			if apiURL == "" {
				apiURL = o.APIURL
			}
		}
	}
	s, err := commands.NewDiscordSession(token, apiURL, nil)
	if err != nil {
		return wait, fmt.Errorf("discord commands: %w", err)
	}
	if err := commands.RegisterDiscord(s, c.DiscordAppID, c.DiscordGuildID); err != nil {
		return wait, fmt.Errorf("discord commands: register: %w", err)
	}
	if c.DiscordMode == "http" {
		key, err := hex.DecodeString(c.DiscordPublicKey)
		if err != nil {
			return wait, fmt.Errorf("commands.discord_public_key: %w", err)
		}
		dh := commands.NewDiscordHandler(commands.DiscordOptions{Core: core, PublicKey: key, APIURL: apiURL, Logger: a.log})
		mux.Handle(commands.DiscordInteractionsPath, dh)
		waits = append(waits, dh.Wait)
		return wait, nil
	}
	d := commands.NewDiscord(commands.DiscordOptions{Core: core, APIURL: apiURL, Logger: a.log})
	s.AddHandler(d.OnInteraction)
	if err := s.Open(); err != nil {
		return wait, fmt.Errorf("discord gateway: %w", err)
	}
	g.Go(func() error {
		<-ctx.Done()
		err := s.Close()
		d.Wait()
		return err
	})
	return wait, nil
}
