package attacks

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/routerisk/routerisk/geodata"
	"github.com/routerisk/routerisk/geodata/formats"
	"github.com/routerisk/routerisk/geodata/sample"
	"github.com/routerisk/routerisk/internal/teststore"
	"github.com/routerisk/routerisk/server"
	"github.com/routerisk/routerisk/server/auth"
	"github.com/routerisk/routerisk/server/cache"
	"github.com/routerisk/routerisk/server/usecases"
)

// target is a server on the bundled layers, with a partner token.
type target struct {
	url     string
	partner string
}

var (
	once   sync.Once
	shared target
	setup  error
)

// serve starts one server on the bundled layers for every attack.
func serve(t *testing.T) target {
	t.Helper()
	once.Do(func() { shared, setup = start() })
	if setup != nil {
		t.Fatal(setup)
	}
	return shared
}

func start() (target, error) {
	dir, err := mkdirTemp()
	if err != nil {
		return target{}, err
	}
	st := teststore.Open(nopT{}, dir)
	ctx := context.Background()
	bundled, err := sample.Layers()
	if err != nil {
		return target{}, err
	}
	for _, b := range bundled {
		zr, err := gzip.NewReader(bytes.NewReader(b.GeoJSONGzip))
		if err != nil {
			return target{}, err
		}
		feats, _, err := formats.DecodeGeoJSON(zr)
		if err != nil {
			return target{}, err
		}
		if _, err := st.Publish(ctx, &geodata.Layer{Meta: b.Meta, Features: feats}, b.Report, geodata.AuditEntry{Actor: "attacks"}); err != nil {
			return target{}, err
		}
	}
	uc := usecases.New(st, cache.NewLRU(256<<20), usecases.Options{})
	if err := uc.Library.Load(ctx); err != nil {
		return target{}, err
	}
	tokens := teststore.Tokens(nopT{}, dir)
	partner, _, err := tokens.Create("attacks", auth.Partner)
	if err != nil {
		return target{}, err
	}
	srv := httptest.NewServer(server.New(server.Options{UseCases: uc, Tokens: tokens}))
	return target{url: srv.URL, partner: partner}, nil
}

// get fetches path as an anonymous caller (or with the bearer token),
// returning the status, the ETag and the body.
func (tg target) get(t *testing.T, path, token string) (int, string, []byte) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, tg.url+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res.StatusCode, res.Header.Get("ETag"), body
}

type collection struct {
	Features []struct {
		Geometry   json.RawMessage `json:"geometry"`
		Properties map[string]any  `json:"properties"`
	} `json:"features"`
}

func (tg target) collection(t *testing.T, path, token string) collection {
	t.Helper()
	code, _, body := tg.get(t, path, token)
	if code != http.StatusOK {
		t.Fatalf("%s: %d %s", path, code, body)
	}
	var c collection
	if err := json.Unmarshal(body, &c); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return c
}

// smallCount reports a count from 1 to 4 among the properties named.
func smallCount(props map[string]any, names ...string) (string, bool) {
	for _, n := range names {
		if v, ok := props[n].(float64); ok && v > 0 && v < 5 {
			return fmt.Sprintf("%s=%v", n, v), true
		}
	}
	return "", false
}

// oneSignificant reports whether v has at most one significant figure.
func oneSignificant(v float64) bool {
	if v == 0 {
		return true
	}
	scale := math.Pow(10, math.Floor(math.Log10(math.Abs(v))))
	q := v / scale
	return math.Abs(q-math.Round(q)) < 1e-9
}

// TestTriangulationFromFineSegments: 1 km segments and a 1 km radius
// placed one incident 120 m from its position. At the public tier the
// parameters are refused, and the default answer shows no count of 1–4
// and no risk value finer than one significant figure, so no kernel
// weight can be inverted into a distance.
func TestTriangulationFromFineSegments(t *testing.T) {
	tg := serve(t)
	for _, q := range []string{"segment_km=1&radius_km=1", "radius_km=20&half_life_days=36500", "segment_km=1"} {
		if code, _, body := tg.get(t, "/api/v1/risk/segments?"+q, ""); code != http.StatusForbidden {
			t.Errorf("%s: %d, want 403: %.300s", q, code, body)
		}
	}
	segs := tg.collection(t, "/api/v1/risk/segments", "")
	if len(segs.Features) < 1000 {
		t.Fatalf("%d segments", len(segs.Features))
	}
	for _, f := range segs.Features {
		if what, small := smallCount(f.Properties, "incidents", "dead", "missing"); small {
			t.Fatalf("segment %v shows %s", f.Properties["id"], what)
		}
		for _, k := range []string{"risk", "priority"} {
			if v, ok := f.Properties[k].(float64); ok && !oneSignificant(v) {
				t.Fatalf("segment %v: %s %v has more than one significant figure", f.Properties["id"], k, v)
			}
		}
		if d, ok := f.Properties["last_incident"].(string); ok && len(d) != len("2006-01") {
			t.Fatalf("segment %v: last incident %q is finer than a month", f.Properties["id"], d)
		}
	}
	// The explanation of a segment lists no incident and no small tally.
	id := url.PathEscape(fmt.Sprint(segs.Features[0].Properties["id"]))
	code, _, body := tg.get(t, "/api/v1/risk/segments/"+id, "")
	if code != http.StatusOK {
		t.Fatalf("explanation: %d %s", code, body)
	}
	var ex struct {
		Incidents []any            `json:"incidents"`
		Total     any              `json:"incidents_total"`
		PerYear   []map[string]any `json:"per_year"`
	}
	if err := json.Unmarshal(body, &ex); err != nil {
		t.Fatal(err)
	}
	if len(ex.Incidents) != 0 {
		t.Errorf("the public explanation lists %d incidents", len(ex.Incidents))
	}
	if v, ok := ex.Total.(float64); ok && v > 0 && v < 5 {
		t.Errorf("incidents_total %v", v)
	}
	for _, y := range ex.PerYear {
		if what, small := smallCount(y, "incidents", "dead", "missing"); small {
			t.Errorf("year %v shows %s", y["year"], what)
		}
	}
}

// TestPrioritiesShowNoSmallCounts: the CSV listed 96 rows with 1–4
// incidents and their country.
func TestPrioritiesShowNoSmallCounts(t *testing.T) {
	tg := serve(t)
	code, _, body := tg.get(t, "/api/v1/risk/priorities?format=csv&limit=500", "")
	if code != http.StatusOK {
		t.Fatalf("%d %s", code, body)
	}
	rows, err := csv.NewReader(bytes.NewReader(body)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	col := map[string]int{}
	for i, h := range rows[0] {
		col[h] = i
	}
	suppressed := 0
	for _, r := range rows[1:] {
		for _, name := range []string{"incidents", "dead", "missing"} {
			cell := r[col[name]]
			if cell == "<5" {
				suppressed++
				continue
			}
			if n, err := strconv.ParseFloat(cell, 64); err == nil && (n > 0 && n < 5 || math.Mod(n, 5) != 0) {
				t.Fatalf("priority %s: %s = %s", r[col["id"]], name, cell)
			}
		}
	}
	t.Logf("%d priorities, %d counts shown as <5", len(rows)-1, suppressed)
}

// TestDayByDayDifferencing: per-day datetime values found one incident's
// day in 6 calls. At the public tier every day of a month gets the
// month's answer, byte for byte, on cells, hotspots and segments.
func TestDayByDayDifferencing(t *testing.T) {
	tg := serve(t)
	for _, base := range []string{
		"/api/v1/layers/incidents/features?",
		"/api/v1/hotspots?",
		"/api/v1/risk/segments?",
		"/api/v1/layers/incidents/months?",
		"/api/v1/layers/incidents/values?property=route&",
	} {
		_, month, _ := tg.get(t, base+"datetime=2023-04-01/2023-04-30", "")
		for _, day := range []string{"2023-04-03/2023-04-03", "2023-04-17/2023-04-18", "2023-04-30"} {
			code, etag, body := tg.get(t, base+"datetime="+day, "")
			if code != http.StatusOK {
				t.Fatalf("%s%s: %d %s", base, day, code, body)
			}
			if etag != month {
				t.Errorf("%sdatetime=%s answers apart from its month (ETag %s, month %s)", base, day, etag, month)
			}
		}
	}
}

// TestCauseDifferencing: subtracting the cells of one cause from all
// cells revealed cells of 1–4 incidents. Every public count is a multiple
// of 5 or suppressed, so every difference is too.
func TestCauseDifferencing(t *testing.T) {
	tg := serve(t)
	for _, path := range []string{
		"/api/v1/layers/incidents/features?limit=10000",
		"/api/v1/layers/incidents/features?limit=10000&cause=Drowning",
		"/api/v1/layers/incidents/features?limit=10000&cause=Violence",
		"/api/v1/hotspots?resolution=5",
		"/api/v1/hotspots?resolution=5&cause=Drowning",
	} {
		c := tg.collection(t, path, "")
		if len(c.Features) == 0 {
			t.Fatalf("%s: no cells", path)
		}
		for _, f := range c.Features {
			for _, k := range []string{"incidents", "dead", "missing"} {
				v, ok := f.Properties[k].(float64)
				if ok && math.Mod(v, 5) != 0 {
					t.Fatalf("%s: cell %v %s = %v, not a multiple of 5", path, f.Properties["cell"], k, v)
				}
			}
		}
	}
	// The monthly series: every month's count a multiple of 5 or withheld,
	// for all causes and for one.
	for _, path := range []string{
		"/api/v1/layers/incidents/months",
		"/api/v1/layers/incidents/months?cause=Drowning",
		"/api/v1/layers/incidents/months?cause=Violence&route=Central+Mediterranean",
	} {
		code, _, body := tg.get(t, path, "")
		if code != http.StatusOK {
			t.Fatalf("%s: %d %s", path, code, body)
		}
		var s struct {
			Months []map[string]any `json:"months"`
		}
		if err := json.Unmarshal(body, &s); err != nil || len(s.Months) == 0 {
			t.Fatalf("%s: %v %s", path, err, body)
		}
		for _, m := range s.Months {
			for _, k := range []string{"incidents", "dead", "missing"} {
				if v, ok := m[k].(float64); ok && math.Mod(v, 5) != 0 {
					t.Fatalf("%s: %v %s = %v, not a multiple of 5", path, m["month"], k, v)
				}
			}
		}
	}
	code, _, body := tg.get(t, "/api/v1/layers/incidents/values?property=cause", "")
	if code == http.StatusOK {
		var v struct {
			Values []struct{ Count int } `json:"values"`
		}
		if err := json.Unmarshal(body, &v); err != nil {
			t.Fatal(err)
		}
		for _, x := range v.Values {
			if x.Count%5 != 0 {
				t.Fatalf("value count %d", x.Count)
			}
		}
	}
}

// TestMetadataExtents: a restricted layer's bbox was exact (a one-point
// layer's bbox is the point) and its time extent exact to the day.
func TestMetadataExtents(t *testing.T) {
	tg := serve(t)
	_, _, body := tg.get(t, "/api/v1/layers/incidents", "")
	var m geodata.Meta
	if err := json.Unmarshal(body, &m); err != nil {
		t.Fatal(err)
	}
	for _, v := range m.BBox {
		if v != math.Trunc(v) {
			t.Fatalf("public bbox %v is finer than whole degrees", m.BBox)
		}
	}
	code, _, body := tg.get(t, "/ogc/collections/incidents?f=json", "")
	if code != http.StatusOK {
		t.Fatalf("%d %s", code, body)
	}
	var doc struct {
		Extent struct {
			Spatial  struct{ BBox [][]float64 }
			Temporal struct{ Interval [][]string }
		}
	}
	if err := json.Unmarshal(body, &doc); err != nil {
		t.Fatal(err)
	}
	for _, v := range doc.Extent.Spatial.BBox[0] {
		if v != math.Trunc(v) {
			t.Fatalf("OGC bbox %v", doc.Extent.Spatial.BBox)
		}
	}
	iv := doc.Extent.Temporal.Interval[0]
	if !strings.Contains(iv[0], "-01T00:00:00Z") || !strings.Contains(iv[1], "T23:59:59Z") {
		t.Errorf("OGC temporal extent %v is not whole months", iv)
	}
}

// TestPartnerPrecision: partners got hotspots at 2.5 km and kernel
// weights that inverted to distances within 10 m.
func TestPartnerPrecision(t *testing.T) {
	tg := serve(t)
	hot := tg.collection(t, "/api/v1/hotspots?resolution=7", tg.partner)
	for _, f := range hot.Features {
		if r, _ := f.Properties["resolution"].(float64); r > 5 {
			t.Fatalf("partner hotspot at resolution %v", r)
		}
	}
	pts := tg.collection(t, "/api/v1/layers/incidents/features?bbox=10,30,20,38&limit=500", tg.partner)
	for _, f := range pts.Features {
		var g struct{ Coordinates []float64 }
		if err := json.Unmarshal(f.Geometry, &g); err != nil {
			t.Fatal(err)
		}
		for _, c := range g.Coordinates {
			if math.Abs(c*10-math.Round(c*10)) > 1e-6 {
				t.Fatalf("partner position %v finer than 0.1°", g.Coordinates)
			}
		}
	}
	segs := tg.collection(t, "/api/v1/risk/priorities?limit=5", tg.partner)
	for _, f := range segs.Features {
		if v, ok := f.Properties["risk"].(float64); ok && !oneSignificant(v) {
			t.Fatalf("partner risk %v", v)
		}
		id := url.PathEscape(fmt.Sprint(f.Properties["id"]))
		_, _, body := tg.get(t, "/api/v1/risk/segments/"+id, tg.partner)
		var ex struct {
			Incidents []struct {
				DistanceKm float64 `json:"distance_km"`
				Weight     float64 `json:"weight"`
			} `json:"incidents"`
		}
		if err := json.Unmarshal(body, &ex); err != nil {
			t.Fatal(err)
		}
		for _, in := range ex.Incidents {
			if math.Mod(in.DistanceKm, 10) != 0 || !oneSignificant(in.Weight) {
				t.Fatalf("partner explanation: distance %v, weight %v", in.DistanceKm, in.Weight)
			}
		}
	}
}
