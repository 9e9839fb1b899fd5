package cache

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"
)

// RedisOptions tunes the Redis tier. Zero values take the defaults noted.
type RedisOptions struct {
	URL       string        // redis://[user:pass@]host:port/db or rediss://…
	TTL       time.Duration // lifetime of an entry; default 24h
	Timeout   time.Duration // per operation, dial included; default 50ms
	Threshold int           // consecutive failures that open the breaker; default 3
	Cooldown  time.Duration // how long an open breaker skips Redis; default 5s
	Prefix    string        // prepended to every key; default "rr:"
}

// Redis is the shared cache tier. It fails open: when Redis is down, slow
// or refusing, calls return quickly with an error, and after Threshold
// failures in a row the breaker opens and Redis is not asked at all for
// Cooldown; then one call probes it again, and a success closes the
// breaker.
type Redis struct {
	client redis.UniversalClient
	opts   RedisOptions

	mu          sync.Mutex
	failures    int
	openUntil   time.Time
	probing     bool
	lastErr     string
	hits        atomic.Int64
	misses      atomic.Int64
	errorsCount atomic.Int64
	skipped     atomic.Int64
}

// errBreakerOpen is returned while Redis is skipped after failures.
var errBreakerOpen = errors.New("redis cache skipped after recent failures")

// NewRedis connects lazily to the Redis at opts.URL; it fails only on a
// malformed URL.
func NewRedis(opts RedisOptions) (*Redis, error) {
	if opts.TTL <= 0 {
		opts.TTL = 24 * time.Hour
	}
	if opts.Timeout <= 0 {
		opts.Timeout = 50 * time.Millisecond
	}
	if opts.Threshold <= 0 {
		opts.Threshold = 3
	}
	if opts.Cooldown <= 0 {
		opts.Cooldown = 5 * time.Second
	}
	if opts.Prefix == "" {
		opts.Prefix = "rr:"
	}
	o, err := redis.ParseURL(opts.URL)
	if err != nil {
		return nil, fmt.Errorf("redis url: %w", err)
	}
	client := redis.NewUniversalClient(&redis.UniversalOptions{
		Addrs:                 []string{o.Addr},
		Username:              o.Username,
		Password:              o.Password,
		DB:                    o.DB,
		TLSConfig:             o.TLSConfig,
		DialTimeout:           opts.Timeout,
		ReadTimeout:           opts.Timeout,
		WriteTimeout:          opts.Timeout,
		PoolTimeout:           opts.Timeout,
		MaxRetries:            -1,
		ContextTimeoutEnabled: true,
	})
	return &Redis{client: client, opts: opts}, nil
}

// Get returns the value stored under key.
func (r *Redis) Get(ctx context.Context, key string) ([]byte, bool, error) {
	if err := r.admit(); err != nil {
		return nil, false, err
	}
	ctx, cancel := context.WithTimeout(ctx, r.opts.Timeout)
	defer cancel()
	val, err := r.client.Get(ctx, r.opts.Prefix+key).Bytes()
	if errors.Is(err, redis.Nil) {
		r.record(nil)
		r.misses.Add(1)
		return nil, false, nil
	}
	r.record(err)
	if err != nil {
		return nil, false, err
	}
	r.hits.Add(1)
	return val, true, nil
}

// Set stores val under key for the configured TTL. While the last call
// failed, writes are skipped (reads keep probing), so a request that just
// waited for a failing Get does not wait again for a Set.
func (r *Redis) Set(ctx context.Context, key string, val []byte) error {
	if err := r.admitWrite(); err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, r.opts.Timeout)
	defer cancel()
	err := r.client.Set(ctx, r.opts.Prefix+key, val, r.opts.TTL).Err()
	r.record(err)
	return err
}

// Ping asks Redis directly, bypassing the breaker, and records the outcome.
func (r *Redis) Ping(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, r.opts.Timeout)
	defer cancel()
	err := r.client.Ping(ctx).Err()
	r.record(err)
	return err
}

// Close releases the connections.
func (r *Redis) Close() error { return r.client.Close() }

// admit decides whether a call may go to Redis now.
func (r *Redis) admit() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.openUntil.IsZero() {
		return nil
	}
	if time.Now().Before(r.openUntil) || r.probing {
		r.skipped.Add(1)
		return errBreakerOpen
	}
	r.probing = true // half-open: this call probes
	return nil
}

// admitWrite is admit for writes: refused while the last call failed.
func (r *Redis) admitWrite() error {
	r.mu.Lock()
	failing := r.failures > 0
	r.mu.Unlock()
	if failing {
		r.skipped.Add(1)
		return errBreakerOpen
	}
	return r.admit()
}

// record counts the outcome of a call and moves the breaker.
func (r *Redis) record(err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.probing = false
	if err == nil {
		r.failures = 0
		r.openUntil = time.Time{}
		r.lastErr = ""
		return
	}
	if errors.Is(err, context.Canceled) {
		return // the caller went away; says nothing about Redis
	}
	r.errorsCount.Add(1)
	r.failures++
	r.lastErr = err.Error()
	if r.failures >= r.opts.Threshold {
		r.openUntil = time.Now().Add(r.opts.Cooldown)
	}
}

// Stats returns the counters and state of this tier.
func (r *Redis) Stats() Stats {
	r.mu.Lock()
	state, detail := StateOK, ""
	if r.failures > 0 {
		state, detail = StateDegraded, r.lastErr
	}
	r.mu.Unlock()
	return Stats{
		Tier: "redis", State: state, Detail: detail,
		Hits: r.hits.Load(), Misses: r.misses.Load(), Errors: r.errorsCount.Load(), Skipped: r.skipped.Load(),
	}
}
