// Package mmp imports the IOM Missing Migrants Project (MMP) record: the
// incidents in which people in migration died or went missing, as the MMP
// API publishes them (one JSON array of records per page, every value a
// string). It also holds MMP's taxonomies as data: the cause-of-death
// categories (causes.csv), the migration routes and the other names they
// go by (routes.csv), and country bounding boxes (countries.csv,
// country_names.csv) used to check coordinates.
//
// # Output
//
// Each record becomes a GeoJSON point feature with the incident properties
// of docs/architecture.md §5:
//
//	date              reported_date, YYYY-MM-DD (YYYY-MM when only a month is given)
//	dead, missing     number_dead, number_missing; never negative
//	survivors         number_of_survivors
//	female, male,     number_of_female, number_of_male, number_of_children: MMP
//	children          counts these among the dead and missing, not the survivors
//	                  (in the API data 13,665 of the 13,755 records that give them
//	                  fit within dead + missing, and 11,889 have no survivors)
//	cause             cause_death, trimmed, HTML entities decoded
//	cause_category    one of the seven MMP categories (CauseCategory)
//	route             migration_route, an MMP route name (CanonicalRoute)
//	location          location_description
//	country, region   country_of_incident, region
//	unsd_grouping     unsd_geographic_grouping
//	source            information_source
//	source_url        url (may hold several URLs, comma-separated)
//	source_quality    1 (lowest confidence) … 5 (highest)
//	geo_precision     exact, or approximate for whole-number coordinates
//	mmp_id            web_id as given (trimmed)
//	country_origin, region_origin   when present (2025 pages)
//	flags             the codes of the issues found in the record, comma-separated
//
// Counts are ints and absent when the record leaves them empty. Keys the
// API does not define are kept under their own name, or mmp_<key> where
// that name is taken. <count>_reported, total_reported and date_reported
// keep a raw value that was repaired away (see the issue codes).
//
// # Feature ids
//
// The feature id is the web_id trimmed, with its prefix written YYYY.MMP;
// the digits are kept as given. Zero padding varies in the record
// (2014.MMP00207 beside 2014.MMP1039) but is not noise: ids that differ
// only in padding name different incidents (781 of the 788 such pairs in
// the API data differ in date and place), so stripping it would merge
// them. A web_id repeated with other content gets ~2, ~3, … in order of
// appearance and the issue duplicate_id. A web_id that is empty or not of
// the form YYYY.MMPnnn (one record says "it will be included") gets
// unidentified-<8 hex digits of the record's SHA-256>, stable across runs.
//
// # Coordinates
//
// location_coodinates (sic; location_coordinates is accepted too) is one
// "lat, lon" string, latitude first, and becomes the point [lon, lat].
// Records without coordinates, with text that is not two finite numbers,
// outside the valid range in both orders, or at exactly 0, 0 are rejected.
// The order is swapped (coordinates_swapped_order) when the latitude is
// beyond ±90 but the longitude is not, or when the point lies more than
// 2.5° outside the bounding box of the country of incident while the
// swapped point lies inside it; the margin leaves offshore incidents alone
// (records in Search and Rescue zones lie up to ~2° off their country's
// box). In the API data this catches about 275 records, most of them the
// 2019 West African records written lon, lat. A whole-number coordinate
// (1,117 longitudes in the API data) makes geo_precision approximate.
//
// # Report
//
// Read counts records, Accepted features, Rejected records left out
// (Read = Accepted + Rejected) and Repaired the accepted features with at
// least one repaired value. Every issue is counted in Counts. Issues lists
// them with the record's position (1-based over all pages), feature id,
// field, message and action, at most DefaultMaxIssuesPerCode per code
// (Decoder.MaxIssuesPerCode changes the cap), so a quirk shared by
// thousands of records keeps the report small. Two quirks
// of every API record are counted only, never listed, and do not make a
// feature repaired: trailing_whitespace (every location_description ends
// in a newline) and number_as_string. An exact duplicate is rejected
// before anything else is checked, so its other quirks are not counted.
// The codes and the action each implies are the Code* constants.
package mmp
