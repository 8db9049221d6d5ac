package incident_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/basewatch/basewatch/bot/incident"
	"github.com/basewatch/basewatch/bot/store"
	"github.com/basewatch/basewatch/rules"
)

func day(s string) time.Time {
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		panic(err)
	}
	return t
}

func acceptAll(rules.Event) (string, bool, string) { return "attacks", true, "accepted" }

type step struct {
	ev     rules.Event
	title  string
	action string
	// same names the step whose incident this one must share ("" for none);
	// other steps' incidents must differ.
	same int
	// text and others are the report's text and its other events, when the
	// step needs them
	text   string
	others []rules.Event
	// weapon, when set, is the weapon the incident must have after the step
	weapon string
}

func site(g *rules.Gazetteer, id, date, weapon string) rules.Event {
	s, ok := g.Site(id)
	if !ok {
		panic("no site " + id)
	}
	return rules.Event{SiteID: id, Site: s.Name, Country: s.Country, Region: s.Province, Date: day(date), Weapon: weapon, Killed: -1, Wounded: -1, Kind: "attack"}
}

func TestDecide(t *testing.T) {
	g, err := rules.LoadGazetteer(nil)
	if err != nil {
		t.Fatal(err)
	}
	withToll := func(ev rules.Event, k, w int) rules.Event { ev.Killed, ev.Wounded = k, w; return ev }
	withActor := func(ev rules.Event, a string) rules.Event { ev.Actor, ev.ActorRole = a, "claimed"; return ev }
	background := func(ev rules.Event) rules.Event { ev.Background = true; return ev }
	region := func(name, country, date, weapon string) rules.Event {
		return rules.Event{Site: name, Region: name, Country: country, Unconfirmed: true, Date: day(date), Weapon: weapon, Killed: -1, Wounded: -1, Kind: "attack"}
	}
	unconfirmed := func(ev rules.Event) rules.Event { ev.Unconfirmed = true; return ev }

	tests := []struct {
		name             string
		known            []store.Incident
		steps            []step
		alertUnconfirmed bool
	}{
		{"first report alerts, second duplicates, toll updates", nil, []step{
			{ev: site(g, "taji", "2022-06-03", "rocket"), title: "Rockets hit Camp Taji", action: "alert", same: -1},
			{ev: site(g, "taji", "2022-06-03", "rocket"), title: "Camp Taji struck by rockets", action: "duplicate", same: 0},
			{ev: withToll(site(g, "taji", "2022-06-03", "rocket"), 1, 2), title: "Soldier killed at Taji", action: "update", same: 0},
			{ev: withToll(site(g, "taji", "2022-06-03", ""), 1, 2), title: "Toll unchanged", action: "duplicate", same: 0},
			{ev: withActor(site(g, "taji", "2022-06-04", "rocket"), "Kataib Hezbollah"), title: "Group claims Taji attack", action: "update", same: 0},
		}, false},
		{"two days apart are two attacks", nil, []step{
			{ev: site(g, "k1", "2023-05-01", "rocket"), title: "Rocket hits K-1", action: "alert", same: -1},
			{ev: site(g, "k1", "2023-05-03", "rocket"), title: "Rockets hit K-1 again", action: "alert", same: -1},
		}, false},
		{"related site is the same attack", nil, []step{
			{ev: site(g, "erbil-airport", "2023-07-06", "drone"), title: "Drone hits Erbil airport", action: "alert", same: -1},
			{ev: site(g, "erbil-air-base", "2023-07-06", "drone"), title: "Coalition base at Erbil attacked by drone", action: "duplicate", same: 0},
		}, false},
		{"region report joins the site's incident", nil, []step{
			{ev: site(g, "shaddadi", "2023-06-11", "drone"), title: "Drones strike al-Shaddadi base", action: "alert", same: -1},
			{ev: region("Hasakah", "Syria", "2023-06-11", "drone"), title: "Base in Hasakah hit by drones", action: "duplicate", same: 0},
		}, false},
		{"a region-only report is held until a report names the site", nil, []step{
			{ev: region("Hasakah", "Syria", "2023-06-11", "drone"), title: "Base in Hasakah hit by drones", action: "ignored", same: -1},
			{ev: site(g, "shaddadi", "2023-06-11", "drone"), title: "Drones strike al-Shaddadi base", action: "alert", same: 0},
			{ev: site(g, "shaddadi", "2023-06-11", "drone"), title: "Al-Shaddadi base attacked", action: "duplicate", same: 0},
		}, false},
		{"a region-only report alerts at once when configured", nil, []step{
			{ev: region("Hasakah", "Syria", "2023-06-11", "drone"), title: "Base in Hasakah hit by drones", action: "alert", same: -1},
			{ev: site(g, "shaddadi", "2023-06-11", "drone"), title: "Drones strike al-Shaddadi base", action: "update", same: 0},
		}, true},
		{"unconfirmed site confirmed later", nil, []step{
			{ev: unconfirmed(site(g, "ain-al-asad", "2023-03-03", "rocket")), title: "Base in Anbar hit by rockets", action: "alert", same: -1},
			{ev: site(g, "ain-al-asad", "2023-03-03", "rocket"), title: "Rockets hit Ain al-Asad", action: "update", same: 0},
		}, false},
		{"missile strike and rocket barrage on one day are two attacks", nil, []step{
			{ev: site(g, "erbil-air-base", "2022-03-13", "ballistic missile"), title: "Iranian missiles land near Erbil consulate", action: "alert", same: -1},
			{ev: site(g, "erbil-air-base", "2022-03-13", "rocket"), title: "Katyusha barrage on coalition base at dawn", action: "alert", same: -1},
		}, false},
		{"a loosely named weapon joins the exactly named one, which then names the incident", nil, []step{
			{ev: site(g, "erbil-air-base", "2022-03-13", "rocket or missile"), title: "صواريخ تسقط قرب مطار أربيل", action: "alert", same: -1},
			{ev: site(g, "erbil-air-base", "2022-03-13", "ballistic missile"), title: "Iran fires ballistic missiles at Erbil",
				action: "duplicate", same: 0, weapon: "ballistic missile"},
			{ev: site(g, "erbil-air-base", "2022-03-13", "rocket"), title: "Katyusha barrage on coalition base at dawn", action: "alert", same: -1},
		}, false},
		{"known incident never alerts", []store.Incident{{SiteID: "tower-22", Location: "Tower 22", Country: "Jordan", EventDate: day("2024-01-28"), SubEventType: "drone", Fatalities: 3, Wounded: 40, Known: true}}, []step{
			{ev: site(g, "tower-22", "2024-01-28", "drone"), title: "Drone kills three at Tower 22", action: "known", same: -1},
		}, false},
		{"a report that dates the earlier attack itself is a new attack", nil, []step{
			{ev: site(g, "harir", "2025-10-13", "rocket"), title: "Rockets hit Harir air base", action: "alert", same: -1},
			{ev: site(g, "harir", "2025-10-14", "rocket"), title: "Harir hit for a second night, a day after a similar attack",
				action: "alert", same: -1, others: []rules.Event{background(site(g, "harir", "2025-10-13", "rocket"))}},
		}, false},
		{"far apart related sites the report names apart are two attacks", nil, []step{
			{ev: site(g, "al-tanf", "2025-10-24", "drone"), title: "Drone shot down near al-Tanf", action: "alert", same: -1},
			{ev: site(g, "tower-22", "2025-10-24", "drone"), title: "Drone hits Tower 22",
				text: "A drone struck Tower 22 hours after another was shot down near al-Tanf.", action: "alert", same: -1},
		}, false},
		{"a report that disputes where a deadly attack happened is that attack", nil, []step{
			{ev: withToll(site(g, "tower-22", "2024-01-28", "drone"), 3, 40), title: "Drone kills three at Tower 22", action: "alert", same: -1},
			{ev: withToll(site(g, "al-tanf", "2024-01-29", "drone"), 3, -1), title: "Jordan says the deadly drone hit al-Tanf",
				text: "Jordan said the drone that killed three US soldiers struck al-Tanf, not Tower 22.", action: "duplicate", same: 0},
		}, false},
		{"a report that dates an attack at a related site the day before keeps the two apart", nil, []step{
			{ev: site(g, "us-consulate-erbil", "2023-12-15", "drone"), title: "Drone targets US consulate in Erbil", action: "alert", same: -1},
			{ev: site(g, "erbil-air-base", "2023-12-16", "drone"), title: "Erbil air base hit by drone a day after consulate attack",
				action: "alert", same: -1, others: []rules.Event{background(site(g, "us-consulate-erbil", "2023-12-15", "drone"))}},
		}, false},
		{"close related sites named in one report are still one attack", nil, []step{
			{ev: site(g, "erbil-airport", "2023-07-06", "drone"), title: "Drone hits Erbil airport", action: "alert", same: -1},
			{ev: site(g, "erbil-air-base", "2023-07-06", "drone"), title: "Coalition base at Erbil attacked by drone",
				text: "A drone hit the coalition base beside Erbil airport.", action: "duplicate", same: 0},
		}, false},
		{"background mention of an unknown attack never alerts", nil, []step{
			{ev: background(site(g, "balad", "2021-04-18", "rocket")), title: "A timeline of attacks", action: "ignored", same: -1},
		}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			st, err := store.Open(ctx, "sqlite", filepath.Join(t.TempDir(), "s.db"))
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			if _, err := incident.Import(ctx, st, tt.known); err != nil {
				t.Fatal(err)
			}
			d := incident.Decider{Gazetteer: g, Window: 36 * time.Hour, BackgroundAge: 72 * time.Hour, AlertUnconfirmed: tt.alertUnconfirmed}
			ids := make([]string, len(tt.steps))
			for i, s := range tt.steps {
				var dec incident.Decision
				err := st.Update(ctx, func(tx store.Tx) error {
					var err error
					r := incident.Report{ItemID: s.title, Feed: "f", Title: s.title, Published: s.ev.Date.Add(20 * time.Hour), Text: s.text, Others: s.others}
					dec, err = d.Decide(tx, s.ev, r, acceptAll)
					return err
				})
				if err != nil {
					t.Fatal(err)
				}
				ids[i] = dec.Incident.ID
				if dec.Action != s.action {
					t.Errorf("step %d (%s): action %s, want %s (%s)", i, s.title, dec.Action, s.action, dec.Reason)
				}
				if dec.Reason == "" {
					t.Errorf("step %d: no reason", i)
				}
				if s.weapon != "" && dec.Incident.SubEventType != s.weapon {
					t.Errorf("step %d: incident weapon %q, want %q", i, dec.Incident.SubEventType, s.weapon)
				}
				switch {
				case s.same >= 0 && ids[i] != ids[s.same]:
					t.Errorf("step %d: incident %q, want step %d's %q", i, ids[i], s.same, ids[s.same])
				case s.same < 0 && ids[i] != "":
					for j := 0; j < i; j++ {
						if ids[j] == ids[i] {
							t.Errorf("step %d: incident %q is step %d's, want a new one", i, ids[i], j)
						}
					}
				}
			}
		})
	}
}

func TestUpdateSaysWhatChanged(t *testing.T) {
	ctx := context.Background()
	g, _ := rules.LoadGazetteer(nil)
	st, err := store.Open(ctx, "sqlite", filepath.Join(t.TempDir(), "s.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	d := incident.Decider{Gazetteer: g, Window: 36 * time.Hour}
	first := site(g, "al-tanf", "2023-10-19", "drone")
	later := first
	later.Killed, later.Wounded, later.Actor, later.ActorRole = 0, 20, "Islamic Resistance in Iraq", "claimed"
	var dec incident.Decision
	for _, ev := range []rules.Event{first, later} {
		if err := st.Update(ctx, func(tx store.Tx) error {
			var err error
			dec, err = d.Decide(tx, ev, incident.Report{ItemID: "x", Published: ev.Date}, acceptAll)
			return err
		}); err != nil {
			t.Fatal(err)
		}
	}
	got := strings.Join(dec.Changes, "; ")
	if got != "wounded: 0 → 20; claimed by Islamic Resistance in Iraq" {
		t.Errorf("changes = %q", got)
	}
	in, err := st.Incident(ctx, dec.Incident.ID)
	if err != nil || in.Wounded != 20 || in.Fatalities != 0 || in.Actor != "Islamic Resistance in Iraq" {
		t.Errorf("stored incident = %+v, %v", in, err)
	}
}

func TestParseKnown(t *testing.T) {
	g, _ := rules.LoadGazetteer(nil)
	good := "date,site,weapon,killed,wounded,attribution,summary,source\n" +
		"2020-03-11,Camp Taji,rocket,3,14,,Rockets on Taji,https://example.org/a\n" +
		"2021-02-15,Erbil air base,rocket,1,9,Awliya al-Dam,Rockets on Erbil,https://example.org/b\n"
	ins, errs := incident.ParseKnown(strings.NewReader(good), g)
	if len(errs) > 0 || len(ins) != 2 || ins[0].SiteID != "taji" || ins[1].SiteID != "erbil-air-base" || !ins[0].Known {
		t.Fatalf("ParseKnown = %+v, %v", ins, errs)
	}
	// A name that holds exactly one site's name is that site.
	ins, errs = incident.ParseKnown(strings.NewReader("date,site,weapon,killed,wounded,attribution,summary,source\n2023-10-18,the Ain al-Asad airbase,drone,0,0,,,\n"), g)
	if len(errs) > 0 || len(ins) != 1 || ins[0].SiteID != "ain-al-asad" {
		t.Fatalf("ParseKnown = %+v, %v", ins, errs)
	}
	bad := good + "2021-13-01,Camp Taji,rocket,0,0,,,\n2021-01-01,Atlantis Base,rocket,0,0,,,\n2021-01-02,Camp Taji,rocket,many,0,,,\n"
	ins, errs = incident.ParseKnown(strings.NewReader(bad), g)
	if len(ins) != 2 || len(errs) != 3 {
		t.Fatalf("bad rows: %d incidents, errors %v", len(ins), errs)
	}
	for i, want := range []string{"line 4: date \"2021-13-01\"", "line 5: unknown site \"Atlantis Base\"", "line 6: killed \"many\""} {
		if !strings.Contains(errs[i].Error(), want) {
			t.Errorf("error %d = %q, want %q", i, errs[i], want)
		}
	}
	acled := "event_id_cnty,event_date,sub_event_type,actor1,location,latitude,longitude,source,notes,fatalities\n" +
		"IRQ1,20 January 2024,Shelling/artillery/missile attack,Islamic Resistance in Iraq,Al Asad Air Base,33.79,42.44,Reuters,Ballistic missiles and rockets hit the base,0\n" +
		"IRQ2,2024-02-01,Air/drone strike,Unidentified Armed Group,Hit,33.6,42.8,AFP,A drone struck near Tower 22 across the border,0\n"
	ins, errs = incident.ParseKnown(strings.NewReader(acled), g)
	if len(errs) > 0 || len(ins) != 2 {
		t.Fatalf("ACLED: %+v %v", ins, errs)
	}
	if ins[0].SiteID != "ain-al-asad" || ins[0].SubEventType != "ballistic missile" || !ins[0].EventDate.Equal(day("2024-01-20")) {
		t.Errorf("ACLED row 1 = %+v", ins[0])
	}
	if ins[1].SiteID != "tower-22" || ins[1].SubEventType != "drone" {
		t.Errorf("ACLED row 2 (site from notes) = %+v", ins[1])
	}
}

func TestSeedLoadsOnce(t *testing.T) {
	ctx := context.Background()
	g, _ := rules.LoadGazetteer(nil)
	st, err := store.Open(ctx, "sqlite", filepath.Join(t.TempDir(), "s.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	n, err := incident.LoadSeed(ctx, st, g)
	if err != nil || n < 20 {
		t.Fatalf("seed: %d, %v", n, err)
	}
	if n2, err := incident.LoadSeed(ctx, st, g); err != nil || n2 != 0 {
		t.Errorf("second load added %d (%v)", n2, err)
	}
}

// TestExportRoundTrip: what Export writes, in either format, ParseKnown
// reads back as the same incidents.
func TestExportRoundTrip(t *testing.T) {
	g, _ := rules.LoadGazetteer(nil)
	ins, errs := incident.ParseKnown(strings.NewReader("date,site,weapon,killed,wounded,attribution,summary,source\n"+
		"2020-03-11,Camp Taji,rocket,3,14,Kataib Hezbollah,Rockets on Taji,https://example.org/a\n"+
		"2024-01-28,Tower 22,drone,3,40,Islamic Resistance in Iraq,Drone on the outpost,https://example.org/b\n"), g)
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	for _, format := range []string{incident.FormatCSV, incident.FormatACLED} {
		var buf strings.Builder
		if err := incident.Export(&buf, format, ins); err != nil {
			t.Fatal(err)
		}
		back, errs := incident.ParseKnown(strings.NewReader(buf.String()), g)
		if len(errs) > 0 || len(back) != len(ins) {
			t.Fatalf("%s: read back %d, errors %v\n%s", format, len(back), errs, buf.String())
		}
		for i := range ins {
			a, b := ins[i], back[i]
			if a.SiteID != b.SiteID || !a.EventDate.Equal(b.EventDate) || a.SubEventType != b.SubEventType || a.Fatalities != b.Fatalities || a.Actor != b.Actor {
				t.Errorf("%s row %d: %+v\nread back as %+v", format, i, a, b)
			}
		}
	}
}

// TestFollowUp: a report that names the site but dates nothing follows up
// the latest attack there within FollowUp; a report that dates itself days
// later is another attack.
func TestFollowUp(t *testing.T) {
	ctx := context.Background()
	g, _ := rules.LoadGazetteer(nil)
	st, err := store.Open(ctx, "sqlite", filepath.Join(t.TempDir(), "s.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	d := incident.Decider{Gazetteer: g, Window: 36 * time.Hour, FollowUp: 7 * 24 * time.Hour}
	decide := func(ev rules.Event, title string) incident.Decision {
		t.Helper()
		var dec incident.Decision
		if err := st.Update(ctx, func(tx store.Tx) error {
			var err error
			dec, err = d.Decide(tx, ev, incident.Report{ItemID: title, Title: title, Published: ev.Date.Add(12 * time.Hour)}, acceptAll)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		return dec
	}
	first := site(g, "tower-22", "2024-01-28", "drone")
	first.DateExplicit, first.Killed = true, 3
	a := decide(first, "Drone kills three at Tower 22")

	undated := site(g, "tower-22", "2024-02-01", "drone")
	undated.Wounded = 40
	if dec := decide(undated, "Troops hurt at Tower 22 rise to 40"); dec.Action != "update" || dec.Incident.ID != a.Incident.ID {
		t.Errorf("undated report 4 days on: %s %s (%s), want an update of %s", dec.Action, dec.Incident.ID, dec.Reason, a.Incident.ID)
	}
	dated := site(g, "tower-22", "2024-02-02", "drone")
	dated.DateExplicit = true
	if dec := decide(dated, "Another drone hits Tower 22 on Friday"); dec.Action != "alert" {
		t.Errorf("dated report 5 days on: %s (%s), want a new alert", dec.Action, dec.Reason)
	}
	// At a base whose last attack hurt nobody, a dateless report is
	// judged on its own: often a claim of a new strike.
	quiet := site(g, "ain-al-asad", "2024-02-01", "drone")
	quiet.DateExplicit, quiet.Killed, quiet.Wounded = true, 0, 0
	decide(quiet, "Drone hits Ain al-Asad, no one hurt")
	claim := site(g, "ain-al-asad", "2024-02-04", "drone")
	if dec := decide(claim, "Group says it targeted Ain al-Asad with a drone"); dec.Action != "alert" {
		t.Errorf("dateless claim 3 days after a harmless attack: %s (%s), want an alert", dec.Action, dec.Reason)
	}
	quiet2 := site(g, "conoco", "2024-02-01", "rocket")
	quiet2.DateExplicit, quiet2.Killed, quiet2.Wounded = true, 0, 0
	decide(quiet2, "Rockets hit Conoco, no one hurt")
	blame := site(g, "conoco", "2024-02-03", "rocket")
	blame.Actor, blame.ActorRole = "kataib-hezbollah", "blamed"
	if dec := decide(blame, "US official blames Kataib Hezbollah for the rocket attack on Conoco"); dec.Action == "alert" {
		t.Errorf("dateless blame 2 days after a harmless attack: %s (%s), want a follow-up", dec.Action, dec.Reason)
	}
	late := site(g, "tower-22", "2024-02-20", "drone")
	if dec := decide(late, "Funeral for soldier killed at Tower 22"); dec.Action != "alert" {
		t.Errorf("undated report 18 days on: %s (%s); past FollowUp it is judged on its own", dec.Action, dec.Reason)
	}
	// A report of "this week" follows up an attack there since the week
	// began, harmless or not; an attack before that week is another one.
	quiet3 := site(g, "harir", "2024-03-03", "rocket") // a Sunday
	quiet3.DateExplicit, quiet3.Killed, quiet3.Wounded = true, 0, 0
	decide(quiet3, "Rockets hit Harir, no one hurt")
	week := site(g, "harir", "2024-03-06", "rocket")
	week.Since = week.Date.AddDate(0, 0, -4) // Saturday
	if dec := decide(week, "Rockets fired at Harir this week came from Nineveh"); dec.Action == "alert" {
		t.Errorf("'this week' report 3 days after a harmless attack: %s (%s), want a follow-up", dec.Action, dec.Reason)
	}
	older := site(g, "harir", "2024-03-11", "rocket")
	older.Since = older.Date.AddDate(0, 0, -2) // the Saturday after the attack
	if dec := decide(older, "Rockets hit Harir this week"); dec.Action != "alert" {
		t.Errorf("'this week' report of a week after a harmless attack: %s (%s), want an alert", dec.Action, dec.Reason)
	}
}
