// Package attacks holds a test suite that plays the disclosure attacks of
// docs/privacy.md against a real RouteRisk server on the bundled data, as
// an anonymous caller and as a partner, and asserts that each learns
// nothing finer than its tier allows: a cell of 5 or more incidents and a
// month in public, 0.1° for partners.
package attacks
