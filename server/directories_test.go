package server

import (
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"testing"

	"github.com/routerisk/routerisk/server/auth"
)

// serviceDirectoryFixture reads a fixture of geodata/formats/testdata.
func serviceDirectoryFixture(t *testing.T, rel string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "geodata", "formats", "testdata", filepath.FromSlash(rel)))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestUploadServiceDirectories validates and publishes an Open Referral
// package and an OpenStreetMap extract in its three encodings, giving no
// kind and no format: both are detected, the answer names them, and the
// published layer filters by the categories they carry.
func TestUploadServiceDirectories(t *testing.T) {
	cases := []struct {
		file, name, format, id string
		accepted               int
		cats                   map[string]int // category → features
		filter                 string         // a category to filter the published layer by
	}{
		{"hsds/tijuana_hsds.zip", "directory.zip", "hsds", "tijuana", 8,
			map[string]int{"shelter": 1, "legal": 1, "food": 1, "health": 2, "psychosocial": 1, "wash": 1}, "legal"},
		{"osm/palermo_services.osm", "palermo.osm", "osm", "palermo-xml", 13,
			map[string]int{"health": 6, "psychosocial": 2, "legal": 1, "food": 1, "wash": 1, "shelter": 2}, "shelter"},
		{"osm/palermo_services_overpass.json", "export.json", "osm", "palermo-json", 13,
			map[string]int{"health": 6, "psychosocial": 2, "legal": 1, "food": 1, "wash": 1, "shelter": 2}, "psychosocial"},
		{"osm/palermo_services.osm.pbf", "palermo.osm.pbf", "osm", "palermo-pbf", 13,
			map[string]int{"health": 6, "psychosocial": 2, "legal": 1, "food": 1, "wash": 1, "shelter": 2}, "health"},
	}
	a := newWriteApp(t, UploadOptions{})
	for _, c := range cases {
		t.Run(c.file, func(t *testing.T) {
			file := serviceDirectoryFixture(t, c.file)
			r := a.upload(t, http.MethodPost, "/api/v1/uploads/validate", auth.Editor, c.name, file)
			if r.Code != http.StatusOK {
				t.Fatalf("validate: %d %s", r.Code, r.Body)
			}
			var v struct {
				Format string `json:"format"`
				Kind   string `json:"kind"`
				Report struct {
					Accepted int            `json:"accepted"`
					Counts   map[string]int `json:"counts"`
				} `json:"report"`
				Preview struct {
					Features []struct {
						Properties map[string]any `json:"properties"`
					} `json:"features"`
				} `json:"preview"`
			}
			if err := json.Unmarshal(r.Body.Bytes(), &v); err != nil {
				t.Fatal(err)
			}
			if v.Format != c.format || v.Kind != "service" || v.Report.Accepted != c.accepted {
				t.Fatalf("validate: format %q kind %q accepted %d; want %s service %d", v.Format, v.Kind, v.Report.Accepted, c.format, c.accepted)
			}
			got := map[string]int{}
			for _, f := range v.Preview.Features {
				if cat, ok := f.Properties["category"].(string); ok {
					got[cat]++
				}
			}
			for cat, n := range c.cats {
				if got[cat] != n {
					t.Errorf("preview: %d %s features, want %d (all: %v)", got[cat], cat, n, got)
				}
			}
			if len(got) != len(c.cats) {
				t.Errorf("preview categories %v, want %v", got, c.cats)
			}

			// Publish with no kind given: the format implies it. The HSDS
			// package has a row without coordinates, so it needs on_error=skip.
			r = a.upload(t, http.MethodPost, "/api/v1/layers", auth.Editor, c.name, file,
				"id", c.id, "title", "Services "+c.id, "source", "test fixture", "license", "CC0", "on_error", "skip")
			if r.Code != http.StatusCreated {
				t.Fatalf("publish: %d %s", r.Code, r.Body)
			}
			m := layerMeta(t, a, c.id)
			if m.Kind != "service" || m.FeatureCount != c.accepted {
				t.Fatalf("published %+v", m)
			}
			// Uploaded layers are restricted: read them as staff, point by point.
			coll := a.send(t, http.MethodGet, "/api/v1/layers/"+c.id+"/features?category="+c.filter, nil, "Authorization", "Bearer "+a.tokens[auth.Editor]).collection(t)
			if coll.NumberMatched != c.cats[c.filter] {
				t.Errorf("category=%s: %d features, want %d", c.filter, coll.NumberMatched, c.cats[c.filter])
			}
		})
	}
}
