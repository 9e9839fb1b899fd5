package places

import (
	"bytes"
	"compress/gzip"
	_ "embed"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"

	"github.com/routerisk/routerisk/geodata"
)

// The kinds of Place.
const (
	KindPlace = "place" // a gazetteer place (town, village, city)
	KindPort  = "port"  // a port
	KindSea   = "sea"   // a named sea area: sea, gulf, strait, bay…
)

// Distances Describe and Sea work with.
const (
	SeaNearKm   = 100  // Sea: how far outside every sea area a point may be and still get the nearest one
	OffPlaceKm  = 150  // Describe at sea: how far the place in "off <place>" may be
	NearPlaceKm = 50   // Describe on land: how far the place in "near <place>" may be
	FarPlaceKm  = 1000 // Describe: beyond those, "<sea>, 320 km off <place>" or "120 km from <place>" up to this far
)

// Place is one named place, port or sea area.
type Place struct {
	Name        string  `json:"name"`
	Country     string  `json:"country,omitempty"`      // ISO 3166-1 alpha-2, "" for seas
	CountryName string  `json:"country_name,omitempty"` // English name
	Lon         float64 `json:"lon"`
	Lat         float64 `json:"lat"`
	Kind        string  `json:"kind"` // "place", "port" or "sea"
}

// Index answers place questions: search by name, nearest place or port,
// the sea area a point lies in, a short description of where a point is,
// and the places to label in a map view. It is read-only once built and
// safe for concurrent use.
type Index struct {
	entries []Entry  // places, most prominent first, then ports
	norms   []string // Normalize(entries[i].Name)
	places  *grid    // entries of kind place (ids index entries)
	ports   *grid    // entries of kind port (ids index portAt)
	portAt  []int    // port grid id → entries index
	nPlaces int      // entries[:nPlaces] are the places

	seas      []seaArea
	countries map[string]string // ISO2 → English name
	shapes    []countryShape
}

type seaArea struct {
	Sea
	norm  string
	bound orb.Bound
	area  float64 // planar, in square degrees: the smaller of two containing areas is the more specific
}

type countryShape struct {
	code  string
	shape orb.MultiPolygon
	bound orb.Bound
}

//go:embed data/places.tsv.gz
var bundled []byte

var (
	defaultOnce  sync.Once
	defaultIndex *Index
)

// Default returns the index built from the bundled asset (GeoNames
// places, Natural Earth ports, sea areas and countries). It is decoded on
// first use, once.
func Default() *Index {
	defaultOnce.Do(func() {
		a, err := DecodeGzip(bundled)
		if err != nil {
			panic(fmt.Sprintf("places: the bundled asset does not decode: %v", err)) // caught by the package tests
		}
		defaultIndex = New(a)
	})
	return defaultIndex
}

// DecodeGzip decodes a gzip-compressed asset.
func DecodeGzip(b []byte) (*Asset, error) {
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		return nil, fmt.Errorf("places asset: %w", err)
	}
	defer zr.Close()
	return Decode(zr)
}

// New builds an index over an asset. Country names fill the entries'
// CountryName.
func New(a *Asset) *Index {
	ix := &Index{countries: map[string]string{}}
	for _, c := range a.Countries {
		ix.countries[c.Code] = c.Name
		if len(c.Shape) > 0 {
			ix.shapes = append(ix.shapes, countryShape{code: c.Code, shape: c.Shape, bound: c.Shape.Bound()})
		}
	}
	for _, e := range a.Entries {
		e.CountryName = ix.countries[e.Country]
		ix.entries = append(ix.entries, e)
	}
	ix.orderByProminence()
	var plon, plat, rlon, rlat []float64
	for i, e := range ix.entries {
		ix.norms = append(ix.norms, Normalize(e.Name))
		if e.Kind == KindPlace {
			plon, plat = append(plon, e.Lon), append(plat, e.Lat)
			ix.nPlaces++
		} else {
			rlon, rlat = append(rlon, e.Lon), append(rlat, e.Lat)
			ix.portAt = append(ix.portAt, i)
		}
	}
	ix.places = newGrid(plon, plat)
	ix.ports = newGrid(rlon, rlat)
	for _, s := range a.Seas {
		area := 0.0
		for _, p := range s.Shape {
			area += math.Abs(planar.Area(p))
		}
		ix.seas = append(ix.seas, seaArea{Sea: s, norm: Normalize(s.Name), bound: s.Shape.Bound(), area: area})
	}
	return ix
}

// orderByProminence puts the places first, most prominent first, then
// the ports, most important (lowest scalerank) first; ties keep the
// asset's order.
//
// A place's prominence is its density rank within its own country: the
// share of the country's places with a higher density count (Entry.Rank:
// other places within 25 km, the nearest 5 km weighing more). Ranking within each country keeps
// countries that GeoNames lists sparsely (Libya: 119 places) from being
// outranked everywhere by densely listed ones (Italy: 10,053), so that
// Tripoli (Libya) comes before a Greek village of the same name. Equal
// shares fall back to the raw count.
func (ix *Index) orderByProminence() {
	share := make([]float64, len(ix.entries))
	byCountry := map[string][]int{}
	for i, e := range ix.entries {
		if e.Kind == KindPlace {
			byCountry[e.Country] = append(byCountry[e.Country], i)
		}
	}
	for _, idx := range byCountry {
		sort.SliceStable(idx, func(a, b int) bool { return ix.entries[idx[a]].Rank > ix.entries[idx[b]].Rank })
		above := 0 // places with a strictly higher count
		for k, i := range idx {
			if k > 0 && ix.entries[i].Rank < ix.entries[idx[k-1]].Rank {
				above = k
			}
			share[i] = float64(above) / float64(len(idx))
		}
	}
	order := make([]int, len(ix.entries))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(i, j int) bool {
		a, b := ix.entries[order[i]], ix.entries[order[j]]
		if (a.Kind == KindPlace) != (b.Kind == KindPlace) {
			return a.Kind == KindPlace
		}
		if a.Kind != KindPlace {
			return a.Rank < b.Rank
		}
		if sa, sb := share[order[i]], share[order[j]]; sa != sb {
			return sa < sb
		}
		return a.Rank > b.Rank
	})
	sorted := make([]Entry, len(order))
	for k, i := range order {
		sorted[k] = ix.entries[i]
	}
	ix.entries = sorted
}

// Len returns the number of places, ports and sea areas in the index.
func (ix *Index) Len() (places, ports, seas int) {
	return ix.nPlaces, len(ix.entries) - ix.nPlaces, len(ix.seas)
}

// CountWithin returns the number of gazetteer places (kind "place")
// within km of the point; a place at the point counts.
func (ix *Index) CountWithin(lon, lat, km float64) int {
	n := 0
	if validPoint(lon, lat) {
		ix.places.within(lon, lat, km, func(int, float64) { n++ })
	}
	return n
}

// CountryName returns the English name of a country code, "" if unknown.
func (ix *Index) CountryName(code string) string { return ix.countries[code] }

func (ix *Index) place(i int) Place { return ix.entries[i].Place }

func (ix *Index) seaPlace(s *seaArea) Place {
	return Place{Name: s.Name, Lon: s.Label[0], Lat: s.Label[1], Kind: KindSea}
}

// Search finds places, ports and sea areas by name. Matching ignores
// case, accents and punctuation (see Normalize). Exact matches come
// first, then names that start with the query, then names with a word
// that starts with it ("gabes" finds "Gulf of Gabès"), and last names one
// letter away from a query of at least 5 letters ("tanger" finds
// "Tangier", "lampedua" finds "Lampedusa"). Within each,
// sea areas come first (larger first), then places (most prominent
// first), then ports (most important first). The query is cut to
// MaxQueryBytes; an empty query or a limit below 1 finds nothing.
func (ix *Index) Search(q string, limit int) []Place {
	if len(q) > MaxQueryBytes {
		q = strings.ToValidUTF8(q[:MaxQueryBytes], "")
	}
	qn := Normalize(q)
	if qn == "" || limit < 1 {
		return nil
	}
	type hit struct {
		class, kind, rank int
		seq               int // position in entries or seas: prominence order already
	}
	var hits []hit
	fuzzy := len(qn) >= minFuzzyBytes
	word := " " + qn
	classOf := func(n string) int {
		switch {
		case n == qn:
			return 0
		case strings.HasPrefix(n, qn):
			return 1
		case strings.Contains(n, word):
			return 2
		case fuzzy && oneEditApart(n, qn):
			return 3
		}
		return -1
	}
	for i, s := range ix.seas {
		if c := classOf(s.norm); c >= 0 {
			hits = append(hits, hit{class: c, kind: 0, rank: s.Rank, seq: i})
		}
	}
	for i, n := range ix.norms {
		if c := classOf(n); c >= 0 {
			k := 1
			if ix.entries[i].Kind == KindPort {
				k = 2
			}
			hits = append(hits, hit{class: c, kind: k, seq: i})
		}
	}
	sort.SliceStable(hits, func(i, j int) bool {
		a, b := hits[i], hits[j]
		if a.class != b.class {
			return a.class < b.class
		}
		if a.kind != b.kind {
			return a.kind < b.kind
		}
		if a.kind == 0 && a.rank != b.rank {
			return a.rank < b.rank
		}
		return a.seq < b.seq
	})
	out := make([]Place, 0, min(limit, len(hits)))
	for _, h := range hits[:min(limit, len(hits))] {
		if h.kind == 0 {
			out = append(out, ix.seaPlace(&ix.seas[h.seq]))
		} else {
			out = append(out, ix.place(h.seq))
		}
	}
	return out
}

// minFuzzyBytes is the shortest query Search also matches one letter off.
const minFuzzyBytes = 5

// oneEditApart reports whether a and b differ by exactly one inserted,
// deleted or replaced byte (names are compared after Normalize, so
// mostly ASCII).
func oneEditApart(a, b string) bool {
	if len(a) < len(b) {
		a, b = b, a
	}
	if len(a)-len(b) > 1 || a == b {
		return false
	}
	i := 0
	for i < len(b) && a[i] == b[i] {
		i++
	}
	if len(a) == len(b) {
		return a[i+1:] == b[i+1:] // one replaced
	}
	return a[i+1:] == b[i:] // one inserted into b
}

// Nearest returns the gazetteer place (kind "place") nearest to the point
// within maxKm, and its great-circle distance in km; false when there is
// none (or the point is not a valid longitude and latitude).
func (ix *Index) Nearest(lon, lat, maxKm float64) (Place, float64, bool) {
	if !validPoint(lon, lat) {
		return Place{}, 0, false
	}
	i, d := ix.places.nearest(lon, lat, maxKm)
	if i < 0 {
		return Place{}, 0, false
	}
	return ix.place(i), d, true
}

// NearestPort returns the port nearest to the point within maxKm, and its
// great-circle distance in km.
func (ix *Index) NearestPort(lon, lat, maxKm float64) (Place, float64, bool) {
	if !validPoint(lon, lat) {
		return Place{}, 0, false
	}
	i, d := ix.ports.nearest(lon, lat, maxKm)
	if i < 0 {
		return Place{}, 0, false
	}
	return ix.place(ix.portAt[i]), d, true
}

// Sea returns the name of the sea area that contains the point (the
// smallest, if areas overlap) or, when none does, of the nearest one
// within SeaNearKm.
func (ix *Index) Sea(lon, lat float64) (string, bool) {
	if !validPoint(lon, lat) {
		return "", false
	}
	p := orb.Point{lon, lat}
	best := -1
	for i := range ix.seas {
		s := &ix.seas[i]
		if s.bound.Contains(p) && planar.MultiPolygonContains(s.Shape, p) {
			if best < 0 || s.area < ix.seas[best].area {
				best = i
			}
		}
	}
	if best >= 0 {
		return ix.seas[best].Name, true
	}
	padLat := SeaNearKm / (math.Pi / 180 * EarthRadiusKm)
	padLon := math.Min(180, padLat/math.Max(0.01, math.Cos(math.Min(89.9, math.Abs(lat)+padLat)*math.Pi/180)))
	bestKm := math.Inf(1)
	for i := range ix.seas {
		s := &ix.seas[i]
		b := s.bound
		if lon < b.Min[0]-padLon || lon > b.Max[0]+padLon || lat < b.Min[1]-padLat || lat > b.Max[1]+padLat {
			continue
		}
		if d := distanceToShapeKm(p, s.Shape); d < bestKm {
			best, bestKm = i, d
		}
	}
	if best < 0 || bestKm > SeaNearKm {
		return "", false
	}
	return ix.seas[best].Name, true
}

// Country returns the code and English name of the country whose
// (coarse) outline contains the point.
func (ix *Index) Country(lon, lat float64) (code, name string, ok bool) {
	if !validPoint(lon, lat) {
		return "", "", false
	}
	p := orb.Point{lon, lat}
	for _, c := range ix.shapes {
		if c.bound.Contains(p) && planar.MultiPolygonContains(c.shape, p) {
			return c.code, ix.countries[c.code], true
		}
	}
	return "", "", false
}

// Describe names where a point is, in a few words, for people reading a
// list of route stretches.
//
// At sea: "<sea area>, off <place>" ("Gulf of Gabès, off Sfax"), the place
// within OffPlaceKm; without a place, the sea area alone; without a sea
// area, "off <place>, <country>". On land: "near <place>, <country>"
// ("near Agadez, Niger"), the place within NearPlaceKm; else the name of
// the country whose outline holds the point. The place is always the
// nearest gazetteer place. When nothing is known the answer is the
// coordinates ("12.30°N 5.10°E"); for an invalid point it is "".
func (ix *Index) Describe(lon, lat float64, atSea bool) string {
	if !validPoint(lon, lat) {
		return ""
	}
	if atSea {
		sea, okSea := ix.Sea(lon, lat)
		p, _, okPlace := ix.Nearest(lon, lat, OffPlaceKm)
		switch {
		case okSea && okPlace:
			return sea + ", off " + p.Name
		case okPlace:
			return "off " + withCountry(p)
		}
		// Open water: the distance to the nearest named place.
		if p, km, ok := ix.Nearest(lon, lat, FarPlaceKm); ok {
			off := strconv.Itoa(int(math.Round(km/10))*10) + " km off " + withCountry(p)
			if okSea {
				return sea + ", " + off
			}
			return off
		}
		if okSea {
			return sea
		}
		return coordinates(lon, lat)
	}
	if p, _, ok := ix.Nearest(lon, lat, NearPlaceKm); ok {
		return "near " + withCountry(p)
	}
	if p, km, ok := ix.Nearest(lon, lat, FarPlaceKm); ok {
		return strconv.Itoa(int(math.Round(km/10))*10) + " km from " + withCountry(p)
	}
	if _, name, ok := ix.Country(lon, lat); ok && name != "" {
		return name
	}
	return coordinates(lon, lat)
}

// withCountry is "<place>, <country name>", or the place alone when its
// country has no name.
func withCountry(p Place) string {
	switch {
	case p.CountryName != "":
		return p.Name + ", " + p.CountryName
	case p.Country != "":
		return p.Name + ", " + p.Country
	}
	return p.Name
}

func coordinates(lon, lat float64) string {
	ns, ew := "N", "E"
	if lat < 0 {
		ns = "S"
	}
	if lon < 0 {
		ew = "W"
	}
	return fmt.Sprintf("%.2f°%s %.2f°%s", math.Abs(lat), ns, math.Abs(lon), ew)
}

// InBBox returns up to limit gazetteer places (kind "place") inside the
// box, for map labels: most prominent first (see orderByProminence) and
// spread out, each at least a spacing away from those before it, where
// the spacing is half the side of a square of the box's area shared by
// limit labels. Where the box holds fewer well-spaced places than limit,
// the answer is shorter rather than crowded. The box may cross the
// antimeridian (see geodata.ParseBBox).
func (ix *Index) InBBox(b orb.Bound, limit int) []Place {
	if limit < 1 {
		return nil
	}
	parts := geodata.BoundParts(b)
	areaKm2 := 0.0
	for _, part := range parts {
		w := (part.Max[0] - part.Min[0]) * math.Pi / 180 * EarthRadiusKm
		h := (part.Max[1] - part.Min[1]) * math.Pi / 180 * EarthRadiusKm
		areaKm2 += w * h * math.Cos((part.Max[1]+part.Min[1])/2*math.Pi/180)
	}
	spacing := math.Sqrt(math.Max(0, areaKm2)/float64(limit)) / 2
	var out []Place
	for i := 0; i < ix.nPlaces && len(out) < limit; i++ {
		e := &ix.entries[i]
		p := orb.Point{e.Lon, e.Lat}
		inside := false
		for _, part := range parts {
			if part.Contains(p) {
				inside = true
				break
			}
		}
		if !inside {
			continue
		}
		crowded := false
		for _, q := range out {
			if HaversineKm(e.Lon, e.Lat, q.Lon, q.Lat) < spacing {
				crowded = true
				break
			}
		}
		if !crowded {
			out = append(out, e.Place)
		}
	}
	return out
}

func validPoint(lon, lat float64) bool {
	return lon >= -180 && lon <= 180 && lat >= -90 && lat <= 90
}

// distanceToShapeKm is the distance from p to the nearest edge of the
// outline, in km, measured in an equirectangular projection centred on p
// (within the few hundred km it is used for, a few per cent from the
// great-circle distance).
func distanceToShapeKm(p orb.Point, mp orb.MultiPolygon) float64 {
	k := math.Cos(p[1] * math.Pi / 180)
	best := math.Inf(1)
	for _, poly := range mp {
		for _, ring := range poly {
			if len(ring) == 0 {
				continue
			}
			ax, ay := (ring[0][0]-p[0])*k, ring[0][1]-p[1]
			for _, q := range ring[1:] {
				bx, by := (q[0]-p[0])*k, q[1]-p[1]
				dx, dy := bx-ax, by-ay
				t := 0.0
				if l2 := dx*dx + dy*dy; l2 > 0 {
					t = math.Max(0, math.Min(1, -(ax*dx+ay*dy)/l2))
				}
				best = math.Min(best, math.Hypot(ax+t*dx, ay+t*dy))
				ax, ay = bx, by
			}
		}
	}
	return best * math.Pi / 180 * EarthRadiusKm
}

// Seas returns the sea areas of the index, each with the point its label
// is drawn at and its rank (0 for oceans, larger for smaller areas).
func (ix *Index) Seas() []Sea {
	out := make([]Sea, len(ix.seas))
	for i, s := range ix.seas {
		out[i] = s.Sea
	}
	return out
}

// Prominent calls fn for each gazetteer place (kind "place") inside the
// box, most prominent first (see orderByProminence), until fn returns
// false. The box may not cross the antimeridian.
func (ix *Index) Prominent(b orb.Bound, fn func(Place) bool) {
	for i := 0; i < ix.nPlaces; i++ {
		e := &ix.entries[i]
		if b.Contains(orb.Point{e.Lon, e.Lat}) && !fn(e.Place) {
			return
		}
	}
}
