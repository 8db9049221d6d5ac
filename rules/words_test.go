package rules

import (
	"strings"
	"testing"
)

// TestWordListsAreFolded keeps the word lists in the form tokens have after
// Normalize: a list word written "will" would never meet the token "wil".
func TestWordListsAreFolded(t *testing.T) {
	for name, l := range map[string]wordList{
		"clauseWords": clauseWords, "modalWords": modalWords, "modalFillers": modalFillers,
		"countFillers": countFillers, "pluralVictims": pluralVictims,
		"quantityFillers": quantityFillers, "victimFillers": victimFillers, "victimModifiers": victimModifiers,
		"openWords": openWords, "denyWords": denyWords, "casualtyStops": casualtyStops, "activeCasualty": activeCasualty,
		"monthLeads": monthLeads, "knownBeforeNoun": knownBeforeNoun, "borderWords": borderWords, "clockWords": clockWords, "hostVerbs": hostVerbs, "otherForceWords": otherForceWords, "riseWords": riseWords, "directionWords": directionWords, "overnightNouns": overnightNouns, "roleWords": roleWords, "distanceUnits": distanceUnits, "correctionWords": correctionWords, "falseWords": falseWords, "copulaWords": copulaWords, "hostFillers": hostFillers, "strikeFillers": strikeFillers, "retroWords": retroWords, "articleWords": articleWords,
	} {
		if !strings.HasPrefix(l.src, "|") || !strings.HasSuffix(l.src, "|") {
			t.Errorf("%s must start and end with |", name)
		}
		for _, w := range l.words() {
			if Normalize(w) != w {
				t.Errorf("%s: %q folds to %q", name, w, Normalize(w))
			}
			if !l.has(w) {
				t.Errorf("%s.has(%q) = false", name, w)
			}
		}
	}
	if modalWords.has("wi") || modalWords.has("") || modalWords.has("|") {
		t.Error("has matches part of a word")
	}
}
