package config

import (
	"errors"
	"os"
	"strings"
	"testing"
)

// FuzzParse: any bytes in, no panic; a failure is an Errors whose every
// line names the file.
func FuzzParse(f *testing.F) {
	if b, err := os.ReadFile("example.yaml"); err == nil {
		f.Add(b)
	}
	f.Add([]byte(base))
	f.Add([]byte("feeds: [{name: a, url: x, schedule: '@every 1m', timeout: 5s, max_size: 1KiB}]\nrules: [{name: r}]\n"))
	f.Add([]byte("feeds:\n  - &a {name: a, url: b}\n  - *a\n"))
	f.Add([]byte("outputs: [{name: s, type: slack, token: ${T}}]\n"))
	f.Fuzz(func(t *testing.T, raw []byte) {
		cfg, err := Parse("f.yaml", raw, func(string) (string, bool) { return "", false })
		if err == nil {
			if cfg == nil || len(cfg.Feeds) == 0 {
				t.Fatalf("no error and no feeds: %+v", cfg)
			}
			return
		}
		var es Errors
		if !errors.As(err, &es) || len(es) == 0 {
			t.Fatalf("error %T is not Errors: %v", err, err)
		}
		for _, line := range strings.Split(err.Error(), "\n") {
			if !strings.HasPrefix(line, "f.yaml") {
				t.Errorf("error line does not name the file: %q", line)
			}
		}
	})
}
