package publishing_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/routerisk/routerisk/geodata"
	"github.com/routerisk/routerisk/geodata/account"
	"github.com/routerisk/routerisk/geodata/formats"
	"github.com/routerisk/routerisk/internal/teststore"
	"github.com/routerisk/routerisk/server/publishing"
	"github.com/routerisk/routerisk/server/reads"
)

const clinics = `{"type":"FeatureCollection","features":[
{"type":"Feature","id":"c1","geometry":{"type":"Point","coordinates":[13.18,32.88]},"properties":{"name":"Clinic A"}}]}`

// upload publishes the clinics file as layer id with the given
// sensitivity ("" to leave it as it is) by a caller of role.
func upload(t *testing.T, s *publishing.Service, id string, replace bool, sens geodata.Sensitivity, role account.Role) (geodata.Meta, error) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "clinics.geojson")
	if err := os.WriteFile(path, []byte(clinics), 0o600); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	meta := geodata.Meta{ID: id, Sensitivity: sens}
	if !replace {
		meta.Kind, meta.Title = geodata.KindService, "Clinics"
		meta.Sources = []geodata.Source{{Name: "MoH", License: "CC BY 4.0", Attribution: "MoH"}}
	}
	m, _, err := s.Upload(context.Background(), publishing.UploadRequest{
		Source: formats.Source{Name: "clinics.geojson", Path: path, Size: int64(len(clinics)), R: f},
		Meta:   meta, Replace: replace, Role: role, By: geodata.AuditEntry{Actor: "token:" + string(role)},
	})
	return m, err
}

// TestSensitivityChangeNeedsAdmin: only an admin makes a restricted layer
// public; the change is audited as its own action with before and after.
func TestSensitivityChangeNeedsAdmin(t *testing.T) {
	tests := []struct {
		name       string
		from, to   geodata.Sensitivity
		role       account.Role
		wantCode   geodata.Code // "" for success
		wantAudit  bool
		wantResult geodata.Sensitivity
	}{
		{"editor makes restricted public", geodata.Restricted, geodata.Public, account.Editor, geodata.Forbidden, false, ""},
		{"no role makes restricted public", geodata.Restricted, geodata.Public, "", geodata.Forbidden, false, ""},
		{"admin makes restricted public", geodata.Restricted, geodata.Public, account.Admin, "", true, geodata.Public},
		{"editor restricts a public layer", geodata.Public, geodata.Restricted, account.Editor, "", true, geodata.Restricted},
		{"editor keeps restricted", geodata.Restricted, "", account.Editor, "", false, geodata.Restricted},
		{"editor says restricted again", geodata.Restricted, geodata.Restricted, account.Editor, "", false, geodata.Restricted},
		{"editor keeps public public", geodata.Public, geodata.Public, account.Editor, "", false, geodata.Public},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := teststore.Open(t, t.TempDir())
			s := publishing.New(st, reads.New(st), 1)
			if _, err := upload(t, s, "clinics", false, tt.from, account.Editor); err != nil {
				t.Fatal(err)
			}
			m, err := upload(t, s, "clinics", true, tt.to, tt.role)
			if geodata.ErrorCode(err) != tt.wantCode && !(tt.wantCode == "" && err == nil) {
				t.Fatalf("error %v, want code %q", err, tt.wantCode)
			}
			if err == nil && m.Sensitivity != tt.wantResult {
				t.Errorf("sensitivity %s, want %s", m.Sensitivity, tt.wantResult)
			}
			if cur, _ := st.Current(context.Background(), "clinics"); tt.wantCode != "" && (cur.Sensitivity != tt.from || cur.Version != 1) {
				t.Errorf("refused, yet the layer is now %s v%d", cur.Sensitivity, cur.Version)
			}
			page, err := st.ReadAuditPage(context.Background(), geodata.AuditQuery{Limit: 10})
			if err != nil {
				t.Fatal(err)
			}
			var change *geodata.AuditEntry
			for i, e := range page.Entries {
				if e.Action == "sensitivity-change" {
					change = &page.Entries[i]
				}
			}
			if (change != nil) != tt.wantAudit {
				t.Fatalf("sensitivity-change audited: %v, want %v (%+v)", change != nil, tt.wantAudit, page.Entries)
			}
			if change != nil && (change.Before != string(tt.from) || change.After != string(tt.to) ||
				change.Detail != string(tt.from)+" → "+string(tt.to) || change.Version != 2 || change.Actor != "token:"+string(tt.role)) {
				t.Errorf("audit entry %+v", change)
			}
		})
	}
}

// TestReportListsEveryCountedCode: a report kept with a code it only
// counts (as reports were before every counted code was listed) is read
// back with an issue for that code, so it never says "no issues" beside
// issues by code.
func TestReportListsEveryCountedCode(t *testing.T) {
	st := teststore.Open(t, t.TempDir())
	s := publishing.New(st, reads.New(st), 1)
	ctx := context.Background()
	feats, _, err := formats.DecodeGeoJSON(strings.NewReader(clinics))
	if err != nil {
		t.Fatal(err)
	}
	l := &geodata.Layer{Meta: geodata.Meta{ID: "clinics", Kind: geodata.KindService, Title: "Clinics", Sensitivity: geodata.Public,
		Sources: []geodata.Source{{Name: "MoH", License: "CC BY 4.0", Attribution: "MoH"}}}, Features: feats}
	kept := geodata.Report{Read: 3, Accepted: 3, Counts: map[string]int{"missing_id": 3}, Issues: []geodata.Issue{}}
	m, err := s.Publish(ctx, l, kept, geodata.AuditEntry{Actor: "test"})
	if err != nil {
		t.Fatal(err)
	}
	rep, err := s.Report(ctx, "clinics", m.Version)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Issues) != 1 || rep.Issues[0].Code != "missing_id" || !strings.Contains(rep.Issues[0].Message, "3") || rep.Counts["missing_id"] != 3 {
		t.Errorf("report %+v", rep)
	}
}
