package cache

import (
	"container/list"
	"context"
	"sync"
	"sync/atomic"
)

// LRU is an in-process cache bounded by the total size of its values.
// It is safe for concurrent use.
type LRU struct {
	mu       sync.Mutex
	maxBytes int64
	used     int64
	order    *list.List // front: most recently used
	items    map[string]*list.Element

	hits, misses, evictions atomic.Int64
}

type lruEntry struct {
	key string
	val []byte
}

// NewLRU returns an LRU holding at most maxBytes of keys and values.
// A value larger than a quarter of maxBytes is not kept, so one huge
// response cannot flush everything else.
func NewLRU(maxBytes int64) *LRU {
	return &LRU{maxBytes: maxBytes, order: list.New(), items: map[string]*list.Element{}}
}

// Get returns the value for key and marks it recently used.
func (c *LRU) Get(_ context.Context, key string) ([]byte, bool, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.items[key]
	if !ok {
		c.misses.Add(1)
		return nil, false, nil
	}
	c.order.MoveToFront(el)
	c.hits.Add(1)
	return el.Value.(*lruEntry).val, true, nil
}

// Set stores val under key, evicting the least recently used entries
// until the cache fits its bound. The cache keeps val; callers must not
// modify it afterwards.
func (c *LRU) Set(_ context.Context, key string, val []byte) error {
	size := int64(len(key) + len(val))
	if size > c.maxBytes/4 {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.items[key]; ok {
		old := el.Value.(*lruEntry)
		c.used += int64(len(val)) - int64(len(old.val))
		old.val = val
		c.order.MoveToFront(el)
	} else {
		c.items[key] = c.order.PushFront(&lruEntry{key: key, val: val})
		c.used += size
	}
	for c.used > c.maxBytes {
		last := c.order.Back()
		e := last.Value.(*lruEntry)
		c.order.Remove(last)
		delete(c.items, e.key)
		c.used -= int64(len(e.key) + len(e.val))
		c.evictions.Add(1)
	}
	return nil
}

// Len returns the number of entries.
func (c *LRU) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.items)
}

// Bytes returns the size of all keys and values held.
func (c *LRU) Bytes() int64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.used
}

// Stats returns the counters of this tier.
func (c *LRU) Stats() Stats {
	return Stats{Tier: "local", Hits: c.hits.Load(), Misses: c.misses.Load(), Evictions: c.evictions.Load(), Bytes: c.Bytes(), State: StateOK}
}
