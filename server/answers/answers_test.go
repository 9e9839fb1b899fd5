package answers

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/klauspost/compress/gzip"

	"github.com/routerisk/routerisk/geodata/privacy"
)

// mapCache is a cache in a map; failing makes every call fail.
type mapCache struct {
	mu      sync.Mutex
	m       map[string][]byte
	failing bool
}

func (c *mapCache) Get(_ context.Context, k string) ([]byte, bool, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.failing {
		return nil, false, errors.New("down")
	}
	v, ok := c.m[k]
	return v, ok, nil
}

func (c *mapCache) Set(_ context.Context, k string, v []byte) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.failing {
		return errors.New("down")
	}
	c.m[k] = v
	return nil
}

func TestKeyAlwaysCarriesVersionsTierAndQuery(t *testing.T) {
	base := Key{Slot: "incidents", Versions: "v3", What: "features", Query: "bbox=1,2,3,4", Tier: privacy.Public}
	if got, want := base.String(), "{incidents}:v3:features:bbox=1,2,3,4|tier:public"; got != want {
		t.Errorf("key %q, want %q", got, want)
	}
	for name, k := range map[string]Key{
		"another version": {Slot: "incidents", Versions: "v4", What: "features", Query: "bbox=1,2,3,4", Tier: privacy.Public},
		"another tier":    {Slot: "incidents", Versions: "v3", What: "features", Query: "bbox=1,2,3,4", Tier: privacy.Staff},
		"another query":   {Slot: "incidents", Versions: "v3", What: "features", Query: "bbox=1,2,3,5", Tier: privacy.Public},
		"another answer":  {Slot: "incidents", Versions: "v3", What: "values", Query: "bbox=1,2,3,4", Tier: privacy.Public},
	} {
		if k.String() == base.String() || Prepare(k).ETag() == Prepare(base).ETag() {
			t.Errorf("%s shares the key or the ETag", name)
		}
	}
}

func TestGetComputesOnceAndAnswersConditionalRequests(t *testing.T) {
	c := &mapCache{m: map[string][]byte{}}
	a := New(c)
	var computed atomic.Int32
	compute := func() ([]byte, error) {
		computed.Add(1)
		time.Sleep(20 * time.Millisecond)
		return []byte(`{"type":"FeatureCollection","features":[]}`), nil
	}
	k := Key{Slot: "routes", Versions: "v1", What: "features", Tier: privacy.Staff}
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			if _, err := a.Get(context.Background(), k, "", compute); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if n := computed.Load(); n != 1 {
		t.Errorf("computed %d times, want once", n)
	}
	hit, err := a.Get(context.Background(), k, "", compute)
	if err != nil || hit.Cache != CacheHit {
		t.Fatalf("second call: %+v %v", hit, err)
	}
	zr, err := gzip.NewReader(bytes.NewReader(hit.Gzip))
	if err != nil {
		t.Fatal(err)
	}
	if raw, _ := io.ReadAll(zr); !bytes.Contains(raw, []byte("FeatureCollection")) {
		t.Errorf("stored bytes %q", raw)
	}
	strong := strings.TrimPrefix(hit.ETag, "W/")
	if !strings.HasPrefix(hit.ETag, "W/") {
		t.Errorf("ETag %s: a cached answer's tag is weak (its gzip bytes may be compressed again)", hit.ETag)
	}
	for header, want := range map[string]bool{hit.ETag: true, strong: true, `"x", ` + hit.ETag: true, "*": true, `"other"`: false, `W/"other"`: false} {
		r, _ := a.Get(context.Background(), k, header, compute)
		if r.NotModified != want {
			t.Errorf("If-None-Match %s: not modified %v, want %v", header, r.NotModified, want)
		}
	}
	c.failing = true
	r, err := a.Get(context.Background(), Key{Slot: "routes", Versions: "v2"}, "", compute)
	if err != nil || r.Cache != CacheBypass || len(r.Gzip) == 0 {
		t.Errorf("cache down: %+v %v, want the bytes computed and BYPASS", r, err)
	}
	if _, err := a.Get(context.Background(), Key{Slot: "x"}, "", func() ([]byte, error) { return nil, errors.New("bad") }); err == nil {
		t.Error("a failed computation must fail the call")
	}
}

// TestAWaiterRecomputesWhenTheComputingCallerLeaves: two callers share
// one computation; the first leaves and its computation stops; the second
// gets its answer, computed again.
func TestAWaiterRecomputesWhenTheComputingCallerLeaves(t *testing.T) {
	a := New(&mapCache{m: map[string][]byte{}})
	k := Key{Slot: "risk", Versions: "v1", What: "segments", Tier: privacy.Public}
	first, leave := context.WithCancel(context.Background())
	started := make(chan struct{})
	done := make(chan error, 1)
	go func() {
		_, err := a.Get(first, k, "", func() ([]byte, error) {
			close(started)
			<-first.Done()
			return nil, first.Err()
		})
		done <- err
	}()
	<-started
	second := make(chan Result, 1)
	go func() {
		r, err := a.Get(context.Background(), k, "", func() ([]byte, error) { return []byte("answer"), nil })
		if err != nil {
			t.Error(err)
		}
		second <- r
	}()
	time.Sleep(20 * time.Millisecond) // the second caller joins the first's computation
	leave()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Errorf("the caller that left: %v", err)
	}
	if r := <-second; len(r.Gzip) == 0 {
		t.Error("the caller that stayed got no answer")
	}
}

// TestCompressionFollowsWhoWaits: an answer computed while its caller
// waits is compressed at the fast level, one computed in the background
// at the thorough one: the same bytes once decompressed, the background's
// smaller.
func TestCompressionFollowsWhoWaits(t *testing.T) {
	var raw bytes.Buffer
	raw.WriteString(`{"type":"FeatureCollection","features":[`)
	for i := range 3000 {
		if i > 0 {
			raw.WriteByte(',')
		}
		fmt.Fprintf(&raw, `{"type":"Feature","id":"f%d","geometry":{"type":"Point","coordinates":[%.6f,%.6f]},"properties":{"dead":%d,"date":"2023-%02d-%02d"}}`,
			i, 12+float64(i*7919%1000)/997, 35+float64(i*104729%1000)/991, i%5, 1+i%12, 1+i%28)
	}
	raw.WriteString(`]}`)
	compute := func() ([]byte, error) { return raw.Bytes(), nil }
	a := New(&mapCache{m: map[string][]byte{}})
	waited, err := a.Get(context.Background(), Key{Slot: "a"}, "", compute)
	if err != nil {
		t.Fatal(err)
	}
	ahead, err := a.Get(InBackground(context.Background()), Key{Slot: "b"}, "", compute)
	if err != nil {
		t.Fatal(err)
	}
	for name, gz := range map[string][]byte{"waited for": waited.Gzip, "background": ahead.Gzip} {
		zr, err := gzip.NewReader(bytes.NewReader(gz))
		if err != nil {
			t.Fatal(err)
		}
		if got, _ := io.ReadAll(zr); !bytes.Equal(got, raw.Bytes()) {
			t.Errorf("%s: decompressed bytes differ from the answer", name)
		}
	}
	if len(ahead.Gzip) >= len(waited.Gzip) {
		t.Errorf("background answer %d bytes, waited-for %d: the background level should compress harder", len(ahead.Gzip), len(waited.Gzip))
	}
	t.Logf("%d bytes: waited for %d gzip, background %d", raw.Len(), len(waited.Gzip), len(ahead.Gzip))

	// A hit on the fast bytes has them compressed again, in the
	// background; later hits get the smaller bytes, the same content.
	hit, err := a.Get(context.Background(), Key{Slot: "a"}, "", compute)
	if err != nil || hit.Cache != CacheHit || !bytes.Equal(hit.Gzip, waited.Gzip) {
		t.Fatalf("first hit: %s, %v, want the stored fast bytes", hit.Cache, err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for a.recompressed.Load() == 0 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	later, err := a.Get(context.Background(), Key{Slot: "a"}, "", compute)
	if err != nil || !bytes.Equal(later.Gzip, ahead.Gzip) || later.ETag != waited.ETag {
		t.Errorf("a later hit: %d bytes, ETag %s; want the background's %d bytes under the same tag %s", len(later.Gzip), later.ETag, len(ahead.Gzip), waited.ETag)
	}
	// Answers at the background level are never compressed again.
	for range 3 {
		if _, err := a.Get(InBackground(context.Background()), Key{Slot: "b"}, "", compute); err != nil {
			t.Fatal(err)
		}
	}
	time.Sleep(50 * time.Millisecond)
	if n := a.recompressed.Load(); n != 1 {
		t.Errorf("%d answers compressed again, want only the one computed at the fast level", n)
	}

	// Bytes that do not compress (a PNG, say) are compressed again once,
	// not at every hit.
	noise := make([]byte, 64<<10)
	for i := range noise {
		noise[i] = byte(i*7919 + i*i*104729>>7)
	}
	k := Key{Slot: "image"}
	if _, err := a.Get(context.Background(), k, "", func() ([]byte, error) { return noise, nil }); err != nil {
		t.Fatal(err)
	}
	for range 5 {
		if _, err := a.Get(context.Background(), k, "", compute); err != nil {
			t.Fatal(err)
		}
		time.Sleep(20 * time.Millisecond)
	}
	if n := a.recompressed.Load(); n != 2 {
		t.Errorf("after five hits on an incompressible answer, %d answers compressed again in all, want 2", n)
	}
}

func TestAppendedAnswersReuseOneBufferAndStoreExactBytes(t *testing.T) {
	a := New(&mapCache{m: map[string][]byte{}})
	ctx := context.Background()
	body := bytes.Repeat([]byte(`{"type":"Feature","properties":{"dead":1}},`), 2000)
	// Each answer is written into the buffer the answers lend; from the
	// second on, that buffer already holds the capacity of the first.
	var caps []int
	// Twenty answers: under the race detector sync.Pool drops a quarter
	// of what it is given, at random.
	for i := range 20 {
		k := Prepare(Key{Slot: "l", Query: fmt.Sprint(i)})
		res, err := a.GetAppended(ctx, k, "", func(dst []byte) (Appended, error) {
			caps = append(caps, cap(dst))
			if len(dst) != 0 {
				t.Errorf("answer %d: lent a buffer holding %d bytes, want an empty one", i, len(dst))
			}
			return Raw(append(dst, body...)), nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if cap(res.Gzip) != len(res.Gzip) {
			t.Errorf("answer %d: %d gzip bytes kept in a buffer of %d", i, len(res.Gzip), cap(res.Gzip))
		}
		zr, err := gzip.NewReader(bytes.NewReader(res.Gzip))
		if err != nil {
			t.Fatal(err)
		}
		if got, _ := io.ReadAll(zr); !bytes.Equal(got, body) {
			t.Fatalf("answer %d: decompressed bytes differ from the answer", i)
		}
	}
	// sync.Pool may drop a buffer at a collection, so one reuse is the
	// most a test can ask for without forcing the runtime's hand.
	reused := 0
	for _, c := range caps[1:] {
		if c >= len(body) {
			reused++
		}
	}
	if reused == 0 {
		t.Errorf("lent capacities %v: no answer got the buffer of an earlier one", caps)
	}

	// An uncached answer and an error leave the pool usable.
	k := Prepare(Key{Slot: "l", Query: "spam"})
	res, err := a.UncachedAppended(ctx, k, "", func(dst []byte) (Appended, error) { return Raw(append(dst, "[]"...)), nil })
	if err != nil || res.Cache != CacheBypass {
		t.Fatalf("uncached: %v, %s", err, res.Cache)
	}
	boom := errors.New("boom")
	if _, err := a.GetAppended(ctx, Prepare(Key{Slot: "l", Query: "bad"}), "", func(dst []byte) (Appended, error) {
		return Raw(append(dst, "half"...)), boom
	}); !errors.Is(err, boom) {
		t.Fatalf("error: %v, want boom", err)
	}
	if _, hit, _ := a.cache.Get(ctx, Prepare(Key{Slot: "l", Query: "bad"}).String()); hit {
		t.Error("a failed computation was stored")
	}
}

// TestGzippedAnswersAreStoredAsTheyAre: an answer its computation
// compressed already is stored byte for byte, in a buffer of its own
// (not the lent one), and never compressed again on reuse.
func TestGzippedAnswersAreStoredAsTheyAre(t *testing.T) {
	a := New(&mapCache{m: map[string][]byte{}})
	ctx := context.Background()
	body := bytes.Repeat([]byte(`{"type":"Feature","properties":{"dead":1}},`), 2000)
	var gz bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&gz, gzip.BestCompression)
	_, _ = zw.Write(body)
	_ = zw.Close()
	k := Prepare(Key{Slot: "l", Query: "gz"})
	var lent []byte
	res, err := a.GetAppended(ctx, k, "", func(dst []byte) (Appended, error) {
		lent = append(dst, gz.Bytes()...)
		return Appended{Bytes: lent, Gzipped: true}, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(res.Gzip, gz.Bytes()) || cap(res.Gzip) != len(res.Gzip) {
		t.Fatalf("stored %d bytes in a buffer of %d, want the %d given", len(res.Gzip), cap(res.Gzip), gz.Len())
	}
	if &res.Gzip[0] == &lent[0] {
		t.Fatal("the answer kept the lent buffer")
	}
	for range 3 {
		if _, ok := a.Lookup(ctx, k); !ok {
			t.Fatal("the answer was not stored")
		}
	}
	if n := a.recompressed.Load(); n != 0 {
		t.Errorf("compressed again %d times", n)
	}

	// Marked as compressed at the fastest level (a page spliced while its
	// caller waited), it is compressed again on its first reuse.
	var varied bytes.Buffer
	for i := range 4000 {
		fmt.Fprintf(&varied, `{"id":%d,"dead":%d},`, i*7919%10007, i%13)
	}
	body = varied.Bytes()
	gz.Reset()
	zw.Reset(&gz)
	_, _ = zw.Write(body)
	_ = zw.Close()
	fast := Prepare(Key{Slot: "l", Query: "fast"})
	marked := bytes.Clone(gz.Bytes())
	if len(marked) < minRecompress {
		t.Fatalf("%d gzip bytes are too few to be compressed again", len(marked))
	}
	marked[8] = fastestXFL
	if _, err := a.GetAppended(ctx, fast, "", func(dst []byte) (Appended, error) {
		return Appended{Bytes: append(dst, marked...), Gzipped: true}, nil
	}); err != nil {
		t.Fatal(err)
	}
	if _, ok := a.Lookup(ctx, fast); !ok {
		t.Fatal("the marked answer was not stored")
	}
	deadline := time.Now().Add(10 * time.Second)
	for a.recompressed.Load() == 0 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	res, ok := a.Lookup(ctx, fast)
	if !ok || res.Gzip[8] == fastestXFL {
		t.Fatalf("the reused fast answer was not compressed again (stored %v)", ok)
	}
	zr, err := gzip.NewReader(bytes.NewReader(res.Gzip))
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := io.ReadAll(zr); !bytes.Equal(got, body) {
		t.Error("the answer compressed again holds other bytes")
	}
}
