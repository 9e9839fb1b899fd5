// Package auth knows who is calling: API tokens (stored hashed, each with a
// name and a role), the browser sessions a token is exchanged for, the
// signed embed tokens of published maps, and the order of roles that
// decides what a caller may do.
//
// It makes, hashes, signs and checks; it does not keep anything itself.
// The records it works on (package geodata/account) are kept behind the
// interfaces it declares here: TokenStore, EmbedStore and SessionStore,
// which the adapters implement (files and PostGIS in package store, Redis
// in package cache).
package auth
