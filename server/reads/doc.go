// Package catalog holds RouteRisk's use cases: reading layers through the
// response cache and writing new layer versions through the store. It
// declares the Cache and Store it needs; the concrete backends are wired in
// cmd/routerisk.
package reads
