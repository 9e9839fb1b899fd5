package risk

import (
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"github.com/routerisk/routerisk/geodata"
)

// noDay marks an incident without a usable date. It sorts before every
// real day, so a day range that starts above it leaves undated incidents
// out.
const noDay = math.MinInt32

// dayOf returns the number of days from 1970-01-01 to t's UTC date.
func dayOf(t time.Time) int32 {
	return int32(math.Floor(float64(t.Unix()) / 86400))
}

// incidents holds the incident points that can lie within MaxRadiusKm of
// a route, in grid cell order, with what the analysis reads of each.
type incidents struct {
	g      grid       // the exact incidents: rec[:nExact]
	ga     grid       // the approximate incidents: rec[nExact:], positions relative to nExact
	nExact int32      // how many of rec are exact
	rec    []incident // in cell order, exact ones first
	causes []string   // cause categories met; causes[0] is "" (none given)
	ids    string     // every feature id of rec, one after another
	idEnd  []uint32   // by position in rec: where its id ends in ids

	minDay   int32 // earliest day of any dated Point incident given, near a route or not; noDay if none
	maxDay   int32 // latest such day; noDay if none
	read     int   // incident features given
	notPoint int   // features left out for lacking a point geometry
	far      int   // points left out for lying too far from every route
}

// newIncidents reads the incident features: a Point geometry; "date"
// (YYYY-MM-DD, YYYY-MM or RFC 3339; anything else counts as undated);
// "dead" and "missing" (numbers or numeric strings; absent, negative or
// unreadable counts are 0); "cause_category". Points outside region
// cannot be within reach of any route and are left out.
func newIncidents(features []*geojson.Feature, region box, hasRegion bool) incidents {
	in := incidents{read: len(features), minDay: noDay, maxDay: noDay, causes: []string{""}}
	causeIndex := map[string]uint16{"": 0}
	var pts, apts []orb.Point
	var keep, akeep []*geojson.Feature
	for _, f := range features {
		if f == nil {
			in.notPoint++
			continue
		}
		p, isPoint := f.Geometry.(orb.Point)
		if !isPoint || !validLonLat(p) {
			in.notPoint++
			continue
		}
		if t, ok := geodata.ParseDate(f.Properties["date"]); ok {
			if d := dayOf(t); in.minDay == noDay || d < in.minDay {
				in.minDay = d
			}
			in.maxDay = max(in.maxDay, dayOf(t))
		}
		if !hasRegion || !region.contains(p) {
			in.far++
			continue
		}
		if Approximate(f.Properties["geo_precision"]) {
			apts = append(apts, p)
			akeep = append(akeep, f)
			continue
		}
		pts = append(pts, p)
		keep = append(keep, f)
	}
	var order, aorder []int32
	in.g, order = newGrid(pts, incidentCells, incidentCellsPerPoint)
	in.ga, aorder = newGrid(apts, incidentCells, incidentCellsPerPoint)
	in.nExact = int32(len(pts))
	for _, k := range aorder {
		order = append(order, in.nExact+k)
	}
	keep = append(keep, akeep...)
	pts = append(pts, apts...)
	in.rec = make([]incident, len(pts))
	in.idEnd = make([]uint32, len(pts))
	var ids strings.Builder
	for i, src := range order {
		f := keep[src]
		if f.ID != nil {
			if id := fmt.Sprint(f.ID); ids.Len()+len(id) <= math.MaxUint32 {
				ids.WriteString(id)
			}
		}
		in.idEnd[i] = uint32(ids.Len())
		r := incident{pos: unit(pts[src]), day: noDay}
		if t, ok := geodata.ParseDate(f.Properties["date"]); ok {
			r.day = dayOf(t)
		}
		r.approx = int32(i) >= in.nExact
		if q := geodata.Count(f.Properties["source_quality"]); q >= 1 && q <= 5 {
			r.quality = uint8(q)
		}
		r.dead = float32(geodata.Count(f.Properties["dead"]))
		r.missing = float32(geodata.Count(f.Properties["missing"]))
		c, _ := f.Properties["cause_category"].(string)
		ci, seen := causeIndex[c]
		if !seen && len(in.causes) < math.MaxUint16 {
			ci = uint16(len(in.causes))
			causeIndex[c] = ci
			in.causes = append(in.causes, c)
		}
		r.cause = ci
		in.rec[i] = r
	}
	in.ids = ids.String()
	return in
}

// id returns the feature id of rec[k], "" if it had none.
func (in *incidents) id(k int) string {
	lo := uint32(0)
	if k > 0 {
		lo = in.idEnd[k-1]
	}
	return in.ids[lo:in.idEnd[k]]
}

// incident is what the analysis reads of one incident, packed so that
// testing and counting it touches one or two cache lines.
type incident struct {
	pos     vec3
	day     int32   // days since 1970-01-01, or noDay
	dead    float32 // ≥ 0; float32 holds every whole count up to 16,777,216 exactly
	missing float32 // ≥ 0
	cause   uint16  // position in incidents.causes
	quality uint8   // source_quality 1–5, 0 when not given
	approx  bool    // geo_precision is not exact: the point stands for a wider area
}

// Approximate reports whether an incident's geo_precision value says its
// point stands for a wider area: any value but "exact" (absent counts as
// exact, as in layers that do not give one).
func Approximate(precision any) bool {
	s, _ := precision.(string)
	return s != "" && s != geodata.PrecisionExact
}
