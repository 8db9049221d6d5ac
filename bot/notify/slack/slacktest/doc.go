// Package slacktest provides a fake of the part of Slack's Web API that
// basewatch uses, for tests, in the manner of net/http/httptest: an HTTP
// server on loopback that answers chat.postMessage, chat.update,
// conversations.history and conversations.replies with Slack's JSON shapes
// and errors, to be driven by the real slack-go client.
//
// The server keeps every message it accepted, including those whose
// client went away before reading the answer, so a test can count what a
// channel really shows. It records every call, checks the token, pages
// lists with Slack's cursors, and can be made to answer a call with any
// status and body (a 429 with Retry-After, a 5xx), to answer posts late,
// or to store a post and never answer it.
//
//	srv := slacktest.NewServer(slacktest.Config{Token: "xoxb-test", Channels: []string{"C0ALERTS"}})
//	defer srv.Close()
//	api := slack.New("xoxb-test", slack.OptionAPIURL(srv.APIURL()), slack.OptionHTTPClient(srv.Client()))
package slacktest
