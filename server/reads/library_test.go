package reads

import (
	"context"
	"fmt"
	"net/url"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"github.com/routerisk/routerisk/geodata"
	"github.com/routerisk/routerisk/server/answers"
	"github.com/routerisk/routerisk/server/cache"
	"github.com/routerisk/routerisk/server/store"
)

// testStore is the store these tests publish to.
type testStore interface {
	Source
	Publish(ctx context.Context, l *geodata.Layer, report geodata.Report, by geodata.AuditEntry) (geodata.Meta, error)
	Restore(ctx context.Context, id string, version int, by geodata.AuditEntry) (geodata.Meta, error)
	Delete(ctx context.Context, id string, by geodata.AuditEntry) error
}

// testCatalog bundles a library, its reader and the store it is loaded
// from, publishing as the publishing use case does: store, then install.
type testCatalog struct {
	*Library
	*Reader
	store testStore
}

func newTestCatalog(st testStore, c answers.Cache) *testCatalog {
	lib := New(st)
	return &testCatalog{Library: lib, Reader: NewReader(lib, answers.New(c)), store: st}
}

// Publish stores l and serves it.
func (c *testCatalog) Publish(ctx context.Context, l *geodata.Layer, rep geodata.Report, by geodata.AuditEntry) (geodata.Meta, error) {
	m, err := c.store.Publish(ctx, l, rep, by)
	if err != nil {
		return m, err
	}
	l.Meta = m
	return m, c.Install(l)
}

// Layer, Layers and TimeRange read the library as stored (the reader's
// methods of the same names answer for a view).
func (c *testCatalog) Layer(id string) (geodata.Meta, error) { return c.Library.Layer(id) }

// Layers lists the library's layers as stored.
func (c *testCatalog) Layers() []geodata.Meta { return c.Library.Layers() }

// TimeRange is the library's time range of a layer.
func (c *testCatalog) TimeRange(id string) (geodata.Interval, bool, error) {
	return c.Library.TimeRange(id)
}

// Collections lists the library's collections as stored.
func (c *testCatalog) Collections() []geodata.Meta { return c.Library.Collections() }

// Restore stores a restore and serves it.
func (c *testCatalog) Restore(ctx context.Context, id string, v int, by geodata.AuditEntry) (geodata.Meta, error) {
	m, err := c.store.Restore(ctx, id, v, by)
	if err != nil {
		return m, err
	}
	l, err := c.store.Open(ctx, m.ID, m.Version)
	if err != nil {
		return m, err
	}
	return m, c.Install(l)
}

// Delete stores a delete and stops serving the layer.
func (c *testCatalog) Delete(ctx context.Context, id string, by geodata.AuditEntry) error {
	if err := c.store.Delete(ctx, id, by); err != nil {
		return err
	}
	c.Drop(id)
	return nil
}

// slowSetCache is a real LRU whose Set takes a while and is counted, so
// concurrent misses overlap inside one computation.
type slowSetCache struct {
	*cache.LRU
	sets atomic.Int64
}

func (c *slowSetCache) Set(ctx context.Context, key string, val []byte) error {
	c.sets.Add(1)
	time.Sleep(200 * time.Millisecond)
	return c.LRU.Set(ctx, key, val)
}

func openTestCatalog(t *testing.T, c answers.Cache) *testCatalog {
	t.Helper()
	st, err := store.OpenFiles(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	l := &geodata.Layer{Meta: geodata.Meta{ID: "services", Kind: geodata.KindService, Title: "Services", Sensitivity: geodata.Public}}
	for i := range 100 {
		f := geojson.NewFeature(orb.Point{float64(i), 0})
		f.ID = i
		f.Properties = geojson.Properties{"category": "health"}
		l.Features = append(l.Features, f)
	}
	ctx := context.Background()
	if _, err := st.Publish(ctx, l, geodata.Report{}, geodata.AuditEntry{Actor: "test"}); err != nil {
		t.Fatal(err)
	}
	cat := newTestCatalog(st, c)
	if err := cat.Load(ctx); err != nil {
		t.Fatal(err)
	}
	return cat
}

func TestConcurrentMissesComputeOnce(t *testing.T) {
	c := &slowSetCache{LRU: cache.NewLRU(1 << 20)}
	cat := openTestCatalog(t, c)
	var wg sync.WaitGroup
	results := make([]answers.Result, 8)
	for i := range results {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r, err := cat.Features(context.Background(), FeaturesRequest{Layer: "services", Params: url.Values{"bbox": {"10,-1,20,1"}}})
			if err != nil {
				t.Error(err)
			}
			results[i] = r
		}()
	}
	wg.Wait()
	if n := c.sets.Load(); n != 1 {
		t.Errorf("8 concurrent misses of one key stored %d times, want 1", n)
	}
	for _, r := range results[1:] {
		if string(r.Gzip) != string(results[0].Gzip) || r.ETag != results[0].ETag {
			t.Error("concurrent callers got different bytes")
		}
	}
}

func TestNewVersionChangesKeysAndETags(t *testing.T) {
	cat := openTestCatalog(t, cache.NewLRU(1<<20))
	ctx := context.Background()
	// RawQuery set: the second request and the one after the new version
	// take the remembered-key path, which must follow the version too.
	req := FeaturesRequest{Layer: "services", Params: url.Values{"limit": {"1000"}}, RawQuery: "limit=1000"}
	before, err := cat.Features(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	if r, _ := cat.Features(ctx, req); r.Cache != answers.CacheHit {
		t.Fatalf("second request: %s, want HIT", r.Cache)
	}
	l := &geodata.Layer{Meta: geodata.Meta{ID: "services", Kind: geodata.KindService, Title: "Services", Sensitivity: geodata.Public},
		Features: []*geojson.Feature{geojson.NewFeature(orb.Point{1, 1})}}
	m, err := cat.Publish(ctx, l, geodata.Report{}, geodata.AuditEntry{Actor: "test"})
	if err != nil || m.Version != 2 {
		t.Fatalf("publish: v%d %v", m.Version, err)
	}
	after, err := cat.Features(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	if after.Cache != answers.CacheMiss || after.ETag == before.ETag {
		t.Errorf("after a new version: X-Cache %s, ETag %s (was %s); want a MISS under a new ETag", after.Cache, after.ETag, before.ETag)
	}
	if again, _ := cat.Features(ctx, req); again.Cache != answers.CacheHit || again.ETag != after.ETag {
		t.Errorf("the new version's key was not remembered: %s %s", again.Cache, again.ETag)
	}
	if r, _ := cat.Features(ctx, FeaturesRequest{Layer: "services", Params: url.Values{"limit": {"1000"}}, RawQuery: "limit=1000", IfNoneMatch: before.ETag}); r.NotModified {
		t.Error("the old version's ETag still answered 304")
	}
	if got, _ := cat.Layer("services"); got.FeatureCount != 1 {
		t.Errorf("metadata not updated: %+v", got)
	}
}

// TestLargeLayerNotEncodedFirst: a layer whose first encodeSample features
// foretell more than maxPreEncodedBytes in all is left to be encoded on
// demand without encoding the rest first.
func TestLargeLayerNotEncodedFirst(t *testing.T) {
	props := geojson.Properties{"name": strings.Repeat("x", 1000)}
	n := maxPreEncodedBytes/1000 + encodeSample
	feats := make([]*geojson.Feature, n)
	for i := range feats {
		feats[i] = &geojson.Feature{Type: "Feature", Geometry: orb.Point{1, 1}, Properties: props}
	}
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	ld, err := prepare(&geodata.Layer{Meta: geodata.Meta{ID: "a"}, Features: feats})
	if err != nil {
		t.Fatal(err)
	}
	runtime.ReadMemStats(&after)
	if ld.encoded != nil {
		t.Fatalf("%d features of about 1 KB each kept encoded (bound %d bytes)", n, maxPreEncodedBytes)
	}
	if allocated := after.TotalAlloc - before.TotalAlloc; allocated > maxPreEncodedBytes/2 {
		t.Errorf("prepare allocated %d MB for a layer it does not keep encoded: it encoded more than a sample first", allocated>>20)
	}
	few, _ := prepare(&geodata.Layer{Meta: geodata.Meta{ID: "a"}, Features: feats[:encodeSample+1]})
	if few.encoded == nil {
		t.Fatalf("%d features of about 1 KB each not kept encoded", encodeSample+1)
	}
}

// TestLargeLayerEncodedOnDemand: a layer past maxPreEncodedBytes keeps no
// encodings, and answers byte for byte as a small one does.
func TestLargeLayerEncodedOnDemand(t *testing.T) {
	var feats []*geojson.Feature
	for i := range 3 {
		f := geojson.NewFeature(orb.Point{float64(i), 1})
		f.ID = fmt.Sprintf("f%d", i)
		f.Properties = geojson.Properties{"name": strings.Repeat("x", 40)}
		feats = append(feats, f)
	}
	small, err := prepare(&geodata.Layer{Meta: geodata.Meta{ID: "a"}, Features: feats})
	if err != nil || small.encoded == nil {
		t.Fatalf("small layer: %v, encoded %v", err, small.encoded != nil)
	}
	big, _ := prepare(&geodata.Layer{Meta: geodata.Meta{ID: "a"}, Features: feats})
	big.encoded = nil // as prepare leaves a layer past the bound
	for i := range feats {
		a, _ := small.featureJSON(i)
		b, err := big.featureJSON(i)
		if err != nil || string(a) != string(b) {
			t.Fatalf("feature %d: %s vs %s (%v)", i, a, b, err)
		}
	}
	q := geodata.Query{Limit: 10, Precision: -1}
	pa, _ := encodePage(nil, small, q, page{}, FeaturesRequest{})
	pb, _ := encodePage(nil, big, q, page{}, FeaturesRequest{})
	if string(pa.Bytes) != string(pb.Bytes) {
		t.Fatalf("pages differ:\n%s\n%s", pa.Bytes, pb.Bytes)
	}
}

// TestSyncFollowsAnotherCatalog: two libraries on one store, as two
// replicas: what one publishes, restores or deletes, the other serves
// after Sync, and a Sync never drops a layer published since its list.
func TestSyncFollowsAnotherCatalog(t *testing.T) {
	ctx := context.Background()
	st, err := store.OpenFiles(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	one, two := newTestCatalog(st, cache.NewLRU(1<<20)), newTestCatalog(st, cache.NewLRU(1<<20))
	layer := func(id string, n int) *geodata.Layer {
		l := &geodata.Layer{Meta: geodata.Meta{ID: id, Kind: geodata.KindService, Title: id, Sensitivity: geodata.Public}}
		for i := range n {
			f := geojson.NewFeature(orb.Point{float64(i), 1})
			f.ID = fmt.Sprint(i)
			l.Features = append(l.Features, f)
		}
		return l
	}
	count := func(c *testCatalog, id string) int {
		m, err := c.Layer(id)
		if err != nil {
			return -1
		}
		return m.FeatureCount
	}
	if _, err := one.Publish(ctx, layer("clinics", 3), geodata.Report{}, geodata.AuditEntry{Actor: "a"}); err != nil {
		t.Fatal(err)
	}
	if count(two, "clinics") != -1 {
		t.Fatal("the second library knew the layer before syncing")
	}
	changed, err := two.Sync(ctx)
	if err != nil || len(changed) != 1 || count(two, "clinics") != 3 {
		t.Fatalf("after the first sync: %v %v, %d features", changed, err, count(two, "clinics"))
	}
	if changed, _ := two.Sync(ctx); len(changed) != 0 {
		t.Errorf("a sync with nothing new changed %v", changed)
	}
	one.Publish(ctx, layer("clinics", 5), geodata.Report{}, geodata.AuditEntry{Actor: "a"})
	two.Sync(ctx)
	if count(two, "clinics") != 5 {
		t.Errorf("new version: %d features", count(two, "clinics"))
	}
	if _, err := two.Restore(ctx, "clinics", 1, geodata.AuditEntry{Actor: "b"}); err != nil {
		t.Fatal(err)
	}
	one.Sync(ctx)
	if m, _ := one.Layer("clinics"); m.Version != 3 || m.FeatureCount != 3 {
		t.Errorf("restore through the other: %+v", m)
	}
	if err := one.Delete(ctx, "clinics", geodata.AuditEntry{Actor: "a"}); err != nil {
		t.Fatal(err)
	}
	two.Sync(ctx)
	if count(two, "clinics") != -1 {
		t.Error("a deleted layer is still served by the other library")
	}
	// A layer published here after Sync read the store's list is kept:
	// Sync asks the store again before dropping it.
	stale := newTestCatalog(staleList{testStore: st, hide: "shelters"}, cache.NewLRU(1<<20))
	if _, err := stale.Publish(ctx, layer("shelters", 2), geodata.Report{}, geodata.AuditEntry{Actor: "b"}); err != nil {
		t.Fatal(err)
	}
	if _, err := stale.Sync(ctx); err != nil || count(stale, "shelters") != 2 {
		t.Errorf("a layer missing from a stale list was dropped: %d %v", count(stale, "shelters"), err)
	}
}

// staleList is a store whose List was read before layer hide was published.
type staleList struct {
	testStore
	hide string
}

func (s staleList) List(ctx context.Context) ([]geodata.Meta, error) {
	metas, err := s.testStore.List(ctx)
	out := metas[:0]
	for _, m := range metas {
		if m.ID != s.hide {
			out = append(out, m)
		}
	}
	return out, err
}

func TestFollowSyncsOnNoticeAndOnTick(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	st, err := store.OpenFiles(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	writer, reader := newTestCatalog(st, cache.NewLRU(1<<20)), newTestCatalog(st, cache.NewLRU(1<<20))
	notices := make(chan string, 1)
	done := make(chan struct{})
	go func() {
		reader.Follow(ctx, time.Hour, notices, func(err error) { t.Error(err) })
		close(done)
	}()
	publish := func(id string) {
		l := &geodata.Layer{Meta: geodata.Meta{ID: id, Kind: geodata.KindService, Title: id, Sensitivity: geodata.Public},
			Features: []*geojson.Feature{geojson.NewFeature(orb.Point{1, 2})}}
		if _, err := writer.Publish(ctx, l, geodata.Report{}, geodata.AuditEntry{Actor: "w"}); err != nil {
			t.Fatal(err)
		}
	}
	waitFor := func(c *testCatalog, id string, within time.Duration) bool {
		deadline := time.Now().Add(within)
		for time.Now().Before(deadline) {
			if _, err := c.Layer(id); err == nil {
				return true
			}
			time.Sleep(5 * time.Millisecond)
		}
		return false
	}
	publish("clinics")
	if waitFor(reader, "clinics", 200*time.Millisecond) {
		t.Fatal("the reader loaded the layer without a notice or a tick (the interval is an hour)")
	}
	notices <- "clinics"
	if !waitFor(reader, "clinics", 2*time.Second) {
		t.Fatal("a notice did not make the reader sync")
	}
	cancel()
	<-done

	// With the notices closed, the interval alone keeps it in line.
	ctx2, cancel2 := context.WithCancel(context.Background())
	defer cancel2()
	closed := make(chan string)
	close(closed)
	go reader.Follow(ctx2, 20*time.Millisecond, closed, nil)
	publish("shelters")
	if !waitFor(reader, "shelters", 2*time.Second) {
		t.Fatal("polling did not pick up a new layer")
	}
}

// countingStore is a file store that counts its changes, as PostGIS does.
type countingStore struct {
	testStore
	gen   atomic.Int64
	asked atomic.Int64
}

func (s *countingStore) Generation(context.Context) (int64, error) {
	s.asked.Add(1)
	return s.gen.Load(), nil
}

// TestFreshSyncsOnlyWhenTheStoreChanged: Fresh loads what another library
// published before answering, and with nothing new it only asks.
func TestFreshSyncsOnlyWhenTheStoreChanged(t *testing.T) {
	ctx := context.Background()
	files, err := store.OpenFiles(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	st := &countingStore{testStore: files}
	writer, reader := newTestCatalog(files, cache.NewLRU(1<<20)), newTestCatalog(st, cache.NewLRU(1<<20))
	publish := func(n int) {
		l := &geodata.Layer{Meta: geodata.Meta{ID: "clinics", Kind: geodata.KindService, Title: "Clinics", Sensitivity: geodata.Public}}
		for i := range n {
			l.Features = append(l.Features, geojson.NewFeature(orb.Point{float64(i), 0}))
		}
		if _, err := writer.Publish(ctx, l, geodata.Report{}, geodata.AuditEntry{Actor: "w"}); err != nil {
			t.Fatal(err)
		}
		st.gen.Add(1)
	}
	publish(2)
	if err := reader.Fresh(ctx); err != nil {
		t.Fatal(err)
	}
	if m, err := reader.Layer("clinics"); err != nil || m.FeatureCount != 2 {
		t.Fatalf("after Fresh: %+v %v", m, err)
	}
	publish(5)
	if m, _ := reader.Layer("clinics"); m.FeatureCount != 2 {
		t.Fatal("the reader changed without Fresh")
	}
	reader.Fresh(ctx)
	if m, _ := reader.Layer("clinics"); m.FeatureCount != 5 {
		t.Fatalf("Fresh missed the new version: %d features", m.FeatureCount)
	}
	before := st.asked.Load()
	for range 3 {
		reader.Fresh(ctx)
	}
	if st.asked.Load() != before+3 {
		t.Errorf("Fresh asked the store %d times for 3 calls", st.asked.Load()-before)
	}
	// A store that does not count changes: Fresh does nothing.
	if err := newTestCatalog(files, cache.NewLRU(1<<20)).Fresh(ctx); err != nil {
		t.Fatal(err)
	}
}

// TestOnChangeSeesEveryChange: the watchers hear of every version
// published, restored or deleted here and of every one a sync brings,
// and of nothing else.
func TestOnChangeSeesEveryChange(t *testing.T) {
	ctx := context.Background()
	st, err := store.OpenFiles(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	here, there := newTestCatalog(st, cache.NewLRU(1<<20)), newTestCatalog(st, cache.NewLRU(1<<20))
	var nHere, nThere atomic.Int64
	here.OnChange(func() { nHere.Add(1) })
	there.OnChange(func() { nThere.Add(1) })
	layer := &geodata.Layer{Meta: geodata.Meta{ID: "clinics", Kind: geodata.KindService, Title: "Clinics", Sensitivity: geodata.Public},
		Features: []*geojson.Feature{geojson.NewFeature(orb.Point{1, 1})}}
	by := geodata.AuditEntry{Actor: "a"}
	steps := []struct {
		name              string
		do                func() error
		wantHere, wantThe int64
	}{
		{"publish", func() error { _, err := here.Publish(ctx, layer, geodata.Report{}, by); return err }, 1, 0},
		{"sync it", func() error { _, err := there.Sync(ctx); return err }, 1, 1},
		{"sync nothing new", func() error { _, err := there.Sync(ctx); return err }, 1, 1},
		{"publish again", func() error { _, err := here.Publish(ctx, layer, geodata.Report{}, by); return err }, 2, 1},
		{"restore", func() error { _, err := here.Restore(ctx, "clinics", 1, by); return err }, 3, 1},
		{"sync both versions", func() error { _, err := there.Sync(ctx); return err }, 3, 2},
		{"delete", func() error { return here.Delete(ctx, "clinics", by) }, 4, 2},
		{"sync the delete", func() error { _, err := there.Sync(ctx); return err }, 4, 3},
		{"drop an unknown layer", func() error { here.Drop("nothing"); return nil }, 4, 3},
	}
	for _, s := range steps {
		if err := s.do(); err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
		if nHere.Load() != s.wantHere || nThere.Load() != s.wantThe {
			t.Errorf("after %s: %d and %d changes heard, want %d and %d", s.name, nHere.Load(), nThere.Load(), s.wantHere, s.wantThe)
		}
	}
}

// TestPositionByID: a feature is found by its id, a number by its text;
// of two sharing an id the last is found; a feature without one is not.
func TestPositionByID(t *testing.T) {
	var feats []*geojson.Feature
	for _, id := range []any{"a", 7.0, nil, "b", "a"} {
		f := geojson.NewFeature(orb.Point{1, 1})
		f.ID = id
		feats = append(feats, f)
	}
	ld, err := prepare(&geodata.Layer{Meta: geodata.Meta{ID: "l"}, Features: feats})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		id   string
		want int
		ok   bool
	}{{"a", 4, true}, {"7", 1, true}, {"b", 3, true}, {"", 0, false}, {"c", 0, false}} {
		if got, ok := ld.position(c.id); got != c.want || ok != c.ok {
			t.Errorf("position(%q) = %d, %v; want %d, %v", c.id, got, ok, c.want, c.ok)
		}
	}
}
