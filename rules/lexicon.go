package rules

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"sync"
)

// class is what a pattern stands for.
type class uint8

const (
	cNone class = iota
	cSite
	cRegion
	cGroup
	cWeapon
	cAttack
	cImpact
	cIntercept
	cKilled
	cWounded
	cNoCas
	cNoKilled
	cUnknownCas
	cVictim
	cNum
	cWeekday
	cMonth
	cRelDate
	cUnit
	cDaypart
	cSpace
	cSport
	cExercise
	cHandover
	cFootage
	cThreat
	cFoil
	cFoilWeak
	cFoilObj
	cAnalysis
	cAnniversary
	cGeneric
	cResponse
	cStrikeActor
	cMilitia
	cClaim
	cBlame
	cDeny
	cConvoy
	cLatest
	cSiteNoun
	cTarget
	cBlock
	cVisit
	cForeignBase
	cStrikeNoun
	cUSWord
	cCause
	cFuture
	cSpeech
	cOrigin
	cAccident
	cEconomy
	cForeignStrike
	cUninvolved
	cTrial
	cCessation
	nClasses
)

// cueClasses maps the class names of data/cues.txt.
var cueClasses = map[string]class{
	"weapon": cWeapon, "attack": cAttack, "impact": cImpact, "intercept": cIntercept,
	"killed": cKilled, "wounded": cWounded, "nocas": cNoCas, "nokilled": cNoKilled, "unknowncas": cUnknownCas,
	"victim": cVictim, "num": cNum, "weekday": cWeekday, "month": cMonth, "reldate": cRelDate, "unit": cUnit,
	"daypart": cDaypart, "space": cSpace, "sport": cSport, "exercise": cExercise, "handover": cHandover,
	"footage": cFootage, "threat": cThreat, "foil": cFoil, "foilweak": cFoilWeak, "foilobj": cFoilObj,
	"analysis": cAnalysis, "anniversary": cAnniversary, "generic": cGeneric, "response": cResponse,
	"strikeactor": cStrikeActor, "militia": cMilitia, "claim": cClaim, "blame": cBlame, "deny": cDeny,
	"convoy": cConvoy, "latest": cLatest, "sitenoun": cSiteNoun, "target": cTarget, "block": cBlock, "visit": cVisit, "foreignbase": cForeignBase, "strikenoun": cStrikeNoun, "usword": cUSWord, "cause": cCause, "future": cFuture, "speech": cSpeech, "origin": cOrigin,
	"accident": cAccident, "economy": cEconomy, "foreignstrike": cForeignStrike, "uninvolved": cUninvolved, "trial": cTrial,
	"cessation": cCessation,
}

// family groups classes whose overlapping hits compete: of two hits of one
// family, the one inside the other is dropped.
func (c class) family() class {
	switch c {
	case cSite, cRegion, cGroup:
		return cSite
	case cAttack, cImpact, cIntercept:
		return cAttack
	case cKilled, cWounded, cNoCas, cNoKilled, cUnknownCas:
		return cKilled
	case cWeekday, cMonth, cRelDate, cUnit, cDaypart:
		return cWeekday
	case cFoil, cFoilWeak:
		return cFoil
	}
	return c
}

const (
	fWeak uint8 = 1 << iota // weak alias or weak weapon word
	fCase                   // match the exact case of orig
	fStem                   // the word may go on after the pattern
	fArt                    // the Arabic article must precede the word
)

// payload is what one pattern means; a pattern may have several.
type payload struct {
	cls   class
	flags uint8
	val   int32  // site, region or group index; number; weekday; month
	str   string // weapon kind, date word kind, unit, site noun kind
	orig  string // the alias as written, for case-sensitive matching
}

// Matcher finds sites, groups and cue words in items and decides which
// attacks they report. It is safe for concurrent use.
type Matcher struct {
	g        *Gazetteer
	ac       *automaton
	pats     []string
	payStart []int32 // payloads of pattern p: pay[payStart[p]:payStart[p+1]]
	pay      []payload
	payCls   []class // pay[k].cls and pay[k].flags, packed for the loop over matches
	payFlags []uint8
	regions  []Region
	groups   []Group
	siteIdx  map[string]int
	inRegion [][]bool // inRegion[region][site]
	related  [][]bool // related[site][site], the same site included
	listBits []uint64 // listBits[word id]: the word lists that hold the word
	pool     sync.Pool
}

// nested reports whether every site of region a lies in region b.
func (m *Matcher) nested(a, b int32) bool {
	if a < 0 || b < 0 {
		return false
	}
	for s, in := range m.inRegion[a] {
		if in && !m.inRegion[b][s] {
			return false
		}
	}
	return len(m.regions[a].Sites) > 0
}

// NewMatcher compiles every alias of the gazetteer and every cue word into
// one automaton.
func NewMatcher(g *Gazetteer) (*Matcher, error) {
	if g == nil {
		return nil, fmt.Errorf("rules: NewMatcher: nil gazetteer")
	}
	m := &Matcher{g: g, regions: g.regions, groups: g.groups, siteIdx: map[string]int{}}
	byPat := map[string][]payload{}
	var order []string
	add := func(phrase string, p payload) {
		n := foldPattern(phrase)
		if n == "" {
			return
		}
		if _, ok := byPat[n]; !ok {
			order = append(order, n)
		}
		for _, q := range byPat[n] {
			if q.cls == p.cls && q.val == p.val && q.str == p.str && q.flags == p.flags {
				return
			}
		}
		byPat[n] = append(byPat[n], p)
	}
	for i, s := range g.sites {
		m.siteIdx[s.ID] = i
		for _, a := range append(append([]string(nil), s.Aliases...), s.AliasesAR...) {
			flags, name := aliasFlags(a)
			for _, v := range variants(name) {
				add(v, payload{cls: cSite, flags: flags, val: int32(i), orig: name})
			}
		}
		add(s.Name, payload{cls: cSite, val: int32(i), orig: s.Name})
	}
	for i, r := range g.regions {
		for _, a := range append([]string{r.Name}, r.Aliases...) {
			flags, name := aliasFlags(a)
			for _, v := range variants(name) {
				add(v, payload{cls: cRegion, flags: flags, val: int32(i), orig: name})
			}
		}
	}
	for i, gr := range g.groups {
		for _, a := range append([]string{gr.Name}, gr.Aliases...) {
			flags, name := aliasFlags(a)
			for _, v := range variants(name) {
				add(v, payload{cls: cGroup, flags: flags, val: int32(i), orig: name})
			}
		}
	}
	for _, cl := range g.cues {
		p := payload{cls: cueClasses[cl.class], str: cl.value}
		if n, err := strconv.Atoi(cl.value); err == nil {
			p.val = int32(n)
		}
		for _, f := range strings.Split(cl.flags, ",") {
			switch f {
			case "-", "":
			case "stem":
				p.flags |= fStem
			case "art":
				p.flags |= fArt
			case "weak":
				p.flags |= fWeak
			default:
				return nil, fmt.Errorf("rules: cues.txt:%d: unknown flag %q", cl.line, f)
			}
		}
		for _, ph := range cl.phrases {
			add(ph, p)
		}
	}
	m.inRegion = make([][]bool, len(g.regions))
	for i, r := range g.regions {
		m.inRegion[i] = make([]bool, len(g.sites))
		for _, id := range r.Sites {
			m.inRegion[i][m.siteIdx[id]] = true
		}
	}
	m.related = make([][]bool, len(g.sites))
	for i := range g.sites {
		m.related[i] = make([]bool, len(g.sites))
		for j := range g.sites {
			m.related[i][j] = g.Related(g.sites[i].ID, g.sites[j].ID)
		}
	}
	sort.Strings(order)
	m.pats = order
	for _, n := range order {
		m.payStart = append(m.payStart, int32(len(m.pay)))
		m.pay = append(m.pay, byPat[n]...)
	}
	m.payStart = append(m.payStart, int32(len(m.pay)))
	for _, p := range m.pay {
		m.payCls = append(m.payCls, p.cls)
		m.payFlags = append(m.payFlags, p.flags)
	}
	stemPat := make([]bool, len(order))
	for i := range order {
		for _, p := range m.pay[m.payStart[i]:m.payStart[i+1]] {
			stemPat[i] = stemPat[i] || p.flags&fStem != 0
		}
	}
	listWords := make([]string, 0, len(listsOf))
	for w := range listsOf {
		listWords = append(listWords, w)
	}
	sort.Strings(listWords)
	m.ac = buildAutomaton(order, stemPat, listWords)
	m.listBits = make([]uint64, len(m.ac.words))
	for _, w := range listWords {
		m.listBits[m.ac.word([]byte(w), 0, len(w))] = listsOf[w]
	}
	m.pool.New = func() any { return &scratch{} }
	return m, nil
}

// foldPattern folds a phrase of the data files; sentence and clause marks
// inside a phrase become spaces.
func foldPattern(s string) string {
	n := Normalize(s)
	n = strings.Map(func(r rune) rune {
		if r == '\n' || r == ',' {
			return ' '
		}
		return r
	}, n)
	return strings.Join(strings.Fields(n), " ")
}

func aliasFlags(a string) (uint8, string) {
	var f uint8
	for len(a) > 0 {
		switch a[0] {
		case '~':
			f |= fWeak
		case '=':
			f |= fCase
		default:
			return f, a
		}
		a = a[1:]
	}
	return f, a
}

// synonyms are words that outlets write interchangeably inside names.
var synonyms = [][]string{
	{"ain", "ayn", "ein"},
	{"erbil", "irbil", "arbil"},
	{"hezbollah", "hizbollah", "hizballah", "hizbulah"},
	{"kataib", "kataeb", "ktaib"},
	{"امريكيه", "اميركيه"},
	{"امريكي", "اميركي"},
	{"oil field", "oilfield"},
	{"gas field", "gasfield"},
	{"shaddadi", "shadadi"},
	{"qayyarah", "qayara", "qayyara"},
}

// baseWords are the endings of base names, each written for the others.
var baseWords = []string{"air base", "airbase", "base", "airfield", "air field", "military base", "air station"}

// variants returns the folded spellings of one alias.
func variants(alias string) []string {
	n := foldPattern(alias)
	if n == "" {
		return nil
	}
	out := []string{n}
	seen := map[string]bool{n: true}
	push := func(v string) {
		v = strings.Join(strings.Fields(v), " ")
		if v != "" && !seen[v] && len(out) < 96 {
			seen[v] = true
			out = append(out, v)
		}
	}
	for i := 0; i < len(out); i++ {
		v := out[i]
		w := " " + v + " "
		for _, set := range synonyms {
			for _, a := range set {
				if strings.Contains(w, " "+a+" ") {
					for _, b := range set {
						push(strings.TrimSpace(strings.Replace(w, " "+a+" ", " "+b+" ", 1)))
					}
				}
			}
		}
		// the Arabic article written or not: al-Asad, el-Asad, Asad
		for _, art := range []string{"al", "el"} {
			if strings.Contains(w, " "+art+" ") {
				for _, b := range []string{"al", "el", ""} {
					r := strings.TrimSpace(strings.Replace(w, " "+art+" ", " "+b+" ", 1))
					if b != "" || len(strings.Fields(r)) >= 2 {
						push(r)
					}
				}
			}
		}
		if strings.Contains(w, " في ") && len(strings.Fields(v)) >= 3 {
			push(strings.Replace(w, " في ", " ", 1))
		}
		for _, bw := range baseWords {
			if strings.HasSuffix(v, " "+bw) {
				stem := strings.TrimSuffix(v, bw)
				for _, b := range baseWords {
					push(stem + b)
				}
			}
		}
		// transliterations of one Arabic sound: Baydar, Beydar, Beidar;
		// Tal, Tel, Tell (a hill)
		words := strings.Fields(v)
		for i, wd := range words {
			for _, alt := range vowelVariants(wd) {
				ws := append([]string(nil), words...)
				ws[i] = alt
				push(strings.Join(ws, " "))
			}
		}
	}
	return out
}

// diphthongs are the spellings of one Arabic diphthong in Latin letters.
var diphthongs = []string{"ay", "ey", "ai", "ei"}

// vowelVariants returns the other spellings of a folded Latin word of a
// name: each diphthong written the other ways, "tal" as "tel". Short words
// and the words of kinds (base, field) have none.
func vowelVariants(w string) []string {
	switch w {
	case "tal":
		return []string{"tel"}
	case "tel":
		return []string{"tal"}
	}
	if len(w) < 5 || w[0] < 'a' || w[0] > 'z' || strings.HasPrefix(w, "air") {
		return nil
	}
	var out []string
	for _, d := range diphthongs {
		i := strings.Index(w, d)
		if i < 0 {
			continue
		}
		for _, e := range diphthongs {
			if e != d {
				out = append(out, w[:i]+e+w[i+len(d):])
			}
		}
	}
	return out
}
