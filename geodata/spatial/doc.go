// Package spatial indexes the features of one layer version in memory so
// that bounding-box, time and attribute queries touch only the features
// that can match. An Index is immutable once built and safe for
// concurrent use.
package spatial
