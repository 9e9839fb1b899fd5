package ingest

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/routerisk/routerisk/geodata"
	"github.com/routerisk/routerisk/geodata/formats"
)

// openFixture opens a file of testdata as an upload.
func openFixture(t *testing.T, name string) formats.Source {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	st, err := f.Stat()
	if err != nil {
		t.Fatal(err)
	}
	return formats.Source{Name: name, Path: f.Name(), Size: st.Size(), R: f}
}

// TestRunDetectsTheKind reads each fixture with no kind given: the file's
// geometries and columns decide, and a file that does not tell is read as
// the fallback kind (incident unless the upload's name says otherwise).
func TestRunDetectsTheKind(t *testing.T) {
	tests := []struct {
		file     string
		fallback geodata.Kind
		want     geodata.Kind
		accepted int
		why      string // in the note
	}{
		{"services.geojson", "", geodata.KindService, 3, "service columns (category, organization, phone, hours, languages)"},
		{"services.csv", "", geodata.KindService, 2, "service columns (Facility type, Operator, Phone, Opening hours)"},
		{"routes.geojson", "", geodata.KindRoute, 2, "every feature is a line"},
		{"lines.geojson", "", geodata.KindRoute, 2, "every feature is a line"},
		{"areas.geojson", "", geodata.KindArea, 1, "every feature is a polygon"},
		// Incidents stay incidents, also with a category or organization column.
		{"incidents.geojson", "", geodata.KindIncident, 2, "casualty columns (dead, missing, cause)"},
		{"mmp_legacy.csv", "", geodata.KindIncident, 0, "Missing Migrants Project export"},
		{"incidents.geojson", geodata.KindService, geodata.KindIncident, 2, "casualty columns"},
		// Ambiguous: today's behaviour, the fallback.
		{"places.geojson", "", geodata.KindIncident, 2, "does not say which kind"},
		{"places.geojson", geodata.KindService, geodata.KindService, 2, "does not say which kind"},
		{"mixed.geojson", "", geodata.KindIncident, 1, "does not say which kind"},
	}
	for _, tt := range tests {
		t.Run(tt.file+"/"+string(tt.fallback), func(t *testing.T) {
			res, err := Run(openFixture(t, tt.file), Options{FallbackKind: tt.fallback, OnError: SkipFeatures})
			if err != nil {
				t.Fatalf("Run: %v", err)
			}
			if res.Kind != tt.want {
				t.Errorf("kind %q, want %q (notes %q)", res.Kind, tt.want, res.Notes)
			}
			if tt.accepted > 0 && res.Report.Accepted != tt.accepted {
				t.Errorf("accepted %d, want %d: %+v", res.Report.Accepted, tt.accepted, res.Report)
			}
			if strings.Join(res.Fields, ",") != strings.Join(FieldNames(tt.want), ",") {
				t.Errorf("fields %v are not those of %s", res.Fields, tt.want)
			}
			if !strings.Contains(strings.Join(res.Notes, "\n"), tt.why) {
				t.Errorf("notes %q do not say %q", res.Notes, tt.why)
			}
		})
	}
}

// TestRunDetectedServices: a services file read without a kind keeps its
// categories and organizations as a service layer does.
func TestRunDetectedServices(t *testing.T) {
	res, err := Run(openFixture(t, "services.geojson"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range res.Features {
		if f.Properties["category"] == nil || f.Properties["organization"] == nil || f.Properties["dead"] != nil {
			t.Errorf("feature %v: %v", f.ID, f.Properties)
		}
	}
	// A mapping override is read as one for the kind found.
	res, err = Run(openFixture(t, "services.geojson"), Options{MappingText: `{"organization": ""}`})
	if err != nil || res.Kind != geodata.KindService || res.Mapping["organization"] != "" || res.Features[0].Properties["organization"] != nil {
		t.Errorf("unmapped organization: %v %+v", err, res)
	}
	_, err = Run(openFixture(t, "services.geojson"), Options{MappingText: `{"dead": "deaths"}`})
	if geodata.ErrorCode(err) != geodata.Invalid || !strings.Contains(err.Error(), "service layers") {
		t.Errorf("a mapping for another kind: %v", err)
	}
	// A kind given is never second-guessed.
	res, err = Run(openFixture(t, "services.geojson"), Options{Kind: geodata.KindIncident})
	if err != nil || res.Kind != geodata.KindIncident {
		t.Errorf("given incident: %v %+v", err, res)
	}
	if _, err := Run(openFixture(t, "services.geojson"), Options{FallbackKind: "clinic"}); geodata.ErrorCode(err) != geodata.Invalid {
		t.Errorf("a bad fallback kind: %v", err)
	}
}
