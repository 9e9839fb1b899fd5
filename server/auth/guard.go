package auth

import (
	"container/list"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/routerisk/routerisk/geodata"
)

// GuardOptions tune a Guard. Zero values take the defaults noted.
type GuardOptions struct {
	// Failures is how many failed authentications one key may have in a
	// Window before it is refused (default 10).
	Failures int
	// Window is the period Failures refill over and the audit counts
	// cover (default one minute).
	Window time.Duration
	// MaxKeys bounds the keys remembered at once, for the limits and for
	// the audit counts each; the one touched longest ago goes first
	// (default 10,000).
	MaxKeys int
	// Audit receives one entry per action, source and window with the
	// count of failures; nil writes nothing.
	Audit func(geodata.AuditEntry)
	// Now is the clock of the limits (default time.Now).
	Now func() time.Time
}

// Guard slows down guessing: it limits failed authentications per key
// (a client address, a token's public id) with a token bucket, and counts
// failures for the audit log, one line per source and window instead of
// one per attempt. It is safe for concurrent use.
type Guard struct {
	o GuardOptions

	mu      sync.Mutex
	buckets map[string]*list.Element // of *bucket, most recently touched first
	order   *list.List
	tallies map[tallyKey]*tally
	seq     uint64 // numbers tallies, so a timer never closes a newer one

	// lastFailure is when an authentication last failed (Unix
	// nanoseconds of o.Now), read without the lock by Calm.
	lastFailure atomic.Int64
}

// bucket is the tries left to one key: full at o.Failures, refilled
// continuously over o.Window.
type bucket struct {
	key   string
	tries float64
	at    time.Time
}

type tallyKey struct{ action, source string }

// tally counts the failures of one source and action in one window.
type tally struct {
	first, last time.Time
	failed      int // authentications that failed
	refused     int // attempts refused by the limit before authenticating
	timer       *time.Timer
	seq         uint64 // tells a flush which tally it was scheduled for
}

// NewGuard returns a guard with options o.
func NewGuard(o GuardOptions) *Guard {
	if o.Failures <= 0 {
		o.Failures = 10
	}
	if o.Window <= 0 {
		o.Window = time.Minute
	}
	if o.MaxKeys <= 0 {
		o.MaxKeys = 10_000
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return &Guard{o: o, buckets: map[string]*list.Element{}, order: list.New(), tallies: map[tallyKey]*tally{}}
}

// Limit is the failures a key may have per Window, as set.
func (g *Guard) Limit() (int, time.Duration) { return g.o.Failures, g.o.Window }

// Calm reports whether no authentication failed within the last Window.
// Every key then has all its tries (a bucket refills whole within one
// Window), so Check would answer zero: a caller may skip it, and the keys
// it would build, without taking the guard's lock.
func (g *Guard) Calm() bool {
	return g.o.Now().UnixNano()-g.lastFailure.Load() > int64(g.o.Window)
}

// Check reports how long the caller must wait before it may try to
// authenticate again: zero when every key has tries left, else the time
// until the emptiest one has one. Empty keys are ignored.
func (g *Guard) Check(keys ...string) time.Duration {
	if g.Calm() {
		return 0
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	now := g.o.Now()
	var wait time.Duration
	for _, k := range keys {
		if k == "" {
			continue
		}
		el, ok := g.buckets[k]
		if !ok {
			continue
		}
		b := g.refill(el.Value.(*bucket), now)
		if b.tries < 1 {
			wait = max(wait, time.Duration((1-b.tries)/g.rate()))
		}
	}
	return wait
}

// Failed records a failed authentication: one try less for each key,
// and one more failure of source in the audit count of action.
func (g *Guard) Failed(action, source string, keys ...string) {
	g.mu.Lock()
	now := g.o.Now()
	g.lastFailure.Store(now.UnixNano())
	for _, k := range keys {
		if k == "" {
			continue
		}
		b := g.take(k, now)
		b.tries = max(0, b.tries-1)
	}
	flush := g.count(action, source, now, func(t *tally) { t.failed++ })
	g.mu.Unlock()
	g.write(flush)
}

// Refused records an attempt refused by the limit, for the audit count.
func (g *Guard) Refused(action, source string) {
	g.mu.Lock()
	flush := g.count(action, source, g.o.Now(), func(t *tally) { t.refused++ })
	g.mu.Unlock()
	g.write(flush)
}

// Flush writes every pending audit count now, as at shutdown.
func (g *Guard) Flush() {
	g.mu.Lock()
	var out []geodata.AuditEntry
	for k, t := range g.tallies {
		t.timer.Stop()
		out = append(out, g.entry(k, t))
		delete(g.tallies, k)
	}
	g.mu.Unlock()
	for _, e := range out {
		g.write(&e)
	}
}

// rate is the tries regained per nanosecond.
func (g *Guard) rate() float64 { return float64(g.o.Failures) / float64(g.o.Window) }

// refill brings b's tries up to now; the caller holds g.mu.
func (g *Guard) refill(b *bucket, now time.Time) *bucket {
	if d := now.Sub(b.at); d > 0 {
		b.tries = min(float64(g.o.Failures), b.tries+float64(d)*g.rate())
		b.at = now
	}
	return b
}

// take returns the bucket of key, made full if it is new, and marks it
// the most recently touched; beyond MaxKeys the least recently touched
// bucket is forgotten. The caller holds g.mu.
func (g *Guard) take(key string, now time.Time) *bucket {
	if el, ok := g.buckets[key]; ok {
		g.order.MoveToFront(el)
		return g.refill(el.Value.(*bucket), now)
	}
	for g.order.Len() >= g.o.MaxKeys {
		old := g.order.Back()
		g.order.Remove(old)
		delete(g.buckets, old.Value.(*bucket).key)
	}
	b := &bucket{key: key, tries: float64(g.o.Failures), at: now}
	g.buckets[key] = g.order.PushFront(b)
	return b
}

// count adds one attempt to the tally of action and source, starting it
// (and the timer that writes it at the end of the window) if needed. When
// MaxKeys tallies are open, the oldest is closed at once and returned to
// be written. The caller holds g.mu.
func (g *Guard) count(action, source string, now time.Time, add func(*tally)) *geodata.AuditEntry {
	if g.o.Audit == nil {
		return nil
	}
	k := tallyKey{action, source}
	t, ok := g.tallies[k]
	var flush *geodata.AuditEntry
	if !ok {
		if len(g.tallies) >= g.o.MaxKeys {
			var oldest tallyKey
			var first time.Time
			for tk, ot := range g.tallies {
				if first.IsZero() || ot.first.Before(first) {
					oldest, first = tk, ot.first
				}
			}
			ot := g.tallies[oldest]
			ot.timer.Stop()
			e := g.entry(oldest, ot)
			flush = &e
			delete(g.tallies, oldest)
		}
		g.seq++
		t = &tally{first: now, seq: g.seq}
		seq := t.seq
		t.timer = time.AfterFunc(g.o.Window, func() { g.close(k, seq) })
		g.tallies[k] = t
	}
	t.last = now
	add(t)
	return flush
}

// close writes the tally of k when its window ends.
func (g *Guard) close(k tallyKey, seq uint64) {
	g.mu.Lock()
	t, ok := g.tallies[k]
	if !ok || t.seq != seq {
		g.mu.Unlock()
		return
	}
	delete(g.tallies, k)
	e := g.entry(k, t)
	g.mu.Unlock()
	g.write(&e)
}

// entry is the audit line of one tally.
func (g *Guard) entry(k tallyKey, t *tally) geodata.AuditEntry {
	detail := fmt.Sprintf("%d failed", t.failed)
	if t.refused > 0 {
		detail += fmt.Sprintf(", %d refused after %d failures in %s", t.refused, g.o.Failures, g.o.Window)
	}
	detail += fmt.Sprintf(" from %s to %s UTC", t.first.UTC().Format(time.TimeOnly), t.last.UTC().Format(time.TimeOnly))
	return geodata.AuditEntry{Actor: "anonymous", Action: k.action, Outcome: geodata.OutcomeRejected,
		Source: k.source, Count: t.failed + t.refused, Detail: detail}
}

func (g *Guard) write(e *geodata.AuditEntry) {
	if e != nil && g.o.Audit != nil {
		g.o.Audit(*e)
	}
}
