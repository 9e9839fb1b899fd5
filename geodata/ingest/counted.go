package ingest

import (
	"fmt"
	"maps"
	"slices"

	"github.com/routerisk/routerisk/geodata"
	"github.com/routerisk/routerisk/geodata/mmp"
)

// countedOnly describes the codes that are counted per feature but not
// listed one by one (they touch nearly every row, or say nothing a row
// needs): a message with the count, and the action taken.
var countedOnly = map[string]struct {
	message string
	action  geodata.Action
}{
	CodeMissingID:              {"features without an id: %d; each was given its position in the file as id — give every feature an id so that links to it last from one version to the next", geodata.Flagged},
	mmp.CodeTrailingWhitespace: {"features with spaces or line breaks around a text value: %d; they were trimmed", geodata.Repaired},
	mmp.CodeNumberAsString:     {"features with numbers written as text: %d; they were read as numbers", geodata.Repaired},
}

// ListCounted makes a report list every code it counts: for each code in
// r.Counts that no listed issue has, one issue for the whole file
// (feature 0) says how many features it touched and what was done. A
// report then never has issues by code and an empty issue list. Issues
// already listed are kept as they are; a second call adds nothing.
func ListCounted(r *geodata.Report) {
	listed := map[string]bool{}
	for _, is := range r.Issues {
		listed[is.Code] = true
	}
	var add []geodata.Issue
	for _, code := range slices.Sorted(maps.Keys(r.Counts)) {
		n := r.Counts[code]
		if n <= 0 || listed[code] {
			continue
		}
		msg, action := "features with this problem: %d (counted, not listed one by one)", geodata.Flagged
		if c, ok := countedOnly[code]; ok {
			msg, action = c.message, c.action
		}
		add = append(add, geodata.Issue{Code: code, Message: fmt.Sprintf(msg, n), Action: action})
	}
	if len(add) > 0 {
		r.Issues = append(add, r.Issues...)
	}
}
