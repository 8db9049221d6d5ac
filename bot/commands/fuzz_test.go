package commands

import (
	"strings"
	"testing"
)

// FuzzParse checks that Parse never panics, that what it accepts it writes
// back as a line it reads the same, and that no button value decodes to a
// mute.
func FuzzParse(f *testing.F) {
	for _, s := range []string{"", "recent 7 erbil", "site Ain al-Asad", "onthisday 02-29", "show 2025-03-13-erbil-air-base",
		"mute site k1 6h drill", "unmute rule attacks", "feeds", "mutes", "help", "recent 3d\u0000x", "mute 1h30m 2d"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r, err := Parse(s)
		if err != nil {
			if _, ok := err.(*UsageError); !ok {
				t.Fatalf("Parse(%q): error %T, want *UsageError", s, err)
			}
		} else {
			again, err := Parse(r.String())
			if err != nil || again != r {
				t.Fatalf("Parse(%q) = %+v; its String %q reads as %+v, %v", s, r, r.String(), again, err)
			}
		}
		if r, err := decode(s); err == nil && (r.Command == CmdMute || r.Command == CmdUnmute) {
			t.Fatalf("decode(%q) = %+v", s, r)
		}
		if r, err := decode("1:" + s); err == nil && (r.Command == CmdMute || r.Command == CmdUnmute || strings.ContainsAny(r.Site, "\n\r")) {
			t.Fatalf("decode(1:%q) = %+v", s, r)
		}
	})
}
