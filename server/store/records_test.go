package store

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/routerisk/routerisk/geodata/account"
	"github.com/routerisk/routerisk/server/auth"
)

// Both backends keep what auth needs.
var (
	_ auth.TokenStore = (*TokenFile)(nil)
	_ auth.TokenStore = (*PostGISTokens)(nil)
	_ auth.EmbedStore = (*EmbedFile)(nil)
)

// recordBackend opens the account record stores of one kind: reopen
// returns another handle on the same storage each time it is called (a
// restart, or another replica).
type recordBackend struct {
	name string
	open func(t testing.TB) (reopen func() auth.TokenStore)
}

var recordBackends = []recordBackend{
	{"files", func(t testing.TB) func() auth.TokenStore {
		dir := t.TempDir()
		return func() auth.TokenStore {
			tf, err := OpenTokenFile(dir)
			if err != nil {
				t.Fatal(err)
			}
			return tf
		}
	}},
	{"postgis", func(t testing.TB) func() auth.TokenStore {
		url := newDatabase(t)
		return func() auth.TokenStore { return openPostGIS(t, url).Tokens() }
	}},
}

// forEachRecordBackend runs test as a subtest per backend, each on empty
// stores.
func forEachRecordBackend(t *testing.T, test func(t *testing.T, reopen func() auth.TokenStore)) {
	for _, b := range recordBackends {
		t.Run(b.name, func(t *testing.T) { test(t, b.open(t)) })
	}
}

// TestTokenStores: tokens made through one handle authenticate through
// another (two replicas, or the server and `routerisk token create`), and
// a revocation through one is refused by the other at once.
func TestTokenStores(t *testing.T) {
	forEachRecordBackend(t, func(t *testing.T, reopen func() auth.TokenStore) {
		writer, reader := auth.NewTokens(reopen()), auth.NewTokens(reopen())
		tok, rec, err := writer.Create("field team", auth.Editor)
		if err != nil {
			t.Fatal(err)
		}
		p, err := reader.Authenticate(tok)
		if err != nil || p.Name != "field team" || p.Role != auth.Editor || p.TokenID != rec.ID || !reader.Active(rec.ID) {
			t.Fatalf("authenticate through the other handle: %+v %v", p, err)
		}
		forged := tok[:len(tok)-4] + "AAAA"
		for _, bad := range []string{forged, "", "rrt_", strings.Replace(tok, rec.ID, "000000000000", 1)} {
			if _, err := reader.Authenticate(bad); !errors.Is(err, auth.ErrUnknownToken) {
				t.Errorf("%q: %v", bad, err)
			}
		}
		if _, _, err := writer.Create("", auth.Viewer); err == nil {
			t.Error("a token without a name was made")
		}
		if _, _, err := writer.Create("x", auth.Role("root")); err == nil {
			t.Error("a token with an unknown role was made")
		}
		list, err := reader.List()
		if err != nil || len(list) != 1 || list[0].ID != rec.ID || list[0].Hash != rec.Hash || strings.Contains(list[0].Hash, tok) {
			t.Fatalf("list: %+v %v", list, err)
		}
		if err := writer.Revoke(rec.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := reader.Authenticate(tok); !errors.Is(err, auth.ErrUnknownToken) || reader.Active(rec.ID) {
			t.Errorf("a revoked token still works through the other handle: %v", err)
		}
		if err := writer.Revoke(rec.ID); err == nil {
			t.Error("revoking twice succeeded")
		}
	})
}

// TestTokenStoreRecords: what each store does with records as such: it
// keeps them whole, adds an id once, keeps a copied revocation, and
// refuses an incomplete record.
func TestTokenStoreRecords(t *testing.T) {
	forEachRecordBackend(t, func(t *testing.T, reopen func() auth.TokenStore) {
		ctx := context.Background()
		s := reopen()
		created := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
		revoked := created.Add(time.Hour)
		first := account.TokenRecord{ID: "0000000000a1", Name: "GIS desk", Role: account.Editor, Hash: "h1", CreatedAt: created}
		gone := account.TokenRecord{ID: "0000000000a2", Name: "old laptop", Role: account.Viewer, Hash: "h2", CreatedAt: created.Add(time.Minute), RevokedAt: &revoked}
		for _, tc := range []struct {
			rec       account.TokenRecord
			wantAdded bool
			wantErr   bool
		}{
			{first, true, false},
			{gone, true, false},
			{first, false, false}, // already there: left alone
			{account.TokenRecord{ID: "0000000000a3", Name: "x", Role: "root", Hash: "h", CreatedAt: created}, false, true},
			{account.TokenRecord{ID: "0000000000a4", Name: "x", Role: account.Staff, CreatedAt: created}, false, true},
		} {
			added, err := s.Add(ctx, tc.rec)
			if added != tc.wantAdded || (err != nil) != tc.wantErr {
				t.Errorf("Add(%s) = %v, %v; want %v, error %v", tc.rec.ID, added, err, tc.wantAdded, tc.wantErr)
			}
		}
		other := reopen()
		list, err := other.List(ctx)
		if err != nil || len(list) != 2 || !sameToken(list[0], first) || !sameToken(list[1], gone) {
			t.Fatalf("List = %+v, %v; want the two records, oldest first", list, err)
		}
		if r, ok, err := other.Find(ctx, gone.ID); err != nil || !ok || !sameToken(r, gone) {
			t.Errorf("Find(%s) = %+v, %v, %v", gone.ID, r, ok, err)
		}
		if _, ok, err := other.Find(ctx, "ffffffffffff"); ok || err != nil {
			t.Errorf("Find of an unknown id: %v, %v", ok, err)
		}
		for _, tc := range []struct {
			id   string
			want bool
		}{{first.ID, true}, {first.ID, false}, {gone.ID, false}, {"ffffffffffff", false}} {
			if ok, err := s.Revoke(ctx, tc.id); ok != tc.want || err != nil {
				t.Errorf("Revoke(%s) = %v, %v; want %v", tc.id, ok, err, tc.want)
			}
		}
		r, _, _ := other.Find(ctx, first.ID)
		if r.RevokedAt == nil || time.Since(*r.RevokedAt) > time.Minute {
			t.Errorf("revoked at %v, want now", r.RevokedAt)
		}
	})
}

func sameToken(a, b account.TokenRecord) bool {
	return a.ID == b.ID && a.Name == b.Name && a.Role == b.Role && a.Hash == b.Hash && a.CreatedAt.Equal(b.CreatedAt) && sameTime(a.RevokedAt, b.RevokedAt)
}

func sameTime(a, b *time.Time) bool {
	return a == nil && b == nil || a != nil && b != nil && a.Equal(*b)
}
