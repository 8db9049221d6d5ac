package rules

import (
	"encoding/binary"
	"math/bits"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Normalize folds s the way the matcher reads text, so that names match
// however outlets write them: Latin letters lower-cased with their accents
// dropped and doubled letters written once (Assad, Asad); hyphens, quotes and
// other punctuation turned into one space; apostrophes inside words dropped
// (Kata'ib) and the possessive "'s" removed; initials joined (U.S. -> us);
// letters and digits split apart (K1 -> k 1); Arabic letters unified
// (أ إ آ -> ا, ة -> ه, ى -> ي, ؤ -> و, ئ -> ي), diacritics and tatweel dropped,
// Arabic-Indic digits made ASCII, and the attached prefixes و ب ل ف ك and the
// article ال removed from the front of each Arabic word. A sentence end is
// written "\n" and a clause break ",".
func Normalize(s string) string {
	var f folder
	f.fold(s)
	return string(f.out)
}

// token is one word of the folded text: out[start:end].
type token struct {
	start, end int32
	sent       int32 // sentence index
	num        int32 // value when the token is all digits, else -1
	ent        bool  // inside a site or region name ("Tower 22"): not a count
	brk        bool  // a clause or sentence break comes before it
}

// folder folds text into out and keeps, for every output byte, the offset of
// the input character it came from. A folder is reused across items.
type folder struct {
	src  string
	out  []byte
	off  []int32 // off[i]: offset in src of the character that produced out[i]
	toks []token
	// sentStart[i] is the index of the first token of sentence i.
	sentStart []int32

	pend     byte  // separator waiting for the next token: 0, ' ', ',' or '\n'
	pendOff  int32 // offset of the first character of that separator
	tokStart int   // start of the current token in out; -1 between tokens
	tokKind  byte  // 'a' Latin letter, 'd' digit, 'r' Arabic, 'o' other letter
	initials bool  // the current token was built from dotted initials (U.S.)
	tokBrk   bool  // a clause or sentence break comes before the current token
	sent     int32
}

func (f *folder) reset(src string) {
	f.src = src
	f.out = f.out[:0]
	f.off = f.off[:0]
	f.toks = f.toks[:0]
	f.sentStart = f.sentStart[:0]
	f.pend = 0
	f.tokStart = -1
	f.tokKind = 0
	f.initials = false
	f.tokBrk = false
	f.sent = 0
}

// fold folds src into f.out.
func (f *folder) fold(src string) {
	f.reset(src)
	if cap(f.out) < len(src)+8 {
		f.out = make([]byte, 0, len(src)+len(src)/4+8)
		f.off = make([]int32, 0, cap(f.out))
	}
	f.sentStart = append(f.sentStart, 0)
	for i := 0; i < len(src); {
		c := src[i]
		if c < utf8.RuneSelf {
			switch asciiClass[c] {
			case acLower, acUpper:
				if f.tokStart < 0 {
					// a word starts (emit, inlined)
					f.startToken(int32(i))
					f.tokKind = 'a'
					f.out = append(f.out, c|0x20)
					f.off = append(f.off, int32(i))
					i++
				} else if f.tokKind != 'a' {
					f.emit(c|0x20, int32(i), 'a')
					i++
				}
				i = f.latinRun(i)
				continue
			case acDigit:
				f.emit(c, int32(i), 'd')
			case acApos:
				i += f.apostrophe(i, 1)
				continue
			case acPeriod:
				f.period(i)
			case acComma:
				f.sep(',', int32(i))
			case acBreak:
				f.sep('\n', int32(i))
			case acDrop:
			default:
				// sep(' '), with the end of a Latin word inlined
				if f.tokStart >= 0 && f.tokKind == 'a' {
					f.toks = append(f.toks, token{start: int32(f.tokStart), end: int32(len(f.out)), sent: f.sent, num: -1, brk: f.tokBrk})
					f.tokStart = -1
				} else if f.tokStart >= 0 {
					f.endToken()
				}
				if f.pend == 0 {
					f.pend, f.pendOff = ' ', int32(i)
				}
			}
			i++
			continue
		}
		if c >= 0xD8 && c <= 0xDB && i+1 < len(src) && src[i+1]&0xC0 == 0x80 {
			// fast path: the Arabic block, U+0600..U+06FF
			a := &arabicTab[int(c&0x3)<<6|int(src[i+1]&0x3F)]
			switch a.kind {
			case arLetter:
				if f.tokStart >= 0 && f.tokKind == 'r' {
					f.out = append(f.out, a.b0, a.b1)
					f.off = append(f.off, int32(i), int32(i))
				} else {
					f.emit(a.b0, int32(i), 'r')
					f.out = append(f.out, a.b1)
					f.off = append(f.off, int32(i))
				}
				i = f.arabicRun(i + 2)
				continue
			case arDigit:
				f.emit(a.b0, int32(i), 'd')
			case arSep:
				f.sep(a.b0, int32(i))
			}
			i += 2
			continue
		}
		r, size := utf8.DecodeRuneInString(src[i:])
		if r == utf8.RuneError && size <= 1 {
			f.sep(' ', int32(i))
			i++
			continue
		}
		switch {
		case r >= 0x0600 && r <= 0x06FF:
			f.arabic(r, int32(i))
		case r == 0x2018 || r == 0x2019 || r == 0x02BC || r == 0x02BB || r == 0x00B4 || r == 0x2032:
			i += f.apostrophe(i, size)
			continue
		case r == 0x2013 || r == 0x2014 || r == 0x2015:
			f.sep(',', int32(i))
		case r == 0x2026:
			f.sep(' ', int32(i))
		case r == 0x00AD || (r >= 0x200B && r <= 0x200F) || (r >= 0x202A && r <= 0x202E) ||
			(r >= 0x2066 && r <= 0x2069) || r == 0xFEFF:
			// invisible: soft hyphen, zero-width and direction marks
		default:
			f.other(r, src[i:i+size], int32(i))
		}
		i += size
	}
	f.endToken()
	if len(f.toks) == 0 {
		f.sentStart = f.sentStart[:0]
	}
	if cap(f.out)-len(f.out) < 16 {
		f.grow(16) // the matcher reads words 16 bytes at a time
	}
}

// latinRun folds the rest of the Latin word being built from src[i], and
// the words after it while one space alone separates them: the common case,
// kept in one tight loop that reads eight bytes at a time. It returns where
// it stopped.
func (f *folder) latinRun(i int) int {
	src := f.src
	// the run writes at most one byte per byte it reads, and up to eight
	// bytes past its end
	if room := len(src) - i + 8; cap(f.out)-len(f.out) < room || cap(f.off)-len(f.off) < room {
		f.grow(room)
	}
	// and starts a token at most every two bytes
	if room := (len(src)-i)/2 + 1; cap(f.toks)-len(f.toks) < room {
		toks := make([]token, len(f.toks), 2*cap(f.toks)+room)
		copy(toks, f.toks)
		f.toks = toks
	}
	n := len(f.out)
	limit := n + len(src) - i + 8
	out, off := f.out[:limit], f.off[:limit]
	nt := len(f.toks)
	toks := f.toks[:cap(f.toks)]
	tokStart, sent := int32(f.tokStart), f.sent
	joined := false // a word after a space was started
	brk := f.tokBrk
	last := out[n-1]
	for {
		// the word's letters, eight at a time while no letter is doubled
		for i+8 <= len(src) {
			x := load64(src[i:i+8]) | 0x2020202020202020
			l := bits.TrailingZeros64(^letterBytes(x)&0x8080808080808080) >> 3 // letters that start x
			if l == 0 {
				goto wordEnd
			}
			if doubled(x, last, l) {
				// fold these l letters one by one
				for end := i + l; i < end; i++ {
					if lc := src[i] | 0x20; lc != last {
						out[n] = lc
						off[n] = int32(i)
						n++
						last = lc
					}
				}
			} else {
				binary.LittleEndian.PutUint64(out[n:n+8], x)
				o := off[n : n+8 : n+8]
				o[0], o[1], o[2], o[3] = int32(i), int32(i+1), int32(i+2), int32(i+3)
				o[4], o[5], o[6], o[7] = int32(i+4), int32(i+5), int32(i+6), int32(i+7)
				n += l
				i += l
				last = byte(x >> (8 * (l - 1)))
			}
			if l < 8 {
				goto wordEnd // src[i] is not a letter
			}
		}
		for ; i < len(src); i++ {
			lc := src[i] | 0x20
			if lc < 'a' || lc > 'z' {
				break
			}
			if lc != last {
				out[n] = lc
				off[n] = int32(i)
				n++
				last = lc
			}
		}
	wordEnd:
		if i+1 >= len(src) || src[i] != ' ' || !isASCIILetter(src[i+1]) {
			break
		}
		// one space, then the next word: end this token, start that one
		// (field by field: a struct this size is built on the stack and
		// copied otherwise)
		t := &toks[nt]
		t.start, t.end, t.sent, t.num, t.ent, t.brk = tokStart, int32(n), sent, -1, false, brk
		nt++
		brk = false
		last = src[i+1] | 0x20
		out[n], out[n+1] = ' ', last
		off[n], off[n+1] = int32(i), int32(i+1)
		n += 2
		tokStart = int32(n - 1)
		joined = true
		i += 2
	}
	f.toks = toks[:nt]
	if joined {
		f.tokStart, f.tokKind, f.initials, f.tokBrk = int(tokStart), 'a', false, false
	}
	f.out, f.off = out[:n], off[:n]
	return i
}

// load64 reads the first eight bytes of s as a little-endian word, in one
// load (without the check for an empty string that a conversion to []byte
// costs).
func load64(s string) uint64 {
	_ = s[7]
	return uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
		uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
}

// letterBytes sets the top bit of each byte of x that is an ASCII letter
// once lower-cased (x has the 0x20 bit of every byte set).
func letterBytes(x uint64) uint64 {
	// per byte b of x's low seven bits, with no carry between bytes:
	// b+0x1F has its top bit set when b >= 'a', and 0xFA-b when b <= 'z'
	b := x & 0x7F7F7F7F7F7F7F7F
	return (b + 0x1F1F1F1F1F1F1F1F) & (0xFAFAFAFAFAFAFAFA - b) & ^x & 0x8080808080808080
}

// doubled reports whether one of the first l letters of x repeats the
// letter before it (last, for the first).
func doubled(x uint64, last byte, l int) bool {
	d := x ^ (x<<8 | uint64(last))
	zero := (d - 0x0101010101010101) & ^d & 0x8080808080808080
	return zero<<((64-8*l)&63) != 0 // l is 1 to 8: the first l bytes are kept
}

// arabicRun folds the rest of the Arabic word being built from src[i]: its
// letters, and the marks inside it that are dropped, in one tight loop; and
// the Arabic words after it while one space alone separates them. It
// returns where it stopped.
func (f *folder) arabicRun(i int) int {
	src := f.src
	// two output bytes at most for each two-byte letter read, and one for
	// each space
	if room := len(src) - i; cap(f.out)-len(f.out) < room || cap(f.off)-len(f.off) < room {
		f.grow(room)
	}
	for {
		n := len(f.out)
		limit := n + len(src) - i
		out, off := f.out[:limit], f.off[:limit]
		for i+1 < len(src) {
			// a letter of the Arabic block: a lead byte D8..DB and a
			// continuation byte
			v := uint16(src[i]) | uint16(src[i+1])<<8
			if v&0xC0FC != 0x80D8 {
				break
			}
			if e := arabicFold[v&0x3<<6|v>>8&0x3F]; e > arFoldOther {
				binary.LittleEndian.PutUint16(out[n:n+2], e)
				p := off[n : n+2 : n+2]
				p[0], p[1] = int32(i), int32(i)
				n += 2
			} else if e == arFoldOther {
				break
			}
			i += 2
		}
		f.out, f.off = out[:n], off[:n]
		// one space, then another Arabic letter: end this word, start that
		// one
		if i+3 >= len(src) || src[i] != ' ' {
			return i
		}
		v := uint16(src[i+1]) | uint16(src[i+2])<<8
		if v&0xC0FC != 0x80D8 || arabicTab[int(v&0x3)<<6|int(v>>8&0x3F)].kind != arLetter {
			return i
		}
		f.endToken()
		f.out = append(f.out, ' ')
		f.off = append(f.off, int32(i))
		f.tokStart, f.tokKind, f.initials, f.tokBrk = len(f.out), 'r', false, false
		i++
	}
}

// grow makes room for n more output bytes.
func (f *folder) grow(n int) {
	out := make([]byte, len(f.out), 2*cap(f.out)+n)
	copy(out, f.out)
	off := make([]int32, len(f.off), cap(out))
	copy(off, f.off)
	f.out, f.off = out, off
}

const (
	acOther = iota
	acLower
	acUpper
	acDigit
	acApos
	acPeriod
	acComma
	acBreak
	acDrop
)

var asciiClass = func() (t [128]uint8) {
	for c := 'a'; c <= 'z'; c++ {
		t[c] = acLower
	}
	for c := 'A'; c <= 'Z'; c++ {
		t[c] = acUpper
	}
	for c := '0'; c <= '9'; c++ {
		t[c] = acDigit
	}
	t['\''] = acApos
	t['`'] = acApos
	t['.'] = acPeriod
	t[','] = acComma
	t[';'] = acComma
	t[':'] = acComma
	t['!'] = acBreak
	t['?'] = acBreak
	t['\n'] = acBreak
	t['\r'] = acBreak
	t[0x7F] = acDrop
	return t
}()

// emit appends one output byte b that came from src[o:].
func (f *folder) emit(b byte, o int32, kind byte) {
	if f.tokStart < 0 {
		f.startToken(o)
		f.tokKind = kind
	} else if kind != f.tokKind && !(kind == 'a' && f.tokKind == 'o') && !(kind == 'o' && f.tokKind == 'a') {
		// letters and digits, or two scripts, meet inside a word: split it
		f.endToken()
		f.pend, f.pendOff = ' ', o
		f.startToken(o)
		f.tokKind = kind
	} else if kind == 'a' && f.out[len(f.out)-1] == b {
		return // doubled Latin letter: Assad -> asad
	}
	f.out = append(f.out, b)
	f.off = append(f.off, o)
}

func (f *folder) emitRune(r rune, o int32, kind byte) {
	if r < utf8.RuneSelf {
		f.emit(byte(r), o, kind)
		return
	}
	var buf [4]byte
	n := utf8.EncodeRune(buf[:], r)
	f.emit(buf[0], o, kind)
	for j := 1; j < n; j++ {
		f.out = append(f.out, buf[j])
		f.off = append(f.off, o)
	}
}

func (f *folder) startToken(o int32) {
	f.tokBrk = len(f.out) > 0 && f.pend != 0 && f.pend != ' '
	if len(f.out) > 0 && f.pend != 0 {
		if f.pend == '\n' {
			f.sent++
			f.sentStart = append(f.sentStart, int32(len(f.toks)))
		}
		f.out = append(f.out, f.pend)
		f.off = append(f.off, f.pendOff)
	}
	f.pend = 0
	f.tokStart = len(f.out)
	f.initials = false
}

// sep records a separator of strength s (' ' < ',' < '\n') at src[o].
func (f *folder) sep(s byte, o int32) {
	if f.tokStart >= 0 {
		f.endToken()
	}
	if f.pend == 0 {
		f.pend, f.pendOff = s, o
	} else if sepRank(s) > sepRank(f.pend) {
		f.pend = s
	}
}

func sepRank(s byte) int {
	switch s {
	case '\n':
		return 3
	case ',':
		return 2
	}
	return 1
}

func (f *folder) endToken() {
	if f.tokStart < 0 {
		return
	}
	if f.tokKind == 'r' {
		f.dropTanweenAlif()
		f.stripArabicPrefix()
	}
	t := token{start: int32(f.tokStart), end: int32(len(f.out)), sent: f.sent, num: -1, brk: f.tokBrk}
	if f.tokKind == 'd' && t.end-t.start <= 9 {
		n := int32(0)
		for _, c := range f.out[t.start:t.end] {
			n = n*10 + int32(c-'0')
		}
		t.num = n
	}
	f.toks = append(f.toks, t)
	f.tokStart = -1
}

// apostrophe handles a quote mark of size bytes at src[i] and returns how
// many input bytes it consumed.
func (f *folder) apostrophe(i, size int) int {
	src := f.src
	inWord := f.tokStart >= 0 && f.tokKind != 'd'
	next := i + size
	if inWord && next < len(src) && isASCIILetter(src[next]) {
		if (src[next] == 's' || src[next] == 'S') && (next+1 == len(src) || !isASCIILetter(src[next+1])) {
			return size + 1 // possessive 's: Erbil's airport -> erbil airport
		}
		return size // inside a word: Kata'ib -> kataib
	}
	f.sep(' ', int32(i))
	return size
}

func isASCIILetter(c byte) bool { return c|0x20 >= 'a' && c|0x20 <= 'z' }

func (f *folder) period(i int) {
	src := f.src
	var next byte = ' '
	if i+1 < len(src) {
		next = src[i+1]
	}
	if f.tokStart >= 0 && f.tokKind == 'a' {
		n := len(f.out) - f.tokStart
		if (n == 1 || f.initials) && isASCIILetter(next) && (i+2 >= len(src) || !isASCIILetter(src[i+2])) {
			f.initials = true // U.S -> us
			return
		}
		if n == 1 || f.initials || isAbbrev(f.out[f.tokStart:]) {
			f.sep(' ', int32(i))
			return
		}
	}
	if f.tokStart >= 0 && f.tokKind == 'd' && next >= '0' && next <= '9' {
		f.sep(' ', int32(i)) // 2.5
		return
	}
	switch next {
	case ' ', '\n', '\r', '\t', '"', '\'', ')':
		f.sep('\n', int32(i))
		return
	}
	if next >= 0x80 {
		f.sep('\n', int32(i)) // followed by a non-ASCII letter or space
		return
	}
	f.sep(' ', int32(i))
}

func isAbbrev(b []byte) bool {
	switch string(b) {
	case "mr", "mrs", "ms", "dr", "gen", "lt", "col", "maj", "sgt", "capt", "cpt", "st", "no", "jan", "feb",
		"mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "vs", "inc", "co", "corp",
		"jr", "sr", "mt", "ft", "gov", "sen", "rep", "pres", "adm", "brig", "cmdr", "approx", "est":
		return true
	}
	return false
}

// arabic folds one rune of the Arabic block.
func (f *folder) arabic(r rune, o int32) {
	switch {
	case r >= 0x064B && r <= 0x065F, r == 0x0670, r == 0x0640, r >= 0x06D6 && r <= 0x06ED:
		return // diacritics, tatweel, Quranic marks
	case r >= 0x0660 && r <= 0x0669:
		f.emit(byte('0'+r-0x0660), o, 'd')
		return
	case r >= 0x06F0 && r <= 0x06F9:
		f.emit(byte('0'+r-0x06F0), o, 'd')
		return
	case r == 0x060C || r == 0x061B || r == 0x066B || r == 0x066C:
		f.sep(',', o)
		return
	case r == 0x061F || r == 0x06D4:
		f.sep('\n', o)
		return
	case r == 0x066A || r == 0x066D || r < 0x0621:
		f.sep(' ', o)
		return
	}
	switch r {
	case 'أ', 'إ', 'آ', 'ٱ', 'ٲ', 'ٳ':
		r = 'ا'
	case 'ة':
		r = 'ه'
	case 'ى', 'ئ', 'ی', 'ې':
		r = 'ي'
	case 'ؤ':
		r = 'و'
	case 'ک':
		r = 'ك'
	case 'ۀ', 'ە':
		r = 'ه'
	case 'گ':
		r = 'ك'
	}
	f.emitRune(r, o, 'r')
}

const (
	arDrop = iota
	arLetter
	arDigit
	arSep
)

// arabicTab folds U+0600..U+06FF, indexed by the low ten bits of the rune.
var arabicTab = func() (t [256]struct{ kind, b0, b1 byte }) {
	for r := rune(0x0600); r <= 0x06FF; r++ {
		e := &t[r-0x0600]
		var f folder
		f.reset("")
		f.arabic(r, 0)
		f.endToken()
		switch {
		case len(f.out) == 2:
			e.kind, e.b0, e.b1 = arLetter, f.out[0], f.out[1]
		case len(f.out) == 1:
			e.kind, e.b0 = arDigit, f.out[0]
		case f.pend != 0:
			e.kind, e.b0 = arSep, f.pend
		default:
			e.kind = arDrop
		}
	}
	return t
}()

// arabicFold is arabicTab for the tight loop of arabicRun: a letter's two
// folded bytes as one little-endian word, arFoldDrop for a mark that is
// dropped, arFoldOther for anything else.
var arabicFold = func() (t [256]uint16) {
	for k, e := range arabicTab {
		switch e.kind {
		case arLetter:
			t[k] = uint16(e.b0) | uint16(e.b1)<<8
		case arDrop:
			t[k] = arFoldDrop
		default:
			t[k] = arFoldOther
		}
	}
	return t
}()

const (
	arFoldDrop  = 0
	arFoldOther = 1 // a folded letter's first byte is a lead byte: never 0 or 1
)

// other folds a non-ASCII rune outside the Arabic block, encoded as s.
func (f *folder) other(r rune, s string, o int32) {
	p := norm.NFKD.PropertiesString(s)
	if d := p.Decomposition(); len(d) > 0 {
		for j := 0; j < len(d); {
			dr, n := utf8.DecodeRune(d[j:])
			j += n
			f.otherRune(dr, o)
		}
		return
	}
	f.otherRune(r, o)
}

func (f *folder) otherRune(r rune, o int32) {
	switch {
	case r < utf8.RuneSelf:
		switch asciiClass[r] {
		case acLower:
			f.emit(byte(r), o, 'a')
		case acUpper:
			f.emit(byte(r)+('a'-'A'), o, 'a')
		case acDigit:
			f.emit(byte(r), o, 'd')
		default:
			f.sep(' ', o)
		}
	case r >= 0x0600 && r <= 0x06FF:
		f.arabic(r, o)
	case unicode.Is(unicode.Mn, r) || unicode.Is(unicode.Me, r) || unicode.Is(unicode.Cf, r):
		// combining mark or format character: dropped
	case unicode.IsLetter(r):
		f.emitRune(unicode.ToLower(r), o, 'o')
	case unicode.IsDigit(r):
		f.emitRune(r, o, 'o')
	default:
		f.sep(' ', o)
	}
}

// Arabic letters in UTF-8 (two bytes each).
const (
	arAlef = "\u0627"
	arLam  = "\u0644"
)

// stripArabicPrefix removes the attached prefixes و ب ل ف ك and the article
// ال from the front of the Arabic word being built, while at least three
// letters remain, so that بالتاجي, للتاجي and التاجي all fold to تاجي.
func (f *folder) stripArabicPrefix() {
	for k := 0; k < 4; k++ {
		w := f.out[f.tokStart:]
		n := len(w) / 2 // an Arabic word holds two-byte letters only
		cut := 0
		switch {
		case n >= 5 && string(w[:4]) == arAlef+arLam:
			cut = 4
		case n >= 4 && len(w) >= 2 && isArabicProclitic(w[0], w[1]):
			cut = 2
		}
		if cut == 0 {
			return
		}
		copy(f.out[f.tokStart:], f.out[f.tokStart+cut:])
		copy(f.off[f.tokStart:], f.off[f.tokStart+cut:])
		f.out = f.out[:len(f.out)-cut]
		f.off = f.off[:len(f.off)-cut]
	}
}

// dropTanweenAlif removes the alif that carries the accusative tanween
// (تمريناً, صاروخاً, هدفاً -> تمرين, صاروخ, هدف) when the writer marked it
// with fathatan, before or after the alif, and three letters remain.
func (f *folder) dropTanweenAlif() {
	n := len(f.out) - f.tokStart
	if n < 8 || string(f.out[len(f.out)-2:]) != arAlef {
		return
	}
	o := int(f.off[len(f.out)-2])
	const fathatan = "\u064b"
	if o+2+len(fathatan) <= len(f.src) && f.src[o+2:o+2+len(fathatan)] == fathatan ||
		o >= len(fathatan) && f.src[o-len(fathatan):o] == fathatan {
		f.out = f.out[:len(f.out)-2]
		f.off = f.off[:len(f.off)-2]
	}
}

// isArabicProclitic reports whether the two bytes encode و ب ل ف or ك.
func isArabicProclitic(a, b byte) bool {
	switch {
	case a == 0xD9 && (b == 0x88 || b == 0x84 || b == 0x81 || b == 0x83):
		return true // و ل ف ك
	case a == 0xD8 && b == 0xA8:
		return true // ب
	}
	return false
}

// origEnd returns the end offset in src of the character that produced
// out[i].
func (f *folder) origEnd(i int) int {
	o := int(f.off[i])
	_, n := utf8.DecodeRuneInString(f.src[o:])
	return o + n
}

// span returns the source byte range of out[start:end], including the
// doubled letters folded into its last one ("Union III" -> "union i").
func (f *folder) span(start, end int32) (int, int) {
	e := f.origEnd(int(end) - 1)
	if last := f.out[end-1]; last >= 'a' && last <= 'z' {
		for e < len(f.src) && f.src[e]|0x20 == last {
			e++
		}
	}
	return int(f.off[start]), e
}
