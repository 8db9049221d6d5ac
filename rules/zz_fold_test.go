package rules

import "testing"

func BenchmarkZFold(b *testing.B) {
	text := benchText(benchItem)
	var f folder
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		f.fold(text)
	}
}

func BenchmarkZFoldAR(b *testing.B) {
	text := benchText(benchItemAR)[700:]
	var f folder
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		f.fold(text)
	}
}

func BenchmarkZScan(b *testing.B) {
	m := testMatcher(b)
	text := benchText(benchItem)
	var f folder
	var raw []rawMatch
	var ids []int32
	f.fold(text)
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		raw, ids = m.ac.scan(&f, raw[:0], ids)
	}
}

func BenchmarkZScanAR(b *testing.B) {
	m := testMatcher(b)
	text := benchText(benchItemAR)[700:]
	var f folder
	var raw []rawMatch
	var ids []int32
	f.fold(text)
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		raw, ids = m.ac.scan(&f, raw[:0], ids)
	}
}
