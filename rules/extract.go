package rules

import (
	"sort"
	"strings"
	"time"
	"unsafe"
)

// Result is what the rules found in one item.
type Result struct {
	Events []Event
	// Reason says in one line why there is no event (or, when every event is
	// background, why): "no site named", "site named but no attack evidence
	// near it", "US strike on militias", "future tense: threat", "foiled
	// before launch"...
	Reason string
	// Text is the item's text that span offsets refer to: the non-empty
	// title, summary and content joined by "\n". It is empty when there
	// is no event, so that an item without one costs no allocation.
	Text string
}

// hit is one pattern found in the folded text, with one meaning.
type hit struct {
	start, end int32 // folded bytes
	t0, t1     int32 // tokens [t0, t1)
	p          *payload
	cls, fam   class // p.cls and its family, kept here for the loops over hits
	dead       bool
}

// evidence bits
const (
	eW uint8 = 1 << iota // weapon
	eV                   // weak weapon word (explosives, gunfire)
	eA                   // verb or noun of attack
	eI                   // verb of impact (hit, struck, landed)
	eX                   // interception, sirens
	eK                   // killed or wounded
)

func evScore(ev uint8) float64 {
	s := 0.0
	if ev&eW != 0 {
		s += 1
	} else if ev&eV != 0 {
		s += 0.6
	}
	if ev&eA != 0 {
		s += 1
	}
	if ev&eI != 0 {
		s += 0.6
	}
	if ev&eX != 0 {
		s += 0.6
	}
	if ev&eK != 0 {
		s += 0.3
	}
	return s
}

// segment is a sentence, or the part of one that a date governs.
type segment struct {
	sent     int32
	t0, t1   int32
	h0, h1   int32 // hits with t0 in [t0, t1)
	date     int32 // exact date, or -1
	vdate    int32 // vague date, or -1
	ctx      uint64
	ev       uint8
	cancel   string
	strike   bool
	response int32 // token where a response clause starts ("in response to"), or -1
	causeEnd int32 // for a strike, where that clause ends: its first break when it comes first, else t1
	roundup  bool  // names three or more sites: a roundup, not a report
	ncand    int32
}

// cand is one place an attack may be reported on, in one segment.
type cand struct {
	seg      int32
	site     int32 // site index, or -1
	region   int32 // region index, or -1
	loc      int32 // hit naming the site, region or noun
	inferred bool
	weak     bool
	linked   bool // evidence or site came from a neighbouring sentence
	ev       uint8
	bg       string // why this mention is background, "" when news
	generic  bool
	event    int32
	from     int32 // for a linked candidate, the one it was copied from; -1 otherwise
}

// extraction is the working state of one Extract call; it is pooled.
type extraction struct {
	m          *Matcher
	pub        time.Time
	text       string
	owned      bool   // text is not scratch space
	join       []byte // scratch space for joining the parts of an item
	titleEnd   int
	bodyStart  int // where the body of an article starts, past its lede; len(text) when there is none
	f          folder
	raw        []rawMatch
	ids        []int32
	hits       []hit
	hitFrom    []int32 // per token t, and one past the last: the first hit whose first token is t or after
	dates      []dateExpr
	segs       []segment
	cands      []cand
	ledeCands  []int32 // the candidates of the headline and the lede
	sentCtx    []uint64
	evs        []evAcc
	spans      []Span // backing array of the events' evidence; owned by the result once returned
	reasons    []string
	item       itemFlags
	usStrikeAt int32
}

type scratch struct{ extraction }

// itemFlags are what the whole item says, mostly its headline.
type itemFlags struct {
	strike, analysis, anniversary, weapon, coalition bool
	trial                                            bool // a court case in the headline
	exercise, visit, accident                        bool // the headline is about a drill, a visit, an accident
	stormOnly                                        bool // the only weapon of the item is a storming
}

func unsafeString(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	return unsafe.String(&b[0], len(b))
}

// Extract reads one item and returns every attack it reports.
func (m *Matcher) Extract(in Input) Result {
	sc := m.pool.Get().(*scratch)
	defer m.pool.Put(sc)
	x := &sc.extraction
	// the parts are joined in scratch space; the result gets its own copy
	// only when it has events whose spans point into it
	text, shared := in.Title, true
	switch {
	case in.Title != "" && in.Summary == "" && in.Content == "":
	case in.Title == "" && in.Content == "":
		text = in.Summary
	case in.Title == "" && in.Summary == "":
		text = in.Content
	default:
		x.join = appendJoined(x.join[:0], in.Title, in.Summary, in.Content)
		text, shared = unsafeString(x.join), false
	}
	x.reset(m, text, in)
	x.owned = shared
	x.f.fold(text)
	x.bodyStart = x.findBody(in)
	x.raw, x.ids = m.ac.scan(&x.f, x.raw[:0], x.ids)
	x.collectHits()
	x.findDates()
	x.segment()
	x.candidates()
	var res Result
	res.Events = x.events()
	res.Reason = x.reason(res.Events)
	if len(res.Events) > 0 {
		res.Text = x.text
	}
	return res
}

// own gives the extraction its own copy of a text joined in scratch space,
// before spans that outlive the call are cut from it.
func (x *extraction) own() {
	if !x.owned {
		x.text = strings.Clone(x.text)
		x.owned = true
	}
}

// appendJoined appends the non-empty parts to b, joined by "\n".
func appendJoined(b []byte, parts ...string) []byte {
	n := len(b)
	for _, p := range parts {
		if p == "" {
			continue
		}
		if len(b) > n {
			b = append(b, '\n')
		}
		b = append(b, p...)
	}
	return b
}

func (x *extraction) reset(m *Matcher, text string, in Input) {
	x.m = m
	x.pub = in.Published // zero: dates relative to publication stay unknown
	x.text = text
	x.titleEnd = len(in.Title)
	x.hits = x.hits[:0]
	x.dates = x.dates[:0]
	x.segs = x.segs[:0]
	x.cands = x.cands[:0]
	x.sentCtx = x.sentCtx[:0]
	x.evs = x.evs[:0]
	x.reasons = x.reasons[:0]
	x.item = itemFlags{}
}

// findBody returns where, in the folded text of in, the body of a full
// article starts: its content past the lede. The lede is the summary when
// the item has one; else the content's first paragraph, or its first two
// sentences when the feed flattened its paragraphs. An item without content
// has no body: len(x.text).
func (x *extraction) findBody(in Input) int {
	if in.Content == "" {
		return len(x.text)
	}
	cs := len(x.text) - len(in.Content)
	if in.Summary != "" {
		return cs
	}
	lead := len(in.Content) - len(strings.TrimLeft(in.Content, " \n"))
	if i := strings.IndexByte(in.Content[lead:], '\n'); i >= 0 {
		return cs + lead + i
	}
	for k, t := range x.f.sentStart {
		if int(t) < len(x.f.toks) && int(x.f.off[x.f.toks[t].start]) >= cs {
			if k+2 < len(x.f.sentStart) {
				return int(x.f.off[x.f.toks[x.f.sentStart[k+2]].start])
			}
			break
		}
	}
	return len(x.text)
}

// collectHits turns raw matches into hits: boundaries and case checked,
// blocked phrases applied, and the shorter of two overlapping hits of one
// family dropped.
func (x *extraction) collectHits() {
	out := x.f.out
	m := x.m
	// the automaton reports matches by their end; order them by start,
	// longer first (insertion sort: they are nearly in order already)
	rs, ac := x.raw, m.ac
	for i := 1; i < len(rs); i++ {
		r := rs[i]
		rStart, _ := ac.from(r)
		j := i
		for ; j > 0; j-- {
			q := rs[j-1]
			if qStart, _ := ac.from(q); qStart < rStart || qStart == rStart && q.end >= r.end {
				break
			}
			rs[j] = q
		}
		rs[j] = r
	}
	for _, r := range rs {
		start, t0 := ac.from(r)
		endOK := int(r.end) == len(out) || out[r.end] < '0'
		for k := m.payStart[r.pat]; k < m.payStart[r.pat+1]; k++ {
			flags := m.payFlags[k]
			if !endOK && flags&fStem == 0 {
				continue
			}
			if flags&fCase != 0 {
				s, e := x.f.span(start, r.end)
				if x.text[s:e] != m.pay[k].orig {
					continue
				}
			}
			if flags&fArt != 0 && !x.arabicArticleBefore(start, r.end) {
				continue
			}
			c := m.payCls[k]
			x.hits = append(x.hits, hit{start: start, end: r.end, t0: t0, t1: r.t1, p: &m.pay[k], cls: c, fam: c.family()})
		}
	}
	// hitFrom[t]: the first hit whose first token is t or after
	n := len(x.f.toks)
	if cap(x.hitFrom) < n+1 {
		x.hitFrom = make([]int32, n+1, n+1+n/4)
	}
	x.hitFrom = x.hitFrom[:n+1]
	for t, h := 0, 0; t <= n; t++ {
		for h < len(x.hits) && int(x.hits[h].t0) < t {
			h++
		}
		x.hitFrom[t] = int32(h)
	}
	// blocked phrases cancel the words inside them
	for i := range x.hits {
		b := &x.hits[i]
		if b.cls != cBlock {
			continue
		}
		for j := i + 1; j < len(x.hits); j++ {
			h := &x.hits[j]
			if h.start >= b.end {
				break
			}
			if h.start < b.start || h.end > b.end || h.cls == cBlock {
				continue
			}
			switch h.fam {
			case cSite, cWeapon, cAttack, cKilled:
				h.dead = true
			}
		}
	}
	// overlapping hits of one family: keep the longer
	for i := range x.hits {
		a := &x.hits[i]
		if a.dead {
			continue
		}
		fa := a.fam
		for j := i + 1; j < len(x.hits); j++ {
			b := &x.hits[j]
			if b.start >= a.end {
				break
			}
			if b.dead || b.fam != fa {
				continue
			}
			if b.start == a.start && b.end == a.end {
				continue // one phrase, two meanings
			}
			if b.end <= a.end || fa == cSite {
				b.dead = true // inside a, or an entity overlapping a longer one
			}
		}
	}
	// a noun or a target word inside a site name is part of the name
	for i := range x.hits {
		a := &x.hits[i]
		if a.dead || a.cls != cSite {
			continue
		}
		for j := i + 1; j < len(x.hits); j++ {
			b := &x.hits[j]
			if b.start >= a.end {
				break
			}
			if b.end <= a.start || b.dead {
				continue
			}
			if (b.cls == cSiteNoun || b.cls == cTarget || b.cls == cNum) && b.start >= a.start && b.end <= a.end {
				b.dead = true
			}
		}
	}
	x.killDatelines()
	// "prices rocket": a verb after words of prices, not a weapon
	for i := range x.hits {
		if h := &x.hits[i]; !h.dead && h.cls == cWeapon && h.t1-h.t0 == 1 && x.rocketVerb(h.t0) {
			h.dead = true
		}
	}
	var stormings, others int
	for i := range x.hits {
		h := &x.hits[i]
		if h.dead {
			continue
		}
		switch h.cls {
		case cWeapon:
			if h.p.flags&fWeak == 0 {
				x.item.weapon = true
			}
			if h.p.str == "storming" {
				stormings++
			} else {
				others++
			}
		case cTarget, cUSWord:
			x.item.coalition = true
		case cSite, cRegion, cGroup:
			if h.cls == cSite {
				x.item.coalition = true
			}
			for t := h.t0; t < h.t1; t++ {
				x.f.toks[t].ent = true
			}
		}
	}
	x.item.stormOnly = stormings > 0 && others == 0
}

// rocketVerb reports whether the token t, "rocket" or "rockets", is the
// verb of a price: a word of prices stands before it in its clause, and no
// article or number does right before it.
func (x *extraction) rocketVerb(t int32) bool {
	if w := x.tokText(t); w != "rocket" && w != "rockets" {
		return false
	}
	if t == 0 || x.tokIn(t-1, articleWords) || x.tokNum(t-1) >= 0 || x.tokIn(t-1, countFillers) {
		return false
	}
	for k := t - 1; k >= 0 && k >= t-6 && x.sameSentence(k, t); k-- {
		if x.hitAt(k, cEconomy) >= 0 {
			return true
		}
		if x.sepBefore(k+1) == ',' || x.tokIn(k, clauseWords) {
			return false
		}
	}
	return false
}

// arabicArticleBefore reports whether the last folded word of the hit
// [start, end) was written with the article (الأحد, بالأحد, للأحد).
func (x *extraction) arabicArticleBefore(start, end int32) bool {
	for i := end - 1; i > start; i-- {
		if x.f.out[i] == ' ' {
			start = i + 1
			break
		}
	}
	o := int(x.f.off[start])
	if o < 4 {
		return false
	}
	p := x.text[o-4 : o]
	return p == arAlef+arLam || p == arLam+arLam
}

// firstHit returns the index of the first hit whose first token is >= t.
func (x *extraction) firstHit(t int32) int {
	switch {
	case t <= 0:
		return 0
	case int(t) >= len(x.hitFrom):
		return len(x.hits)
	}
	return int(x.hitFrom[t])
}

// hitAt returns the live hit of class c that starts at token t, or -1.
func (x *extraction) hitAt(t int32, c class) int32 {
	if t < 0 {
		return -1
	}
	for j := x.firstHit(t); j < len(x.hits) && x.hits[j].t0 == t; j++ {
		if !x.hits[j].dead && x.hits[j].cls == c {
			return int32(j)
		}
	}
	return -1
}

func (x *extraction) hitText(h int32) string {
	return unsafeString(x.f.out[x.hits[h].start:x.hits[h].end])
}

// attackBefore reports whether tokens [t0, t1) name a weapon: a clause
// that reports an attack of its own ("five rockets land on X").
func (x *extraction) attackBefore(t0, t1 int32) bool {
	for j := x.firstHit(t0); j < len(x.hits) && x.hits[j].t0 < t1; j++ {
		if h := &x.hits[j]; !h.dead && h.cls == cWeapon {
			return true
		}
	}
	return false
}

func (x *extraction) isTitleTok(t int32) bool {
	return int(x.f.off[x.f.toks[t].start]) < x.titleEnd
}

// segment splits sentences at their dates and reads what each part says.
func (x *extraction) segment() {
	nsent := len(x.f.sentStart)
	ntok := int32(len(x.f.toks))
	di := 0
	for s := 0; s < nsent; s++ {
		t0 := x.f.sentStart[s]
		t1 := ntok
		if s+1 < nsent {
			t1 = x.f.sentStart[s+1]
		}
		// exact dates in this sentence anchor segments
		first := len(x.segs)
		start := t0
		var anchors [16]int32
		na := 0
		for di < len(x.dates) && x.dates[di].t0 < t1 {
			// a date counted back from another ("on Thursday, months after
			// rockets struck") starts a clause of its own: what follows it
			// happened then, not on the date before it
			if dd := &x.dates[di]; dd.t0 >= t0 && (!dd.vague || dd.relative && dd.old && na > 0) && na < len(anchors) &&
				!(x.speechDate(dd) && x.otherDateIn(di, t0, t1)) {
				anchors[na] = int32(di)
				na++
			}
			di++
		}
		if na > 0 {
			// "rockets hit X a day after drones were downed": the clause
			// before "N days after" is the news, dated by the rest of the
			// text; only what follows "after" is counted back
			if dd := &x.dates[anchors[0]]; dd.after && x.attackBefore(start, dd.t0) {
				x.segs = append(x.segs, segment{sent: int32(s), t0: start, t1: dd.t0, date: -1, vdate: -1, response: -1})
				start = dd.t0
			}
		}
		for k := 0; k < na; k++ {
			end := t1
			if k+1 < na {
				d0, d1 := &x.dates[anchors[k]], &x.dates[anchors[k+1]]
				end = x.clauseBreak(d0.t1, d1.t0)
				if end == d1.t0 && d0.t0 > t0+2 && (x.sepBefore(d1.t0) != ',' || !x.siteIn(d1.t0, t1)) {
					// no break between them, and the first date does not
					// open the sentence: it dates what comes before it, the
					// second what lies between them ("mourners gathered on
					// Friday for a soldier killed when rockets hit K-1 on
					// Wednesday"); so does a comma before a second date
					// whose clause names no site of its own ("on Thursday
					// over the embassy, three days after rockets landed
					// inside the compound"), but one that names its own
					// leaves the site before it to the first ("landed on
					// Friday at Baghdad airport, two days after rockets
					// fell on Taji")
					end = d0.t1
				}
			}
			if k == na-1 {
				// a date that does not open the sentence, and a date of
				// history after it: "lined the streets on Tuesday for the
				// funeral of a soldier wounded in last month's strike"
				if d0 := &x.dates[anchors[k]]; d0.t0 > t0+2 {
					if v := x.oldDateAfter(d0.t1, t1); v >= 0 {
						// the exact date's clause ends at the first break:
						// coordinated verbs after it share the old date
						end = x.firstClauseBreak(d0.t1, v)
						if end == v {
							end = d0.t1
						}
					}
				}
			}
			x.segs = append(x.segs, segment{sent: int32(s), t0: start, t1: end, date: anchors[k], vdate: -1, response: -1})
			start = end
		}
		if na > 0 && start < t1 {
			x.segs = append(x.segs, segment{sent: int32(s), t0: start, t1: t1, date: -1, vdate: -1, response: -1})
		}
		if na == 0 {
			x.segs = append(x.segs, segment{sent: int32(s), t0: t0, t1: t1, date: -1, vdate: -1, response: -1})
		}
		var sctx uint64
		for i := first; i < len(x.segs); i++ {
			sg := &x.segs[i]
			sg.h0 = int32(x.firstHit(sg.t0))
			sg.h1 = int32(x.firstHit(sg.t1))
			for j := sg.h0; j < sg.h1; j++ {
				h := &x.hits[j]
				if h.dead {
					continue
				}
				sg.ctx |= 1 << h.cls
				if h.cls == cResponse && sg.response < 0 {
					sg.response = h.t0
				}
			}
			// a vague date: one the text names ("in January") before one
			// counted back ("weeks after")
			for d := x.firstDate(sg.t0); d < len(x.dates) && x.dates[d].t0 < sg.t1; d++ {
				if dd := &x.dates[d]; dd.vague {
					if sg.vdate < 0 || x.dates[sg.vdate].relative && !dd.relative {
						sg.vdate = int32(d)
					}
				}
			}
			sctx |= sg.ctx
		}
		x.sentCtx = append(x.sentCtx, sctx)
		if t0 < ntok && x.isTitleTok(t0) {
			if sctx&(1<<cAnalysis) != 0 {
				x.item.analysis = true
			}
			if sctx&(1<<cExercise) != 0 {
				x.item.exercise = true
			}
			if sctx&(1<<cAccident) != 0 {
				x.item.accident = true
			}
			if sctx&(1<<cVisit) != 0 {
				x.item.visit = true
			}
			if sctx&(1<<cAnniversary) != 0 && sctx&(1<<cLatest) == 0 {
				x.item.anniversary = true
			}
			if sctx&(1<<cTrial) != 0 && sctx&(1<<cLatest) == 0 {
				x.item.trial = true
			}

		}
	}
	for i := range x.segs {
		sg := &x.segs[i]
		x.readEvidence(sg)
		if sg.strike && sg.t0 < ntok && x.isTitleTok(sg.t0) {
			x.item.strike = true
		}
	}
}

// usStrikeNoun reports whether the segment speaks of "a US (drone) strike"
// and records where in x.usStrikeAt.
func (x *extraction) usStrikeNoun(sg *segment) bool {
	for j := sg.h0; j < sg.h1; j++ {
		if h := &x.hits[j]; h.dead || h.cls != cStrikeNoun {
			continue
		}
		t := x.hits[j].t0
		for k := t - 1; k >= sg.t0 && k >= t-3; k-- {
			if x.hitAt(k, cUSWord) >= 0 {
				if x.describesHost(k) {
					break // "airfield used by coalition aircraft"
				}
				x.usStrikeAt = k
				return true
			}
			if !x.tokIn(k, strikeFillers) {
				break
			}
		}
		// "strikes on Kataib Hezbollah positions", but not "weighs more
		// strikes on militias" or "will strike militias"
		if prev := x.tokText(t - 1); prev != "more" && prev != "further" && !x.irrealis(t) && x.strikeOnMilitia(x.hits[j].t1, sg.t1) {
			x.usStrikeAt = t
			return true
		}
	}
	return false
}

// strikeOnMilitia reports whether the words from token t on, before t1,
// say that a strike fell on a militia: "strikes on Kataib Hezbollah
// positions", "raids against Iran-backed militias". Militias attack sites;
// what strikes them is the US or its partners.
func (x *extraction) strikeOnMilitia(t, t1 int32) bool {
	if w := x.tokText(t); w != "on" && w != "against" && w != "targeting" && w != "علي" || !x.sameClauseTokens(t-1, t) {
		return false
	}
	militia := false
	for k := x.firstHit(t + 1); k < len(x.hits) && x.hits[k].t0 <= t+3 && x.hits[k].t0 < t1; k++ {
		h := &x.hits[k]
		switch {
		case h.dead || !x.sameClauseTokens(t, h.t0):
		case h.cls == cSite || h.cls == cRegion || h.cls == cUSWord:
			return false // "strikes on US positions", "ضربات على مواقع أمريكية": on the US
		case h.cls == cGroup || h.cls == cMilitia:
			militia = true
		}
	}
	return militia
}

// responseAt returns the token where a clause of cause starts in the
// segment ("in response to", "after", "following"), or -1.
func (x *extraction) responseAt(sg *segment) int32 {
	for j := sg.h0; j < sg.h1; j++ {
		if h := &x.hits[j]; !h.dead && (h.cls == cCause || h.cls == cResponse) {
			return h.t0
		}
	}
	return -1
}

// firstClauseBreak returns where the clause after token a ends: the first
// comma or clause word between a and b, else b.
func (x *extraction) firstClauseBreak(a, b int32) int32 {
	for t := max(a, 1); t < b; t++ {
		if x.tokIn(t, clauseWords) || x.sepBefore(t) == ',' {
			return t
		}
	}
	return b
}

// siteIn reports whether a site is named in tokens [a, b).
func (x *extraction) siteIn(a, b int32) bool {
	for j := x.firstHit(a); j < len(x.hits) && x.hits[j].t0 < b; j++ {
		if h := &x.hits[j]; !h.dead && h.cls == cSite {
			return true
		}
	}
	return false
}

// clauseBreak returns where the clause before token b starts: the last
// comma or clause word ("and") between a and b, else b.
func (x *extraction) clauseBreak(a, b int32) int32 {
	for t := b - 1; t >= a && t > 0; t-- {
		if x.tokIn(t, clauseWords) || x.sepBefore(t) == ',' {
			return t
		}
	}
	return b
}

// irrealis reports whether the verb at token t is governed by a modal or
// "to": "will strike", "threatened to attack", "could be targeted".
func (x *extraction) irrealis(t int32) bool {
	for k := int32(1); k <= 5 && t-k >= 0 && x.sameSentence(t-k, t); k++ {
		if x.tokIn(t-k, modalWords) || x.hitAt(t-k, cThreat) >= 0 {
			return true // "will strike", "threatened to attack", "يهدد باستهداف"
		}
		if !x.tokIn(t-k, modalFillers) {
			return false
		}
	}
	return false
}

func (x *extraction) hasFutureModal(sg *segment) bool {
	return sg.ctx&(1<<cFuture) != 0
}

// cancelDenied is why a segment whose attack is denied reports none.
const cancelDenied = "the attack is denied"

// attackDenied reports whether a denial governs the segment's evidence:
// "the ministry denied that rockets hit the base", "نفى تعرض القاعدة لهجوم";
// not a denial of a role in it ("denied any role in the attack") or of
// casualties ("denied reports of casualties in the attack").
func (x *extraction) attackDenied(sg *segment) bool {
	if sg.ctx&(1<<cDeny) == 0 {
		return false
	}
	for j := sg.h0; j < sg.h1; j++ {
		d := &x.hits[j]
		if d.dead || d.cls != cDeny {
			continue
		}
		if d.p.str == "post" {
			// "reports that rockets hit the base were false": the denial
			// follows what it denies, in its clause
			// unless what it denies is a toll: "reports that two guards
			// were injured in the drone attack were false"
			attack := false
			for t := d.t0 - 1; t >= sg.t0 && t >= d.t0-16 && x.sepBefore(t+1) == ' '; t-- {
				if x.hitAt(t, cKilled) >= 0 || x.hitAt(t, cWounded) >= 0 {
					return false
				}
				attack = attack || x.weaponOrAttackAt(t)
			}
			if attack {
				return true
			}
			continue
		}
		for t := d.t1; t < d.t1+16 && t < sg.t1; t++ {
			if x.tokIn(t, roleWords) || x.tokIn(t, clauseWords) || t > d.t1 && x.sepBefore(t) != ' ' {
				break // the clause of the denial ends
			}
			for k := x.firstHit(t); k < len(x.hits) && x.hits[k].t0 == t; k++ {
				switch h := &x.hits[k]; {
				case h.dead:
				case h.cls == cClaim && x.tokText(h.t1) == "that":
					// "denied claims that the base was shelled": the claim
					// is what is denied
				case h.fam == cKilled, h.cls == cNoCas, h.cls == cUnknownCas, h.cls == cClaim, h.cls == cBlame:
					return false
				case h.cls == cWeapon, h.cls == cAttack, h.cls == cImpact:
					return true
				}
			}
		}
	}
	return false
}

// foiledInFlight reports whether a foiled attack of the segment was stopped
// in the air, which makes it an attack: "air defences foiled a drone
// attack", "a drone attack on the base was thwarted" (with nothing found
// or seized on the ground).
func (x *extraction) foiledInFlight(sg *segment) bool {
	if sg.ev&eX != 0 {
		return true
	}
	if sg.ctx&(1<<cFoilObj|1<<cFoilWeak) != 0 {
		return false
	}
	for j := sg.h0; j < sg.h1; j++ {
		if h := &x.hits[j]; !h.dead && h.cls == cWeapon && h.p.str == "drone" {
			return true
		}
	}
	return false
}

// readEvidence sets the segment's attack evidence and cancels it when the
// sentence is about something else.
func (x *extraction) readEvidence(sg *segment) {
	sctx := x.sentCtx[sg.sent]
	realis := false
	impact := false
	for j := sg.h0; j < sg.h1; j++ {
		h := &x.hits[j]
		if h.dead {
			continue
		}
		switch h.cls {
		case cWeapon:
			if sctx&(1<<cSpace) != 0 && h.p.str != "drone" && h.p.str != "mortar" {
				continue
			}
			if sctx&(1<<cFootage) != 0 && h.p.str == "drone" {
				continue
			}
			if h.p.flags&fWeak != 0 {
				sg.ev |= eV
			} else {
				sg.ev |= eW
			}
		case cAttack, cImpact, cIntercept:
			if x.irrealis(h.t0) {
				continue
			}
			if h.cls == cAttack && x.tokText(h.t0-1) == "no" && x.sameSentence(h.t0-1, h.t0) {
				continue // "there had been no attack on the base"
			}
			if sctx&(1<<cSport) != 0 {
				continue
			}
			realis = true
			switch h.cls {
			case cAttack:
				sg.ev |= eA
			case cImpact:
				sg.ev |= eI
				impact = true
			default:
				sg.ev |= eX
			}
		case cKilled, cWounded:
			sg.ev |= eK
		}
	}
	ctx := sg.ctx
	switch {
	case sg.ev == 0:
	case sctx&(1<<cExercise) != 0:
		sg.ev, sg.cancel = 0, "exercise or drill"
	case sctx&(1<<cAccident) != 0 || x.item.accident:
		sg.ev, sg.cancel = 0, "accident, not an attack"
	case x.attackDenied(sg):
		sg.ev, sg.cancel = 0, cancelDenied
	case sctx&(1<<cUninvolved) != 0:
		sg.ev, sg.cancel = 0, "fighting between others: US and coalition forces not involved"
	case sctx&(1<<cForeignStrike) != 0:
		sg.ev, sg.cancel = 0, "strike by Turkey or Israel, not on US or coalition forces"
	// "rockets found near the base", "العثور على قذيفة": a weapon found with
	// no word of it being fired, landing or downed is a find, not an attack
	case (ctx&(1<<cFoil) != 0 || ctx&(1<<cFoilWeak) != 0 && (ctx&(1<<cFoilObj) != 0 || sg.ev&(eA|eI|eX) == 0)) && !impact && !x.foiledInFlight(sg):
		sg.ev, sg.cancel = 0, "foiled before launch"
	case ctx&(1<<cCessation) != 0 && x.cessationGoverns(sg):
		sg.ev, sg.cancel = 0, "a halt to attacks, not an attack"
	case !realis && (ctx&(1<<cThreat) != 0 || x.hasFutureModal(sg)):
		sg.ev, sg.cancel = 0, "future tense: threat"
	case ctx&(1<<cHandover) != 0 && !(sg.ev&(eW|eV) != 0 && sg.ev&(eA|eI|eX) != 0):
		sg.ev, sg.cancel = 0, "handover, withdrawal, agreement or truce"
	// a visit in the headline governs the sentences whose only evidence is
	// the word attack ("met soldiers at Rumalyn to discuss the rise in attacks
	// on US forces")
	case ctx&(1<<cVisit) != 0 && !(sg.ev&(eW|eV) != 0 && sg.ev&(eA|eI|eX) != 0),
		x.item.visit && sg.ev == eA:
		sg.ev, sg.cancel = 0, "visit"
	}
	if sg.ev == 0 && sg.cancel == "" {
		switch {
		case sctx&(1<<cSpace) != 0:
			sg.cancel = "space launch, not an attack"
		case sctx&(1<<cSport) != 0:
			sg.cancel = "sport"
		case sctx&(1<<cFootage) != 0:
			sg.cancel = "drone footage or photography"
		case sctx&(1<<cVisit) != 0:
			sg.cancel = "visit"
		}
	}
	if noun := x.usStrikeNoun(sg); ctx&(1<<cStrikeActor) != 0 || noun {
		// a US strike is the news unless it sits in a clause of cause
		// ("hours after US strikes killed ..."): then the attack is
		sa, resp := int32(-1), x.responseAt(sg)
		for j := sg.h0; j < sg.h1; j++ {
			// a noun that only says who uses the site is no strike:
			// "airfield used by coalition aircraft"
			if h := &x.hits[j]; !h.dead && h.cls == cStrikeActor && !x.describesHost(h.t0) && !x.flightAfter(h.t1) {
				sa = h.t0
				break
			}
		}
		if sa < 0 && noun {
			sa = x.usStrikeAt
		}
		if sa >= 0 {
			// the strike sits in the clause of cause ("hours after US
			// strikes killed ...") unless a break ends that clause before
			// it ("After the Tower 22 strike, US bombers hit ...")
			sg.causeEnd = sg.t1
			if resp >= 0 && sa > resp {
				sg.causeEnd = x.firstClauseBreak(resp+1, sa)
			}
			sg.strike = !(resp >= 0 && sa > resp && sg.causeEnd >= sa)
			sg.response = resp
		}
	}
	if sg.cancel != "" {
		x.reasons = append(x.reasons, sg.cancel)
	}
}

// cessationGoverns reports whether a word of halting governs the attack
// words of segment sg: it stands at most three tokens before one, in its
// clause, with no word of cause between ("suspend rocket strikes on US
// troops", "a halt to attacks"; not "flights halted after a drone attack").
func (x *extraction) cessationGoverns(sg *segment) bool {
	for j := sg.h0; j < sg.h1; j++ {
		c := &x.hits[j]
		if c.dead || c.cls != cCessation {
			continue
		}
		for k := j + 1; k < sg.h1 && x.hits[k].t0 <= c.t1+3; k++ {
			h := &x.hits[k]
			if h.dead {
				continue
			}
			if h.cls == cCause || x.firstClauseBreak(c.t1, h.t0+1) <= h.t0 {
				break
			}
			if h.cls == cWeapon || h.cls == cAttack {
				return true
			}
		}
	}
	return false
}

// speechDate reports whether date d dates a statement, not an event:
// "a spokesman said on Tuesday that ...", "told reporters Monday".
func (x *extraction) speechDate(d *dateExpr) bool {
	t := d.t0 - 1
	if x.tokText(t) == "on" {
		t--
	}
	if x.tokText(t) == "reporters" || x.tokText(t) == "journalists" {
		t--
	}
	// with no comma between: in "officials said, two months after" the
	// date is not the statement's
	if t >= 0 && x.sameSentence(t, d.t0) && x.tokIn(t, speechVerbs) && x.sameClauseTokens(t, d.t0) {
		return true
	}
	// Arabic puts the speaker between the verb and the day ("أفاد المرصد
	// السوري لحقوق الإنسان الثلاثاء"), unless "that" (أن، إن) comes first
	for k := d.t0 - 1; k >= 0 && k >= d.t0-7 && x.sameClauseTokens(k, d.t0); k-- {
		if x.tokText(k) == "ان" {
			return false
		}
		if x.tokIn(k, arabicSpeechVerbs) {
			return true
		}
	}
	return false
}

// sameClauseTokens reports whether no comma or sentence break stands
// between tokens a < b.
func (x *extraction) sameClauseTokens(a, b int32) bool {
	for t := a + 1; t <= b; t++ {
		if x.sepBefore(t) != ' ' {
			return false
		}
	}
	return true
}

// otherDateIn reports whether tokens [t0, t1) hold a date other than di.
func (x *extraction) otherDateIn(di int, t0, t1 int32) bool {
	for k := x.firstDate(t0); k < len(x.dates) && x.dates[k].t0 < t1; k++ {
		if k != di {
			return true
		}
	}
	return false
}

// firstDate returns the index of the first date that starts at token t or
// later; x.dates is in text order.
func (x *extraction) firstDate(t int32) int {
	return sort.Search(len(x.dates), func(i int) bool { return x.dates[i].t0 >= t })
}

// oldDateAfter returns the first token of a vague date of history
// ("last month's", "earlier this month") in tokens [t, t1), or -1.
func (x *extraction) oldDateAfter(t, t1 int32) int32 {
	for k := x.firstDate(t); k < len(x.dates) && x.dates[k].t0 < t1; k++ {
		if d := &x.dates[k]; d.vague && d.old {
			return d.t0
		}
	}
	return -1
}

// describesHost reports whether the US-strike noun at token t describes who
// uses a site rather than who struck: "airfield used by coalition aircraft",
// "the base, which hosts US and other coalition aircraft", "home to US jets".
func (x *extraction) describesHost(t int32) bool {
	for k := int32(1); k <= 4 && t-k >= 0 && x.sameSentence(t-k, t); k++ {
		switch {
		case x.tokIn(t-k, hostVerbs):
			return true
		case !x.tokIn(t-k, hostFillers):
			return false
		}
	}
	return false
}

// flightAfter reports whether the words from token t on say that aircraft
// flew, not that they struck: "took off", "flew over", "were seen".
func (x *extraction) flightAfter(t int32) bool {
	if x.tokText(t) == "were" || x.tokText(t) == "was" {
		t++ // "were seen", "were heard"
	}
	switch x.tokText(t) { // folded: "took off" is "tok of"
	case "tok", "take", "takes", "taking":
		return x.tokText(t+1) == "of"
	}
	return x.tokIn(t, flightVerbs)
}

// allCaps reports whether s has upper-case Latin letters and no lower-case
// ones: "ERBIL".
func allCaps(s string) bool {
	upper := false
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= 'a' && c <= 'z':
			return false
		case c >= 'A' && c <= 'Z':
			upper = true
		}
	}
	return upper
}

// killDatelines drops a region named only by a wire dateline ("ERBIL, Iraq
// (Wire) - A drone hit Harir air base ...") when the same sentence names a
// site: the dateline is where the story was filed, not a second target.
func (x *extraction) killDatelines() {
	src := x.f.src
	for i := range x.hits {
		h := &x.hits[i]
		if h.dead || h.cls != cRegion {
			continue
		}
		s, e := x.f.span(h.start, h.end)
		// at the start of the text or of a line/summary
		if s > 0 {
			b := strings.TrimRight(src[:s], " ")
			if b != "" && !strings.HasSuffix(b, "\n") && !strings.HasSuffix(b, ".") && !strings.HasSuffix(b, ":") && len(b) != x.titleEnd {
				continue
			}
		}
		if !allCaps(src[s:e]) {
			continue
		}
		rest := src[e:]
		if len(rest) > 40 {
			rest = rest[:40]
		}
		p := strings.Index(rest, "(")
		q := strings.Index(rest, ")")
		if p < 0 || q < p || !strings.HasPrefix(strings.TrimLeft(rest[q+1:], " "), "-") && !strings.HasPrefix(strings.TrimLeft(rest[q+1:], " "), "\u2013") {
			continue
		}
		for j := range x.hits {
			o := &x.hits[j]
			if !o.dead && o.cls == cSite && x.sameSentence(o.t0, h.t0) {
				h.dead = true
				break
			}
		}
	}
}
