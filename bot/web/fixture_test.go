package web

import (
	"time"

	"github.com/basewatch/basewatch/bot/notify"
	"github.com/basewatch/basewatch/bot/store"
)

// Secrets planted in the fixture: none may appear in a page, a response or
// a log line.
var planted = []string{
	"s3cr3tFeedKey",
	"hunter2pass",
	"xoxb-1111-2222-AbCdEfGhIjKl",
	"WebhookTok3nAbCdEfGhIjKlMnOpQrStUvWxYz0123456789",
	"T0001/B0002/XyZ123abcDEF456ghiJKL789",
	"MTIzNDU2Nzg5MDEyMzQ1Njc4.GaBcDe.AbCdEfGhIjKlMnOpQrStUvWxYz012345",
}

// zone is the newsroom's zone in the fixture: fixed, so that the test does
// not depend on the machine's tz database.
var zone = time.FixedZone("+03", 3*60*60)

// fixtureNow is the moment of the fixture: Tue 5 Mar 2024 14:05 +03.
var fixtureNow = time.Date(2024, 3, 5, 11, 5, 0, 0, time.UTC)

// fixture is a snapshot with every state the page shows: a healthy feed, a
// failing one in backoff with a long error quoting a URL with a key, one
// never polled, incidents confirmed, unconfirmed and known, with and without
// casualties, one with a link that must not become a link, the "on this
// date" lines, failed deliveries and an output down.
func fixture() Snapshot {
	now := fixtureNow
	day := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }
	return Snapshot{
		Now: now,
		Feeds: []FeedHealth{
			{Name: "wire-english", URL: "https://news.example.org/world/rss.xml", Schedule: "*/5 * * * *",
				LastPoll: now.Add(-3 * time.Minute), LastSuccess: now.Add(-3 * time.Minute), Items: 40, Healthy: true},
			{Name: "regional-arabic", URL: "https://arabic.example.net/feed?apikey=s3cr3tFeedKey", Schedule: "*/10 * * * *",
				LastPoll: now.Add(-2 * time.Minute), LastSuccess: now.Add(-5 * time.Hour), Failures: 7,
				LastError: "fetch https://arabic.example.net/feed?apikey=s3cr3tFeedKey: 503 Service Unavailable after 10s; " +
					"the server said the upstream cache was being rebuilt and asked clients to come back later, " +
					"which it has been saying for hours, so basewatch backs off and keeps the feed's last good state " +
					"until the server answers again",
				NextPoll: now.Add(17 * time.Minute), Items: 25},
			{Name: "ministry-statements", URL: "https://ministry.example.com/statements.json", Schedule: "@hourly"},
			{Name: "agency-json", URL: "https://user:hunter2pass@agency.example.com/api/v1/items", Schedule: "*/2 * * * *",
				LastPoll: now.Add(-90 * time.Second), LastSuccess: now.Add(-90 * time.Second), NextPoll: now.Add(30 * time.Second),
				Items: 12, Healthy: true},
		},
		Latest: []store.Incident{
			{ID: "2024-03-05-ain-al-asad", SiteID: "ain-al-asad", Location: "Ain al-Asad Air Base", Country: "Iraq",
				Latitude: 33.7856, Longitude: 42.4412, EventDate: day(2024, 3, 5), SubEventType: "rocket", Projectiles: 4,
				Fatalities: 0, Wounded: 2, Actor: "an armed group", ActorRole: "claimed",
				Source: "https://news.example.org/world/2024/03/05/rockets-hit-base", Alerted: true},
			{ID: "2024-03-04-anbar", Location: "Anbar", Region: "Anbar", Country: "Iraq", Unconfirmed: true,
				EventDate: day(2024, 3, 4), SubEventType: "drone", Fatalities: -1, Wounded: -1,
				Source: "https://arabic.example.net/article/1234", Alerted: true},
			{ID: "2024-03-02-tower-22", SiteID: "tower-22", Location: "Tower 22", Country: "Jordan",
				Latitude: 32.2569, Longitude: 38.7503, EventDate: day(2024, 3, 2), SubEventType: "",
				Fatalities: 3, Wounded: 40, Actor: "a militia", ActorRole: "blamed",
				Source: "javascript:alert(document.cookie)"},
			{ID: "2023-10-17-al-tanf", SiteID: "al-tanf", Location: "Al-Tanf Garrison", Country: "Syria",
				EventDate: day(2023, 10, 17), SubEventType: "drone", Fatalities: 0, Wounded: 0, Known: true,
				Source: "shipped seed list"},
		},
		OnThisDate: notify.Recap{Date: day(2024, 3, 5), Lines: []notify.RecapLine{
			{IncidentID: "2021-03-05-ain-al-asad", Year: 2021, Site: "Ain al-Asad Air Base", Weapon: "rocket",
				Killed: 1, Wounded: -1, Link: "https://news.example.org/world/2021/03/05/base-attack"},
			{IncidentID: "2022-03-05-erbil", Year: 2022, Site: "Erbil Air Base", Weapon: "ballistic missile",
				Killed: -1, Wounded: -1, Link: "data:text/html,<script>alert(1)</script>"},
		}},
		Pending:   3,
		Failed:    2,
		OldestAge: 7*time.Minute + 12*time.Second,
		FailedItems: []store.Delivery{
			{ID: 41, Key: "alert/2024-03-04-anbar/discord/ops", Output: "discord", Channel: "ops",
				IncidentID: "2024-03-04-anbar", Kind: "alert", State: store.DeliveryFailed, Attempts: 5,
				LastError: "POST https://discord.com/api/webhooks/1234567890/WebhookTok3nAbCdEfGhIjKlMnOpQrStUvWxYz0123456789: 401 Unauthorized",
				CreatedAt: now.Add(-26 * time.Hour)},
			{ID: 57, Key: "recap/2024-03-05/slack/newsdesk", Output: "slack", Channel: "newsdesk",
				Kind: "recap", State: store.DeliveryFailed, Attempts: 8,
				LastError: "slack: invalid_auth (token xoxb-1111-2222-AbCdEfGhIjKl)", CreatedAt: now.Add(-40 * time.Minute)},
		},
		Down: map[string]string{
			"slack": "token: invalid_auth; check bot_token (Authorization: Bearer xoxb-1111-2222-AbCdEfGhIjKl)",
		},
	}
}
