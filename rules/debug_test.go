package rules

import (
	"fmt"
	"os"
	"testing"
	"time"
)

// TestDebugDump prints the folded text, hits and segments of $RULES_DEBUG.
func TestDebugDump(t *testing.T) {
	text := os.Getenv("RULES_DEBUG")
	if text == "" {
		t.Skip("set RULES_DEBUG")
	}
	m := testMatcher(t)
	pub, _ := time.Parse(time.RFC3339, os.Getenv("RULES_PUB"))
	res := m.Extract(Input{Title: text, Published: pub})
	x := &extraction{}
	x.reset(m, res.Text, Input{Title: text, Published: pub})
	x.f.fold(res.Text)
	x.raw = m.ac.scan(x.f.out, x.raw[:0])
	x.collectHits()
	x.findDates()
	x.segment()
	fmt.Printf("folded: %q\n", x.f.out)
	for _, h := range x.hits {
		fmt.Printf("hit %d-%d t%d-%d cls=%d val=%d str=%q dead=%v %q\n", h.start, h.end, h.t0, h.t1, h.p.cls, h.p.val, h.p.str, h.dead, x.f.out[h.start:h.end])
	}
	for _, d := range x.dates {
		fmt.Printf("date t%d-%d %s vague=%v\n", d.t0, d.t1, d.date.Format("2006-01-02"), d.vague)
	}
	for _, s := range x.segs {
		fmt.Printf("seg sent=%d t%d-%d date=%d ev=%b cancel=%q strike=%v\n", s.sent, s.t0, s.t1, s.date, s.ev, s.cancel, s.strike)
	}
	for _, e := range res.Events {
		fmt.Printf("event %+v\n", e)
	}
	fmt.Println("reason:", res.Reason)
}
