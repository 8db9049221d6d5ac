package rules

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"
)

var devCorpus = flag.String("devcorpus", "../../shared/corpus", "labelled dev corpus to measure against (skipped when absent)")

// devItem is one line of the labelled corpus (a replay item plus expect).
type devItem struct {
	GUID      string    `json:"guid"`
	Title     string    `json:"title"`
	Summary   string    `json:"summary"`
	Content   string    `json:"content"`
	Published time.Time `json:"published"`
	Expect    struct {
		Mentions []string `json:"mentions"`
	} `json:"expect"`
}

type devLabel struct {
	Date    string   `json:"date"`
	Aliases []string `json:"aliases"`
}

// TestDevCorpusAgreement measures, without asserting per item, how many
// items of the labelled dev corpus get exactly their labelled (site, date)
// set. The corpus is for measuring only: nothing here is tuned to it.
func TestDevCorpusAgreement(t *testing.T) {
	dir := *devCorpus
	items, err := os.Open(filepath.Join(dir, "dev-items.jsonl"))
	if err != nil {
		t.Skipf("no dev corpus at %s: %v", dir, err)
	}
	defer items.Close()
	raw, err := os.ReadFile(filepath.Join(dir, "dev-labels.json"))
	if err != nil {
		t.Skipf("no dev labels: %v", err)
	}
	var labels struct {
		Known map[string]devLabel `json:"known"`
		New   map[string]devLabel `json:"new"`
	}
	if err := json.Unmarshal(raw, &labels); err != nil {
		t.Fatalf("dev-labels.json: %v", err)
	}
	label := func(k string) devLabel {
		if l, ok := labels.Known[k]; ok {
			return l
		}
		return labels.New[k]
	}
	m := testMatcher(t)
	var n, allAgree, freshAgree int
	sc := bufio.NewScanner(items)
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for sc.Scan() {
		var it devItem
		if err := json.Unmarshal(sc.Bytes(), &it); err != nil {
			t.Fatalf("dev-items.jsonl: %v", err)
		}
		n++
		res := m.Extract(Input{Title: it.Title, Summary: it.Summary, Content: it.Content, Published: it.Published})
		pub := civil(it.Published)
		// want: every labelled mention; fresh: those within three days of publication
		var wantAll, wantFresh []string
		for _, k := range it.Expect.Mentions {
			wantAll = append(wantAll, k)
			d, _ := time.Parse("2006-01-02", label(k).Date)
			if !d.Before(pub.Add(-backgroundAge)) {
				wantFresh = append(wantFresh, k)
			}
		}
		var gotAll, gotFresh []string
		var desc []string
		for _, e := range res.Events {
			if e.Kind == "strike" {
				desc = append(desc, "strike")
				continue
			}
			key := matchLabel(e, it.Expect.Mentions, label)
			desc = append(desc, fmt.Sprintf("%s/%s bg=%v conf=%.2f w=%s k=%d wd=%d v=%q a=%s -> %s", e.Site, e.Date.Format("2006-01-02"), e.Background, e.Confidence, e.Weapon, e.Killed, e.Wounded, e.Victims, e.Actor, key))
			gotAll = append(gotAll, key)
			if !e.Background {
				gotFresh = append(gotFresh, key)
			}
		}
		a := sameSet(gotAll, wantAll)
		f := sameSet(gotFresh, wantFresh)
		if a {
			allAgree++
		}
		if f {
			freshAgree++
		}
		if testing.Verbose() {
			mark := "ok  "
			if !f {
				mark = "DIFF"
			}
			t.Logf("%s %s fresh=%v all=%v reason=%q\n\twant fresh %v all %v\n\tgot %s", mark, it.GUID, f, a, res.Reason, wantFresh, wantAll, strings.Join(desc, "; "))
		}
	}
	t.Logf("dev corpus: %d items; non-background (site, date) set equals the labelled fresh mentions in %d; every event (background too) equals every labelled mention in %d", n, freshAgree, allAgree)
}

// matchLabel names the labelled incident an event is: right site (an alias
// inside its display name) and date within a day; else a description.
func matchLabel(e Event, keys []string, label func(string) devLabel) string {
	fold := func(s string) string {
		return strings.Join(strings.Fields(strings.NewReplacer("-", " ", "_", " ", ".", " ", "'", "").Replace(strings.ToLower(s))), " ")
	}
	site := fold(e.Site)
	for _, k := range keys {
		l := label(k)
		d, _ := time.Parse("2006-01-02", l.Date)
		gap := e.Date.Sub(d)
		if gap < 0 {
			gap = -gap
		}
		if e.Date.IsZero() || gap > day {
			continue
		}
		for _, a := range l.Aliases {
			if strings.Contains(site, fold(a)) {
				return k
			}
		}
	}
	return e.SiteID + "@" + e.Date.Format("2006-01-02")
}

func sameSet(a, b []string) bool {
	a = dedupe(a)
	b = dedupe(b)
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func dedupe(a []string) []string {
	a = append([]string(nil), a...)
	sort.Strings(a)
	out := a[:0]
	for i, s := range a {
		if i == 0 || s != a[i-1] {
			out = append(out, s)
		}
	}
	return out
}
