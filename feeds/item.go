package feeds

import "time"

// Item is one feed entry, normalised once into basewatch's own shape.
type Item struct {
	Feed      string    // feed name from the config
	ID        string    // stable id: GUID; else canonical link; else hash of title and date
	GUID      string    // as the feed gave it, may be empty
	Link      string    // canonical link (tracking parameters dropped)
	Title     string    // plain text
	Summary   string    // plain text, HTML stripped, entities decoded
	Content   string    // plain text of the full content when the feed has it
	Published time.Time // else the time it was first seen
	Language  string    // when the feed says
	Hub       string    // WebSub hub URL when the feed advertises one (feed level, copied on items)
}

// Keys returns the keys under which the item counts as seen: its id, its
// link, and its feed and title on the day it was published, so that a feed
// that changes an item's GUID or date on every edit does not make it new
// again, and the same link from two feeds is handed to the rules once.
// The parts are joined by U+001F (unit separator), not NUL: PostgreSQL
// text columns refuse NUL bytes.
func (it Item) Keys() []string {
	keys := []string{"id:" + it.Feed + "\x1f" + it.ID}
	if it.Link != "" {
		keys = append(keys, "link:"+it.Link)
	}
	if it.Title != "" {
		keys = append(keys, "title:"+it.Feed+"\x1f"+it.Title+"\x1f"+it.Published.UTC().Format("2006-01-02"))
	}
	return keys
}
