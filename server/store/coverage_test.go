package store

import (
	"context"
	"reflect"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"github.com/routerisk/routerisk/geodata"
	"github.com/routerisk/routerisk/server/publishing"
)

// TestCoverageRoundTrip: a service layer's declared coverage (countries
// and an area) is kept with its version by every backend, read back by
// another handle, listed with the versions and carried by a restore.
func TestCoverageRoundTrip(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s publishing.Store, reopen func() publishing.Store) {
		ctx := context.Background()
		area := orb.Polygon{{{10, 30}, {12, 30}, {12, 33}, {10, 33}, {10, 30}}}
		declared := &geodata.Coverage{Countries: []string{"LBY", "TUN"}, Area: geojson.NewGeometry(area)}
		l := layer("services", 2)
		l.Meta.Coverage, l.Meta.CoverageSource = declared, geodata.CoverageDeclared
		m1, err := s.Publish(ctx, l, geodata.Report{}, geodata.AuditEntry{Actor: "alice"})
		if err != nil {
			t.Fatal(err)
		}
		computed := layer("services", 1)
		computed.Meta.CoverageSource = geodata.CoverageComputed
		if _, err := s.Publish(ctx, computed, geodata.Report{}, geodata.AuditEntry{Actor: "alice"}); err != nil {
			t.Fatal(err)
		}
		check := func(what string, m geodata.Meta, want *geodata.Coverage, source string) {
			t.Helper()
			if m.CoverageSource != source || (want == nil) != (m.Coverage == nil) {
				t.Fatalf("%s: coverage %+v, source %q", what, m.Coverage, m.CoverageSource)
			}
			if want == nil {
				return
			}
			if !reflect.DeepEqual(m.Coverage.Countries, want.Countries) || m.Coverage.Area == nil || !reflect.DeepEqual(m.Coverage.Area.Geometry(), want.Area.Geometry()) {
				t.Fatalf("%s: coverage %+v, area %v; want %+v", what, m.Coverage, m.Coverage.Area, want)
			}
		}
		s2 := reopen()
		cur, err := s2.Current(ctx, "services")
		if err != nil {
			t.Fatal(err)
		}
		check("current (version 2)", cur, nil, geodata.CoverageComputed)
		old, err := s2.Open(ctx, "services", 1)
		if err != nil {
			t.Fatal(err)
		}
		check("version 1", old.Meta, declared, geodata.CoverageDeclared)
		vs, err := s2.Versions(ctx, "services")
		if err != nil || len(vs) != 2 {
			t.Fatalf("versions %v %v", vs, err)
		}
		check("versions[1]", vs[1], declared, geodata.CoverageDeclared)
		m3, err := s2.Restore(ctx, "services", m1.Version, geodata.AuditEntry{Actor: "bob"})
		if err != nil {
			t.Fatal(err)
		}
		check("restored", m3, declared, geodata.CoverageDeclared)
		if cur, err := reopen().Current(ctx, "services"); err != nil || cur.Version != 3 {
			t.Fatalf("current after restore %+v %v", cur, err)
		} else {
			check("current after restore", cur, declared, geodata.CoverageDeclared)
		}
	})
}
