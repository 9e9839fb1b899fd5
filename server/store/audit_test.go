package store

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/routerisk/routerisk/geodata"
	"github.com/routerisk/routerisk/internal/testpostgis"
	"github.com/routerisk/routerisk/server/publishing"
)

// TestAuditPages: paging through the audit log of either store gives every
// entry once, newest first, whatever the page size; a cursor the store did
// not make is code Invalid.
func TestAuditPages(t *testing.T) {
	ctx := context.Background()
	backends := []struct {
		name string
		open func(t *testing.T) publishing.Store
	}{
		{"files", func(t *testing.T) publishing.Store {
			s, err := OpenFilesWith(t.TempDir(), FilesOptions{AuditMaxBytes: 2000, AuditKeep: 1000})
			if err != nil {
				t.Fatal(err)
			}
			return s
		}},
		{"postgis", func(t *testing.T) publishing.Store {
			return openPostGIS(t, testpostgis.NewDatabase(t, "rr_audit"))
		}},
	}
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			s := b.open(t)
			const total = 95
			for i := range total {
				if err := s.Audit(ctx, geodata.AuditEntry{Actor: "a", Action: "sign-in", Detail: fmt.Sprint(i)}); err != nil {
					t.Fatal(err)
				}
			}
			for _, limit := range []int{1, 7, 10, 95, 200} {
				var got []string
				q := geodata.AuditQuery{Limit: limit}
				for pages := 0; ; pages++ {
					if pages > total+1 {
						t.Fatalf("limit %d: paging does not end", limit)
					}
					p, err := s.ReadAuditPage(ctx, q)
					if err != nil {
						t.Fatal(err)
					}
					if len(p.Entries) > limit {
						t.Fatalf("limit %d: a page of %d", limit, len(p.Entries))
					}
					for _, e := range p.Entries {
						got = append(got, e.Detail)
					}
					if p.Next == "" {
						break
					}
					q.Before = p.Next
				}
				if len(got) != total {
					t.Fatalf("limit %d: %d entries, want %d", limit, len(got), total)
				}
				for i, d := range got {
					if d != fmt.Sprint(total-1-i) {
						t.Fatalf("limit %d: entry %d is %s, want %d (newest first)", limit, i, d, total-1-i)
					}
				}
			}
			for _, bad := range []string{"x", "1", "1.x", "-1.5", "999999.0"} {
				if _, err := s.ReadAuditPage(ctx, geodata.AuditQuery{Limit: 5, Before: bad}); geodata.ErrorCode(err) != geodata.Invalid {
					if b.name == "postgis" && (bad == "999999.0" || bad == "-1.5") {
						continue // a time and id PostGIS reads as a position
					}
					t.Errorf("cursor %q: %v, want code invalid", bad, err)
				}
			}
		})
	}
}

// TestAuditFilters: either store keeps only the entries of an actor, an
// action and a time range (the actor a part of the name, in any case), and pages through them with the filters: every
// matching entry once, newest first, whatever the page size.
func TestAuditFilters(t *testing.T) {
	ctx := context.Background()
	backends := []struct {
		name string
		open func(t *testing.T) publishing.Store
	}{
		{"files", func(t *testing.T) publishing.Store {
			s, err := OpenFilesWith(t.TempDir(), FilesOptions{AuditMaxBytes: 1500, AuditKeep: 1000})
			if err != nil {
				t.Fatal(err)
			}
			return s
		}},
		{"postgis", func(t *testing.T) publishing.Store {
			return openPostGIS(t, testpostgis.NewDatabase(t, "rr_auditf"))
		}},
	}
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			s := b.open(t)
			actors := []string{"amina", "björn", "amina b"}
			actions := []string{"publish", "sign-in", "delete"}
			add := func(from, to int) {
				for i := from; i < to; i++ {
					e := geodata.AuditEntry{Actor: actors[i%3], Action: actions[(i/3)%3], Detail: fmt.Sprint(i)}
					if err := s.Audit(ctx, e); err != nil {
						t.Fatal(err)
					}
				}
			}
			add(0, 30)
			time.Sleep(20 * time.Millisecond)
			mid := time.Now().UTC()
			time.Sleep(20 * time.Millisecond)
			add(30, 60)
			want := func(keep func(i int) bool) []string {
				var out []string
				for i := 59; i >= 0; i-- {
					if keep(i) {
						out = append(out, fmt.Sprint(i))
					}
				}
				return out
			}
			cases := []struct {
				name string
				q    geodata.AuditQuery
				want []string
			}{
				{"actor", geodata.AuditQuery{Actor: "amina"}, want(func(i int) bool { return i%3 != 1 })},
				{"actor: part of the name, any case", geodata.AuditQuery{Actor: "MINA B"}, want(func(i int) bool { return i%3 == 2 })},
				{"actor: not a part of any", geodata.AuditQuery{Actor: "carla"}, nil},
				{"action", geodata.AuditQuery{Action: "delete"}, want(func(i int) bool { return (i/3)%3 == 2 })},
				{"actor and action", geodata.AuditQuery{Actor: "björn", Action: "publish"}, want(func(i int) bool { return i%3 == 1 && (i/3)%3 == 0 })},
				{"from", geodata.AuditQuery{From: mid}, want(func(i int) bool { return i >= 30 })},
				{"to", geodata.AuditQuery{To: mid}, want(func(i int) bool { return i < 30 })},
				{"from, to and actor", geodata.AuditQuery{From: mid.Add(-time.Hour), To: mid, Actor: "Amina B"}, want(func(i int) bool { return i < 30 && i%3 == 2 })},
				{"nothing matches", geodata.AuditQuery{Action: "purge"}, nil},
			}
			for _, c := range cases {
				for _, limit := range []int{1, 4, 100} {
					q := c.q
					q.Limit = limit
					var got []string
					for pages := 0; ; pages++ {
						if pages > 61 {
							t.Fatalf("%s, limit %d: paging does not end", c.name, limit)
						}
						p, err := s.ReadAuditPage(ctx, q)
						if err != nil {
							t.Fatal(err)
						}
						for _, e := range p.Entries {
							got = append(got, e.Detail)
						}
						if p.Next == "" {
							break
						}
						q.Before = p.Next
					}
					if !slices.Equal(got, c.want) {
						t.Errorf("%s, limit %d: %v, want %v", c.name, limit, got, c.want)
					}
				}
			}
		})
	}
}

// TestAuditRotation: the file store's log is rotated by size into
// audit.N.log, only the newest AuditKeep rotated files are kept, and a
// cursor made before a rotation still pages on from where it was.
func TestAuditRotation(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s, err := OpenFilesWith(dir, FilesOptions{AuditMaxBytes: 1000, AuditKeep: 3})
	if err != nil {
		t.Fatal(err)
	}
	entry := func(i int) geodata.AuditEntry {
		return geodata.AuditEntry{Actor: "a", Action: "sign-in", Detail: fmt.Sprint(i)}
	}
	for i := range 10 {
		if err := s.Audit(ctx, entry(i)); err != nil {
			t.Fatal(err)
		}
	}
	first, err := s.ReadAuditPage(ctx, geodata.AuditQuery{Limit: 3})
	if err != nil || len(first.Entries) != 3 || first.Entries[0].Detail != "9" || first.Next == "" {
		t.Fatalf("first page %+v %v", first, err)
	}
	for i := 10; i < 200; i++ {
		if err := s.Audit(ctx, entry(i)); err != nil {
			t.Fatal(err)
		}
	}
	files, _ := filepath.Glob(filepath.Join(dir, "audit*.log"))
	if len(files) != 4 {
		t.Errorf("files %v: want the live log and 3 rotated ones", files)
	}
	for _, f := range files {
		if fi, _ := os.Stat(f); fi.Size() > 1000 {
			t.Errorf("%s is %d bytes, over the 1000 limit", f, fi.Size())
		}
	}
	// The old cursor's file was deleted by rotation: the page is empty,
	// not an error and not someone else's entries.
	old, err := s.ReadAuditPage(ctx, geodata.AuditQuery{Limit: 3, Before: first.Next})
	if err != nil || len(old.Entries) != 0 {
		t.Errorf("page after a deleted file: %+v %v", old, err)
	}
	// Everything kept reads back newest first, across the files.
	all, err := ReadAudit(ctx, s, 0)
	if err != nil || len(all) == 0 || all[0].Detail != "199" {
		t.Fatalf("all: %d entries, %v", len(all), err)
	}
	for i := 1; i < len(all); i++ {
		if all[i].Detail != fmt.Sprint(199-i) {
			t.Fatalf("entry %d is %s, want %d", i, all[i].Detail, 199-i)
		}
	}
	// A cursor into a kept rotated file survives the next rotation.
	p, _ := s.ReadAuditPage(ctx, geodata.AuditQuery{Limit: 10})
	for i := 200; i < 212; i++ {
		if err := s.Audit(ctx, entry(i)); err != nil {
			t.Fatal(err)
		}
	}
	next, err := s.ReadAuditPage(ctx, geodata.AuditQuery{Limit: 2, Before: p.Next})
	if err != nil || len(next.Entries) != 2 || next.Entries[0].Detail != "189" {
		t.Errorf("page after a rotation: %+v %v", next, err)
	}
	// A reopened store goes on with the next generation.
	s2, err := OpenFilesWith(dir, FilesOptions{AuditMaxBytes: 1000, AuditKeep: 3})
	if err != nil || s2.auditGen != s.auditGen {
		t.Errorf("reopened at generation %d, want %d (%v)", s2.auditGen, s.auditGen, err)
	}
}
