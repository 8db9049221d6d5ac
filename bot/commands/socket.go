package commands

import (
	"context"
	"errors"
	"fmt"
	"log"
	"log/slog"
	"strings"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/socketmode"
)

// RunSocketMode answers the slash command and its buttons over Slack's
// Socket Mode, for installs that Slack cannot reach by HTTP: it opens a
// websocket with the app-level token (opts.AppToken) and serves until ctx
// ends, reconnecting as Slack asks. Slack signs nothing here: the
// connection itself is authenticated by the token. It returns nil when ctx
// ends, or the error that stopped it (a revoked token).
func RunSocketMode(ctx context.Context, opts SlackOptions) error {
	if !strings.HasPrefix(opts.AppToken, "xapp-") {
		return errors.New("slack socket mode: the app-level token must start with xapp-")
	}
	sc := newSlackCore(opts)
	apiOpts := []slack.Option{slack.OptionAppLevelToken(opts.AppToken), slack.OptionHTTPClient(sc.client)}
	if opts.APIURL != "" {
		apiOpts = append(apiOpts, slack.OptionAPIURL(opts.APIURL))
	}
	api := slack.New("", apiOpts...)
	smc := socketmode.New(api, socketmode.OptionLog(log.New(slogWriter{sc.log}, "", 0)))

	runCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	errc := make(chan error, 1)
	go func() { errc <- smc.RunContext(runCtx) }()
	defer sc.wg.Wait()
	for {
		select {
		case <-ctx.Done():
			cancel()
			<-errc
			return nil
		case err := <-errc:
			if ctx.Err() != nil {
				return nil
			}
			return fmt.Errorf("slack socket mode: %w", err)
		case evt := <-smc.Events:
			if err := sc.socketEvent(runCtx, smc, evt); err != nil {
				cancel()
				<-errc
				return err
			}
		}
	}
}

// socketEvent handles one Socket Mode event; an error stops the client.
func (sc *slackCore) socketEvent(ctx context.Context, smc *socketmode.Client, evt socketmode.Event) error {
	switch evt.Type {
	case socketmode.EventTypeInvalidAuth:
		return errors.New("slack socket mode: the app-level token was refused (invalid_auth): check slack_app_token")
	case socketmode.EventTypeConnectionError:
		sc.log.Warn("slack socket mode: connection failed, retrying", slog.Any("event", evt.Data))
	case socketmode.EventTypeConnected:
		sc.log.Info("slack socket mode: connected")
	case socketmode.EventTypeSlashCommand:
		cmd, ok := evt.Data.(slack.SlashCommand)
		if !ok || evt.Request == nil {
			return nil
		}
		req := *evt.Request
		// Each command in its own goroutine: the loop must keep reading.
		sc.wg.Add(1)
		go func() {
			defer sc.wg.Done()
			msg, err := sc.command(ctx, cmd)
			if err != nil {
				sc.log.Warn("slack command refused", slog.Any("err", err))
				sc.ack(ctx, smc, req, nil, "")
				return
			}
			sc.ack(ctx, smc, req, msg, cmd.ResponseURL)
		}()
	case socketmode.EventTypeInteractive:
		ic, ok := evt.Data.(slack.InteractionCallback)
		if !ok || evt.Request == nil {
			return nil
		}
		sc.ack(ctx, smc, *evt.Request, nil, "")
		if err := sc.interaction(ic); err != nil {
			sc.log.Warn("slack interaction refused", slog.Any("err", err))
		}
	}
	return nil
}

// ack acknowledges a request with msg as the answer. Slack drops answers
// of 20 KB or more, and the library refuses them: then the request is
// acknowledged empty and msg goes to the response_url.
func (sc *slackCore) ack(ctx context.Context, smc *socketmode.Client, req socketmode.Request, msg *slack.WebhookMessage, responseURL string) {
	var payload any
	if msg != nil {
		payload = msg
	}
	err := smc.AckCtx(ctx, req.EnvelopeID, payload)
	if err == nil || msg == nil {
		if err != nil {
			sc.log.Warn("slack socket mode: ack", slog.Any("err", err))
		}
		return
	}
	sc.log.Info("slack socket mode: answer too large to ack, posting it to the response_url", slog.Any("err", err))
	if err := smc.AckCtx(ctx, req.EnvelopeID, nil); err != nil {
		sc.log.Warn("slack socket mode: ack", slog.Any("err", err))
		return
	}
	if err := slack.PostWebhookCustomHTTPContext(ctx, responseURL, sc.client, msg); err != nil {
		sc.log.Error("slack: post to response_url", slog.String("host", hostOf(responseURL)), slog.Any("err", err))
	}
}

// slogWriter sends the library's log lines to slog at debug level.
type slogWriter struct{ log *slog.Logger }

func (w slogWriter) Write(p []byte) (int, error) {
	w.log.Debug("slack socket mode: " + strings.TrimSpace(string(p)))
	return len(p), nil
}
