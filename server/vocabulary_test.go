package server

import (
	"encoding/json"
	"net/http"
	"slices"
	"testing"

	"github.com/routerisk/routerisk/geodata/risk"
	"github.com/routerisk/routerisk/geodata/vocab"
	"github.com/routerisk/routerisk/server/cache"
)

func TestVocabularyIsServedAndCached(t *testing.T) {
	e := newTestApp(t, cache.NewLRU(1<<20))
	res := do(t, e, http.MethodGet, "/api/v1/vocabulary", "Authorization", "")
	if res.Code != http.StatusOK {
		t.Fatalf("status %d: %s", res.Code, res.Body)
	}
	var v vocab.Vocabulary
	if err := json.Unmarshal(res.body(t), &v); err != nil {
		t.Fatal(err)
	}
	var stale struct {
		StaleYears int `json:"stale_years"`
	}
	if err := json.Unmarshal(res.body(t), &stale); err != nil || stale.StaleYears != risk.DefaultStaleYears {
		t.Errorf("stale_years %d (%v), want %d", stale.StaleYears, err, risk.DefaultStaleYears)
	}
	var classes []string
	for _, c := range v.RiskClasses {
		classes = append(classes, c.Class)
	}
	if !slices.Equal(classes, []string{"low", "medium", "high", "critical"}) || v.RiskClasses[3].From != vocab.CriticalFrom {
		t.Errorf("risk classes %+v", v.RiskClasses)
	}
	if len(v.Causes) != 7 || v.Causes[0].Category != "Drowning" || len(v.ServiceCategories) != 10 || len(v.Routes) != 30 {
		t.Errorf("causes %d, service categories %d, routes %d", len(v.Causes), len(v.ServiceCategories), len(v.Routes))
	}
	if v.Resolutions.PublicMax != 5 || v.MinPublicCount != 5 || len(v.Resolutions.ZoomSteps) == 0 {
		t.Errorf("resolutions %+v, min public count %d", v.Resolutions, v.MinPublicCount)
	}
	etag := res.Header().Get("ETag")
	if etag == "" || res.Header().Get("Cache-Control") == "" {
		t.Fatalf("no ETag or Cache-Control: %v", res.Header())
	}
	if again := do(t, e, http.MethodGet, "/api/v1/vocabulary", "If-None-Match", etag); again.Code != http.StatusNotModified {
		t.Errorf("conditional request: status %d, want 304", again.Code)
	}
}
