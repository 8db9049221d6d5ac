package config

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode"

	"gopkg.in/yaml.v3"
)

// Error is one problem in the file, at a line, for a field.
type Error struct {
	File  string
	Line  int
	Field string // path such as feeds[2].schedule
	Msg   string
}

func (e *Error) Error() string {
	return strings.ReplaceAll(e.line(), "\n", `\n`) // one line an error, whatever the file holds
}

func (e *Error) line() string {
	switch {
	case e.Line > 0 && e.Field != "":
		return fmt.Sprintf("%s:%d: %s: %s", e.File, e.Line, e.Field, e.Msg)
	case e.Line > 0:
		return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
	case e.Field != "":
		return fmt.Sprintf("%s: %s: %s", e.File, e.Field, e.Msg)
	}
	return fmt.Sprintf("%s: %s", e.File, e.Msg)
}

// Errors is every problem found in one file, in line order.
type Errors []*Error

func (es Errors) Error() string {
	lines := make([]string, len(es))
	for i, e := range es {
		lines[i] = e.Error()
	}
	return strings.Join(lines, "\n")
}

// Duration is a time.Duration written as "30s" or "5m".
type Duration time.Duration

// ByteSize is a size written as "10MiB", "512KB" or a plain number of bytes.
type ByteSize int64

// Load reads, expands and validates the file at path. The error, when not
// nil, is an Errors listing every problem found.
func Load(path string) (*Config, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	return Parse(path, raw, os.LookupEnv)
}

// Parse is Load on bytes already read; lookup expands ${VAR}.
func Parse(path string, raw []byte, lookup func(string) (string, bool)) (*Config, error) {
	d := &decoder{file: filepath.Base(path), lookup: lookup}
	var root yaml.Node
	if err := yaml.Unmarshal(raw, &root); err != nil {
		return nil, Errors{{File: d.file, Line: yamlErrLine(err), Msg: strings.TrimPrefix(err.Error(), "yaml: ")}}
	}
	cfg := &Config{Path: path}
	if abs, err := filepath.Abs(path); err == nil {
		cfg.Dir = filepath.Dir(abs)
	}
	if len(root.Content) > 0 {
		d.decode(root.Content[0], reflect.ValueOf(cfg).Elem(), "")
	} else {
		d.errorf(nil, "", "the file is empty")
	}
	if len(d.errs) == 0 {
		validate(d, cfg, &root)
	}
	if len(d.errs) > 0 {
		sort.SliceStable(d.errs, func(i, j int) bool { return d.errs[i].Line < d.errs[j].Line })
		return nil, d.errs
	}
	return cfg, nil
}

var lineRE = regexp.MustCompile(`line (\d+)`)

func yamlErrLine(err error) int {
	if m := lineRE.FindStringSubmatch(err.Error()); m != nil {
		n, _ := strconv.Atoi(m[1])
		return n
	}
	return 0
}

// decoder walks the YAML tree into Go values, collecting every error with
// its line and field path instead of stopping at the first.
type decoder struct {
	file   string
	lookup func(string) (string, bool)
	errs   Errors
	// lines remembers the line of every field path, for validation errors.
	lines map[string]int
	// nodes counts the nodes walked, aliases expanded: a file that
	// expands past maxNodes (an alias bomb) is refused.
	nodes int
}

// maxNodes bounds the size of a config once its aliases are expanded.
const maxNodes = 100_000

func (d *decoder) errorf(n *yaml.Node, field, format string, args ...any) {
	line := 0
	if n != nil {
		line = n.Line
	}
	d.errs = append(d.errs, &Error{File: d.file, Line: line, Field: field, Msg: fmt.Sprintf(format, args...)})
}

func (d *decoder) remember(field string, n *yaml.Node) {
	if d.lines == nil {
		d.lines = map[string]int{}
	}
	d.lines[field] = n.Line
}

var (
	durationType = reflect.TypeOf(Duration(0))
	byteSizeType = reflect.TypeOf(ByteSize(0))
	envRE        = regexp.MustCompile(`\$\{([A-Za-z_][A-Za-z0-9_]*)\}`)
)

func (d *decoder) decode(n *yaml.Node, v reflect.Value, field string) {
	if d.nodes++; d.nodes > maxNodes {
		if d.nodes == maxNodes+1 {
			d.errorf(n, field, "the file expands to more than %d values (aliases of aliases?)", maxNodes)
		}
		return
	}
	d.remember(field, n)
	if n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	if n.Kind == yaml.ScalarNode && n.Tag == "!!null" {
		return
	}
	switch {
	case v.Type() == durationType:
		s, ok := d.scalar(n, field)
		if !ok {
			return
		}
		dur, err := time.ParseDuration(s)
		if err != nil || dur < 0 {
			d.errorf(n, field, "%q is not a duration (try \"30s\" or \"5m\")", s)
			return
		}
		v.SetInt(int64(dur))
		return
	case v.Type() == byteSizeType:
		s, ok := d.scalar(n, field)
		if !ok {
			return
		}
		size, err := parseByteSize(s)
		if err != nil {
			d.errorf(n, field, "%q is not a size (try \"10MiB\" or \"512KB\")", s)
			return
		}
		v.SetInt(size)
		return
	}
	switch v.Kind() {
	case reflect.Pointer:
		p := reflect.New(v.Type().Elem())
		d.decode(n, p.Elem(), field)
		v.Set(p)
	case reflect.Struct:
		d.decodeStruct(n, v, field)
	case reflect.Slice:
		if n.Kind != yaml.SequenceNode {
			d.errorf(n, field, "want a list, found %s", describe(n))
			return
		}
		s := reflect.MakeSlice(v.Type(), len(n.Content), len(n.Content))
		for i, c := range n.Content {
			d.decode(c, s.Index(i), fmt.Sprintf("%s[%d]", field, i))
		}
		v.Set(s)
	case reflect.Map:
		if n.Kind != yaml.MappingNode {
			d.errorf(n, field, "want a mapping, found %s", describe(n))
			return
		}
		m := reflect.MakeMap(v.Type())
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, val := n.Content[i], n.Content[i+1]
			ev := reflect.New(v.Type().Elem()).Elem()
			d.decode(val, ev, join(field, k.Value))
			m.SetMapIndex(reflect.ValueOf(k.Value), ev)
		}
		v.Set(m)
	case reflect.String:
		if s, ok := d.scalar(n, field); ok {
			v.SetString(s)
		}
	case reflect.Bool:
		s, ok := d.scalar(n, field)
		if !ok {
			return
		}
		b, err := strconv.ParseBool(s)
		if err != nil || n.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle) != 0 {
			d.errorf(n, field, "%q is not true or false", s)
			return
		}
		v.SetBool(b)
	case reflect.Int, reflect.Int64:
		s, ok := d.scalar(n, field)
		if !ok {
			return
		}
		i, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			d.errorf(n, field, "%q is not a whole number", s)
			return
		}
		v.SetInt(i)
	case reflect.Float64:
		s, ok := d.scalar(n, field)
		if !ok {
			return
		}
		f, err := strconv.ParseFloat(s, 64)
		if err != nil {
			d.errorf(n, field, "%q is not a number", s)
			return
		}
		v.SetFloat(f)
	default:
		d.errorf(n, field, "unsupported field type %s", v.Type())
	}
}

func (d *decoder) decodeStruct(n *yaml.Node, v reflect.Value, field string) {
	if n.Kind != yaml.MappingNode {
		d.errorf(n, field, "want a mapping, found %s", describe(n))
		return
	}
	t := v.Type()
	byName := map[string]int{}
	var names []string
	for i := 0; i < t.NumField(); i++ {
		tag := strings.Split(t.Field(i).Tag.Get("yaml"), ",")[0]
		if tag == "" || tag == "-" {
			continue
		}
		byName[tag] = i
		names = append(names, tag)
	}
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, val := n.Content[i], n.Content[i+1]
		f := join(field, k.Value)
		idx, ok := byName[k.Value]
		if !ok {
			msg := "unknown field"
			if near := nearest(k.Value, names); near != "" {
				msg += fmt.Sprintf(" (did you mean %q?)", near)
			}
			d.errorf(k, f, "%s", msg)
			continue
		}
		if seen[k.Value] {
			d.errorf(k, f, "set twice")
			continue
		}
		seen[k.Value] = true
		d.decode(val, v.Field(idx), f)
	}
}

// scalar returns the node's text with ${VAR} expanded.
func (d *decoder) scalar(n *yaml.Node, field string) (string, bool) {
	if n.Kind != yaml.ScalarNode {
		d.errorf(n, field, "want a single value, found %s", describe(n))
		return "", false
	}
	ok := true
	s := envRE.ReplaceAllStringFunc(n.Value, func(m string) string {
		name := envRE.FindStringSubmatch(m)[1]
		val, found := d.lookup(name)
		if !found {
			d.errorf(n, field, "environment variable %s is not set", name)
			ok = false
		}
		return val
	})
	return s, ok
}

func describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		return fmt.Sprintf("%q", n.Value)
	}
	return "something else"
}

func join(field, key string) string {
	if strings.ContainsFunc(key, func(r rune) bool { return !unicode.IsPrint(r) }) {
		key = strconv.Quote(key) // a key with a line break or a control character
	}
	if field == "" {
		return key
	}
	return field + "." + key
}

// nearest suggests the known name closest to a misspelt key.
func nearest(key string, names []string) string {
	best, bestDist := "", 3
	for _, n := range names {
		if dist := editDistance(key, n); dist < bestDist {
			best, bestDist = n, dist
		}
	}
	return best
}

func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

var sizeRE = regexp.MustCompile(`^\s*(\d+(?:\.\d+)?)\s*([KMG]i?B|B)?\s*$`)

func parseByteSize(s string) (int64, error) {
	m := sizeRE.FindStringSubmatch(s)
	if m == nil {
		return 0, errors.New("bad size")
	}
	f, err := strconv.ParseFloat(m[1], 64)
	if err != nil {
		return 0, err
	}
	mult := map[string]float64{"": 1, "B": 1, "KB": 1e3, "MB": 1e6, "GB": 1e9, "KiB": 1 << 10, "MiB": 1 << 20, "GiB": 1 << 30}[m[2]]
	return int64(f * mult), nil
}
