// Package synthetic makes incident layers of any size that look like a
// real one, for benchmarks and load tests of the risk analysis: the same
// seed, size and base layer always give the same features.
//
// Each synthetic incident copies an incident of the base layer picked at
// random (so places, tolls, causes and the spread over time follow the
// real record), moves it by a random offset drawn from a normal
// distribution with a standard deviation of JitterKm in each direction,
// and shifts its date by a whole number of days drawn uniformly from
// −ShiftDays to +ShiftDays, kept within the dates of the base layer.
package synthetic

import (
	"fmt"
	"math"
	"math/rand/v2"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"github.com/routerisk/routerisk/geodata"
)

// JitterKm is the standard deviation of the offset given to each
// synthetic incident, north–south and east–west.
const JitterKm = 10.0

// ShiftDays is the largest shift of a synthetic incident's date.
const ShiftDays = 365

// kmPerDegree is the length of one degree of latitude (mean Earth radius).
const kmPerDegree = 6371.0088 * math.Pi / 180

// Incidents returns n synthetic incidents made from the Point features of
// base, with the properties the risk analysis reads (date, dead, missing,
// cause_category, route) and "synthetic": true; ids are "synthetic-N".
// It returns nil if base holds no Point feature.
func Incidents(base []*geojson.Feature, n int, seed uint64) []*geojson.Feature {
	type src struct {
		p       orb.Point
		day     int // days since 1970-01-01, or -1 << 31 for undated
		props   geojson.Properties
		hasDate bool
	}
	var pool []src
	minDay, maxDay := math.MaxInt, math.MinInt
	for _, f := range base {
		if f == nil {
			continue
		}
		p, ok := f.Geometry.(orb.Point)
		if !ok {
			continue
		}
		s := src{p: p, props: f.Properties}
		if t, ok := geodata.ParseDate(f.Properties["date"]); ok {
			s.day, s.hasDate = int(t.Unix()/86400), true
			minDay, maxDay = min(minDay, s.day), max(maxDay, s.day)
		}
		pool = append(pool, s)
	}
	if len(pool) == 0 {
		return nil
	}
	rng := rand.New(rand.NewPCG(seed, 0x5eed))
	out := make([]*geojson.Feature, n)
	for i := range out {
		s := pool[rng.IntN(len(pool))]
		lat := clamp(s.p[1]+rng.NormFloat64()*JitterKm/kmPerDegree, -89.9, 89.9)
		lon := s.p[0] + rng.NormFloat64()*JitterKm/(kmPerDegree*math.Cos(lat*math.Pi/180))
		lon = math.Mod(lon+540, 360) - 180
		props := geojson.Properties{"synthetic": true}
		for _, k := range []string{"dead", "missing", "cause_category", "route"} {
			if v, ok := s.props[k]; ok {
				props[k] = v
			}
		}
		if s.hasDate {
			d := min(max(s.day+rng.IntN(2*ShiftDays+1)-ShiftDays, minDay), maxDay)
			props["date"] = time.Unix(int64(d)*86400, 0).UTC().Format(time.DateOnly)
		}
		f := geojson.NewFeature(orb.Point{lon, lat})
		f.ID = fmt.Sprintf("synthetic-%d", i+1)
		f.Properties = props
		out[i] = f
	}
	return out
}

func clamp(v, lo, hi float64) float64 { return math.Min(math.Max(v, lo), hi) }
