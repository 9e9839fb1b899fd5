// Package ingest takes one uploaded file to the features a layer version
// may hold: it detects the format, decodes it (geodata/formats), maps the
// file's columns onto the normalised properties of the layer's kind
// (docs/architecture.md §5; the three Missing Migrants layouts through geodata/mmp),
// checks and repairs every feature, and reports each problem with the
// feature, the field, what is wrong and what to do.
package ingest
