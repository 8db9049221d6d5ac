package bot_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/basewatch/basewatch/bot"
	"github.com/basewatch/basewatch/bot/incident"
	"github.com/basewatch/basewatch/bot/store"
	"github.com/basewatch/basewatch/config"
)

// replayConfig is one rule alerting on attacks on any site, no outputs.
func replayConfig(t testing.TB) *config.Config {
	t.Helper()
	cfg, err := config.Parse("replay.yaml", []byte("feeds: [{name: replay, url: none}]\nrules: [{name: attacks}]\n"), func(string) (string, bool) { return "", false })
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

// replay runs items through a fresh SQLite store holding the known
// incidents, and returns the decisions.
func replay(t testing.TB, itemsPath, knownPath string) []bot.Decision {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, "sqlite", filepath.Join(t.TempDir(), "replay.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	b, err := bot.New(replayConfig(t), st, bot.Options{Owner: "test", Logger: discard()})
	if err != nil {
		t.Fatal(err)
	}
	if knownPath != "" {
		f, err := os.Open(knownPath)
		if err != nil {
			t.Fatal(err)
		}
		ins, errs := incident.ParseKnown(f, b.Gazetteer())
		f.Close()
		if len(errs) > 0 {
			t.Fatalf("known: %v", errs)
		}
		if _, err := incident.Import(ctx, st, ins); err != nil {
			t.Fatal(err)
		}
	}
	f, err := os.Open(itemsPath)
	if err != nil {
		t.Fatal(err)
	}
	items, err := bot.ReadReplayItems(f, itemsPath)
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := b.Replay(ctx, items, &out, nil); err != nil {
		t.Fatal(err)
	}
	var ds []bot.Decision
	dec := json.NewDecoder(&out)
	for dec.More() {
		var d bot.Decision
		if err := dec.Decode(&d); err != nil {
			t.Fatal(err)
		}
		ds = append(ds, d)
	}
	return ds
}

type label struct {
	Date    string   `json:"date"`
	Aliases []string `json:"aliases"`
}

// grade scores alerts as the project's evaluation does: an alert is right
// when it is the first for a new incident its item mentions, at a site
// whose name holds one of the incident's aliases, within a day of its date.
func grade(t *testing.T, itemsPath, labelsPath string, ds []bot.Decision) (precision, recall float64) {
	t.Helper()
	raw, err := os.ReadFile(labelsPath)
	if err != nil {
		t.Fatal(err)
	}
	var labels struct{ Known, New map[string]label }
	if err := json.Unmarshal(raw, &labels); err != nil {
		t.Fatal(err)
	}
	mentions := map[string][]string{}
	raw, err = os.ReadFile(itemsPath)
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(strings.TrimSpace(string(raw)), "\n") {
		var it struct {
			GUID   string
			Expect struct{ Mentions []string }
		}
		if err := json.Unmarshal([]byte(line), &it); err != nil {
			t.Fatal(err)
		}
		mentions[it.GUID] = it.Expect.Mentions
	}
	wanted := map[string]bool{}
	for _, ms := range mentions {
		for _, m := range ms {
			if _, ok := labels.New[m]; ok {
				wanted[m] = true
			}
		}
	}
	alerted := map[string]bool{}
	right, alerts := 0, 0
	for _, d := range ds {
		if d.Action != "alert" {
			continue
		}
		alerts++
		verdict := "wrong"
		for _, m := range mentions[d.Item] {
			l, isNew := labels.New[m]
			if !isNew || alerted[m] || !siteIs(d.Site, l.Aliases) || !withinDay(d.Date, l.Date) {
				continue
			}
			alerted[m] = true
			right++
			verdict = "right: " + m
			break
		}
		t.Logf("alert %-6s %-28s %s %s", d.Item, d.Site, d.Date, verdict)
	}
	for m := range wanted {
		if !alerted[m] {
			t.Logf("missed %s", m)
		}
	}
	if alerts > 0 {
		precision = float64(right) / float64(alerts)
	}
	if len(wanted) > 0 {
		recall = float64(right) / float64(len(wanted))
	}
	return precision, recall
}

func siteIs(site string, aliases []string) bool {
	s := strings.ToLower(strings.ReplaceAll(site, "-", " "))
	for _, a := range aliases {
		if strings.Contains(s, strings.ToLower(strings.ReplaceAll(a, "-", " "))) {
			return true
		}
	}
	return false
}

func withinDay(got, want string) bool {
	a, err1 := time.Parse("2006-01-02", got)
	b, err2 := time.Parse("2006-01-02", want)
	if err1 != nil || err2 != nil {
		return false
	}
	d := a.Sub(b)
	return d <= 24*time.Hour && d >= -24*time.Hour
}

// TestReplayCorpus replays the project's own labelled corpus (written for
// these tests: other sites and years than anything the rules were built
// from) and holds precision and recall of alerts.
// TestReplayCorpora replays the invented corpora written to probe the rules
// after the first one, each by a different hand, and holds each at the
// precision and recall it reached once the faults it found were fixed.
// Each found faults in the rules when it was written; they now guard
// against their return.
func TestReplayCorpora(t *testing.T) {
	for _, c := range []struct {
		dir        string
		minP, minR float64
		what       string
	}{
		{"replay-sites", 1.0, 1.0, "61 items: other sites, years and outlets than the first corpus, a quarter in Arabic, " +
			"follow-ups, region-only reports, a chronology and every kind of noise"},
		{"replay-wire", 1.0, 1.0, "78 items in the proportions of the labelled dev corpus (first reports, other outlets, " +
			"follow-ups, late reports of known incidents, anniversaries, chronologies, US strikes, visits, sport), " +
			"with other sites, years and outlets"},
		{"replay-arabic", 1.0, 1.0, "62 items, 49 in Arabic: agency statements, militia claims, denials, dates in " +
			"words and Iraqi month names, tanween and hamza-less spellings"},
		{"replay-rockets", 1.0, 1.0, "67 items of the rocket years 2019-2021 in the dev corpus's proportions: " +
			"Katyusha salvos, convoy bombs, the embassy stormed, the January 2020 missiles, front groups' claims"},
		{"replay-drones", 1.0, 1.0, "71 items of the drone years 2023-2025 in the dev corpus's proportions: " +
			"one-way drones on bases in Syria and Jordan, claims by the Islamic Resistance, Pentagon tallies, US " +
			"strikes in response, trials, farm drones, disputes over where an attack happened"},
		{"replay-known", 1.0, 1.0, "68 items built around close calls: late reports of known incidents with " +
			"another date, toll or spelling, updates that must find their incident, two attacks at related sites a " +
			"day apart, a contractor's staff moved from Balad to Erbil"},
		{"replay-outlets", 1.0, 1.0, "70 items in other outlets' styles: datelined wire flashes, title case, " +
			"military releases with GMT times, trackers, regional spellings (Hewler, Hareer, Koniko, Qayara)"},
		{"replay-2021", 1.0, 1.0, "70 items of 2021-2022: Erbil airport drones, the al-Qaim strikes, the end " +
			"of the combat mission, the March 2022 missiles on Erbil, Syrian and Jordanian outlets, the drone on the " +
			"prime minister's home in the Green Zone"},
		{"replay-noise", 1.0, 1.0, "71 items, most naming a site but reporting no new attack (politics, " +
			"economy, base life, weather, sport, protests in the Green Zone, attacks on Iraqi posts near a site, " +
			"denials), with 15 first reports among them"},
		{"replay-mix", 1.0, 1.0, "59 items like the dev corpus at the sites and years the others use least " +
			"(Besmaya, Q-West, Kharab al-Jir, Tal Baydar, Qasrak, the support center; 2024-2025)"},
		{"replay-arabic2", 1.0, 1.0, "48 items, 35 in Arabic, like the dev corpus: agency and militia copy, " +
			"Iraqi month names, foiled plots, \"on this day\" anniversaries, the Green Zone and its compounds"},
		{"replay-arabic3", 1.0, 1.0, "35 items, 31 in Arabic, like the dev corpus from October to December 2023: " +
			"first reports, English and Arabic duplicates, claims, threats, foiled attacks, US strikes, sport, visits, " +
			"anniversaries and a headline that spans a two-month tally"},
		{"replay-wire2", 0.93, 1.0, "70 items, 27 in Arabic, in seven outlets' styles from 2020 to 2025: wire flashes " +
			"with datelines, casualty revisions, claims, air defence tests, threats to close the embassy, truce offers, " +
			"US strikes in answer to attacks; left wrong: a count of earlier barrages at one site in a clause of cause"},
		{"replay-arabic4", 0.92, 1.0, "60 items, 47 in Arabic, from 2020 to 2025: security sources, militia claims, " +
			"witnesses, denials in the present tense, 'N days after', dawn of a weekday published before midnight UTC, " +
			"Arabic صواريخ later named ballistic missiles; left wrong: an embassy broken into, given two days later " +
			"as the cause of a deployment"},
		{"replay-mix2", 0.93, 1.0, "70 items, 21 in Arabic, like the dev corpus from 2019 to 2025 in seven outlets: " +
			"one-line flashes, rising tolls, funerals, court cases, handovers, threats to widen attacks, controlled " +
			"detonations; left wrong: Conoco and Green Village hit in one salvo, alerted as two sites"},
		{"replay-mix3", 1.0, 1.0, "65 items, 23 in Arabic, like the dev corpus from 2019 to 2025 in seven outlets, " +
			"written last, after this stop's fixes: flashes, a rocket that fell short, foiled launches near the town of " +
			"Hit, a denial after the fact, floods, football, oil output"},
		{"replay-days", 0.94, 1.0, "70 items in storylines over days: two attacks on one base on consecutive nights, " +
			"related sites hit the same night, dates that differ by outlet, tolls rising, claims, funerals; left " +
			"wrong: an airport's \"overnight flights\" resumed after a strike"},
		{"replay-days2", 1.0, 1.0, "64 items, 26 in Arabic, in storylines over days (2021-2024): one base hit two " +
			"nights running, related sites a day apart, dates that differ by outlet, tolls rising, late claims, a headline's " +
			"'this week' beside a lede's 'earlier this week'"},
		{"replay-long", 1.0, 1.0, "45 full-text articles of 300-1200 words, a quarter in Arabic: news ledes " +
			"with quotes, context and paragraphs of earlier attacks, and long pieces about no new attack (analysis, " +
			"hearings, profiles, obituaries, court cases)"},
		{"replay-long2", 1.0, 1.0, "38 full-text articles, 13 in Arabic, 8 without a summary: first reports with " +
			"paragraphs of earlier attacks, follow-ups, profiles, features, hearings, an obituary, a lawsuit, timelines"},
		{"replay-surge", 1.0, 1.0, "60 items, 19 in Arabic, on the attacks of October 2023 to February 2024 in " +
			"Syria, Jordan and Iraq (0.905 / 0.950 when written): follow-ups by other outlets, US strikes in answer, " +
			"tallies, a memorial, a trial, a timeline, spellings such as Shadadi, Rmelan and Koniko"},
		{"replay-shapes", 1.0, 1.0, "60 items, 20 in Arabic, 2020-2022, in the shapes feeds take (0.895 / 1.000 " +
			"when written): headline-only items, live blogs, datelines, cut-off summaries, HTML leftovers, terse " +
			"monitoring posts, a stray rocket short of the Green Zone, a denial of an attack on Harir"},
		{"replay-long3", 1.0, 1.0, "40 full-text articles of 250-420 words, 13 in Arabic, 8 without a summary, " +
			"2023-2025 (0.667 / 1.000 when written): first reports whose bodies recall earlier attacks, follow-ups, " +
			"a timeline, a Senate hearing, a lawsuit, a profile, US strikes that answer an attack named first"},
		{"replay-lesser", 0.88, 0.94, "60 items, 37 in Arabic, at the least-covered sites (Union III, Qayyarah, K-1, " +
			"Basmaya, Kharab al-Jir, Rumalyn, al-Omar, Conoco, Balad, the Erbil consulate), 2020-2025 (0.727 / 0.941 " +
			"when written); left wrong: a first report that names the wrong base, corrected the next day; a missile " +
			"attack on Ain al-Asad that a report names in passing and the labels leave out; an attack placed only at " +
			"\"a coalition base near Hasakah\", which several bases fit"},
		{"replay-mix4", 1.0, 1.0, "70 items, 30 in Arabic, like the dev corpus at every site of the gazetteer, " +
			"2019-2025, written at the end of this work (1.000 / 1.000 when written): first reports, follow-ups, a " +
			"trial, an anniversary, US strikes in answer, flights, oil output, handovers, a Gaza protest held back"},
		{"replay-stress", 1.0, 1.0, "70 items, 32 in Arabic, 2024-2025, written to test precision (0.500 / 1.000 " +
			"when written): a car bomb in Kirkuk, farm and smugglers' drones, a documentary, Iraqi jets taking off " +
			"from Balad, a checkpoint east of al-Omar, a US strike on the airport road, with seven real attacks " +
			"hidden in casualties, second sentences and terse flashes"},
		{"replay-years", 1.0, 1.0, "60 items, 24 in Arabic, from May 2019 to March 2020 and from 2025 (0.941 / " +
			"1.000 when written): vague early reports of Katyusha fire, the embassy siege, the Iranian missiles, " +
			"the drawdown of 2025, oil-field drones in Kurdistan, a counter-drone rehearsal"},
		{"replay-partisan", 1.0, 1.0, "60 items, 30 in Arabic, 2023-2025, from Iranian, militia, Turkish, Israeli, " +
			"Russian and Gulf outlets (0.938 / 1.000 when written): \"occupation bases\", claims of direct hits beside " +
			"reports of drones shot down, claims that cannot be placed, Houthi and Israeli fronts, a Jordanian " +
			"statement that placed Tower 22 at al-Tanf"},
		{"replay-hard", 0.86, 0.9, "70 items written to be hard: long copy, newsletters, live blogs, corrections, " +
			"accidents, training fire, Turkish strikes, prices that rocket; left wrong: an attack on a Jordanian " +
			"air base that is not in the gazetteer, Iranian drones crossing Jordan read as an attack in Jordan, an " +
			"Arabic claim that calls the Erbil airport base Harir, and a weekly release that first reports an " +
			"attack five days late (history by design)"},
	} {
		t.Run(c.dir, func(t *testing.T) {
			dir := filepath.Join("testdata", c.dir)
			items := filepath.Join(dir, "items.jsonl")
			ds := replay(t, items, filepath.Join(dir, "known.csv"))
			p, r := grade(t, items, filepath.Join(dir, "labels.json"), ds)
			t.Logf("%s: precision %.3f recall %.3f", c.what, p, r)
			if p < c.minP || r < c.minR {
				t.Errorf("precision %.3f recall %.3f; want ≥ %.2f and ≥ %.2f", p, r, c.minP, c.minR)
			}
		})
	}
}

func TestReplayCorpus(t *testing.T) {
	items := filepath.Join("testdata", "replay", "items.jsonl")
	ds := replay(t, items, filepath.Join("testdata", "replay", "known.csv"))
	seen := map[string]bool{}
	for _, d := range ds {
		seen[d.Item] = true
	}
	if len(seen) != 25 {
		t.Errorf("decisions for %d items, want 25 (every item gets a line)", len(seen))
	}
	p, r := grade(t, items, filepath.Join("testdata", "replay", "labels.json"), ds)
	t.Logf("precision %.3f recall %.3f", p, r)
	if p < 0.95 || r < 0.95 {
		t.Errorf("precision %.3f recall %.3f; want both ≥ 0.95", p, r)
	}
}
