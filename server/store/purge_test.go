package store

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/routerisk/routerisk/geodata"
	"github.com/routerisk/routerisk/server/publishing"
)

// TestPurgeKeepsCurrentAndNewest: a purge removes superseded versions
// and those of a deleted layer, keeps every layer's current and newest
// version (numbers are never reused), and audits each purged layer.
func TestPurgeKeepsCurrentAndNewest(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s publishing.Store, _ func() publishing.Store) {
		ctx := context.Background()
		by := geodata.AuditEntry{Actor: "test"}
		for n := 1; n <= 3; n++ {
			if _, err := s.Publish(ctx, layer("clinics", n), geodata.Report{}, by); err != nil {
				t.Fatal(err)
			}
		}
		// Restore v1 as v4: v4 is current and newest.
		if _, err := s.Restore(ctx, "clinics", 1, by); err != nil {
			t.Fatal(err)
		}
		for n := 1; n <= 2; n++ {
			if _, err := s.Publish(ctx, layer("shelters", n), geodata.Report{}, by); err != nil {
				t.Fatal(err)
			}
		}
		if err := s.Delete(ctx, "shelters", by); err != nil {
			t.Fatal(err)
		}
		// Nothing is old enough yet.
		if got, err := s.Purge(ctx, time.Now().Add(-time.Hour), by); err != nil || len(got) != 0 {
			t.Fatalf("a purge of nothing old: %v %v", got, err)
		}
		got, err := s.Purge(ctx, time.Now().Add(time.Hour), geodata.AuditEntry{Actor: "retention"})
		if err != nil {
			t.Fatal(err)
		}
		want := []geodata.Purged{{Layer: "clinics", Versions: []int{1, 2, 3}}, {Layer: "shelters", Versions: []int{1}}}
		if len(got) != len(want) {
			t.Fatalf("purged %+v, want %+v", got, want)
		}
		for i := range want {
			if got[i].Layer != want[i].Layer || !slices.Equal(got[i].Versions, want[i].Versions) {
				t.Errorf("purged %+v, want %+v", got[i], want[i])
			}
		}
		if vs, err := s.Versions(ctx, "clinics"); err != nil || len(vs) != 1 || vs[0].Version != 4 {
			t.Errorf("clinics after the purge: %v %v", vs, err)
		}
		if l, err := s.Open(ctx, "clinics", 4); err != nil || len(l.Features) != 1 {
			t.Errorf("the current version after the purge: %v", err)
		}
		if _, err := s.Open(ctx, "clinics", 2); geodata.ErrorCode(err) != geodata.NotFound {
			t.Errorf("a purged version opens: %v", err)
		}
		// The deleted layer stays restorable from its last version.
		if m, err := s.Restore(ctx, "shelters", 2, by); err != nil || m.Version != 3 {
			t.Errorf("restoring the deleted layer's last version: %+v %v", m, err)
		}
		entries, err := s.ReadAuditPage(ctx, geodata.AuditQuery{Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		purges := 0
		for _, e := range entries.Entries {
			if e.Action == "purge" && e.Actor == "retention" {
				purges++
			}
		}
		if purges != 2 {
			t.Errorf("%d purge entries in the audit log, want one per layer", purges)
		}
	})
}
