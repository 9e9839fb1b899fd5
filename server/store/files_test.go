package store

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"github.com/routerisk/routerisk/geodata"
)

func layer(id string, n int) *geodata.Layer {
	l := &geodata.Layer{Meta: geodata.Meta{ID: id, Kind: geodata.KindService, Title: "Services", Sensitivity: geodata.Public}}
	for i := range n {
		f := geojson.NewFeature(orb.Point{float64(i), 1})
		f.ID = string(rune('a' + i))
		f.Properties = geojson.Properties{"name": "clinic"}
		l.Features = append(l.Features, f)
	}
	return l
}

func TestPublishVersionsAndReload(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s, err := OpenFiles(dir)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Current(ctx, "services"); geodata.ErrorCode(err) != geodata.NotFound {
		t.Fatalf("Current on an empty store: %v, want NotFound", err)
	}
	m1, err := s.Publish(ctx, layer("services", 2), geodata.Report{Read: 2, Accepted: 2}, geodata.AuditEntry{Actor: "alice"})
	if err != nil {
		t.Fatal(err)
	}
	m2, err := s.Publish(ctx, layer("services", 3), geodata.Report{Read: 3, Accepted: 3}, geodata.AuditEntry{Actor: "bob"})
	if err != nil {
		t.Fatal(err)
	}
	if m1.Version != 1 || m2.Version != 2 || m2.FeatureCount != 3 || m2.UpdatedBy != "bob" {
		t.Fatalf("versions: %+v / %+v", m1, m2)
	}

	// A fresh handle on the same folder sees the same state.
	s2, _ := OpenFiles(dir)
	cur, err := s2.Current(ctx, "services")
	if err != nil || cur.Version != 2 {
		t.Fatalf("Current = %+v, %v; want version 2", cur, err)
	}
	old, err := s2.Open(ctx, "services", 1)
	if err != nil || len(old.Features) != 2 {
		t.Fatalf("old version: %v features, err %v", old, err)
	}
	vs, err := s2.Versions(ctx, "services")
	if err != nil || len(vs) != 2 || vs[0].Version != 2 {
		t.Fatalf("Versions = %+v, %v", vs, err)
	}
	rep, err := s2.Report(ctx, "services", 2)
	if err != nil || rep.Read != 3 {
		t.Fatalf("Report = %+v, %v", rep, err)
	}
	list, err := s2.List(ctx)
	if err != nil || len(list) != 1 || list[0].ID != "services" {
		t.Fatalf("List = %+v, %v", list, err)
	}

	audit, err := os.ReadFile(filepath.Join(dir, "audit.log"))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(audit)), "\n")
	if len(lines) != 2 || !strings.Contains(lines[0], `"actor":"alice"`) || !strings.Contains(lines[1], `"version":2`) {
		t.Errorf("audit log:\n%s", audit)
	}
}

func TestPublishRejectsBadMetaAndWritesNothing(t *testing.T) {
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
