package rules

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"testing"
)

func TestProbe(t *testing.T) {
	path := os.Getenv("RULES_PROBE")
	if path == "" {
		t.Skip()
	}
	f, _ := os.Open(path)
	defer f.Close()
	m := testMatcher(t)
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var it corpusItem
		if err := json.Unmarshal(sc.Bytes(), &it); err != nil {
			t.Fatal(err)
		}
		res := m.Extract(Input{Title: it.Title, Summary: it.Summary, Content: it.Content, Published: it.Published})
		fmt.Printf("%-4s %-45s | %s | %q\n", it.ID, brief(res), it.Note, res.Reason)
		if os.Getenv("RULES_PROBE_V") != "" {
			fmt.Print(dump(res))
		}
	}
}
