package store

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/routerisk/routerisk/geodata"
)

func TestRestoreDeleteAndAudit(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s, err := OpenFiles(dir)
	if err != nil {
		t.Fatal(err)
	}
	by := geodata.AuditEntry{Actor: "amina (editor)", RequestID: "r1", Format: "csv", Bytes: 1234}
	if _, err := s.Publish(ctx, layer("clinics", 2), geodata.Report{Read: 3, Accepted: 2, Rejected: 1}, by); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Publish(ctx, layer("clinics", 5), geodata.Report{Read: 5, Accepted: 5}, by); err != nil {
		t.Fatal(err)
	}

	m, err := s.Restore(ctx, "clinics", 1, geodata.AuditEntry{Actor: "omar"})
	if err != nil {
		t.Fatal(err)
	}
	if m.Version != 3 || m.FeatureCount != 2 || m.UpdatedBy != "omar" {
		t.Fatalf("restored meta %+v; want version 3 with the 2 features of version 1", m)
	}
	l, err := s.Open(ctx, "clinics", 3)
	if err != nil || len(l.Features) != 2 {
		t.Fatalf("Open v3: %v, %v", l, err)
	}
	if rep, err := s.Report(ctx, "clinics", 3); err != nil || rep.Rejected != 1 {
		t.Fatalf("the restored version lost its report: %+v, %v", rep, err)
	}
	if _, err := s.Restore(ctx, "clinics", 9, geodata.AuditEntry{Actor: "omar"}); geodata.ErrorCode(err) != geodata.NotFound {
		t.Fatalf("restore of a missing version: %v, want NotFound", err)
	}

	if err := s.Delete(ctx, "clinics", geodata.AuditEntry{Actor: "omar"}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Current(ctx, "clinics"); geodata.ErrorCode(err) != geodata.NotFound || !strings.Contains(err.Error(), "deleted") {
		t.Fatalf("Current after delete: %v, want NotFound saying it was deleted", err)
	}
	if ms, _ := s.List(ctx); len(ms) != 0 {
		t.Fatalf("List after delete = %v", ms)
	}
	vs, err := s.Versions(ctx, "clinics")
	if err != nil || len(vs) != 3 {
		t.Fatalf("Versions of a deleted layer: %d, %v; want 3 kept", len(vs), err)
	}
	if err := s.Delete(ctx, "clinics", geodata.AuditEntry{Actor: "omar"}); geodata.ErrorCode(err) != geodata.NotFound {
		t.Fatalf("second delete: %v, want NotFound", err)
	}
	m, err = s.Restore(ctx, "clinics", 2, geodata.AuditEntry{Actor: "omar"})
	if err != nil || m.Version != 4 || m.FeatureCount != 5 {
		t.Fatalf("restore after delete: %+v, %v", m, err)
	}
	if cur, err := s.Current(ctx, "clinics"); err != nil || cur.Version != 4 {
		t.Fatalf("Current after restore: %+v, %v", cur, err)
	}

	entries, err := s.ReadAudit(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	var actions []string
	for _, e := range entries {
		actions = append(actions, e.Action)
	}
	if got := strings.Join(actions, ","); got != "restore,delete,restore,publish,publish" {
		t.Fatalf("audit actions newest first = %s", got)
	}
	first := entries[len(entries)-1]
	if first.RequestID != "r1" || first.Bytes != 1234 || first.Format != "csv" || first.Rejected != 1 || first.Outcome != geodata.OutcomeOK || first.Version != 1 {
		t.Fatalf("publish entry %+v", first)
	}
	if err := s.Audit(ctx, geodata.AuditEntry{Actor: "x", Action: "upload-rejected", Outcome: geodata.OutcomeRejected}); err != nil {
		t.Fatal(err)
	}
	if e, _ := s.ReadAudit(ctx, 1); len(e) != 1 || e[0].Action != "upload-rejected" {
		t.Fatalf("ReadAudit(1) = %+v", e)
	}
	raw, _ := os.ReadFile(filepath.Join(dir, "audit.log"))
	if strings.Contains(string(raw), "clinic\"") || strings.Contains(string(raw), "coordinates") {
		t.Fatal("the audit log holds property values or coordinates")
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
