// Package server is RouteRisk's HTTP face, and only that: the Echo app
// with its routes (one file per resource), middleware (request id,
// logging, metrics, security headers, body limit, sign-in and the
// request's one privacy decision, CORS for reads), the one error handler
// and the embedded frontend. Handlers parse, call one use case and write
// bytes; they never write error JSON themselves and never reach a store
// or a cache.
package server
