package store

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"reflect"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"github.com/routerisk/routerisk/geodata"
	"github.com/routerisk/routerisk/geodata/formats"
	"github.com/routerisk/routerisk/geodata/risk/synthetic"
	"github.com/routerisk/routerisk/geodata/sample"
	"github.com/routerisk/routerisk/internal/testpostgis"
	"github.com/routerisk/routerisk/server/publishing"
)

// newDatabase creates an empty database on the test server, dropped
// when the test ends, and returns its URL.
func newDatabase(t testing.TB) string {
	t.Helper()
	return testpostgis.NewDatabase(t, "rr_store")
}

// openPostGIS opens the store at url, closed when the test ends.
func openPostGIS(t testing.TB, url string) *PostGIS {
	t.Helper()
	s, err := OpenPostGIS(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	return s
}

// psql connects to the test database at url for checks the store's API
// does not answer.
func psql(t testing.TB, url string) *pgx.Conn {
	t.Helper()
	c, err := pgx.Connect(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close(context.Background()) })
	return c
}

func count(t testing.TB, c *pgx.Conn, sql string, args ...any) int {
	t.Helper()
	var n int
	if err := c.QueryRow(context.Background(), sql, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
	return n
}

// TestPostGISMigrationsRunOnce: opening again applies nothing twice, and
// replicas opening a new database together all succeed, one of them
// migrating.
func TestPostGISMigrationsRunOnce(t *testing.T) {
	all, err := loadMigrations()
	if err != nil || len(all) == 0 || all[0].version != 1 {
		t.Fatalf("migrations %v, %v", all, err)
	}
	t.Run("reopen", func(t *testing.T) {
		url := newDatabase(t)
		s := openPostGIS(t, url)
		s.Publish(context.Background(), layer("clinics", 1), geodata.Report{}, geodata.AuditEntry{Actor: "a"})
		s2 := openPostGIS(t, url)
		if cur, err := s2.Current(context.Background(), "clinics"); err != nil || cur.Version != 1 {
			t.Fatalf("after reopening: %+v, %v", cur, err)
		}
		c := psql(t, url)
		if n := count(t, c, "SELECT count(*) FROM schema_migrations"); n != len(all) {
			t.Fatalf("schema_migrations has %d rows, want %d", n, len(all))
		}
		st, err := s2.Admin().Status(context.Background())
		if err != nil || st.SchemaVersion != all[len(all)-1].version || st.PostGISVersion == "" || !strings.HasPrefix(st.Server, "127.0.0.1:5432/rr_store_") && os.Getenv("ROUTERISK_TEST_POSTGIS_URL") == "" {
			t.Fatalf("Status = %+v, %v", st, err)
		}
	})
	t.Run("concurrent opens", func(t *testing.T) {
		url := newDatabase(t)
		var wg sync.WaitGroup
		errs := make([]error, 4)
		for i := range errs {
			wg.Go(func() {
				s, err := OpenPostGIS(context.Background(), url)
				if err == nil {
					s.Close()
				}
				errs[i] = err
			})
		}
		wg.Wait()
		if err := errors.Join(errs...); err != nil {
			t.Fatal(err)
		}
		if n := count(t, psql(t, url), "SELECT count(*) FROM schema_migrations"); n != len(all) {
			t.Fatalf("schema_migrations has %d rows, want %d", n, len(all))
		}
	})
}

// TestPostGISReplicasTakeDistinctVersions: two stores on one database,
// like two replicas, publishing one layer at once.
func TestPostGISReplicasTakeDistinctVersions(t *testing.T) {
	url := newDatabase(t)
	publishConcurrently(t, []publishing.Store{openPostGIS(t, url), openPostGIS(t, url)}, 8)
}

// cancelOnEncode is a property value that cancels a context when the
// store encodes it: Publish is then in the middle of copying features.
type cancelOnEncode struct{ cancel context.CancelFunc }

func (c cancelOnEncode) MarshalJSON() ([]byte, error) {
	c.cancel()
	time.Sleep(50 * time.Millisecond) // let the cancellation reach the connection
	return []byte(`"cancelled"`), nil
}

// TestPostGISFailedPublishLeavesNothing: a publish whose transaction
// fails in the middle of copying the features — the context cancelled,
// or a geometry PostGIS refuses — leaves the previous version current and
// no trace of the failed one (no version row, features, audit entry or
// notification); the next publish takes the next number.
func TestPostGISFailedPublishLeavesNothing(t *testing.T) {
	ctx := context.Background()
	url := newDatabase(t)
	s := openPostGIS(t, url)
	db := psql(t, url)
	if _, err := db.Exec(ctx, "LISTEN "+LayersChannel); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Publish(ctx, layer("clinics", 3), geodata.Report{}, geodata.AuditEntry{Actor: "a"}); err != nil {
		t.Fatal(err)
	}
	if n := waitNotification(t, db, time.Second); n != "clinics:1" {
		t.Fatalf("notification %q after publishing, want clinics:1", n)
	}
	big := func() *geodata.Layer {
		l := &geodata.Layer{Meta: geodata.Meta{ID: "clinics", Kind: geodata.KindService, Title: "Clinics", Sensitivity: geodata.Public}}
		for i := range 20000 {
			f := geojson.NewFeature(orb.Point{float64(i%360) - 180, float64(i%180) - 90})
			f.ID = fmt.Sprint(i)
			f.Properties = geojson.Properties{"name": "clinic", "n": float64(i)}
			l.Features = append(l.Features, f)
		}
		return l
	}

	cctx, cancel := context.WithCancel(ctx)
	defer cancel()
	cancelled := big()
	cancelled.Features[15000].Properties["x"] = cancelOnEncode{cancel}
	if _, err := s.Publish(cctx, cancelled, geodata.Report{}, geodata.AuditEntry{Actor: "a"}); err == nil {
		t.Fatal("a publish whose context was cancelled during the copy succeeded")
	} else {
		t.Logf("cancelled during the copy: %v", err)
	}

	unclosed := big()
	unclosed.Features[19000].Geometry = orb.Polygon{{{0, 0}, {1, 0}, {1, 1}, {0, 1}}} // PostGIS refuses an open ring
	_, err := s.Publish(ctx, unclosed, geodata.Report{}, geodata.AuditEntry{Actor: "a"})
	if err == nil || !strings.Contains(err.Error(), "closed") {
		t.Fatalf("publishing an open ring: %v; want PostGIS's refusal", err)
	}

	badID := big()
	badID.Features[10].ID = true
	if _, err := s.Publish(ctx, badID, geodata.Report{}, geodata.AuditEntry{Actor: "a"}); geodata.ErrorCode(err) != geodata.Invalid || !strings.Contains(err.Error(), "feature 11") {
		t.Fatalf("publishing a boolean id: %v; want Invalid naming feature 11", err)
	}

	if cur, err := s.Current(ctx, "clinics"); err != nil || cur.Version != 1 || cur.FeatureCount != 3 {
		t.Fatalf("Current = %+v, %v; want v1 still current", cur, err)
	}
	if vs, _ := s.Versions(ctx, "clinics"); len(vs) != 1 {
		t.Fatalf("%d versions listed; want only v1", len(vs))
	}
	if n := count(t, db, "SELECT count(*) FROM features WHERE layer_id = 'clinics' AND version <> 1"); n != 0 {
		t.Fatalf("%d features of failed versions are stored", n)
	}
	if a, _ := ReadAudit(ctx, s, 0); len(a) != 1 {
		t.Fatalf("%d audit entries; want the one publish", len(a))
	}
	if n := waitNotification(t, db, 200*time.Millisecond); n != "" {
		t.Fatalf("a failed publish notified %q", n)
	}
	m, err := s.Publish(ctx, big(), geodata.Report{}, geodata.AuditEntry{Actor: "a"})
	if err != nil || m.Version != 2 {
		t.Fatalf("the next publish: %+v, %v; want v2", m, err)
	}
	if n := waitNotification(t, db, time.Second); n != "clinics:2" {
		t.Fatalf("notification %q, want clinics:2", n)
	}
	if l, err := s.Open(ctx, "clinics", 2); err != nil || len(l.Features) != 20000 || l.Features[19999].ID != "19999" {
		t.Fatalf("Open v2: %v", err)
	}
}

// waitNotification returns the payload of the next notification on c,
// or "" when none comes within d.
func waitNotification(t *testing.T, c *pgx.Conn, d time.Duration) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	n, err := c.WaitForNotification(ctx)
	if err != nil {
		if ctx.Err() != nil {
			return ""
		}
		t.Fatal(err)
	}
	if n.Channel != LayersChannel {
		t.Fatalf("notification on %q", n.Channel)
	}
	return n.Payload
}

// TestPostGISNotifiesEveryChange: replicas learn of every new current
// version and of deletes from LayersChannel.
func TestPostGISNotifiesEveryChange(t *testing.T) {
	ctx := context.Background()
	url := newDatabase(t)
	s := openPostGIS(t, url)
	db := psql(t, url)
	if _, err := db.Exec(ctx, "LISTEN "+LayersChannel); err != nil {
		t.Fatal(err)
	}
	by := geodata.AuditEntry{Actor: "a"}
	s.Publish(ctx, layer("clinics", 1), geodata.Report{}, by)
	s.Publish(ctx, layer("clinics", 2), geodata.Report{}, by)
	s.Delete(ctx, "clinics", by)
	s.Restore(ctx, "clinics", 1, by)
	var got []string
	for range 4 {
		got = append(got, waitNotification(t, db, time.Second))
	}
	if want := "clinics:1 clinics:2 clinics:deleted clinics:3"; strings.Join(got, " ") != want {
		t.Fatalf("notifications %q, want %s", got, want)
	}
}

// TestPostGISSchema: the geometry column has a GiST index, holds SRID
// 4326, and versions, features and the audit log are in their own
// tables (migrations/0001_layers.sql).
func TestPostGISSchema(t *testing.T) {
	ctx := context.Background()
	url := newDatabase(t)
	s := openPostGIS(t, url)
	l := roundTripLayer()
	if _, err := s.Publish(ctx, l, geodata.Report{Read: 10}, geodata.AuditEntry{Actor: "a"}); err != nil {
		t.Fatal(err)
	}
	db := psql(t, url)
	if n := count(t, db, `SELECT count(*) FROM pg_indexes WHERE tablename = 'features' AND indexdef LIKE '%USING gist (geom)%'`); n != 1 {
		t.Fatalf("%d GiST indexes on features.geom, want 1", n)
	}
	if n := count(t, db, `SELECT count(*) FROM features WHERE ST_SRID(geom) = 4326 AND layer_id = 'roundtrip'`); n != len(l.Features) {
		t.Fatalf("%d features with SRID 4326, want %d", n, len(l.Features))
	}
	// The index answers a bounding-box query.
	if _, err := db.Exec(ctx, "SET enable_seqscan = off"); err != nil {
		t.Fatal(err)
	}
	var plan strings.Builder
	rows, err := db.Query(ctx, "EXPLAIN SELECT seq FROM features WHERE geom && ST_MakeEnvelope(0, 0, 1, 1, 4326)")
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var line string
		rows.Scan(&line)
		plan.WriteString(line + "\n")
	}
	if !strings.Contains(plan.String(), "features_geom_idx") {
		t.Fatalf("a bbox query does not use the GiST index:\n%s", plan.String())
	}
	var typ string
	if err := db.QueryRow(ctx, "SELECT GeometryType(geom) FROM features WHERE layer_id = 'roundtrip' AND seq = 6").Scan(&typ); err != nil || typ != "MULTIPOLYGON" {
		t.Fatalf("feature 7 stored as %q, %v; want MULTIPOLYGON", typ, err)
	}
	s.Publish(ctx, layer("clinics", 1), geodata.Report{}, geodata.AuditEntry{Actor: "a"})
	var kind string
	if err := db.QueryRow(ctx, "SELECT meta->>'kind' FROM layer_versions WHERE layer_id = 'clinics' AND version = 1").Scan(&kind); err != nil || kind != "service" {
		t.Fatalf("meta->>'kind' = %q, %v", kind, err)
	}
}

// TestPostGISPublishFirst: only the first of several replicas installing
// a layer publishes it; a layer that ever had a version is left alone.
func TestPostGISPublishFirst(t *testing.T) {
	ctx := context.Background()
	url := newDatabase(t)
	stores := []*PostGIS{openPostGIS(t, url), openPostGIS(t, url), openPostGIS(t, url)}
	var wg sync.WaitGroup
	var mu sync.Mutex
	published := 0
	for _, s := range stores {
		wg.Go(func() {
			_, ok, err := s.Admin().PublishFirst(ctx, layer("routes", 2), geodata.Report{}, geodata.AuditEntry{Actor: "bundled-sample"})
			if err != nil {
				t.Error(err)
			}
			if ok {
				mu.Lock()
				published++
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if vs, _ := stores[0].Versions(ctx, "routes"); published != 1 || len(vs) != 1 {
		t.Fatalf("%d replicas published, %d versions; want 1 and 1", published, len(vs))
	}
	stores[0].Delete(ctx, "routes", geodata.AuditEntry{Actor: "a"})
	if _, ok, err := stores[1].Admin().PublishFirst(ctx, layer("routes", 2), geodata.Report{}, geodata.AuditEntry{Actor: "b"}); ok || err != nil {
		t.Fatalf("PublishFirst over a deleted layer: %v, %v; want nothing written", ok, err)
	}
}

// TestPostGISImport: versions copied from another store keep their
// numbers and metadata; copying again adds nothing.
func TestPostGISImport(t *testing.T) {
	ctx := context.Background()
	s := openPostGIS(t, newDatabase(t))
	l := layer("clinics", 2)
	l.Summarise()
	l.Meta.Version, l.Meta.UpdatedBy = 3, "amina"
	l.Meta.UpdatedAt = time.Date(2024, 5, 1, 10, 0, 0, 0, time.UTC)
	for range 2 {
		if _, err := s.Admin().ImportVersion(ctx, l, geodata.Report{Read: 2}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.Current(ctx, "clinics"); geodata.ErrorCode(err) != geodata.NotFound {
		t.Fatalf("an imported version became current before ImportState: %v", err)
	}
	if err := s.Admin().ImportState(ctx, "clinics", 3); err != nil {
		t.Fatal(err)
	}
	cur, err := s.Current(ctx, "clinics")
	if err != nil || !cur.UpdatedAt.Equal(l.Meta.UpdatedAt) || cur.Version != 3 || cur.UpdatedBy != "amina" {
		t.Fatalf("Current = %+v, %v", cur, err)
	}
	if vs, _ := s.Versions(ctx, "clinics"); len(vs) != 1 {
		t.Fatalf("%d versions after importing one twice", len(vs))
	}
	m, err := s.Publish(ctx, layer("clinics", 1), geodata.Report{}, geodata.AuditEntry{Actor: "a"})
	if err != nil || m.Version != 4 {
		t.Fatalf("publish after import: v%d, %v; want v4", m.Version, err)
	}
	if err := s.Admin().ImportState(ctx, "clinics", 0); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Current(ctx, "clinics"); err == nil || !strings.Contains(err.Error(), "deleted") {
		t.Fatalf("after importing a delete: %v", err)
	}
	e := geodata.AuditEntry{Time: time.Date(2024, 5, 1, 10, 0, 0, 0, time.UTC), Actor: "amina", Action: "publish", Outcome: "ok"}
	for range 2 {
		if _, err := s.Admin().ImportAudit(ctx, "files:1:abc", e); err != nil {
			t.Fatal(err)
		}
	}
	a, _ := ReadAudit(ctx, s, 0)
	if len(a) != 2 || !a[1].Time.Equal(e.Time) || a[1].Actor != "amina" {
		t.Fatalf("audit after importing one entry twice: %+v", a)
	}
}

// bundledIncidents returns the bundled incidents layer and its report.
func bundledIncidents(tb testing.TB) (*geodata.Layer, geodata.Report) {
	tb.Helper()
	bundled, err := sample.Layers()
	if err != nil {
		tb.Fatal(err)
	}
	for _, b := range bundled {
		if b.Meta.ID != "incidents" {
			continue
		}
		zr, err := gzipReader(b.GeoJSONGzip)
		if err != nil {
			tb.Fatal(err)
		}
		feats, _, err := formats.DecodeGeoJSON(zr)
		if err != nil {
			tb.Fatal(err)
		}
		return &geodata.Layer{Meta: b.Meta, Features: feats}, b.Report
	}
	tb.Fatal("no bundled incidents layer")
	return nil, geodata.Report{}
}

// TestPostGISBundledIncidentsMatchFiles: the largest bundled layer reads
// back from PostGIS feature for feature as from the file store.
func TestPostGISBundledIncidentsMatchFiles(t *testing.T) {
	if testing.Short() && os.Getenv("CI") != "true" {
		t.Skip("-short")
	}
	ctx := context.Background()
	l, rep := bundledIncidents(t)
	var opened []*geodata.Layer
	for _, b := range backends {
		s, _ := b.open(t)
		m, err := s.Publish(ctx, &geodata.Layer{Meta: l.Meta, Features: l.Features}, rep, geodata.AuditEntry{Actor: "a"})
		if err != nil {
			t.Fatal(err)
		}
		o, err := s.Open(ctx, m.ID, m.Version)
		if err != nil {
			t.Fatal(err)
		}
		opened = append(opened, o)
	}
	files, pg := opened[0], opened[1]
	if len(files.Features) != len(pg.Features) || len(pg.Features) < 10000 {
		t.Fatalf("%d features from files, %d from postgis", len(files.Features), len(pg.Features))
	}
	for i := range files.Features {
		a, b := files.Features[i], pg.Features[i]
		aj, _ := formats.AppendFeature(nil, a, formats.EncodeOptions{Precision: -1})
		bj, _ := formats.AppendFeature(nil, b, formats.EncodeOptions{Precision: -1})
		if string(aj) != string(bj) {
			t.Fatalf("feature %d differs:\nfiles   %s\npostgis %s", i, aj, bj)
		}
	}
	rj, _ := json.Marshal(files.Meta.Schema)
	pj, _ := json.Marshal(pg.Meta.Schema)
	if string(rj) != string(pj) {
		t.Fatalf("schema differs: %s / %s", rj, pj)
	}
}

// BenchmarkPublishOpen publishes and opens the bundled incidents layer
// (about 17,800 points with a dozen properties) in each store.
func BenchmarkPublishOpen(b *testing.B) {
	l, rep := bundledIncidents(b)
	for _, be := range backends {
		b.Run(be.name, func(b *testing.B) {
			s, _ := be.open(b)
			ctx := context.Background()
			b.Run("publish", func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					if _, err := s.Publish(ctx, &geodata.Layer{Meta: l.Meta, Features: l.Features}, rep, geodata.AuditEntry{Actor: "bench"}); err != nil {
						b.Fatal(err)
					}
				}
			})
			b.Run("open", func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					if _, err := s.Open(ctx, "incidents", 1); err != nil {
						b.Fatal(err)
					}
				}
			})
		})
	}
}

// BenchmarkOpen200k opens a synthetic layer of 200,000 incidents from
// each store and reports the heap the opened layer holds (retained-MB)
// and how much was allocated on the way (B/op).
func BenchmarkOpen200k(b *testing.B) {
	base, rep := bundledIncidents(b)
	l := &geodata.Layer{Meta: base.Meta, Features: synthetic.Incidents(base.Features, 200_000, 1)}
	for _, be := range backends {
		b.Run(be.name, func(b *testing.B) {
			s, _ := be.open(b)
			ctx := context.Background()
			m, err := s.Publish(ctx, &geodata.Layer{Meta: l.Meta, Features: l.Features}, rep, geodata.AuditEntry{Actor: "bench"})
			if err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			var retained float64
			for b.Loop() {
				before := heapInUse()
				o, err := s.Open(ctx, m.ID, m.Version)
				if err != nil {
					b.Fatal(err)
				}
				retained = float64(heapInUse()-before) / (1 << 20)
				if len(o.Features) != 200_000 {
					b.Fatalf("%d features", len(o.Features))
				}
			}
			b.ReportMetric(retained, "retained-MB")
		})
	}
}

func heapInUse() int64 {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return int64(ms.HeapAlloc)
}

func gzipReader(b []byte) (io.Reader, error) { return gzip.NewReader(bytes.NewReader(b)) }

// TestPostGISSimpleProtocol: behind a pooler such as PgBouncer in
// transaction mode, the URL asks for the simple protocol
// (default_query_exec_mode=simple_protocol), where every value comes back
// as text; features still read back as the file store returns them.
func TestPostGISSimpleProtocol(t *testing.T) {
	ctx := context.Background()
	files, _ := backends[0].open(t)
	files.Publish(ctx, roundTripLayer(), geodata.Report{}, geodata.AuditEntry{Actor: "a"})
	want, err := files.Open(ctx, "roundtrip", 1)
	if err != nil {
		t.Fatal(err)
	}
	s := openPostGIS(t, newDatabase(t)+"?default_query_exec_mode=simple_protocol")
	if _, err := s.Publish(ctx, roundTripLayer(), geodata.Report{}, geodata.AuditEntry{Actor: "a"}); err != nil {
		t.Fatal(err)
	}
	got, err := s.Open(ctx, "roundtrip", 1)
	if err != nil {
		t.Fatal(err)
	}
	for i := range want.Features {
		g, w := got.Features[i], want.Features[i]
		if !reflect.DeepEqual(g.ID, w.ID) || !reflect.DeepEqual(g.Geometry, w.Geometry) || !reflect.DeepEqual(g.Properties, w.Properties) {
			t.Errorf("feature %d:\n got %#v %#v %#v\nwant %#v %#v %#v", i, g.ID, g.Geometry, g.Properties, w.ID, w.Geometry, w.Properties)
		}
	}
	if _, err := s.Restore(ctx, "roundtrip", 1, geodata.AuditEntry{Actor: "a"}); err != nil {
		t.Fatal(err)
	}
	if vs, err := s.Versions(ctx, "roundtrip"); err != nil || len(vs) != 2 {
		t.Fatalf("Versions: %v, %v", vs, err)
	}
}
