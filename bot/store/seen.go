package store

import (
	"fmt"
	"time"
)

// seenBatch bounds the keys per statement, well under SQLite's limit on
// parameters.
const seenBatch = 300

// Seen implements Tx.
func (t *sqlTx) Seen(keys []string) (map[string]bool, error) {
	out := make(map[string]bool, len(keys))
	for start := 0; start < len(keys); start += seenBatch {
		batch := keys[start:min(start+seenBatch, len(keys))]
		args := make([]any, len(batch))
		for i, k := range batch {
			args[i] = k
		}
		rows, err := t.q.QueryContext(t.ctx, `SELECT item_key FROM seen WHERE item_key IN (`+placeholders(1, len(batch))+`)`, args...)
		if err != nil {
			return nil, t.s.wrap("read seen items", err)
		}
		for rows.Next() {
			var k string
			if err := rows.Scan(&k); err != nil {
				rows.Close()
				return nil, t.s.wrap("read seen items", err)
			}
			out[k] = true
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return nil, t.s.wrap("read seen items", err)
		}
	}
	return out, nil
}

// MarkSeen implements Tx. Keys already seen keep their first feed and time.
func (t *sqlTx) MarkSeen(feed string, keys []string, at time.Time) error {
	for start := 0; start < len(keys); start += seenBatch {
		batch := keys[start:min(start+seenBatch, len(keys))]
		args := make([]any, 0, 3*len(batch))
		values := make([]byte, 0, 16*len(batch))
		for i, k := range batch {
			if i > 0 {
				values = append(values, ", "...)
			}
			values = fmt.Appendf(values, "($%d, $%d, $%d)", 3*i+1, 3*i+2, 3*i+3)
			args = append(args, k, feed, t.s.d.t(at))
		}
		if _, err := t.q.ExecContext(t.ctx, `INSERT INTO seen (item_key, feed, seen_at) VALUES `+string(values)+`
			ON CONFLICT (item_key) DO NOTHING`, args...); err != nil {
			return t.s.wrap(fmt.Sprintf("write seen items of feed %q", feed), err)
		}
	}
	return nil
}
