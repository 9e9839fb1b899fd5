package reads

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"github.com/routerisk/routerisk/geodata"
	"github.com/routerisk/routerisk/server/answers"
	"github.com/routerisk/routerisk/server/cache"
	"github.com/routerisk/routerisk/server/store"
)

func inflate(t *testing.T, gz []byte) []byte {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(gz))
	if err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestFormatsTagTheLinksAndTimeStampIsAdded(t *testing.T) {
	cat := openTestCatalog(t, cache.NewLRU(1<<20))
	res, err := cat.Features(context.Background(), FeaturesRequest{
		Layer: "services", Params: url.Values{"limit": {"10"}, "offset": {"10"}}, Path: "/ogc/collections/services/items",
		LinkBase: "http://h", TimeStamp: true,
		Formats: []LinkFormat{{Type: "application/geo+json", Query: "f=json"}, {Type: "text/html", Query: "f=html"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	raw := inflate(t, res.Gzip)
	if !bytes.HasPrefix(raw, []byte(`{"type":"FeatureCollection","timeStamp":"`)) {
		t.Fatalf("page starts %.80s", raw)
	}
	var page struct {
		TimeStamp string
		Links     []struct{ Rel, Type, Href string }
	}
	if err := json.Unmarshal(raw, &page); err != nil {
		t.Fatal(err)
	}
	if ts, err := time.Parse(time.RFC3339, page.TimeStamp); err != nil || time.Since(ts) > time.Minute {
		t.Errorf("timeStamp %q", page.TimeStamp)
	}
	var got []string
	for _, l := range page.Links {
		got = append(got, l.Rel+" "+l.Type+" "+l.Href)
	}
	want := []string{
		"self application/geo+json http://h/ogc/collections/services/items?limit=10&offset=10&f=json",
		"alternate text/html http://h/ogc/collections/services/items?limit=10&offset=10&f=html",
		"next application/geo+json http://h/ogc/collections/services/items?limit=10&offset=20&f=json",
		"prev application/geo+json http://h/ogc/collections/services/items?limit=10&f=json",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("links:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestParseRenderAndTheirKeys(t *testing.T) {
	cat := openTestCatalog(t, cache.NewLRU(1<<20))
	ctx := context.Background()
	parsed := 0
	parse := func(v url.Values, m geodata.Meta) (geodata.Query, error) {
		parsed++
		if m.ID != "services" {
			t.Errorf("Parse got the metadata of %s", m.ID)
		}
		v = url.Values{"limit": v["size"]}
		return geodata.ParseQuery(v, m)
	}
	req := FeaturesRequest{Layer: "services", Params: url.Values{"size": {"3"}}, Path: "/other", Parse: parse}
	res, err := cat.Features(ctx, req)
	if err != nil || parsed != 1 {
		t.Fatalf("err %v, parsed %d times", err, parsed)
	}
	if !bytes.Contains(inflate(t, res.Gzip), []byte(`"numberReturned":3`)) {
		t.Errorf("Parse was not used: %.100s", inflate(t, res.Gzip))
	}
	plain, _ := cat.Features(ctx, FeaturesRequest{Layer: "services", Params: url.Values{"limit": {"3"}}})
	if plain.ETag == res.ETag {
		t.Error("a request read by Parse shares its key with the JSON API")
	}

	req.Render = func(page []byte) ([]byte, error) { return append([]byte("<rendered>"), page[:10]...), nil }
	req.RenderAs = "html"
	html, err := cat.Features(ctx, req)
	if err != nil || html.Cache != answers.CacheMiss || html.ETag == res.ETag || string(inflate(t, html.Gzip)) != `<rendered>{"type":"F` {
		t.Fatalf("rendered: err %v, cache %s, etag %s (plain %s), body %q", err, html.Cache, html.ETag, res.ETag, inflate(t, html.Gzip))
	}
	if again, _ := cat.Features(ctx, req); again.Cache != answers.CacheHit {
		t.Errorf("the rendered page was not cached: %s", again.Cache)
	}
	req.Render = func([]byte) ([]byte, error) { return nil, errors.New("broken template") }
	req.RenderAs = "broken"
	if _, err := cat.Features(ctx, req); err == nil || !strings.Contains(err.Error(), "broken template") {
		t.Errorf("a failing Render gave %v", err)
	}
}

func TestTimeRange(t *testing.T) {
	st, err := store.OpenFiles(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	feature := func(date any) *geojson.Feature {
		f := geojson.NewFeature(orb.Point{1, 2})
		f.Properties = geojson.Properties{"date": date}
		return f
	}
	l := &geodata.Layer{Meta: geodata.Meta{ID: "incidents", Kind: geodata.KindIncident, Title: "Incidents", Sensitivity: geodata.Public, TimeProperty: "date"},
		Features: []*geojson.Feature{feature("2019-03-01"), feature(nil), feature("2014-12"), feature("not a date"), feature("2025-09-08")}}
	if _, err := st.Publish(ctx, l, geodata.Report{}, geodata.AuditEntry{Actor: "test"}); err != nil {
		t.Fatal(err)
	}
	undated := &geodata.Layer{Meta: geodata.Meta{ID: "routes", Kind: geodata.KindRoute, Title: "Routes", Sensitivity: geodata.Public},
		Features: []*geojson.Feature{feature("2019-03-01")}}
	if _, err := st.Publish(ctx, undated, geodata.Report{}, geodata.AuditEntry{Actor: "test"}); err != nil {
		t.Fatal(err)
	}
	cat := newTestCatalog(st, cache.NewLRU(1<<20))
	if err := cat.Load(ctx); err != nil {
		t.Fatal(err)
	}
	iv, ok, err := cat.TimeRange("incidents")
	if err != nil || !ok || iv.Start.Format(time.DateOnly) != "2014-12-01" || iv.End.Format(time.DateOnly) != "2025-09-08" {
		t.Errorf("incidents: %v %v %v", iv, ok, err)
	}
	if _, ok, err := cat.TimeRange("routes"); ok || err != nil {
		t.Errorf("a layer without a time property has a time range (err %v)", err)
	}
	if _, _, err := cat.TimeRange("nope"); geodata.ErrorCode(err) != geodata.NotFound {
		t.Errorf("unknown layer: %v", err)
	}
}
