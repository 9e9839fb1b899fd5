package server

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/routerisk/routerisk/geodata"
	"github.com/routerisk/routerisk/geodata/formats"
	"github.com/routerisk/routerisk/internal/testredis"
	"github.com/routerisk/routerisk/internal/teststore"
	"github.com/routerisk/routerisk/server/answers"
	"github.com/routerisk/routerisk/server/cache"
	"github.com/routerisk/routerisk/server/publishing"
	"github.com/routerisk/routerisk/server/usecases"
)

// dashboardFirst are the requests the dashboard sends first, anonymous,
// as it writes them (the risk settings explicit, at their defaults).
var dashboardFirst = []string{
	"/api/v1/risk/segments?segment_km=10&radius_km=25&half_life_days=365&reach_km=50&zoom=3",
	"/api/v1/risk/priorities?segment_km=10&radius_km=25&half_life_days=365&reach_km=50&limit=20",
	"/api/v1/layers/incidents/features?properties=dead%2Cmissing&precision=4&limit=50000&zoom=2",
	"/api/v1/layers/routes/features?properties=name%2Capproximate&precision=4&limit=50000",
	"/api/v1/layers/routes/values?property=name",
	"/api/v1/layers/incidents/values?property=route",
	"/api/v1/layers/incidents/values?property=cause_category",
	"/api/v1/layers/incidents/months",
}

// TestWarmMakesTheDashboardsFirstRequestsHits: with the warmer running,
// /readyz turns warm, and then the dashboard's first requests, over
// HTTP, are all cache hits, with the in-process cache alone and with
// Redis behind it; warming is not counted as requests. A new version
// makes it cold until the new answers are in.
func TestWarmMakesTheDashboardsFirstRequestsHits(t *testing.T) {
	caches := []struct {
		name string
		make func(t *testing.T) answers.Cache
	}{
		{"in-process", func(t *testing.T) answers.Cache { return cache.NewLRU(64 << 20) }},
		{"redis", func(t *testing.T) answers.Cache {
			r, err := cache.NewRedis(cache.RedisOptions{URL: testredis.Start(t).URL(), Timeout: time.Second})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { r.Close() })
			return &cache.Tiered{Local: cache.NewLRU(64 << 20), Remote: r}
		}},
	}
	for _, tc := range caches {
		t.Run(tc.name, func(t *testing.T) {
			uc, st := warmUseCases(t, tc.make(t))
			w := NewWarmer(nil, nil)
			srv := httptest.NewServer(New(Options{UseCases: uc, Warmer: w}))
			defer srv.Close()
			if code, ready := readyz(t, srv.URL); code != 200 || ready["warm"] != false {
				t.Fatalf("/readyz before warming: %d %v", code, ready)
			}
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			go w.Run(ctx)
			waitWarm(t, srv.URL)
			for _, target := range dashboardFirst {
				if code, x := get(t, srv.URL+target); code != 200 || x != "HIT" {
					t.Errorf("%s after warming: %d, X-Cache %q", target, code, x)
				}
			}
			metrics := body(t, srv.URL+"/metrics")
			if want := fmt.Sprintf(`routerisk_cache_results_total{result="HIT"} %d`, len(dashboardFirst)); !strings.Contains(metrics, want) ||
				strings.Contains(metrics, `result="MISS"`) {
				t.Errorf("metrics count warming or miss the hits; want %s in\n%s", want, grepLines(metrics, "routerisk_cache_results_total"))
			}

			// A new version of the incidents: cold at once, warm again soon,
			// and the analysis over the new version is a hit.
			publishFixture(t, st, uc, "incidents")
			if _, ready := readyz(t, srv.URL); ready["warm"] != false {
				t.Errorf("/readyz right after a publish: %v", ready)
			}
			waitWarm(t, srv.URL)
			for _, target := range dashboardFirst[:3] {
				if code, x := get(t, srv.URL+target); code != 200 || x != "HIT" {
					t.Errorf("%s after the new version: %d, X-Cache %q", target, code, x)
				}
			}
		})
	}
}

// warmUseCases publishes the fixture incidents (restricted) and routes.
func warmUseCases(t *testing.T, c answers.Cache) (*usecases.Set, publishing.Store) {
	t.Helper()
	st := teststore.Open(t, t.TempDir())
	uc := usecases.New(st, c, usecases.Options{})
	for _, id := range []string{"incidents", "routes"} {
		publishFixture(t, st, nil, id)
	}
	if err := uc.Library.Load(context.Background()); err != nil {
		t.Fatal(err)
	}
	return uc, st
}

// publishFixture publishes testdata/<id>.geojson as a version of layer id,
// through the use case when uc is given (as the upload routes do).
func publishFixture(t *testing.T, st publishing.Store, uc *usecases.Set, id string) {
	t.Helper()
	f, err := os.Open("testdata/" + id + ".geojson")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	feats, rep, err := formats.DecodeGeoJSON(f)
	if err != nil {
		t.Fatal(err)
	}
	meta := map[string]geodata.Meta{
		"incidents": {ID: "incidents", Kind: geodata.KindIncident, Title: "Incidents", Sensitivity: geodata.Restricted, TimeProperty: "date"},
		"routes":    {ID: "routes", Kind: geodata.KindRoute, Title: "Routes", Sensitivity: geodata.Public},
	}[id]
	l := &geodata.Layer{Meta: meta, Features: feats}
	by := geodata.AuditEntry{Actor: "test"}
	if uc != nil {
		_, err = uc.Publishing.Publish(context.Background(), l, rep, by)
	} else {
		_, err = st.Publish(context.Background(), l, rep, by)
	}
	if err != nil {
		t.Fatal(err)
	}
}

func readyz(t *testing.T, base string) (int, map[string]any) {
	t.Helper()
	resp, err := http.Get(base + "/readyz")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, out
}

func waitWarm(t *testing.T, base string) {
	t.Helper()
	deadline := time.Now().Add(2 * time.Minute)
	for time.Now().Before(deadline) {
		if code, ready := readyz(t, base); ready["warm"] == true {
			if code != 200 {
				t.Fatalf("/readyz warm but %d", code)
			}
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatal("/readyz never said warm")
}

// get sends an anonymous GET accepting gzip, as a browser does, and
// returns the status and X-Cache.
func get(t *testing.T, url string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, url, nil)
	req.Header.Set("Accept-Encoding", "gzip")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, resp.Body)
	return resp.StatusCode, resp.Header.Get("X-Cache")
}

func body(t *testing.T, url string) string {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}

func grepLines(s, sub string) string {
	var out []string
	for l := range strings.SplitSeq(s, "\n") {
		if strings.Contains(l, sub) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}
