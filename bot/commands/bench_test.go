package commands

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

// BenchmarkHandleRecent is a whole /incidents recent 30 against the real
// SQLite store: the query, the reports of each incident, the layout.
func BenchmarkHandleRecent(b *testing.B) {
	f := newFixtureB(b)
	ctx := context.Background()
	for b.Loop() {
		if a := f.core.Handle(ctx, "recent 30", slackUser); len(a.Items) != 3 {
			b.Fatalf("%d items", len(a.Items))
		}
	}
}

// BenchmarkRender renders one answer for both platforms.
func BenchmarkRender(b *testing.B) {
	f := newFixtureB(b)
	a := f.core.Handle(context.Background(), "show 2025-03-13-erbil-air-base", slackUser)
	for b.Loop() {
		slackMessage(a, false)
		discordData(a, false)
	}
}

// BenchmarkSlackRequest is a signed slash command through the HTTP
// handler: body cap, HMAC check, replay guard, the command and the JSON.
func BenchmarkSlackRequest(b *testing.B) {
	f := newFixtureB(b)
	sh := NewSlackHandler(SlackOptions{Core: f.core, SigningSecret: testSigningSecret, Deadline: time.Minute, Logger: f.core.log})
	body := commandBody("help", "U0READER1", "https://hooks.slack.com/commands/T0/1/x")
	for b.Loop() {
		w := httptest.NewRecorder()
		sh.ServeHTTP(w, signed(SlackCommandsPath, body+"&n="+time.Now().String()))
		if w.Code != http.StatusOK {
			b.Fatalf("status %d", w.Code)
		}
	}
	sh.Wait()
}
