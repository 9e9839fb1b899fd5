// Package hotspot finds where incidents cluster more than chance would
// explain. It counts incidents on a fixed global grid of hexagons (H3),
// tests every cell with the Getis-Ord Gi* statistic — the method of
// ArcGIS's "Hot Spot Analysis" and of PySAL's esda.G_Local with binary
// weights and star=True — corrects the p-values for multiple testing
// with the Benjamini–Hochberg false discovery rate, and classes each cell
// as a hot or cold spot at 99, 95 or 90 % confidence, or not significant.
//
// The package is pure: no I/O, no HTTP. ParseParams reads the query
// parameters, Compute turns incident features into Cells, and Features
// turns Cells into GeoJSON hexagons.
//
// # Grid
//
// Cells are H3 cells (github.com/uber/h3-go). The resolution is given
// directly (resolution=, MinResolution to MaxResolution, that is 2 to 7)
// or follows from the map zoom (zoom=, 0 to MaxZoom) so that a cell is
// about 16 to 37 pixels wide on a 256-pixel-tile web map at the equator
// (a little wider towards the poles, as Web Mercator stretches):
//
//	zoom     resolution  mean edge   cell width (vertex to vertex)
//	0 – 4    2           158 km      317 km
//	5        3           59.8 km     120 km
//	6 – 7    4           22.6 km     45 km
//	8        5           8.5 km      17 km
//	9        6           3.2 km      6.5 km
//	10 – 24  7           1.2 km      2.4 km
//
// Resolutions below 2 would make cells of a whole region (res 1: edge
// 419 km), too coarse to say where along a route incidents gather;
// resolutions above 7 (edge under 460 m) are finer than the location of
// many records (geo_precision "approximate" marks a whole-number degree;
// others stand for a stretch of sea or the town that reported a death),
// so a hot spot there would describe the recording more than the place. Without resolution= and zoom=, DefaultResolution (3)
// is used.
//
// An incident is a Point feature with finite coordinates in range; it
// falls in the cell that holds its point. Other geometries are left out.
//
// # Variable
//
// weight= chooses the value x of a cell:
//
//	incidents (default)  the number of incidents in the cell
//	victims              the people dead or missing in them (dead + missing)
//
// The incident count is the default because it says how often something
// happens at a place; the number of victims is dominated by a few mass
// shipwrecks (one record counts 750 missing), so a single incident can
// make a cell "hot" while its neighbourhood saw nothing else, and the
// normal approximation behind the p-values is weakest for such skewed
// values. Every cell reports incidents, dead and missing whichever
// variable is tested. Missing, negative or non-numeric counts count as 0.
//
// # Neighbourhood and study area
//
// The neighbourhood of cell i is its H3 k-ring (grid disk) of radius k
// (k=, 1 to MaxK, default 1): the cell itself and the cells at most k
// steps away, 7 cells for k=1 and 19 for k=2 (fewer next to the 12
// pentagons). Weights are binary: w_ij = 1 when j is in the k-ring of i
// and in the study area, 0 otherwise; w_ii = 1 (that is the star of
// Gi*).
//
// k = 1, the cells that share an edge, is the natural neighbourhood of a
// hexagonal grid. k = 2 (18 neighbours) follows ArcGIS's rule of thumb of
// about eight neighbours per feature when values are skewed, as victim
// counts are. MaxK is 2 because the study area, and with it the time and
// memory of a computation, grows with the square of 2k + 1 while the
// neighbourhood quickly stops being a place: at resolution 2, k = 3 would
// reach some 800 km. Over the bundled record at resolution 7 (two CPU
// cores), k = 1 takes 0.1–0.2 s and 22 MB of allocations, k = 2 three
// times as long and 75 MB, and k = 3 would take seven times as long and
// 200 MB.
//
// The study area is every cell that holds at least one incident matching
// the query (an occupied cell) plus every cell of their k-rings, which
// enter with x = 0. The zeros have to count: a test over occupied cells
// alone would compare busy cells only with other busy cells, and a lone
// incident in an empty region would look as ordinary as one in a
// cluster. Taking the whole globe instead would bury the analysis in
// millions of zeros (at resolution 7, 98 million cells), so that every
// occupied cell would look significant. The occupied cells and their
// rings are the smallest area in which every occupied cell's
// neighbourhood is complete. A zero cell at the edge of the study area
// has fewer neighbours inside it; the Gi* denominator accounts for that
// through W_i.
//
// # Gi*
//
// Over the n cells of the study area, with x̄ the mean and S the
// (population) standard deviation of x,
//
//	x̄ = Σ_j x_j / n
//	S = sqrt( Σ_j x_j² / n − x̄² )
//
// and W_i = Σ_j w_ij the number of cells in i's neighbourhood (itself
// included; with binary weights Σ_j w_ij² = W_i too),
//
//	         Σ_j w_ij x_j − x̄ W_i
//	z_i = ──────────────────────────────────
//	      S · sqrt( (n W_i − W_i²) / (n − 1) )
//
// which is Getis and Ord's (1995) standardised G*_i: it is already a
// z-score, the GiZScore of ArcGIS and the Zs of PySAL's esda.G_Local with
// transform='B' and star=True (the tests reproduce the example of its
// documentation; its default row standardisation, transform='R', gives
// other values). z_i is 0 where it is undefined:
// when S = 0 (all cells alike), n < 2, or the neighbourhood is the whole
// study area (n = W_i).
//
// The p-value is two-sided under the standard normal distribution, as
// ArcGIS reports it (PySAL's p_norm is the one-sided half of it):
//
//	p_i = 2 (1 − Φ(|z_i|)) = erfc(|z_i| / √2)
//
// # False discovery rate
//
// With one test per cell, about one cell in ten would pass p ≤ 0.10 by
// chance. p_fdr is the Benjamini–Hochberg adjusted p-value over all n
// cells of the study area (zeros included, as they were tested): with
// p_(1) ≤ … ≤ p_(n) sorted ascending,
//
//	p_fdr_(r) = min( 1, min_{s ≥ r} n p_(s) / s )
//
// A cell whose p_fdr is at most α is exactly a cell that the
// Benjamini–Hochberg procedure at level α rejects, which is how ArcGIS's
// "Apply False Discovery Rate (FDR) Correction" decides significance.
//
// # Classes
//
// The class of a cell follows from p_fdr and the sign of z, like ArcGIS's
// Gi_Bin (+3 … −3):
//
//	hot_99   z > 0 and p_fdr ≤ 0.01 (Alpha99)
//	hot_95   z > 0 and p_fdr ≤ 0.05 (Alpha95)
//	hot_90   z > 0 and p_fdr ≤ 0.10 (Alpha90)
//	not_significant
//	cold_90, cold_95, cold_99 likewise for z < 0
//
// Cold spots are classed, as analysts expect from the same method
// elsewhere, but read them with care: a cold spot has fewer recorded
// incidents than the study area's mean, which in this record can mean
// less reporting as well as less danger. With the zero-padded study area
// they are rare: a ring of zeros scores only about −x̄ √W_i / S, and
// counts of incidents are skewed enough (S well above x̄) that this
// seldom reaches significance: in the bundled record no cell scores
// below z = −0.9 at any resolution, k or variable.
//
// Gi* judges a neighbourhood, not a cell: an empty cell between busy ones
// can be a hot spot, and a busy cell among empty ones need not be.
//
// # Output
//
// Compute returns every cell of the study area sorted by H3 index;
// Notable keeps the cells worth drawing (occupied, or significant).
// Features makes one GeoJSON feature per cell: the hexagon (a pentagon
// for the 12 pentagon cells) from the H3 cell boundary as a Polygon with
// one closed, counter-clockwise ring in [lon, lat] order; a cell that
// crosses the antimeridian is cut there, as RFC 7946 §3.1.9 asks, into a
// MultiPolygon of two parts with longitudes in [−180, 180]; a cell that
// holds a pole is closed along the pole's latitude.
package hotspot
