// Package testpostgis gives a test its own PostgreSQL database with
// PostGIS available. There are no fakes: when the server cannot be reached
// the test is skipped locally and fails under CI=true, with the command
// that fixes it.
package testpostgis

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"github.com/routerisk/routerisk/internal/testenv"
	"net/url"
	"os"
	"testing"

	"github.com/jackc/pgx/v5"
)

// AdminURL is the server the tests use: ROUTERISK_TEST_POSTGIS_URL, or the
// local server of development machines and CI.
func AdminURL() string {
	if u := os.Getenv("ROUTERISK_TEST_POSTGIS_URL"); u != "" {
		return u
	}
	return "postgresql://postgres@127.0.0.1:5432/postgres"
}

// NewDatabase creates an empty database named prefix_<random> on the test
// server, dropped (with its connections) when the test ends, and returns
// its URL.
func NewDatabase(t testing.TB, prefix string) string {
	t.Helper()
	ctx := context.Background()
	admin := AdminURL()
	fix := "install and start PostgreSQL with PostGIS: apt-get install -y postgresql-15-postgis-3 && pg_ctlcluster 15 main start, or set ROUTERISK_TEST_POSTGIS_URL"
	conn, err := pgx.Connect(ctx, admin)
	if err != nil {
		testenv.Unavailable(t, fmt.Sprintf("PostgreSQL is not reachable at %s (%v); %s", Redact(admin), err, fix))
	}
	defer conn.Close(ctx)
	var n int
	if err := conn.QueryRow(ctx, "SELECT count(*) FROM pg_available_extensions WHERE name = 'postgis'").Scan(&n); err != nil || n == 0 {
		testenv.Unavailable(t, fmt.Sprintf("PostGIS is not installed on %s (%v); %s", Redact(admin), err, fix))
	}
	b := make([]byte, 8)
	rand.Read(b)
	name := prefix + "_" + hex.EncodeToString(b)
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		t.Fatalf("CREATE DATABASE %s: %v", name, err)
	}
	t.Cleanup(func() {
		c, err := pgx.Connect(ctx, admin)
		if err != nil {
			t.Errorf("dropping %s: %v", name, err)
			return
		}
		defer c.Close(ctx)
		if _, err := c.Exec(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
			t.Errorf("dropping %s: %v", name, err)
		}
	})
	u, err := url.Parse(admin)
	if err != nil {
		t.Fatal(err)
	}
	u.Path = "/" + name
	return u.String()
}

// Redact hides the password of a URL for messages.
func Redact(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(unparsable URL)"
	}
	return u.Redacted()
}
