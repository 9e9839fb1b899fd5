package geodata

import (
	"fmt"
	"math"
	"strings"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
)

// The values of an incident's geo_precision property.
const (
	PrecisionExact       = "exact"       // the point is where it happened, as far as the source knows
	PrecisionApproximate = "approximate" // the point stands for a wider area (a whole-degree or shared coordinate)
	PrecisionRegion      = "region"      // the point stands for a region
)

// PileUpOthers is how many other incidents must share an incident's exact
// coordinate for it to count as approximate: records placed at an
// administrative centre (264 Missing Migrants records sit on one point in
// Tehran) say where a death was registered, not where it happened.
const PileUpOthers = 10

// CodeSharedCoordinate is the report code of an incident marked
// approximate because PileUpOthers or more others share its coordinate.
const CodeSharedCoordinate = "shared_coordinate"

// MarkPileUps marks approximate every Point feature whose coordinate (to
// six decimals) is shared by PileUpOthers or more other features and whose geo_precision is
// exact or absent (a coarser value is kept). Each marked feature gets the
// code in its "flags" (a comma-separated list) and an issue in rep, with
// its 1-based position in features; the count under CodeSharedCoordinate
// is the number marked, which MarkPileUps returns.
func MarkPileUps(features []*geojson.Feature, rep *Report) int {
	shared := make(map[orb.Point]int, len(features))
	for _, f := range features {
		if p, ok := pointOf(f); ok {
			shared[pileKey(p)]++
		}
	}
	marked := 0
	for i, f := range features {
		p, ok := pointOf(f)
		if ok {
			p = pileKey(p)
		}
		if !ok || shared[p] <= PileUpOthers {
			continue
		}
		if gp, _ := f.Properties["geo_precision"].(string); gp != "" && gp != PrecisionExact {
			continue
		}
		f.Properties["geo_precision"] = PrecisionApproximate
		addFlag(f.Properties, CodeSharedCoordinate)
		marked++
		if rep != nil {
			id := ""
			if f.ID != nil {
				id = fmt.Sprint(f.ID)
			}
			rep.Add(Issue{Feature: i + 1, ID: id, Field: "geo_precision", Code: CodeSharedCoordinate, Action: Flagged,
				Message: fmt.Sprintf("%d incidents share the coordinate %g, %g (likely an administrative centre, not the place of the incident); geo_precision approximate",
					shared[p], p.Lat(), p.Lon())})
		}
	}
	return marked
}

// pileKey is the point rounded to six decimals (about 0.1 m), the
// precision of the bundled layers: points that differ only beyond it are
// one coordinate.
func pileKey(p orb.Point) orb.Point {
	return orb.Point{math.Round(p[0]*1e6) / 1e6, math.Round(p[1]*1e6) / 1e6}
}

func pointOf(f *geojson.Feature) (orb.Point, bool) {
	if f == nil {
		return orb.Point{}, false
	}
	p, ok := f.Geometry.(orb.Point)
	if ok && f.Properties == nil {
		f.Properties = geojson.Properties{}
	}
	return p, ok
}

// addFlag adds code to the comma-separated "flags" property unless it is
// there already.
func addFlag(props geojson.Properties, code string) {
	flags, _ := props["flags"].(string)
	if flags == "" {
		props["flags"] = code
		return
	}
	for _, c := range strings.Split(flags, ",") {
		if strings.TrimSpace(c) == code {
			return
		}
	}
	props["flags"] = flags + "," + code
}
