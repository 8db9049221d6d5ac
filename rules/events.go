package rules

import (
	"slices"
	"sort"
	"strings"
)

const (
	bgAnniversary = "anniversary or retrospective"
	bgBody        = "named in the body of an article, past its lede, without a date"
)

// baseLike reports whether a site of kind k fits the noun the text used.
func baseLike(k, noun string, air bool) bool {
	switch noun {
	case "", "base":
		if air {
			return k == "air base"
		}
		return k == "air base" || k == "base" || k == "outpost"
	case "outpost":
		return k == "outpost" || k == "base"
	case "airport":
		return k == "airport"
	case "embassy":
		return k == "embassy"
	case "consulate":
		return k == "consulate"
	case "field":
		return k == "base"
	}
	return false
}

// candidates finds, segment by segment, the places an attack may be
// reported on, and links evidence that names no place to the place named
// just before (or just after) it.
func (x *extraction) candidates() {
	for si := range x.segs {
		sg := &x.segs[si]
		first := len(x.cands)
		for j := sg.h0; j < sg.h1; j++ {
			h := &x.hits[j]
			if h.dead || h.cls != cSite {
				continue
			}
			site := h.p.val
			if h.p.flags&fWeak != 0 && x.weakCancelled(j, site) {
				continue
			}
			dup := false
			for k := first; k < len(x.cands); k++ {
				if x.cands[k].site == site {
					dup = true
				}
			}
			if dup {
				continue
			}
			if x.townOf(j) {
				continue // "near al-Shaddadi town", "the town of Rmeilan": the town, not the base
			}
			if x.tokIn(h.t1, roadWords) && x.sameClauseTokens(h.t0, h.t1) {
				continue // "on the Baghdad airport road": the road, not the airport
			}
			if x.item.stormOnly && x.areaAlias(h) {
				continue // "protesters stormed parliament in the Green Zone": the district, not the embassy
			}
			if x.originBefore(j) || x.tokText(h.t1) == "based" || x.landmark(j) || x.nearOtherForce(j) || x.sourcesIn(j) {
				continue // "drones launched from Harir", "Asad-based jets", "100 km north of al-Tanf": not what was hit
			}
			x.cands = append(x.cands, cand{seg: int32(si), site: site, region: -1, loc: j, weak: h.p.flags&fWeak != 0, from: -1})
		}
		// a site that speaks ("the US embassy said") is not a target
		// when the segment names another place
		if len(x.cands)-first > 1 {
			kept := first
			for k := first; k < len(x.cands); k++ {
				if !x.speaker(x.cands[k].loc) {
					x.cands[kept] = x.cands[k]
					kept++
				}
			}
			if kept > first {
				x.cands = x.cands[:kept]
			}
		}
		// a site that speaks of an attack and reports nothing that hit it
		// ("the US embassy condemned another reckless attack") is a source
		if sg.ev&(eW|eV|eI|eK) == 0 {
			kept := first
			for k := first; k < len(x.cands); k++ {
				if !x.speaker(x.cands[k].loc) {
					x.cands[kept] = x.cands[k]
					kept++
				}
			}
			x.cands = x.cands[:kept]
		}
		// a region places an attack only in an item about US or coalition
		// forces or with the weapons militias fire at them, and not where
		// the base is another army's
		if sg.ctx&(1<<cConvoy) == 0 && (sg.ctx&(1<<cForeignBase) == 0 || sg.ctx&(1<<cTarget) != 0) &&
			(x.item.coalition || x.militiaWeapon(sg)) {
			x.regionCandidate(int32(si), first)
		}
		sg.ncand = int32(len(x.cands) - first)
		// "rockets and drones have targeted Ain al-Asad, Harir, Erbil and
		// al-Tanf": a clause that names three or more sites is a roundup of
		// earlier attacks, not the report of one
		if nsites := x.distinctSites(first); nsites >= 3 {
			sg.ctx |= 1 << cGeneric
			sg.roundup = true
		}
		ev := sg.ev
		if ev == 0 && sg.cancel == "" && si > 0 && x.segs[si-1].sent == sg.sent {
			// "Rockets hit Taji on March 11, and Basmaya on March 17": the
			// verb of the clause before governs this one
			ev = x.segs[si-1].ev
		}
		for k := first; k < len(x.cands); k++ {
			x.cands[k].ev = ev
		}
	}
	// evidence that names no place: "The drone struck a hangar at the base."
	n := len(x.cands)
	for si := range x.segs {
		sg := &x.segs[si]
		if sg.ncand > 0 || (sg.ev == 0 && !(sg.date >= 0 && sg.ctx&(1<<cSiteNoun) != 0)) {
			continue
		}
		noun, air, nounHit := x.firstNoun(sg)
		ante := x.antecedent(int32(si))
		if ante < 0 {
			// "Jordan drone attack ... the base near the border": a region
			// before, the noun here
			if nounHit >= 0 && (sg.ctx&(1<<cForeignBase) == 0 || sg.ctx&(1<<cTarget) != 0) {
				x.regionBefore(int32(si), noun, air, nounHit)
			}
			continue
		}
		// the candidates of the first pass are in segment order
		for k := sort.Search(n, func(i int) bool { return x.cands[i].seg >= ante }); k < n && x.cands[k].seg == ante; k++ {
			c := x.cands[k]
			c.seg = int32(si)
			c.ev = sg.ev
			c.linked = true
			c.from = int32(k)
			if c.site < 0 && nounHit >= 0 {
				// "Rocket attack on Erbil ... inside the airport complex"
				if fit, only := x.fitRegion(c.region, noun, air, false); fit == 1 {
					c.site, c.loc = only, nounHit
				}
			}
			x.cands = append(x.cands, c)
		}
	}
}

// vagueGoverns reports whether, in a segment with an exact date and an
// earlier vague one, the vague date is the one of candidate c's site: it
// follows the site, and the exact date is before the site or after the
// vague date ("the attack on X last month, the Pentagon said on Monday").
func (x *extraction) vagueGoverns(c *cand, sg *segment) bool {
	if sg.date < 0 || sg.vdate < 0 || c.loc < 0 {
		return false
	}
	d, v := &x.dates[sg.date], &x.dates[sg.vdate]
	st := x.hits[c.loc].t0
	if v.t1 <= st && st-v.t1 <= 5 && v.old && x.weaponOrAttackAt(v.t1) {
		// "killed in last week's rocket attack on Camp Taji, was buried
		// on Friday": the vague date is the attack's own
		return d.t0 < v.t0 || d.t0 > st
	}
	if !v.latest.Before(d.date.Add(-day)) {
		return false // the vague date holds the day: "on Monday, the second attack this month"
	}
	return v.t0 >= x.hits[c.loc].t1 && (d.t0 < st || d.t0 > v.t0)
}

// weaponOrAttackAt reports whether a weapon or attack word starts at token
// t.
func (x *extraction) weaponOrAttackAt(t int32) bool {
	for j := x.firstHit(t); j < len(x.hits) && x.hits[j].t0 == t; j++ {
		if h := &x.hits[j]; !h.dead && (h.cls == cWeapon || h.fam == cAttack) {
			return true
		}
	}
	return false
}

// dateFits reports whether exact date d can be the date of segment sg: it
// has no date, or its exact date is d (within a day), or its vague date
// spans d.
func (x *extraction) dateFits(sg *segment, d int32) bool {
	dd := x.dates[d].date
	switch {
	case sg.date >= 0:
		diff := x.dates[sg.date].date.Sub(dd)
		return diff <= day && diff >= -day
	case sg.vdate >= 0:
		v := &x.dates[sg.vdate]
		return !dd.Before(v.date) && !dd.After(v.latest)
	}
	return true
}

// distinctSites counts the distinct sites named by the candidates from first on.
func (x *extraction) distinctSites(first int) int {
	n := 0
	for k := first; k < len(x.cands); k++ {
		if x.cands[k].site < 0 {
			continue
		}
		dup := false
		for j := first; j < k; j++ {
			if x.cands[j].site >= 0 && x.m.related[x.cands[j].site][x.cands[k].site] {
				dup = true
				break
			}
		}
		if !dup {
			n++
		}
	}
	return n
}

// firstNoun returns the first site noun of a segment.
func (x *extraction) firstNoun(sg *segment) (noun string, air bool, at int32) {
	for j := sg.h0; j < sg.h1; j++ {
		if h := &x.hits[j]; !h.dead && h.cls == cSiteNoun {
			s := x.hitText(j)
			return h.p.str, strings.Contains(s, "air") || strings.Contains(s, "جوي"), j
		}
	}
	return "", false, -1
}

// regionBefore places an orphan segment that has a site noun in the one
// site of a region named in the sentences before it.
func (x *extraction) regionBefore(si int32, noun string, air bool, nounHit int32) {
	sent := x.segs[si].sent
	for j := x.segs[si].h0 - 1; j >= 0; j-- {
		h := &x.hits[j]
		if x.f.toks[h.t0].sent < sent-3 && !x.isTitleTok(h.t0) {
			continue
		}
		if h.dead || h.cls != cRegion || x.m.regions[h.p.val].Kind == "foreign" || x.borderAfter(h) {
			continue
		}
		// "Rockets target Turkish base at Zilkan near Mosul ... landed inside
		// the camp": the region places another army's base, not ours
		if hs := x.segOfHit(int32(j)); hs >= 0 && x.segs[hs].ctx&(1<<cForeignBase) != 0 && x.segs[hs].ctx&(1<<cTarget) == 0 {
			return
		}
		if fit, only := x.fitRegion(h.p.val, noun, air, false); fit == 1 {
			x.cands = append(x.cands, cand{seg: si, site: only, region: h.p.val, loc: nounHit, inferred: true, ev: x.segs[si].ev, linked: true, from: -1})
			return
		}
	}
}

// segOfHit returns the segment that holds hit j, or -1.
func (x *extraction) segOfHit(j int32) int32 {
	// segments are in text order: the first whose hits end after j
	si := sort.Search(len(x.segs), func(i int) bool { return x.segs[i].h1 > j })
	if si < len(x.segs) && x.segs[si].h0 <= j {
		return int32(si)
	}
	return -1
}

// militiaWeapon reports whether a segment names a rocket, missile or drone.
func (x *extraction) militiaWeapon(sg *segment) bool {
	for j := sg.h0; j < sg.h1; j++ {
		h := &x.hits[j]
		if !h.dead && h.cls == cWeapon && h.p.flags&fWeak == 0 {
			switch h.p.str {
			case "rocket", "missile", "rocket or missile", "ballistic missile", "drone":
				return true
			}
		}
	}
	return false
}

// originBefore reports whether the site at hit j is where something came
// from: "drones launched from", "jets from".
// landmark reports whether the site at hit j only measures a distance to
// what happened elsewhere: "some 100 km north of al-Tanf" (ten or more:
// "two km from the base" is a near miss), "the consulate is a few
// kilometres away".
func (x *extraction) landmark(j int32) bool {
	h := &x.hits[j]
	for k := h.t0 - 1; k >= 1 && k >= h.t0-8 && x.sameSentence(k, h.t0); k-- {
		if x.tokIn(k, distanceUnits) && x.tokNum(k-1) >= 10 {
			return true
		}
	}
	// "near Tarmiyah, north of Camp Taji": a place located by the site
	k := h.t0 - 1
	if x.tokText(k) == "the" {
		k-- // "east of the al-Omar field"
	}
	if k >= 2 && x.tokText(k) == "of" {
		d := k - 1
		for d > 0 && d >= k-2 && x.tokIn(d, directionWords) && x.sameSentence(d, h.t0) {
			if x.sepBefore(d) == ',' {
				return true
			}
			d--
		}
	}
	for k := h.t1; k < h.t1+6 && x.sameSentence(k, h.t0); k++ {
		if x.tokIn(k, distanceUnits) && x.tokText(k+1) == "away" {
			return true
		}
	}
	return false
}

// sourcesIn reports whether the site at hit j is where the sources of the
// report are: "residents in Rmeilan heard", "مصادر محلية في رميلان".
func (x *extraction) sourcesIn(j int32) bool {
	h := &x.hits[j]
	if w := x.tokText(h.t0 - 1); w != "in" && w != "في" {
		return false
	}
	for k := h.t0 - 2; k >= 0 && k >= h.t0-3 && x.sameClauseTokens(k, h.t0); k-- {
		if x.tokIn(k, sourceWords) {
			return true
		}
	}
	return false
}

// nearOtherForce reports whether the site at hit j only locates another
// force's post: "a drone attack on a Hashd headquarters near Ain al-Asad".
func (x *extraction) nearOtherForce(j int32) bool {
	h := &x.hits[j]
	near := h.t0 - 1 // "near", "قرب"; "close to", "القريبة من"
	in := false      // "an Iraqi army post in Qayyarah": the town
	if x.tokText(near) == "the" {
		near--
	}
	switch w := x.tokText(near); {
	case w == "near" || w == "قرب" || w == "بالقرب":
	case w == "to" && x.tokText(near-1) == "close", w == "من" && (x.tokText(near-1) == "قريبه" || x.tokText(near-1) == "قريب"):
		near--
	case w == "in" || w == "في":
		// a noun in the site's name or right after it, even one the name
		// absorbed, names the base itself: "an Iraqi army post in the Ain
		// al-Asad air base", "في قاعدة عين الأسد"
		for k := x.firstHit(h.t0); k < len(x.hits) && x.hits[k].t0 <= h.t1; k++ {
			if x.hits[k].cls == cSiteNoun && x.sameClauseTokens(h.t0, x.hits[k].t0) {
				return false
			}
		}
		in = true
	default:
		return false
	}
	for k := near - 1; k >= 0 && k >= near-5 && x.sameSentence(k, h.t0); k-- {
		if x.hitAt(k, cForeignBase) >= 0 || !in && x.tokIn(k, otherForceWords) {
			return true // (before the noun "base" that such a phrase may start with)
		}
		if x.hitAt(k, cWeapon) >= 0 || x.hitAt(k, cAttack) >= 0 || x.hitAt(k, cImpact) >= 0 || x.hitAt(k, cSiteNoun) >= 0 {
			return false // "drones hit near Ain al-Asad", "a US base near ..."
		}
	}
	return false
}

// areaAlias reports whether site hit h names the district around a site
// rather than the site: "the Green Zone", "المنطقة الخضراء".
func (x *extraction) areaAlias(h *hit) bool {
	switch unsafeString(x.f.out[h.start:h.end]) {
	case "gren zone", "international zone", "منطقه خضراء":
		return true
	}
	return false
}

// townOf reports whether the site name at hit j names the town the site is
// named after: "al-Shaddadi town", "the town of Rmeilan".
func (x *extraction) townOf(j int32) bool {
	h := &x.hits[j]
	for k := h.t0 - 4; k < h.t0; k++ {
		if k >= 0 && x.sameSentence(k, h.t0) && x.hitAt(k, cSiteNoun) >= 0 {
			return false // "a US base near al-Shaddadi town": the base is the site's
		}
	}
	if h.t1 < int32(len(x.f.toks)) && x.sameSentence(h.t1, h.t0) && x.tokIn(h.t1, townWords) {
		return true
	}
	k := h.t0 - 1
	if k >= 0 && (x.tokText(k) == "al" || x.tokText(k) == "el") {
		k-- // "the town of al-Shaddadi" (if the article is a token of its own)
	}
	return k >= 1 && x.tokText(k) == "of" && x.tokIn(k-1, townWords) && x.sameSentence(k-1, h.t0)
}

func (x *extraction) originBefore(j int32) bool {
	h := &x.hits[j]
	for k := j - 1; k >= 0 && x.hits[k].t1 >= h.t0-1; k-- {
		if o := &x.hits[k]; !o.dead && o.cls == cOrigin && o.t1 <= h.t0 {
			// "a drone heading for the base": where a weapon is bound
			// is its target
			return o.p.str != "dest" || !x.weaponBefore(o.t0)
		}
	}
	return false
}

// weaponBefore reports whether a weapon word ends at most two tokens
// before token t, in its sentence: "a drone (that was) heading for".
func (x *extraction) weaponBefore(t int32) bool {
	for k := x.firstHit(t - 3); k < len(x.hits) && x.hits[k].t0 < t; k++ {
		if w := &x.hits[k]; !w.dead && w.cls == cWeapon && w.t1 <= t && w.t1 >= t-2 && x.sameSentence(w.t0, t) {
			return true
		}
	}
	return false
}

// directionBefore reports whether a direction stands right before token t
// in its sentence: "north-east of", "شمال شرقي".
func (x *extraction) directionBefore(t int32) bool {
	k := t - 1
	if x.tokText(k) == "of" {
		k--
	}
	return k >= 0 && x.sameSentence(k, t) && x.tokIn(k, directionWords)
}

// fromBefore reports whether "from" (من) stands at most six tokens before
// token t in its sentence.
func (x *extraction) fromBefore(t int32) bool {
	for k := t - 1; k >= 0 && k >= t-6 && x.sameSentence(k, t); k-- {
		if w := x.tokText(k); w == "from" || w == "من" {
			return true
		}
	}
	return false
}

// speaker reports whether the site at hit j speaks: followed by "said",
// "condemned", or preceded by "according to", "a statement from".
func (x *extraction) speaker(j int32) bool {
	h := &x.hits[j]
	t := h.t1
	for t < int32(len(x.f.toks)) && x.sameSentence(t, h.t0) && (x.tokText(t) == "in" || x.f.toks[t].ent) {
		t++ // "the US embassy in Baghdad said"
	}
	if t < int32(len(x.f.toks)) && x.sameSentence(t, h.t0) && x.hitAt(t, cSpeech) < 0 && (x.tokText(t) == "which" || x.tokText(t) == "that") &&
		x.sepBefore(t) == ',' {
		// "the US embassy, which oversees the centre, said": past the clause
		for k := t + 1; k < t+25 && k < int32(len(x.f.toks)) && x.sameSentence(k, h.t0); k++ {
			if x.sepBefore(k) == ',' {
				t = k
				break
			}
		}
	}
	if t < int32(len(x.f.toks)) && x.sameSentence(t, h.t0) && x.hitAt(t, cSpeech) >= 0 {
		return true
	}
	for k := j - 1; k >= 0 && x.hits[k].t1 >= h.t0-1; k-- {
		if o := &x.hits[k]; !o.dead && o.cls == cSpeech && o.t1 <= h.t0 {
			return true
		}
	}
	return false
}

// antecedent returns the segment whose places an orphan segment refers to:
// the nearest one before it in the same or the previous sentence (the title
// counts as the sentence before the first of the summary), else the first
// one of the next sentence.
func (x *extraction) antecedent(si int32) int32 {
	sent := x.segs[si].sent
	for k := si - 1; k >= 0; k-- {
		if x.segs[k].sent < sent-3 && !x.isTitleTok(x.segs[k].t0) {
			continue
		}
		if x.segs[k].ncand > 0 {
			return k
		}
	}
	for k := si + 1; k < int32(len(x.segs)); k++ {
		if x.segs[k].sent > sent+1 {
			break
		}
		if x.segs[k].ncand > 0 && x.segs[k].ev == 0 {
			return k
		}
	}
	return -1
}

// weakCancelled reports whether a weak alias at hit j ("US embassy") is
// followed by a place outside the site ("in Beirut").
func (x *extraction) weakCancelled(j int32, site int32) bool {
	h := &x.hits[j]
	for k := j + 1; k < int32(len(x.hits)); k++ {
		o := &x.hits[k]
		if o.t0 > h.t1+3 {
			break
		}
		if o.dead || o.cls != cRegion {
			continue
		}
		if !x.m.inRegion[o.p.val][site] {
			return true
		}
	}
	return false
}

// regionCandidate adds the place a segment names through a region ("a base
// in Anbar"): the one site there that fits the noun, else the region.
func (x *extraction) regionCandidate(si int32, first int) {
	sg := &x.segs[si]
	bestRegion, bestSite, bestLoc := int32(-1), int32(-1), int32(-1)
	bestN := 1 << 30
	for j := sg.h0; j < sg.h1; j++ {
		h := &x.hits[j]
		if h.dead || h.cls != cRegion {
			continue
		}
		r := &x.m.regions[h.p.val]
		if r.Kind == "foreign" || x.originBefore(j) {
			continue // "moved its staff to Erbil": where people went, not what was hit
		}
		// a region that holds a site the segment names only says where it is
		covers := false
		for k := first; k < len(x.cands); k++ {
			if x.m.inRegion[h.p.val][x.cands[k].site] {
				covers = true
			}
		}
		if covers {
			continue
		}
		noun, air, nounHit := x.nounNear(sg, h)
		if nounHit >= 0 && x.properNameBefore(x.hits[nounHit].t0) {
			continue // "the Zilkan base in Nineveh": another base
		}
		if x.borderAfter(h) {
			continue // "near the Syrian border" says where, not what
		}
		target := sg.ctx&(1<<cTarget) != 0
		if noun == "" && !target && r.Kind != "city" && r.Kind != "town" {
			continue
		}
		fit, only := x.fitRegion(h.p.val, noun, air, target)
		if fit == 0 || fit > 1 && len(x.cands) > first {
			continue // a site is named: a vague region beside it adds nothing
		}
		if len(x.cands) > first && x.directionBefore(h.t0) {
			// "Harir air base, north-east of Erbil", "قاعدة حرير الواقعة
			// شمال شرقي أربيل": with a site named, a region placed by a
			// direction only says where the site is
			continue
		}
		if len(x.cands) > first && x.fromBefore(h.t0) {
			// "rockets fired from Bartella in the Nineveh plains at Erbil
			// airport": with a site named, a region after "from" is where
			// the fire came from, not a second target
			continue
		}
		loc := j
		if nounHit >= 0 && fit == 1 {
			loc = nounHit
		}
		if fit < bestN {
			bestN, bestRegion, bestLoc = fit, h.p.val, loc
			bestSite = -1
			if fit == 1 {
				bestSite = only
			}
		}
	}
	if bestRegion < 0 {
		return
	}
	if bestSite >= 0 {
		for k := first; k < len(x.cands); k++ {
			if x.cands[k].site == bestSite {
				return
			}
		}
		x.cands = append(x.cands, cand{seg: si, site: bestSite, region: bestRegion, loc: bestLoc, inferred: true})
		return
	}
	x.cands = append(x.cands, cand{seg: si, site: -1, region: bestRegion, loc: bestLoc, inferred: true})
}

// properNameBefore reports whether token t-1 is a capitalised word we do
// not know, naming some other place ("Zilkan base"); headlines in title case
// do not count.
func (x *extraction) properNameBefore(t int32) bool {
	p := t - 1
	if p < 0 || !x.sameSentence(p, t) || x.f.toks[p].ent || x.tokNum(p) >= 0 {
		return false
	}
	if x.tokIn(p, knownBeforeNoun) {
		return false
	}
	for j := x.firstHit(p); j < len(x.hits) && x.hits[j].t0 == p; j++ {
		if !x.hits[j].dead {
			return false // a cue word: "Rocket-hit base", "Coalition base"
		}
	}
	if !x.capitalised(p) || x.titleCase(x.f.toks[t].sent) {
		return false
	}
	return true
}

func (x *extraction) capitalised(t int32) bool {
	c := x.text[x.f.off[x.f.toks[t].start]]
	return c >= 'A' && c <= 'Z'
}

// titleCase reports whether sentence s is written in title case: most of
// its longer words capitalised.
func (x *extraction) titleCase(s int32) bool {
	t0 := x.f.sentStart[s]
	t1 := int32(len(x.f.toks))
	if int(s)+1 < len(x.f.sentStart) {
		t1 = x.f.sentStart[s+1]
	}
	n, c := 0, 0
	for t := t0; t < t1; t++ {
		if x.f.toks[t].end-x.f.toks[t].start < 4 || isArabicWord(x.tokText(t)) {
			continue
		}
		n++
		if x.capitalised(t) {
			c++
		}
	}
	return n >= 3 && c*10 >= n*7
}

// fitRegion counts the sites of region r that fit the noun the text used
// (or, with no noun, a target such as "US troops"), and returns the one
// when there is only one. A city named with neither stays the city.
func (x *extraction) fitRegion(r int32, noun string, air, target bool) (fit int, only int32) {
	g := x.m.g
	if noun == "" && !target {
		return 2, -1
	}
	only = -1
	for _, s := range x.m.regions[r].Sites {
		i := int32(x.m.siteIdx[s])
		if baseLike(g.sites[i].Kind, noun, air) {
			fit++
			only = i
		}
	}
	return fit, only
}

// borderAfter reports whether a region hit qualifies a border ("the Syrian
// border", "the Syria-Iraq border").
func (x *extraction) borderAfter(h *hit) bool {
	for t := h.t1; t <= h.t1+2 && t < int32(len(x.f.toks)) && x.sameSentence(t, h.t0); t++ {
		if x.tokIn(t, borderWords) {
			return true
		}
		if x.hitAt(t, cRegion) < 0 {
			return false
		}
	}
	return false
}

// nounNear finds the site noun that a region hit qualifies: "a base in
// Anbar", "the Anbar base", "an Iraqi airbase".
func (x *extraction) nounNear(sg *segment, r *hit) (noun string, air bool, at int32) {
	best, bestD := int32(-1), int32(1<<30)
	for j := sg.h0; j < sg.h1; j++ {
		h := &x.hits[j]
		if h.dead || h.cls != cSiteNoun {
			continue
		}
		d := r.t0 - h.t1 // noun before the region
		if h.t0 >= r.t1 {
			d = (h.t0 - r.t1) * 2 // after: "Anbar base"
		}
		if d < 0 {
			d = 0
		}
		if d <= 8 && d < bestD {
			best, bestD = j, d
		}
	}
	if best < 0 {
		return "", false, -1
	}
	s := x.hitText(best)
	return x.hits[best].p.str, strings.Contains(s, "air") || strings.Contains(s, "جوي"), best
}

// evAcc accumulates the candidates merged into one event.
type evAcc struct {
	site, region int32
	inferred     bool
	weak         bool
	explicitLoc  bool
	loc          int32
	ev           uint8
	sameSent     bool // site and evidence in one segment
	date         int32
	vdate        int32
	bg           string
	kind         string
	first        int32 // first candidate
	unlinked     bool  // a part names the site itself
	news         bool  // a part in the headline or the lede is news
	segs         [8]int32
	nsegs        int
}

func (a *evAcc) addSeg(s int32) {
	for i := 0; i < a.nsegs; i++ {
		if a.segs[i] == s {
			return
		}
	}
	if a.nsegs < len(a.segs) {
		a.segs[a.nsegs] = s
		a.nsegs++
	}
}

// statementOf reports whether date d, which dates an event, is only the day
// a statement was made ("the toll rose to seven, the Observatory said on
// Tuesday") about the attack that segment sg dates up to three days before
// ("killed in the attack late on Sunday"), so that the two are one attack
// on sg's date. A segment that calls its attack another one keeps apart.
func (x *extraction) statementOf(d int32, sg *segment) bool {
	if sg.ctx&(1<<cLatest) != 0 {
		return false
	}
	sd := &x.dates[sg.date]
	ad := &x.dates[d]
	gap := ad.date.Sub(sd.date)
	return gap > 0 && gap <= 3*day && x.speechDate(ad) && !x.speechDate(sd)
}

// causeOfOther reports whether candidate ci stands in a clause of cause
// ("after", "in retaliation for") that follows another site's attack in its
// segment: it is named as what led to that attack, not with its date.
func (x *extraction) causeOfOther(ci int) bool {
	c := &x.cands[ci]
	sg := &x.segs[c.seg]
	resp := x.responseAt(sg)
	if resp < 0 || x.hits[c.loc].t0 < resp {
		return false
	}
	if w := x.tokText(resp); (w == "after" || w == "بعد") && x.tokIn(resp+1, spanWords) &&
		x.tokText(resp+2) != "of" && x.tokText(resp+2) != "من" {
		return false // "وبعد ساعات سقطت صواريخ": hours later, another attack
	}
	// the segment's own candidates lie next to each other
	for k := ci - 1; k >= 0 && x.cands[k].seg == c.seg; k-- {
		if o := &x.cands[k]; o.site != c.site && !o.linked && x.hits[o.loc].t0 < resp {
			return true
		}
	}
	return false
}

// deniedSites returns the sites whose attack the headline denies.
func (x *extraction) deniedSites() []int32 {
	var sites []int32
	for k := range x.cands {
		c := &x.cands[k]
		if sg := &x.segs[c.seg]; c.site >= 0 && sg.cancel == cancelDenied && x.isTitleTok(sg.t0) {
			sites = append(sites, c.site)
		}
	}
	return sites
}

// events merges the candidates into events and fills their fields.
func (x *extraction) events() []Event {
	pub := civil(x.pub)
	x.ledeCands = x.ledeCands[:0]
	for k := range x.cands {
		if !x.inBody(&x.cands[k]) {
			x.ledeCands = append(x.ledeCands, int32(k))
		}
	}
	denied := x.deniedSites()
	for ci := range x.cands {
		c := &x.cands[ci]
		sg := &x.segs[c.seg]
		// why the mention is background
		switch {
		case sg.strike && sg.response >= 0 && x.hits[c.loc].t0 > sg.response && x.hits[c.loc].t0 < sg.causeEnd:
			c.bg = "mentioned as the cause of a US strike"
		case sg.strike || x.item.strike:
			c.bg = "mentioned in a report of a US strike"
		case !c.linked && x.causeOfOther(ci):
			// "rockets hit Green Village on Friday, hours after US jets
			// struck in retaliation for a drone attack at Rumalyn"
			c.bg = "mentioned as the cause of the attack before it"
		case !c.linked && x.vagueGoverns(c, sg):
			// "a court on Monday sentenced three men over the attack on
			// Ain al-Asad last month": the day is the court's
			c.bg = "dated well before publication"
		case sg.date < 0 && sg.vdate >= 0 && (x.dates[sg.vdate].old || x.dates[sg.vdate].latest.Before(pub.Add(-backgroundAge))),
			sg.date >= 0 && x.dates[sg.date].old:
			c.bg = "dated well before publication"
		case x.item.trial && (sg.date < 0 || x.dates[sg.date].relative || x.hitAt(x.dates[sg.date].t0, cWeekday) >= 0):
			// "Court jails two men over Harir drone attack", "families
			// of troops killed in attacks filed a lawsuit on Tuesday":
			// the attack came before the case, whatever day the report
			// or the weekday is
			c.bg = "court case about an earlier attack"
		case x.sentCtx[sg.sent]&(1<<cAnniversary) != 0 && sg.ctx&(1<<cLatest) == 0:
			c.bg = bgAnniversary
		case x.item.anniversary && (sg.date < 0 || x.dates[sg.date].relative):
			c.bg = bgAnniversary
		}
		if sg.ctx&(1<<cGeneric) != 0 && sg.date < 0 && sg.ctx&(1<<cLatest) == 0 || sg.roundup && !c.linked {
			c.generic = true
		}
		// a sentence that goes on about a place named before ("The attack
		// injured 100.") is what that mention is: history, or a roundup
		if c.linked && c.from >= 0 {
			f := &x.cands[c.from]
			switch {
			case f.generic:
				c.generic = true
			case sg.date >= 0 && c.ev&(eW|eV|eI|eK) == 0 && !x.dateFits(&x.segs[f.seg], sg.date) &&
				!(x.segs[f.seg].date >= 0 && x.statementOf(x.segs[f.seg].date, sg)):
				// "No group has claimed Sunday's attack" after a sentence
				// about an attack in April: not that attack
				c.generic = true
			case c.bg == "" && f.bg != "" && sg.date < 0:
				c.bg = f.bg
			}
		}
		if x.item.analysis && sg.date < 0 || x.sumsUpRoundup(c) {
			c.generic = true
		}
		// a clause whose evidence was cancelled (a drill, a denial, a
		// threat) dates nothing for the attack it names; a question
		// asserts nothing ("A drone at the airport? We pour the tea.")
		if c.ev == 0 && sg.cancel != "" || x.question(sg.sent) {
			c.generic = true
		}
		// the body of a full article, past its lede, gives the context: a
		// site it names without a date of its own is news only when the
		// lede reports an attack there too
		if c.bg == "" && !c.generic && sg.date < 0 && x.inBody(c) && !x.ledeReports(c) {
			c.bg = bgBody
		}
		// a headline that denies an attack on a site governs the sentences
		// that name the site with no toll: they repeat the claim it denies
		// ("claims that the base had been shelled on Monday", "the blasts
		// came from a quarry")
		if c.ev&eK == 0 && c.site >= 0 && slices.Contains(denied, c.site) {
			c.generic = true
		}
		// a headline about a drill governs the sentences that name its
		// site only as "the base" or through a region, unless they report
		// something that landed or hurt someone
		if x.item.exercise && (c.inferred || c.linked) && (c.ev|sg.ev)&(eI|eK) == 0 {
			c.generic = true
		}
		if c.generic {
			c.event = -1
			continue
		}
		c.event = x.mergeInto(ci)
	}
	// keep the events with enough evidence
	x.spans = nil // the spans of the last item belong to its caller now
	var out []Event
	for ei := range x.evs {
		a := &x.evs[ei]
		score := evScore(a.ev)
		ok := score >= 1
		if !ok && a.ev&(eI|eK) != 0 && a.date >= 0 && x.item.weapon && !x.pub.IsZero() {
			// "Basmaya was hit on the 17th", "on February 15 a contractor
			// was killed in Erbil": a dated entry in an item about rockets;
			// enough for a named site, or for history
			old := x.dates[a.date].date.Before(pub.Add(-backgroundAge))
			ok = a.explicitLoc && a.ev&eI != 0 || old
		}
		if !ok {
			if a.ev == 0 {
				x.reasons = append(x.reasons, "site named but no attack evidence near it")
			} else {
				x.reasons = append(x.reasons, "site named but the attack evidence is too weak")
			}
			continue
		}
		if out == nil {
			x.own()
			out = make([]Event, 0, len(x.evs)-ei+1)
		}
		out = append(out, x.fill(a, pub))
	}
	if x.item.strike || x.anyStrike() {
		x.own()
		out = append(out, x.strikeEvent(pub))
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// question reports whether sentence s ends with a question mark.
func (x *extraction) question(s int32) bool {
	last := int32(len(x.f.toks)) - 1
	if int(s)+1 < len(x.f.sentStart) {
		last = x.f.sentStart[s+1] - 1
	}
	if last < 0 {
		return false
	}
	_, e := x.f.span(x.f.toks[last].start, x.f.toks[last].end)
	rest := strings.TrimLeft(x.f.src[e:], " \"'\u201d\u2019)")
	return strings.HasPrefix(rest, "?") || strings.HasPrefix(rest, "\u061f")
}

// inBody reports whether candidate c lies in the body of an article: its
// segment does (a linked candidate's site may be named in the lede).
func (x *extraction) inBody(c *cand) bool {
	return int(x.f.off[x.f.toks[x.segs[c.seg].t0].start]) >= x.bodyStart
}

// ledeReports reports whether the headline or the lede reports, as news,
// an attack at the site of c, or in its region when c names only a region.
func (x *extraction) ledeReports(c *cand) bool {
	pub := civil(x.pub)
	for _, k := range x.ledeCands {
		d := &x.cands[k]
		if d.bg != "" || d.generic || d.ev == 0 {
			continue // history, or a site named with no word of an attack
		}
		if sg := &x.segs[d.seg]; sg.date >= 0 && x.dates[sg.date].date.Before(pub.Add(-backgroundAge)) {
			continue // the lede dates it weeks ago: history too
		}
		switch {
		case c.site >= 0:
			if d.site == c.site {
				return true
			}
		case c.region >= 0:
			if d.region == c.region || d.site >= 0 && x.m.inRegion[c.region][d.site] {
				return true
			}
		}
	}
	return false
}

// sumsUpRoundup reports whether c is a site of a headline that names,
// without a date, two or more sites which a roundup in the story lists and
// no other sentence of it reports: the headline sums the roundup up ("From
// Harir to al-Tanf, a month of attacks"), it reports none of them.
func (x *extraction) sumsUpRoundup(c *cand) bool {
	if c.site < 0 || x.segs[c.seg].date >= 0 || !x.isTitleTok(x.hits[c.loc].t0) {
		return false
	}
	first, two := int32(-1), false
	for k := range x.cands {
		d := &x.cands[k]
		if d.site < 0 || !x.isTitleTok(x.hits[d.loc].t0) {
			continue
		}
		if x.segs[d.seg].date >= 0 || !x.listedByRoundup(d.site) {
			return false
		}
		switch {
		case first < 0:
			first = d.site
		case d.site != first:
			two = true
		}
	}
	return two
}

// listedByRoundup reports whether a roundup outside the headline names the
// site and no other sentence outside it does.
func (x *extraction) listedByRoundup(site int32) bool {
	listed := false
	for k := range x.cands {
		d := &x.cands[k]
		if d.site != site || x.isTitleTok(x.hits[d.loc].t0) {
			continue
		}
		if !x.segs[d.seg].roundup {
			return false
		}
		listed = true
	}
	return listed
}

func (x *extraction) anyStrike() bool {
	for i := range x.segs {
		if x.segs[i].strike {
			return true
		}
	}
	return false
}

// mergeInto adds candidate ci to a matching event or starts a new one.
func (x *extraction) mergeInto(ci int) int32 {
	c := &x.cands[ci]
	sg := &x.segs[c.seg]
	best := int32(-1)
	for ei := len(x.evs) - 1; ei >= 0; ei-- {
		a := &x.evs[ei]
		if !x.samePlace(a, c) {
			continue
		}
		if a.date >= 0 && sg.date >= 0 && !x.dates[a.date].date.Equal(x.dates[sg.date].date) && !x.statementOf(a.date, sg) {
			continue
		}
		// "rockets hit X a day after drones were downed": the clause counted
		// back is another attack than the undated one before it
		if a.date < 0 && sg.date >= 0 && x.dates[sg.date].after && x.clauseBefore(a, c.seg) {
			continue
		}
		// a mention that names its site and gives no date is not the old
		// attack of another sentence ("Rockets hit Taji. The base was also
		// hit on March 11, 2020.")
		// unless both speak of people killed or hurt and the date is of the
		// last week: a headline's toll over the story of that attack
		// (two mentions that are both history may be one attack)
		bothHistory := a.bg != "" && c.bg != ""
		if !bothHistory && (a.date < 0 && x.oldDate(sg.date) && a.unlinked && !x.sameToll(a.ev, c.ev, sg.date) && !x.ledeDates(a, c) ||
			sg.date < 0 && x.oldDate(a.date) && !c.linked && !x.sameToll(a.ev, c.ev, a.date)) {
			continue
		}
		if (a.bg == "") != (c.bg == "") && (a.date >= 0 || a.vdate >= 0) && (sg.date >= 0 || sg.vdate >= 0) {
			continue // news and history each dated: two attacks, even when one date is only "in January 2020"
		}
		best = int32(ei)
		break
	}
	if best < 0 {
		x.evs = append(x.evs, evAcc{site: c.site, region: c.region, inferred: c.inferred, weak: c.weak,
			explicitLoc: !c.inferred, loc: c.loc, date: -1, vdate: -1, first: int32(ci), kind: "attack"})
		best = int32(len(x.evs) - 1)
	}
	a := &x.evs[best]
	// an explicit site beats an inferred one, a site beats a region, a
	// small region a large one
	if !c.inferred && a.inferred || c.site >= 0 && a.site < 0 ||
		c.site < 0 && a.site < 0 && c.region != a.region && x.m.nested(c.region, a.region) {
		a.site, a.region, a.inferred, a.loc, a.weak = c.site, c.region, c.inferred, c.loc, c.weak
		a.explicitLoc = !c.inferred
	}
	// "the Green Zone" names a district that holds several sites: a compound
	// named in it ("Union III") is the more precise place of the attack
	if c.site >= 0 && a.site >= 0 && c.site != a.site && !c.inferred && a.loc >= 0 && c.loc >= 0 &&
		x.areaAlias(&x.hits[a.loc]) && !x.areaAlias(&x.hits[c.loc]) {
		a.site, a.region, a.inferred, a.loc, a.weak = c.site, c.region, c.inferred, c.loc, c.weak
		a.explicitLoc = true
	}
	if a.weak && !c.weak && c.site == a.site {
		a.weak = false
	}
	a.ev |= c.ev
	if !c.linked {
		a.unlinked = true
	}
	if c.ev != 0 && !c.linked {
		a.sameSent = true
	}
	if a.date < 0 && sg.date >= 0 || a.date >= 0 && sg.date >= 0 && x.statementOf(a.date, sg) {
		a.date = sg.date
	}
	if a.vdate < 0 && sg.vdate >= 0 {
		a.vdate = sg.vdate
	}
	// a mention that the body makes without a date does not turn the
	// attack the lede reports into history, nor does it stay history when
	// the lede's report of the attack joins it
	switch lede := !x.inBody(c); {
	case c.bg == "" && lede && c.ev != 0:
		a.news = true
		if a.bg == bgBody {
			a.bg = ""
		}
	case c.bg != "" && a.bg == "" && !(c.bg == bgBody && a.news):
		a.bg = c.bg
	}
	// an attack timed to an anniversary ("on the anniversary of ...") is
	// news when the text dates it to the last days; "today marks the
	// anniversary" dates the anniversary, unless something landed today
	if a.bg == bgAnniversary && a.date >= 0 && !x.dates[a.date].relative &&
		!x.dates[a.date].date.Before(civil(x.pub).Add(-backgroundAge)) &&
		!(x.dates[a.date].today && a.ev&eI == 0) {
		a.bg = ""
	}
	a.addSeg(c.seg)
	return best
}

// clauseBefore reports whether event a holds a segment of the sentence of
// segment si that comes before it.
func (x *extraction) clauseBefore(a *evAcc, si int32) bool {
	for i := 0; i < a.nsegs; i++ {
		if s := a.segs[i]; s < si && x.segs[s].sent == x.segs[si].sent {
			return true
		}
	}
	return false
}

// ledeDates reports whether event a is an undated headline that the lede,
// the first sentence after the title, dates through candidate c:
// "Toll of the Ain al-Asad attack rises to seven" over "... the attack on the
// base on August 5". A headline that reports an impact itself ("Rockets hit
// Taji") stays an event of its own.
func (x *extraction) ledeDates(a *evAcc, c *cand) bool {
	if a.ev&eI != 0 || a.nsegs == 0 || c.site < 0 || c.site != a.site {
		return false // and only for the same site, not a related one
	}
	for i := 0; i < a.nsegs; i++ {
		if !x.isTitleTok(x.segs[a.segs[i]].t0) {
			return false
		}
	}
	sg := &x.segs[c.seg]
	return sg.sent > 0 && !x.isTitleTok(sg.t0) && x.isTitleTok(x.f.sentStart[sg.sent-1])
}

// oldDate reports whether date d is well before publication.
// sameToll reports whether two mentions both count casualties and the date
// of the dated one is within a week of publication.
func (x *extraction) sameToll(a, b uint8, d int32) bool {
	return a&eK != 0 && b&eK != 0 && d >= 0 && !x.dates[d].date.Before(civil(x.pub).Add(-followUpAge))
}

func (x *extraction) oldDate(d int32) bool {
	return d >= 0 && !x.pub.IsZero() && x.dates[d].date.Before(civil(x.pub).Add(-backgroundAge))
}

// samePlace reports whether candidate c can be the place of event a.
func (x *extraction) samePlace(a *evAcc, c *cand) bool {
	m := x.m
	switch {
	case a.site >= 0 && c.site >= 0:
		return m.related[a.site][c.site]
	case a.site >= 0 && c.region >= 0:
		return m.inRegion[c.region][a.site]
	case c.site >= 0 && a.region >= 0:
		return m.inRegion[a.region][c.site]
	case a.region >= 0 && c.region >= 0:
		return m.nested(a.region, c.region) || m.nested(c.region, a.region)
	}
	return false
}
