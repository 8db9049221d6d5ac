package rules

import (
	"strings"
	"testing"
)

func TestRuleAccepts(t *testing.T) {
	g, err := LoadGazetteer(nil)
	if err != nil {
		t.Fatal(err)
	}
	asad := Event{Kind: "attack", SiteID: "ain-al-asad", Site: "Ain al-Asad Air Base", Region: "Anbar", Country: "Iraq", Weapon: "rocket", Confidence: 0.9}
	region := Event{Kind: "attack", Site: "Hasakah", Region: "Hasakah", Country: "Syria", Unconfirmed: true, Weapon: "drone", Confidence: 0.45}
	strike := Event{Kind: "strike", Site: "Syria", Region: "Syria", Country: "Syria", Weapon: "airstrike", Confidence: 0.7}
	text := "Rockets hit Ain al-Asad air base during a visit by reporters"
	cases := []struct {
		name string
		rule Rule
		ev   Event
		ok   bool
		why  string
	}{
		{"zero rule takes attacks", Rule{Name: "all"}, asad, true, "accepts"},
		{"zero rule refuses strikes", Rule{Name: "all"}, strike, false, "kind attack"},
		{"strike rule takes strikes", Rule{Name: "s", Kind: "strike"}, strike, true, ""},
		{"by site id", Rule{Name: "r", Sites: []string{"ain-al-asad"}}, asad, true, ""},
		{"by other site id", Rule{Name: "r", Sites: []string{"taji"}}, asad, false, "not in taji"},
		{"by country", Rule{Name: "r", Sites: []string{"iraq"}}, asad, true, ""},
		{"by kind", Rule{Name: "r", Sites: []string{"air base"}}, asad, true, ""},
		{"by region", Rule{Name: "r", Sites: []string{"western-iraq"}}, asad, true, ""},
		{"all", Rule{Name: "r", Sites: []string{"all"}}, region, true, ""},
		{"region event by country", Rule{Name: "r", Sites: []string{"Syria"}}, region, true, ""},
		{"region event not a site", Rule{Name: "r", Sites: []string{"rumalyn"}}, region, false, "not in"},
		{"weapon listed", Rule{Name: "r", Weapons: []string{"drone", "rocket"}}, asad, true, ""},
		{"weapon not listed", Rule{Name: "r", Weapons: []string{"drone"}}, asad, false, "weapon rocket"},
		{"missile covers ballistic missile", Rule{Name: "r", Weapons: []string{"missile"}}, Event{Weapon: "ballistic missile", Confidence: 1}, true, ""},
		{"rocket covers rocket or missile", Rule{Name: "r", Weapons: []string{"rocket"}}, Event{Weapon: "rocket or missile", Confidence: 1}, true, ""},
		{"missile covers rocket or missile", Rule{Name: "r", Weapons: []string{"missile"}}, Event{Weapon: "rocket or missile", Confidence: 1}, true, ""},
		{"ballistic missile is not rocket or missile", Rule{Name: "r", Weapons: []string{"ballistic missile"}}, Event{Weapon: "rocket or missile", Confidence: 1}, false, "weapon rocket or missile"},
		{"confidence", Rule{Name: "r", MinConfidence: 0.5}, region, false, "below 0.50"},
		{"exclude word", Rule{Name: "r", Exclude: []string{"visit"}}, asad, false, `excluded "visit"`},
		{"exclude is a whole word", Rule{Name: "r", Exclude: []string{"visitor"}}, asad, true, ""},
	}
	for _, c := range cases {
		ok, why := c.rule.Accepts(g, c.ev, text)
		if ok != c.ok || !strings.Contains(why, c.why) {
			t.Errorf("%s: Accepts = %v, %q; want %v, %q", c.name, ok, why, c.ok, c.why)
		}
	}
}
