package server

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/labstack/echo/v4"
)

// TestAssetsAreSentCompressed: the dashboard's scripts go out gzip to a
// client that accepts it, plain to one that does not, and small files and
// images as they are.
func TestAssetsAreSentCompressed(t *testing.T) {
	script := []byte(strings.Repeat("console.log('routerisk');\n", 200))
	dist := fstest.MapFS{
		"index.html":        {Data: []byte("<!doctype html><title>RouteRisk</title>")},
		"assets/panel.js":   {Data: script},
		"assets/tiny.css":   {Data: []byte("body{}")},
		"assets/marker.png": {Data: bytes.Repeat([]byte{1}, 4096)},
	}
	e := echo.New()
	mountFrontend(e, dist)
	get := func(p, enc string) *httptest.ResponseRecorder {
		req := httptest.NewRequest(http.MethodGet, p, nil)
		if enc != "" {
			req.Header.Set("Accept-Encoding", enc)
		}
		rec := httptest.NewRecorder()
		e.ServeHTTP(rec, req)
		return rec
	}
	for _, tc := range []struct {
		path, enc string
		gzipped   bool
	}{
		{"/assets/panel.js", "gzip, deflate, br", true},
		{"/assets/panel.js", "", false},
		{"/assets/panel.js", "gzip;q=0", false},
		{"/assets/tiny.css", "gzip", false},
		{"/assets/marker.png", "gzip", false},
	} {
		rec := get(tc.path, tc.enc)
		if rec.Code != http.StatusOK {
			t.Fatalf("%s: %d", tc.path, rec.Code)
		}
		got := rec.Header().Get("Content-Encoding") == "gzip"
		if got != tc.gzipped {
			t.Errorf("%s with %q: gzip %v, want %v", tc.path, tc.enc, got, tc.gzipped)
		}
		if got {
			zr, err := gzip.NewReader(rec.Body)
			if err != nil {
				t.Fatal(err)
			}
			plain, _ := io.ReadAll(zr)
			if !bytes.Equal(plain, script) || !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/javascript") ||
				rec.Header().Get("Cache-Control") != "public, max-age=31536000, immutable" || !strings.Contains(rec.Header().Get("Vary"), "Accept-Encoding") {
				t.Errorf("%s: %d bytes unpacked, Content-Type %q, Cache-Control %q, Vary %q", tc.path, len(plain),
					rec.Header().Get("Content-Type"), rec.Header().Get("Cache-Control"), rec.Header().Get("Vary"))
			}
		}
	}
	if rec := get("/assets/missing.js", "gzip"); rec.Code != http.StatusNotFound {
		t.Errorf("a missing asset: %d", rec.Code)
	}
}
