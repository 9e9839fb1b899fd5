// Package cache holds the backends of the response cache: a bounded
// in-process LRU, Redis (through go-redis v9, failing open behind a circuit
// breaker) and Tiered, which puts the first in front of the second. Values
// are opaque bytes; keys carry the layer version, so entries never need
// invalidating — a new version simply stops asking for the old keys.
//
// Every backend has the contract answers.Cache declares: Get
// returns (value, true, nil) on a hit and (nil, false, nil) on a miss; a
// non-nil error means the backend could not be asked, and callers treat it
// as a miss.
package cache
