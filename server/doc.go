// Package server is RouteRisk's HTTP face: the Echo app with its routes,
// middleware (request id, logging, metrics, security headers, body limit,
// CORS for reads), the one error handler and the embedded frontend. Handlers
// parse, call the catalog and write bytes; they never write error JSON
// themselves.
package server
