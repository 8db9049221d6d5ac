package rules

import "testing"

func testMatcher(t testing.TB) *Matcher {
	t.Helper()
	g, err := LoadGazetteer(nil)
	if err != nil {
		t.Fatal(err)
	}
	m, err := NewMatcher(g)
	if err != nil {
		t.Fatal(err)
	}
	return m
}
