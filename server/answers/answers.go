// Package answers keeps encoded responses: gzip bytes under typed cache
// keys that always name the layer versions, the privacy tier and the
// normalised query, computed once on a miss and shared by every caller
// who would get the same bytes.
package answers

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/klauspost/compress/gzip"
	"golang.org/x/sync/singleflight"

	"github.com/routerisk/routerisk/geodata/privacy"
)

// Cache stores encoded responses under versioned keys. Get returns
// (val, true, nil) on a hit and (nil, false, nil) on a miss; an error means
// the cache could not be asked, which callers treat as a miss.
type Cache interface {
	Get(ctx context.Context, key string) ([]byte, bool, error)
	Set(ctx context.Context, key string, val []byte) error
}

// Cache outcomes, as sent in X-Cache.
const (
	CacheHit    = "HIT"    // served from the cache
	CacheMiss   = "MISS"   // computed, then stored
	CacheBypass = "BYPASS" // computed; the cache could not be asked
)

// Key names one answer. A new layer version never meets an old entry (the
// versions are in it), and callers of different tiers never share one.
type Key struct {
	// Slot groups keys that belong together (on one Redis Cluster node):
	// a layer id, or the name of an analysis over several layers.
	Slot string
	// Versions names the version of every layer the answer reads, such
	// as "v3" for one layer or "incidents@3,routes@1".
	Versions string
	// What says which kind of answer it is: features, values, hotspots,
	// risk segments, an image …
	What string
	// Query is the normalised query: equal for requests that mean the
	// same.
	Query string
	// Tier is the privacy tier the answer was computed at.
	Tier privacy.Tier
}

// String is the key as the cache stores it.
func (k Key) String() string {
	var b strings.Builder
	b.Grow(len(k.Slot) + len(k.Versions) + len(k.What) + len(k.Query) + 24)
	b.WriteByte('{')
	b.WriteString(k.Slot)
	b.WriteString("}:")
	b.WriteString(k.Versions)
	b.WriteByte(':')
	b.WriteString(k.What)
	b.WriteByte(':')
	b.WriteString(k.Query)
	b.WriteString("|tier:")
	b.WriteString(string(k.Tier))
	return b.String()
}

// Prepared is a key with its entity tag, derived once.
type Prepared struct {
	key, etag string
}

// Prepare derives the stored key and entity tag of k. The tag is weak:
// it names the content, whose gzip bytes change when a reused answer is
// compressed again at BackgroundLevel.
func Prepare(k Key) Prepared {
	s := k.String()
	return Prepared{key: s, etag: "W/" + ETag(s)}
}

// String is the stored key.
func (p Prepared) String() string { return p.key }

// ETag returns the entity tag of the prepared key.
func (p Prepared) ETag() string { return p.etag }

// Result is an encoded response: gzip-compressed bytes, ready to send.
type Result struct {
	Gzip        []byte
	ETag        string
	Cache       string // CacheHit, CacheMiss or CacheBypass
	NotModified bool   // the caller's ETag matched; Gzip is nil
}

// Answers computes answers through a cache. It is safe for concurrent use.
type Answers struct {
	cache  Cache
	flight singleflight.Group
	// waitedFor and background reuse compressors (each holds about a
	// megabyte of state) of the two levels: WaitedForLevel and
	// BackgroundLevel.
	waitedFor, background sync.Pool
	// scratch lends buffers to the answers computed into one
	// (GetAppended), output to the compressor; both hold *[]byte.
	scratch, output sync.Pool
	// recompressing is set while a reused answer is compressed again.
	recompressing atomic.Bool
	// recompressed counts the answers compressed again (and stored, unless
	// the cache failed), for tests.
	recompressed atomic.Int64
}

// Compression levels. An answer computed while its caller waits is
// compressed at WaitedForLevel: on a 576 KB page of 2,473 features it
// takes 1.2 ms instead of 2.6 ms and is 9 % larger (61 KB instead of
// 56 KB; 22 % on full Missing Migrants records), which the caller gets
// back many times over in time. One computed ahead of its callers (the
// warm-up, InBackground) is compressed at BackgroundLevel, and so is one
// served again from the cache: the first hit on fast bytes compresses
// them again in the background and stores the result, so only answers
// that are reused pay for the thorough level.
const (
	WaitedForLevel  = gzip.BestSpeed
	BackgroundLevel = gzip.DefaultCompression
)

type backgroundKey struct{}

// InBackground marks ctx as the context of a computation no caller waits
// for, whose answers are compressed at BackgroundLevel.
func InBackground(ctx context.Context) context.Context {
	return context.WithValue(ctx, backgroundKey{}, true)
}

func inBackground(ctx context.Context) bool {
	v, _ := ctx.Value(backgroundKey{}).(bool)
	return v
}

// New returns answers kept in cache.
func New(cache Cache) *Answers {
	a := &Answers{cache: cache}
	a.waitedFor.New = func() any {
		zw, _ := gzip.NewWriterLevel(nil, WaitedForLevel)
		return zw
	}
	a.background.New = func() any {
		zw, _ := gzip.NewWriterLevel(nil, BackgroundLevel)
		return zw
	}
	return a
}

// Get answers k through the cache, computing the bytes once on a miss
// (concurrent callers of one key share the computation).
func (a *Answers) Get(ctx context.Context, k Key, ifNoneMatch string, compute func() ([]byte, error)) (Result, error) {
	return a.GetPrepared(ctx, Prepare(k), ifNoneMatch, compute)
}

// GetPrepared is Get for a key prepared before, as a memo of keys does.
func (a *Answers) GetPrepared(ctx context.Context, k Prepared, ifNoneMatch string, compute func() ([]byte, error)) (Result, error) {
	return a.get(ctx, k, ifNoneMatch, owned(compute))
}

// GetAppended is GetPrepared for an answer written into a buffer the
// answers lend: appendTo appends the answer to dst and returns the
// result, as append does, raw or already compressed (Appended). The
// buffer goes back to a pool once the answer is compressed, so appendTo
// must keep neither dst nor what it returns. A page of 2,500 features is
// about 580 KB; building it in a reused buffer spares allocating and
// zeroing that much at every miss.
func (a *Answers) GetAppended(ctx context.Context, k Prepared, ifNoneMatch string, appendTo func(dst []byte) (Appended, error)) (Result, error) {
	return a.get(ctx, k, ifNoneMatch, a.lent(appendTo))
}

// Appended is what an appending computation wrote into the lent buffer:
// the raw answer, or, when Gzipped, the answer already compressed as one
// gzip stream, which is stored as it is.
type Appended struct {
	Bytes   []byte
	Gzipped bool
}

// Raw is an Appended of raw bytes.
func Raw(b []byte) Appended { return Appended{Bytes: b} }

// produce computes an answer's bytes, raw unless gzipped; release, when
// not nil, is called once they are compressed (or copied).
type produce func() (out Appended, release func(), err error)

// owned adapts a computation whose bytes belong to it: nothing to release.
func owned(compute func() ([]byte, error)) produce {
	return func() (Appended, func(), error) {
		raw, err := compute()
		return Raw(raw), nil, err
	}
}

// lent adapts an appending computation: it appends to a pooled buffer,
// which release gives back.
func (a *Answers) lent(appendTo func(dst []byte) (Appended, error)) produce {
	return func() (Appended, func(), error) {
		buf := getBuffer(&a.scratch)
		out, err := appendTo((*buf)[:0])
		return out, func() { *buf = out.Bytes; putBuffer(&a.scratch, buf) }, err
	}
}

func (a *Answers) get(ctx context.Context, k Prepared, ifNoneMatch string, compute produce) (Result, error) {
	key, etag := k.key, k.etag
	if ifNoneMatch != "" && MatchETag(ifNoneMatch, etag) {
		return Result{ETag: etag, NotModified: true, Cache: CacheHit}, nil
	}
	val, hit, err := a.cache.Get(ctx, key)
	if hit {
		a.reused(key, val)
		return Result{Gzip: val, ETag: etag, Cache: CacheHit}, nil
	}
	status := CacheMiss
	if err != nil {
		status = CacheBypass
	}
	run := func() (any, error) {
		gz, err := a.compressed(ctx, compute)
		if err != nil {
			return nil, err
		}
		if ctx.Err() == nil {
			if err := a.cache.Set(context.WithoutCancel(ctx), key, gz); err != nil {
				status = CacheBypass
			}
		}
		return gz, nil
	}
	v, err, _ := a.flight.Do(key, run)
	if err != nil && errors.Is(err, context.Canceled) && ctx.Err() == nil {
		// The caller whose computation this call shared has gone, and its
		// computation stopped with it: compute again for this one.
		v, err, _ = a.flight.Do(key, run)
	}
	if err != nil {
		return Result{}, err
	}
	return Result{Gzip: v.([]byte), ETag: etag, Cache: status}, nil
}

// compressed runs compute and returns its answer compressed at the
// level ctx calls for (an answer compressed already is copied out of the
// lent buffer as it is).
func (a *Answers) compressed(ctx context.Context, compute produce) ([]byte, error) {
	out, release, err := compute()
	var gz []byte
	switch {
	case err != nil:
	case out.Gzipped:
		gz = append(make([]byte, 0, len(out.Bytes)), out.Bytes...)
	default:
		gz = a.gzipBytes(ctx, out.Bytes)
	}
	if release != nil {
		release()
	}
	return gz, err
}

// Lookup answers k from the cache alone, never computing: a hit, or
// false when the answer is not stored (or the cache could not be asked).
// It is the whole work of a request whose answer was computed before.
func (a *Answers) Lookup(ctx context.Context, k Prepared) (Result, bool) {
	val, hit, _ := a.cache.Get(ctx, k.key)
	if !hit {
		return Result{}, false
	}
	a.reused(k.key, val)
	return Result{Gzip: val, ETag: k.etag, Cache: CacheHit}, true
}

// Uncached answers k without the cache: computed every time, never
// stored, for answers not worth keeping (a filter value the layer does
// not hold). It still answers conditional requests.
func (a *Answers) Uncached(ctx context.Context, k Prepared, ifNoneMatch string, compute func() ([]byte, error)) (Result, error) {
	return a.uncached(ctx, k, ifNoneMatch, owned(compute))
}

// UncachedAppended is Uncached for an answer written into a lent buffer,
// as GetAppended's.
func (a *Answers) UncachedAppended(ctx context.Context, k Prepared, ifNoneMatch string, appendTo func(dst []byte) (Appended, error)) (Result, error) {
	return a.uncached(ctx, k, ifNoneMatch, a.lent(appendTo))
}

func (a *Answers) uncached(ctx context.Context, k Prepared, ifNoneMatch string, compute produce) (Result, error) {
	if ifNoneMatch != "" && MatchETag(ifNoneMatch, k.etag) {
		return Result{ETag: k.etag, NotModified: true, Cache: CacheHit}, nil
	}
	gz, err := a.compressed(ctx, compute)
	if err != nil {
		return Result{}, err
	}
	return Result{Gzip: gz, ETag: k.etag, Cache: CacheBypass}, nil
}

// fastestXFL is the gzip header's XFL byte (RFC 1952) of bytes
// compressed at gzip.BestSpeed: "compressor used fastest algorithm".
const fastestXFL = 4

// minRecompress is the smallest answer worth compressing again.
const minRecompress = 4 << 10

// reused is told of every hit: an answer still at WaitedForLevel is
// compressed again at BackgroundLevel, in the background, one at a time
// (a hit meanwhile leaves it for a later one), and stored in its place.
func (a *Answers) reused(key string, gz []byte) {
	if len(gz) < minRecompress || gz[8] != fastestXFL || !a.recompressing.CompareAndSwap(false, true) {
		return
	}
	go func() {
		defer a.recompressing.Store(false)
		zr, err := gzip.NewReader(bytes.NewReader(gz))
		if err != nil {
			return
		}
		raw, err := io.ReadAll(zr)
		if err != nil {
			return
		}
		// Stored even when no smaller (an image, say): marked as the
		// background level's, it is not compressed again at every hit.
		_ = a.cache.Set(context.Background(), key, a.gzipBytes(InBackground(context.Background()), raw)) // a failed write leaves the fast bytes
		a.recompressed.Add(1)
	}()
}

// gzipBytes compresses raw at the level ctx calls for, into a pooled
// buffer, and returns a copy of exactly the compressed length: the cache
// keeps what it is given, and a buffer sized by guess would keep up to
// twice that.
func (a *Answers) gzipBytes(ctx context.Context, raw []byte) []byte {
	pool := &a.waitedFor
	if inBackground(ctx) {
		pool = &a.background
	}
	out := getBuffer(&a.output)
	buf := bytes.NewBuffer((*out)[:0])
	zw := pool.Get().(*gzip.Writer)
	zw.Reset(buf)
	_, _ = zw.Write(raw) // writes to a bytes.Buffer cannot fail
	_ = zw.Close()
	pool.Put(zw)
	gz := make([]byte, buf.Len())
	copy(gz, buf.Bytes())
	*out = buf.Bytes()
	putBuffer(&a.output, out)
	return gz
}

// maxPooledBuffer is the largest buffer kept for reuse: a rare huge answer
// (a whole layer's download) does not stay in memory after it is sent.
const maxPooledBuffer = 8 << 20

func getBuffer(p *sync.Pool) *[]byte {
	if b, ok := p.Get().(*[]byte); ok {
		return b
	}
	return new([]byte)
}

func putBuffer(p *sync.Pool, b *[]byte) {
	if cap(*b) > maxPooledBuffer {
		return
	}
	*b = (*b)[:0]
	p.Put(b)
}

// ETag derives the entity tag of a cached response from its key, which
// holds the layer versions: the tag changes exactly when the bytes can.
func ETag(key string) string {
	sum := sha256.Sum256([]byte(key))
	return `"` + hex.EncodeToString(sum[:12]) + `"`
}

// MatchETag reports whether an If-None-Match header names etag (or "*"),
// by the weak comparison If-None-Match calls for (RFC 9110 §13.1.2): a
// W/ on either side does not matter.
func MatchETag(header, etag string) bool {
	etag = strings.TrimPrefix(etag, "W/")
	for t := range strings.SplitSeq(header, ",") {
		t = strings.TrimPrefix(strings.TrimSpace(t), "W/")
		if t == etag || t == "*" {
			return true
		}
	}
	return false
}
