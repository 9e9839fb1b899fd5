// Package formats reads and writes the file formats RouteRisk exchanges
// with GIS tools. Encoders write features without re-decoding anything on
// the hot path; decoders treat every byte as untrusted.
package formats
