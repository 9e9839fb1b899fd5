package auth

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestRoleOrder(t *testing.T) {
	tests := []struct {
		r, min Role
		want   bool
	}{
		{Viewer, Viewer, true},
		{Viewer, Editor, false},
		{Staff, Partner, true},
		{Editor, Editor, true},
		{Editor, Admin, false},
		{Admin, Editor, true},
		{Role("root"), Viewer, false},
		{Role(""), Viewer, false},
	}
	for _, tt := range tests {
		if got := tt.r.AtLeast(tt.min); got != tt.want {
			t.Errorf("%q.AtLeast(%q) = %v, want %v", tt.r, tt.min, got, tt.want)
		}
	}
	if _, err := ParseRole("EDITOR "); err != nil {
		t.Errorf("ParseRole(EDITOR) = %v", err)
	}
	if _, err := ParseRole("superuser"); err == nil || !strings.Contains(err.Error(), "viewer, partner") {
		t.Errorf("ParseRole(superuser) error = %v, want the list of roles", err)
	}
}

func TestTokenLifecycle(t *testing.T) {
	dir := t.TempDir()
	tf, err := OpenTokenFile(dir)
	if err != nil {
		t.Fatal(err)
	}
	tok, rec, err := tf.Create("Amina (GIS)", Editor)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(tok, tokenPrefix) || rec.Role != Editor {
		t.Fatalf("token %q record %+v", tok, rec)
	}
	raw, err := os.ReadFile(filepath.Join(dir, "tokens.json"))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(raw), tok) || strings.Contains(string(raw), tok[len(tokenPrefix)+13:]) {
		t.Fatal("the token file holds the token itself")
	}
	if st, _ := os.Stat(filepath.Join(dir, "tokens.json")); st.Mode().Perm() != 0o600 {
		t.Errorf("token file mode %v, want 0600", st.Mode().Perm())
	}

	// Another process (a second TokenFile) sees the new token.
	other, err := OpenTokenFile(dir)
	if err != nil {
		t.Fatal(err)
	}
	p, err := other.Authenticate(tok)
	if err != nil || p.Name != "Amina (GIS)" || p.Role != Editor || p.TokenID != rec.ID {
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
	if err := tf.Revoke(rec.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := other.Authenticate(tok); err != ErrUnknownToken {
		t.Errorf("revoked token still authenticates: %v", err)
	}
	if _, _, err := tf.Create(" ", Viewer); err == nil {
		t.Error("a token without a name was created")
	}
	if _, _, err := tf.Create("x", Role("god")); err == nil {
		t.Error("a token with an unknown role was created")
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
