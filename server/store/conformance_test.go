package store

import (
	"context"
	"fmt"
	"math"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"github.com/routerisk/routerisk/geodata"
	"github.com/routerisk/routerisk/server/publishing"
)

// Both backends are what the publishing use case needs.
var (
	_ publishing.Store = (*Files)(nil)
	_ publishing.Store = (*PostGIS)(nil)
)

// backend opens an empty store of one kind for a test, and reopen opens
// another handle on the same storage (a restart, or another replica).
type backend struct {
	name string
	open func(t testing.TB) (s publishing.Store, reopen func() publishing.Store)
}

var backends = []backend{
	{"files", func(t testing.TB) (publishing.Store, func() publishing.Store) {
		dir := t.TempDir()
		open := func() publishing.Store {
			s, err := OpenFiles(dir)
			if err != nil {
				t.Fatal(err)
			}
			return s
		}
		return open(), open
	}},
	{"postgis", func(t testing.TB) (publishing.Store, func() publishing.Store) {
		url := newDatabase(t)
		open := func() publishing.Store { return openPostGIS(t, url) }
		return open(), open
	}},
}

// forEachBackend runs test as a subtest per backend, each on an empty store.
func forEachBackend(t *testing.T, test func(t *testing.T, s publishing.Store, reopen func() publishing.Store)) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			s, reopen := b.open(t)
			test(t, s, reopen)
		})
	}
}

func layer(id string, n int) *geodata.Layer {
	l := &geodata.Layer{Meta: geodata.Meta{ID: id, Kind: geodata.KindService, Title: "Services", Sensitivity: geodata.Public}}
	for i := range n {
		f := geojson.NewFeature(orb.Point{float64(i), 1})
		f.ID = string(rune('a' + i))
		f.Properties = geojson.Properties{"name": "clinic"}
		l.Features = append(l.Features, f)
	}
	return l
}

func TestPublishVersionsAndReload(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s publishing.Store, reopen func() publishing.Store) {
		ctx := context.Background()
		if _, err := s.Current(ctx, "services"); geodata.ErrorCode(err) != geodata.NotFound {
			t.Fatalf("Current on an empty store: %v, want NotFound", err)
		}
		if list, err := s.List(ctx); err != nil || len(list) != 0 {
			t.Fatalf("List on an empty store: %v, %v", list, err)
		}
		m1, err := s.Publish(ctx, layer("services", 2), geodata.Report{Read: 2, Accepted: 2}, geodata.AuditEntry{Actor: "alice"})
		if err != nil {
			t.Fatal(err)
		}
		m2, err := s.Publish(ctx, layer("services", 3), geodata.Report{Read: 3, Accepted: 3}, geodata.AuditEntry{Actor: "bob"})
		if err != nil {
			t.Fatal(err)
		}
		if m1.Version != 1 || m2.Version != 2 || m2.FeatureCount != 3 || m2.UpdatedBy != "bob" || len(m2.Schema) != 1 || len(m2.BBox) != 4 {
			t.Fatalf("versions: %+v / %+v", m1, m2)
		}

		// A fresh handle on the same storage sees the same state.
		s2 := reopen()
		cur, err := s2.Current(ctx, "services")
		if err != nil || !reflect.DeepEqual(cur, m2) {
			t.Fatalf("Current = %+v, %v; want %+v", cur, err, m2)
		}
		old, err := s2.Open(ctx, "services", 1)
		if err != nil || len(old.Features) != 2 || !reflect.DeepEqual(old.Meta, m1) {
			t.Fatalf("old version: %+v, err %v", old, err)
		}
		if old.Features[1].ID != "b" || old.Features[1].Geometry != (orb.Point{1, 1}) || old.Features[1].Properties["name"] != "clinic" {
			t.Fatalf("feature read back as %+v", old.Features[1])
		}
		vs, err := s2.Versions(ctx, "services")
		if err != nil || len(vs) != 2 || vs[0].Version != 2 || vs[1].Version != 1 {
			t.Fatalf("Versions = %+v, %v", vs, err)
		}
		rep, err := s2.Report(ctx, "services", 2)
		if err != nil || rep.Read != 3 {
			t.Fatalf("Report = %+v, %v", rep, err)
		}
		if _, err := s2.Publish(ctx, layer("clinics", 1), geodata.Report{}, geodata.AuditEntry{Actor: "alice"}); err != nil {
			t.Fatal(err)
		}
		list, err := s2.List(ctx)
		if err != nil || len(list) != 2 || list[0].ID != "clinics" || list[1].ID != "services" || list[1].Version != 2 {
			t.Fatalf("List = %+v, %v; want clinics v1, services v2 by id", list, err)
		}

		audit, err := auditOf(ctx, s, 0)
		if err != nil {
			t.Fatal(err)
		}
		if len(audit) != 3 || audit[2].Actor != "alice" || audit[2].Version != 1 || audit[1].Actor != "bob" || audit[1].Version != 2 || audit[1].Action != "publish" || audit[1].Features != 3 {
			t.Errorf("audit log, newest first: %+v", audit)
		}
	})
}

func TestPublishRejectsBadMetaAndWritesNothing(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s publishing.Store, _ func() publishing.Store) {
		ctx := context.Background()
		for _, m := range []geodata.Meta{
			{ID: "../escape", Kind: geodata.KindService, Title: "x", Sensitivity: geodata.Public},
			{ID: "ok", Kind: "shop", Title: "x", Sensitivity: geodata.Public},
			{ID: "ok", Kind: geodata.KindService, Title: "", Sensitivity: geodata.Public},
		} {
			l := layer("x", 1)
			l.Meta = m
			if _, err := s.Publish(ctx, l, geodata.Report{}, geodata.AuditEntry{Actor: "x"}); geodata.ErrorCode(err) != geodata.Invalid {
				t.Fatalf("%+v: err = %v, want Invalid", m, err)
			}
		}
		if list, _ := s.List(ctx); len(list) != 0 {
			t.Errorf("a rejected publish left %v", list)
		}
		if _, err := s.Versions(ctx, "ok"); geodata.ErrorCode(err) != geodata.NotFound {
			t.Errorf("a rejected publish left versions: %v", err)
		}
	})
}

// TestNotFoundErrors: both backends answer the same codes and messages
// for what does not exist.
func TestNotFoundErrors(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s publishing.Store, _ func() publishing.Store) {
		ctx := context.Background()
		s.Publish(ctx, layer("clinics", 1), geodata.Report{}, geodata.AuditEntry{Actor: "a"})
		by := geodata.AuditEntry{Actor: "a"}
		for _, c := range []struct {
			name string
			err  error
			want string
		}{
			{"Current of an unknown layer", err2(s.Current(ctx, "nope")), `layer "nope" does not exist`},
			{"Current of an invalid id", err2(s.Current(ctx, "../x")), `layer "../x" does not exist`},
			{"Open of an unknown version", err2(s.Open(ctx, "clinics", 2)), `layer "clinics" has no version 2`},
			{"Open of an unknown layer", err2(s.Open(ctx, "nope", 1)), `layer "nope" has no version 1`},
			{"Report of an unknown version", err2(s.Report(ctx, "clinics", 7)), `layer "clinics" has no version 7`},
			{"Versions of an unknown layer", err2(s.Versions(ctx, "nope")), `layer "nope" does not exist`},
			{"Versions of an invalid id", err2(s.Versions(ctx, "A")), `layer "A" does not exist`},
			{"Restore of an unknown layer", err2(s.Restore(ctx, "nope", 1, by)), `layer "nope" has no version 1`},
			{"Restore of an invalid id", err2(s.Restore(ctx, "-x", 1, by)), `layer "-x" does not exist`},
			{"Delete of an unknown layer", s.Delete(ctx, "nope", by), `layer "nope" does not exist`},
		} {
			if geodata.ErrorCode(c.err) != geodata.NotFound || c.err.Error() != "not_found: "+c.want {
				t.Errorf("%s: %v; want not_found: %s", c.name, c.err, c.want)
			}
		}
		s.Delete(ctx, "clinics", by)
		_, err := s.Current(ctx, "clinics")
		if want := `not_found: layer "clinics" was deleted; an editor can restore one of its versions`; err == nil || err.Error() != want {
			t.Errorf("Current of a deleted layer: %v; want %s", err, want)
		}
		if err := s.Delete(ctx, "clinics", by); err == nil || !strings.Contains(err.Error(), "was deleted") {
			t.Errorf("Delete of a deleted layer: %v", err)
		}
	})
}

func err2[T any](_ T, err error) error { return err }

func asError(err error, target **geodata.Error) bool {
	e, ok := err.(*geodata.Error)
	if ok {
		*target = e
	}
	return ok
}

// TestConcurrentPublishesTakeDistinctVersions: writers publishing one
// layer at once get consecutive version numbers, none twice.
func TestConcurrentPublishesTakeDistinctVersions(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s publishing.Store, _ func() publishing.Store) {
		publishConcurrently(t, []publishing.Store{s, s}, 8)
	})
}

// publishConcurrently publishes n versions of one layer from each store
// at once and checks the versions are 1…len(stores)·n, each once, and the
// last one current.
func publishConcurrently(t *testing.T, stores []publishing.Store, n int) {
	t.Helper()
	ctx := context.Background()
	var wg sync.WaitGroup
	var mu sync.Mutex
	var got []int
	for w, s := range stores {
		wg.Go(func() {
			for i := range n {
				m, err := s.Publish(ctx, layer("services", 1+(w+i)%5), geodata.Report{}, geodata.AuditEntry{Actor: fmt.Sprintf("writer %d", w)})
				if err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				got = append(got, m.Version)
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	slices.Sort(got)
	total := len(stores) * n
	for i, v := range got {
		if v != i+1 {
			t.Fatalf("versions taken: %v; want 1…%d once each", got, total)
		}
	}
	cur, err := stores[0].Current(ctx, "services")
	if err != nil || cur.Version != total {
		t.Fatalf("Current = v%d, %v; want v%d", cur.Version, err, total)
	}
	vs, _ := stores[0].Versions(ctx, "services")
	if len(vs) != total {
		t.Fatalf("%d versions listed, want %d", len(vs), total)
	}
	for _, v := range vs {
		l, err := stores[0].Open(ctx, "services", v.Version)
		if err != nil || len(l.Features) != v.FeatureCount {
			t.Fatalf("v%d: %d features, meta says %d (%v)", v.Version, len(l.Features), v.FeatureCount, err)
		}
	}
	if audit, _ := auditOf(ctx, stores[0], 0); len(audit) != total {
		t.Fatalf("%d audit entries, want %d", len(audit), total)
	}
}

// roundTripLayer holds every geometry type, ids of every kind and
// properties of every JSON type, including values a JSON store could
// change (1.0, 1e21, -0, \u0000, HTML characters, invalid UTF-8, NaN).
func roundTripLayer() *geodata.Layer {
	square := func(x0, y0, size float64) orb.Ring {
		return orb.Ring{{x0, y0}, {x0 + size, y0}, {x0 + size, y0 + size}, {x0, y0 + size}, {x0, y0}}
	}
	hole := square(0.25, 0.25, 0.5)
	slices.Reverse(hole)
	geoms := []orb.Geometry{
		orb.Point{13.404954, 52.520008},
		orb.Point{-179.99999999999997, -89.12345678901234},
		orb.MultiPoint{{1, 2}, {3, 4}},
		orb.LineString{{0, 0}, {1, 1}, {2, 0.5}},
		orb.MultiLineString{{{0, 0}, {1, 1}}, {{2, 2}, {3, 3}, {4, 2}}},
		orb.Polygon{square(0, 0, 1), hole},
		orb.MultiPolygon{{square(0, 0, 1), hole}, {square(5, 5, 2), square(5.5, 5.5, 0.5), square(6.2, 6.2, 0.5)}},
		orb.Collection{orb.Point{1, 1}, orb.LineString{{0, 0}, {2, 2}}, orb.Polygon{square(0, 0, 1), hole},
			orb.Collection{orb.MultiPoint{{7, 7}}}},
		square(10, 10, 1), // a Ring is stored as a Polygon
		orb.Bound{Min: orb.Point{1, 2}, Max: orb.Point{3, 4}}, // so is a Bound
	}
	ids := []any{"a", 12.0, 1.5, 7, nil, "", "日本", 1e21, -3.0, math.NaN()}
	props := []geojson.Properties{
		{"name": "clinic", "dead": 3.0, "missing": 0.0, "ratio": 1.5, "ok": true, "none": nil},
		{"big": 1e21, "tiny": 1e-7, "neg0": math.Copysign(0, -1), "int": 7, "int64": int64(1) << 40, "max": math.MaxFloat64},
		{"html": "<b>&amp;</b>", "nul": "a\u0000b", "bad utf8": "a\xffb", "sep": "\u2028\u2029", "quote": `"\`},
		{"nested": map[string]any{"b": []any{1.0, "x", nil, true}, "a": map[string]any{}}, "list": []any{}},
		{"nan": math.NaN(), "inf": math.Inf(1)},
		{},
		nil,
		{"émoji 🚑": "✓", "": "empty key", "long": strings.Repeat("x", 70000)},
		{"name": "clinic"},
		{"dead": 3.0},
	}
	l := &geodata.Layer{Meta: geodata.Meta{ID: "roundtrip", Kind: geodata.KindArea, Title: "Every shape", Sensitivity: geodata.Public, TimeProperty: "date",
		Description: "quote \" and \u0000 and <html>", Sources: []geodata.Source{{Name: "IOM", License: "CC BY 4.0", Attribution: "© IOM"}}}}
	for i, g := range geoms {
		f := geojson.NewFeature(g)
		f.ID = ids[i]
		f.Properties = props[i]
		l.Features = append(l.Features, f)
	}
	return l
}

// TestFeaturesRoundTrip: every backend returns each feature's id,
// geometry and properties exactly as the file store returns them, in the
// order published.
func TestFeaturesRoundTrip(t *testing.T) {
	ctx := context.Background()
	files, _ := backends[0].open(t)
	if _, err := files.Publish(ctx, roundTripLayer(), geodata.Report{}, geodata.AuditEntry{Actor: "a"}); err != nil {
		t.Fatal(err)
	}
	want, err := files.Open(ctx, "roundtrip", 1)
	if err != nil {
		t.Fatal(err)
	}
	// The file store itself keeps geometry exactly (Ring and Bound as Polygons).
	for i, f := range roundTripLayer().Features {
		g := f.Geometry
		switch x := g.(type) {
		case orb.Ring:
			g = orb.Polygon{x}
		case orb.Bound:
			g = x.ToPolygon()
		}
		if !reflect.DeepEqual(want.Features[i].Geometry, g) {
			t.Errorf("files: feature %d geometry %v, published %v", i, want.Features[i].Geometry, g)
		}
	}
	forEachBackend(t, func(t *testing.T, s publishing.Store, reopen func() publishing.Store) {
		m, err := s.Publish(ctx, roundTripLayer(), geodata.Report{}, geodata.AuditEntry{Actor: "a"})
		if err != nil {
			t.Fatal(err)
		}
		got, err := reopen().Open(ctx, "roundtrip", m.Version)
		if err != nil {
			t.Fatal(err)
		}
		if len(got.Features) != len(want.Features) {
			t.Fatalf("%d features, want %d", len(got.Features), len(want.Features))
		}
		for i := range want.Features {
			g, w := got.Features[i], want.Features[i]
			if !reflect.DeepEqual(g.ID, w.ID) || !reflect.DeepEqual(g.Geometry, w.Geometry) || !reflect.DeepEqual(g.Properties, w.Properties) || g.Type != w.Type {
				t.Errorf("feature %d:\n got id %#v %#v %#v\nwant id %#v %#v %#v", i, g.ID, g.Geometry, g.Properties, w.ID, w.Geometry, w.Properties)
			}
			if neg0, ok := w.Properties["neg0"].(float64); ok && math.Signbit(neg0) != math.Signbit(g.Properties["neg0"].(float64)) {
				t.Errorf("feature %d: -0 read back as %v", i, g.Properties["neg0"])
			}
		}
		want.Meta.UpdatedAt = got.Meta.UpdatedAt
		if !reflect.DeepEqual(got.Meta, want.Meta) {
			t.Errorf("meta\n got %+v\nwant %+v", got.Meta, want.Meta)
		}
	})
}

// TestEmptyLayer: a version without features stores and opens.
func TestEmptyLayer(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s publishing.Store, _ func() publishing.Store) {
		ctx := context.Background()
		m, err := s.Publish(ctx, layer("empty", 0), geodata.Report{}, geodata.AuditEntry{Actor: "a"})
		if err != nil || m.FeatureCount != 0 || m.BBox != nil {
			t.Fatalf("%+v, %v", m, err)
		}
		l, err := s.Open(ctx, "empty", 1)
		if err != nil || len(l.Features) != 0 {
			t.Fatalf("Open: %+v, %v", l, err)
		}
	})
}

// auditOf reads up to limit audit entries of s (all when limit ≤ 0),
// newest first, page by page.
func auditOf(ctx context.Context, s publishing.Store, limit int) ([]geodata.AuditEntry, error) {
	return readAudit(ctx, s.ReadAuditPage, limit)
}
