package places

import (
	"math"
	"strings"
	"sync"
	"testing"

	"github.com/paulmach/orb"
)

func TestDefaultHoldsTheBundledSources(t *testing.T) {
	nPlaces, nPorts, nSeas := Default().Len()
	if nPlaces != 67523 || nPorts < 1000 || nSeas < 250 {
		t.Errorf("places %d, ports %d, sea areas %d; want 67523 GeoNames places, about 1,081 ports and 290 sea areas", nPlaces, nPorts, nSeas)
	}
	if got := Default().CountryName("NE"); got != "Niger" {
		t.Errorf("country NE is %q, want Niger", got)
	}
}

func TestDefaultIsSafeForConcurrentUse(t *testing.T) {
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			ix := Default()
			if _, _, ok := ix.Nearest(12.6, 35.5, 10); !ok {
				t.Error("no place near Lampedusa")
			}
			ix.Search("tunis", 3)
		})
	}
	wg.Wait()
}

func TestSearch(t *testing.T) {
	ix := Default()
	tests := []struct {
		q           string
		limit       int
		first       string // name of the first result
		country     string // its country ("" for seas)
		kind        string
		wantResults int // exact count, or -1 for "at least one"
	}{
		{"lampedusa", 10, "Lampedusa", "IT", KindPlace, -1},
		{"LAMPEDUSA", 10, "Lampedusa", "IT", KindPlace, -1},
		{"  Lampedusa!  ", 10, "Lampedusa", "IT", KindPlace, -1},
		{"ciudad juarez", 10, "Ciudad Juárez", "MX", KindPlace, -1},
		{"Ciudad Juárez", 10, "Ciudad Juárez", "MX", KindPlace, -1},
		{"agadez", 10, "Agadez", "NE", KindPlace, -1},
		{"tripoli", 10, "Tripoli", "LY", KindPlace, -1}, // before Trípoli (Greece): prominence is ranked within each country
		{"mediterranean", 10, "Mediterranean Sea", "", KindSea, 1},
		{"alboran", 10, "Alboran Sea", "", KindSea, -1},
		{"gulf of gabes", 10, "Gulf of Gabès", "", KindSea, 1},
		{"north atlantic", 10, "North Atlantic Ocean", "", KindSea, 1}, // Natural Earth writes oceans in capitals
		{"caribbean sea", 10, "Caribbean Sea", "", KindSea, 1},         // and this one with two spaces
		{"san", 3, "", "", "", 3},
		{"", 10, "", "", "", 0},
		{"   ", 10, "", "", "", 0},
		{"lampedusa", 0, "", "", "", 0},
		{"zzzzqqq", 10, "", "", "", 0},
		{strings.Repeat("a", 10_000), 10, "", "", "", 0},
	}
	for _, tt := range tests {
		got := ix.Search(tt.q, tt.limit)
		name := tt.q
		if len(name) > 30 {
			name = name[:30] + "…"
		}
		if tt.wantResults >= 0 && len(got) != tt.wantResults {
			t.Errorf("Search(%q, %d): %d results, want %d: %v", name, tt.limit, len(got), tt.wantResults, got)
			continue
		}
		if len(got) > tt.limit {
			t.Errorf("Search(%q, %d): %d results, over the limit", name, tt.limit, len(got))
		}
		if tt.first == "" {
			continue
		}
		if len(got) == 0 {
			t.Errorf("Search(%q): nothing found, want %s", name, tt.first)
			continue
		}
		if g := got[0]; g.Name != tt.first || g.Country != tt.country || g.Kind != tt.kind {
			t.Errorf("Search(%q): first %+v, want %s (%s, %s)", name, g, tt.first, tt.country, tt.kind)
		}
	}
}

// GeoNames calls Tangier "Tangier"; the French and Spanish "Tanger" is one
// letter away and finds it after the names that start with "tanger".
func TestSearchFindsNamesOneLetterAway(t *testing.T) {
	for _, q := range []string{"tanger", "Tanger", "TANGER", "tangier", "lampedua", "agadezz"} {
		got := Default().Search(q, 10)
		want := map[string]string{"tanger": "Tangier", "tangier": "Tangier", "lampedua": "Lampedusa", "agadezz": "Agadez"}[strings.ToLower(q)]
		found := false
		for _, p := range got {
			found = found || p.Name == want
		}
		if !found {
			t.Errorf("Search(%q): %v, want %s among them", q, got, want)
		}
	}
	if got := Default().Search("gaba", 10); len(got) > 0 && got[0].Name == "Gabès" {
		t.Errorf("a 4-letter query matched one letter off: %v", got)
	}
}

func TestOneEditApart(t *testing.T) {
	tests := []struct {
		a, b string
		want bool
	}{
		{"tanger", "tangier", true}, {"tangier", "tanger", true}, {"sfax", "sfox", true}, {"sfax", "sfa", true},
		{"sfax", "sfax", false}, {"sfax", "xafs", false}, {"tanger", "tangiers", false}, {"", "a", true}, {"", "", false},
	}
	for _, tt := range tests {
		if got := oneEditApart(tt.a, tt.b); got != tt.want {
			t.Errorf("oneEditApart(%q, %q) = %v", tt.a, tt.b, got)
		}
	}
}

func TestSearchRanksExactBeforePrefixBeforeWord(t *testing.T) {
	got := Default().Search("gabes", 10)
	if len(got) < 2 || got[0].Name != "Gabès" || got[0].Kind != KindPlace {
		t.Fatalf("gabes: %v, want the town Gabès first", got)
	}
	var sea bool
	for _, p := range got {
		sea = sea || (p.Name == "Gulf of Gabès" && p.Kind == KindSea && p.Country == "")
	}
	if !sea {
		t.Errorf("gabes: %v, want the Gulf of Gabès sea area among the results (word match)", got)
	}
	// "lampe" matches Lampedusa by prefix; nothing named exactly "lampe".
	got = Default().Search("lampe", 50)
	if len(got) == 0 || !strings.HasPrefix(Normalize(got[0].Name), "lampe") {
		t.Errorf("lampe: %v", got)
	}
	fuzzy := false
	for _, p := range got {
		n := Normalize(p.Name)
		switch {
		case strings.Contains(" "+n, " lampe"):
			if fuzzy {
				t.Errorf("lampe: %q (a word match) after a match one letter off", p.Name)
			}
		case oneEditApart(n, "lampe"):
			fuzzy = true
		default:
			t.Errorf("lampe matched %q, which has no word starting with it and is not one letter off", p.Name)
		}
	}
	if got := Default().Search("Lampedusa", 10); got[0].CountryName != "Italy" {
		t.Errorf("country name %q, want Italy", got[0].CountryName)
	}
}

func TestNormalize(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Ciudad Juárez", "ciudad juarez"},
		{"LAMPEDUSA", "lampedusa"},
		{"Gabès", "gabes"},
		{"Zōr Kōṯ", "zor kot"},
		{"M'diq", "mdiq"},
		{"Ḩawāmid", "hawamid"},
		{"Saint-Étienne-du-Rouvray", "saint etienne du rouvray"},
		{"Łódź", "lodz"},
		{"Straße", "strasse"},
		{"Ħal Qormi", "hal qormi"},
		{"  a  , b ", "a b"},
		{"طرابلس", "طرابلس"},
		{"МИНСК", "минск"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := Normalize(tt.in); got != tt.want {
			t.Errorf("Normalize(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestNearest(t *testing.T) {
	ix := Default()
	tests := []struct {
		name     string
		lon, lat float64
		maxKm    float64
		want     string // "" for none
		country  string
		maxDist  float64
	}{
		{"Agadez", 7.99, 16.97, 50, "Agadez", "NE", 1},
		{"Lampedusa", 12.6, 35.5, 50, "Lampedusa", "IT", 2},
		{"off Tripoli", 13.0, 33.2, 150, "Tripoli", "LY", 40},
		{"open Ionian Sea", 18.0, 36.0, 50, "", "", 0},
		{"Ténéré, nothing within 30 km", 10.0, 18.5, 30, "", "", 0},
		{"invalid latitude", 10, 95, 50, "", "", 0},
		{"NaN", math.NaN(), 10, 50, "", "", 0},
		{"zero radius", 7.99, 16.97, 0, "", "", 0},
	}
	for _, tt := range tests {
		p, d, ok := ix.Nearest(tt.lon, tt.lat, tt.maxKm)
		if tt.want == "" {
			if ok {
				t.Errorf("%s: found %+v at %.1f km, want none", tt.name, p, d)
			}
			continue
		}
		if !ok || p.Name != tt.want || p.Country != tt.country || p.Kind != KindPlace || d > tt.maxDist || d > tt.maxKm {
			t.Errorf("%s: %+v at %.1f km (%v), want %s (%s) within %.0f km", tt.name, p, d, ok, tt.want, tt.country, tt.maxDist)
		}
	}
}

// TestNearestMatchesBruteForce checks the grid against a scan of every
// place, over points spread across the route countries and beyond
// (including near the poles and the antimeridian).
func TestNearestMatchesBruteForce(t *testing.T) {
	ix := Default()
	var pts [][2]float64
	for lon := -179.9; lon < 180; lon += 19.3 {
		for lat := -89.5; lat < 90; lat += 9.1 {
			pts = append(pts, [2]float64{lon, lat})
		}
	}
	for _, q := range [][2]float64{{12.3, 37.6}, {11.2, 34.9}, {-5.6, 35.95}, {-77.3, 8.6}, {32.5, 15.6}} {
		pts = append(pts, q)
	}
	for _, q := range pts {
		wantI, wantD := -1, math.Inf(1)
		for i := 0; i < ix.nPlaces; i++ {
			if d := HaversineKm(q[0], q[1], ix.entries[i].Lon, ix.entries[i].Lat); d < wantD {
				wantI, wantD = i, d
			}
		}
		for _, maxKm := range []float64{50, 400, 2000} {
			p, d, ok := ix.Nearest(q[0], q[1], maxKm)
			if wantD > maxKm {
				if ok {
					t.Errorf("%v within %.0f km: found %s at %.1f km, nearest is %.1f km away", q, maxKm, p.Name, d, wantD)
				}
				continue
			}
			if !ok || math.Abs(d-wantD) > 1e-9 {
				t.Errorf("%v within %.0f km: got %s at %.3f km (%v), want %s at %.3f km", q, maxKm, p.Name, d, ok, ix.entries[wantI].Name, wantD)
			}
		}
	}
}

func TestNearestPort(t *testing.T) {
	p, d, ok := Default().NearestPort(12.61, 35.51, 20)
	if !ok || p.Name != "Lampedusa" || p.Kind != KindPort || p.Country != "IT" || d > 5 {
		t.Errorf("port near Lampedusa: %+v at %.1f km (%v)", p, d, ok)
	}
	if p, _, ok := Default().NearestPort(8.0, 17.0, 200); ok {
		t.Errorf("a port within 200 km of Agadez: %+v", p)
	}
}

func TestSea(t *testing.T) {
	ix := Default()
	tests := []struct {
		name     string
		lon, lat float64
		want     string // "" for none
	}{
		{"Central Mediterranean off Kerkennah", 11.2, 34.9, "Mediterranean Sea"},
		{"inside the Gulf of Gabès, which lies within the Mediterranean outline's reach", 10.6, 34.0, "Gulf of Gabès"},
		{"Strait of Gibraltar", -5.6, 35.95, "Alboran Sea"},
		{"Gulf of Aden", 46.0, 12.5, "Gulf of Aden"},
		{"Aegean off Lesbos", 26.0, 39.0, "Aegean Sea"},
		{"Channel", 1.4, 50.9, "English Channel"},
		{"Sahara", 8.5, 20.5, ""},
		{"invalid", 200, 0, ""},
	}
	for _, tt := range tests {
		got, ok := ix.Sea(tt.lon, tt.lat)
		if got != tt.want || ok != (tt.want != "") {
			t.Errorf("%s (%.2f, %.2f): %q %v, want %q", tt.name, tt.lon, tt.lat, got, ok, tt.want)
		}
	}
}

func TestDescribe(t *testing.T) {
	ix := Default()
	tests := []struct {
		name     string
		lon, lat float64
		atSea    bool
		want     string
	}{
		// Natural Earth has no "Strait of Sicily" area: the Central
		// Mediterranean between Tunisia, Libya and Sicily is "Mediterranean Sea".
		{"off Kerkennah, Tunisia", 11.2, 34.9, true, "Mediterranean Sea, off Kellabine"},
		{"off Lampedusa", 12.65, 35.45, true, "Mediterranean Sea, off Lampedusa"},
		{"off Tripoli", 13.0, 33.2, true, "Mediterranean Sea, off Tripoli"},
		{"Strait of Gibraltar", -5.6, 35.95, true, "Alboran Sea, off Tarifa"},
		{"open sea, no place within 150 km: the distance to the nearest", 18.0, 34.0, true, "Mediterranean Sea, 280 km off Daryānah, Libya"},
		{"Agadez", 7.99, 16.97, false, "near Agadez, Niger"},
		{"Ténéré, far from places: the distance to the nearest", 11.0, 19.5, false, "170 km from Fachi, Niger"},
		{"mid-Atlantic, beyond every sea area's reach", -30.0, -70.0, false, "70.00°S 30.00°W"},
		{"invalid", 0, -91, false, ""},
	}
	for _, tt := range tests {
		if got := ix.Describe(tt.lon, tt.lat, tt.atSea); got != tt.want {
			t.Errorf("%s: Describe(%.2f, %.2f, %v) = %q, want %q", tt.name, tt.lon, tt.lat, tt.atSea, got, tt.want)
		}
	}
	// The place named at sea is Tunisian off Tunisia.
	if p, _, ok := ix.Nearest(11.2, 34.9, OffPlaceKm); !ok || p.Country != "TN" {
		t.Errorf("nearest place off Kerkennah: %+v", p)
	}
}

func TestDescribeOffPlaceWithoutSeaArea(t *testing.T) {
	a := &Asset{
		Countries: []Country{{Code: "TN", Name: "Tunisia"}},
		Entries:   []Entry{{Place: Place{Name: "Sfax", Country: "TN", Lon: 10.76, Lat: 34.74, Kind: KindPlace}}},
	}
	if got := New(a).Describe(11.0, 34.6, true); got != "off Sfax, Tunisia" {
		t.Errorf("got %q, want \"off Sfax, Tunisia\"", got)
	}
}

func TestInBBox(t *testing.T) {
	ix := Default()
	b := orb.Bound{Min: orb.Point{7, 13}, Max: orb.Point{10, 18}} // around Agadez and Zinder
	got := ix.InBBox(b, 5)
	if len(got) == 0 || len(got) > 5 {
		t.Fatalf("%d labels, want 1…5", len(got))
	}
	for _, p := range got {
		if !b.Contains(orb.Point{p.Lon, p.Lat}) || p.Kind != KindPlace {
			t.Errorf("%+v is not a place inside the box", p)
		}
	}
	// Labels are spread: none closer than the spacing for 5 labels.
	for i := range got {
		for j := range i {
			if d := HaversineKm(got[i].Lon, got[i].Lat, got[j].Lon, got[j].Lat); d < 50 {
				t.Errorf("%s and %s are %.0f km apart", got[i].Name, got[j].Name, d)
			}
		}
	}
	// Prominence: the first label in a box around Tunis is a Tunis
	// place, the densest cluster there.
	tunis := ix.InBBox(orb.Bound{Min: orb.Point{9.5, 36.0}, Max: orb.Point{11.0, 37.3}}, 10)
	if len(tunis) == 0 || HaversineKm(tunis[0].Lon, tunis[0].Lat, 10.18, 36.81) > 15 {
		t.Errorf("first label around Tunis: %+v", tunis)
	}
	// Across the antimeridian: no route country there, so nothing.
	if got := ix.InBBox(orb.Bound{Min: orb.Point{170, -20}, Max: orb.Point{-170, 0}}, 10); len(got) != 0 {
		t.Errorf("across the antimeridian: %v", got)
	}
	if got := ix.InBBox(b, 0); got != nil {
		t.Errorf("limit 0: %v", got)
	}
}

func BenchmarkNearest(b *testing.B) {
	ix := Default()
	// Points along the Central Mediterranean and Sahara routes, at sea
	// and on land.
	var pts [][2]float64
	for i := range 1000 {
		t := float64(i) / 1000
		pts = append(pts, [2]float64{5 + 10*t, 15 + 22*t})
	}
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		q := pts[i%len(pts)]
		ix.Nearest(q[0], q[1], 150)
	}
}

func BenchmarkDescribe(b *testing.B) {
	ix := Default()
	for i := 0; b.Loop(); i++ {
		t := float64(i%1000) / 1000
		ix.Describe(10+5*t, 33+4*t, true)
	}
}

func BenchmarkSearch(b *testing.B) {
	ix := Default()
	for b.Loop() {
		ix.Search("san", 10)
	}
}
