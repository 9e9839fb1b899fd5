package store

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"github.com/routerisk/routerisk/geodata"
	"github.com/routerisk/routerisk/geodata/formats"
)

// The tests here are about the file store's layout on disk; what every
// backend does is in conformance_test.go.

func TestFilesLayoutAndAuditLog(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s, err := OpenFiles(dir)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Publish(ctx, layer("services", 2), geodata.Report{Read: 2, Accepted: 2}, geodata.AuditEntry{Actor: "alice"}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Publish(ctx, layer("services", 3), geodata.Report{Read: 3, Accepted: 3}, geodata.AuditEntry{Actor: "bob"}); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"current", "v1/meta.json", "v1/report.json", "v1/features.geojson.gz", "v2/features.geojson.gz"} {
		if _, err := os.Stat(filepath.Join(dir, "layers", "services", name)); err != nil {
			t.Errorf("layers/services/%s: %v", name, err)
		}
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "layers", "services", "current")); string(b) != "2\n" {
		t.Errorf("current pointer %q, want 2", b)
	}
	audit, err := os.ReadFile(filepath.Join(dir, "audit.log"))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(audit)), "\n")
	if len(lines) != 2 || !strings.Contains(lines[0], `"actor":"alice"`) || !strings.Contains(lines[1], `"version":2`) {
		t.Errorf("audit log:\n%s", audit)
	}
	if strings.Contains(string(audit), "clinic") || strings.Contains(string(audit), "coordinates") {
		t.Error("the audit log holds property values or coordinates")
	}
}

func TestFilesRejectedPublishLeavesNoFolder(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s, _ := OpenFiles(dir)
	l := layer("../escape", 1)
	if _, err := s.Publish(ctx, l, geodata.Report{}, geodata.AuditEntry{Actor: "x"}); geodata.ErrorCode(err) != geodata.Invalid {
		t.Fatalf("err = %v, want Invalid", err)
	}
	entries, _ := os.ReadDir(filepath.Join(dir, "layers"))
	if len(entries) != 0 {
		t.Errorf("a rejected publish left %d entries", len(entries))
	}
}

func TestUnfinishedVersionIsInvisible(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s, _ := OpenFiles(dir)
	if _, err := s.Publish(ctx, layer("services", 1), geodata.Report{}, geodata.AuditEntry{Actor: "x"}); err != nil {
		t.Fatal(err)
	}
	// A crash between writing v2 and moving the pointer leaves v2 on disk.
	if err := os.MkdirAll(filepath.Join(dir, "layers", "services", "v2"), 0o755); err != nil {
		t.Fatal(err)
	}
	if m, _ := s.Current(ctx, "services"); m.Version != 1 {
		t.Errorf("current = v%d, want v1", m.Version)
	}
	m, err := s.Publish(ctx, layer("services", 2), geodata.Report{}, geodata.AuditEntry{Actor: "x"})
	if err != nil || m.Version != 3 {
		t.Errorf("next publish = v%d, %v; want v3 (never overwriting a leftover folder)", m.Version, err)
	}
}

// TestInterruptedWriteLeavesNoDebris simulates a process killed while
// writing a version: a temporary folder with partial files and a
// half-written pointer. The previous version keeps serving, and reopening
// the store removes the debris.
func TestInterruptedWriteLeavesNoDebris(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s, _ := OpenFiles(dir)
	if _, err := s.Publish(ctx, layer("clinics", 2), geodata.Report{}, geodata.AuditEntry{Actor: "a"}); err != nil {
		t.Fatal(err)
	}
	layerDir := filepath.Join(dir, "layers", "clinics")
	tmp := filepath.Join(layerDir, ".tmp-12345")
	if err := os.MkdirAll(tmp, 0o755); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(tmp, "features.geojson.gz"), []byte("\x1f\x8b partial"), 0o644)
	os.WriteFile(filepath.Join(layerDir, ".current.tmp"), []byte("2"), 0o644)

	s2, err := OpenFiles(dir)
	if err != nil {
		t.Fatal(err)
	}
	if cur, err := s2.Current(ctx, "clinics"); err != nil || cur.Version != 1 {
		t.Fatalf("Current = %+v, %v; want version 1 still serving", cur, err)
	}
	entries, _ := os.ReadDir(layerDir)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if got := strings.Join(names, ","); got != "current,v1" {
		t.Fatalf("layer folder holds %s; want only current,v1", got)
	}
	m, err := s2.Publish(ctx, layer("clinics", 3), geodata.Report{}, geodata.AuditEntry{Actor: "a"})
	if err != nil || m.Version != 2 {
		t.Fatalf("next publish: %+v, %v", m, err)
	}
}

// TestEncodeRuns: the runs handed to write make the collection the
// features encode to one after another, whatever their number; the first
// write error ends the encoding and is returned; an encoding error names
// its feature.
func TestEncodeRuns(t *testing.T) {
	feature := func(i int) *geojson.Feature {
		f := geojson.NewFeature(orb.Point{float64(i%360) - 180, float64(i%180) - 90})
		f.ID = fmt.Sprintf("f-%d", i)
		f.Properties = geojson.Properties{"n": i, "text": strings.Repeat("x", i%300)}
		return f
	}
	for _, n := range []int{0, 1, 200, 5000} {
		var features []*geojson.Feature
		want := []byte(`{"type":"FeatureCollection","features":[`)
		for i := range n {
			features = append(features, feature(i))
			if i > 0 {
				want = append(want, ',')
			}
			var err error
			if want, err = formats.AppendFeature(want, features[i], formats.EncodeOptions{Precision: -1}); err != nil {
				t.Fatal(err)
			}
		}
		want = append(want, "]}"...)
		var got []byte
		runs := 0
		err := encodeRuns(features, func(b []byte) (int, error) {
			got = append(got, b...)
			runs++
			return len(b), nil
		})
		if err != nil || !bytes.Equal(got, want) {
			t.Fatalf("%d features: %v; %d bytes in %d runs, want %d bytes", n, err, len(got), runs, len(want))
		}
		if n == 5000 && runs < 10 {
			t.Errorf("%d features in %d runs: not handed on as they are encoded", n, runs)
		}
	}

	var features []*geojson.Feature
	for i := range 5000 {
		features = append(features, feature(i))
	}
	full := errors.New("disk full")
	writes := 0
	err := encodeRuns(features, func(b []byte) (int, error) {
		writes++
		if writes == 2 {
			return 0, full
		}
		return len(b), nil
	})
	if !errors.Is(err, full) || writes != 2 {
		t.Errorf("a failing write: %v after %d writes, want the write's error after 2", err, writes)
	}

	features[3000].Properties["bad"] = map[string]any{"x": math.NaN()} // json.Marshal refuses NaN
	err = encodeRuns(features, func(b []byte) (int, error) { return len(b), nil })
	if err == nil || !strings.Contains(err.Error(), "feature 3001") {
		t.Errorf("an unencodable feature: %v", err)
	}
}
