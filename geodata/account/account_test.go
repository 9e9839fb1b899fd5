package account

import (
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
}

func TestParseRole(t *testing.T) {
	tests := []struct {
		in      string
		want    Role
		wantErr string
	}{
		{"EDITOR ", Editor, ""},
		{"viewer", Viewer, ""},
		{"superuser", "", "viewer, partner"},
		{"", "", "is not one of"},
	}
	for _, tt := range tests {
		got, err := ParseRole(tt.in)
		if got != tt.want || (tt.wantErr == "") != (err == nil) || err != nil && !strings.Contains(err.Error(), tt.wantErr) {
			t.Errorf("ParseRole(%q) = %q, %v; want %q, error with %q", tt.in, got, err, tt.want, tt.wantErr)
		}
	}
}

func TestRecordChecks(t *testing.T) {
	now := time.Now()
	tok := TokenRecord{ID: "0123456789ab", Name: "n", Role: Staff, Hash: "h", CreatedAt: now}
	emb := EmbedRecord{ID: "0123456789abcdef", Tier: EmbedPublic, CreatedAt: now, ExpiresAt: now.Add(time.Hour)}
	tests := []struct {
		name string
		err  error
		ok   bool
	}{
		{"token", tok.Check(), true},
		{"token without id", func() error { r := tok; r.ID = ""; return r.Check() }(), false},
		{"token without hash", func() error { r := tok; r.Hash = ""; return r.Check() }(), false},
		{"token with unknown role", func() error { r := tok; r.Role = "root"; return r.Check() }(), false},
		{"embed", emb.Check(), true},
		{"embed without id", func() error { r := emb; r.ID = ""; return r.Check() }(), false},
		{"embed with staff tier", func() error { r := emb; r.Tier = "staff"; return r.Check() }(), false},
		{"embed without expiry", func() error { r := emb; r.ExpiresAt = time.Time{}; return r.Check() }(), false},
	}
	for _, tt := range tests {
		if (tt.err == nil) != tt.ok {
			t.Errorf("%s: %v", tt.name, tt.err)
		}
	}
	if p := tok.Principal(); p.Name != "n" || p.Role != Staff || p.TokenID != tok.ID || p.Session {
		t.Errorf("Principal = %+v", p)
	}
}

func TestCheckCSRF(t *testing.T) {
	s := Session{CSRF: "abc"}
	for got, want := range map[string]bool{"abc": true, "": false, "abcx": false, "ab": false} {
		if s.CheckCSRF(got) != want {
			t.Errorf("CheckCSRF(%q) = %v", got, !want)
		}
	}
	if (Session{}).CheckCSRF("") {
		t.Error("an empty CSRF token matched a session without one")
	}
}
