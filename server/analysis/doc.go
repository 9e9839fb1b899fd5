// Package analysis runs RouteRisk's analyses over the current layers:
// incident hotspots, route risk per segment, the explanation of one
// segment and the ranked outreach priorities. Every answer is computed at
// the privacy tier of the request's view and kept in the answers cache;
// the risk segments at default parameters are registered with the library
// as a derived layer.
package analysis
