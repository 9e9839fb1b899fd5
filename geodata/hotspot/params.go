package hotspot

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

// Weight names the variable the test runs on.
type Weight string

// The variables.
const (
	WeightIncidents Weight = "incidents" // the number of incidents in a cell (default)
	WeightVictims   Weight = "victims"   // the people dead or missing in them: dead + missing
)

// maxCauseValues bounds the cause= and causes= occurrences of one query.
const maxCauseValues = 100

// Params says what to analyse and how. The zero value is not usable;
// start from DefaultParams or ParseParams.
type Params struct {
	Resolution int               // H3 resolution, MinResolution to MaxResolution
	Time       *geodata.Interval // incidents dated within it; nil: every incident, dated or not
	Causes     []string          // cause categories (MMP spelling), sorted; nil: every cause
	Weight     Weight            // the variable tested
	K          int               // k-ring radius of the neighbourhood, MinK to MaxK
}

// DefaultParams returns the parameters of a query that gives none:
// DefaultResolution, every date and cause, WeightIncidents, DefaultK.
func DefaultParams() Params {
	return Params{Resolution: DefaultResolution, Weight: WeightIncidents, K: DefaultK}
}

// paramNames lists the parameters ParseParams accepts, sorted.
func paramNames() []string {
	return []string{"cause", "causes", "datetime", "k", "resolution", "weight", "zoom"}
}

// ParseParams reads the hotspot query parameters:
//
//	resolution=2…7    H3 resolution
//	zoom=0…24         map zoom, mapped by ResolutionForZoom (not with resolution=)
//	datetime=         as geodata.ParseInterval; undated incidents then drop out
//	cause=, causes=   a cause category, one whole value per occurrence (values
//	                  may contain commas); repeat for several; matched without
//	                  regard to case against the seven MMP categories
//	weight=           incidents (default) or victims
//	k=1…2             neighbourhood radius in cells (default 1)
//
// Absent parameters take the values of DefaultParams. Every problem is a
// *geodata.Error with code Invalid naming the parameter and what is
// allowed: an unknown parameter, a single-valued one given twice, a value
// out of range, or resolution= with zoom=.
func ParseParams(v url.Values) (Params, error) {
	p := DefaultParams()
	names := make([]string, 0, len(v))
	for name := range v {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		if !slices.Contains(paramNames(), name) {
			return p, &geodata.Error{
				Code:    geodata.Invalid,
				Message: fmt.Sprintf("unknown parameter %q; hotspots accept: %s", geodata.Truncate(name, 64), strings.Join(paramNames(), ", ")),
				Details: map[string]any{"parameter": geodata.Truncate(name, 64), "allowed": paramNames()},
			}
		}
		if name != "cause" && name != "causes" && len(v[name]) > 1 {
			return p, geodata.InvalidParam(name, "is given more than once", "give this parameter once")
		}
	}
	if v.Has("resolution") && v.Has("zoom") {
		return p, geodata.InvalidParam("zoom", "cannot be combined with resolution", "give resolution= or zoom=, not both")
	}
	var err error
	if v.Has("resolution") {
		if p.Resolution, err = parseWhole("resolution", v.Get("resolution"), MinResolution, MaxResolution); err != nil {
			return p, err
		}
	}
	if v.Has("zoom") {
		z, err := parseZoom(v.Get("zoom"))
		if err != nil {
			return p, err
		}
		p.Resolution = vocab.ResolutionForZoom(z)
	}
	if v.Has("k") {
		if p.K, err = parseWhole("k", v.Get("k"), MinK, MaxK); err != nil {
			return p, err
		}
	}
	if v.Has("weight") {
		switch w := Weight(strings.TrimSpace(v.Get("weight"))); w {
		case WeightIncidents, WeightVictims:
			p.Weight = w
		default:
			return p, geodata.InvalidParam("weight", fmt.Sprintf("is %q", geodata.Truncate(string(w), 32)), "use weight=incidents or weight=victims")
		}
	}
	if v.Has("datetime") {
		if p.Time, err = geodata.ParseInterval(v.Get("datetime")); err != nil {
			return p, err
		}
	}
	for _, name := range []string{"cause", "causes"} {
		if len(v[name]) > maxCauseValues {
			return p, geodata.InvalidParam(name, fmt.Sprintf("has %d values", len(v[name])), fmt.Sprintf("give at most %d values", maxCauseValues))
		}
		for _, s := range v[name] {
			c, err := parseCause(name, s)
			if err != nil {
				return p, err
			}
			p.Causes = append(p.Causes, c)
		}
	}
	slices.Sort(p.Causes)
	p.Causes = slices.Compact(p.Causes)
	return p, nil
}

func parseWhole(name, val string, lo, hi int) (int, error) {
	n, err := strconv.Atoi(strings.TrimSpace(val))
	if err != nil || n < lo || n > hi {
		return 0, geodata.InvalidParam(name, fmt.Sprintf("is %q", geodata.Truncate(val, 32)), fmt.Sprintf("use a whole number from %d to %d", lo, hi))
	}
	return n, nil
}

func parseZoom(val string) (float64, error) {
	z, err := strconv.ParseFloat(strings.TrimSpace(val), 64)
	if err != nil || math.IsNaN(z) || z < 0 || z > MaxZoom {
		return 0, geodata.InvalidParam("zoom", fmt.Sprintf("is %q", geodata.Truncate(val, 32)), fmt.Sprintf("use a number from 0 to %d", MaxZoom))
	}
	return z, nil
}

// parseCause returns the MMP spelling of the cause category s names.
func parseCause(name, s string) (string, error) {
	s = strings.TrimSpace(s)
	for _, c := range vocab.CauseNames() {
		if strings.EqualFold(s, c) {
			return c, nil
		}
	}
	allowed := "use one of the Missing Migrants cause categories, one per parameter (repeat it for several): " + strings.Join(vocab.CauseNames(), "; ")
	if s == "" {
		return "", geodata.InvalidParam(name, "is empty", allowed)
	}
	return "", geodata.InvalidParam(name, fmt.Sprintf("is %q", geodata.Truncate(s, 96)), allowed)
}

// Key returns the parameters in one canonical form for cache keys: two
// Params that give the same cells have the same key, and the key parses
// back (ParseParams(url.ParseQuery(key))) to the same Params.
func (p Params) Key() string { return p.Values().Encode() }

// Values returns the parameters as URL query values in canonical form:
// resolution (never zoom), k, weight, datetime when set, and cause once
// per category.
func (p Params) Values() url.Values {
	v := url.Values{}
	v.Set("resolution", strconv.Itoa(p.Resolution))
	v.Set("k", strconv.Itoa(p.K))
	v.Set("weight", string(p.Weight))
	if p.Time != nil {
		v.Set("datetime", intervalKey(*p.Time))
	}
	if len(p.Causes) > 0 {
		v["cause"] = slices.Clone(p.Causes)
	}
	return v
}

// intervalKey writes iv like Interval.String but to the nanosecond, so
// that intervals that differ by less than a second keep apart.
func intervalKey(iv geodata.Interval) string {
	f := func(t time.Time) string {
		if t.IsZero() {
			return ".."
		}
		return t.UTC().Format(time.RFC3339Nano)
	}
	return f(iv.Start) + "/" + f(iv.End)
}
