package geodata

import "sort"

// Report is what an import or validation found: counts, and every problem
// with the feature it concerns, the field, what is wrong and what was done.
type Report struct {
	Read     int `json:"read"`
	Accepted int `json:"accepted"`
	Repaired int `json:"repaired"`
	Rejected int `json:"rejected"`
	// Counts totals the issues by code, so a quirk that touches thousands
	// of rows is visible at a glance.
	Counts map[string]int `json:"counts"`
	Issues []Issue        `json:"issues"`
}

// Action is what an importer did about an issue.
type Action string

// Actions.
const (
	Repaired Action = "repaired" // the value was changed; the feature kept
	Rejected Action = "rejected" // the feature was left out
	Flagged  Action = "flagged"  // kept unchanged, marked for the reader
)

// Issue is one problem with one feature (Feature is its 1-based position in
// the input; ID its identifier where it has one).
type Issue struct {
	Feature int    `json:"feature"`
	ID      string `json:"id,omitempty"`
	Field   string `json:"field,omitempty"`
	Code    string `json:"code"`
	Message string `json:"message"`
	Action  Action `json:"action"`
}

// Add records an issue and counts it under its code.
func (r *Report) Add(is Issue) {
	if r.Counts == nil {
		r.Counts = map[string]int{}
	}
	r.Counts[is.Code]++
	r.Issues = append(r.Issues, is)
}

// CapIssues keeps at most max issues per code, the first ones met, and
// orders the list by feature; Counts stay complete.
func (r *Report) CapIssues(max int) {
	per := map[string]int{}
	out := r.Issues[:0]
	for _, is := range r.Issues {
		per[is.Code]++
		if per[is.Code] <= max {
			out = append(out, is)
		}
	}
	r.Issues = out
	if r.Issues == nil {
		r.Issues = []Issue{}
	}
	sort.SliceStable(r.Issues, func(i, j int) bool { return r.Issues[i].Feature < r.Issues[j].Feature })
}
