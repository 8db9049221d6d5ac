package commands

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/basewatch/basewatch/config"
)

// baseConfig is a valid config to which the cases add a commands section.
const baseConfig = `store:
  driver: sqlite
feeds:
  - name: a
    url: a.xml
rules:
  - name: attacks
outputs:
  - name: console
    type: console
routes:
  - rule: attacks
    to:
      - output: console
`

// TestCommandsConfig checks that the commands settings are validated with
// the file, line and field of the mistake.
func TestCommandsConfig(t *testing.T) {
	key := strings.Repeat("ab", 32) // 32 bytes in hex
	tests := []struct {
		name string
		yaml string // appended to baseConfig
		want []string
	}{
		{"defaults", "commands:\n  admins: [U0ADMIN01]\n", nil},
		{"socket mode", "commands:\n  slack_mode: socket\n  slack_app_token: xapp-1-A0-1-abc\n", nil},
		{"http mode with listener", "listen: \":8080\"\ncommands:\n  slack_signing_secret: s3cret\n", nil},
		{"discord http", "listen: \":8080\"\ncommands:\n  discord_app_id: \"1300000000000000001\"\n  discord_mode: http\n  discord_public_key: " + key + "\n  discord_token: tok\n", nil},
		{"bad slack mode", "commands:\n  slack_mode: websocket\n",
			[]string{`c.yaml:16: commands.slack_mode: "websocket" is not a Slack mode (http or socket)`}},
		{"socket without app token", "commands:\n  slack_mode: socket\n  slack_app_token: xoxb-bot-token\n",
			[]string{`c.yaml:17: commands.slack_app_token: socket mode needs an app-level token`}},
		{"http without listener", "commands:\n  slack_signing_secret: s3cret\n",
			[]string{`c.yaml:16: commands.slack_signing_secret: Slack commands over HTTP need a listener`}},
		{"bad app id", "commands:\n  discord_app_id: my-bot\n  discord_token: tok\n",
			[]string{`c.yaml:16: commands.discord_app_id: "my-bot" is not a Discord application id`}},
		{"guild without app", "commands:\n  discord_guild_id: \"1300000000000000002\"\n",
			[]string{`c.yaml:16: commands.discord_guild_id: set discord_app_id too`}},
		{"bad key", "commands:\n  discord_public_key: nothex\n",
			[]string{`c.yaml:16: commands.discord_public_key: not an Ed25519 public key`}},
		{"http without key", "listen: \":8080\"\ncommands:\n  discord_app_id: \"1300000000000000001\"\n  discord_mode: http\n  discord_token: tok\n",
			[]string{`commands.discord_public_key: discord_mode http needs the application's public key`}},
		{"no token", "commands:\n  discord_app_id: \"1300000000000000001\"\n",
			[]string{`commands.discord_token: Discord commands need a bot token`}},
		{"bad discord mode", "commands:\n  discord_mode: webhook\n",
			[]string{`c.yaml:16: commands.discord_mode: "webhook" is not a Discord mode (gateway or http)`}},
		{"bad response base", "commands:\n  response_url_base: hooks.example\n",
			[]string{`c.yaml:16: commands.response_url_base: "hooks.example" is not an http or https URL`}},
		{"empty admin", "commands:\n  admins: [U0ADMIN01, \"\"]\n",
			[]string{`c.yaml:16: commands.admins[1]: empty`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "c.yaml")
			if err := os.WriteFile(path, []byte(baseConfig+tt.yaml), 0o600); err != nil {
				t.Fatal(err)
			}
			cfg, err := config.Load(path)
			if tt.want == nil {
				if err != nil {
					t.Fatalf("valid config: %v", err)
				}
				if cfg.Commands.SlackMode == "" || cfg.Commands.DiscordMode == "" {
					t.Errorf("modes not defaulted: %+v", cfg.Commands)
				}
				return
			}
			if err == nil {
				t.Fatal("no error")
			}
			msg := strings.ReplaceAll(err.Error(), path, "c.yaml")
			for _, w := range tt.want {
				if !strings.Contains(msg, w) {
					t.Errorf("error\n%s\nlacks %q", msg, w)
				}
			}
		})
	}
}
