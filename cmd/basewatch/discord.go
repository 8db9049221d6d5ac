package main

import (
	"context"
	"errors"
	"fmt"
	"os"

	"github.com/basewatch/basewatch/bot/commands"
)

// cmdDiscord holds the Discord helpers: "basewatch discord invite" prints
// the link that adds the bot to a server with the least permissions it
// needs and its /incidents command.
func cmdDiscord(ctx context.Context, e *env, args []string) error {
	if len(args) == 0 || args[0] != "invite" {
		fmt.Fprintln(e.stderr, "usage: basewatch discord invite [--app-id ID] [--threads] [--config FILE]")
		return errUsage
	}
	fs := newFlags("discord invite", e)
	appID := fs.String("app-id", "", "the Discord application id (default: commands.discord_app_id of the config)")
	threads := fs.Bool("threads", false, "also allow creating public threads and sending in them")
	cfgPath := fs.String("config", os.Getenv("BASEWATCH_CONFIG"), "config file to read commands.discord_app_id from")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if *appID == "" && *cfgPath != "" {
		cfg, err := loadConfig(*cfgPath)
		if err != nil {
			return err
		}
		*appID = cfg.Commands.DiscordAppID
	}
	if *appID == "" {
		return errors.New("give --app-id (the application id from the Discord developer portal) or set commands.discord_app_id")
	}
	u, err := commands.InviteURL(*appID, *threads)
	if err != nil {
		return err
	}
	fmt.Fprintln(e.stdout, u)
	fmt.Fprintln(e.stderr, "Open the link as a server admin: it adds the bot (View Channel, Send Messages, Embed Links, Read Message History) and its /incidents command.")
	return nil
}
