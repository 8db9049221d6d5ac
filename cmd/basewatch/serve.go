package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/basewatch/basewatch/bot"
	"github.com/basewatch/basewatch/bot/metrics"
	"github.com/basewatch/basewatch/bot/web"
)

// newMetrics makes the registry the listener serves and the bot counts in.
func newMetrics(st interface {
	OutboxStats(context.Context, time.Time) (int, int, time.Duration, error)
}) (*prometheus.Registry, *metrics.Metrics) {
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	m := metrics.New(reg)
	m.WatchOutbox(func(ctx context.Context) (int, int, time.Duration, error) {
		return st.OutboxStats(ctx, time.Now())
	})
	return reg, m
}

// snapshot turns the bot's status into what the status page renders.
func snapshot(b *bot.Bot) web.StatusFunc {
	return func(ctx context.Context) (web.Snapshot, error) {
		s, err := b.Status(ctx)
		if err != nil {
			return web.Snapshot{}, err
		}
		snap := web.Snapshot{
			Now: s.Now, Latest: s.Latest, OnThisDate: s.OnThisDate, Pending: s.Pending, Failed: s.Failed,
			OldestAge: s.OldestAge, FailedItems: s.FailedItems, Down: s.Down,
		}
		for _, f := range s.Feeds {
			snap.Feeds = append(snap.Feeds, web.FeedHealth(f))
		}
		return snap, nil
	}
}

// serve runs the HTTP listener until ctx ends: status page, health,
// metrics, and the handlers of extra (slash commands) by path.
func serve(ctx context.Context, addr string, h http.Handler, log *slog.Logger) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("listen %s: %w", addr, err)
	}
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	log.Info("listening", slog.String("addr", ln.Addr().String()))
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shut, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(shut); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
