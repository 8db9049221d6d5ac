package commands

import (
	"os"
	"slices"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// TestSlackManifest checks that the manifest an admin pastes asks for the
// command and the request URLs the handler serves, and no more scopes
// than the bot needs.
func TestSlackManifest(t *testing.T) {
	b, err := os.ReadFile("slack-manifest.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var m struct {
		Features struct {
			SlashCommands []struct {
				Command, URL, Description string
			} `yaml:"slash_commands"`
		}
		OAuthConfig struct {
			Scopes struct{ Bot []string }
		} `yaml:"oauth_config"`
		Settings struct {
			Interactivity struct {
				IsEnabled  bool   `yaml:"is_enabled"`
				RequestURL string `yaml:"request_url"`
			}
			SocketModeEnabled bool `yaml:"socket_mode_enabled"`
		}
	}
	dec := yaml.NewDecoder(strings.NewReader(string(b)))
	if err := dec.Decode(&m); err != nil {
		t.Fatal(err)
	}
	if len(m.Features.SlashCommands) != 1 || m.Features.SlashCommands[0].Command != "/"+DiscordCommandName ||
		!strings.HasSuffix(m.Features.SlashCommands[0].URL, SlackCommandsPath) {
		t.Errorf("slash commands %+v", m.Features.SlashCommands)
	}
	if !m.Settings.Interactivity.IsEnabled || !strings.HasSuffix(m.Settings.Interactivity.RequestURL, SlackInteractionsPath) {
		t.Errorf("interactivity %+v", m.Settings.Interactivity)
	}
	scopes := slices.Sorted(slices.Values(m.OAuthConfig.Scopes.Bot))
	if !slices.Equal(scopes, []string{"chat:write", "commands"}) {
		t.Errorf("bot scopes %v, want chat:write and commands", scopes)
	}
}
