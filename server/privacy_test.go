package server

import (
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/routerisk/routerisk/geodata"
	"github.com/routerisk/routerisk/server/auth"
)

// privacyIncidents is a restricted incident layer: six incidents within a
// few kilometres of each other (one public cell, at least K), three
// elsewhere (a cell under K), one alone. Every coordinate has six
// decimals, so an exact position is recognisable in any response.
func privacyIncidents() string {
	var feats []string
	add := func(id string, lon, lat float64, date, location string, dead int) {
		feats = append(feats, fmt.Sprintf(`{"type":"Feature","id":%q,"geometry":{"type":"Point","coordinates":[%.6f,%.6f]},
			"properties":{"date":%q,"dead":%d,"missing":1,"cause":"Drowning","location":%q,"route":"Central Mediterranean","source":"Witness W"}}`,
			id, lon, lat, date, dead, location))
	}
	for i := range 6 {
		add(fmt.Sprintf("secret-a%d", i), 12.611111+float64(i)*0.003137, 35.511111+float64(i)*0.002713, fmt.Sprintf("2023-04-%02d", 3+i), "Boat near Lampedusa harbour", 2)
	}
	for i := range 3 {
		add(fmt.Sprintf("secret-b%d", i), 20.113331+float64(i)*0.001917, 39.013331, "2022-11-17", "Beach at Kolymbari", 1)
	}
	add("secret-c0", -5.313337, 35.891113, "2021-06-30", "Fence near Ceuta", 1)
	return `{"type":"FeatureCollection","features":[` + strings.Join(feats, ",") + `]}`
}

const privacyRoute = `{"type":"FeatureCollection","features":[
{"type":"Feature","id":"r1","geometry":{"type":"LineString","coordinates":[[11.5,34.5],[12.6,35.5],[13.5,36.5]]},"properties":{"name":"Central Mediterranean","mode":"sea"}}]}`

// exactTraces are strings that only a response exposing the restricted
// incidents exactly could hold: coordinates to six (or four) decimals,
// ids, dates to the day, free text.
var exactTraces = regexp.MustCompile(`12\.6111|35\.5111|20\.1133|39\.0133|-5\.3133|35\.8911|secret-|2023-04-0[3-8]|2022-11-17|2021-06-30|Lampedusa harbour|Kolymbari|Ceuta|Witness W`)

func newPrivacyApp(t *testing.T) *writeApp {
	t.Helper()
	a := newWriteApp(t, UploadOptions{})
	incidents := []string{"id", "incidents", "kind", "incident", "title", "Incidents", "sensitivity", "restricted", "source", "test", "license", "none"}
	if r := a.upload(t, http.MethodPost, "/api/v1/layers", auth.Editor, "i.geojson", []byte(privacyIncidents()), incidents...); r.Code != 201 {
		t.Fatalf("incidents: %d %s", r.Code, r.Body)
	}
	routes := []string{"id", "routes", "kind", "route", "title", "Routes", "sensitivity", "public", "source", "test", "license", "none"}
	if r := a.upload(t, http.MethodPost, "/api/v1/layers", auth.Editor, "r.geojson", []byte(privacyRoute), routes...); r.Code != 201 {
		t.Fatalf("routes: %d %s", r.Code, r.Body)
	}
	return a
}

// publicPaths are every read of the restricted layer an anonymous caller can make.
var publicPaths = []string{
	"/api/v1/layers/incidents/features",
	"/api/v1/layers/incidents/features?bbox=12.6,35.5,12.62,35.52",
	"/api/v1/layers/incidents/features?zoom=12",
	"/api/v1/layers/incidents/features?resolution=7&datetime=2023-04-04/2023-04-05",
	"/api/v1/layers/incidents/features?cause=Drowning&route=Central+Mediterranean",
	"/api/v1/layers/incidents/features/secret-a0",
	"/api/v1/layers/incidents/values?property=route",
	"/api/v1/layers/incidents/values?property=location",
	"/api/v1/layers/incidents/values?property=route&datetime=2023-04-04/2023-04-05&cause=Drowning",
	"/api/v1/layers/incidents/months",
	"/api/v1/layers/incidents/months?datetime=2023-04-04/2023-04-05&route=Central+Mediterranean",
	"/api/v1/layers/incidents/download",
	"/api/v1/layers/incidents/download?format=csv",
	"/api/v1/layers/incidents/download?format=csv&hxl=1",
	"/api/v1/layers/incidents/download?format=gpkg",
	"/api/v1/hotspots?resolution=7",
	"/api/v1/hotspots",
	"/api/v1/risk/segments",
	"/api/v1/risk/priorities",
	"/api/v1/risk/priorities?format=csv",
	"/api/v1/risk/priorities?format=csv&hxl=0",
	"/api/v1/risk/routes?year=2023&format=csv&hxl=1",
	"/api/v1/risk/backtest?format=csv&hxl=1",
	"/ogc/collections/incidents/items",
	"/ogc/collections/incidents/items?f=html",
	"/ogc/collections/incidents/items/secret-a0",
	"/ogc/collections/risk-segments/items",
	"/api/v1/layers/risk-segments/features",
}

// TestPublicTierNeverExposesRestrictedIncidents reads the restricted layer
// through every public path, and every segment's explanation, and finds
// no exact position, id, day or free text of an incident in any answer.
func TestPublicTierNeverExposesRestrictedIncidents(t *testing.T) {
	a := newPrivacyApp(t)
	paths := append([]string{}, publicPaths...)
	var segs struct {
		Features []struct{ ID string } `json:"features"`
	}
	r := do(t, a.e, http.MethodGet, "/api/v1/risk/segments")
	if err := json.Unmarshal(r.body(t), &segs); err != nil || len(segs.Features) == 0 {
		t.Fatalf("risk segments: %d %s", r.Code, r.body(t))
	}
	for _, s := range segs.Features {
		paths = append(paths, "/api/v1/risk/segments/"+s.ID)
	}
	for _, p := range paths {
		r := do(t, a.e, http.MethodGet, p)
		if r.Code >= 500 {
			t.Errorf("%s: %d", p, r.Code)
		}
		body := string(r.body(t))
		if m := exactTraces.FindString(body); m != "" {
			t.Errorf("%s (%d) exposes %q:\n%.600s", p, r.Code, m, body)
		}
		if tier := r.Header().Get("X-Privacy-Tier"); tier != "public" {
			t.Errorf("%s: X-Privacy-Tier %q", p, tier)
		}
	}
}

func TestPublicTierCells(t *testing.T) {
	a := newPrivacyApp(t)
	c := do(t, a.e, http.MethodGet, "/api/v1/layers/incidents/features").collection(t)
	if c.NumberMatched != 1 || len(c.Features) != 1 {
		t.Fatalf("public cells: %+v; want the one cell with at least 5 incidents", c)
	}
	cell := c.Features[0]
	if cell.Geometry["type"] != "Polygon" || cell.Properties["incidents"] != 5.0 || cell.Properties["dead"] != 10.0 || // 6 and 12, in multiples of 5

		cell.Properties["first_month"] != "2023-04" || cell.Properties["resolution"] != 3.0 {
		t.Fatalf("cell %+v", cell)
	}
	// A box that cuts the cell still counts it whole: no box can isolate
	// part of a cell's incidents.
	small := do(t, a.e, http.MethodGet, "/api/v1/layers/incidents/features?bbox=12.6,35.5,12.6001,35.5001").collection(t)
	if len(small.Features) != 1 || small.Features[0].Properties["incidents"] != 5.0 {
		t.Fatalf("a small box: %+v", small)
	}
	// Resolutions finer than the public maximum are coarsened.
	fine := do(t, a.e, http.MethodGet, "/api/v1/layers/incidents/features?resolution=7").collection(t)
	if len(fine.Features) != 1 || fine.Features[0].Properties["resolution"] != 5.0 {
		t.Fatalf("resolution 7 at the public tier: %+v", fine)
	}
	// A day-sized time window is widened to its month.
	day := do(t, a.e, http.MethodGet, "/api/v1/layers/incidents/features?datetime=2023-04-04/2023-04-04").collection(t)
	if len(day.Features) != 1 || day.Features[0].Properties["incidents"] != 5.0 {
		t.Fatalf("one day: %+v", day)
	}
	for _, p := range []string{"/api/v1/layers/incidents/features?location=Ceuta", "/api/v1/layers/incidents/features/secret-a0",
		"/api/v1/layers/incidents/values?property=location"} {
		if r := do(t, a.e, http.MethodGet, p); r.Code != http.StatusForbidden {
			t.Errorf("%s: %d, want 403", p, r.Code)
		}
	}
	var vals struct {
		Values []struct {
			Value string
			Count int
		}
	}
	json.Unmarshal(do(t, a.e, http.MethodGet, "/api/v1/layers/incidents/values?property=route").body(t), &vals)
	if len(vals.Values) != 1 || vals.Values[0].Count != 10 {
		t.Fatalf("route values %+v", vals)
	}
	// Tiers never share a cached answer or an ETag.
	anon := do(t, a.e, http.MethodGet, "/api/v1/layers/incidents/features")
	staff := do(t, a.e, http.MethodGet, "/api/v1/layers/incidents/features", "Authorization", "Bearer "+a.tokens[auth.Staff])
	if anon.Header().Get("ETag") == staff.Header().Get("ETag") || staff.Header().Get("X-Privacy-Tier") != "staff" {
		t.Fatalf("ETags %q / %q, tier %q", anon.Header().Get("ETag"), staff.Header().Get("ETag"), staff.Header().Get("X-Privacy-Tier"))
	}
	if !strings.Contains(anon.Header().Get("Vary"), "Authorization") {
		t.Errorf("Vary %q", anon.Header().Get("Vary"))
	}
}

func TestPartnerAndStaffTiers(t *testing.T) {
	a := newPrivacyApp(t)
	partner := []string{"Authorization", "Bearer " + a.tokens[auth.Partner]}
	r := do(t, a.e, http.MethodGet, "/api/v1/layers/incidents/features", partner...)
	c := r.collection(t)
	if r.Header().Get("X-Privacy-Tier") != "partner" || c.NumberMatched != 10 {
		t.Fatalf("partner: %s %+v", r.Header().Get("X-Privacy-Tier"), c.NumberMatched)
	}
	for _, f := range c.Features {
		coords := f.Geometry["coordinates"].([]any)
		for _, v := range coords {
			x := v.(float64)
			if math.Abs(x*10-math.Round(x*10)) > 1e-9 {
				t.Fatalf("partner coordinate %v is finer than 0.1°", x)
			}
		}
		for _, free := range []string{"location", "source", "cause"} {
			if _, ok := f.Properties[free]; ok {
				t.Fatalf("partner sees the free-text field %s: %v", free, f.Properties)
			}
		}
		if f.Properties["date"] == nil || f.Properties["cause_category"] == nil {
			t.Fatalf("partner lost the dates or categories: %v", f.Properties)
		}
	}
	// The box is matched on the rounded positions: a box around an exact
	// position that misses its rounded one finds nothing.
	if c := do(t, a.e, http.MethodGet, "/api/v1/layers/incidents/features?bbox=-5.3134,35.8911,-5.3133,35.8912", partner...).collection(t); c.NumberMatched != 0 {
		t.Fatalf("a box around an exact position found %d features for a partner", c.NumberMatched)
	}
	// Pages of a partner's box, rounded one page at a time, are the
	// whole answer in order, and count what the whole answer counts.
	const box = "bbox=-6,35,13,36"
	whole := do(t, a.e, http.MethodGet, "/api/v1/layers/incidents/features?"+box, partner...).collection(t)
	var paged []string
	for offset := 0; offset < 12; offset += 3 {
		pg := do(t, a.e, http.MethodGet, fmt.Sprintf("/api/v1/layers/incidents/features?%s&limit=3&offset=%d", box, offset), partner...).collection(t)
		if pg.NumberMatched != whole.NumberMatched {
			t.Fatalf("page at %d matched %d, the whole answer %d", offset, pg.NumberMatched, whole.NumberMatched)
		}
		for _, f := range pg.Features {
			paged = append(paged, fmt.Sprint(f.ID, f.Geometry["coordinates"], f.Properties["date"]))
		}
	}
	var all []string
	for _, f := range whole.Features {
		all = append(all, fmt.Sprint(f.ID, f.Geometry["coordinates"], f.Properties["date"]))
	}
	if whole.NumberMatched < 4 || strings.Join(paged, "\n") != strings.Join(all, "\n") {
		t.Fatalf("partner pages:\n%s\nthe whole answer (%d matched):\n%s", strings.Join(paged, "\n"), whole.NumberMatched, strings.Join(all, "\n"))
	}
	if r := do(t, a.e, http.MethodGet, "/api/v1/layers/incidents/features?location=Ceuta", partner...); r.Code != http.StatusForbidden {
		t.Fatalf("partner filtering on free text: %d", r.Code)
	}
	one := do(t, a.e, http.MethodGet, "/api/v1/layers/incidents/features/secret-c0", partner...)
	if one.Code != 200 || !strings.Contains(string(one.body(t)), "[-5.3,35.9]") {
		t.Fatalf("partner single feature: %d %s", one.Code, one.body(t))
	}

	staff := []string{"Authorization", "Bearer " + a.tokens[auth.Staff]}
	one = do(t, a.e, http.MethodGet, "/api/v1/layers/incidents/features/secret-c0", staff...)
	if one.Code != 200 || !strings.Contains(string(one.body(t)), "-5.313337") || !strings.Contains(string(one.body(t)), "Fence near Ceuta") {
		t.Fatalf("staff single feature: %d %s", one.Code, one.body(t))
	}
	var ex struct {
		Incidents []struct {
			ID         string
			DistanceKm float64 `json:"distance_km"`
		}
	}
	segs := do(t, a.e, http.MethodGet, "/api/v1/risk/priorities?limit=1", partner...).collection(t)
	if len(segs.Features) == 0 {
		t.Fatal("no priority")
	}
	json.Unmarshal(do(t, a.e, http.MethodGet, "/api/v1/risk/segments/"+segs.Features[0].ID, partner...).body(t), &ex)
	for _, in := range ex.Incidents {
		if in.DistanceKm != math.Round(in.DistanceKm/10)*10 {
			t.Fatalf("partner explanation distance %v is finer than 10 km", in.DistanceKm)
		}
	}
	json.Unmarshal(do(t, a.e, http.MethodGet, "/api/v1/risk/segments/"+segs.Features[0].ID, staff...).body(t), &ex)
	if len(ex.Incidents) == 0 || !strings.HasPrefix(ex.Incidents[0].ID, "secret-") {
		t.Fatalf("staff explanation lists no incidents: %+v", ex)
	}
}

// TestStaffReadsAreAudited: staff reads and downloads of a restricted
// layer reach the audit log as one count per caller, layer and hour;
// reads below staff and of public layers are not counted.
func TestStaffReadsAreAudited(t *testing.T) {
	a := newPrivacyApp(t)
	staff := "Bearer " + a.tokens[auth.Staff]
	for range 3 {
		if r := a.send(t, http.MethodGet, "/api/v1/layers/incidents/features", nil, "Authorization", staff); r.Code != 200 {
			t.Fatalf("%d %s", r.Code, r.Body)
		}
	}
	a.send(t, http.MethodGet, "/ogc/collections/incidents/items?f=json", nil, "Authorization", staff)
	a.send(t, http.MethodGet, "/api/v1/layers/incidents/download", nil, "Authorization", staff)
	a.send(t, http.MethodGet, "/api/v1/layers/incidents/download?format=gpkg", nil, "Authorization", staff)
	a.send(t, http.MethodGet, "/api/v1/layers/routes/features", nil, "Authorization", staff)
	a.send(t, http.MethodGet, "/api/v1/layers/incidents/features", nil, "Authorization", "Bearer "+a.tokens[auth.Partner])
	a.reads.Flush()
	r := a.send(t, http.MethodGet, "/api/v1/audit?limit=100", nil, "Authorization", "Bearer "+a.tokens[auth.Admin])
	var page struct {
		Entries []geodata.AuditEntry `json:"entries"`
	}
	if err := json.Unmarshal(r.Body.Bytes(), &page); err != nil {
		t.Fatal(err)
	}
	counts := map[string]int{}
	for _, e := range page.Entries {
		if e.Action == "read" || e.Action == "download" {
			counts[e.Action+" "+e.Layer] += e.Count
			if !strings.Contains(e.Actor, "staff") {
				t.Errorf("counted a read by %q", e.Actor)
			}
		}
	}
	if counts["read incidents"] != 4 || counts["download incidents"] != 2 || counts["read routes"] != 0 {
		t.Errorf("audited reads %v, want 4 reads (3 API, 1 OGC) and 2 downloads (GeoJSON, GeoPackage) of incidents", counts)
	}
}
