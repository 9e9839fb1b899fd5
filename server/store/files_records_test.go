package store

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/routerisk/routerisk/server/auth"
)

// embedClaims are the claims of a partner embed of two layers.
func embedClaims() auth.EmbedClaims {
	return auth.EmbedClaims{Tier: auth.EmbedPartner, View: auth.EmbedView{BBox: &[4]float64{10, 30, 20, 38}},
		Layers: []string{"incidents", "routes"}, Params: "cause=Drowning&from=2020-01-01", Legend: true}
}

// TestTokenFileOnDisk: tokens.json is readable by its owner only and holds
// hashes, never a token.
func TestTokenFileOnDisk(t *testing.T) {
	dir := t.TempDir()
	tf, err := OpenTokenFile(dir)
	if err != nil {
		t.Fatal(err)
	}
	tok, _, err := auth.NewTokens(tf).Create("Amina (GIS)", auth.Editor)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "tokens.json")
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(raw), tok) || strings.Contains(string(raw), tok[len("rrt_")+13:]) {
		t.Fatal("the token file holds the token itself")
	}
	if st, _ := os.Stat(path); st.Mode().Perm() != 0o600 {
		t.Errorf("token file mode %v, want 0600", st.Mode().Perm())
	}
}

// TestEmbedFileOnDisk: embeds.json is readable by its owner only; a
// configured key is never written to it, a made one is.
func TestEmbedFileOnDisk(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name     string
		key      []byte
		wantsKey bool
	}{
		{"configured key", []byte("0123456789abcdef0123"), false},
		{"key made here", nil, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			ef, err := OpenEmbedFile(dir)
			if err != nil {
				t.Fatal(err)
			}
			e, err := auth.OpenEmbeds(ctx, ef, tc.key)
			if err != nil {
				t.Fatal(err)
			}
			if _, _, err := e.Issue(embedClaims(), "x", 1, auth.Principal{Name: "ana"}); err != nil {
				t.Fatal(err)
			}
			path := filepath.Join(dir, "embeds.json")
			st, err := os.Stat(path)
			if err != nil || st.Mode().Perm() != 0o600 {
				t.Fatalf("embeds.json: %v %v", st, err)
			}
			raw, _ := os.ReadFile(path)
			if got := strings.Contains(string(raw), `"key"`); got != tc.wantsKey {
				t.Errorf("key written: %v, want %v\n%s", got, tc.wantsKey, raw)
			}
		})
	}
}

// TestRecordFilesOfEarlierVersions: files written before the stores moved
// out of package auth are read as they are, and broken ones are reported.
func TestRecordFilesOfEarlierVersions(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	write := func(name, content string) {
		t.Helper()
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write("tokens.json", `{"tokens": [{"id": "0123456789ab", "name": "GIS desk", "role": "editor", "hash": "abc",
		"created_at": "2026-01-02T03:04:05Z", "revoked_at": "2026-02-01T00:00:00Z"}]}`)
	write("embeds.json", `{"key": "000102030405060708090a0b0c0d0e0f", "embeds": [{"id": "00000000000000aa", "name": "report",
		"tier": "partner", "layers": ["incidents"], "created_by": "ana", "created_at": "2026-01-02T03:04:05Z",
		"expires_at": "2026-02-02T03:04:05Z", "revoked_at": "2026-01-03T00:00:00Z"}]}`)
	tf, err := OpenTokenFile(dir)
	if err != nil {
		t.Fatal(err)
	}
	if r, ok, err := tf.Find(ctx, "0123456789ab"); !ok || err != nil || r.Name != "GIS desk" || r.RevokedAt == nil {
		t.Errorf("token: %+v %v %v", r, ok, err)
	}
	ef, err := OpenEmbedFile(dir)
	if err != nil {
		t.Fatal(err)
	}
	if revoked, err := ef.Revoked(ctx, "00000000000000aa"); !revoked || err != nil {
		t.Errorf("embed revoked: %v %v", revoked, err)
	}
	if k, err := ef.Key(ctx, make([]byte, 32)); err != nil || len(k) != 16 || k[15] != 15 {
		t.Errorf("key %x, %v", k, err)
	}

	for name, content := range map[string]string{
		"tokens.json": `{"tokens": [`,
		"embeds.json": `{"key": "abcd", "embeds": []}`,
	} {
		d := t.TempDir()
		if err := os.WriteFile(filepath.Join(d, name), []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		var err error
		if name == "tokens.json" {
			_, err = OpenTokenFile(d)
		} else {
			_, err = OpenEmbedFile(d)
		}
		if err == nil || !strings.Contains(err.Error(), name) {
			t.Errorf("a broken %s: %v", name, err)
		}
	}
}
