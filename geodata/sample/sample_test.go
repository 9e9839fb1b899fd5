package sample

import (
	"github.com/routerisk/routerisk/geodata/vocab"

	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"slices"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
	"github.com/routerisk/routerisk/geodata"
)

func decode(t *testing.T, b Bundled) *geojson.FeatureCollection {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(b.GeoJSONGzip))
	if err != nil {
		t.Fatalf("%s: %v", b.Meta.ID, err)
	}
	data, err := io.ReadAll(zr)
	if err != nil {
		t.Fatalf("%s: %v", b.Meta.ID, err)
	}
	fc, err := geojson.UnmarshalFeatureCollection(data)
	if err != nil {
		t.Fatalf("%s: %v", b.Meta.ID, err)
	}
	return fc
}

func layersByID(t *testing.T) map[string]Bundled {
	t.Helper()
	all, err := Layers()
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]Bundled{}
	for _, b := range all {
		out[b.Meta.ID] = b
	}
	return out
}

func TestLayers(t *testing.T) {
	all, err := Layers()
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		id          string
		kind        geodata.Kind
		sensitivity geodata.Sensitivity
		timeProp    string
	}{
		{"routes", geodata.KindRoute, geodata.Public, ""},
		{"incidents", geodata.KindIncident, geodata.Restricted, "date"},
		{"services", geodata.KindService, geodata.Public, ""},
		{"sar-regions", geodata.KindArea, geodata.Public, ""},
		{"dtm-americas-sites", geodata.KindArea, geodata.Public, ""},
		{"ports", geodata.KindArea, geodata.Public, ""},
		{"sea-names", geodata.KindArea, geodata.Public, ""},
	}
	if len(all) != len(want) {
		t.Fatalf("%d layers, want %d", len(all), len(want))
	}
	total := 0
	for i, w := range want {
		b := all[i]
		m := b.Meta
		if m.ID != w.id || m.Kind != w.kind || m.Sensitivity != w.sensitivity || m.TimeProperty != w.timeProp {
			t.Errorf("layer %d: %s %s %s %q, want %+v", i, m.ID, m.Kind, m.Sensitivity, m.TimeProperty, w)
		}
		if err := m.Validate(); err != nil {
			t.Errorf("%s: %v", m.ID, err)
		}
		if m.Version != 0 || !m.UpdatedAt.IsZero() {
			t.Errorf("%s: version %d, updated %v; the store sets those", m.ID, m.Version, m.UpdatedAt)
		}
		if len(m.Sources) == 0 || len(m.Schema) == 0 || len(m.BBox) != 4 {
			t.Errorf("%s: %d sources, %d fields, bbox %v", m.ID, len(m.Sources), len(m.Schema), m.BBox)
		}
		for _, s := range m.Sources {
			if s.Name == "" || s.License == "" || s.Attribution == "" {
				t.Errorf("%s: source %+v lacks name, licence or attribution", m.ID, s)
			}
		}
		fc := decode(t, b)
		if len(fc.Features) != m.FeatureCount {
			t.Errorf("%s: %d features, meta says %d", m.ID, len(fc.Features), m.FeatureCount)
		}
		r := b.Report
		if r.Read != r.Accepted+r.Rejected || r.Accepted != m.FeatureCount || r.Repaired > r.Accepted {
			t.Errorf("%s: report %d read, %d accepted, %d repaired, %d rejected for %d features", m.ID, r.Read, r.Accepted, r.Repaired, r.Rejected, m.FeatureCount)
		}
		ids := map[string]bool{}
		bound := orb.Bound{Min: orb.Point{m.BBox[0], m.BBox[1]}, Max: orb.Point{m.BBox[2], m.BBox[3]}}
		for _, f := range fc.Features {
			id := fmt.Sprint(f.ID)
			if id == "" || id == "<nil>" || ids[id] {
				t.Errorf("%s: feature id %q missing or repeated", m.ID, id)
			}
			ids[id] = true
			if f.Geometry == nil || !bound.Contains(f.Geometry.Bound().Min) || !bound.Contains(f.Geometry.Bound().Max) {
				t.Errorf("%s: feature %s outside the layer bbox", m.ID, id)
			}
		}
		total += len(b.GeoJSONGzip)
	}
	if total > 8<<20 {
		t.Errorf("bundled layers take %d bytes, over 8 MB", total)
	}
}

func TestIncidents(t *testing.T) {
	b := layersByID(t)["incidents"]
	fc := decode(t, b)
	if n := len(fc.Features); n < 17700 || n > 17846 {
		t.Errorf("%d incidents, want 17,700…17,846 (17,846 records less duplicates and records without coordinates)", n)
	}
	cats := map[string]bool{}
	for _, c := range vocab.CauseNames() {
		cats[c] = true
	}
	routes := map[string]bool{}
	for _, r := range vocab.Routes() {
		routes[r] = true
	}
	for _, f := range fc.Features {
		p := f.Properties
		if _, ok := f.Geometry.(orb.Point); !ok {
			t.Fatalf("%v: %T, want a point", f.ID, f.Geometry)
		}
		if c, _ := p["cause_category"].(string); !cats[c] {
			t.Errorf("%v: cause_category %q", f.ID, c)
		}
		for _, k := range []string{"dead", "missing", "survivors", "female", "male", "children"} {
			if v, ok := p[k]; ok {
				if n, isNum := v.(float64); !isNum || n < 0 || n != float64(int(n)) {
					t.Errorf("%v: %s = %v", f.ID, k, v)
				}
			}
		}
		if r, ok := p["route"].(string); ok && r != "" && !routes[r] {
			t.Errorf("%v: route %q is not an MMP route", f.ID, r)
		}
		if q, ok := p["source_quality"].(float64); ok && (q < 1 || q > 5) {
			t.Errorf("%v: source_quality %v", f.ID, q)
		}
	}
}

func TestRoutes(t *testing.T) {
	fc := decode(t, layersByID(t)["routes"])
	schematic := map[string]bool{}
	traced := map[string]bool{}
	for _, f := range fc.Features {
		p := f.Properties
		name, _ := p["name"].(string)
		if _, ok := f.Geometry.(orb.LineString); !ok {
			t.Errorf("%v: %T, want a LineString", f.ID, f.Geometry)
		}
		switch p["mode"] {
		case "sea", "land", "desert", "jungle", "mixed":
		default:
			t.Errorf("%v: mode %v", f.ID, p["mode"])
		}
		if p["approximate"] != true {
			t.Errorf("%v (%s): approximate = %v; no line is a surveyed track", f.ID, name, p["approximate"])
		}
		if label, _ := p["label"].(string); label == "" || label == "Other" {
			t.Errorf("%v (%s): label %q; every line needs a descriptive label", f.ID, name, label)
		}
		for _, k := range []string{"valid_from", "valid_to"} {
			v, present := p[k]
			if !present {
				t.Errorf("%v: no %s", f.ID, k)
			} else if s, ok := v.(string); v != nil && (!ok || len(s) != 10 || s[4] != '-' || s[7] != '-') {
				t.Errorf("%v: %s = %#v, want YYYY-MM-DD or null", f.ID, k, v)
			}
		}
		if r, ok := p["sea_radius_km"]; ok {
			if km, isNum := r.(float64); !isNum || km < 25 || km > 200 || p["mode"] == "land" || p["mode"] == "desert" {
				t.Errorf("%v (%s, %v): sea_radius_km %v", f.ID, name, p["mode"], r)
			}
		}
		if p["source"] == "Frontex routes 2015 (IFRC dashboard)" && (p["valid_from"] != "2015-01-01" || p["valid_to"] != "2015-12-31") {
			t.Errorf("%v: a Frontex 2015 line is valid %v to %v", f.ID, p["valid_from"], p["valid_to"])
		}
		if from, ok := p["valid_from"].(string); ok {
			if to, ok := p["valid_to"].(string); ok && to < from {
				t.Errorf("%v: valid_from %s after valid_to %s", f.ID, from, to)
			}
		}
		if p["source"] == "RouteRisk schematic (waypoints)" {
			schematic[name] = true
		} else {
			traced[name] = true
			if former, ok := p["former_name"].(string); ok {
				traced[former] = true
			}
		}
	}
	for _, r := range []string{"US-Mexico border crossing", "Afghanistan to Iran", "Sahara Desert crossing", "Eastern Route to/from EHOA", "Darien",
		"Bay of Bengal/Andaman Sea", "Naf River crossing", "Türkiye-Europe land route", "Iran to Türkiye", "Syria to Türkiye", "Belarus-EU border",
		"Caribbean to US", "Dominican Republic to Puerto Rico", "Haiti to Dominican Republic", "Venezuela to Caribbean", "Western Balkans", "Other"} {
		if !schematic[r] {
			t.Errorf("no schematic corridor for %s", r)
		}
	}
	for _, r := range []string{"Central Mediterranean", "Western Mediterranean", "Eastern Mediterranean",
		"Western Africa / Atlantic route to the Canary Islands", "Western Balkans", vocab.RouteEnglishChannel, vocab.RouteMainlandEuropeUK} {
		if !traced[r] {
			t.Errorf("no geometry for %s", r)
		}
	}
}

func TestServices(t *testing.T) {
	b := layersByID(t)["services"]
	fc := decode(t, b)
	for _, f := range fc.Features {
		p := f.Properties
		if p["category"] != "health" {
			t.Errorf("%v: category %v", f.ID, p["category"])
		}
		flags, _ := p["flags"].(string)
		if _, ok := p["last_verified"].(string); !ok && !strings.Contains(flags, "missing_last_verified") {
			t.Errorf("%v: no last_verified and no flag", f.ID)
		}
	}
	// The 140 WHO rows without coordinates are each named in the report.
	named := 0
	for _, is := range b.Report.Issues {
		if is.Code == "missing_coordinates" && is.Action == geodata.Rejected {
			named++
		}
	}
	if named != 140 || b.Report.Counts["missing_coordinates"] != 140 {
		t.Errorf("%d WHO rows without coordinates listed (%d counted), want 140", named, b.Report.Counts["missing_coordinates"])
	}
}

// TestServiceSubtypes checks every subtype is in the vocabulary and the
// Eurostat/GISCO hospitals of the eight EU countries are in, dated and
// credited.
func TestServiceSubtypes(t *testing.T) {
	b := layersByID(t)["services"]
	var health []string
	for _, c := range vocab.ServiceCategories() {
		if c.Category == vocab.CategoryHealth {
			health = c.Subtypes
		}
	}
	gisco := map[string]int{}
	for _, f := range decode(t, b).Features {
		sub, _ := f.Properties["subtype"].(string)
		if sub != "" && !slices.Contains(health, sub) {
			t.Errorf("%v: subtype %q is not a health subtype", f.ID, sub)
		}
		if id := fmt.Sprint(f.ID); strings.HasPrefix(id, "gisco-") {
			gisco[strings.SplitN(id, "-", 3)[1]]++
			if sub != "hospital" || f.Properties["last_verified"] == nil {
				t.Errorf("%s: subtype %q, last_verified %v", id, sub, f.Properties["last_verified"])
			}
		}
	}
	want := map[string]int{"it": 1283, "es": 809, "bg": 673, "el": 125, "hr": 61, "si": 31, "cy": 11, "mt": 9}
	for cc, n := range want {
		if gisco[cc] != n {
			t.Errorf("%d GISCO hospitals in %s, want %d", gisco[cc], cc, n)
		}
	}
	credited := false
	for _, s := range b.Meta.Sources {
		credited = credited || s.Attribution == "© European Union, Eurostat/GISCO"
	}
	if !credited {
		t.Error("the services layer does not credit Eurostat/GISCO")
	}
}

// TestContextLayers checks the public context layers hold what the
// analysis reads from them.
func TestContextLayers(t *testing.T) {
	all := layersByID(t)
	for id, want := range map[string]int{"sar-regions": 6, "dtm-americas-sites": 50, "ports": 1081, "sea-names": 296} {
		b := all[id]
		fc := decode(t, b)
		if len(fc.Features) != want || b.Meta.Kind != geodata.KindArea || b.Meta.Sensitivity != geodata.Public || len(b.Meta.Sources) == 0 {
			t.Errorf("%s: %d features, kind %s, %s, %d sources", id, len(fc.Features), b.Meta.Kind, b.Meta.Sensitivity, len(b.Meta.Sources))
		}
		for _, f := range fc.Features {
			if name, _ := f.Properties["name"].(string); name == "" {
				t.Errorf("%s %v: no name", id, f.ID)
			}
		}
	}
	srr := map[string]bool{}
	for _, f := range decode(t, all["sar-regions"]).Features {
		srr[f.Properties["srr"].(string)] = true
	}
	for _, s := range []string{"Libya SRR", "Malta SRR", "Tunisia SRR", "Italy SRR (MRSC Palermo)"} {
		if !srr[s] {
			t.Errorf("no %s", s)
		}
	}
}
