package rules

import "strings"

// wordList is a set of folded words written "|a|b|c|". The words are in
// their folded form (doubled letters once: "wil", "kiled"); a test checks
// that Normalize leaves each one as it is.
type wordList string

func (l wordList) has(w string) bool {
	if w == "" || len(w) > 20 {
		return false
	}
	i := strings.Index(string(l), w)
	for i >= 0 {
		if i > 0 && l[i-1] == '|' && i+len(w) < len(l) && l[i+len(w)] == '|' {
			return true
		}
		j := strings.Index(string(l[i+1:]), w)
		if j < 0 {
			return false
		}
		i += 1 + j
	}
	return false
}

func (l wordList) words() []string { return strings.Split(strings.Trim(string(l), "|"), "|") }

// Word lists the extraction reads token by token.
const (
	// clauseWords join two clauses of one sentence.
	clauseWords wordList = "|and|while|then|before|و|ثم|ينما|"
	// modalWords govern a verb that did not happen (yet).
	modalWords wordList = "|wil|would|could|may|might|shal|to|can|canot|must|should|سوف|لن|"
	// modalFillers may stand between a modal and its verb.
	modalFillers wordList = "|not|also|again|son|then|be|never|try|atempt|have|it|they|"
	// countFillers may stand between a number and the weapon it counts.
	countFillers wordList = "|at|least|more|than|some|about|around|nearly|almost|over|up|to|of|barage|salvo|voley|" +
		"katyusha|grad|m|explosive|laden|armed|atack|suicide|kamikaze|unmaned|smal|short|range|balistic|cruise|way|" +
		"aditional|further|another|other|اكثر|من|نحو|حوالي|"
	// speechVerbs follow the source of a report: "…, a police officer said".
	speechVerbs wordList = "|said|says|told|reported|aded|confirmed|"
	// pluralVictims are victim words plural without an s.
	pluralVictims wordList = "|people|personel|trops|staf|men|women|children|family|crew|servicemen|airmen|peshmerga|" +
		"جنود|اطفال|نساء|اشخاص|عناصر|اجانب|"
	// quantityFillers stand before the number of a count ("at least two").
	quantityFillers wordList = "|at|least|more|than|about|some|nearly|around|"
	// victimFillers stand between the victims and the casualty word.
	victimFillers wordList = "|were|was|ben|have|has|had|reportedly|lightly|slightly|seriously|criticaly|sufered|" +
		"sustained|later|also|who|are|is|being|minor|al|were|"
	// victimModifiers stand between a number and the victim word.
	victimModifiers wordList = "|us|american|foreign|civilian|iraqi|british|coalition|military|security|local|contract|" +
		"private|other|more|least|at|than|some|about|service|kurdish|spanish|french|danish|italian|norwegian|polish|" +
		"australian|canadian|german|dutch|"
	// openWords leave casualties open: "not clear whether anyone was hurt".
	openWords wordList = "|clear|unclear|known|whether|if|imediately|word|details|information|"
	// denyWords deny casualties: "no one was hurt".
	denyWords wordList = "|no|not|without|nobody|none|neither|لا|لم|دونعدم|"
	// casualtyStops end the search for a denial.
	casualtyStops wordList = "|and|but|while|kiling|wounding|injuring|"
	// activeCasualty words put the victims after them: "killing two".
	activeCasualty wordList = "|kils|kiled|wounded|injured|"
	// monthLeads make a month alone a date: "in January".
	monthLeads wordList = "|in|since|last|early|late|mid|during|until|the|في|منذ|خلال|"
	// strikeFillers stand between a US word and the strike noun.
	strikeFillers wordList = "|drone|air|military|precision|retaliatory|new|deadly|latest|overnight|"
	// retroWords after "N years" make it a date in the past: "a year after".
	retroWords wordList = "|after|on|since|"
	// knownBeforeNoun may stand before a site noun without naming
	// another place: "the base", "a US base", "an Iraqi airbase".
	knownBeforeNoun wordList = "|the|a|an|us|american|americans|coalition|military|air|iraqi|key|main|large|largest|smal|" +
		"remote|sprawling|nearby|same|another|its|their|this|that|which|western|northern|eastern|southern|desert|"
	// borderWords after a country name make it a border, not a place.
	borderWords wordList = "|border|borders|frontier|حدود|"
	// clockWords after four digits make them a time, not a year.
	clockWords wordList = "|gmt|utc|local|hrs|hours|h|pm|am|"
	// articleWords count as one: "a rocket", "an American".
	articleWords wordList = "|a|an|"
)
