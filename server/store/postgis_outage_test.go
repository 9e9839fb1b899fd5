package store

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/routerisk/routerisk/geodata"
	"github.com/routerisk/routerisk/geodata/account"
	"github.com/routerisk/routerisk/internal/testpostgis"
)

// TestPostGISOutageIsUnavailable: when the database goes away mid-test
// (its connections cut, its port closed) or its pool is closed, every
// call a request makes answers code Unavailable with a retry hint, never
// a bare error the server would turn into a 500, and none hangs.
func TestPostGISOutageIsUnavailable(t *testing.T) {
	ctx := context.Background()
	proxy := testpostgis.NewProxy(t, testpostgis.NewDatabase(t, "rr_outage"))
	s, err := OpenPostGIS(ctx, proxy.URL()+"?connect_timeout=2")
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	tokens := NewPostGISTokens(s)
	if _, err := tokens.Add(ctx, account.TokenRecord{ID: "abcdefabcdef", Name: "x", Role: account.Editor, Hash: "h", CreatedAt: time.Now()}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.List(ctx); err != nil {
		t.Fatal(err)
	}
	calls := []struct {
		name string
		call func() error
	}{
		{"List", func() error { _, err := s.List(ctx); return err }},
		{"Current", func() error { _, err := s.Current(ctx, "incidents"); return err }},
		{"Versions", func() error { _, err := s.Versions(ctx, "incidents"); return err }},
		{"Generation", func() error { _, err := s.Generation(ctx); return err }},
		{"Audit", func() error { return s.Audit(ctx, geodata.AuditEntry{Action: "sign-in"}) }},
		{"ReadAudit", func() error { _, err := ReadAudit(ctx, s, 10); return err }},
		{"token Find", func() error { _, _, err := tokens.Find(ctx, "abcdefabcdef"); return err }},
		{"embed List", func() error { _, err := NewPostGISEmbeds(s).List(ctx); return err }},
	}
	for _, outage := range []struct {
		name  string
		cause func()
	}{
		{"database unreachable", proxy.Stop},
		{"pool closed", s.Close},
	} {
		outage.cause()
		for _, c := range calls {
			t.Run(outage.name+"/"+c.name, func(t *testing.T) {
				start := time.Now()
				err := c.call()
				if geodata.ErrorCode(err) != geodata.Unavailable {
					t.Fatalf("error %v, want code unavailable", err)
				}
				var ge *geodata.Error
				if !errors.As(err, &ge) || ge.Details[geodata.RetryAfterDetail] != 5 || !strings.Contains(ge.Message, "PostGIS at 127.0.0.1:") {
					t.Errorf("error %+v: want a retry hint and the database named", ge)
				}
				if took := time.Since(start); took > 5*time.Second {
					t.Errorf("took %v", took)
				}
			})
		}
	}
}
