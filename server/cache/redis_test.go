package cache

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/routerisk/routerisk/internal/testredis"
)

func newTestRedis(t *testing.T, url string) *Redis {
	t.Helper()
	r, err := NewRedis(RedisOptions{URL: url, Timeout: 50 * time.Millisecond, Cooldown: 300 * time.Millisecond, Prefix: "test:"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = r.Close() })
	return r
}

func TestRedisGetSet(t *testing.T) {
	srv := testredis.Start(t)
	r := newTestRedis(t, srv.URL())
	ctx := context.Background()
	if _, hit, err := r.Get(ctx, "absent"); hit || err != nil {
		t.Fatalf("Get(absent) = hit %v, err %v; want a clean miss", hit, err)
	}
	val := bytes.Repeat([]byte{0x1f, 0x8b, 0}, 100_000) // binary, 300 kB
	if err := r.Set(ctx, "{layer}:v1:q", val); err != nil {
		t.Fatal(err)
	}
	got, hit, err := r.Get(ctx, "{layer}:v1:q")
	if err != nil || !hit || !bytes.Equal(got, val) {
		t.Fatalf("Get after Set: hit %v, err %v, %d bytes; want the %d bytes stored", hit, err, len(got), len(val))
	}
	if s := r.Stats(); s.State != StateOK || s.Hits != 1 || s.Misses != 1 {
		t.Errorf("stats = %+v", s)
	}
}

func TestRedisFailsFastAndRecovers(t *testing.T) {
	srv := testredis.Start(t)
	r := newTestRedis(t, srv.URL())
	ctx := context.Background()
	if err := r.Set(ctx, "k", []byte("v")); err != nil {
		t.Fatal(err)
	}

	srv.Pause(t) // a hung Redis: connections open, no answers
	for i := range 5 {
		start := time.Now()
		_, hit, err := r.Get(ctx, "k")
		if hit || err == nil {
			t.Fatalf("call %d to a paused Redis: hit %v err %v; want an error", i, hit, err)
		}
		if d := time.Since(start); d > 150*time.Millisecond {
			t.Errorf("call %d took %v; a hung Redis must cost at most the timeout", i, d)
		}
	}
	s := r.Stats()
	if s.State != StateDegraded || s.Skipped < 2 {
		t.Errorf("after 5 failed calls: %+v; want degraded with the breaker skipping calls", s)
	}

	srv.Resume(t)
	deadline := time.Now().Add(5 * time.Second)
	for {
		if v, hit, err := r.Get(ctx, "k"); err == nil && hit && string(v) == "v" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("Redis not used again within 5s of coming back: %+v", r.Stats())
		}
		time.Sleep(50 * time.Millisecond)
	}
	if s := r.Stats(); s.State != StateOK {
		t.Errorf("after recovery: %+v, want ok", s)
	}
}

func TestRedisDownAtStart(t *testing.T) {
	srv := testredis.Start(t)
	url := srv.URL()
	srv.Stop(t)
	r := newTestRedis(t, url)
	start := time.Now()
	if _, hit, err := r.Get(context.Background(), "k"); hit || err == nil {
		t.Fatalf("Get against a stopped Redis: hit %v, err %v; want an error", hit, err)
	}
	if d := time.Since(start); d > 150*time.Millisecond {
		t.Errorf("Get against a stopped Redis took %v", d)
	}
}

func TestTieredCopiesRemoteHitsLocally(t *testing.T) {
	srv := testredis.Start(t)
	remote := newTestRedis(t, srv.URL())
	ctx := context.Background()
	writer := &Tiered{Local: NewLRU(1 << 20), Remote: remote}
	if err := writer.Set(ctx, "k", []byte("shared")); err != nil {
		t.Fatal(err)
	}
	// A second replica with an empty local tier finds it in Redis.
	local := NewLRU(1 << 20)
	reader := &Tiered{Local: local, Remote: remote}
	v, hit, err := reader.Get(ctx, "k")
	if err != nil || !hit || string(v) != "shared" {
		t.Fatalf("Get via Redis: %q hit %v err %v", v, hit, err)
	}
	if _, hit, _ := local.Get(ctx, "k"); !hit {
		t.Error("a remote hit was not copied into the local tier")
	}
	srv.Stop(t)
	if v, hit, _ := reader.Get(ctx, "k"); !hit || string(v) != "shared" {
		t.Error("with Redis gone, the local copy should still answer")
	}
}
