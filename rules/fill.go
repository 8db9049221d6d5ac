package rules

import (
	"strings"
	"time"
)

// spansPerEvent is the evidence room reserved per event; more still fit
// (append copies that event's spans out).
const spansPerEvent = 12

// backgroundAge is how old a reported attack may be and still be news.
const backgroundAge = 3 * day

// followUpAge is how old an attack may be for a headline that gives its toll
// without a date to be read as a report of it.
const followUpAge = 7 * day

// span returns the evidence span of hit h.
func (x *extraction) hitSpan(field string, h int32) Span {
	s, e := x.f.span(x.hits[h].start, x.hits[h].end)
	return Span{Field: field, Start: s, End: e, Text: x.text[s:e]}
}

// tokSpan returns the evidence span of tokens [t0, t1).
func (x *extraction) tokSpan(field string, t0, t1 int32) Span {
	s, e := x.f.span(x.f.toks[t0].start, x.f.toks[t1-1].end)
	return Span{Field: field, Start: s, End: e, Text: x.text[s:e]}
}

// fill turns an accumulated event into an Event.
func (x *extraction) fill(a *evAcc, pub time.Time) Event {
	g := x.m.g
	ev := Event{Kind: a.kind, Killed: -1, Wounded: -1}
	// the events of one item share one backing array of spans
	if cap(x.spans)-len(x.spans) < spansPerEvent {
		x.spans = make([]Span, 0, spansPerEvent*(len(x.evs)+1))
	}
	n := len(x.spans)
	ev.Evidence = x.spans[n : n : n+spansPerEvent]
	x.spans = x.spans[:n+spansPerEvent]
	switch {
	case a.site >= 0:
		s := &g.sites[a.site]
		ev.SiteID, ev.Site, ev.Region, ev.Country = s.ID, s.Name, s.Province, s.Country
		if a.inferred {
			ev.Unconfirmed = true
			if a.region >= 0 {
				ev.Region = x.m.regions[a.region].Name
			}
		}
		field := "site"
		if a.inferred {
			field = "region"
		}
		ev.Evidence = append(ev.Evidence, x.hitSpan(field, a.loc))
	case a.region >= 0:
		r := &x.m.regions[a.region]
		ev.Site, ev.Region, ev.Country, ev.Unconfirmed = r.Name, r.Name, r.Country, true
		ev.Evidence = append(ev.Evidence, x.hitSpan("region", a.loc))
	}
	// date
	switch {
	case a.date >= 0:
		d := &x.dates[a.date]
		ev.Date, ev.DateExplicit = d.date, true
		ev.Evidence = append(ev.Evidence, x.tokSpan("date", d.t0, d.t1))
	case a.vdate >= 0 && a.bg != "":
		d := &x.dates[a.vdate]
		if d.relative {
			ev.Date = d.date
		}
		ev.Evidence = append(ev.Evidence, x.tokSpan("date", d.t0, d.t1))
	case a.bg == "" && !x.pub.IsZero():
		ev.Date = pub
		if a.vdate >= 0 {
			ev.Since = x.dates[a.vdate].since // "this week"
		}
	}
	ev.Background = a.bg != ""
	if !ev.Date.IsZero() && !x.pub.IsZero() && ev.Date.Before(pub.Add(-backgroundAge)) {
		ev.Background = true
	}
	// weapon, verb, projectiles, casualties, actor: from the segments of the
	// event, the one naming the site first
	ev.Weapon = "unknown"
	weaponHit, verbHit := int32(-1), int32(-1)
	for i := 0; i < a.nsegs; i++ {
		sg := &x.segs[a.segs[i]]
		for j := sg.h0; j < sg.h1; j++ {
			h := &x.hits[j]
			if h.dead {
				continue
			}
			switch h.cls {
			case cWeapon:
				if weaponHit < 0 || x.hits[weaponHit].p.flags&fWeak != 0 && h.p.flags&fWeak == 0 {
					weaponHit = j
				}
			case cAttack, cImpact, cIntercept:
				if verbHit < 0 && !x.irrealis(h.t0) {
					verbHit = j
				}
			}
		}
	}
	if weaponHit >= 0 {
		ev.Weapon = x.hits[weaponHit].p.str
		ev.Evidence = append(ev.Evidence, x.hitSpan("weapon", weaponHit))
		if n, t0, t1 := x.projectiles(weaponHit); n > 0 {
			ev.Projectiles = n
			ev.Evidence = append(ev.Evidence, x.tokSpan("projectiles", t0, t1))
		}
	}
	if verbHit >= 0 {
		ev.Evidence = append(ev.Evidence, x.hitSpan("verb", verbHit))
	}
	for i := 0; i < a.nsegs; i++ {
		x.casualties(&ev, &x.segs[a.segs[i]], a.site)
	}
	x.actor(&ev, a)
	// confidence
	conf := 0.55
	switch {
	case a.site >= 0 && a.inferred:
		conf = 0.4
	case a.site < 0 && x.m.regions[a.region].Kind == "country":
		conf = 0.05
	case a.site < 0:
		conf = 0.2
	}
	if a.weak {
		conf -= 0.1
	}
	if a.ev&eW != 0 {
		conf += 0.15
	} else if a.ev&eV != 0 {
		conf += 0.08
	}
	if a.ev&(eA|eI) != 0 {
		conf += 0.1
	}
	if a.ev&eX != 0 {
		conf += 0.05
	}
	if a.ev&eK != 0 {
		conf += 0.05
	}
	if a.sameSent {
		conf += 0.1
	}
	ev.Confidence = min(1, max(0, float64(int(conf*100+0.5))/100))
	return ev
}

// projectiles reads the number written before a weapon word: "at least ten
// rockets", "14 rockets", "a barrage of 14 rockets", "عشرة صواريخ".
func (x *extraction) projectiles(w0 int32) (int, int32, int32) {
	h := &x.hits[w0]
	for t := h.t0 - 1; t >= h.t0-5 && t >= 0 && x.sameSentence(t, h.t0); t-- {
		if v, s := x.numBefore(t); v > 0 {
			if v >= 1900 && v <= 2100 || x.tokText(s-1) == "update" {
				return 0, 0, 0
			}
			return int(v), s, t + 1
		}
		switch {
		case x.tokIn(t, countFillers):
			continue
		case x.tokIn(t, articleWords):
			if t == h.t0-1 && !strings.HasSuffix(x.hitText(w0), "s") {
				return 1, t, h.t1
			}
			return 0, 0, 0
		}
		break
	}
	// "a barrage of 14" with the weapon named before: number right after
	for t := h.t1; t <= h.t1+3 && t < int32(len(x.f.toks)) && x.sameSentence(t, h.t0); t++ {
		if v := x.f.toks[t].num; v > 0 && v < 1000 && x.tokText(t-1) == "of" {
			return int(v), t, t + 1
		}
	}
	// Arabic: the number after the noun, "صواريخ عدة" gives none
	if v := x.tokNum(h.t1); v > 1 && v < 100 && x.f.toks[h.t1].num < 0 && x.hitAt(h.t1, cNum) >= 0 && isArabicWord(x.tokText(h.t1)) {
		return int(v), h.t1, h.t1 + 1
	}
	return 0, 0, 0
}

func isArabicWord(s string) bool { return len(s) > 0 && s[0] >= 0xD8 && s[0] <= 0xDB }

// victimPlural reports whether a victim word is plural.
func victimPlural(s string) bool {
	if pluralVictims.has(s) || strings.HasSuffix(s, "s") {
		return true
	}
	// Arabic sound plurals
	return strings.HasSuffix(s, "ين") || strings.HasSuffix(s, "ون")
}

// victims reads a phrase of counted people that ends before token end
// (backward) or starts at token start (forward): "two Americans and a
// Briton", "five service members and two contractors", "a contractor".
// It returns the count (a lower bound when no number is given) and the
// tokens it spans.
func (x *extraction) victims(from int32, forward bool) (n int, t0, t1 int32) {
	ntok := int32(len(x.f.toks))
	total, first, last := 0, int32(-1), int32(-1)
	t := from
	viaComma := false
	for groups := 0; groups < 4; groups++ {
		// one group: [quantity] [modifiers] victim
		if forward {
			q, qt := -1, t
			for k := t; k < t+3 && k < ntok && x.sameSentence(k, from); k++ {
				switch {
				case x.tokNum(k) > 0 && !(x.f.toks[k].num >= 1900):
					q = int(x.tokNum(k))
					qt = k
				case x.tokIn(k, articleWords):
					q = 1
					qt = k
				case x.tokIn(k, quantityFillers):
					continue
				}
				if q >= 0 {
					break
				}
			}
			start := t
			if q >= 0 {
				start = qt + 1
			}
			v := int32(-1)
			for k := start; k <= start+3 && k < ntok && x.sameSentence(k, from); k++ {
				if j := x.hitAt(k, cVictim); j >= 0 {
					v = j
					break
				}
			}
			if v < 0 {
				if q > 0 && groups == 0 {
					return q, qt, qt + 1 // "killing two"
				}
				break
			}
			// "American service members": the victim word runs on
			for {
				nv := x.hitAt(x.hits[v].t1, cVictim)
				if nv < 0 || x.hits[nv].t1-start > 5 {
					break
				}
				v = nv
			}
			vh := &x.hits[v]
			if viaComma && vh.t1 < ntok && x.tokIn(vh.t1, speechVerbs) {
				break // "…wounding one soldier, a police officer said": the source, not a victim
			}
			if q < 0 {
				q = 1
				if victimPlural(x.hitText(v)) {
					q = 2
				}
			}
			total += q
			if first < 0 {
				first = min(t, qt)
				if x.tokNum(first) < 0 && !x.tokIn(first, articleWords) {
					first = start
				}
			}
			last = vh.t1
			t = vh.t1
			if t < ntok && (x.tokText(t) == "and" || x.tokText(t) == "و") {
				t++
				viaComma = false
				continue
			}
			if t < ntok && x.f.toks[t].start > 0 && x.f.out[x.f.toks[t].start-1] == ',' && x.tokText(t) != "acording" { // folded "according": the source follows
				viaComma = true
				continue
			}
			break
		}
		// backward: find a victim word ending just before t
		v := int32(-1)
		for k := t - 1; k >= t-5 && k >= 0 && x.sameSentence(k, from-1); k-- {
			if v = x.victimCovering(k, t); v >= 0 {
				break
			}
			if x.tokIn(k, victimFillers) {
				continue
			}
			if q, s := x.numBefore(k); q > 0 && groups == 0 && k == t-1 {
				return int(q), s, k + 1 // "two dead"
			}
			break
		}
		if v < 0 {
			break
		}
		vh := &x.hits[v]
		q := -1
		qt := vh.t0
		for k := vh.t0 - 1; k >= vh.t0-3 && k >= 0; k-- {
			if n, s := x.numBefore(k); n > 0 && x.f.toks[k].num < 1900 {
				q, qt = int(n), s
				break
			}
			if x.tokIn(k, articleWords) {
				q, qt = 1, k
				break
			}
			if x.tokIn(k, victimModifiers) {
				continue
			}
			break
		}
		if q < 0 {
			q = 1
			if victimPlural(x.hitText(v)) {
				q = 2
			}
		}
		total += q
		if last < 0 {
			last = vh.t1
		}
		first = qt
		t = qt
		if t > 0 && (x.tokText(t-1) == "and" || x.tokText(t-1) == "و") {
			t--
			continue
		}
		break
	}
	if first < 0 {
		return -1, 0, 0
	}
	return total, first, last
}

// victimCovering returns the victim hit that covers token k and ends by
// token t, or -1.
func (x *extraction) victimCovering(k, t int32) int32 {
	for j := x.firstHit(max(0, k-4)); j < len(x.hits) && x.hits[j].t0 <= k; j++ {
		h := &x.hits[j]
		if !h.dead && h.cls == cVictim && h.t1 > k && h.t1 <= t {
			return int32(j)
		}
	}
	return -1
}

// casualties reads killed and wounded from one segment into ev, keeping
// what an earlier segment already gave.
func (x *extraction) casualties(ev *Event, sg *segment, site int32) {
	for j := sg.h0; j < sg.h1; j++ {
		h := &x.hits[j]
		if h.dead {
			continue
		}
		switch h.cls {
		case cNoCas, cNoKilled, cKilled, cWounded:
			if s := x.tollSite(sg, j); s >= 0 && site >= 0 && !x.m.related[s][site] {
				continue // "..., wounding three soldiers at Conoco": not this site's toll
			}
		}
		switch h.cls {
		case cNoCas:
			if ev.Killed < 0 {
				ev.Killed = 0
			}
			if ev.Wounded < 0 {
				ev.Wounded = 0
			}
			ev.Evidence = append(ev.Evidence, x.hitSpan("casualties", j))
		case cNoKilled:
			if ev.Killed < 0 {
				ev.Killed = 0
				ev.Evidence = append(ev.Evidence, x.hitSpan("killed", j))
			}
		case cKilled, cWounded:
			killed := h.cls == cKilled
			// the first count stands, unless a later total is larger
			if v, _ := x.totalAfter(h); (killed && ev.Killed > 0 && int(v) <= ev.Killed) || (!killed && ev.Wounded > 0 && int(v) <= ev.Wounded) {
				continue
			}
			w := x.hitText(int32(j))
			switch x.negated(h.t0) {
			case 1: // "no American personnel were hurt"
				if killed || w == "casualties" {
					if ev.Killed < 0 {
						ev.Killed = 0
					}
				}
				if !killed && ev.Wounded < 0 {
					ev.Wounded = 0
				}
				ev.Evidence = append(ev.Evidence, x.hitSpan("casualties", int32(j)))
				continue
			case -1: // "it was not clear whether anyone was hurt"
				continue
			}
			n, t0, t1 := -1, int32(0), int32(0)
			// a total: "bringing the number of injured to five", "the death
			// toll rose to seven"
			if v, vt := x.totalAfter(h); v > 0 {
				n, t0, t1 = int(v), vt, vt+1
			} else if w == "casualties" || w == "casualty" || w == "death tol" {
				continue
			}
			active := strings.HasSuffix(w, "ing") || w == "kils" || isArabicWord(w)
			if n < 0 && (active || activeCasualty.has(w)) && x.sameSentence(h.t0, h.t1) {
				n, t0, t1 = x.victims(h.t1, true)
			}
			if n < 0 && !active {
				n, t0, t1 = x.victims(h.t0, false)
			}
			if n < 0 {
				continue
			}
			field := "wounded"
			if killed {
				field = "killed"
				ev.Killed = n
			} else {
				ev.Wounded = n
			}
			ev.Evidence = append(ev.Evidence, x.hitSpan(field, int32(j)))
			if t1 > t0 {
				sp := x.tokSpan("victims", t0, t1)
				ev.Evidence = append(ev.Evidence, sp)
				if ev.Victims == "" {
					ev.Victims = sp.Text
				} else if !strings.Contains(ev.Victims, sp.Text) && killed {
					ev.Victims = sp.Text
				}
			}
		}
	}
}

// totalAfter returns the number a casualty word is brought or rises to:
// "the number of injured to five", "death toll rose to seven", "ارتفع ... إلى
// ثمانية" is not read. It returns the number and its token, or -1.
func (x *extraction) totalAfter(h *hit) (int32, int32) {
	for k := h.t1; k < h.t1+12 && x.sameSentence(k, h.t0); k++ {
		if x.tokText(k) != "to" {
			continue
		}
		// right after the word ("injured to five"), or after a verb of rising
		if k == h.t1 || x.tokIn(k-1, riseWords) {
			if v := x.tokNum(k + 1); v > 0 && v < 10000 && x.sameSentence(k+1, h.t0) {
				return v, k + 1
			}
		}
		return -1, 0
	}
	return -1, 0
}

// tollSite returns the site that the casualty phrase at hit j belongs to
// when the segment names several sites and the phrase's own clause names
// just one of them, else -1.
func (x *extraction) tollSite(sg *segment, j int32) int32 {
	first, tied, several := int32(-1), int32(-1), false
	for k := sg.h0; k < sg.h1; k++ {
		h := &x.hits[k]
		if h.dead || h.cls != cSite {
			continue
		}
		s := h.p.val
		if first < 0 {
			first = s
		} else if !x.m.related[first][s] {
			several = true
		}
		if x.sameClause(j, k) {
			if tied >= 0 && !x.m.related[tied][s] {
				return -1 // two sites in the toll's clause
			}
			tied = s
		}
	}
	if !several {
		return -1
	}
	return tied
}

// sameClause reports whether no comma, sentence end or clause word
// ("and", "while") stands between hits a and b.
func (x *extraction) sameClause(a, b int32) bool {
	ha, hb := &x.hits[a], &x.hits[b]
	if hb.t0 < ha.t0 {
		ha, hb = hb, ha
	}
	for t := ha.t1; t <= hb.t0 && int(t) < len(x.f.toks); t++ {
		if c := x.sepBefore(t); c == ',' || c == '\n' {
			return false
		}
		if t < hb.t0 && x.tokIn(t, clauseWords) {
			return false
		}
	}
	return true
}

// negated reports whether a casualty word at token t is denied (1: "no
// one was hurt", "no US personnel were injured"), left open (-1: "unclear
// whether anyone was hurt") or neither (0).
func (x *extraction) negated(t int32) int {
	for k := t - 1; k >= t-6 && k >= 0 && x.sameSentence(k, t); k-- {
		switch {
		case x.tokIn(k, openWords):
			return -1
		case x.tokIn(k, denyWords):
			return 1
		case x.tokIn(k, casualtyStops):
			return 0
		}
	}
	// a report that is corrected or called false: "correcting earlier
	// accounts that two trainers were hurt", "reports that two staff were
	// wounded were false"
	for k := t - 1; k >= t-10 && k >= 0 && x.sameSentence(k, t); k-- {
		if x.tokIn(k, correctionWords) {
			return 1
		}
		if x.tokIn(k, casualtyStops) {
			break
		}
	}
	for k := t + 1; k <= t+12 && x.sameSentence(k, t); k++ {
		if x.tokIn(k, falseWords) && x.tokIn(k-1, copulaWords) {
			return 1
		}
	}
	return 0
}

// actor finds the group that claimed the attack or was blamed for it: in
// the event's own sentences first, else anywhere in an item with one event.
func (x *extraction) actor(ev *Event, a *evAcc) {
	try := func(sent int32) bool {
		sctx := x.sentCtx[sent]
		if sctx&(1<<cDeny) != 0 || sctx&((1<<cClaim)|(1<<cBlame)) == 0 {
			return false
		}
		t0 := x.f.sentStart[sent]
		for j := x.firstHit(t0); j < len(x.hits) && x.f.toks[x.hits[j].t0].sent == sent; j++ {
			h := &x.hits[j]
			if h.dead || h.cls != cGroup {
				continue
			}
			ev.Actor = x.m.groups[h.p.val].ID
			ev.ActorRole = "blamed"
			if sctx&(1<<cClaim) != 0 {
				ev.ActorRole = "claimed"
			}
			ev.Evidence = append(ev.Evidence, x.hitSpan("actor", int32(j)))
			return true
		}
		return false
	}
	for i := 0; i < a.nsegs; i++ {
		if try(x.segs[a.segs[i]].sent) {
			return
		}
	}
	if len(x.evs) != 1 {
		return
	}
	for s := range x.sentCtx {
		if try(int32(s)) {
			return
		}
	}
}

// strikeEvent describes a US or coalition strike on militias.
func (x *extraction) strikeEvent(pub time.Time) Event {
	ev := Event{Kind: "strike", Weapon: "airstrike", Killed: -1, Wounded: -1, Date: pub, Confidence: 0.7}
	for i := range x.segs {
		sg := &x.segs[i]
		if !sg.strike {
			continue
		}
		for j := sg.h0; j < sg.h1; j++ {
			h := &x.hits[j]
			if h.dead {
				continue
			}
			switch h.cls {
			case cStrikeActor:
				ev.Evidence = append(ev.Evidence, x.hitSpan("verb", j))
			case cRegion:
				if ev.Region == "" {
					r := &x.m.regions[h.p.val]
					ev.Site, ev.Region, ev.Country, ev.Unconfirmed = r.Name, r.Name, r.Country, true
					ev.Evidence = append(ev.Evidence, x.hitSpan("region", j))
				}
			case cGroup:
				if ev.Victims == "" {
					ev.Victims = x.m.groups[h.p.val].Name
					ev.Evidence = append(ev.Evidence, x.hitSpan("target", j))
				}
			}
		}
		if sg.date >= 0 && !ev.DateExplicit {
			ev.Date, ev.DateExplicit = x.dates[sg.date].date, true
		}
	}
	return ev
}

// reason says why an item has no event (or only background ones).
func (x *extraction) reason(evs []Event) string {
	fresh := false
	for _, e := range evs {
		if !e.Background && e.Kind != "strike" {
			fresh = true
		}
	}
	if fresh {
		return ""
	}
	if x.item.strike || x.anyStrike() {
		return "US strike on militias"
	}
	for _, r := range x.reasons {
		if r != "site named but no attack evidence near it" && r != "site named but the attack evidence is too weak" {
			return r
		}
	}
	if len(evs) > 0 {
		return "only background mentions: " + firstBG(x)
	}
	generic := false
	for i := range x.cands {
		if x.cands[i].generic {
			generic = true
		}
	}
	if generic {
		return "analysis or attacks in general, no specific attack"
	}
	if len(x.reasons) > 0 {
		return x.reasons[0]
	}
	named, evidence := false, false
	for i := range x.hits {
		h := &x.hits[i]
		if h.dead {
			continue
		}
		if h.cls == cSite || h.cls == cRegion && x.m.regions[h.p.val].Kind != "foreign" && x.m.regions[h.p.val].Kind != "country" {
			named = true
		}
	}
	for i := range x.segs {
		if x.segs[i].ev != 0 {
			evidence = true
		}
	}
	switch {
	case named && evidence:
		return "attack evidence not tied to a known site"
	case named:
		return "site named but no attack evidence near it"
	case evidence:
		return "attack reported but no site named"
	}
	return "no site named"
}

func firstBG(x *extraction) string {
	for i := range x.evs {
		if x.evs[i].bg != "" {
			return x.evs[i].bg
		}
	}
	return "attacks dated well before publication"
}
