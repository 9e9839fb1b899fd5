package auth

import (
	"context"
	"encoding/base64"
	"errors"
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

// openEmbeds returns embeds on store, signed with key (nil: the store's).
func openEmbeds(t testing.TB, store EmbedStore, key []byte) *Embeds {
	t.Helper()
	e, err := OpenEmbeds(context.Background(), store, key)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func TestEmbedIssueVerify(t *testing.T) {
	store := &memEmbeds{}
	f := openEmbeds(t, store, nil)
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
	if len(store.recs) != 1 || store.recs[0].ID != rec.ID || store.recs[0].CreatedBy != "ana" || store.recs[0].Tier != EmbedPartner || len(store.key) != embedKeyBytes {
		t.Fatalf("stored %+v, key of %d bytes", store.recs, len(store.key))
	}

	// A second opener (another replica) sees the same key and the same records.
	g := openEmbeds(t, store, nil)
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
	if _, _, err := f.Issue(testClaims(), "second", 1, Principal{Name: "bo"}); err != nil {
		t.Fatal(err)
	}
	list, _ := f.List()
	if len(list) != 2 || list[0].Name != "second" || list[1].ID != rec.ID || list[1].RevokedAt == nil {
		t.Fatalf("list %+v, want newest first", list)
	}
}

// TestEmbedStoreDown: a token is not accepted when the store cannot say
// whether it was withdrawn, and the store's error says why.
func TestEmbedStoreDown(t *testing.T) {
	store := &memEmbeds{}
	f := openEmbeds(t, store, nil)
	tok, _, err := f.Issue(testClaims(), "x", 1, Principal{Name: "x"})
	if err != nil {
		t.Fatal(err)
	}
	store.err = errors.New("database is down")
	if _, err := f.Verify(tok); err == nil || !strings.Contains(err.Error(), "database is down") {
		t.Errorf("Verify with the store down: %v", err)
	}
	if _, _, err := f.Issue(testClaims(), "y", 1, Principal{}); err == nil {
		t.Error("Issue with the store down")
	}
	if _, err := OpenEmbeds(context.Background(), store, nil); err == nil {
		t.Error("OpenEmbeds without a key and with the store down")
	}
	// A configured key does not need the store to open.
	if _, err := OpenEmbeds(context.Background(), store, []byte("0123456789abcdef")); err != nil {
		t.Errorf("OpenEmbeds with a key: %v", err)
	}
}

func TestEmbedTampered(t *testing.T) {
	f := openEmbeds(t, &memEmbeds{}, nil)
	tok, _, err := f.Issue(testClaims(), "", 1, Principal{Name: "x"})
	if err != nil {
		t.Fatal(err)
	}
	body, sig, _ := strings.Cut(strings.TrimPrefix(tok, embedPrefix), ".")
	payload, _ := base64.RawURLEncoding.DecodeString(body)
	widened := strings.Replace(string(payload), `"tier":"partner"`, `"tier":"staff"`, 1)
	moved := strings.Replace(string(payload), `[10,30,20,38]`, `[-180,-90,180,90]`, 1)
	other := openEmbeds(t, &memEmbeds{}, nil)
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
	store := &memEmbeds{}
	f := openEmbeds(t, store, []byte("0123456789abcdef0123"))
	c := testClaims()
	c.ID = "00000000000000aa"
	c.ExpiresAt = time.Now().Add(-time.Hour).UTC().Truncate(time.Second)
	payload := `{"id":"00000000000000aa","tier":"public","view":{"z":4,"lat":35,"lon":14},"layers":["incidents"],"legend":true,"expires_at":"` + c.ExpiresAt.Format(time.RFC3339) + `"}`
	tok := signEmbed(f.key, []byte(payload))
	var exp *EmbedExpiredError
	if _, err := f.Verify(tok); !errors.As(err, &exp) || !strings.Contains(err.Error(), "expired on") {
		t.Fatalf("got %v", err)
	}
	// The configured key signs: it is never kept in the store.
	if store.key != nil {
		t.Fatalf("a configured key must not be kept in the store: %x", store.key)
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
	f := openEmbeds(t, &memEmbeds{}, nil)
	for _, days := range []int{0, -1, MaxEmbedDays + 1} {
		if _, _, err := f.Issue(testClaims(), "x", days, Principal{}); err == nil || !strings.Contains(err.Error(), "expires_in_days") {
			t.Errorf("days %d: %v", days, err)
		}
	}
	if _, err := OpenEmbeds(context.Background(), &memEmbeds{}, []byte("short")); err == nil {
		t.Error("a short key was accepted")
	}
	if _, err := OpenEmbeds(context.Background(), &memEmbeds{key: []byte("short")}, nil); err == nil {
		t.Error("a short stored key was accepted")
	}
}

func FuzzEmbedVerify(f *testing.F) {
	ef := openEmbeds(f, &memEmbeds{}, []byte("0123456789abcdef0123"))
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
