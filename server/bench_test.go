package server

import (
	"bytes"
	"compress/gzip"
	"context"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/labstack/echo/v4"

	"github.com/routerisk/routerisk/geodata"
	"github.com/routerisk/routerisk/geodata/formats"
	"github.com/routerisk/routerisk/geodata/sample"
	"github.com/routerisk/routerisk/server/answers"
	"github.com/routerisk/routerisk/server/cache"
	"github.com/routerisk/routerisk/server/store"
	"github.com/routerisk/routerisk/server/usecases"
)

// benchApp serves the bundled layers (all ~17.8k incidents) with the given cache.
func benchApp(b testing.TB, c answers.Cache) *echo.Echo {
	b.Helper()
	bundled, err := sample.Layers()
	if err != nil {
		b.Fatal(err)
	}
	st, err := store.OpenFiles(b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	for _, bl := range bundled {
		zr, err := gzip.NewReader(bytes.NewReader(bl.GeoJSONGzip))
		if err != nil {
			b.Fatal(err)
		}
		feats, rep, err := formats.DecodeGeoJSON(zr)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := st.Publish(ctx, &geodata.Layer{Meta: bl.Meta, Features: feats}, rep, geodata.AuditEntry{Actor: "bench"}); err != nil {
			b.Fatal(err)
		}
	}
	uc := usecases.New(st, c, usecases.Options{})
	if err := uc.Library.Load(ctx); err != nil {
		b.Fatal(err)
	}
	return asStaff(b, Options{UseCases: uc})
}

func benchRequest(b *testing.B, e *echo.Echo, target string) {
	b.Helper()
	req := httptest.NewRequest(http.MethodGet, target, nil)
	req.Header.Set("Accept-Encoding", "gzip")
	rec := httptest.NewRecorder()
	e.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK {
		b.Fatalf("%s: %d %s", target, rec.Code, rec.Body)
	}
	b.SetBytes(int64(rec.Body.Len()))
	b.ReportAllocs()
	for b.Loop() {
		rec := httptest.NewRecorder()
		e.ServeHTTP(rec, req)
	}
}

// BenchmarkCachedBBoxRequest is a cache hit through the whole Echo stack:
// routing, middleware, cache lookup, bytes out.
func BenchmarkCachedBBoxRequest(b *testing.B) {
	e := benchApp(b, cache.NewLRU(256<<20))
	benchRequest(b, e, "/api/v1/layers/incidents/features?bbox=-20,20,40,50&limit=2500")
}

// BenchmarkUncachedBBoxRequest computes every time: index search, encoding, gzip.
func BenchmarkUncachedBBoxRequest(b *testing.B) {
	e := benchApp(b, noCache{})
	benchRequest(b, e, "/api/v1/layers/incidents/features?bbox=-20,20,40,50&limit=2500")
}

// BenchmarkEncodeAllIncidents encodes the full ~17.8k-feature collection
// with a property subset and rounding (no pre-encoded bytes to reuse).
func BenchmarkEncodeAllIncidents(b *testing.B) {
	e := benchApp(b, noCache{})
	benchRequest(b, e, "/api/v1/layers/incidents/features?limit=50000&properties=date,dead,missing,cause_category,route&precision=4")
}

// noCache never hits, so every request computes.
type noCache struct{}

func (noCache) Get(context.Context, string) ([]byte, bool, error) { return nil, false, nil }
func (noCache) Set(context.Context, string, []byte) error         { return nil }

// discardWriter is a ResponseWriter that keeps only the headers: the
// handler path without the cost of copying the body into a recorder.
type discardWriter struct{ h http.Header }

func (d *discardWriter) Header() http.Header         { return d.h }
func (d *discardWriter) Write(b []byte) (int, error) { return len(b), nil }
func (d *discardWriter) WriteHeader(int)             {}

// BenchmarkCachedBBoxHandler is BenchmarkCachedBBoxRequest without the
// body copy: routing, middleware, query handling and the cache lookup.
func BenchmarkCachedBBoxHandler(b *testing.B) {
	e := benchApp(b, cache.NewLRU(256<<20))
	req := httptest.NewRequest(http.MethodGet, "/api/v1/layers/incidents/features?bbox=-20,20,40,50&limit=2500", nil)
	req.Header.Set("Accept-Encoding", "gzip")
	e.ServeHTTP(httptest.NewRecorder(), req)
	b.ReportAllocs()
	for b.Loop() {
		e.ServeHTTP(&discardWriter{h: http.Header{}}, req)
	}
}

// BenchmarkUncachedRisk computes a route-risk answer every time: the
// analysis, then the zoom-3 overview the dashboard asks first, or every
// segment with its properties as a staff caller past the zoom bands asks
// it; encoding and gzip.
func BenchmarkUncachedRisk(b *testing.B) {
	e := benchApp(b, noCache{})
	for _, bc := range []struct{ name, target string }{
		{"overview", "/api/v1/risk/segments?zoom=3"},
		{"segments", "/api/v1/risk/segments"},
	} {
		b.Run(bc.name, func(b *testing.B) { benchRequest(b, e, bc.target) })
	}
}
