package auth

import (
	"encoding/base64"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func testClaims() EmbedClaims {
	return EmbedClaims{
		Tier:   EmbedPartner,
		View:   EmbedView{BBox: &[4]float64{10, 30, 20, 38}},
		Layers: []string{"incidents", "routes"},
		Params: "cause=Drowning&from=2020-01-01",
		Title:  "Central Mediterranean",
		Legend: true,
		AsOf:   "2026-11-27",
	}
}

func TestEmbedIssueVerify(t *testing.T) {
	dir := t.TempDir()
	f, err := OpenEmbedFile(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	tok, rec, err := f.Issue(testClaims(), "report 2026", 30, Principal{Name: "ana", Role: Staff})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(tok, embedPrefix) || rec.ID == "" || rec.CreatedBy != "ana" {
		t.Fatalf("token %q record %+v", tok, rec)
	}
	c, err := f.Verify(tok)
	if err != nil {
		t.Fatal(err)
	}
	if c.ID != rec.ID || c.Tier != EmbedPartner || c.Params != "cause=Drowning&from=2020-01-01" || c.View.BBox[3] != 38 {
		t.Fatalf("claims %+v", c)
	}
	if d := time.Until(c.ExpiresAt); d < 29*24*time.Hour || d > 31*24*time.Hour {
		t.Fatalf("expiry in %s", d)
	}
	st, err := os.Stat(filepath.Join(dir, "embeds.json"))
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("embeds.json: %v %v", st, err)
	}

	// A second process sees the same key and the same records.
	g, err := OpenEmbedFile(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := g.Verify(tok); err != nil {
		t.Fatalf("another opener refuses the token: %v", err)
	}
	if err := g.Revoke(rec.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := f.Verify(tok); !errors.Is(err, ErrEmbedRevoked) {
		t.Fatalf("revoked through another opener, got %v", err)
	}
	if err := g.Revoke(rec.ID); err == nil {
		t.Fatal("revoking twice succeeded")
	}
	list, _ := f.List()
	if len(list) != 1 || list[0].RevokedAt == nil {
		t.Fatalf("list %+v", list)
	}
}

func TestEmbedTampered(t *testing.T) {
	f, err := OpenEmbedFile(t.TempDir(), nil)
	if err != nil {
		t.Fatal(err)
	}
	tok, _, err := f.Issue(testClaims(), "", 1, Principal{Name: "x"})
	if err != nil {
		t.Fatal(err)
	}
	body, sig, _ := strings.Cut(strings.TrimPrefix(tok, embedPrefix), ".")
	payload, _ := base64.RawURLEncoding.DecodeString(body)
	widened := strings.Replace(string(payload), `"tier":"partner"`, `"tier":"staff"`, 1)
	moved := strings.Replace(string(payload), `[10,30,20,38]`, `[-180,-90,180,90]`, 1)
	other, err := OpenEmbedFile(t.TempDir(), nil)
	if err != nil {
		t.Fatal(err)
	}
	foreign, _, err := other.Issue(testClaims(), "", 1, Principal{Name: "x"})
	if err != nil {
		t.Fatal(err)
	}
	for name, bad := range map[string]string{
		"empty":         "",
		"no prefix":     strings.TrimPrefix(tok, embedPrefix),
		"cut short":     tok[:len(tok)-5],
		"no signature":  embedPrefix + body,
		"tier widened":  embedPrefix + base64.RawURLEncoding.EncodeToString([]byte(widened)) + "." + sig,
		"view moved":    embedPrefix + base64.RawURLEncoding.EncodeToString([]byte(moved)) + "." + sig,
		"other key":     foreign,
		"huge":          embedPrefix + strings.Repeat("A", 10000) + "." + sig,
		"bad base64":    embedPrefix + "!!!." + sig,
		"signature b64": embedPrefix + body + ".%%%",
	} {
		if _, err := f.Verify(bad); !errors.Is(err, ErrEmbedInvalid) {
			t.Errorf("%s: got %v, want ErrEmbedInvalid", name, err)
		}
	}
}

func TestEmbedExpired(t *testing.T) {
	f, err := OpenEmbedFile(t.TempDir(), []byte("0123456789abcdef0123"))
	if err != nil {
		t.Fatal(err)
	}
	c := testClaims()
	c.ID = "00000000000000aa"
	c.ExpiresAt = time.Now().Add(-time.Hour).UTC().Truncate(time.Second)
	payload := `{"id":"00000000000000aa","tier":"public","view":{"z":4,"lat":35,"lon":14},"layers":["incidents"],"legend":true,"expires_at":"` + c.ExpiresAt.Format(time.RFC3339) + `"}`
	tok := signEmbed(f.signingKey(), []byte(payload))
	var exp *EmbedExpiredError
	if _, err := f.Verify(tok); !errors.As(err, &exp) || !strings.Contains(err.Error(), "expired on") {
		t.Fatalf("got %v", err)
	}
	// The configured key signs: a file without a key still verifies.
	if _, err := os.Stat(filepath.Join(filepath.Dir(f.path), "embeds.json")); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("a configured key must not be written to the file: %v", err)
	}
}

func TestEmbedClaimsValidate(t *testing.T) {
	z, lat, lon, far := 5, 35.0, 14.0, 200.0
	cases := []struct {
		name string
		edit func(*EmbedClaims)
		want string
	}{
		{"valid", func(*EmbedClaims) {}, ""},
		{"centre view", func(c *EmbedClaims) { c.View = EmbedView{Z: &z, Lat: &lat, Lon: &lon} }, ""},
		{"staff tier", func(c *EmbedClaims) { c.Tier = EmbedTier("staff") }, "never show the staff tier"},
		{"no view", func(c *EmbedClaims) { c.View = EmbedView{} }, "give the view"},
		{"box reversed", func(c *EmbedClaims) { c.View.BBox = &[4]float64{20, 30, 10, 38} }, "min below max"},
		{"lon out", func(c *EmbedClaims) { c.View = EmbedView{Z: &z, Lat: &lat, Lon: &far} }, "lon -180..180"},
		{"no layers", func(c *EmbedClaims) { c.Layers = nil }, "layers must name"},
		{"hostile layer", func(c *EmbedClaims) { c.Layers = []string{"<script>"} }, "is not valid"},
		{"long title", func(c *EmbedClaims) { c.Title = strings.Repeat("é", 201) }, "title must be at most 200"},
		{"params newline", func(c *EmbedClaims) { c.Params = "a=1\nb=2" }, "one line"},
		{"bad lang", func(c *EmbedClaims) { c.Lang = "../x" }, "language code"},
		{"bad asof", func(c *EmbedClaims) { c.AsOf = "27/11/2026" }, "YYYY-MM-DD"},
	}
	for _, tc := range cases {
		c := testClaims()
		tc.edit(&c)
		err := c.Validate()
		if tc.want == "" && err != nil || tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)) {
			t.Errorf("%s: got %v, want %q", tc.name, err, tc.want)
		}
	}
}

func TestEmbedIssueLimits(t *testing.T) {
	f, err := OpenEmbedFile(t.TempDir(), nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, days := range []int{0, -1, MaxEmbedDays + 1} {
		if _, _, err := f.Issue(testClaims(), "x", days, Principal{}); err == nil || !strings.Contains(err.Error(), "expires_in_days") {
			t.Errorf("days %d: %v", days, err)
		}
	}
	if _, err := OpenEmbedFile(t.TempDir(), []byte("short")); err == nil {
		t.Error("a short key was accepted")
	}
}

func FuzzEmbedVerify(f *testing.F) {
	ef, err := OpenEmbedFile(f.TempDir(), []byte("0123456789abcdef0123"))
	if err != nil {
		f.Fatal(err)
	}
	tok, _, err := ef.Issue(testClaims(), "x", 1, Principal{})
	if err != nil {
		f.Fatal(err)
	}
	f.Add(tok)
	f.Add(embedPrefix + "e30.")
	f.Fuzz(func(t *testing.T, s string) {
		c, err := ef.Verify(s)
		if err == nil && (c.Tier == EmbedTier("staff") || c.Validate() != nil) {
			t.Fatalf("accepted %q as %+v", s, c)
		}
	})
}
