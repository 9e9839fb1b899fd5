package server

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/routerisk/routerisk/geodata"
	"github.com/routerisk/routerisk/server/auth"
)

// packFiles reads a pack's zip.
func packFiles(t *testing.T, body []byte) map[string][]byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(body), int64(len(body)))
	if err != nil {
		t.Fatalf("not a zip: %v", err)
	}
	out := map[string][]byte{}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		out[f.Name] = b
	}
	return out
}

func TestPacksByTier(t *testing.T) {
	a := newPrivacyApp(t)
	const box = "/api/v1/packs?bbox=10,30,20,38"
	for _, c := range []struct {
		name string
		auth string
		want int
	}{
		{"anonymous", "", http.StatusUnauthorized},
		{"viewer", "Bearer " + a.tokens[auth.Viewer], http.StatusForbidden},
	} {
		r := a.send(t, http.MethodGet, box, nil, "Authorization", c.auth)
		if r.Code != c.want {
			t.Errorf("%s: %d, want %d: %s", c.name, r.Code, c.want, r.Body)
		}
	}

	r := a.send(t, http.MethodGet, box, nil, "Authorization", "Bearer "+a.tokens[auth.Partner])
	if r.Code != http.StatusOK || r.Header().Get("Content-Type") != "application/zip" || r.Header().Get("Cache-Control") != "private, no-store" {
		t.Fatalf("partner: %d %v %.300s", r.Code, r.Header(), r.Body)
	}
	files := packFiles(t, r.Body.Bytes())
	var m struct {
		Tier    string `json:"tier"`
		Vectors map[string]int
		Layers  []struct {
			ID, Tier string
			Features int
		}
	}
	if err := json.Unmarshal(files["manifest.json"], &m); err != nil {
		t.Fatal(err)
	}
	if m.Tier != "partner" || m.Vectors["incidents"] == 0 {
		t.Fatalf("partner manifest: %s", files["manifest.json"])
	}
	// At the partner tier no exact position or free text of a restricted
	// incident is in any file of the pack (the GeoPackage's coordinates
	// are binary: the partner features it is written from are rounded,
	// as TestPartnerAndStaffTiers checks).
	partnerTraces := regexp.MustCompile(`12\.6111|35\.5111|20\.1133|39\.0133|-5\.3133|35\.8911|Lampedusa harbour|Kolymbari|Ceuta|Witness W`)
	for name, b := range files {
		if name == "map.pmtiles" {
			continue
		}
		if m := partnerTraces.FindString(string(b)); m != "" {
			t.Errorf("partner pack: %s holds %q", name, m)
		}
	}

	r = a.send(t, http.MethodGet, box, nil, "Authorization", "Bearer "+a.tokens[auth.Staff])
	if r.Code != http.StatusOK {
		t.Fatalf("staff: %d %s", r.Code, r.Body)
	}
	files = packFiles(t, r.Body.Bytes())
	if err := json.Unmarshal(files["manifest.json"], &m); err != nil || m.Tier != "staff" {
		t.Fatalf("staff manifest: %v %s", err, files["manifest.json"])
	}

	// Packs of a restricted layer are audited for the partner and the
	// staff caller alike.
	a.reads.Flush()
	r = a.send(t, http.MethodGet, "/api/v1/audit?limit=100", nil, "Authorization", "Bearer "+a.tokens[auth.Admin])
	var page struct {
		Entries []geodata.AuditEntry `json:"entries"`
	}
	if err := json.Unmarshal(r.Body.Bytes(), &page); err != nil {
		t.Fatal(err)
	}
	actors := map[string]int{}
	for _, e := range page.Entries {
		if e.Action == "pack" {
			if e.Layer != "incidents" {
				t.Errorf("a pack of public layer %q was audited", e.Layer)
			}
			actors[e.Actor] += e.Count
		}
	}
	if len(actors) != 2 || !strings.Contains(strings.Join(mapsKeys(actors), " "), "partner") {
		t.Errorf("pack audit entries by %v, want one partner and one staff caller", actors)
	}
}

func TestPackRefusesBadParameters(t *testing.T) {
	a := newPrivacyApp(t)
	staff := "Bearer " + a.tokens[auth.Staff]
	for _, c := range []struct{ query, param string }{
		{"bbox=170,-10,-170,10", "bbox"},
		{"bbox=10,30,20", "bbox"},
		{"bbox=10,30,20,38&layers=nope", "layers"},
		{"layers=,", "layers"},
		{"layers=" + strings.Repeat("incidents%2Cx", 60), "layers"},
		{"bbox=10,30,20,38&layers=<script>", "layers"},
	} {
		r := a.send(t, http.MethodGet, "/api/v1/packs?"+c.query, nil, "Authorization", staff)
		if r.Code != http.StatusBadRequest || !strings.Contains(r.Body.String(), c.param) {
			t.Errorf("%s: %d %s", c.query, r.Code, r.Body)
		}
		if strings.Contains(r.Body.String(), "<script>") {
			t.Errorf("%s: the answer echoes markup: %s", c.query, r.Body)
		}
	}
	// A chosen layer list holds those layers only.
	r := a.send(t, http.MethodGet, "/api/v1/packs?bbox=10,30,20,38&layers=routes", nil, "Authorization", staff)
	if r.Code != http.StatusOK {
		t.Fatalf("%d %s", r.Code, r.Body)
	}
	files := packFiles(t, r.Body.Bytes())
	if !regexp.MustCompile(`"id": "routes"`).Match(files["manifest.json"]) || bytes.Contains(files["manifest.json"], []byte(`"id": "incidents"`)) {
		t.Errorf("manifest of a routes-only pack: %s", files["manifest.json"])
	}
}

func mapsKeys(m map[string]int) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}
