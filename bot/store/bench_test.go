package store

import (
	"fmt"
	"path/filepath"
	"testing"
	"time"
)

// benchBackends are the stores benchmarked: SQLite with the default
// synchronous=FULL and with NORMAL (a DSN override), and PostgreSQL when
// there is one.
func benchBackends(b *testing.B) map[string]func(b *testing.B) Store {
	sqliteAt := func(params string) func(b *testing.B) Store {
		return func(b *testing.B) Store {
			s, err := Open(ctx, DriverSQLite, filepath.Join(b.TempDir(), "bench.db")+params)
			if err != nil {
				b.Fatal(err)
			}
			b.Cleanup(func() { s.Close() })
			return s
		}
	}
	return map[string]func(b *testing.B) Store{
		"sqlite-full":   sqliteAt(""),
		"sqlite-normal": sqliteAt("?_synchronous=NORMAL"),
		"sqlite-off":    sqliteAt("?_synchronous=OFF"),
		"postgres": func(b *testing.B) Store {
			if pg.admin == "" {
				b.Skip("PostgreSQL: " + pg.skip)
			}
			name := fmt.Sprintf("bw_bench_%d", pg.n.Add(1))
			if _, err := pg.adminDB.ExecContext(ctx, "CREATE DATABASE "+name); err != nil {
				b.Fatal(err)
			}
			s, err := Open(ctx, DriverPostgres, withDatabase(b, pg.admin, name))
			if err != nil {
				b.Fatal(err)
			}
			b.Cleanup(func() {
				s.Close()
				pg.adminDB.ExecContext(ctx, "DROP DATABASE "+name+" WITH (FORCE)")
			})
			return s
		},
	}
}

// BenchmarkUpdateItem is the store's share of handling one new item: one
// Update that checks and marks its keys, looks for an incident, and opens
// one with a report and an alert.
func BenchmarkUpdateItem(b *testing.B) {
	for name, open := range benchBackends(b) {
		b.Run(name, func(b *testing.B) {
			s := open(b)
			i := 0
			for b.Loop() {
				i++
				key := fmt.Sprintf("https://news.example/%d", i)
				err := s.Update(ctx, func(tx Tx) error {
					if _, err := tx.Seen([]string{key}); err != nil {
						return err
					}
					if err := tx.MarkSeen("wire", []string{key}, time.Now()); err != nil {
						return err
					}
					d := day(2020, 1, 1).AddDate(0, 0, i%2000)
					if _, err := tx.IncidentsBetween(d.AddDate(0, 0, -2), d.AddDate(0, 0, 2)); err != nil {
						return err
					}
					in := sampleIncident(fmt.Sprint("inc-", i), d)
					if err := tx.CreateIncident(&in); err != nil {
						return err
					}
					if err := tx.AddReport(Report{IncidentID: in.ID, ItemID: key}); err != nil {
						return err
					}
					_, err := tx.Enqueue(&Delivery{Key: "alert/" + in.ID, IncidentID: in.ID, Kind: "alert"})
					return err
				})
				if err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "items/s")
		})
	}
}

// BenchmarkClaimDeliveries claims and marks sent batches of 10.
func BenchmarkClaimDeliveries(b *testing.B) {
	for name, open := range benchBackends(b) {
		b.Run(name, func(b *testing.B) {
			s := open(b)
			n := 0
			for b.Loop() {
				if n == 0 {
					b.StopTimer()
					enqueue(b, s, fmt.Sprint("d", time.Now().UnixNano()), 1000, time.Time{})
					n = 100
					b.StartTimer()
				}
				now := time.Now()
				ds, err := s.ClaimDeliveries(ctx, "bench", now, now.Add(time.Minute), 10)
				if err != nil || len(ds) != 10 {
					b.Fatalf("claimed %d: %v", len(ds), err)
				}
				for _, d := range ds {
					if err := s.MarkSent(ctx, d.ID, "ref", now); err != nil {
						b.Fatal(err)
					}
				}
				n--
			}
		})
	}
}

// BenchmarkUpdateSeen is the store's share of an item that matches
// nothing: one Update that checks and marks its key.
func BenchmarkUpdateSeen(b *testing.B) {
	for name, open := range benchBackends(b) {
		b.Run(name, func(b *testing.B) {
			s := open(b)
			i := 0
			for b.Loop() {
				i++
				key := fmt.Sprintf("https://news.example/%d", i)
				err := s.Update(ctx, func(tx Tx) error {
					if _, err := tx.Seen([]string{key}); err != nil {
						return err
					}
					return tx.MarkSeen("wire", []string{key}, time.Now())
				})
				if err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "items/s")
		})
	}
}
