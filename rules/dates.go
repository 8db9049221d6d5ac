package rules

import (
	"strings"
	"time"
)

// dateExpr is a date the text gives, resolved to a civil date (UTC midnight).
type dateExpr struct {
	t0, t1   int32 // tokens
	sent     int32
	date     time.Time
	vague    bool      // "this month", "last week", "in March 2020": no exact day
	latest   time.Time // for a vague date, the last day it can mean
	old      bool      // a vague date that is history by its words ("last week", "earlier this month")
	relative bool      // resolved against another date of the text
	today    bool      // "today", "اليوم": the day of writing, which is also the day an anniversary falls on
	after    bool      // counted back by "N days after": "rockets hit X a day after drones ..."
	since    time.Time // for "this week", the first day of the week
}

const day = 24 * time.Hour

// regionOffset is the local time of the region the sites are in (Iraq,
// Syria and Jordan keep UTC+3; Syria and Jordan kept UTC+2 in winter until 2022).
const regionOffset = 3 * time.Hour

func civil(t time.Time) time.Time {
	t = t.UTC()
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}

// tokText returns the folded text of token i.
func (x *extraction) tokText(i int32) string {
	if i < 0 || int(i) >= len(x.f.toks) {
		return ""
	}
	t := x.f.toks[i]
	return unsafeString(x.f.out[t.start:t.end])
}

// sepBefore returns the separator the folded text has before token t: ' ',
// ',' or '\n'; 0 before the first token.
func (x *extraction) sepBefore(t int32) byte {
	if t <= 0 || int(t) >= len(x.f.toks) {
		return 0
	}
	return x.f.out[x.f.toks[t].start-1]
}

// rawNum returns the number token i gives alone, or -1.
func (x *extraction) rawNum(i int32) int32 {
	if i < 0 || int(i) >= len(x.f.toks) || x.f.toks[i].ent {
		return -1
	}
	if n := x.f.toks[i].num; n >= 0 {
		return n
	}
	if h := x.hitAt(i, cNum); h >= 0 && x.hits[h].p.val > 0 {
		return x.hits[h].p.val
	}
	return -1
}

// tokNum returns the number that starts at token i (digits, a number
// word, or a compound "thirty four"), or -1.
func (x *extraction) tokNum(i int32) int32 {
	if i < 0 || int(i) >= len(x.f.toks) || x.f.toks[i].ent {
		return -1
	}
	if n := x.f.toks[i].num; n >= 0 {
		return n
	}
	if h := x.hitAt(i, cNum); h >= 0 && x.hits[h].p.val > 0 {
		v := x.hits[h].p.val
		// "thirty-four": a tens word and the unit after it
		if v >= 20 && v <= 90 && v%10 == 0 && x.sameSentence(i, i+1) {
			if u := x.hitAt(i+1, cNum); u >= 0 && x.hits[u].p.val >= 1 && x.hits[u].p.val <= 9 {
				v += x.hits[u].p.val
			}
		}
		return v
	}
	return -1
}

// numBefore returns the number that ends at token i (the unit of a
// compound "thirty four" belongs to the tens before it) and its first token.
func (x *extraction) numBefore(i int32) (int32, int32) {
	v := x.rawNum(i)
	if v <= 0 {
		return v, i
	}
	if v < 10 && i > 0 && x.sameSentence(i-1, i) {
		if t := x.rawNum(i - 1); t >= 20 && t <= 90 && t%10 == 0 && x.f.toks[i-1].num < 0 {
			return t + v, i - 1
		}
	}
	return v, i
}

// sameSentence reports whether tokens a and b are in one sentence.
func (x *extraction) sameSentence(a, b int32) bool {
	n := int32(len(x.f.toks))
	return a >= 0 && b >= 0 && a < n && b < n && x.f.toks[a].sent == x.f.toks[b].sent
}

// arOrdinal holds the Arabic ordinal day words as Normalize folds them
// (article stripped): الأول .. العاشر, and الحادي of الحادي عشر / الحادي والعشرين.
var arOrdinal = map[string]int32{
	"اول": 1, "حادي": 1, "ثاني": 2, "ثالث": 3,
	"رابع": 4, "خامس": 5, "سادس": 6, "سابع": 7,
	"ثامن": 8, "تاسع": 9, "عاشر": 10,
}

// arabicOrdinal reads the Arabic ordinal day that ends at token e: "الخامس"
// (5), "الثالث عشر" (13), "العشرين" (20), "التاسع والعشرين" (29),
// "الحادي والثلاثين" (31). It returns the day and its first token, or -1.
func (x *extraction) arabicOrdinal(e int32) (int32, int32) {
	if e < 0 {
		return -1, e
	}
	switch s := x.tokText(e); s {
	case "عشر": // عشر: 11..19
		if u, ok := arOrdinal[x.tokText(e-1)]; ok && u <= 9 && x.sameSentence(e-1, e) {
			return 10 + u, e - 1
		}
	case "عشرين", "ثلاثين": // عشرين, ثلاثين
		tens := int32(20)
		if s != "عشرين" {
			tens = 30
		}
		if u, ok := arOrdinal[x.tokText(e-1)]; ok && u <= 9 && x.sameSentence(e-1, e) && (tens == 20 || u == 1) {
			return tens + u, e - 1
		}
		return tens, e
	default:
		if v, ok := arOrdinal[s]; ok {
			return v, e
		}
	}
	return -1, e
}

func isOrdinalSuffix(s string) bool {
	return s == "th" || s == "st" || s == "nd" || s == "rd"
}

// findDates reads every date expression, in text order.
func (x *extraction) findDates() {
	x.readDates()
	x.dropDatelineDates()
	// a date is added where it is read; one that starts a token before the
	// date read just before it ("27th of December" after "December 26") is
	// moved into place, so that the dates are in text order
	ds := x.dates
	for i := 1; i < len(ds); i++ {
		for j := i; j > 0 && ds[j-1].t0 > ds[j].t0; j-- {
			ds[j-1], ds[j] = ds[j], ds[j-1]
		}
	}
}

// readDates reads every date expression in text order, resolving relative
// ones against the latest exact date before them, or the publish time.
func (x *extraction) readDates() {
	pub := civil(x.pub)
	// a weekday is the writer's, who lives at UTC+3 (Iraq, Syria, Jordan):
	// an item published at 23:50 UTC on Monday says "Tuesday" for an
	// attack two hours before
	pubLocal := civil(x.pub.Add(regionOffset))
	noPub := x.pub.IsZero()
	var ctx time.Time // latest exact date given by the text
	ctxSent := int32(-1)
	ctxYear := 0
	var ctxMonth time.Month
	n := int32(len(x.f.toks))
	add := func(d dateExpr) {
		if d.date.IsZero() {
			return
		}
		// a date after the publish day is a plan or a threat, not a report
		if !noPub && d.date.After(pub.Add(day)) {
			return
		}
		if noPub && d.relative && ctx.IsZero() {
			return // counted from a publish time we do not have
		}
		// "no group had claimed it until this morning", "حتى صباح اليوم",
		// "as of Tuesday": a deadline, not when anything happened
		if w := x.tokText(d.t0 - 1); w == "until" || w == "حتي" || w == "of" && x.tokText(d.t0-2) == "as" {
			return
		}
		d.sent = x.f.toks[d.t0].sent
		x.dates = append(x.dates, d)
		if !d.vague {
			ctx, ctxSent = d.date, d.sent
			ctxYear, ctxMonth = d.date.Year(), d.date.Month()
		}
	}
	hi := 0
	for t := int32(0); t < n; t++ {
		for hi < len(x.hits) && x.hits[hi].t0 < t {
			hi++
		}
		if x.f.toks[t].num < 0 && (hi == len(x.hits) || x.hits[hi].t0 != t) {
			continue // neither a number nor a cue word: most tokens
		}
		// a lone year sets the year of later dates: "in 2020 ... on March 11"
		if x.isYear(t) {
			ctxYear = int(x.f.toks[t].num)
			// and dates the attack it names: "the 2019 rocket attack on
			// K-1", "a base hit in 2020"
			if (len(x.dates) == 0 || x.dates[len(x.dates)-1].t1 <= t) && x.yearDatesAttack(t) {
				y := int(x.f.toks[t].num)
				add(dateExpr{t0: t, t1: t + 1, date: time.Date(y, 1, 1, 0, 0, 0, 0, time.UTC), vague: true,
					latest: time.Date(y, 12, 31, 0, 0, 0, 0, time.UTC)})
			}
		}
		var h *hit
		for j := hi; j < len(x.hits) && x.hits[j].t0 == t; j++ {
			if !x.hits[j].dead && x.hits[j].fam == cWeekday {
				h = &x.hits[j]
				break
			}
		}
		if h == nil {
			// an ordinal day alone: "on the 17th (of that month)"
			if v := x.f.toks[t].num; v >= 1 && v <= 31 && isOrdinalSuffix(x.tokText(t+1)) && x.sameSentence(t, t+1) &&
				x.hitAt(t+2, cMonth) < 0 && x.hitAt(t-1, cMonth) < 0 && x.hitAt(t-2, cMonth) < 0 {
				y, m := ctxYear, ctxMonth
				if y == 0 || m == 0 {
					y, m = pub.Year(), pub.Month()
				}
				d := time.Date(y, m, int(v), 0, 0, 0, 0, time.UTC)
				if d.Month() == m {
					add(dateExpr{t0: t, t1: t + 2, date: d, relative: true})
				}
				t++
			}
			continue
		}
		if noPub && h.cls != cMonth {
			continue // weekdays and "yesterday" need the publish time
		}
		switch h.cls {
		case cMonth:
			m := time.Month(h.p.val)
			dayN, year := int32(-1), int32(-1)
			t0, t1 := h.t0, h.t1
			// day before: "27 December", "27th of December"
			if v := x.tokNum(h.t0 - 1); v >= 1 && v <= 31 && x.f.toks[h.t0-1].num >= 0 && x.sameSentence(h.t0-1, h.t0) {
				dayN, t0 = v, h.t0-1
			} else if s := x.tokText(h.t0 - 1); (s == "of" || isOrdinalSuffix(s)) && x.sameSentence(h.t0-2, h.t0) {
				k := h.t0 - 2
				if isOrdinalSuffix(x.tokText(k)) {
					k--
				}
				if v := x.f.toks[max(k, 0)].num; k >= 0 && v >= 1 && v <= 31 {
					dayN, t0 = v, k
				}
			} else if s == "من" { // "الخامس من آب", "التاسع والعشرين من كانون الثاني"
				if v, k := x.arabicOrdinal(h.t0 - 2); v >= 1 && v <= 31 && x.sameSentence(k, h.t0) {
					dayN, t0 = v, k
				}
			}
			k := h.t1
			if dayN < 0 {
				if v := x.f.toks[min(k, n-1)].num; k < n && v >= 1 && v <= 31 && x.sameSentence(k, h.t0) {
					dayN, t1 = v, k+1
					k++
					if isOrdinalSuffix(x.tokText(k)) {
						k++
						t1 = k
					}
				}
			}
			if k < n && x.sameSentence(k, h.t0) && x.isYear(k) {
				year, t1 = x.f.toks[k].num, k+1
			}
			if dayN < 0 && year < 0 {
				// "in January", "since March", "last May": the most recent one
				lead := h.t0 - 1
				if !x.tokIn(h.t0-1, monthLeads) {
					if !x.monthBeforeAttack(h) {
						continue // "may", "march" alone: not a date
					}
					lead = h.t0
				}
				if noPub {
					continue
				}
				y := pub.Year()
				if m > pub.Month() {
					y--
				}
				d := time.Date(y, m, 1, 0, 0, 0, 0, time.UTC)
				latest := d.AddDate(0, 1, -1)
				switch x.tokText(h.t0 - 1) {
				case "since", "منذ":
					// "since December": a span that runs up to now
					latest = pub
				case "early", "مطلع", "اوايل":
					latest = d.AddDate(0, 0, 9)
				case "mid", "منتصف":
					latest = d.AddDate(0, 0, 19)
				case "late", "اواخر":
					d = d.AddDate(0, 0, 19)
				}
				add(dateExpr{t0: lead, t1: h.t1, date: d, vague: true, latest: latest})
				continue
			}
			if dayN < 0 {
				d := time.Date(int(year), m, 1, 0, 0, 0, 0, time.UTC)
				add(dateExpr{t0: t0, t1: t1, date: d, vague: true, latest: d.AddDate(0, 1, -1)})
				ctxYear, ctxMonth = int(year), m
				continue
			}
			if year > 0 {
				d := time.Date(int(year), m, int(dayN), 0, 0, 0, 0, time.UTC)
				if d.Month() == m {
					add(dateExpr{t0: t0, t1: t1, date: d})
				}
				continue
			}
			ref := ctxYear
			if ref == 0 {
				if noPub {
					continue
				}
				ref = pub.Year()
			}
			// the first occurrence on or after the date before it (narratives
			// and chronologies run forward), else the most recent one
			var forward, latest time.Time
			for y := ref - 1; y <= ref+1; y++ {
				d := time.Date(y, m, int(dayN), 0, 0, 0, 0, time.UTC)
				if d.Month() != m || !noPub && d.After(pub.Add(day)) {
					continue
				}
				if !ctx.IsZero() && !d.Before(ctx) && (forward.IsZero() || d.Before(forward)) {
					forward = d
				}
				if d.After(latest) {
					latest = d
				}
			}
			best := latest
			if !forward.IsZero() {
				best = forward
			}
			add(dateExpr{t0: t0, t1: t1, date: best, relative: true})
			t = t1 - 1
		case cWeekday:
			if s := x.tokText(h.t0 - 1); s == "next" || s == "coming" || s == "this coming" || s == "a" || s == "every" {
				continue // "on a Monday night" in February: no day of its own
			}
			// "Wednesday, March 3": the month gives the date
			if x.hitAt(h.t1, cMonth) >= 0 || x.hitAt(h.t1+1, cMonth) >= 0 {
				continue
			}
			delta := (int(pubLocal.Weekday()) - int(h.p.val) + 7) % 7
			add(dateExpr{t0: h.t0, t1: h.t1, date: pubLocal.Add(-time.Duration(delta) * day)})
		case cRelDate:
			switch h.p.str {
			case "today", "overnight":
				if x.dayAfter(h.t1) || h.p.str == "overnight" && x.tokIn(h.t1, overnightNouns) {
					// "فجر السبت", "فجر اليوم الأربعاء", "in the early hours
					// of Wednesday": the weekday, read in the region's
					// time, dates it; "overnight flights": not a date
					continue
				}
				if x.tokText(h.t0-1) == "هذا" && x.tokText(h.t0-2) == "مثل" {
					continue // "في مثل هذا اليوم من عام 2020": the same day years ago, not today
				}
				if h.p.str == "overnight" && ctxSent == x.f.toks[h.t0].sent && !ctx.IsZero() && ctx.Before(pub.Add(-day)) {
					continue // "8 December: mortars land inside the compound before dawn": that day's dawn
				}
				if h.p.str == "today" && x.tokIn(h.t1, dayAdjectives) && x.sameClauseTokens(h.t0, h.t1) {
					continue // "في اليوم الأخير من العام": the last day of the year, not today
				}
				add(dateExpr{t0: h.t0, t1: h.t1, date: pub, today: h.p.str == "today"})
			case "yesterday":
				add(dateExpr{t0: h.t0, t1: h.t1, date: pub.Add(-day)})
			case "twodaysago":
				add(dateExpr{t0: h.t0, t1: h.t1, date: pub.Add(-2 * day)})
			case "nextday":
				if !ctx.IsZero() {
					add(dateExpr{t0: h.t0, t1: h.t1, date: ctx.Add(day), relative: true})
				}
			case "daybefore":
				if !ctx.IsZero() {
					add(dateExpr{t0: h.t0, t1: h.t1, date: ctx.Add(-day), relative: true})
				}
			case "thismonth":
				add(dateExpr{t0: h.t0, t1: h.t1, date: pub, vague: true, latest: pub, old: true})
			case "thisweek":
				// the week starts on Saturday in the region
				back := (int(pubLocal.Weekday()) - int(time.Saturday) + 7) % 7
				add(dateExpr{t0: h.t0, t1: h.t1, date: pub, vague: true, latest: pub, since: pubLocal.Add(-time.Duration(back) * day)})
			case "weekend", "lastweekend":
				// the Saturday of the weekend, which the window of an
				// incident stretches to the Friday and the Sunday; said on
				// a weekend, "last weekend" is the one before
				back := (int(pubLocal.Weekday()) - int(time.Saturday) + 7) % 7
				if h.p.str == "lastweekend" && back <= 1 {
					back += 7
				}
				add(dateExpr{t0: h.t0, t1: h.t1, date: pubLocal.Add(-time.Duration(back) * day)})
			case "earlierweek":
				// "earlier this week": days before the report, which is
				// not the first of it
				add(dateExpr{t0: h.t0, t1: h.t1, date: pub.Add(-2 * day), vague: true, latest: pub.Add(-day), old: true})
			case "lastweek":
				add(dateExpr{t0: h.t0, t1: h.t1, date: pub.Add(-7 * day), vague: true, latest: pub.Add(-day), old: true})
			case "ago":
				// Arabic: قبل ثلاثة أيام
				if u := x.hitAt(h.t1+1, cUnit); u >= 0 {
					if v := x.tokNum(h.t1); v > 0 {
						uh := &x.hits[u]
						add(dateExpr{t0: h.t0, t1: uh.t1, date: shift(pub, uh.p.str, -int(v)), relative: true})
					}
				} else if u := x.hitAt(h.t1, cUnit); u >= 0 && x.isDual(u) {
					uh := &x.hits[u]
					add(dateExpr{t0: h.t0, t1: uh.t1, date: shift(pub, uh.p.str, -2), relative: true})
				}
			}
		case cUnit:
			if x.arabicUnitsAfter(h, pub, ctx, ctxSent, add) {
				continue
			}
			// "three days later", "a year after", "twelve months on", "two weeks ago"
			v := x.tokNum(h.t0 - 1)
			t0 := h.t0 - 1
			if v < 0 {
				if w := x.tokText(h.t0 - 1); x.tokIn(h.t0-1, articleWords) || w == "one" {
					v = 1
				}
			}
			if v <= 0 && strings.HasSuffix(x.tokText(h.t0), "s") && x.tokIn(h.t1, retroWords) {
				// "weeks after the attack": some time before publication
				d := shift(pub, h.p.str, -2)
				add(dateExpr{t0: h.t0, t1: h.t1 + 1, date: d, vague: true, relative: true, latest: d, old: true})
				continue
			}
			if v <= 0 || !x.sameSentence(t0, h.t0) {
				continue
			}
			rel := x.hitAt(h.t1, cRelDate)
			switch {
			case rel >= 0 && x.hits[rel].p.str == "later" && !ctx.IsZero():
				add(dateExpr{t0: t0, t1: x.hits[rel].t1, date: shift(ctx, h.p.str, int(v)), relative: true})
			case rel >= 0 && x.hits[rel].p.str == "earlier" && !ctx.IsZero():
				add(dateExpr{t0: t0, t1: x.hits[rel].t1, date: shift(ctx, h.p.str, -int(v)), relative: true})
			case rel >= 0 && x.hits[rel].p.str == "ago",
				x.tokIn(h.t1, retroWords):
				// "four days after an attack": before the date of the same
				// sentence, else before publication
				base := pub
				if !ctx.IsZero() && ctxSent == x.f.toks[h.t0].sent {
					base = ctx
				}
				d := shift(base, h.p.str, -int(v))
				add(dateExpr{t0: t0, t1: h.t1 + 1, date: d, relative: true, vague: h.p.str != "day", latest: d, old: true,
					after: rel < 0 && x.tokText(h.t1) == "after"})
			}
		}
	}
}

// dayAfter reports whether a day of its own starts at token t, or right
// after "of" or "on" there: a weekday, or a day of a month ("8 January",
// "January 8", "الثامن من كانون الثاني").
func (x *extraction) dayAfter(t int32) bool {
	if w := x.tokText(t); w == "of" || w == "on" {
		t++
	}
	if x.hitAt(t, cWeekday) >= 0 {
		return true
	}
	if n := x.tokNum(t); n >= 1 && n <= 31 && x.hitAt(t+1, cMonth) >= 0 {
		return true
	}
	if x.hitAt(t, cMonth) >= 0 {
		n := x.tokNum(t + 1)
		return n >= 1 && n <= 31
	}
	_, ordinal := arOrdinal[x.tokText(t)]
	if tens := x.tokText(t); tens == "عشرين" || tens == "ثلاثين" {
		ordinal, t = true, t-1 // "العشرين من"
	}
	if !ordinal {
		return false
	}
	k := t + 1
	if w := x.tokText(k); w == "عشر" || w == "عشرين" || w == "ثلاثين" {
		k++ // "الحادي عشر", "التاسع والعشرين"
	}
	return x.hitAt(k, cMonth) >= 0 || x.tokText(k) == "من" && x.hitAt(k+1, cMonth) >= 0
}

// dropDatelineDates drops the dates of datelines ("WASHINGTON, Jan 16
// (Agency) -"): the day the report was filed, not the day of anything it
// reports.
func (x *extraction) dropDatelineDates() {
	src := x.f.src
	kept := x.dates[:0]
	for _, d := range x.dates {
		s, _ := x.f.span(x.f.toks[d.t0].start, x.f.toks[d.t0].end)
		_, e := x.f.span(x.f.toks[d.t1-1].start, x.f.toks[d.t1-1].end)
		if !isDateline(src, s, e) {
			kept = append(kept, d)
		}
	}
	x.dates = kept
}

// isDateline reports whether src[s:e] is the date of a dateline: after a
// place in capitals and a comma at the start of a line, and before the
// agency in brackets and a dash.
func isDateline(src string, s, e int) bool {
	// a dateline is short: look back no further than its longest
	lo := max(0, s-64)
	line := src[lo:s]
	if i := strings.LastIndexByte(line, '\n'); i >= 0 {
		line = line[i+1:]
	} else if lo > 0 {
		return false
	}
	place, ok := strings.CutSuffix(strings.TrimRight(line, " "), ",")
	if city, _, _ := strings.Cut(place, ","); !ok || !allCaps(city) { // "ERBIL, Iraq, Jan 16"
		return false
	}
	rest := strings.TrimLeft(src[e:], " ")
	if !strings.HasPrefix(rest, "(") {
		return false
	}
	q := strings.IndexByte(rest, ')')
	if q < 0 || q > 40 {
		return false
	}
	rest = strings.TrimLeft(rest[q+1:], " ")
	return strings.HasPrefix(rest, "-") || strings.HasPrefix(rest, "\u2013") || strings.HasPrefix(rest, "\u2014")
}

// arabicUnitsAfter reads "بعد يومين من" (two days after), "بعد ثلاثة أيام
// من", "بعد يوم من" and, vaguely, "بعد أيام من" (days after): what follows is
// counted back from the date of the sentence, else from publication, as
// "N days after" is in English. It reports whether h was read so.
func (x *extraction) arabicUnitsAfter(h *hit, pub, ctx time.Time, ctxSent int32, add func(dateExpr)) bool {
	if x.tokText(h.t1) != "من" || !x.sameSentence(h.t0, h.t1) {
		return false
	}
	t0, v := h.t0-1, int32(-1)
	if n := x.tokNum(t0); n > 0 && x.f.toks[t0].num < 0 {
		t0, v = t0-1, n // a number word: "ثلاثة أيام"
	}
	if x.tokText(t0) != "بعد" || !x.sameSentence(t0, h.t0) {
		return false
	}
	w := x.tokText(h.t0)
	switch {
	case v > 0:
	case strings.HasSuffix(w, "ين"): // the dual: يومين، أسبوعين، شهرين، عامين
		v = 2
	case w == "يوم" || w == "اسبوع" || w == "شهر" || w == "عام" || w == "سنه":
		v = 1
	}
	base := pub
	if !ctx.IsZero() && ctxSent == x.f.toks[h.t0].sent {
		base = ctx
	}
	if v <= 0 {
		// "بعد أيام من": some time before
		d := shift(base, h.p.str, -2)
		add(dateExpr{t0: t0, t1: h.t1 + 1, date: d, vague: true, relative: true, latest: d, old: true, after: true})
		return true
	}
	d := shift(base, h.p.str, -int(v))
	add(dateExpr{t0: t0, t1: h.t1 + 1, date: d, relative: true, vague: h.p.str != "day", latest: d, old: true, after: true})
	return true
}

// yearDatesAttack reports whether the year at token t dates an attack:
// it follows "in", "the" or "during" (عام، العام، في), or a weapon or attack
// word comes at most three tokens after it in its clause ("2019 K-1 rocket
// attack"). A year that only names a span ("since 2019") dates nothing.
func (x *extraction) yearDatesAttack(t int32) bool {
	if t > 0 && x.sameSentence(t-1, t) && x.sepBefore(t) == ' ' {
		switch x.tokText(t - 1) {
		case "in", "the", "during", "عام", "العام", "في", "خلال":
			return true
		}
	}
	for k := x.firstHit(t + 1); k < len(x.hits) && x.hits[k].t0 <= t+3; k++ {
		h := &x.hits[k]
		if !h.dead && (h.cls == cWeapon || h.cls == cAttack) && x.sameClauseTokens(t, h.t0) {
			return true
		}
	}
	return false
}

// isYear reports whether token t is a year: four digits from 1990 to the
// year after publication, not a clock time ("2030 GMT").
func (x *extraction) isYear(t int32) bool {
	v := x.f.toks[t].num
	if v < 1990 || v > 2100 || !x.pub.IsZero() && int(v) > x.pub.Year()+1 {
		return false
	}
	return !x.tokIn(t+1, clockWords)
}

// monthBeforeAttack reports whether the month of hit h is an attribute of
// the attack noun after it: "the Pentagon links October drone attack to
// Iran", "January rocket strike". "May" and "March" are words too ("may
// attack", "march on the embassy"), so they never count alone.
func (x *extraction) monthBeforeAttack(h *hit) bool {
	switch x.tokText(h.t0) {
	case "may", "march", "mar", "jan", "feb", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec":
		return false
	}
	if h.t1-h.t0 != 1 || !x.sameSentence(h.t0, h.t1) {
		return false
	}
	for _, c := range [...]class{cWeapon, cAttack, cStrikeNoun} {
		if x.hitAt(h.t1, c) >= 0 {
			return true
		}
	}
	return false
}

func (x *extraction) isDual(h int32) bool {
	s := x.hitText(h)
	return len(s) > 4 && s[len(s)-4:] == "\u064a\u0646" // ...ين
}

func shift(t time.Time, unit string, n int) time.Time {
	switch unit {
	case "week":
		return t.AddDate(0, 0, 7*n)
	case "month":
		return t.AddDate(0, n, 0)
	case "year":
		return t.AddDate(n, 0, 0)
	}
	return t.AddDate(0, 0, n)
}
