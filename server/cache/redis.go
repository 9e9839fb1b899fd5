package cache

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"
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
	uo, err := UniversalOptions(opts.URL)
	if err != nil {
		return nil, err
	}
	uo.DialTimeout, uo.ReadTimeout, uo.WriteTimeout, uo.PoolTimeout = opts.Timeout, opts.Timeout, opts.Timeout, opts.Timeout
	uo.MaxRetries = -1
	uo.ContextTimeoutEnabled = true
	client := redis.NewUniversalClient(uo)
	return &Redis{client: client, opts: opts}, nil
}

// Topology is how the Redis tier is deployed.
type Topology string

// Topologies UniversalOptions tells apart.
const (
	Single   Topology = "single"   // one server
	Sentinel Topology = "sentinel" // a master found through Sentinels
	Cluster  Topology = "cluster"  // Redis Cluster
)

// UniversalOptions reads a Redis URL into go-redis options. One URL
// selects the topology:
//
//	redis://[user:pass@]host:port/db                      one server
//	redis://host:port?addr=host2:port&addr=host3:port      Redis Cluster (seed nodes)
//	redis://host1:port,host2:port,host3:port               Redis Cluster, the same as above
//	redis://host:port?master_name=NAME[&addr=host2:port]   Sentinel (Sentinel addresses)
//
// rediss:// turns on TLS in each form.
func UniversalOptions(raw string) (*redis.UniversalOptions, error) {
	u, err := parseRedisURL(raw)
	if err != nil {
		return nil, err
	}
	switch TopologyOf(u) {
	case Sentinel:
		o, err := redis.ParseFailoverURL(u.String())
		if err != nil {
			return nil, fmt.Errorf("redis url (sentinel): %w", err)
		}
		return &redis.UniversalOptions{Addrs: o.SentinelAddrs, MasterName: o.MasterName, Username: o.Username, Password: o.Password,
			SentinelUsername: o.SentinelUsername, SentinelPassword: o.SentinelPassword, DB: o.DB, TLSConfig: o.TLSConfig}, nil
	case Cluster:
		o, err := redis.ParseClusterURL(u.String())
		if err != nil {
			return nil, fmt.Errorf("redis url (cluster): %w", err)
		}
		return &redis.UniversalOptions{Addrs: o.Addrs, Username: o.Username, Password: o.Password, TLSConfig: o.TLSConfig, IsClusterMode: true}, nil
	}
	o, err := redis.ParseURL(u.String())
	if err != nil {
		return nil, fmt.Errorf("redis url: %w", err)
	}
	return &redis.UniversalOptions{Addrs: []string{o.Addr}, Username: o.Username, Password: o.Password, DB: o.DB, TLSConfig: o.TLSConfig}, nil
}

// parseRedisURL parses raw, turning a comma-separated host list into
// the first host plus addr parameters.
func parseRedisURL(raw string) (*url.URL, error) {
	scheme, rest, ok := strings.Cut(raw, "://")
	if !ok || (scheme != "redis" && scheme != "rediss") {
		return nil, errors.New("redis url: use redis://host:port/db or rediss://…, a comma-separated host list for Redis Cluster, or ?master_name=NAME for Sentinel")
	}
	auth := ""
	if at := strings.LastIndex(rest, "@"); at >= 0 {
		auth, rest = rest[:at+1], rest[at+1:]
	}
	hostEnd := strings.IndexAny(rest, "/?")
	if hostEnd < 0 {
		hostEnd = len(rest)
	}
	hosts, tail := rest[:hostEnd], rest[hostEnd:]
	first, more, _ := strings.Cut(hosts, ",")
	u, err := url.Parse(scheme + "://" + auth + first + tail)
	if err != nil || u.Host == "" {
		return nil, errors.New("redis url: not a valid URL; use redis://host:port/db")
	}
	if more != "" {
		q := u.Query()
		for _, h := range strings.Split(more, ",") {
			if _, _, err := net.SplitHostPort(h); err != nil {
				return nil, fmt.Errorf("redis url: %q in the host list is not host:port", h)
			}
			q.Add("addr", h)
		}
		u.RawQuery = q.Encode()
	}
	return u, nil
}

// TopologyOf names the topology a parsed Redis URL selects.
func TopologyOf(u *url.URL) Topology {
	q := u.Query()
	switch {
	case q.Get("master_name") != "":
		return Sentinel
	case len(q["addr"]) > 0:
		return Cluster
	}
	return Single
}

// Topology returns how the Redis tier is deployed.
func (r *Redis) Topology() Topology {
	if u, err := parseRedisURL(r.opts.URL); err == nil {
		return TopologyOf(u)
	}
	return Single
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
