package risk

import (
	"fmt"
	"math"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/routerisk/routerisk/geodata"
	"github.com/routerisk/routerisk/geodata/vocab"
)

// MethodVersion numbers the method described in doc.go. It is part of
// Params.Key, so a change to the method makes earlier cached results
// unreachable.
const MethodVersion = 3

// Defaults and bounds of the parameters (each bound inclusive).
const (
	DefaultSegmentKm = 10.0
	MinSegmentKm     = 1.0
	MaxSegmentKm     = 100.0

	DefaultRadiusKm = 25.0
	MinRadiusKm     = 1.0
	MaxRadiusKm     = 200.0

	DefaultHalfLifeDays = 365.0
	MinHalfLifeDays     = 1.0
	MaxHalfLifeDays     = 36500.0

	DefaultReachKm = 50.0
	MinReachKm     = 1.0
	MaxReachKm     = 200.0

	DefaultStaleYears = 10
	MinStaleYears     = 1
	MaxStaleYears     = 100

	MinNonFatalWeight = 0.0
	MaxNonFatalWeight = 1.0

	DefaultQualityFloor = 0.25
	MinQualityFloor     = 0.0
	MaxQualityFloor     = 1.0

	DefaultSeverityCap = 100.0
	MinSeverityCap     = 1.0
	MaxSeverityCap     = 100000.0

	DefaultApproxRadiusKm = 50.0
	MinApproxRadiusKm     = 1.0
	MaxApproxRadiusKm     = MaxRadiusKm

	// MaxValues bounds the values of routes= and of causes=.
	MaxValues = 100
)

// The range of reference_date.
var (
	minReferenceDate = time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC)
	maxReferenceDate = time.Date(2100, 12, 31, 0, 0, 0, 0, time.UTC)
)

// Params are the parameters of one analysis. Build them with
// DefaultParams or ParseParams; the zero value is not valid.
type Params struct {
	SegmentKm      float64           // segment_km: length cut along each route
	RadiusKm       float64           // radius_km: how far from a segment incidents count
	HalfLifeDays   float64           // half_life_days: age at which an incident weighs half
	ReachKm        float64           // reach_km: a service farther than this leaves a gap
	ReferenceDate  time.Time         // reference_date: "today" of the analysis, UTC midnight
	Time           *geodata.Interval // datetime: incidents dated within; nil for all
	Routes         []string          // routes: route names to analyse, sorted; nil for all
	Causes         []string          // causes: cause categories to count, sorted; nil for all
	NonFatalWeight float64           // nonfatal_weight: severity of an incident with no dead or missing
	StaleYears     int               // stale_years: a service last verified longer ago is stale
	QualityFloor   float64           // quality_floor: weight of a source_quality 1 record (5 weighs 1)
	SeverityCap    float64           // severity_cap: most dead and missing one incident counts with
	ApproxRadiusKm float64           // approx_radius_km: how far an approximate incident is spread
	// CoverageSubtypes are the coverage_subtypes rules given that differ
	// from their category's default, as "category:spec", sorted
	// (subtypes.go); nil for the defaults.
	CoverageSubtypes []string

	validOn time.Time // if set, the day route validity is judged on instead of ReferenceDate (backtests)
}

// DefaultParams returns the defaults with today (its UTC date) as the
// reference date.
func DefaultParams(today time.Time) Params {
	return Params{
		SegmentKm:      DefaultSegmentKm,
		RadiusKm:       DefaultRadiusKm,
		HalfLifeDays:   DefaultHalfLifeDays,
		ReachKm:        DefaultReachKm,
		ReferenceDate:  dateOf(today),
		NonFatalWeight: DefaultNonFatalWeight,
		StaleYears:     DefaultStaleYears,
		QualityFloor:   DefaultQualityFloor,
		SeverityCap:    DefaultSeverityCap,
		ApproxRadiusKm: DefaultApproxRadiusKm,
	}
}

// DateOf returns t's UTC date at midnight, as reference_date is held.
func DateOf(t time.Time) time.Time { return dateOf(t) }

func dateOf(t time.Time) time.Time {
	y, m, d := t.UTC().Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// ParamNames lists the query parameters ParseParams reads, sorted.
func ParamNames() []string {
	return []string{"approx_radius_km", "cause", "causes", SubtypesParam, "datetime", "half_life_days", "nonfatal_weight", "quality_floor",
		"radius_km", "reach_km", "reference_date", "route", "routes", "segment_km", "severity_cap", "stale_years"}
}

// ParseParams reads the analysis parameters from a query, with today's
// UTC date as the default reference date. See ParseParamsAt.
func ParseParams(v url.Values) (Params, error) {
	return ParseParamsAt(v, time.Now())
}

// ParseParamsAt reads the analysis parameters from a query; a parameter
// left out takes its default, reference_date defaulting to the UTC date of
// now. Every problem is a *geodata.Error with code Invalid whose message
// and Details name the parameter and what is allowed: an unknown
// parameter, one given twice, a value that is empty, not a number, not
// finite or out of range, a date that is not YYYY-MM-DD, a datetime that
// is not an RFC 3339 date, instant or interval, a cause that is not one
// of the seven categories. Route names are checked against the routes
// layer by Analyser.Analyse.
func ParseParamsAt(v url.Values, now time.Time) (Params, error) {
	p := DefaultParams(now)
	for _, name := range sortedKeys(v) {
		vals := v[name]
		var err error
		switch name {
		case "route", "routes", "cause", "causes":
			// route= and cause= (repeatable) are the filters' one name
			// across the API; the plural forms are read as the same.
			isCause := strings.HasPrefix(name, "cause")
			var allowed []string
			if isCause {
				allowed = vocab.CauseNames()
			}
			list, err := parseList(name, vals, allowed)
			if err != nil {
				return p, err
			}
			if isCause {
				p.Causes = mergeSorted(p.Causes, list)
			} else {
				p.Routes = mergeSorted(p.Routes, list)
			}
			continue
		case SubtypesParam:
			rules, err := parseSubtypes(vals)
			if err != nil {
				return p, err
			}
			p.CoverageSubtypes = rules
			continue
		}
		if !slices.Contains(ParamNames(), name) {
			return p, unknownParam(name)
		}
		if len(vals) != 1 {
			return p, geodata.InvalidParam(name, "is given more than once", "give this parameter once")
		}
		val := strings.TrimSpace(vals[0])
		switch name {
		case "segment_km":
			p.SegmentKm, err = parseNumber(name, val, MinSegmentKm, MaxSegmentKm, "kilometres")
		case "radius_km":
			p.RadiusKm, err = parseNumber(name, val, MinRadiusKm, MaxRadiusKm, "kilometres")
		case "half_life_days":
			p.HalfLifeDays, err = parseNumber(name, val, MinHalfLifeDays, MaxHalfLifeDays, "days")
		case "reach_km":
			p.ReachKm, err = parseNumber(name, val, MinReachKm, MaxReachKm, "kilometres")
		case "nonfatal_weight":
			p.NonFatalWeight, err = parseNumber(name, val, MinNonFatalWeight, MaxNonFatalWeight, "the weight of one dead or missing person")
		case "stale_years":
			p.StaleYears, err = parseWhole(name, val, MinStaleYears, MaxStaleYears, "years")
		case "quality_floor":
			p.QualityFloor, err = parseNumber(name, val, MinQualityFloor, MaxQualityFloor, "the weight of a record of source quality 1; quality 5 weighs 1")
		case "severity_cap":
			p.SeverityCap, err = parseNumber(name, val, MinSeverityCap, MaxSeverityCap, "dead and missing counted from one incident at most")
		case "approx_radius_km":
			p.ApproxRadiusKm, err = parseNumber(name, val, MinApproxRadiusKm, MaxApproxRadiusKm, "kilometres")
		case "reference_date":
			p.ReferenceDate, err = parseDate(name, val)
		case "datetime":
			p.Time, err = geodata.ParseInterval(val)
		}
		if err != nil {
			return p, err
		}
	}
	return p, nil
}

// mergeSorted joins two sorted lists without repeats.
func mergeSorted(a, b []string) []string {
	if a == nil {
		return b
	}
	out := slices.Concat(a, b)
	slices.Sort(out)
	return slices.Compact(out)
}

func sortedKeys(v url.Values) []string {
	keys := make([]string, 0, len(v))
	for k := range v {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

func unknownParam(name string) *geodata.Error {
	if len(name) > 64 {
		name = name[:64] + "…"
	}
	return &geodata.Error{
		Code:    geodata.Invalid,
		Message: fmt.Sprintf("unknown parameter %q; the analysis accepts: %s", name, strings.Join(ParamNames(), ", ")),
		Details: map[string]any{"parameter": name, "allowed": ParamNames()},
	}
}

func quote(s string) string {
	if len(s) > 32 {
		s = s[:32] + "…"
	}
	return strconv.Quote(s)
}

func parseNumber(name, val string, lo, hi float64, unit string) (float64, error) {
	allowed := fmt.Sprintf("use a number from %s to %s (%s)", ftoa(lo), ftoa(hi), unit)
	if val == "" {
		return 0, geodata.InvalidParam(name, "is empty", allowed)
	}
	f, err := strconv.ParseFloat(val, 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return 0, geodata.InvalidParam(name, "is "+quote(val)+", which is not a finite number", allowed)
	}
	if f < lo || f > hi {
		return 0, geodata.InvalidParam(name, "is "+quote(val)+", which is out of range", allowed)
	}
	return f, nil
}

func parseWhole(name, val string, lo, hi int, unit string) (int, error) {
	allowed := fmt.Sprintf("use a whole number from %d to %d (%s)", lo, hi, unit)
	n, err := strconv.Atoi(val)
	if err != nil {
		return 0, geodata.InvalidParam(name, "is "+quote(val)+", which is not a whole number", allowed)
	}
	if n < lo || n > hi {
		return 0, geodata.InvalidParam(name, "is "+quote(val)+", which is out of range", allowed)
	}
	return n, nil
}

func parseDate(name, val string) (time.Time, error) {
	allowed := fmt.Sprintf("use a date YYYY-MM-DD from %s to %s", minReferenceDate.Format(time.DateOnly), maxReferenceDate.Format(time.DateOnly))
	t, err := time.Parse(time.DateOnly, val)
	if err != nil {
		return t, geodata.InvalidParam(name, "is "+quote(val)+", which is not a date YYYY-MM-DD", allowed)
	}
	if t.Before(minReferenceDate) || t.After(maxReferenceDate) {
		return t, geodata.InvalidParam(name, "is "+quote(val)+", which is out of range", allowed)
	}
	return t, nil
}

// parseList reads a parameter of whole values, one per occurrence (values
// may hold commas), sorted and de-duplicated; if allowed is not nil every
// value must be one of them.
func parseList(name string, vals, allowed []string) ([]string, error) {
	hint := "give one value per occurrence, repeating the parameter for several (" + name + "=A&" + name + "=B)"
	if allowed != nil {
		hint = "use one of: " + strings.Join(allowed, "; ") + "; repeat the parameter for several"
	}
	var out []string
	for _, s := range vals {
		s = strings.TrimSpace(s)
		if s == "" {
			return nil, geodata.InvalidParam(name, "is empty", hint)
		}
		if len(s) > geodata.MaxFilterValueBytes {
			return nil, geodata.InvalidParam(name, fmt.Sprintf("has a value of %d bytes", len(s)), fmt.Sprintf("give values of at most %d bytes", geodata.MaxFilterValueBytes))
		}
		if allowed != nil && !slices.Contains(allowed, s) {
			return nil, geodata.InvalidParam(name, "names "+quote(s)+", which is not known", hint)
		}
		out = append(out, s)
	}
	slices.Sort(out)
	out = slices.Compact(out)
	if len(out) > MaxValues {
		return nil, geodata.InvalidParam(name, fmt.Sprintf("has %d values", len(out)), fmt.Sprintf("give at most %d values", MaxValues))
	}
	return out, nil
}

// Validate checks parameters built in code against the bounds ParseParams
// enforces; the error is a *geodata.Error with code Invalid naming the
// first parameter out of bounds.
func (p Params) Validate() error {
	v := p.Values()
	for _, name := range ParamNames() {
		switch name {
		case "route", "routes", "cause", "causes", SubtypesParam:
			continue
		}
		if _, given := v[name]; !given && name != "datetime" {
			return geodata.InvalidParam(name, "is missing", "build parameters with DefaultParams or ParseParams")
		}
	}
	if !p.ReferenceDate.Equal(dateOf(p.ReferenceDate)) {
		return geodata.InvalidParam("reference_date", "is not a date at midnight UTC", "use a date YYYY-MM-DD")
	}
	q, err := ParseParamsAt(v, p.ReferenceDate)
	if err != nil {
		return err
	}
	if q.Key() != p.Key() {
		return geodata.InvalidParam("route", "has empty or repeated values", "give each value once")
	}
	return nil
}

// Values returns the parameters as a query in canonical form: every
// parameter present, numbers in their shortest form, lists sorted.
func (p Params) Values() url.Values {
	v := url.Values{}
	v.Set("segment_km", ftoa(p.SegmentKm))
	v.Set("radius_km", ftoa(p.RadiusKm))
	v.Set("half_life_days", ftoa(p.HalfLifeDays))
	v.Set("reach_km", ftoa(p.ReachKm))
	v.Set("nonfatal_weight", ftoa(p.NonFatalWeight))
	v.Set("stale_years", strconv.Itoa(p.StaleYears))
	v.Set("quality_floor", ftoa(p.QualityFloor))
	v.Set("severity_cap", ftoa(p.SeverityCap))
	v.Set("approx_radius_km", ftoa(p.ApproxRadiusKm))
	v.Set("reference_date", p.ReferenceDate.Format(time.DateOnly))
	if p.Time != nil {
		v.Set("datetime", formatInterval(*p.Time))
	}
	if len(p.Routes) > 0 {
		v["route"] = slices.Clone(p.Routes)
	}
	if len(p.Causes) > 0 {
		v["cause"] = slices.Clone(p.Causes)
	}
	if len(p.CoverageSubtypes) > 0 {
		v[SubtypesParam] = slices.Clone(p.CoverageSubtypes)
	}
	return v
}

// Key returns the parameters in one canonical form for cache keys: two
// Params that give the same analysis of the same layers have the same
// key. It starts with the method version.
func (p Params) Key() string {
	return "risk/v" + strconv.Itoa(MethodVersion) + "?" + p.Values().Encode()
}

// formatInterval writes an interval as datetime= reads it, exactly (to
// the nanosecond), ".." for an open end.
func formatInterval(iv geodata.Interval) string {
	f := func(t time.Time) string {
		if t.IsZero() {
			return ".."
		}
		return t.UTC().Format(time.RFC3339Nano)
	}
	return f(iv.Start) + "/" + f(iv.End)
}

func ftoa(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }
