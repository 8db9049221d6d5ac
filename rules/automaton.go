package rules

// automaton is an Aho-Corasick automaton compiled to a dense DFA over byte
// classes: one table lookup per input byte finds every pattern in one pass.
type automaton struct {
	cls     [256]uint8
	ncls    int
	delta   []int32 // delta[s*ncls+c]: next state times ncls; outBit set when that state ends a pattern
	outPat  []int32 // pattern that ends exactly at the state, or -1
	dict    []int32 // next state on the failure chain that ends a pattern, or -1
	patLen  []int32
	nstates int
	depth   int // length of the longest pattern
}

const outBit = 1 << 30

// buildAutomaton compiles the patterns (byte strings, already folded).
func buildAutomaton(pats []string) *automaton {
	a := &automaton{}
	// byte classes: every byte used by a pattern gets its own class; class 0
	// is every other byte.
	used := [256]bool{}
	for _, p := range pats {
		for i := 0; i < len(p); i++ {
			used[p[i]] = true
		}
	}
	a.ncls = 1
	for b := 0; b < 256; b++ {
		if used[b] {
			a.cls[b] = uint8(a.ncls)
			a.ncls++
		}
	}
	// trie with sparse children while building
	type node struct {
		next map[uint8]int32
	}
	nodes := []node{{next: map[uint8]int32{}}}
	a.outPat = []int32{-1}
	for pid, p := range pats {
		s := int32(0)
		for i := 0; i < len(p); i++ {
			c := a.cls[p[i]]
			n, ok := nodes[s].next[c]
			if !ok {
				n = int32(len(nodes))
				nodes = append(nodes, node{next: map[uint8]int32{}})
				a.outPat = append(a.outPat, -1)
				nodes[s].next[c] = n
			}
			s = n
		}
		if a.outPat[s] < 0 {
			a.outPat[s] = int32(pid)
		}
		a.patLen = append(a.patLen, int32(len(p)))
		a.depth = max(a.depth, len(p))
	}
	// number the states breadth-first: the shallow states, which most bytes
	// of a text visit, then share cache lines
	n := len(nodes)
	order := make([]int32, 0, n)
	order = append(order, 0)
	for q := 0; q < len(order); q++ {
		nd := &nodes[order[q]]
		for c := 0; c < a.ncls; c++ {
			if t, ok := nd.next[uint8(c)]; ok {
				order = append(order, t)
			}
		}
	}
	newID := make([]int32, n)
	for i, old := range order {
		newID[old] = int32(i)
	}
	renum := make([]node, n)
	outPat := make([]int32, n)
	for old := range nodes {
		nd := node{next: make(map[uint8]int32, len(nodes[old].next))}
		for c, t := range nodes[old].next {
			nd.next[c] = newID[t]
		}
		renum[newID[old]] = nd
		outPat[newID[old]] = a.outPat[old]
	}
	nodes, a.outPat = renum, outPat
	a.nstates = n
	fail := make([]int32, n)
	a.dict = make([]int32, n)
	a.delta = make([]int32, n*a.ncls)
	// breadth-first: a state's failure target is complete before the state
	queue := make([]int32, 0, n)
	for c := 0; c < a.ncls; c++ {
		if t, ok := nodes[0].next[uint8(c)]; ok {
			a.delta[c] = t
			fail[t] = 0
			queue = append(queue, t)
		}
	}
	a.dict[0] = -1
	for q := 0; q < len(queue); q++ {
		s := queue[q]
		f := fail[s]
		if a.outPat[f] >= 0 {
			a.dict[s] = f
		} else {
			a.dict[s] = a.dict[f]
		}
		for c := 0; c < a.ncls; c++ {
			if t, ok := nodes[s].next[uint8(c)]; ok {
				a.delta[int(s)*a.ncls+c] = t
				fail[t] = a.delta[int(f)*a.ncls+c] &^ outBit
				queue = append(queue, t)
			} else {
				a.delta[int(s)*a.ncls+c] = a.delta[int(f)*a.ncls+c] &^ outBit
			}
		}
	}
	// mark transitions into states that end a pattern (directly or on their
	// failure chain) so the scan loop tests one bit
	for i, t := range a.delta {
		v := t * int32(a.ncls) // rows pre-multiplied: one add per byte
		if a.outPat[t] >= 0 || a.dict[t] >= 0 {
			v |= outBit
		}
		a.delta[i] = v
	}
	return a
}

// rawMatch is one occurrence of a pattern: text[end-len:end].
type rawMatch struct {
	end int32
	pat int32
}

// scan appends every occurrence of every pattern in text to out, in order
// of their end (and, at one end, longest first); tmp is scratch space,
// returned for reuse.
//
// The scan is latency-bound: each table lookup waits for the one before.
// A text of some length is therefore read as four quarters by four chains
// interleaved in one loop, so that their lookups overlap. A chain starts
// a.depth bytes before its quarter: after reading that many bytes an
// automaton is in the same state whatever it started from, since no state
// stands for more than a.depth bytes. Each chain reports only the matches
// that end in its own quarter.
func (a *automaton) scan(text []byte, out, tmp []rawMatch) ([]rawMatch, []rawMatch) {
	tmp = tmp[:0]
	n := len(text)
	if n < 4*a.depth+16 {
		return a.scanFrom(text, 0, 0, n, out), tmp
	}
	q := n / 4
	b1, b2, b3 := q, 2*q, 3*q // chain k reads its quarter up to b(k+1), the last one to n
	ncls := int32(a.ncls)
	delta := a.delta
	cls := &a.cls
	var s0, s1, s2, s3 int32
	// warm chains 1..3 up on the bytes before their quarters
	i1, i2, i3 := b1-a.depth, b2-a.depth, b3-a.depth
	for ; i1 < b1; i1, i2, i3 = i1+1, i2+1, i3+1 {
		s1 = delta[(s1&^outBit)+int32(cls[text[i1]])]
		s2 = delta[(s2&^outBit)+int32(cls[text[i2]])]
		s3 = delta[(s3&^outBit)+int32(cls[text[i3]])]
	}
	i0 := 0
	for ; i0 < b1; i0, i1, i2, i3 = i0+1, i1+1, i2+1, i3+1 {
		s0 = delta[(s0&^outBit)+int32(cls[text[i0]])]
		s1 = delta[(s1&^outBit)+int32(cls[text[i1]])]
		s2 = delta[(s2&^outBit)+int32(cls[text[i2]])]
		s3 = delta[(s3&^outBit)+int32(cls[text[i3]])]
		if (s0|s1|s2|s3)&outBit != 0 {
			if s0&outBit != 0 {
				out = a.report(s0&^outBit/ncls, i0+1, out)
			}
			if s1&outBit != 0 {
				tmp = a.report(s1&^outBit/ncls, i1+1, tmp)
			}
			if s2&outBit != 0 {
				tmp = a.report(s2&^outBit/ncls, i2+1, tmp)
			}
			if s3&outBit != 0 {
				tmp = a.report(s3&^outBit/ncls, i3+1, tmp)
			}
		}
	}
	// the last quarter may be up to three bytes longer
	tmp = a.scanFrom(text, s3&^outBit, i3, n, tmp)
	// chains 1..3 reported into tmp interleaved: append them chain by chain
	for _, r := range [3][2]int{{b1, b2}, {b2, b3}, {b3, n}} {
		for _, m := range tmp {
			if int(m.end) > r[0] && int(m.end) <= r[1] {
				out = append(out, m)
			}
		}
	}
	return out, tmp
}

// scanFrom runs the automaton from row offset s over text[i:end] and
// appends the matches to out.
func (a *automaton) scanFrom(text []byte, s int32, i, end int, out []rawMatch) []rawMatch {
	ncls := int32(a.ncls)
	delta := a.delta
	cls := &a.cls
	for ; i < end; i++ {
		s = delta[s+int32(cls[text[i]])]
		if s&outBit != 0 {
			s &^= outBit
			out = a.report(s/ncls, i+1, out)
		}
	}
	return out
}

// report appends the patterns that end at state t, at text offset end.
func (a *automaton) report(t int32, end int, out []rawMatch) []rawMatch {
	for ; t >= 0; t = a.dict[t] {
		if p := a.outPat[t]; p >= 0 {
			out = append(out, rawMatch{int32(end), p})
		}
	}
	return out
}
