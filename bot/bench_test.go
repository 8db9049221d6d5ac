package bot_test

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/basewatch/basewatch/bot"
	"github.com/basewatch/basewatch/bot/store"
)

// memPeak samples the process's memory while a benchmark runs: the Go
// heap in use, the memory the runtime holds from the OS, and the resident
// set as the kernel counts it.
type memPeak struct {
	mu             sync.Mutex
	heap, sys, rss uint64
	stop, done     chan struct{}
}

// startMemPeak samples every d until stop is called.
func startMemPeak(d time.Duration) *memPeak {
	runtime.GC()
	m := &memPeak{stop: make(chan struct{}), done: make(chan struct{})}
	m.sample()
	go func() {
		defer close(m.done)
		t := time.NewTicker(d)
		defer t.Stop()
		for {
			select {
			case <-m.stop:
				m.sample()
				return
			case <-t.C:
				m.sample()
			}
		}
	}()
	return m
}

func (m *memPeak) sample() {
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	rss := residentBytes()
	m.mu.Lock()
	defer m.mu.Unlock()
	m.heap = max(m.heap, ms.HeapInuse)
	m.sys = max(m.sys, ms.Sys)
	m.rss = max(m.rss, rss)
}

// Stop ends the sampling and returns the peaks in MB.
func (m *memPeak) Stop() (heapMB, sysMB, rssMB float64) {
	close(m.stop)
	<-m.done
	m.mu.Lock()
	defer m.mu.Unlock()
	return float64(m.heap) / (1 << 20), float64(m.sys) / (1 << 20), float64(m.rss) / (1 << 20)
}

// residentBytes is the process's resident set size from /proc, or 0 where
// there is no /proc.
func residentBytes() uint64 {
	b, err := os.ReadFile("/proc/self/statm")
	if err != nil {
		return 0
	}
	f := strings.Fields(string(b))
	if len(f) < 2 {
		return 0
	}
	pages, _ := strconv.ParseUint(f[1], 10, 64)
	return pages * uint64(os.Getpagesize())
}

// cpuTime is the user plus system CPU time the process has used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// replayItems generates n items for a replay, in publication order.
func replayItems(tb testing.TB, n int) []bot.ReplayItem {
	gen := genCorpus(tb, n, []string{"levant", "gulf", "desert", "tigris", "wire"}, 7)
	items := make([]bot.ReplayItem, len(gen))
	for i, g := range gen {
		items[i] = bot.ReplayItem{Feed: g.Feed, GUID: g.GUID, Link: g.Link, Title: g.Title, Summary: g.Summary, Published: g.Published}
	}
	sort.SliceStable(items, func(i, j int) bool { return items[i].Published.Before(items[j].Published) })
	return items
}

// BenchmarkReplay runs 10,000 generated items (attacks on every site of
// the gazetteer, each reported one to three times in other words, and
// quiet news) through Bot.Replay on a fresh SQLite store, as `basewatch
// replay` does. "scratch" opens the store as the command does for its
// temporary store (no fsync); "durable" as the daemon does (fsync on every
// commit), the cost of `replay --keep`.
//
//	go test ./bot -run '^$' -bench BenchmarkReplay -benchtime 3x
func BenchmarkReplay(b *testing.B) {
	items := replayItems(b, 10000)
	cfg := replayConfig(b)
	for _, mode := range []struct{ name, params string }{{"scratch", "?_synchronous=OFF"}, {"durable", ""}} {
		b.Run(mode.name, func(b *testing.B) {
			ctx := context.Background()
			mem := startMemPeak(5 * time.Millisecond)
			var elapsed time.Duration
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				path := filepath.Join(b.TempDir(), "replay.db")
				st, err := store.Open(ctx, store.DriverSQLite, path+mode.params)
				if err != nil {
					b.Fatal(err)
				}
				bt, err := bot.New(cfg, st, bot.Options{Owner: "replay", Logger: discard()})
				if err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
				start := time.Now()
				if err := bt.Replay(ctx, items, io.Discard, nil); err != nil {
					b.Fatal(err)
				}
				elapsed += time.Since(start)
				b.StopTimer()
				st.Close()
				b.StartTimer()
			}
			b.StopTimer()
			heap, sys, rss := mem.Stop()
			b.ReportMetric(float64(len(items)*b.N)/elapsed.Seconds(), "items/s")
			b.ReportMetric(heap, "peak-heap-MB")
			b.ReportMetric(sys, "peak-sys-MB")
			b.ReportMetric(rss, "peak-rss-MB")
		})
	}
}
