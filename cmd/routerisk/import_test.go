package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/routerisk/routerisk/geodata"
	"github.com/routerisk/routerisk/server/store"
)

// TestImportReadsTheKindFilesAlwaysTell: `routerisk import` without
// --kind publishes an ACLED export as events and a DTM flow table as
// exposure, as an upload without a kind does; a file that does not tell
// its kind is refused with a message naming --kind, and stores nothing.
func TestImportReadsTheKindFilesAlwaysTell(t *testing.T) {
	tests := []struct {
		name, file string
		args       []string
		want       geodata.Kind
		errText    string // "" when the import must succeed
	}{
		// The export has one row with a broken latitude: skipped, the rest stored.
		{"ACLED export, no kind", "testdata/acled_export.csv", []string{"--on-error", "skip"}, geodata.KindEvent, ""},
		{"DTM flow table, no kind", "testdata/dtm_flows_sample.csv", nil, geodata.KindExposure, ""},
		{"kind given wins over the header", "testdata/acled_export.csv", []string{"--kind", "incident", "--on-error", "skip"}, "", "ACLED"},
		{"incidents, kind given", "testdata/incidents.csv", []string{"--kind", "incident"}, geodata.KindIncident, ""},
		{"incidents, no kind", "testdata/incidents.csv", nil, "", "kind"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			args := append([]string{"import", "--data-dir", dir, "--id", "layer", "--title", "Layer",
				"--source", "Test", "--license", "CC BY 4.0"}, tt.args...)
			args = append(args, tt.file)
			var out, errOut bytes.Buffer
			code := Main(context.Background(), args, env("USER", "gis"), &out, &errOut)
			files, err := store.OpenFiles(dir)
			if err != nil {
				t.Fatal(err)
			}
			metas, err := files.List(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			if tt.errText != "" {
				if code == 0 || !strings.Contains(errOut.String(), tt.errText) {
					t.Fatalf("exit %d, stderr %q: want a failure naming %q", code, errOut.String(), tt.errText)
				}
				if len(metas) != 0 {
					t.Fatalf("a refused import stored %d layers", len(metas))
				}
				return
			}
			if code != 0 {
				t.Fatalf("exit %d: %s", code, errOut.String())
			}
			if len(metas) != 1 || metas[0].Kind != tt.want || metas[0].FeatureCount == 0 {
				t.Fatalf("stored %+v, want one %s layer with features", metas, tt.want)
			}
		})
	}
}
