package bot_test

import (
	"math/rand/v2"
	"testing"
	"time"

	"github.com/basewatch/basewatch/bot/corpustest"
)

// genSites returns the gazetteer's sites that generated reports can name.
func genSites(tb testing.TB) []corpustest.Site {
	tb.Helper()
	out, err := corpustest.Sites()
	if err != nil {
		tb.Fatal(err)
	}
	if len(out) < 5 {
		tb.Fatalf("the gazetteer has only %d sites usable for generated reports", len(out))
	}
	return out
}

// genCorpus makes n items in publication order: attacks on the sites in
// turn, two days apart per site so that each attack is its own incident,
// each reported one to three times across feeds, with quiet news making
// up about a third of the items.
func genCorpus(tb testing.TB, n int, feeds []string, seed uint64) []corpustest.Item {
	tb.Helper()
	sites := genSites(tb)
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	base := time.Date(2021, 1, 1, 0, 0, 0, 0, time.UTC)
	var out []corpustest.Item
	for k := 0; len(out) < n; k++ {
		site := sites[k%len(sites)]
		day := base.AddDate(0, 0, 2*(k/len(sites)))
		reports := 1 + rng.IntN(3)
		for r := 0; r < reports && len(out) < n; r++ {
			out = append(out, corpustest.Attack(feeds[(k+r)%len(feeds)], k, r, site, day))
		}
		if rng.IntN(2) == 0 && len(out) < n {
			out = append(out, corpustest.QuietItem(feeds[rng.IntN(len(feeds))], k, day))
		}
	}
	return out
}
