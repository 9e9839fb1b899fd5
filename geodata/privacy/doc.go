// Package privacy decides what of a restricted layer a caller may see
// (docs/architecture.md §6). There are three tiers: public (anonymous callers and
// embeds) sees no point of a restricted layer, only counts aggregated to
// the cells of the fixed global H3 grid the hotspots use, never finer than
// MaxPublicResolution, with cells under K features suppressed and dates no
// finer than a month; partner sees points rounded to PartnerDecimals and
// no free-text fields; staff sees everything exactly. Public layers are
// the same at every tier.
//
// Cells never move, and a cell is counted whole or not at all (never the
// part of it inside a requested box), so two overlapping requests cannot
// be differenced into a position finer than a cell; the time filter is
// widened to whole months for the same reason.
package privacy
