package risk

import (
	"github.com/paulmach/orb"

	"github.com/routerisk/routerisk/geodata/places"
	"github.com/routerisk/routerisk/geodata/sea"
)

// landfallStepKm is how finely a line is sampled to find where it reaches
// land.
const landfallStepKm = 2.0

// maxPortKm bounds how far from a landfall a port may lie to name the
// landing place.
const maxPortKm = 30.0

// landfall is where a line, followed in its drawn direction, reaches land
// after a stretch at sea (or ends at sea): the landing place of the sea
// segments before it.
type landfall struct {
	km   float64   // distance along the line (the part)
	v    vec3      // the point
	name string    // the port within maxPortKm, else the nearest named place
	ll   orb.Point // the point as longitude and latitude
}

// findLandfalls samples the line every landfallStepKm and returns every
// point where it passes from sea to land, and its end when it ends at
// sea. Lines are read as drawn: from where people leave to where they
// arrive, as the bundled corridors are.
func findLandfalls(l *line, atlas *sea.Atlas, gaz *places.Index) []landfall {
	total := l.lengthKm()
	if total <= 0 {
		return nil
	}
	var out []landfall
	at := func(d float64) vec3 {
		vi := 0
		for vi < len(l.theta)-1 && l.cum[vi+1] < d {
			vi++
		}
		if l.cum[vi+1] <= l.cum[vi] {
			return l.v[vi]
		}
		f := min(1, max(0, (d-l.cum[vi])/(l.cum[vi+1]-l.cum[vi])))
		return slerp(l.v[vi], l.v[vi+1], l.theta[vi], f)
	}
	add := func(d float64, v vec3) {
		ll := v.lonLat()
		lf := landfall{km: d, v: v, ll: ll}
		if gaz != nil {
			if p, _, ok := gaz.NearestPort(ll[0], ll[1], maxPortKm); ok {
				lf.name = p.Name
				if p.CountryName != "" {
					lf.name += ", " + p.CountryName
				}
			} else {
				lf.name = gaz.Describe(ll[0], ll[1], false)
			}
		}
		out = append(out, lf)
	}
	wasSea := false
	var last vec3
	for d := 0.0; ; d += landfallStepKm {
		d = min(d, total)
		v := at(d)
		isSea := atlas.SettingOf(v.lonLat()) == sea.Sea
		if wasSea && !isSea {
			add(d, v)
		}
		wasSea, last = isSea, v
		if d >= total {
			break
		}
	}
	if wasSea {
		add(total, last)
	}
	return out
}

// landingFor returns the first landfall at or after the distance d along
// a part, and false when there is none.
func landingFor(lfs []landfall, d float64) (landfall, bool) {
	for _, lf := range lfs {
		if lf.km >= d-landfallStepKm {
			return lf, true
		}
	}
	return landfall{}, false
}
