package rules

import (
	"encoding/binary"
	"slices"
	"strings"
)

// automaton finds every pattern — a phrase of folded words — in the tokens
// of a folded text in one pass: an Aho-Corasick automaton whose alphabet is
// the words the patterns use. Each token is looked up once in a hash table
// of those words, whose slot also gives the state the word leads to from the
// root; a token that no pattern uses sends the automaton back to its root,
// which is what most tokens of a text do. From any other state, one lookup
// in a table of the transitions that differ from the root's (failure links
// followed when the automaton is built) gives the next state, so the scan
// never walks a failure chain. Patterns never span a clause or sentence
// break.
//
// The last word of a stem pattern may also be the start of a longer token
// (Arabic suffixes: قصفت, قصفوا). Those are found by checking the token
// against the stem words that can follow the current state, and, from the
// root, by a small byte trie walked over the token's first bytes.
type automaton struct {
	words []string // vocabulary: words[id]
	slots []vslot  // open addressing over the vocabulary; len a power of two
	smask uint64
	// filter has one bit per value of a word hash's top bits, set for the
	// vocabulary: most tokens of a text are not in it, and this small
	// table answers that without touching the larger one
	filter [1 << (filterBits - 6)]uint64

	rootNext []int32  // state after word id from the root, 0 if none
	st       []astate // per state: what the scan loop reads of it
	delta    []aedge  // (state, word) -> state, failures followed, where it differs from the root's
	dmask    uint64   // len(delta)-1
	pat      []apat   // per pattern p, at p+1: its length in bytes and in words
	maxEnds  int      // the most patterns that end at one state, failure chain included
	stems    [][]stem // per state: the stem words that may follow it, failure chain included (root excluded)

	// stem words from the root: a byte trie over the words' bytes
	stemCls  [256]uint8 // byte class, 0 for a byte no stem word uses
	stemNcls int
	stemNext []int32 // stemNext[s*stemNcls+c]: next state, 0 = none (state 0 is never re-entered)
	stemOut  []int32 // pattern that a stem word ending at the state ends, or -1
	// wordStems[w]: the matches of stem words from the root in vocabulary
	// word w, found once when the automaton is built (end is the length
	// of the stem word)
	wordStems [][]rawMatch
	nstates   int
}

// vslot holds a word of the vocabulary: its first 16 bytes, zero-padded
// (lo is emptySlot for an empty slot: eight 0xFF bytes, which no folded
// text holds, and which the key of an empty token, zero, never equals), its
// id, and the state the automaton goes to on it from the root.
type vslot struct {
	lo, hi   uint64
	id, root int32
	long     bool // the word is longer than its key
	step     bool // a token of the word is for step, not scanRun: long, or it starts with stem words
}

// astate is one state of the automaton, packed for the scan loop.
type astate struct {
	fail  int32 // failure state
	out   int32 // pattern that ends exactly at the state, or -1
	dict  int32 // next state on the failure chain that ends a pattern, or -1
	flags uint8 // sStems
}

// apat is what a match needs of its pattern.
type apat struct {
	len, words int32
}

// sStems marks a state that a stem word may follow.
const sStems = 1

type aedge struct {
	key uint64 // state<<32 | word; emptyEdge when free
	to  int32
}

const emptyEdge = ^uint64(0)

const emptySlot = ^uint64(0)

const filterBits = 15

// stem is a word that ends pattern pat when a token merely starts with it.
type stem struct {
	word string
	pat  int32
}

// rawMatch is one occurrence of pattern pat, which ends at folded byte end
// in token t1-1. Where it starts follows from the pattern's length:
// automaton.from gives it.
type rawMatch struct {
	end, pat, t1 int32
}

// from returns where match r starts: its first folded byte, and its first
// token.
func (a *automaton) from(r rawMatch) (start, t0 int32) {
	pt := a.pat[r.pat+1]
	return r.end - pt.len, r.t1 - pt.words
}

// buildAutomaton compiles the patterns: folded phrases whose words are
// separated by one space. stemPat[p] tells that pattern p's last word may
// go on in the text. The extra words join the vocabulary without being
// patterns, so that the scan gives their ids too.
func buildAutomaton(pats []string, stemPat []bool, extra []string) *automaton {
	a := &automaton{}
	ids := map[string]int32{}
	wordID := func(w string) int32 {
		id, ok := ids[w]
		if !ok {
			id = int32(len(a.words))
			ids[w] = id
			a.words = append(a.words, w)
		}
		return id
	}
	a.pat = []apat{{}} // pattern -1, which no state ends, at 0
	// the trie, with sparse children while building
	children := []map[int32]int32{{}}
	outPat := []int32{-1}
	ownStems := map[int32][]stem{}
	for pid, p := range pats {
		ws := strings.Split(p, " ")
		a.pat = append(a.pat, apat{int32(len(p)), int32(len(ws))}) // pattern pid at pid+1
		s := int32(0)
		for _, w := range ws {
			id := wordID(w)
			n, ok := children[s][id]
			if !ok {
				n = int32(len(children))
				children = append(children, map[int32]int32{})
				outPat = append(outPat, -1)
				children[s][id] = n
			}
			s = n
		}
		outPat[s] = int32(pid)
		if stemPat[pid] {
			// the parent of the last word is where the stem may follow
			par := int32(0)
			for _, w := range ws[:len(ws)-1] {
				par = children[par][ids[w]]
			}
			ownStems[par] = append(ownStems[par], stem{ws[len(ws)-1], int32(pid)})
		}
	}
	for _, w := range extra {
		wordID(w)
	}
	n := len(children)
	a.nstates = n
	// vocabulary table at most half full
	size := 16
	for size < 2*len(a.words) {
		size *= 2
	}
	a.slots = make([]vslot, size)
	for i := range a.slots {
		a.slots[i].lo = emptySlot
	}
	a.smask = uint64(size - 1)
	for id, w := range a.words {
		lo, hi := wordKey([]byte(w), 0, len(w))
		i := keyHash(lo, hi) & a.smask
		for a.slots[i].lo != emptySlot {
			i = (i + 1) & a.smask
		}
		a.slots[i] = vslot{lo: lo, hi: hi, id: int32(id), long: len(w) > 16}
		f := keyHash(lo, hi) >> (64 - filterBits)
		a.filter[f>>6] |= 1 << (f & 63)
	}
	// goto edges from the root
	a.rootNext = make([]int32, len(a.words))
	for w, t := range children[0] {
		a.rootNext[w] = t
	}
	for i := range a.slots {
		if a.slots[i].lo != emptySlot {
			a.slots[i].root = a.rootNext[a.slots[i].id]
		}
	}
	// failure and output links, breadth first
	a.st = make([]astate, n)
	a.stems = make([][]stem, n)
	for s := range a.st {
		a.st[s].out, a.st[s].dict = outPat[s], -1
	}
	queue := make([]int32, 0, n)
	for _, t := range children[0] {
		queue = append(queue, t)
	}
	for q := 0; q < len(queue); q++ {
		s := queue[q]
		f := a.st[s].fail
		if s != 0 {
			a.stems[s] = append(append([]stem(nil), ownStems[s]...), a.stems[f]...)
			if len(a.stems[s]) > 0 {
				a.st[s].flags |= sStems
			}
		}
		for w, t := range children[s] {
			queue = append(queue, t)
			ft := a.next(children, f, w)
			a.st[t].fail = ft
			if outPat[ft] >= 0 {
				a.st[t].dict = ft
			} else {
				a.st[t].dict = a.st[ft].dict
			}
		}
	}
	a.maxEnds = 1 // at least one, so that scanRun can divide by it
	for s := range a.st {
		n := 0
		for e := &a.st[s]; ; e = &a.st[e.dict] {
			if e.out >= 0 {
				n++
			}
			if e.dict < 0 {
				break
			}
		}
		a.maxEnds = max(a.maxEnds, n)
	}
	a.buildDelta(children, queue)
	a.buildStemTrie(ownStems[0])
	a.wordStems = make([][]rawMatch, len(a.words))
	for w, word := range a.words {
		if a.stemCls[word[0]] != 0 {
			a.wordStems[w] = a.rootStems([]byte(word), 0, 0, nil)
		}
	}
	for i := range a.slots {
		if sl := &a.slots[i]; sl.lo != emptySlot {
			sl.step = sl.long || a.wordStems[sl.id] != nil
		}
	}
	return a
}

// buildDelta compiles the transitions of the automaton as a DFA would have
// them, failures followed: delta holds next(s, w) for every state s but the
// root and word w on which it differs from the root's transition, so that
// the scan finds any transition in one lookup. order is the states in
// breadth-first order, failure states before the states that fail to them.
func (a *automaton) buildDelta(children []map[int32]int32, order []int32) {
	// words[s]: the words that a state on the failure chain of s (the root
	// excluded) has a goto on
	words := make([][]int32, len(children))
	type entry struct{ s, w, t int32 }
	var entries []entry
	for _, s := range order {
		f := a.st[s].fail
		seen := map[int32]bool{}
		var ws []int32
		for w := range children[s] {
			ws = append(ws, w)
			seen[w] = true
		}
		if f != 0 {
			for _, w := range words[f] {
				if !seen[w] {
					ws = append(ws, w)
				}
			}
		}
		words[s] = ws
		for _, w := range ws {
			if t := a.next(children, s, w); t != a.rootNext[w] {
				entries = append(entries, entry{s, w, t})
			}
		}
	}
	size := 16
	for size < 2*len(entries) {
		size *= 2
	}
	a.delta = make([]aedge, size)
	for i := range a.delta {
		a.delta[i].key = emptyEdge
	}
	a.dmask = uint64(size - 1)
	for _, e := range entries {
		key := uint64(e.s)<<32 | uint64(e.w)
		i := edgeHash(key) & a.dmask
		for a.delta[i].key != emptyEdge {
			i = (i + 1) & a.dmask
		}
		a.delta[i] = aedge{key, e.t}
	}
}

// buildStemTrie compiles the stem words that may start a pattern.
func (a *automaton) buildStemTrie(roots []stem) {
	a.stemNcls = 1
	for _, st := range roots {
		for i := 0; i < len(st.word); i++ {
			if c := st.word[i]; a.stemCls[c] == 0 {
				a.stemCls[c] = uint8(a.stemNcls)
				a.stemNcls++
			}
		}
	}
	// state 0 is the dead state, state 1 the start
	a.stemNext = make([]int32, 2*a.stemNcls)
	a.stemOut = []int32{-1, -1}
	for _, st := range roots {
		s := int32(1)
		for i := 0; i < len(st.word); i++ {
			c := int32(a.stemCls[st.word[i]])
			t := a.stemNext[s*int32(a.stemNcls)+c]
			if t == 0 {
				t = int32(len(a.stemOut))
				a.stemOut = append(a.stemOut, -1)
				a.stemNext = append(a.stemNext, make([]int32, a.stemNcls)...)
				a.stemNext[s*int32(a.stemNcls)+c] = t
			}
			s = t
		}
		a.stemOut[s] = st.pat
	}
}

// wordKey packs the first 16 bytes of text[start:end] into two words,
// zero-padded.
func wordKey(text []byte, start, end int) (lo, hi uint64) {
	n := end - start
	if start+16 <= len(text) {
		lo = binary.LittleEndian.Uint64(text[start:])
		hi = binary.LittleEndian.Uint64(text[start+8:])
		if n < 8 {
			return lo & (1<<(8*n) - 1), 0
		}
		if n < 16 {
			return lo, hi & (1<<(8*(n-8)) - 1)
		}
		return lo, hi
	}
	for k := 0; k < n && k < 16; k++ {
		if k < 8 {
			lo |= uint64(text[start+k]) << (8 * k)
		} else {
			hi |= uint64(text[start+k]) << (8 * (k - 8))
		}
	}
	return lo, hi
}

func keyHash(lo, hi uint64) uint64 {
	h := lo*0x9E3779B97F4A7C15 ^ hi*0xC2B2AE3D27D4EB4F
	return h ^ h>>31
}

func edgeHash(key uint64) uint64 {
	key *= 0x9E3779B97F4A7C15
	return key ^ key>>29
}

// word returns the vocabulary id of the token text[start:end], or -1.
func (a *automaton) word(text []byte, start, end int) int32 {
	lo, hi := wordKey(text, start, end)
	return a.lookup(lo, hi, text[start:end])
}

// keyMask[n] keeps the first n bytes of a 16-byte key.
var keyMask = func() (m [17][2]uint64) {
	for n := range m {
		for k := 0; k < n; k++ {
			m[n][k/8] |= 0xFF << (8 * (k % 8))
		}
	}
	return m
}()

// lookup finds the word tok whose key is lo, hi.
func (a *automaton) lookup(lo, hi uint64, tok []byte) int32 {
	h := keyHash(lo, hi)
	if f := h >> (64 - filterBits); a.filter[f>>6]&(1<<(f&63)) == 0 {
		return -1
	}
	for i := h & a.smask; ; i = (i + 1) & a.smask {
		sl := &a.slots[i]
		if sl.lo == lo && sl.hi == hi && (len(tok) <= 16 && !sl.long || a.words[sl.id] == string(tok)) {
			return sl.id
		}
		if sl.lo == emptySlot {
			return -1
		}
	}
}

// next is the state after s on word w, failures followed, from the goto
// edges of the trie being built.
func (a *automaton) next(children []map[int32]int32, s, w int32) int32 {
	for {
		if t, ok := children[s][w]; ok {
			return t
		}
		if s == 0 {
			return 0
		}
		s = a.st[s].fail
	}
}

// scan appends every occurrence of every pattern in the folded text to out,
// in order of the token they end in (and, in one token, longest first).
// ids is scratch space for the tokens' word ids, returned for reuse.
//
// The tokens are read in runs by scanRun, a loop that calls no function so
// that its values stay in registers; a token that needs more (a word longer
// than a key, a stem word to look for, room for more matches) is taken by
// step.
func (a *automaton) scan(f *folder, out []rawMatch, ids []int32) ([]rawMatch, []int32) {
	if cap(ids) < len(f.toks) {
		ids = make([]int32, len(f.toks), len(f.toks)+len(f.toks)/4)
	}
	ids = ids[:len(f.toks)]
	var s int32
	for j := 0; j < len(f.toks); j++ {
		j, s, out = a.scanRun(f, j, s, out, ids)
		if j < len(f.toks) {
			s, out = a.step(f, j, s, out, ids)
		}
	}
	return out, ids
}

// scanRun steps the automaton from state s over the tokens of f from j on,
// writing their word ids to ids and their matches to out, while each token
// is a word of at most 16 bytes, neither the state nor the token has stem
// words to look for, and out has room for every match that a token can
// end. It returns the first token it did not take, the state and out.
func (a *automaton) scanRun(f *folder, j int, s int32, out []rawMatch, ids []int32) (int, int32, []rawMatch) {
	text := f.out[:cap(f.out)] // the folder leaves 16 bytes after the text
	toks := f.toks[:len(ids)]
	st, slots, smask := a.st, a.slots, a.smask
	sflags := st[s].flags
	// the tokens out has room for
	end := min(len(toks), j+(cap(out)-len(out))/a.maxEnds)
	for ; j < end; j++ {
		tk := &toks[j]
		if tk.end-tk.start > 16 {
			break
		}
		lo, hi := tokKey(text, tk)
		// the word's id: its key looked up, as lookup does for a word of
		// at most 16 bytes
		w, root, step := int32(-1), int32(0), false
		h := keyHash(lo, hi)
		if fb := h >> (64 - filterBits); a.filter[fb>>6]&(1<<(fb&63)) != 0 {
			for i := h & smask; ; i = (i + 1) & smask {
				sl := &slots[i]
				if sl.lo == lo && sl.hi == hi {
					w, root, step = sl.id, sl.root, sl.step
					break
				}
				if sl.lo == emptySlot {
					break
				}
			}
		}
		if step || w < 0 && a.stemCls[byte(lo)] != 0 {
			break // a word that step takes, or a token that may start with stem words
		}
		if tk.brk {
			s, sflags = 0, 0 // a clause or sentence break
		}
		if sflags&sStems != 0 {
			break
		}
		ids[j] = w
		s = a.move(s, w, root)
		// the patterns that end here, as ends appends them
		e := &st[s]
		sflags = e.flags
		for ; ; e = &st[e.dict] {
			if p := e.out; p >= 0 {
				n := len(out)
				out = out[:n+1]
				m := &out[n]
				m.end, m.pat, m.t1 = tk.end, p, int32(j)+1
			}
			if e.dict < 0 {
				break
			}
		}
	}
	return j, s, out
}

// step takes token j of f from state s, as scanRun does, for any token:
// it looks for stem words, and makes room in out.
func (a *automaton) step(f *folder, j int, s int32, out []rawMatch, ids []int32) (int32, []rawMatch) {
	text := f.out[:cap(f.out)]
	tk := &f.toks[j]
	tok := text[tk.start:tk.end]
	lo, hi := tokKey(text, tk)
	w := a.lookup(lo, hi, tok)
	root := int32(0)
	if w >= 0 {
		root = a.rootNext[w]
	}
	ids[j] = w
	if tk.brk {
		s = 0 // a clause or sentence break
	}
	if a.st[s].flags&sStems != 0 {
		out = a.stemsAfter(s, tok, tk.start, int32(j), out)
	}
	if a.stemCls[byte(lo)] != 0 {
		out = a.tokenStems(f, j, w, out)
	}
	s = a.move(s, w, root)
	// room for the matches of this token and the next ones
	out = slices.Grow(out, a.maxEnds*(len(f.toks)-j))
	return s, a.ends(s, tk.end, int32(j), out)
}

// tokKey returns the key of token tk of the folded text: its first 16
// bytes, zero-padded.
func tokKey(text []byte, tk *token) (lo, hi uint64) {
	start := int(tk.start)
	k := &keyMask[min(int(tk.end)-start, 16)]
	kb := text[start : start+16 : start+16] // one bounds check for both halves
	return binary.LittleEndian.Uint64(kb) & k[0], binary.LittleEndian.Uint64(kb[8:]) & k[1]
}

// move returns the state after s on word w (-1 for none), whose state from
// the root is root.
func (a *automaton) move(s, w, root int32) int32 {
	if s == 0 || w < 0 {
		return root
	}
	dk := uint64(s)<<32 | uint64(w)
	for i := edgeHash(dk) & a.dmask; ; i = (i + 1) & a.dmask {
		e := &a.delta[i]
		if e.key == dk {
			return e.to
		}
		if e.key == emptyEdge {
			return root // no transition of the state's own
		}
	}
}

// ends appends the patterns that end at state s, at end in token j: the
// state's own (the root has none), then those of the states on its failure
// chain. out has room for a.maxEnds more.
func (a *automaton) ends(s, end, j int32, out []rawMatch) []rawMatch {
	for e := &a.st[s]; ; e = &a.st[e.dict] {
		if p := e.out; p >= 0 {
			// (field by field: a struct this size is built on the stack
			// and copied otherwise)
			n := len(out)
			out = out[:n+1]
			m := &out[n]
			m.end, m.pat, m.t1 = end, p, j+1
		}
		if e.dict < 0 {
			return out
		}
	}
}

// stemsAfter reports the stem words that may follow state s which the
// token starts with (and goes on after).
func (a *automaton) stemsAfter(s int32, tok []byte, start, j int32, out []rawMatch) []rawMatch {
	for _, st := range a.stems[s] {
		if len(tok) > len(st.word) && string(tok[:len(st.word)]) == st.word {
			out = a.found(st.pat, start+int32(len(st.word)), j, out)
		}
	}
	return out
}

// tokenStems reports the stem words from the root that token j of f, whose
// word id is w or -1, starts with (and goes on after). A word of the
// vocabulary has them found already.
func (a *automaton) tokenStems(f *folder, j int, w int32, out []rawMatch) []rawMatch {
	tk := &f.toks[j]
	if w < 0 {
		return a.rootStems(f.out[tk.start:tk.end], tk.start, int32(j), out)
	}
	for _, m := range a.wordStems[w] {
		out = a.found(m.pat, tk.start+m.end, int32(j), out)
	}
	return out
}

// rootStems reports the stem words a token starts with (and goes on after).
func (a *automaton) rootStems(tok []byte, start, j int32, out []rawMatch) []rawMatch {
	s := int32(1)
	ncls := int32(a.stemNcls)
	for k := 0; k < len(tok)-1; k++ {
		s = a.stemNext[s*ncls+int32(a.stemCls[tok[k]])]
		if s == 0 {
			break
		}
		if p := a.stemOut[s]; p >= 0 {
			out = a.found(p, start+int32(k+1), j, out)
		}
	}
	return out
}

func (a *automaton) found(p, end, j int32, out []rawMatch) []rawMatch {
	return append(out, rawMatch{end: end, pat: p, t1: j + 1})
}
