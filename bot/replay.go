package bot

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/basewatch/basewatch/bot/incident"
	"github.com/basewatch/basewatch/feeds"
)

// ReplayItem is one line of a replay's input.
type ReplayItem struct {
	Feed      string    `json:"feed"`
	GUID      string    `json:"guid"`
	Link      string    `json:"link"`
	Title     string    `json:"title"`
	Summary   string    `json:"summary"`
	Content   string    `json:"content"`
	Language  string    `json:"language"`
	Published time.Time `json:"published"`
}

// ReadReplayItems reads items one JSON object a line, unknown fields
// ignored, and returns them in order of publication.
func ReadReplayItems(r io.Reader, name string) ([]ReplayItem, error) {
	var items []ReplayItem
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 16<<20)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" {
			continue
		}
		var it ReplayItem
		if err := json.Unmarshal([]byte(line), &it); err != nil {
			return nil, fmt.Errorf("%s:%d: %w", name, n, err)
		}
		if it.GUID == "" && it.Link == "" {
			return nil, fmt.Errorf("%s:%d: item has neither guid nor link", name, n)
		}
		if it.Published.IsZero() {
			return nil, fmt.Errorf("%s:%d: item has no published time (RFC 3339)", name, n)
		}
		items = append(items, it)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	sort.SliceStable(items, func(i, j int) bool { return items[i].Published.Before(items[j].Published) })
	return items, nil
}

// Item normalises a replay item as a feed's item is normalised.
func (ri ReplayItem) Item() feeds.Item {
	it := feeds.Item{
		Feed:      ri.Feed,
		GUID:      ri.GUID,
		ID:        ri.GUID,
		Link:      feeds.CanonicalURL(ri.Link),
		Title:     feeds.PlainText(ri.Title),
		Summary:   feeds.PlainText(ri.Summary),
		Content:   feeds.PlainText(ri.Content),
		Published: ri.Published,
		Language:  ri.Language,
	}
	if it.ID == "" {
		it.ID = it.Link
	}
	return it
}

// Decision is one line of replay's output: a contract other tools read.
type Decision struct {
	Item     string `json:"item"`
	Action   string `json:"action"`
	Incident string `json:"incident"`
	Site     string `json:"site"`
	Date     string `json:"date"`
	Weapon   string `json:"weapon"`
	Killed   int    `json:"killed"`
	Wounded  int    `json:"wounded"`
	Reason   string `json:"reason"`
}

// Decisions turns an outcome into replay's lines: one per event, or one for
// an item without events or already seen.
func Decisions(o Outcome) []Decision {
	id := o.Item.GUID
	if id == "" {
		id = o.Item.ID
	}
	if o.Seen {
		return []Decision{{Item: id, Action: incident.Duplicate, Reason: "item already seen (same id, link, or title from the same feed that day)"}}
	}
	out := make([]Decision, 0, len(o.Decisions))
	for _, d := range o.Decisions {
		line := Decision{Item: id, Action: d.Action, Reason: d.Reason}
		in := d.Incident
		if in.ID != "" {
			line.Incident = in.ID
			line.Site = in.Location
			line.Date = in.EventDate.Format("2006-01-02")
			line.Weapon = in.SubEventType
			line.Killed, line.Wounded = max(in.Fatalities, 0), max(in.Wounded, 0)
		} else if d.Action != incident.Ignored || d.Event.Site != "" {
			ev := d.Event
			line.Site = ev.Site
			if !ev.Date.IsZero() {
				line.Date = ev.Date.Format("2006-01-02")
			}
			line.Weapon = ev.Weapon
			line.Killed, line.Wounded = max(ev.Killed, 0), max(ev.Wounded, 0)
		}
		out = append(out, line)
	}
	return out
}

// Replay runs items through the pipeline with the clock set to each item's
// publication, and writes one decision a line to w. It posts nothing:
// deliveries stay in the bot's store.
func (b *Bot) Replay(ctx context.Context, items []ReplayItem, w io.Writer, progress func(done, total int)) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	// Items go to the store a batch a transaction: the decisions are those
	// of one item at a time, the disk is asked to commit less often.
	const batch = 128
	for start := 0; start < len(items); start += batch {
		if err := ctx.Err(); err != nil {
			return err
		}
		part := items[start:min(start+batch, len(items))]
		its := make([]feeds.Item, len(part))
		for i, ri := range part {
			its[i] = ri.Item()
		}
		outs, err := b.ProcessItems(ctx, its, func(i int) time.Time { return part[i].Published })
		if err != nil {
			return err
		}
		for _, o := range outs {
			for _, d := range Decisions(o) {
				if err := enc.Encode(d); err != nil {
					return err
				}
			}
		}
		if progress != nil {
			progress(start+len(part), len(items))
		}
	}
	return nil
}
