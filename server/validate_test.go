package server

import (
	"encoding/json"
	"net/http"
	"os"
	"testing"

	"github.com/routerisk/routerisk/server/auth"
)

// TestValidateDetectsTheKind sends fixtures to POST /uploads/validate
// without a kind, under names that say nothing (or, for the ambiguous
// file, under one that does): the answer's format, kind, accepted count
// and preview categories are what a GIS person expects.
func TestValidateDetectsTheKind(t *testing.T) {
	a := newWriteApp(t, UploadOptions{})
	tests := []struct {
		file, name string
		kind       string
		accepted   int
		categories []string // of the preview's features, in order
	}{
		{"testdata/services.geojson", "upload.geojson", "service", 3, []string{"health", "legal", "shelter"}},
		{"testdata/routes.geojson", "upload.geojson", "route", 2, nil},
		{"testdata/incidents.geojson", "upload.geojson", "incident", 6, nil},
		{"testdata/areas.geojson", "upload.geojson", "area", 1, nil},
		// Points that say nothing of their kind: incidents, unless the name tells.
		{"testdata/places.geojson", "upload.geojson", "incident", 2, nil},
		{"testdata/places.geojson", "health-sites.geojson", "service", 2, nil},
		// Casualties make incidents, whatever the name.
		{"testdata/shipwrecks.geojson", "health-sites.geojson", "incident", 2, nil},
	}
	for _, tt := range tests {
		t.Run(tt.file+"/"+tt.name, func(t *testing.T) {
			b, err := os.ReadFile(tt.file)
			if err != nil {
				t.Fatal(err)
			}
			r := a.upload(t, http.MethodPost, "/api/v1/uploads/validate", auth.Editor, tt.name, b)
			if r.Code != http.StatusOK {
				t.Fatalf("%d %s", r.Code, r.Body)
			}
			var v struct {
				Format string `json:"format"`
				Kind   string `json:"kind"`
				Report struct {
					Accepted int `json:"accepted"`
				} `json:"report"`
				Preview struct {
					Features []struct {
						Properties map[string]any `json:"properties"`
					} `json:"features"`
				} `json:"preview"`
				Notes []string `json:"notes"`
			}
			if err := json.Unmarshal(r.Body.Bytes(), &v); err != nil {
				t.Fatal(err)
			}
			if v.Format != "geojson" || v.Kind != tt.kind || v.Report.Accepted != tt.accepted || len(v.Preview.Features) != tt.accepted {
				t.Errorf("format %q kind %q accepted %d preview %d; want geojson %s %d (notes %q)",
					v.Format, v.Kind, v.Report.Accepted, len(v.Preview.Features), tt.kind, tt.accepted, v.Notes)
			}
			for i, c := range tt.categories {
				if i < len(v.Preview.Features) && v.Preview.Features[i].Properties["category"] != c {
					t.Errorf("preview feature %d: category %v, want %s", i, v.Preview.Features[i].Properties["category"], c)
				}
			}
		})
	}
	// A kind given is kept.
	b, _ := os.ReadFile("testdata/services.geojson")
	r := a.upload(t, http.MethodPost, "/api/v1/uploads/validate", auth.Editor, "upload.geojson", b, "kind", "incident")
	var v struct {
		Kind string `json:"kind"`
	}
	if json.Unmarshal(r.Body.Bytes(), &v); r.Code != http.StatusOK || v.Kind != "incident" {
		t.Errorf("given incident: %d %s", r.Code, r.Body)
	}
}

// TestValidateReportNeverContradictsItself: the validation, the publish
// and the stored version's report of a file whose features have no ids
// count missing_id and list it, so no reader is told "no issues" beside
// issues by code.
func TestValidateReportNeverContradictsItself(t *testing.T) {
	a := newWriteApp(t, UploadOptions{})
	b, err := os.ReadFile("testdata/places.geojson")
	if err != nil {
		t.Fatal(err)
	}
	type report struct {
		Counts map[string]int `json:"counts"`
		Issues []struct {
			Feature int    `json:"feature"`
			Code    string `json:"code"`
			Message string `json:"message"`
		} `json:"issues"`
	}
	check := func(what string, rep report) {
		t.Helper()
		listed := map[string]bool{}
		for _, is := range rep.Issues {
			listed[is.Code] = true
		}
		if rep.Counts["missing_id"] != 2 {
			t.Errorf("%s: counts %v", what, rep.Counts)
		}
		for code := range rep.Counts {
			if !listed[code] {
				t.Errorf("%s: %s counted, never listed: %+v", what, code, rep.Issues)
			}
		}
	}
	var v struct {
		Report report `json:"report"`
	}
	r := a.upload(t, http.MethodPost, "/api/v1/uploads/validate", auth.Editor, "places.geojson", b, "kind", "service")
	if err := json.Unmarshal(r.Body.Bytes(), &v); err != nil || r.Code != http.StatusOK {
		t.Fatalf("%d %s", r.Code, r.Body)
	}
	check("validate", v.Report)
	v.Report = report{}
	r = a.upload(t, http.MethodPost, "/api/v1/layers", auth.Editor, "places.geojson", b, newLayerFields...)
	if err := json.Unmarshal(r.Body.Bytes(), &v); err != nil || r.Code != http.StatusCreated {
		t.Fatalf("%d %s", r.Code, r.Body)
	}
	check("publish", v.Report)
	r = a.send(t, http.MethodGet, "/api/v1/layers/clinics/versions/1/report", nil, "Authorization", "Bearer "+a.tokens[auth.Editor])
	var kept report
	if err := json.Unmarshal(r.Body.Bytes(), &kept); err != nil || r.Code != http.StatusOK {
		t.Fatalf("%d %s", r.Code, r.Body)
	}
	check("version report", kept)
}
