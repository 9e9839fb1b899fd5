// Package teststore opens the layer store the HTTP tests run on: the file
// store, or PostGIS when ROUTERISK_TEST_STORE=postgis, so one suite proves
// both backends (make test runs it twice).
package teststore

import (
	"context"
	"os"
	"testing"

	"github.com/routerisk/routerisk/internal/testpostgis"
	"github.com/routerisk/routerisk/server/publishing"
	"github.com/routerisk/routerisk/server/store"
)

// Backend names the store the tests run on: "files" or "postgis".
func Backend() string {
	if os.Getenv("ROUTERISK_TEST_STORE") == "postgis" {
		return "postgis"
	}
	return "files"
}

// Open returns an empty store for one test: files in dir, or a fresh
// PostGIS database (dropped when the test ends).
func Open(t testing.TB, dir string) publishing.Store {
	t.Helper()
	if Backend() == "postgis" {
		s, err := store.OpenPostGIS(context.Background(), testpostgis.NewDatabase(t, "rr_http"))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(s.Close)
		return s
	}
	s, err := store.OpenFiles(dir)
	if err != nil {
		t.Fatal(err)
	}
	return s
}
