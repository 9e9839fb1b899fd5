// Package architecture holds a test that keeps the dependency arrows of
// DESIGN.md §2 pointing inward: the domain imports no transport, cache or
// storage, and backends import no web framework.
package architecture
