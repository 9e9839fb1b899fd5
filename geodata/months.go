package geodata

import (
	"time"

	"github.com/paulmach/orb/geojson"
)

// MonthCount is the tally of one calendar month of an incident layer:
// how many incidents fell in it and how many people they left dead and
// missing.
type MonthCount struct {
	Month     string  `json:"month"` // YYYY-MM
	Incidents int     `json:"incidents"`
	Dead      float64 `json:"dead"`
	Missing   float64 `json:"missing"`
}

// MaxMonths bounds the months one series spans (a century): a layer with
// a stray date in year 1 still answers in a few kilobytes, its series
// ending with the latest month.
const MaxMonths = 1200

// CountMonths tallies features per calendar month (UTC) of their time
// property timeProp, dead and missing read through Count. The series runs
// over every month of span, months without an incident counting zero, so
// that two series over one span line up month by month; a span with a
// zero end is completed by the dated features. Features without a date,
// or dated outside span, are left out. The series is empty when no month
// is left, and holds at most MaxMonths months, the latest ones.
func CountMonths(feats []*geojson.Feature, timeProp string, span Interval) []MonthCount {
	type tally struct {
		n             int
		dead, missing float64
	}
	byMonth := map[time.Time]*tally{}
	var first, last time.Time
	seen := false
	for _, f := range feats {
		t, ok := ParseDate(f.Properties[timeProp])
		if !ok || !span.Contains(t) {
			continue
		}
		m := monthOf(t)
		tl := byMonth[m]
		if tl == nil {
			tl = &tally{}
			byMonth[m] = tl
		}
		tl.n++
		tl.dead += Count(f.Properties["dead"])
		tl.missing += Count(f.Properties["missing"])
		if !seen || m.Before(first) {
			first = m
		}
		if !seen || m.After(last) {
			last = m
		}
		seen = true
	}
	if !span.Start.IsZero() {
		first = monthOf(span.Start)
	}
	if !span.End.IsZero() {
		last = monthOf(span.End)
	}
	// Without data, only a span closed at both ends has months.
	if (!seen && (span.Start.IsZero() || span.End.IsZero())) || last.Before(first) {
		return []MonthCount{}
	}
	if months := (last.Year()-first.Year())*12 + int(last.Month()-first.Month()) + 1; months > MaxMonths {
		first = last.AddDate(0, -(MaxMonths - 1), 0)
	}
	out := []MonthCount{}
	for m := first; !m.After(last); m = m.AddDate(0, 1, 0) {
		mc := MonthCount{Month: m.Format("2006-01")}
		if tl := byMonth[m]; tl != nil {
			mc.Incidents, mc.Dead, mc.Missing = tl.n, tl.dead, tl.missing
		}
		out = append(out, mc)
	}
	return out
}

// monthOf returns the first instant of t's calendar month, UTC.
func monthOf(t time.Time) time.Time {
	t = t.UTC()
	return time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, time.UTC)
}
