package store

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"sync"
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
	_ auth.EmbedStore = (*PostGISEmbeds)(nil)
)

// recordBackend opens the account record stores of one kind: reopen
// returns another handle on the same storage each time it is called (a
// restart, or another replica).
type recordBackend struct {
	name string
	open func(t testing.TB) (reopen func() (auth.TokenStore, auth.EmbedStore))
}

var recordBackends = []recordBackend{
	{"files", func(t testing.TB) func() (auth.TokenStore, auth.EmbedStore) {
		dir := t.TempDir()
		return func() (auth.TokenStore, auth.EmbedStore) {
			tf, err := OpenTokenFile(dir)
			if err != nil {
				t.Fatal(err)
			}
			ef, err := OpenEmbedFile(dir)
			if err != nil {
				t.Fatal(err)
			}
			return tf, ef
		}
	}},
	{"postgis", func(t testing.TB) func() (auth.TokenStore, auth.EmbedStore) {
		url := newDatabase(t)
		return func() (auth.TokenStore, auth.EmbedStore) {
			pg := openPostGIS(t, url)
			return NewPostGISTokens(pg), NewPostGISEmbeds(pg)
		}
	}},
}

// forEachRecordBackend runs test as a subtest per backend, each on empty
// stores.
func forEachRecordBackend(t *testing.T, test func(t *testing.T, reopen func() (auth.TokenStore, auth.EmbedStore))) {
	for _, b := range recordBackends {
		t.Run(b.name, func(t *testing.T) { test(t, b.open(t)) })
	}
}

// TestTokenStores: tokens made through one handle authenticate through
// another (two replicas, or the server and `routerisk token create`), and
// a revocation through one is refused by the other at once.
func TestTokenStores(t *testing.T) {
	forEachRecordBackend(t, func(t *testing.T, reopen func() (auth.TokenStore, auth.EmbedStore)) {
		ws, _ := reopen()
		rs, _ := reopen()
		writer, reader := auth.NewTokens(ws), auth.NewTokens(rs)
		tok, rec, err := writer.Create("field team", auth.Editor)
		if err != nil {
			t.Fatal(err)
		}
		p, err := reader.Authenticate(tok)
		if err != nil || p.Name != "field team" || p.Role != auth.Editor || p.TokenID != rec.ID || !isActive(t, reader, rec.ID) {
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
		if _, err := reader.Authenticate(tok); !errors.Is(err, auth.ErrUnknownToken) || isActive(t, reader, rec.ID) {
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
	forEachRecordBackend(t, func(t *testing.T, reopen func() (auth.TokenStore, auth.EmbedStore)) {
		ctx := context.Background()
		s, _ := reopen()
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
		other, _ := reopen()
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

// TestEmbedStores: two auth.Embeds on one storage (two replicas on one
// database, or two processes on one folder) share the signing key, the
// issued embeds and their withdrawals: an embed withdrawn through one is
// refused by the other at once.
func TestEmbedStores(t *testing.T) {
	forEachRecordBackend(t, func(t *testing.T, reopen func() (auth.TokenStore, auth.EmbedStore)) {
		ctx := context.Background()
		_, s1 := reopen()
		_, s2 := reopen()
		one, err := auth.OpenEmbeds(ctx, s1, nil)
		if err != nil {
			t.Fatal(err)
		}
		two, err := auth.OpenEmbeds(ctx, s2, nil)
		if err != nil {
			t.Fatal(err)
		}
		tok, rec, err := one.Issue(embedClaims(), "report 2026", 30, auth.Principal{Name: "ana", Role: auth.Staff})
		if err != nil {
			t.Fatal(err)
		}
		if c, err := two.Verify(tok); err != nil || c.ID != rec.ID || c.Tier != auth.EmbedPartner {
			t.Fatalf("the other replica: %+v, %v", c, err)
		}
		list, err := two.List()
		if err != nil || len(list) != 1 || list[0].ID != rec.ID || list[0].Name != "report 2026" || list[0].CreatedBy != "ana" ||
			len(list[0].Layers) != 2 || !list[0].ExpiresAt.Equal(rec.ExpiresAt) || list[0].RevokedAt != nil ||
			list[0].Params != embedClaims().Params || list[0].Params == "" {
			t.Fatalf("List through the other replica: %+v, %v", list, err)
		}
		if err := two.Revoke(rec.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := one.Verify(tok); !errors.Is(err, auth.ErrEmbedRevoked) {
			t.Fatalf("withdrawn through the other replica, Verify gives %v", err)
		}
		if err := one.Revoke(rec.ID); err == nil {
			t.Error("withdrawing twice succeeded")
		}
		second, rec2, err := two.Issue(embedClaims(), "", 1, auth.Principal{Name: "bo"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := one.Verify(second); err != nil {
			t.Fatalf("a second embed: %v", err)
		}
		list, err = one.List()
		if err != nil || len(list) != 2 || list[0].ID != rec2.ID || list[0].Name != "embed" || list[1].ID != rec.ID || list[1].RevokedAt == nil {
			t.Fatalf("List = %+v, %v; want newest first, the first withdrawn", list, err)
		}

		// A replica with a configured key refuses the store's tokens and
		// does not keep its key in the store.
		_, s3 := reopen()
		keyed, err := auth.OpenEmbeds(ctx, s3, []byte("0123456789abcdef0123"))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := keyed.Verify(second); !errors.Is(err, auth.ErrEmbedInvalid) {
			t.Errorf("a token signed with the store's key, checked with another: %v", err)
		}
		stored, err := s3.Key(ctx, bytes.Repeat([]byte{1}, 32))
		if err != nil || bytes.Equal(stored, []byte("0123456789abcdef0123")) || bytes.Equal(stored, bytes.Repeat([]byte{1}, 32)) {
			t.Errorf("the store's key became %x (%v)", stored, err)
		}
	})
}

// TestEmbedStoreRecords: what each store does with embed records and the
// key as such.
func TestEmbedStoreRecords(t *testing.T) {
	forEachRecordBackend(t, func(t *testing.T, reopen func() (auth.TokenStore, auth.EmbedStore)) {
		ctx := context.Background()
		_, s := reopen()
		created := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
		revoked := created.Add(time.Hour)
		live := account.EmbedRecord{ID: "00000000000000b1", Name: "report", Tier: account.EmbedPublic, Layers: []string{"incidents"},
			CreatedBy: "ana", CreatedAt: created, ExpiresAt: created.Add(24 * time.Hour)}
		gone := live
		gone.ID, gone.Tier, gone.Layers, gone.RevokedAt = "00000000000000b2", account.EmbedPartner, []string{"routes", "services"}, &revoked
		for _, tc := range []struct {
			rec       account.EmbedRecord
			wantAdded bool
			wantErr   bool
		}{
			{live, true, false},
			{gone, true, false},
			{live, false, false}, // already there: left alone
			{account.EmbedRecord{ID: "00000000000000b3", Tier: "staff", CreatedAt: created, ExpiresAt: created}, false, true},
			{account.EmbedRecord{Tier: account.EmbedPublic, CreatedAt: created, ExpiresAt: created}, false, true},
		} {
			added, err := s.Add(ctx, tc.rec)
			if added != tc.wantAdded || (err != nil) != tc.wantErr {
				t.Errorf("Add(%s) = %v, %v; want %v, error %v", tc.rec.ID, added, err, tc.wantAdded, tc.wantErr)
			}
		}
		_, other := reopen()
		list, err := other.List(ctx)
		if err != nil || len(list) != 2 || !sameEmbed(list[0], live) || !sameEmbed(list[1], gone) {
			t.Fatalf("List = %+v, %v; want the two records in the order added", list, err)
		}
		for _, tc := range []struct {
			id   string
			want bool
		}{{live.ID, false}, {gone.ID, true}, {"unknown", false}} {
			if got, err := other.Revoked(ctx, tc.id); got != tc.want || err != nil {
				t.Errorf("Revoked(%s) = %v, %v; want %v", tc.id, got, err, tc.want)
			}
		}
		for _, tc := range []struct {
			id   string
			want bool
		}{{live.ID, true}, {live.ID, false}, {gone.ID, false}, {"unknown", false}} {
			if ok, err := s.Revoke(ctx, tc.id); ok != tc.want || err != nil {
				t.Errorf("Revoke(%s) = %v, %v; want %v", tc.id, ok, err, tc.want)
			}
		}
		if got, err := other.Revoked(ctx, live.ID); !got || err != nil {
			t.Errorf("revoked through the other handle: %v, %v", got, err)
		}

		// The key: the first candidate is kept, later ones are not.
		k1, k2 := bytes.Repeat([]byte{1}, 32), bytes.Repeat([]byte{2}, 32)
		if got, err := s.Key(ctx, k1); err != nil || !bytes.Equal(got, k1) {
			t.Fatalf("Key on an empty store = %x, %v", got, err)
		}
		if got, err := other.Key(ctx, k2); err != nil || !bytes.Equal(got, k1) {
			t.Fatalf("Key through the other handle = %x, %v; want the first", got, err)
		}
	})
}

func sameEmbed(a, b account.EmbedRecord) bool {
	return a.ID == b.ID && a.Name == b.Name && a.Tier == b.Tier && strings.Join(a.Layers, ",") == strings.Join(b.Layers, ",") &&
		a.CreatedBy == b.CreatedBy && a.CreatedAt.Equal(b.CreatedAt) && a.ExpiresAt.Equal(b.ExpiresAt) && sameTime(a.RevokedAt, b.RevokedAt)
}

// TestPostGISEmbedKeyOnce: replicas starting together on a database
// without a key all sign with the one key kept first.
func TestPostGISEmbedKeyOnce(t *testing.T) {
	url := newDatabase(t)
	openPostGIS(t, url) // migrate once, so the replicas only race for the key
	keys := make([][]byte, 4)
	errs := make([]error, len(keys))
	var wg sync.WaitGroup
	for i := range keys {
		pg := openPostGIS(t, url)
		wg.Go(func() {
			keys[i], errs[i] = NewPostGISEmbeds(pg).Key(context.Background(), bytes.Repeat([]byte{byte(i + 1)}, 32))
		})
	}
	wg.Wait()
	for i := range keys {
		if errs[i] != nil || !bytes.Equal(keys[i], keys[0]) {
			t.Fatalf("replica %d: key %x, %v; replica 0: %x", i, keys[i], errs[i], keys[0])
		}
	}
}

// isActive is Tokens.Active for a store that works.
func isActive(t *testing.T, tf *auth.Tokens, id string) bool {
	t.Helper()
	ok, err := tf.Active(id)
	if err != nil {
		t.Fatal(err)
	}
	return ok
}
