package store

import (
	"context"
	"testing"
	"time"

	"github.com/routerisk/routerisk/geodata"
)

// TestPostGISWatch: a second handle on the database (another replica)
// hears of every change, and after its listening connection is killed it
// says so ("") and goes on hearing.
func TestPostGISWatch(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	url := newDatabase(t)
	writer, reader := openPostGIS(t, url), openPostGIS(t, url)
	notices := reader.Watch(ctx)
	next := func() string {
		t.Helper()
		select {
		case id := <-notices:
			return id
		case <-time.After(5 * time.Second):
			t.Fatal("no notice within 5 s")
			return ""
		}
	}
	time.Sleep(200 * time.Millisecond) // let LISTEN start
	by := geodata.AuditEntry{Actor: "a"}
	if _, err := writer.Publish(ctx, layer("clinics", 1), geodata.Report{}, by); err != nil {
		t.Fatal(err)
	}
	if id := next(); id != "clinics" {
		t.Fatalf("publish: notice %q", id)
	}
	writer.Delete(ctx, "clinics", by)
	if id := next(); id != "clinics" {
		t.Fatalf("delete: notice %q", id)
	}

	// Kill the listener's connection from outside.
	db := psql(t, url)
	if _, err := db.Exec(ctx, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE 'LISTEN %' AND pid <> pg_backend_pid()"); err != nil {
		t.Fatal(err)
	}
	if id := next(); id != "" {
		t.Fatalf("after the connection was lost: notice %q, want \"\" (check everything)", id)
	}
	time.Sleep(1500 * time.Millisecond) // reconnected and listening again
	if _, err := writer.Restore(ctx, "clinics", 1, by); err != nil {
		t.Fatal(err)
	}
	if id := next(); id != "clinics" {
		t.Fatalf("after reconnecting: notice %q", id)
	}
	cancel()
	for range notices { // closed once ctx ends
	}
}
