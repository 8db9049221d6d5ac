package rules

import (
	"bufio"
	"encoding/json"
	"os"
	"sort"
	"strings"
	"testing"
	"time"
)

// corpusItem is one item of testdata/corpus.jsonl: invented wire copy with
// the events a careful editor finds in it, written "site@date" (site id,
// or "region:Name"; "?" for no date), "~bg" for background mentions and
// "!strike" for a US strike on militias.
type corpusItem struct {
	ID        string    `json:"id"`
	Title     string    `json:"title"`
	Summary   string    `json:"summary"`
	Content   string    `json:"content"`
	Published time.Time `json:"published"`
	Want      []string  `json:"want"`
	Note      string    `json:"note"`
}

// TestOwnCorpus runs the extraction over our own labelled items and asserts,
// item by item, that the set of events equals the label.
func TestOwnCorpus(t *testing.T) {
	f, err := os.Open("testdata/corpus.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	m := testMatcher(t)
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	n, agree, line := 0, 0, 0
	var en, ar, pos, neg int
	for sc.Scan() {
		line++
		var it corpusItem
		if err := json.Unmarshal(sc.Bytes(), &it); err != nil {
			t.Fatalf("testdata/corpus.jsonl:%d: %v", line, err)
		}
		n++
		if isArabicWord(Normalize(it.Title)) {
			ar++
		} else {
			en++
		}
		if len(it.Want) > 0 {
			pos++
		} else {
			neg++
		}
		res := m.Extract(Input{Title: it.Title, Summary: it.Summary, Content: it.Content, Published: it.Published})
		checkSpans(t, res)
		want := append([]string(nil), it.Want...)
		sort.Strings(want)
		got := brief(res)
		if got == strings.Join(want, " ") {
			agree++
			continue
		}
		t.Errorf("%s (%s): events %q, want %q; reason %q\n%s", it.ID, it.Note, got, strings.Join(want, " "), res.Reason, dump(res))
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if n < 40 {
		t.Errorf("corpus has %d items, want at least 40", n)
	}
	t.Logf("own corpus: %d items (%d English, %d Arabic; %d with events, %d without): %d agree", n, en, ar, pos, neg, agree)
}

// TestExtractConcurrent runs one matcher from several goroutines over the
// corpus and expects the results of a sequential run.
func TestExtractConcurrent(t *testing.T) {
	raw, err := os.ReadFile("testdata/corpus.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	var items []corpusItem
	for _, l := range strings.Split(strings.TrimSpace(string(raw)), "\n") {
		var it corpusItem
		if err := json.Unmarshal([]byte(l), &it); err != nil {
			t.Fatal(err)
		}
		items = append(items, it)
	}
	m := testMatcher(t)
	want := make([]string, len(items))
	for i, it := range items {
		want[i] = brief(m.Extract(Input{Title: it.Title, Summary: it.Summary, Content: it.Content, Published: it.Published}))
	}
	errs := make(chan string, 4*len(items))
	done := make(chan bool)
	for w := 0; w < 4; w++ {
		go func() {
			for i := range items {
				it := items[(i+w*7)%len(items)]
				if got := brief(m.Extract(Input{Title: it.Title, Summary: it.Summary, Content: it.Content, Published: it.Published})); got != want[(i+w*7)%len(items)] {
					errs <- it.ID + ": " + got
				}
			}
			done <- true
		}()
	}
	for w := 0; w < 4; w++ {
		<-done
	}
	close(errs)
	for e := range errs {
		t.Error("concurrent run differs: " + e)
	}
}
