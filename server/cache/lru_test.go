package cache

import (
	"context"
	"fmt"
	"sync"
	"testing"
)

func TestLRUEvictsLeastRecentlyUsed(t *testing.T) {
	ctx := context.Background()
	c := NewLRU(400)
	val := make([]byte, 90)
	for i := range 4 {
		_ = c.Set(ctx, fmt.Sprintf("k%d", i), val)
	}
	if _, ok, _ := c.Get(ctx, "k0"); !ok { // k0 is now the most recent
		t.Fatal("k0 missing before the cache is full")
	}
	_ = c.Set(ctx, "k4", val) // over 400 bytes: k1 goes
	if _, ok, _ := c.Get(ctx, "k1"); ok {
		t.Error("k1 should have been evicted as least recently used")
	}
	for _, k := range []string{"k0", "k2", "k3", "k4"} {
		if _, ok, _ := c.Get(ctx, k); !ok {
			t.Errorf("%s evicted, want kept", k)
		}
	}
	if c.Bytes() > 400 {
		t.Errorf("holds %d bytes, bound 400", c.Bytes())
	}
	if s := c.Stats(); s.Evictions != 1 || s.Hits != 5 || s.Misses != 1 {
		t.Errorf("stats = %+v, want 1 eviction, 5 hits, 1 miss", s)
	}
}

func TestLRUSkipsValuesLargerThanAQuarter(t *testing.T) {
	ctx := context.Background()
	c := NewLRU(1000)
	_ = c.Set(ctx, "small", make([]byte, 100))
	_ = c.Set(ctx, "huge", make([]byte, 300))
	if _, ok, _ := c.Get(ctx, "huge"); ok {
		t.Error("a value over a quarter of the bound was kept")
	}
	if _, ok, _ := c.Get(ctx, "small"); !ok {
		t.Error("a huge value flushed a small one")
	}
}

func TestLRUReplaceKeepsAccounting(t *testing.T) {
	ctx := context.Background()
	c := NewLRU(1000)
	_ = c.Set(ctx, "k", make([]byte, 100))
	_ = c.Set(ctx, "k", make([]byte, 50))
	if got, want := c.Bytes(), int64(1+50); got != want {
		t.Errorf("bytes = %d, want %d", got, want)
	}
	if c.Len() != 1 {
		t.Errorf("len = %d, want 1", c.Len())
	}
}

func TestLRUConcurrentUse(t *testing.T) {
	ctx := context.Background()
	c := NewLRU(10_000)
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 1000 {
				k := fmt.Sprintf("k%d", (g*i)%50)
				_ = c.Set(ctx, k, make([]byte, i%200))
				_, _, _ = c.Get(ctx, k)
			}
		}()
	}
	wg.Wait()
	if c.Bytes() > 10_000 {
		t.Errorf("holds %d bytes over its bound", c.Bytes())
	}
}
