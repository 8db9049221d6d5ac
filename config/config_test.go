package config

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func env(vars map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) { v, ok := vars[k]; return v, ok }
}

func TestLoadExample(t *testing.T) {
	cfg, err := Load("example.yaml")
	if err != nil {
		t.Fatalf("example.yaml: %v", err)
	}
	if len(cfg.Feeds) != 3 || cfg.Feeds[0].Schedule != "@every 5m" || cfg.Feeds[1].Schedule != "*/10 * * * *" {
		t.Errorf("feeds = %+v", cfg.Feeds)
	}
	if time.Duration(cfg.Feeds[0].Timeout) != 20*time.Second || cfg.Feeds[0].MaxSize != 5<<20 {
		t.Errorf("defaults not applied: %+v", cfg.Feeds[0])
	}
	if cfg.Store.Driver != "sqlite" || cfg.Store.Path != "basewatch.db" || !cfg.Store.SeedEnabled() {
		t.Errorf("store = %+v", cfg.Store)
	}
	if cfg.Rules[0].Kind != "attack" || cfg.Outputs[0].Mode != "both" {
		t.Errorf("rule/output defaults: %+v %+v", cfg.Rules[0], cfg.Outputs[0])
	}
}

const base = `store:
  driver: sqlite
feeds:
  - name: a
    url: a.xml
rules:
  - name: attacks
outputs:
  - name: console
    type: console
routes:
  - rule: attacks
    to:
      - output: console
`

func TestErrors(t *testing.T) {
	tests := []struct {
		name string
		yaml string
		want []string // each must appear in the error text
	}{
		{"typo key", strings.Replace(base, "    url: a.xml", "    url: a.xml\n    shedule: \"@every 1m\"", 1),
			[]string{`c.yaml:6: feeds[0].shedule: unknown field (did you mean "schedule"?)`}},
		{"bad schedule", strings.Replace(base, "    url: a.xml", "    url: a.xml\n    schedule: every 5m", 1),
			[]string{`c.yaml:6: feeds[0].schedule: "every 5m" is not a cron spec (try "@every 5m")`}},
		{"bare duration schedule", strings.Replace(base, "    url: a.xml", "    url: a.xml\n    schedule: 5m", 1),
			[]string{`(try "@every 5m")`}},
		{"wrong type", strings.Replace(base, "  - name: attacks", "  - name: attacks\n    min_confidence: high", 1),
			[]string{`c.yaml:8: rules[0].min_confidence: "high" is not a number`}},
		{"duplicate feed", strings.Replace(base, "    url: a.xml", "    url: a.xml\n  - name: a\n    url: b.xml", 1),
			[]string{`c.yaml:6: feeds[1].name: "a" is already the name of feeds[0]`}},
		{"unused output named", strings.Replace(base, "    type: console", "    type: console\n  - name: spare\n    type: console", 1),
			[]string{`c.yaml:11: outputs[1].name: output "spare" is used by no route`}},
		{"missing env", strings.Replace(base, "    url: a.xml", "    url: ${FEED_URL}", 1),
			[]string{`c.yaml:5: feeds[0].url: environment variable FEED_URL is not set`}},
		{"unknown route rule", strings.Replace(base, "  - rule: attacks", "  - rule: atacks", 1),
			[]string{`routes[0].rule: "atacks" is not the name of a rule`}},
		{"bad timeout", strings.Replace(base, "    url: a.xml", "    url: a.xml\n    timeout: soon", 1),
			[]string{`feeds[0].timeout: "soon" is not a duration`}},
		{"list expected", strings.Replace(base, "feeds:\n  - name: a\n    url: a.xml", "feeds: a.xml", 1),
			[]string{`c.yaml:3: feeds: want a list, found "a.xml"`}},
		{"slack without token", strings.Replace(base, "    type: console", "    type: slack", 1),
			[]string{`outputs[0].token: a slack output needs a token`}},
		{"bad yaml", "feeds: [\n", []string{`c.yaml:`}},
		{"bad driver", strings.Replace(base, "driver: sqlite", "driver: mysql", 1),
			[]string{`c.yaml:2: store.driver: "mysql" is not a store driver`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("dir/c.yaml", []byte(tt.yaml), env(nil))
			if err == nil {
				t.Fatal("no error")
			}
			var es Errors
			if !errors.As(err, &es) {
				t.Fatalf("error %T is not Errors: %v", err, err)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error\n%v\ndoes not contain\n%s", err, w)
				}
			}
		})
	}
}

func TestEnvExpansion(t *testing.T) {
	y := strings.Replace(base, "    type: console", "    type: slack\n    token: ${SLACK_BOT_TOKEN}", 1)
	cfg, err := Parse("c.yaml", []byte(y), env(map[string]string{"SLACK_BOT_TOKEN": "xoxb-1"}))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Outputs[0].Token != "xoxb-1" {
		t.Errorf("token = %q", cfg.Outputs[0].Token)
	}
}

func TestByteSize(t *testing.T) {
	for in, want := range map[string]int64{"10MiB": 10 << 20, "512KB": 512000, "1024": 1024, "1.5KiB": 1536} {
		got, err := parseByteSize(in)
		if err != nil || got != want {
			t.Errorf("parseByteSize(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	if _, err := parseByteSize("lots"); err == nil {
		t.Error("parseByteSize(lots) succeeded")
	}
}

func TestTooManyValues(t *testing.T) {
	y := "feeds: [{name: f, url: u}]\nrules: [{name: r, exclude: [" + strings.Repeat("w, ", maxNodes) + "w]}]\n"
	_, err := Parse("big.yaml", []byte(y), env(nil))
	if err == nil || !strings.Contains(err.Error(), "big.yaml:2: rules[0].exclude") || !strings.Contains(err.Error(), "expands to more than") {
		t.Fatalf("a file of %d values: %v", maxNodes+1, err)
	}
}
