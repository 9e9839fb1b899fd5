package formats

import (
	"strings"
	"testing"

	"github.com/routerisk/routerisk/geodata"
)

func TestCheckName(t *testing.T) {
	tests := []struct {
		name    string
		wantErr string // a part of the message; "" for accepted
	}{
		{"clinics.geojson", ""},
		{"CLINICS.GeoJSON", ""},
		{"MissingMigrants-Global-2026.csv", ""},
		{"routes.kmz", ""},
		{"shapes.zip", ""},
		{"facilities.gpkg", ""},
		{"upload", ""}, // no extension: the content decides
		{"clinics.geojson.html", `ends in ".html"`},
		{"clinics.geojson.exe", `".exe"`},
		{"report.pdf", ".geojson, .json, .csv"},
		{`C:\data\clinics.geojson.html`, `".html"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := CheckName(tt.name)
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			if geodata.ErrorCode(err) != geodata.Invalid || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("error %v, want code invalid mentioning %s", err, tt.wantErr)
			}
		})
	}
	// Detect refuses the name even when the content is GeoJSON.
	if _, err := Detect("clinics.geojson.html", []byte(`{"type":"FeatureCollection","features":[]}`)); err == nil {
		t.Error("Detect accepted clinics.geojson.html")
	}
}
