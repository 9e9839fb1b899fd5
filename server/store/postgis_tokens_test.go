package store

import (
	"errors"
	"strings"
	"testing"

	"github.com/routerisk/routerisk/server/auth"
)

// tokenStore is what the server and `routerisk token` use of a token store.
type tokenStore interface {
	Create(name string, role auth.Role) (string, auth.TokenRecord, error)
	Revoke(id string) error
	List() ([]auth.TokenRecord, error)
	Authenticate(token string) (auth.Principal, error)
	Active(id string) bool
}

// TestTokenStores: the file and the PostGIS token stores behave alike,
// and two PostGIS handles on one database (two replicas) see each other's
// tokens and revocations at once.
func TestTokenStores(t *testing.T) {
	url := newDatabase(t)
	file, err := auth.OpenTokenFile(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	pg := openPostGIS(t, url)
	for name, c := range map[string]struct{ writer, reader tokenStore }{
		"files":   {file, file},
		"postgis": {pg.Tokens(), openPostGIS(t, url).Tokens()},
	} {
		t.Run(name, func(t *testing.T) {
			tok, rec, err := c.writer.Create("field team", auth.Editor)
			if err != nil {
				t.Fatal(err)
			}
			p, err := c.reader.Authenticate(tok)
			if err != nil || p.Name != "field team" || p.Role != auth.Editor || p.TokenID != rec.ID || !c.reader.Active(rec.ID) {
				t.Fatalf("authenticate through the other handle: %+v %v", p, err)
			}
			forged := tok[:len(tok)-4] + "AAAA"
			for _, bad := range []string{forged, "", "rrt_", strings.Replace(tok, rec.ID, "000000000000", 1)} {
				if _, err := c.reader.Authenticate(bad); !errors.Is(err, auth.ErrUnknownToken) {
					t.Errorf("%q: %v", bad, err)
				}
			}
			if _, _, err := c.writer.Create("", auth.Viewer); err == nil {
				t.Error("a token without a name was made")
			}
			if _, _, err := c.writer.Create("x", auth.Role("root")); err == nil {
				t.Error("a token with an unknown role was made")
			}
			list, err := c.reader.List()
			if err != nil || len(list) != 1 || list[0].ID != rec.ID || list[0].Hash != rec.Hash || strings.Contains(list[0].Hash, tok) {
				t.Fatalf("list: %+v %v", list, err)
			}
			if err := c.writer.Revoke(rec.ID); err != nil {
				t.Fatal(err)
			}
			if _, err := c.reader.Authenticate(tok); !errors.Is(err, auth.ErrUnknownToken) || c.reader.Active(rec.ID) {
				t.Errorf("a revoked token still works through the other handle: %v", err)
			}
			if err := c.writer.Revoke(rec.ID); err == nil {
				t.Error("revoking twice succeeded")
			}
		})
	}
}
