package rules

import (
	"fmt"
	"strings"
)

// wordList is a set of folded words, declared as "|a|b|c|". The words are in
// their folded form (doubled letters once: "wil", "kiled"); a test checks
// that Normalize leaves each one as it is. All lists share one table from
// word to the lists that hold it, so a lookup costs one map access.
type wordList struct {
	bit uint64
	src string
}

// listsOf maps a word to the bits of the lists that hold it.
var listsOf = map[string]uint64{}

var nlists uint

func newWordList(src string) wordList {
	if nlists == 64 {
		panic("rules: more than 64 word lists")
	}
	l := wordList{bit: 1 << nlists, src: src}
	nlists++
	for _, w := range l.words() {
		if w == "" {
			panic(fmt.Sprintf("rules: empty word in list %q", src))
		}
		listsOf[w] |= l.bit
	}
	return l
}

func (l wordList) has(w string) bool { return listsOf[w]&l.bit != 0 }

// tokIn reports whether token t is a word of list l. It reads the word id
// the scan found, so it costs no lookup.
func (x *extraction) tokIn(t int32, l wordList) bool {
	if t < 0 || int(t) >= len(x.ids) {
		return false
	}
	id := x.ids[t]
	return id >= 0 && x.m.listBits[id]&l.bit != 0
}

func (l wordList) words() []string { return strings.Split(strings.Trim(l.src, "|"), "|") }

// Word lists the extraction reads token by token.
var (
	// clauseWords join two clauses of one sentence.
	clauseWords = newWordList("|and|while|then|before|و|ثم|ينما|")
	// modalWords govern a verb that did not happen (yet).
	modalWords = newWordList("|wil|would|unles|could|may|might|shal|to|can|canot|must|should|سوف|لن|")
	// modalFillers may stand between a modal and its verb.
	modalFillers = newWordList("|not|also|again|son|then|be|never|try|atempt|have|it|they|rocket|rockets|drone|drones|mortar|mortars|" +
		"expand|widen|escalate|step|up|intensify|broaden|extend|resume|continue|its|their|more|further|" +
		"توسيع|تصعيد|مواصله|استيناف|")
	// countFillers may stand between a number and the weapon it counts.
	countFillers = newWordList("|at|least|more|than|some|about|around|nearly|almost|over|up|to|of|barage|salvo|voley|" +
		"katyusha|grad|m|explosive|laden|armed|atack|suicide|kamikaze|unmaned|smal|short|range|balistic|cruise|way|" +
		"aditional|further|another|other|اكثر|من|نحو|حوالي|")
	// speechVerbs follow the source of a report: "…, a police officer said".
	speechVerbs = newWordList("|said|says|told|reported|aded|confirmed|")
	// arabicSpeechVerbs may stand a few words before the day they date,
	// with the speaker between: "أفاد المرصد السوري الثلاثاء".
	arabicSpeechVerbs = newWordList("|قال|قالت|افاد|افادت|اعلن|اعلنت|ذكر|ذكرت|اكد|اكدت|صرح|اوضح|اوضحت|اضاف|اضافت|")
	// pluralVictims are victim words plural without an s.
	pluralVictims = newWordList("|people|personel|trops|staf|men|women|children|family|crew|servicemen|airmen|peshmerga|" +
		"جنود|اطفال|نساء|اشخاص|عناصر|اجانب|")
	// quantityFillers stand before the number of a count ("at least two").
	quantityFillers = newWordList("|at|least|more|than|about|some|nearly|around|")
	// victimFillers stand between the victims and the casualty word.
	victimFillers = newWordList("|were|was|ben|have|has|had|reportedly|lightly|slightly|seriously|criticaly|sufered|" +
		"sustained|later|also|who|are|is|being|minor|al|were|")
	// victimModifiers stand between a number and the victim word.
	victimModifiers = newWordList("|us|american|foreign|civilian|iraqi|british|coalition|military|security|local|contract|" +
		"private|other|more|least|at|than|some|about|service|kurdish|spanish|french|danish|italian|norwegian|polish|" +
		"australian|canadian|german|dutch|")
	// openWords leave casualties open: "not clear whether anyone was hurt".
	openWords = newWordList("|clear|unclear|known|whether|if|imediately|word|details|information|")
	// denyWords deny casualties: "no one was hurt".
	denyWords = newWordList("|no|not|without|nobody|none|neither|لا|لم|دونعدم|")
	// correctionWords before a casualty deny the report it is in.
	correctionWords = newWordList("|corecting|corected|contrary|denied|denies|dismised|dismising|refuted|rumours|rumors|")
	// falseWords after "was" or "were" deny the report before them.
	falseWords = newWordList("|false|untrue|incorect|inacurate|unfounded|baseles|wrong|")
	// copulaWords stand before falseWords.
	copulaWords = newWordList("|was|were|is|are|")
	// casualtyStops end the search for a denial.
	casualtyStops = newWordList("|and|but|while|kiling|wounding|injuring|")
	// activeCasualty words put the victims after them: "killing two".
	activeCasualty = newWordList("|kils|kiled|wounded|injured|")
	// monthLeads make a month alone a date: "in January".
	monthLeads = newWordList("|in|since|last|early|late|mid|during|until|the|في|منذ|خلال|منتصف|مطلع|اواخر|اوايل|")
	// strikeFillers stand between a US word and the strike noun.
	strikeFillers = newWordList("|drone|air|military|precision|retaliatory|new|deadly|latest|overnight|")
	// retroWords after "N years" make it a date in the past: "a year after".
	retroWords = newWordList("|after|on|since|")
	// knownBeforeNoun may stand before a site noun without naming
	// another place: "the base", "a US base", "an Iraqi airbase".
	knownBeforeNoun = newWordList("|the|a|an|us|american|americans|coalition|military|air|iraqi|key|main|large|largest|smal|" +
		"remote|sprawling|nearby|same|another|its|their|this|that|which|western|northern|eastern|southern|desert|")
	// borderWords after a country name make it a border, not a place.
	borderWords = newWordList("|border|borders|frontier|حدود|")
	// clockWords after four digits make them a time, not a year.
	clockWords = newWordList("|gmt|utc|local|hrs|hours|h|pm|am|")
	// hostVerbs say who uses a site: "an airfield used by coalition jets".
	hostVerbs = newWordList("|used|uses|hosts|hosting|hosted|houses|housing|home|flown|stationed|")
	// dayAdjectives after اليوم make it "the last day", "the first day",
	// "the same day": not today.
	dayAdjectives = newWordList("|اخير|اول|ثاني|ثالث|رابع|خامس|نفسه|ذاته|سابق|موالي|تالي|")
	// spanWords after "after" (بعد) make it "later" when no "of" (من)
	// follows: "وبعد ساعات سقطت صواريخ", hours later rockets fell.
	spanWords = newWordList("|ساعات|ساعه|ساعتين|دقايق|دقيقه|ايام|يوم|يومين|اسبوع|hours|minutes|days|")
	// sourceWords before "in" and a place make it where the sources are:
	// "local sources in Rmeilan said".
	sourceWords = newWordList("|sources|source|residents|witneses|locals|مصادر|مصدر|سكان|اهالي|شهود|")
	// flightVerbs after "coalition aircraft" make it a flight, not a strike:
	// "coalition aircraft took off soon after", "US jets flew over".
	flightVerbs = newWordList("|flew|flying|fly|flies|overflew|circled|circling|hovered|hovering|scrambled|patroled|patroling|landed|sen|heard|")
	// hostFillers may stand between a host verb and the US word.
	hostFillers = newWordList("|by|to|and|other|the|of|its|us|led|american|alied|western|")
	// townWords after a site's name, or before "of" and it, make it the town
	// the site is named after: "near al-Shaddadi town".
	townWords = newWordList("|town|city|village|township|")
	// roadWords after a site's name make it the road that leads there:
	// "on the Baghdad airport road".
	roadWords = newWordList("|road|roads|highway|street|طريق|")
	// directionWords before "of" make a site a locator: ", north of Camp Taji".
	directionWords = newWordList("|north|south|east|west|northeast|northwest|southeast|southwest|" +
		"شمال|جنوب|شرق|غرب|شمالي|جنوبي|شرقي|غربي|")
	// distanceUnits measure how far a place is from a site named as a
	// landmark.
	distanceUnits = newWordList("|km|kilometres|kilometers|kilometre|kilometer|miles|mile|يلومتر|يلومترات|كلم|")
	// roleWords after a denial make it one of a part in the attack.
	roleWords = newWordList("|role|responsibility|responsible|involvement|involved|link|links|behind|part|مسووليه|مسووليتها|علاقه|تورط|")
	// otherForceWords name forces other than the US and its partners: a site
	// "near" their post only locates it.
	otherForceWords = newWordList("|hashd|pmf|pmu|peshmerga|حشد|sdf|قسد|checkpoint|checkpoints|حاجز|حواجز|")
	// riseWords before "to" and a number make it a total: "rose to seven".
	riseWords = newWordList("|rose|rises|risen|rising|climbed|climbs|reached|reaches|jumped|increased|grew|")
	// overnightNouns after "overnight" make it an adjective: "overnight flights".
	overnightNouns = newWordList("|flights|flight|shifts|shift|curfew|stay|stays|trains|services|operations|hours|")
	// articleWords count as one: "a rocket", "an American".
	articleWords = newWordList("|a|an|")
)
