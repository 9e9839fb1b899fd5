package auth

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
)

func TestTokenLifecycle(t *testing.T) {
	store := &memTokens{}
	tf := NewTokens(store)
	tok, rec, err := tf.Create("Amina (GIS)", Editor)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(tok, tokenPrefix) || rec.Role != Editor {
		t.Fatalf("token %q record %+v", tok, rec)
	}
	// The store gets the record, never the token.
	if len(store.recs) != 1 || store.recs[0].Hash != hashToken(tok) || strings.Contains(fmt.Sprint(store.recs), tok[len(tokenPrefix)+13:]) {
		t.Fatalf("stored %+v", store.recs)
	}

	// Another handle on the same store (another replica) sees the token.
	other := NewTokens(store)
	p, err := other.Authenticate(tok)
	if err != nil || p.Name != "Amina (GIS)" || p.Role != Editor || p.TokenID != rec.ID || !active(t, other, rec.ID) {
		t.Fatalf("Authenticate = %+v, %v", p, err)
	}
	last := "A"
	if strings.HasSuffix(tok, "A") {
		last = "B"
	}
	for _, bad := range []string{"", "rrt_", tok[:len(tok)-1] + last, tok + "x", strings.Replace(tok, rec.ID, "000000000000", 1), "Bearer " + tok} {
		if _, err := other.Authenticate(bad); err != ErrUnknownToken {
			t.Errorf("Authenticate(%q) = %v, want ErrUnknownToken", bad, err)
		}
	}
	// The second time the token's hash is the one remembered; tokens that
	// matched nothing are not remembered.
	if p, err := other.Authenticate(tok); err != nil || p.TokenID != rec.ID {
		t.Fatalf("Authenticate again = %+v, %v", p, err)
	}
	if n := other.remembered.Load(); n != 1 {
		t.Errorf("%d token hashes remembered, want the one that matched", n)
	}
	if err := tf.Revoke(rec.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := other.Authenticate(tok); err != ErrUnknownToken || active(t, other, rec.ID) {
		t.Errorf("revoked token still authenticates: %v", err)
	}
	if err := tf.Revoke(rec.ID); err == nil || !strings.Contains(err.Error(), "no active token") {
		t.Errorf("revoking twice: %v", err)
	}
	if _, _, err := tf.Create(" ", Viewer); err == nil {
		t.Error("a token without a name was created")
	}
	if _, _, err := tf.Create("x", Role("god")); err == nil {
		t.Error("a token with an unknown role was created")
	}
	if list, err := tf.List(); err != nil || len(list) != 1 || list[0].RevokedAt == nil {
		t.Errorf("List = %+v, %v", list, err)
	}
}

// TestTokensStoreDown: when the store cannot be asked nobody is let in,
// and the store's error (not ErrUnknownToken) says why.
func TestTokensStoreDown(t *testing.T) {
	store := &memTokens{}
	tf := NewTokens(store)
	tok, rec, err := tf.Create("x", Staff)
	if err != nil {
		t.Fatal(err)
	}
	store.err = errors.New("database is down")
	if _, err := tf.Authenticate(tok); err == nil || errors.Is(err, ErrUnknownToken) {
		t.Errorf("Authenticate with the store down: %v", err)
	}
	if ok, err := tf.Active(rec.ID); ok || err == nil {
		t.Errorf("Active with the store down = %v, %v; want false and the store's error (not a revocation)", ok, err)
	}
	if _, _, err := tf.Create("y", Staff); err == nil {
		t.Error("Create with the store down")
	}
}

func TestSessions(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	s := NewSessions(time.Hour)
	s.Now = func() time.Time { return now }
	ctx := context.Background()
	cookie, sess, err := s.Start(ctx, Principal{Name: "a", Role: Editor, TokenID: "t1"})
	if err != nil {
		t.Fatal(err)
	}
	got, err := s.Get(ctx, cookie)
	if err != nil || got.Principal.Name != "a" || !got.Principal.Session {
		t.Fatalf("Get = %+v, %v", got, err)
	}
	if !got.CheckCSRF(sess.CSRF) || got.CheckCSRF("") || got.CheckCSRF(sess.CSRF+"x") {
		t.Error("CheckCSRF accepts the wrong token or refuses the right one")
	}
	if _, err := s.Get(ctx, cookie+"x"); err != ErrNoSession {
		t.Errorf("unknown cookie: %v", err)
	}
	now = now.Add(time.Hour)
	if _, err := s.Get(ctx, cookie); err != ErrNoSession {
		t.Errorf("expired session still valid: %v", err)
	}

	c2, _, _ := s.Start(ctx, Principal{Name: "b", Role: Viewer, TokenID: "t2"})
	s.End(ctx, c2)
	if _, err := s.Get(ctx, c2); err != ErrNoSession {
		t.Errorf("ended session still valid: %v", err)
	}
	s.Store.(*MemorySessions).Max = 2
	a, _, _ := s.Start(ctx, Principal{Name: "1"})
	now = now.Add(time.Second)
	s.Start(ctx, Principal{Name: "2"})
	now = now.Add(time.Second)
	s.Start(ctx, Principal{Name: "3"})
	if _, err := s.Get(ctx, a); err != ErrNoSession {
		t.Error("the oldest session survived past Max")
	}
}

// active is Tokens.Active for a store that works.
func active(t *testing.T, tf *Tokens, id string) bool {
	t.Helper()
	ok, err := tf.Active(id)
	if err != nil {
		t.Fatal(err)
	}
	return ok
}
