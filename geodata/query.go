package geodata

import (
	"fmt"
	"math"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
)

// Limits on feature queries.
const (
	DefaultLimit = 1000  // features per page when limit= is absent
	MaxLimit     = 50000 // the largest limit= accepted
	MaxPrecision = 15    // the most coordinate decimals precision= accepts
	maxValues    = 100   // values in one comma-separated filter
)

// Interval is a closed time interval; a zero Start or End is an open end.
type Interval struct {
	Start, End time.Time
}

// Contains reports whether t lies within the interval.
func (iv Interval) Contains(t time.Time) bool {
	if !iv.Start.IsZero() && t.Before(iv.Start) {
		return false
	}
	if !iv.End.IsZero() && t.After(iv.End) {
		return false
	}
	return true
}

// String writes the interval in the OGC form, ".." for open ends.
func (iv Interval) String() string {
	f := func(t time.Time) string {
		if t.IsZero() {
			return ".."
		}
		return t.UTC().Format(time.RFC3339Nano)
	}
	return f(iv.Start) + "/" + f(iv.End)
}

// Filter keeps features whose Property equals one of Values.
type Filter struct {
	Param    string   // the query parameter as the caller wrote it
	Property string   // the property it reads
	Values   []string // sorted, de-duplicated
}

// Query selects and shapes the features of one layer version.
type Query struct {
	BBox       *orb.Bound
	Time       *Interval
	Filters    []Filter // sorted by Param
	Properties []string // nil: all properties; sorted
	Precision  int      // coordinate decimals; -1: as stored
	Limit      int
	Offset     int
	// Ignored lists, sorted, the map filters given that the layer does
	// not have (see MapFilters): they do not select anything and are not
	// part of Key or Values.
	Ignored []string
}

// filterAliases maps, per kind, the filter parameters of the API onto the
// normalised property they read.
var filterAliases = map[Kind]map[string]string{
	KindIncident: {"route": "route", "cause": "cause_category", "country": "country"},
	KindService:  {"category": "category", "country": "country"},
	KindRoute:    {"route": "name", "mode": "mode"},
}

// MapFilters are the filter parameters of the dashboard and of embeds,
// which send one set of filters to layers of every kind: each applies to
// a layer that has its property (datetime: a time property its features
// hold) and is
// ignored by the others, which then say so (Query.Ignored). Any other
// parameter a layer does not know is refused.
var MapFilters = []string{"category", "cause", "country", "datetime", "mode", "route"}

// FilterParams lists the filter parameters a layer answers, with the
// property each reads: every string, integer or boolean property of its
// schema under its own name, except that an alias of its kind reads its
// own property, and only when the schema has it (cause on an incident
// layer reads cause_category, or nothing).
func FilterParams(m Meta) map[string]string {
	out := map[string]string{}
	for _, f := range m.Schema {
		if f.Type == "string" || f.Type == "integer" || f.Type == "boolean" {
			out[f.Name] = f.Name
		}
	}
	for p, prop := range filterAliases[m.Kind] {
		if m.HasField(prop) {
			out[p] = prop
		} else {
			delete(out, p)
		}
	}
	return out
}

// IgnoredFilters lists, sorted, the map filters in v that the layer m
// does not have (see MapFilters).
func IgnoredFilters(v url.Values, m Meta) []string {
	var out []string
	var filters map[string]string
	for _, name := range MapFilters {
		if _, given := v[name]; !given {
			continue
		}
		if filters == nil {
			filters = FilterParams(m)
		}
		if _, isFilter := filters[name]; ignores(m, name, isFilter) {
			out = append(out, name)
		}
	}
	return out
}

var reservedParams = []string{"bbox", "datetime", "properties", "precision", "limit", "offset"}

// ParseQuery reads and validates the feature query parameters for the layer
// described by m. Every problem is an *Error with code Invalid naming the
// parameter and what is allowed.
func ParseQuery(v url.Values, m Meta) (Query, error) {
	q := Query{Precision: -1, Limit: DefaultLimit}
	filters := FilterParams(m)
	for name, vals := range v {
		prop, isFilter := filters[name]
		if ignores(m, name, isFilter) {
			// A filter of the map this layer does not have: its values
			// are checked as anywhere, then it is left out.
			if err := checkIgnored(name, vals); err != nil {
				return q, err
			}
			q.Ignored = append(q.Ignored, name)
			continue
		}
		if isFilter && !slices.Contains(reservedParams, name) {
			f, err := parseFilter(name, prop, vals)
			if err != nil {
				return q, err
			}
			q.Filters = append(q.Filters, f)
			continue
		}
		if len(vals) > 1 {
			return q, InvalidParam(name, "is given more than once", "give this parameter once")
		}
		val := vals[0]
		var err error
		switch name {
		case "bbox":
			q.BBox, err = ParseBBox(val)
		case "datetime":
			q.Time, err = ParseInterval(val)
		case "properties":
			q.Properties, err = parseProperties(val, m)
		case "precision":
			q.Precision, err = parseInt(name, val, 0, MaxPrecision)
		case "limit":
			q.Limit, err = parseInt(name, val, 1, MaxLimit)
		case "offset":
			q.Offset, err = parseInt(name, val, 0, math.MaxInt32)
		default:
			return q, unknownParam(name, filters)
		}
		if err != nil {
			return q, err
		}
	}
	slices.SortFunc(q.Filters, func(a, b Filter) int { return strings.Compare(a.Param, b.Param) })
	slices.Sort(q.Ignored)
	return q, nil
}

// ignores reports whether layer m ignores parameter name, which it
// answers as a filter when isFilter: a map filter it does not have.
func ignores(m Meta, name string, isFilter bool) bool {
	if name == "datetime" {
		return m.TimeProperty == "" || (len(m.Schema) > 0 && !m.HasField(m.TimeProperty))
	}
	return !isFilter && slices.Contains(MapFilters, name)
}

// checkIgnored checks the values of a map filter a layer does not have as
// a layer that has it would: a malformed filter is refused everywhere.
func checkIgnored(name string, vals []string) error {
	if name != "datetime" {
		_, err := parseFilter(name, name, vals)
		return err
	}
	if len(vals) > 1 {
		return InvalidParam(name, "is given more than once", "give this parameter once")
	}
	_, err := ParseInterval(vals[0])
	return err
}

func unknownParam(name string, filters map[string]string) *Error {
	allowed := append([]string(nil), reservedParams...)
	for p := range filters {
		allowed = append(allowed, p)
	}
	slices.Sort(allowed)
	return &Error{
		Code:    Invalid,
		Message: fmt.Sprintf("unknown parameter %q; this layer accepts: %s", Truncate(name, 64), strings.Join(allowed, ", ")),
		Details: map[string]any{"parameter": Truncate(name, 64), "allowed": allowed},
	}
}

func parseInt(name, val string, lo, hi int) (int, error) {
	n, err := strconv.Atoi(strings.TrimSpace(val))
	if err != nil || n < lo || n > hi {
		return 0, InvalidParam(name, fmt.Sprintf("is %q", Truncate(val, 32)), fmt.Sprintf("use a whole number from %d to %d", lo, hi))
	}
	return n, nil
}

// MaxFilterValueBytes bounds one value of a filter parameter: longer ones
// match nothing a layer holds, and would only fill the caches.
const MaxFilterValueBytes = 400

// parseFilter reads an attribute filter. Each occurrence of the parameter
// is one whole value — values may contain commas, as some Missing Migrants
// cause categories do — and repeating the parameter admits several.
func parseFilter(param, prop string, vals []string) (Filter, error) {
	f := Filter{Param: param, Property: prop}
	for _, s := range vals {
		s = strings.TrimSpace(s)
		if s == "" {
			return f, InvalidParam(param, "is empty", "give a value, repeat the parameter for several (route=A&route=B), or leave it out")
		}
		if len(s) > MaxFilterValueBytes {
			return f, InvalidParam(param, fmt.Sprintf("has a value of %d bytes", len(s)), fmt.Sprintf("give values of at most %d bytes", MaxFilterValueBytes))
		}
		f.Values = append(f.Values, s)
	}
	if len(f.Values) > maxValues {
		return f, InvalidParam(param, fmt.Sprintf("has %d values", len(f.Values)), fmt.Sprintf("give at most %d values", maxValues))
	}
	slices.Sort(f.Values)
	f.Values = slices.Compact(f.Values)
	return f, nil
}

func parseProperties(val string, m Meta) ([]string, error) {
	var props []string
	for _, p := range strings.Split(val, ",") {
		p = strings.TrimSpace(p)
		if p == "" {
			continue
		}
		if !m.HasField(p) {
			names := make([]string, len(m.Schema))
			for i, f := range m.Schema {
				names[i] = f.Name
			}
			return nil, &Error{
				Code:    Invalid,
				Message: fmt.Sprintf("parameter \"properties\" names %q, which layer %q does not have; it has: %s", Truncate(p, 64), m.ID, strings.Join(names, ", ")),
				Details: map[string]any{"parameter": "properties", "allowed": names},
			}
		}
		props = append(props, p)
	}
	slices.Sort(props)
	return slices.Compact(props), nil
}

// ParseBBox reads "minLon,minLat,maxLon,maxLat" in WGS84 degrees. A box
// whose minLon is greater than its maxLon crosses the antimeridian (RFC
// 7946 §5.2): 170,-10,-170,10 spans 20° of longitude around ±180. Such a
// bound keeps Min[0] > Max[0]; BoundParts splits it in two.
func ParseBBox(s string) (*orb.Bound, error) {
	const allowed = "use bbox=minLon,minLat,maxLon,maxLat in degrees, with -180 ≤ lon ≤ 180, -90 ≤ lat ≤ 90 and minLat ≤ maxLat (minLon > maxLon crosses the antimeridian)"
	parts := strings.Split(s, ",")
	if len(parts) != 4 {
		return nil, InvalidParam("bbox", fmt.Sprintf("has %d numbers", len(parts)), allowed)
	}
	var n [4]float64
	for i, p := range parts {
		f, err := strconv.ParseFloat(strings.TrimSpace(p), 64)
		if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
			return nil, InvalidParam("bbox", fmt.Sprintf("has %q, which is not a finite number", Truncate(p, 32)), allowed)
		}
		n[i] = f
	}
	if outside(n[0], 180) || outside(n[2], 180) || outside(n[1], 90) || outside(n[3], 90) {
		return nil, InvalidParam("bbox", "is out of range", allowed)
	}
	if n[1] > n[3] {
		return nil, InvalidParam("bbox", "has a minimum latitude greater than its maximum", allowed)
	}
	return &orb.Bound{Min: orb.Point{n[0], n[1]}, Max: orb.Point{n[2], n[3]}}, nil
}

// CrossesAntimeridian reports whether a box read by ParseBBox wraps
// around ±180° of longitude.
func CrossesAntimeridian(b orb.Bound) bool { return b.Min[0] > b.Max[0] }

// BoundParts returns a box as plain bounds: itself, or, when it crosses
// the antimeridian, its part up to 180° and its part from -180°.
func BoundParts(b orb.Bound) []orb.Bound {
	if !CrossesAntimeridian(b) {
		return []orb.Bound{b}
	}
	return []orb.Bound{
		{Min: b.Min, Max: orb.Point{180, b.Max[1]}},
		{Min: orb.Point{-180, b.Min[1]}, Max: b.Max},
	}
}

// BoundIntersects reports whether other meets box, which may cross the
// antimeridian.
func BoundIntersects(box, other orb.Bound) bool {
	for _, p := range BoundParts(box) {
		if p.Intersects(other) {
			return true
		}
	}
	return false
}

// ParseInterval reads an RFC 3339 date or instant, or an interval of two
// separated by "/", either end ".." or empty for open. A date-only end
// covers its whole day (UTC).
func ParseInterval(s string) (*Interval, error) {
	const allowed = "use an RFC 3339 date or time (2020-01-31, 2020-01-31T12:00:00Z) or an interval such as 2020-01-01/2020-12-31, ../2020-12-31 or 2020-01-01/.."
	start, end, isInterval := strings.Cut(s, "/")
	if !isInterval {
		t0, t1, err := parseInstant(s)
		if err != nil || t0.IsZero() {
			return nil, InvalidParam("datetime", fmt.Sprintf("is %q", Truncate(s, 64)), allowed)
		}
		return &Interval{Start: t0, End: t1}, nil
	}
	t0, _, err := parseInstant(start)
	if err != nil {
		return nil, InvalidParam("datetime", fmt.Sprintf("starts with %q", Truncate(start, 64)), allowed)
	}
	_, t1, err := parseInstant(end)
	if err != nil {
		return nil, InvalidParam("datetime", fmt.Sprintf("ends with %q", Truncate(end, 64)), allowed)
	}
	if t0.IsZero() && t1.IsZero() {
		return nil, InvalidParam("datetime", "is open at both ends", allowed)
	}
	if !t0.IsZero() && !t1.IsZero() && t1.Before(t0) {
		return nil, InvalidParam("datetime", "ends before it starts", allowed)
	}
	return &Interval{Start: t0, End: t1}, nil
}

// parseInstant returns the first and last instant a value covers; both
// zero for an open end.
func parseInstant(s string) (time.Time, time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" || s == ".." {
		return time.Time{}, time.Time{}, nil
	}
	if d, err := time.Parse(time.DateOnly, s); err == nil {
		if d.Year() < 1 {
			return time.Time{}, time.Time{}, fmt.Errorf("year %d is outside 0001–9999", d.Year())
		}
		return d, d.Add(24*time.Hour - time.Nanosecond), nil
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, time.Time{}, err
	}
	t = t.UTC()
	if t.Year() < 1 || t.Year() > 9999 {
		return time.Time{}, time.Time{}, fmt.Errorf("year %d is outside 0001–9999 in UTC", t.Year())
	}
	return t, t, nil
}

// ParseDate reads a feature's date property: "YYYY-MM-DD", "YYYY-MM" or an
// RFC 3339 instant. ok is false for anything else.
func ParseDate(v any) (time.Time, bool) {
	s, isString := v.(string)
	if !isString || s == "" {
		return time.Time{}, false
	}
	if t, err := time.Parse(time.DateOnly, s); err == nil {
		return t, true
	}
	if t, err := time.Parse("2006-01", s); err == nil {
		return t, true
	}
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t.UTC(), true
	}
	return time.Time{}, false
}

// MatchesFilters reports whether f passes every attribute filter of q.
func (q Query) MatchesFilters(f *geojson.Feature) bool {
	for _, flt := range q.Filters {
		if !matchValue(f.Properties[flt.Property], flt.Values) {
			return false
		}
	}
	return true
}

func matchValue(v any, values []string) bool {
	s, ok := ValueText(v)
	if !ok {
		return false
	}
	_, found := slices.BinarySearch(values, s)
	return found
}

// ValueText is a property value as a filter compares it: strings as they
// are, numbers in their shortest form, booleans as true or false; ok is
// false for null or a missing value, which no filter matches.
func ValueText(v any) (string, bool) {
	switch x := v.(type) {
	case nil:
		return "", false
	case string:
		return x, true
	case bool:
		return strconv.FormatBool(x), true
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64), true
	default:
		return fmt.Sprint(x), true
	}
}

// Key returns the query in one canonical form, for cache keys and links:
// two queries that select and shape the same features have the same key.
func (q Query) Key() string {
	v := q.Values()
	return v.Encode()
}

// Values returns the query as URL parameters in canonical form.
func (q Query) Values() url.Values {
	v := url.Values{}
	if q.BBox != nil {
		v.Set("bbox", fmt.Sprintf("%s,%s,%s,%s", ftoa(q.BBox.Min[0]), ftoa(q.BBox.Min[1]), ftoa(q.BBox.Max[0]), ftoa(q.BBox.Max[1])))
	}
	if q.Time != nil {
		v.Set("datetime", q.Time.String())
	}
	for _, f := range q.Filters {
		v[f.Param] = append([]string(nil), f.Values...)
	}
	if q.Properties != nil {
		v.Set("properties", strings.Join(q.Properties, ","))
	}
	if q.Precision >= 0 {
		v.Set("precision", strconv.Itoa(q.Precision))
	}
	v.Set("limit", strconv.Itoa(q.Limit))
	if q.Offset > 0 {
		v.Set("offset", strconv.Itoa(q.Offset))
	}
	return v
}

func outside(v, limit float64) bool { return v < -limit || v > limit }

func ftoa(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

// FilterFor builds the filter param=values on a layer, as ParseQuery
// would read it; ok is false when the layer does not answer param.
func FilterFor(m Meta, param string, values []string) (Filter, bool) {
	prop, ok := FilterParams(m)[param]
	if !ok || len(values) == 0 {
		return Filter{}, false
	}
	vals := slices.Clone(values)
	slices.Sort(vals)
	return Filter{Param: param, Property: prop, Values: slices.Compact(vals)}, true
}
