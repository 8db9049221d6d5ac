package rules

import (
	"fmt"
	"strings"
)

// Rule decides which events alert and where they go. The zero Rule accepts
// every attack (Kind "attack") on any site.
type Rule struct {
	Name          string
	Kind          string   // "attack" (default) or "strike" (US/coalition strikes on militias)
	Sites         []string // site ids, countries, kinds, regions or "all"; empty means all
	Weapons       []string // weapon kinds; empty means all
	MinConfidence float64
	Exclude       []string // words or phrases that veto the item when its text holds them
	Outputs       []string
}

// Accepts reports whether the rule takes ev, found in an item whose text is
// text (Result.Text), and why not when it does not. It does not look at
// ev.Background: whether a background mention may alert is for the caller.
func (r Rule) Accepts(g *Gazetteer, ev Event, text string) (ok bool, why string) {
	kind, evKind := r.Kind, ev.Kind
	if kind == "" {
		kind = "attack"
	}
	if evKind == "" {
		evKind = "attack"
	}
	if kind != evKind {
		return false, fmt.Sprintf("rule %q wants kind %s, event is a %s", r.Name, kind, evKind)
	}
	if len(r.Sites) > 0 && !r.siteOK(g, ev) {
		return false, fmt.Sprintf("rule %q: site %q is not in %s", r.Name, ev.Site, strings.Join(r.Sites, ", "))
	}
	if len(r.Weapons) > 0 && !weaponOK(r.Weapons, ev.Weapon) {
		return false, fmt.Sprintf("rule %q: weapon %s is not in %s", r.Name, ev.Weapon, strings.Join(r.Weapons, ", "))
	}
	if ev.Confidence < r.MinConfidence {
		return false, fmt.Sprintf("rule %q: confidence %.2f is below %.2f", r.Name, ev.Confidence, r.MinConfidence)
	}
	if len(r.Exclude) > 0 {
		t := " " + flatten(Normalize(text)) + " "
		for _, w := range r.Exclude {
			if n := flatten(Normalize(w)); n != "" && strings.Contains(t, " "+n+" ") {
				return false, fmt.Sprintf("rule %q: the text holds the excluded %q", r.Name, w)
			}
		}
	}
	return true, fmt.Sprintf("rule %q accepts", r.Name)
}

// flatten turns the sentence and clause marks of folded text into spaces.
func flatten(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '\n' || r == ',' {
			return ' '
		}
		return r
	}, s)
}

func (r Rule) siteOK(g *Gazetteer, ev Event) bool {
	var site Site
	if g != nil && ev.SiteID != "" {
		site, _ = g.Site(ev.SiteID)
	}
	for _, want := range r.Sites {
		switch {
		case strings.EqualFold(want, "all"):
			return true
		case ev.SiteID != "" && want == ev.SiteID:
			return true
		case strings.EqualFold(want, ev.Country) && ev.Country != "":
			return true
		case site.Kind != "" && strings.EqualFold(want, site.Kind):
			return true
		case ev.Region != "" && strings.EqualFold(want, ev.Region):
			return true
		case site.Province != "" && strings.EqualFold(want, site.Province):
			return true
		case g != nil && ev.SiteID != "" && g.InRegion(ev.SiteID, want):
			return true
		}
	}
	return false
}

func weaponOK(ws []string, w string) bool {
	for _, x := range ws {
		if strings.EqualFold(x, w) || strings.EqualFold(x, "all") ||
			strings.Contains(" "+strings.ToLower(w)+" ", " "+strings.ToLower(x)+" ") {
			return true
		}
	}
	return false
}
