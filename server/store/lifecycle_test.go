package store

import (
	"context"
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/routerisk/routerisk/geodata"
	"github.com/routerisk/routerisk/server/publishing"
)

func TestRestoreDeleteAndAudit(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s publishing.Store, _ func() publishing.Store) {
		ctx := context.Background()
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
		if err != nil || len(l.Features) != 2 || l.Features[1].ID != "b" || !reflect.DeepEqual(l.Meta, m) {
			t.Fatalf("Open v3: %+v, %v", l, err)
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
		_, err = s.Current(ctx, "clinics")
		var ge *geodata.Error
		if geodata.ErrorCode(err) != geodata.NotFound || !strings.Contains(err.Error(), "deleted") || !asError(err, &ge) || ge.Details["deleted"] != true {
			t.Fatalf("Current after delete: %v, want NotFound saying it was deleted", err)
		}
		if ms, _ := s.List(ctx); len(ms) != 0 {
			t.Fatalf("List after delete = %v", ms)
		}
		vs, err := s.Versions(ctx, "clinics")
		if err != nil || len(vs) != 3 {
			t.Fatalf("Versions of a deleted layer: %d, %v; want 3 kept", len(vs), err)
		}
		if l, err := s.Open(ctx, "clinics", 2); err != nil || len(l.Features) != 5 {
			t.Fatalf("Open of a deleted layer's version: %v", err)
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

		entries, err := auditOf(ctx, s, 0)
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
		if first.RequestID != "r1" || first.Bytes != 1234 || first.Format != "csv" || first.Rejected != 1 || first.Outcome != geodata.OutcomeOK || first.Version != 1 || first.Time.IsZero() {
			t.Fatalf("publish entry %+v", first)
		}
		if e := entries[1]; e.Version != 3 || e.Actor != "omar" {
			t.Fatalf("delete entry %+v; want the version that was current", e)
		}
		if e := entries[0]; e.Detail != "content of version 2" || e.Features != 5 {
			t.Fatalf("restore entry %+v", e)
		}
		if err := s.Audit(ctx, geodata.AuditEntry{Actor: "x", Action: "upload-rejected", Outcome: geodata.OutcomeRejected}); err != nil {
			t.Fatal(err)
		}
		if e, _ := auditOf(ctx, s, 1); len(e) != 1 || e[0].Action != "upload-rejected" {
			t.Fatalf("ReadAudit(1) = %+v", e)
		}
		raw, _ := json.Marshal(entries)
		if strings.Contains(string(raw), "clinic\"") || strings.Contains(string(raw), "coordinates") {
			t.Fatal("the audit log holds property values or coordinates")
		}
	})
}

// TestPublishAfterDeleteServesAgain: a new version of a deleted layer
// (the store does not refuse it; the publishing use case does for uploads) makes it
// current again, with the next number.
func TestPublishAfterDeleteServesAgain(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s publishing.Store, _ func() publishing.Store) {
		ctx := context.Background()
		s.Publish(ctx, layer("clinics", 1), geodata.Report{}, geodata.AuditEntry{Actor: "a"})
		if err := s.Delete(ctx, "clinics", geodata.AuditEntry{Actor: "a"}); err != nil {
			t.Fatal(err)
		}
		m, err := s.Publish(ctx, layer("clinics", 2), geodata.Report{}, geodata.AuditEntry{Actor: "a"})
		if err != nil || m.Version != 2 {
			t.Fatalf("publish after delete: %+v, %v", m, err)
		}
		if cur, err := s.Current(ctx, "clinics"); err != nil || cur.Version != 2 {
			t.Fatalf("Current = %+v, %v", cur, err)
		}
		if err := s.Delete(ctx, "clinics", geodata.AuditEntry{Actor: "a"}); err != nil {
			t.Fatalf("delete again: %v", err)
		}
	})
}
