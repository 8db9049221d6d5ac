package bot

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/basewatch/basewatch/bot/notify"
	"github.com/basewatch/basewatch/bot/store"
)

// Recap builds the "on this date" recap for a civil date: the incidents of
// its month and day in earlier years, oldest first. On 28 February of a
// year without a 29th, the incidents of 29 February join it.
func (b *Bot) Recap(ctx context.Context, date time.Time, empty string) (notify.Recap, error) {
	r := notify.Recap{Date: date, Empty: empty}
	days := [][2]int{{int(date.Month()), date.Day()}}
	if date.Month() == time.February && date.Day() == 28 && !leap(date.Year()) {
		days = append(days, [2]int{2, 29})
	}
	var all []store.Incident
	for _, md := range days {
		ins, err := b.store.IncidentsOnDay(ctx, time.Month(md[0]), md[1])
		if err != nil {
			return r, fmt.Errorf("recap: %w", err)
		}
		all = append(all, ins...)
	}
	for _, in := range all {
		if in.EventDate.Year() >= date.Year() {
			continue
		}
		r.Lines = append(r.Lines, notify.RecapLine{
			IncidentID: in.ID, Year: in.EventDate.Year(), Site: in.Location, Weapon: in.SubEventType,
			Killed: in.Fatalities, Wounded: in.Wounded, Link: in.Source,
		})
	}
	sortRecap(r.Lines)
	return r, nil
}

func sortRecap(ls []notify.RecapLine) {
	for i := 1; i < len(ls); i++ {
		for j := i; j > 0 && ls[j].Year < ls[j-1].Year; j-- {
			ls[j], ls[j-1] = ls[j-1], ls[j]
		}
	}
}

func leap(y int) bool { return y%4 == 0 && (y%100 != 0 || y%400 == 0) }

func (b *Bot) recapFor(ctx context.Context, p payload) (notify.Recap, error) {
	d, err := time.Parse("2006-01-02", p.Date)
	if err != nil {
		return notify.Recap{}, fmt.Errorf("recap: bad date %q in payload", p.Date)
	}
	return b.Recap(ctx, d, p.Empty)
}

// QueueRecap puts the recap of date for an output's channel in the outbox,
// once per output, channel and date however often it is asked.
func (b *Bot) QueueRecap(ctx context.Context, output, channel string, date time.Time, empty string) (bool, error) {
	p, _ := json.Marshal(payload{Date: date.Format("2006-01-02"), Empty: empty})
	var added bool
	err := b.store.Update(ctx, func(tx store.Tx) error {
		var err error
		added, err = tx.Enqueue(&store.Delivery{
			Key:    fmt.Sprintf("recap:%s:%s:%s", output, channel, date.Format("2006-01-02")),
			Output: output, Channel: channel, Kind: "recap", Payload: p, CreatedAt: b.now(),
		})
		return err
	})
	if added {
		b.nudge()
	}
	return added, err
}
