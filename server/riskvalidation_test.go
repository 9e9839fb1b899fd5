package server

import (
	"encoding/json"
	"math"
	"net/http"
	"os"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
)

// vec is a unit vector on the sphere, for the independent distances.
type vec [3]float64

func toVec(p orb.Point) vec {
	lon, lat := p[0]*math.Pi/180, p[1]*math.Pi/180
	return vec{math.Cos(lat) * math.Cos(lon), math.Cos(lat) * math.Sin(lon), math.Sin(lat)}
}
func dot(a, b vec) float64 { return a[0]*b[0] + a[1]*b[1] + a[2]*b[2] }
func cross(a, b vec) vec {
	return vec{a[1]*b[2] - a[2]*b[1], a[2]*b[0] - a[0]*b[2], a[0]*b[1] - a[1]*b[0]}
}

// arcKm is the great-circle distance from p to the arc a–b (shorter way),
// on a sphere of 6371.0088 km.
func arcKm(p, a, b vec) float64 {
	const r = 6371.0088
	n := cross(a, b)
	if l := math.Sqrt(dot(n, n)); l > 1e-15 {
		n = vec{n[0] / l, n[1] / l, n[2] / l}
		if dot(cross(a, p), n) >= 0 && dot(cross(p, b), n) >= 0 {
			return math.Abs(math.Asin(math.Max(-1, math.Min(1, dot(p, n))))) * r
		}
	}
	return math.Min(math.Acos(math.Max(-1, math.Min(1, dot(p, a)))), math.Acos(math.Max(-1, math.Min(1, dot(p, b))))) * r
}

// averageRanks and pearson are written here again, not taken from package
// risk, so that the check is independent of the code it checks.
func averageRanks(v []float64) []float64 {
	idx := make([]int, len(v))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return v[idx[a]] < v[idx[b]] })
	out := make([]float64, len(v))
	for i := 0; i < len(idx); {
		j := i
		for j+1 < len(idx) && v[idx[j+1]] == v[idx[i]] {
			j++
		}
		for k := i; k <= j; k++ {
			out[idx[k]] = float64(i+j)/2 + 1
		}
		i = j + 1
	}
	return out
}

func pearson(x, y []float64) float64 {
	var mx, my float64
	for i := range x {
		mx += x[i]
		my += y[i]
	}
	mx, my = mx/float64(len(x)), my/float64(len(y))
	var sxy, sxx, syy float64
	for i := range x {
		sxy += (x[i] - mx) * (y[i] - my)
		sxx += (x[i] - mx) * (x[i] - mx)
		syy += (y[i] - my) * (y[i] - my)
	}
	return sxy / math.Sqrt(sxx*syy)
}

// TestBacktestAgreesWithIndependentRecomputation asks the backtest of the
// bundled layers at the 2022-01-01 split, then recomputes it from what the
// API serves: the segments as of 2021-12-31 (their risk and radius) and
// the incidents (staff tier, full precision), with distances, ranks and
// shares computed here.
func TestBacktestAgreesWithIndependentRecomputation(t *testing.T) {
	if testing.Short() && os.Getenv("CI") != "true" {
		t.Skip("runs four analyses of the bundled layers")
	}
	e := benchApp(t, noCache{})
	rec := do(t, e, http.MethodGet, "/api/v1/risk/backtest?split=2022-01-01")
	if rec.Code != http.StatusOK {
		t.Fatalf("backtest: %d %s", rec.Code, rec.body(t))
	}
	var bt struct {
		Split          string  `json:"split"`
		RadiusKm       float64 `json:"radius_km"`
		Segments       int     `json:"segments"`
		Spearman       float64 `json:"spearman"`
		TopDecileShare float64 `json:"top_decile_share"`
		Classes        []struct {
			Class    string `json:"class"`
			Segments int    `json:"segments"`
		} `json:"classes"`
		Baselines []struct {
			Name           string  `json:"name"`
			TopDecileShare float64 `json:"top_decile_share"`
		} `json:"baselines"`
	}
	if err := json.Unmarshal(rec.body(t), &bt); err != nil {
		t.Fatal(err)
	}
	rec = do(t, e, http.MethodGet, "/api/v1/risk/segments?reference_date=2021-12-31")
	if rec.Code != http.StatusOK {
		t.Fatalf("segments: %d %s", rec.Code, rec.body(t))
	}
	segs, err := geojson.UnmarshalFeatureCollection(rec.body(t))
	if err != nil {
		t.Fatal(err)
	}
	rec = do(t, e, http.MethodGet, "/api/v1/layers/incidents/download?format=geojson")
	if rec.Code != http.StatusOK {
		t.Fatalf("incidents: %d", rec.Code)
	}
	incs, err := geojson.UnmarshalFeatureCollection(rec.body(t))
	if err != nil {
		t.Fatal(err)
	}
	split := time.Date(2022, 1, 1, 0, 0, 0, 0, time.UTC)
	type later struct {
		p    vec
		pt   orb.Point
		toll float64
	}
	var after []later
	for _, f := range incs.Features {
		pt, ok := f.Geometry.(orb.Point)
		d, _ := f.Properties["date"].(string)
		day, err := time.Parse(time.DateOnly, d)
		if !ok || err != nil || day.Before(split) {
			continue
		}
		n := func(k string) float64 { v, _ := f.Properties[k].(float64); return v }
		after = append(after, later{toVec(pt), pt, n("dead") + n("missing")})
	}
	if len(after) < 1000 {
		t.Fatalf("only %d incidents from the split on", len(after))
	}
	risk := make([]float64, len(segs.Features))
	outcome := make([]float64, len(segs.Features))
	for i, f := range segs.Features {
		risk[i], _ = f.Properties["risk"].(float64)
		radius := bt.RadiusKm
		if r, ok := f.Properties["radius_km"].(float64); ok {
			radius = r
		}
		line := f.Geometry.(orb.LineString)
		b := line.Bound().Pad(radius/111*1.01 + 0.01)
		pad := radius / (111 * math.Max(0.05, math.Cos(math.Max(math.Abs(b.Min[1]), math.Abs(b.Max[1]))*math.Pi/180)))
		lonLo, lonHi := b.Min[0]-pad, b.Max[0]+pad
		for _, inc := range after {
			if inc.pt[1] < b.Min[1] || inc.pt[1] > b.Max[1] || inc.pt[0] < lonLo || inc.pt[0] > lonHi {
				continue
			}
			best := math.Inf(1)
			for j := 1; j < len(line); j++ {
				best = math.Min(best, arcKm(inc.p, toVec(line[j-1]), toVec(line[j])))
			}
			if best <= radius {
				outcome[i] += inc.toll
			}
		}
	}
	if len(segs.Features) != bt.Segments {
		t.Fatalf("backtest over %d segments, the segments as of 2021-12-31 are %d", bt.Segments, len(segs.Features))
	}
	spearman := pearson(averageRanks(risk), averageRanks(outcome))
	order := make([]int, len(risk))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return risk[order[a]] > risk[order[b]] })
	k := int(math.Ceil(0.1 * float64(len(risk))))
	var held, total float64
	for _, o := range outcome {
		total += o
	}
	for i := 0; i < k; {
		j := i
		var group float64
		for j < len(order) && risk[order[j]] == risk[order[i]] {
			group += outcome[order[j]]
			j++
		}
		held += group * math.Min(1, float64(k-i)/float64(j-i))
		i = j
	}
	share := held / total
	// Risk is served rounded, which may reorder segments whose risks
	// differ in the fifth decimal; both figures may differ by that much.
	if math.Abs(spearman-bt.Spearman) > 2e-3 {
		t.Errorf("spearman: backtest %.4f, recomputed %.4f", bt.Spearman, spearman)
	}
	if math.Abs(share-bt.TopDecileShare) > 2e-3 {
		t.Errorf("top_decile_share: backtest %.4f, recomputed %.4f", bt.TopDecileShare, share)
	}
	sum := 0
	for _, c := range bt.Classes {
		sum += c.Segments
	}
	if sum != bt.Segments || len(bt.Baselines) < 2 {
		t.Errorf("classes hold %d of %d segments; %d baselines", sum, bt.Segments, len(bt.Baselines))
	}
	t.Logf("split %s: %d segments, spearman %.3f (recomputed %.3f), top decile %.3f (recomputed %.3f); baselines %+v",
		bt.Split, bt.Segments, bt.Spearman, spearman, bt.TopDecileShare, share, bt.Baselines)
}

func TestBacktestRefusesBadParameters(t *testing.T) {
	e := newTestApp(t, noCache{})
	for _, q := range []string{"split=2022-13-01", "split=1990-01-01", "reference_date=2020-01-01", "datetime=2020-01-01/..", "split=2022-01-01&split=2023-01-01"} {
		rec := do(t, e, http.MethodGet, "/api/v1/risk/backtest?"+q)
		if rec.Code < 400 || rec.Code >= 500 {
			t.Errorf("%s: %d, want a 4xx", q, rec.Code)
		}
	}
}

// TestRoutesExposure: dead and missing per 1,000 crossings on the bundled
// data, 2023: the Central Mediterranean against Frontex detections is
// 2,527 / 158,026 × 1,000 ≈ 16.
func TestRoutesExposure(t *testing.T) {
	e := benchApp(t, noCache{})
	for _, anonymous := range []bool{false, true} {
		var headers []string
		if anonymous {
			headers = []string{"Authorization", ""}
		}
		rec := do(t, e, http.MethodGet, "/api/v1/risk/routes?year=2023", headers...)
		if rec.Code != http.StatusOK {
			t.Fatalf("routes: %d %s", rec.Code, rec.body(t))
		}
		var ans struct {
			Year   int `json:"year"`
			Routes []struct {
				Route           string   `json:"route"`
				Dead            *float64 `json:"dead"`
				Crossings       *float64 `json:"crossings"`
				CrossingsSource *struct {
					Name string `json:"name"`
				} `json:"crossings_source"`
				Per1000 *float64 `json:"per_1000"`
				Reason  string   `json:"reason"`
				Months  []any    `json:"months"`
			} `json:"routes"`
			Caveats []string `json:"caveats"`
		}
		if err := json.Unmarshal(rec.body(t), &ans); err != nil {
			t.Fatal(err)
		}
		if ans.Year != 2023 || len(ans.Caveats) == 0 {
			t.Errorf("year %d, %d caveats", ans.Year, len(ans.Caveats))
		}
		withDenominator := []string{"Central Mediterranean", "Western Mediterranean", "Eastern Mediterranean",
			"Western Africa / Atlantic route to the Canary Islands", "Western Balkans", "Darien", "English Channel to the UK", "Mainland Europe to the UK", "Belarus-EU border", "Eastern Route to/from EHOA"}
		found := 0
		for _, r := range ans.Routes {
			if len(r.Months) != 12 {
				t.Errorf("%s: %d months", r.Route, len(r.Months))
			}
			if slices.Contains(withDenominator, r.Route) {
				found++
				if r.Crossings == nil || r.CrossingsSource == nil || r.Per1000 == nil {
					t.Errorf("%s has a denominator but no rate: %+v", r.Route, r)
				}
			} else if r.Per1000 != nil || r.Reason == "" {
				t.Errorf("%s: per_1000 %v without a denominator, reason %q", r.Route, r.Per1000, r.Reason)
			}
			if r.Route == "Central Mediterranean" {
				if *r.Crossings != 158026 || math.Abs(*r.Per1000-2527.0/158026*1000) > 0.05 || !strings.Contains(r.CrossingsSource.Name, "Frontex") {
					t.Errorf("Central Mediterranean: crossings %v, per_1000 %v (want ≈ %.2f), source %q", *r.Crossings, *r.Per1000, 2527.0/158026*1000, r.CrossingsSource.Name)
				}
			}
		}
		if found != len(withDenominator) {
			t.Errorf("%d of the %d routes with a denominator answered", found, len(withDenominator))
		}
	}
	for _, q := range []string{"", "year=abc", "year=2023&year=2024", "year=2023&datetime=2023-01-01/2023-12-31", "datetime=2020-01-01/..", "colour=red"} {
		if rec := do(t, e, http.MethodGet, "/api/v1/risk/routes?"+q); rec.Code != http.StatusBadRequest {
			t.Errorf("%q: %d, want 400", q, rec.Code)
		}
	}
}

// TestRiskAnswersAreDated: segments and priorities carry reference_date
// (the last incident's date by default), data_through, every parameter and
// the caveats at the top level; the CSV carries them on every row.
func TestRiskAnswersAreDated(t *testing.T) {
	e := benchApp(t, noCache{})
	for _, path := range []string{"/api/v1/risk/segments", "/api/v1/risk/priorities"} {
		rec := do(t, e, http.MethodGet, path)
		if rec.Code != http.StatusOK {
			t.Fatalf("%s: %d %s", path, rec.Code, rec.body(t))
		}
		var top struct {
			Type          string         `json:"type"`
			ReferenceDate string         `json:"reference_date"`
			DataThrough   string         `json:"data_through"`
			Parameters    map[string]any `json:"parameters"`
			Caveats       []string       `json:"caveats"`
			Features      []any          `json:"features"`
		}
		if err := json.Unmarshal(rec.body(t), &top); err != nil {
			t.Fatal(err)
		}
		if top.Type != "FeatureCollection" || top.DataThrough == "" || top.ReferenceDate != top.DataThrough || len(top.Caveats) < 3 {
			t.Errorf("%s: type %q reference_date %q data_through %q, %d caveats", path, top.Type, top.ReferenceDate, top.DataThrough, len(top.Caveats))
		}
		for _, k := range []string{"radius_km", "half_life_days", "quality_floor", "severity_cap", "approx_radius_km", "reference_date"} {
			if _, ok := top.Parameters[k]; !ok {
				t.Errorf("%s: parameters lack %s", path, k)
			}
		}
	}
	rec := do(t, e, http.MethodGet, "/api/v1/risk/priorities?format=csv")
	head, _, _ := strings.Cut(string(rec.body(t)), "\n")
	for _, col := range []string{"reference_date", "data_through", "parameters", "caveats", "place"} {
		if !strings.Contains(head, col) {
			t.Errorf("CSV header %q lacks %s", head, col)
		}
	}
}
