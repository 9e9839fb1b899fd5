package mmp

import "github.com/routerisk/routerisk/geodata"

// Issue codes of an MMP import. Each names one quirk of the record; the
// action taken is fixed per code and listed beside it.
const (
	CodeExactDuplicate        = "exact_duplicate"           // rejected: every field equals an earlier row
	CodeMissingCoordinates    = "missing_coordinates"       // rejected: empty location_coodinates
	CodeInvalidCoordinates    = "invalid_coordinates"       // rejected: not two numbers
	CodeCoordinatesOutOfRange = "coordinates_out_of_range"  // rejected: outside −90…90 / −180…180 in either order
	CodeZeroCoordinates       = "zero_coordinates"          // rejected: exactly 0, 0 (a placeholder, not a place)
	CodeInvalidRecord         = "invalid_record"            // rejected: the array element is not an object
	CodeCoordinatesSwapped    = "coordinates_swapped_order" // repaired: read as lon, lat (see doc.go)
	CodeLongitudeTruncated    = "longitude_truncated"       // flagged: whole-number longitude, geo_precision approximate
	CodeLatitudeTruncated     = "latitude_truncated"        // flagged: whole-number latitude, geo_precision approximate
	CodeDuplicateID           = "duplicate_id"              // flagged: web_id seen before with other content; id suffixed ~N
	CodeFreeTextID            = "free_text_id"              // flagged: web_id is not YYYY.MMPnnn; id derived from content
	CodeMissingID             = "missing_id"                // flagged: empty web_id; id derived from content
	CodeEmptyDate             = "empty_date"                // flagged: no reported_date; feature has no date
	CodeInvalidDate           = "invalid_date"              // repaired: unreadable date dropped, raw kept in date_reported
	CodeMonthOnlyDate         = "month_only_date"           // flagged: YYYY-MM kept as is
	CodeDateNormalised        = "date_normalised"           // repaired: time of day dropped
	CodeNumberAsString        = "number_as_string"          // counted once per row: numbers arrive as JSON strings
	CodeThousandsSeparator    = "thousands_separator"       // repaired: "1,022" read as 1022
	CodeNumberNormalised      = "number_normalised"         // repaired: "2.0" read as 2
	CodeInvalidNumber         = "invalid_number"            // repaired: non-numeric count dropped
	CodeNegativeDead          = "negative_dead"             // repaired: stored as 0, raw kept in dead_reported
	CodeNegativeMissing       = "negative_missing"          // repaired: stored as 0, raw kept in missing_reported
	CodeNegativeSurvivors     = "negative_survivors"        // repaired: dropped (unknown), raw kept in survivors_reported
	CodeNegativeFemale        = "negative_female"           // repaired: dropped, raw kept in female_reported
	CodeNegativeMale          = "negative_male"             // repaired: dropped, raw kept in male_reported
	CodeNegativeChildren      = "negative_children"         // repaired: dropped, raw kept in children_reported
	CodeTotalMismatch         = "total_mismatch"            // flagged: total_dead_and_missing ≠ dead + missing; raw kept in total_reported
	CodeBreakdownExceedsTotal = "breakdown_exceeds_total"   // flagged: female + male > dead + missing
	CodeMissingSourceQuality  = "missing_source_quality"    // flagged: empty source_quality
	CodeInvalidSourceQuality  = "invalid_source_quality"    // repaired: source_quality outside 1–5 dropped
	CodeTrailingWhitespace    = "trailing_whitespace"       // counted once per row: text trimmed
	CodeHTMLEntity            = "html_entity"               // repaired: "&#039;" and the like decoded
	CodeUnknownRoute          = "unknown_route"             // flagged: migration_route not in the MMP taxonomy, kept as given
	CodeRouteAlias            = "route_alias"               // repaired: another spelling of an MMP route replaced by it
	CodeMissingCause          = "missing_cause"             // flagged: empty cause_death; category Mixed or unknown
	CodeUnknownField          = "unknown_field"             // flagged once per key: a key the API does not define, kept
	CodeInvalidValue          = "invalid_value"             // repaired: an object or array where text belongs, dropped
)

// DefaultMaxIssuesPerCode is how many issues of one code a report lists
// when the decoder is not told otherwise. Counts are always complete.
const DefaultMaxIssuesPerCode = 100

// cosmetic codes touch nearly every row of the API data. They are counted
// in Report.Counts only: no Issue entries, and they do not make a feature
// count as repaired.
func cosmetic(code string) bool {
	return code == CodeNumberAsString || code == CodeTrailingWhitespace
}

// issueLog adds issues to a report, listing at most max per code while
// counting all of them.
type issueLog struct {
	report *geodata.Report
	max    int // < 0: no cap
	listed map[string]int
}

func (l *issueLog) add(is geodata.Issue) {
	if l.report.Counts == nil {
		l.report.Counts = map[string]int{}
	}
	l.report.Counts[is.Code]++
	if cosmetic(is.Code) {
		return
	}
	if l.listed == nil {
		l.listed = map[string]int{}
	}
	if l.max >= 0 && l.listed[is.Code] >= l.max {
		return
	}
	l.listed[is.Code]++
	l.report.Issues = append(l.report.Issues, is)
}
