// Package geodata holds RouteRisk's domain: layer metadata, the kinds of
// layer and their normalised properties, feature queries, import reports and
// the one error type with codes. It imports no transport, cache or storage
// package; everything else in the module points inward to it.
package geodata
