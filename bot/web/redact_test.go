package web

import (
	"strings"
	"testing"
)

func TestRedact(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"empty", "", ""},
		{"plain error kept", "fetch: 503 Service Unavailable after 3 retries", "fetch: 503 Service Unavailable after 3 retries"},
		{"url without secrets kept", "GET https://news.example.org/world/rss.xml: timeout", "GET https://news.example.org/world/rss.xml: timeout"},
		{"query dropped", `Get "https://feeds.example.net/rss?key=abc123&lang=ar": EOF`, `Get "https://feeds.example.net/rss?…": EOF`},
		{"user info dropped", "dial postgres://bw:hunter2pass@db.internal:5432/bw failed", "dial postgres://db.internal:5432/bw failed"},
		{"fragment dropped", "see https://x.example/a#token=abc.", "see https://x.example/a."},
		{"sentence punctuation kept", "failed (https://x.example/feed?k=1).", "failed (https://x.example/feed?…)."},
		{"slack webhook", "POST https://hooks.slack.com/services/T0001/B0002/XyZ123abcDEF456ghiJKL789: 404", "POST https://hooks.slack.com/[redacted]: 404"},
		{"discord webhook", "POST https://discord.com/api/webhooks/1234567890/WebhookTok3nAbCdEfGhIjKlMnOp: 401", "POST https://discord.com/api/webhooks/[redacted]: 401"},
		{"token-like path segment", "GET https://api.example.com/v1/AbCdEfGh12345678IjKlMnOp/items: 403", "GET https://api.example.com/v1/[redacted]/items: 403"},
		{"slug path kept", "GET https://news.example.org/2024/03/rockets-hit-base-near-the-airport: 404", "GET https://news.example.org/2024/03/rockets-hit-base-near-the-airport: 404"},
		{"slack bot token", "auth.test with xoxb-1111-2222-AbCdEfGhIjKl: invalid_auth", "auth.test with [redacted]: invalid_auth"},
		{"slack app token", "socket mode xapp-1-A111-222-abcdef failed", "socket mode [redacted] failed"},
		{"discord bot token", "login MTIzNDU2Nzg5MDEyMzQ1Njc4.GaBcDe.AbCdEfGhIjKlMnOpQrStUvWxYz012345 refused", "login [redacted] refused"},
		{"libpq dsn", "connect host=db user=bw password=hunter2pass dbname=bw: refused", "connect host=db user=bw password=[redacted] dbname=bw: refused"},
		{"quoted password", `password='a b c' host=db`, `password=[redacted] host=db`},
		{"authorization header", "request had Authorization: Bearer abcdefghijklmnop1234", "request had Authorization: [redacted]"},
		{"bearer alone", "sent Bearer abcdefghijklmnop1234 upstream", "sent Bearer [redacted] upstream"},
		{"discord bot authorization", "Authorization: Bot MTIz.abc.def4567890", "Authorization: [redacted]"},
		{"bearer after a tab", "Bearer\tabcdefghijklmnop1234", "Bearer [redacted]"},
		{"the word bot kept", "the Bot configuration is missing scopes", "the Bot configuration is missing scopes"},
		{"api key pair", "apikey=abc123 rejected", "apikey=[redacted] rejected"},
		{"error code after token kept", "token: invalid_auth", "token: invalid_auth"},
		{"password that looks like a code still hidden", "password: not_secret_at_all", "password: [redacted]"},
		{"opaque url", "open sqlite://[::1/bad: invalid", "open sqlite://[redacted]: invalid"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Redact(tt.in); got != tt.want {
				t.Errorf("Redact(%q)\n got %q\nwant %q", tt.in, got, tt.want)
			}
		})
	}
}

// TestRedactPlanted runs every planted secret through the contexts error
// messages put them in.
func TestRedactPlanted(t *testing.T) {
	contexts := []string{
		"https://example.org/feed?key=%s",
		"https://user:%s@example.org/",
		"password=%s",
		"Authorization: Bearer %s",
	}
	for _, s := range planted {
		for _, c := range contexts {
			in := strings.Replace(c, "%s", s, 1)
			if got := Redact(in); strings.Contains(got, s) {
				t.Errorf("Redact(%q) = %q keeps the secret", in, got)
			}
		}
	}
}

func FuzzRedact(f *testing.F) {
	for _, s := range []string{
		"GET https://a.example/x?k=v: EOF", "password=x", "xoxb-1-2-abc", "postgres://u:p@h/d",
		"https://hooks.slack.com/services/a/b/c", "Bearer abcdefghijklmnopq",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r := Redact(s)
		// Redacting twice changes nothing more: what is left holds
		// nothing that still looks like a secret.
		if again := Redact(r); again != r {
			t.Errorf("Redact not idempotent: %q -> %q -> %q", s, r, again)
		}
	})
}
