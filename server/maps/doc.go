// Package maps composes map views into still images and describes the
// views that embeds fix: a typed view (box, layers, filters, risk
// settings, title, date, legend) is read once from a query, then every
// layer is taken from the reads and analysis use cases as features at the
// caller's privacy tier and handed to the renderer. Nothing is encoded to
// a query string or to JSON on the way.
package maps
