package feeds_test

import (
	"context"
	"fmt"
	"time"

	"github.com/basewatch/basewatch/feeds"
)

// Fetch a feed, remember its validators for the next conditional GET, and
// parse it only when it changed.
func Example() {
	f := feeds.NewFetcher(feeds.Options{})
	ctx := context.Background()
	now := time.Date(2026, 4, 10, 12, 0, 0, 0, time.UTC)

	resp, err := f.Fetch(ctx, feeds.Request{URL: "../config/samples/desert-post.atom"})
	if err != nil {
		fmt.Println(err)
		return
	}
	items, err := feeds.Parse("desert-post", resp.Body, resp.ContentType, now)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(len(items), "items; first:", items[0].Title)
	fmt.Println(items[0].Published, items[0].Link)

	again, err := f.Fetch(ctx, feeds.Request{URL: "../config/samples/desert-post.atom", ETag: resp.ETag})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("second poll not modified:", again.NotModified)
	// Output:
	// 5 items; first: Three US troops wounded in drone attack on Tower 22 in Jordan
	// 2026-01-27 04:50:00 +0000 UTC https://desertpost.example/security/2026/01/27/tower-22-drone
	// second poll not modified: true
}

func ExampleCanonicalURL() {
	fmt.Println(feeds.CanonicalURL("HTTPS://News.Example:443/story?utm_source=rss&b=2&a=1&fbclid=x#top"))
	// Output: https://news.example/story?a=1&b=2
}

func ExamplePlainText() {
	fmt.Println(feeds.PlainText("<p>Two&nbsp;rockets <b>hit</b></p><p>the base.</p>"))
	// Output: Two rockets hit the base.
}
