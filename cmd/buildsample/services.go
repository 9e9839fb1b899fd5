package main

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
	"github.com/routerisk/routerisk/geodata"
	"github.com/routerisk/routerisk/geodata/mmp"
)

// Service issue codes.
const (
	codeExactDuplicate   = "exact_duplicate"           // rejected: the same feature again
	codeDuplicateOSM     = "duplicate_osm_id"          // rejected: the same OSM object with fewer tags
	codeNotHumanHealth   = "not_human_health"          // rejected: a veterinary clinic
	codeMissingCoords    = "missing_coordinates"       // rejected: no Lat/Long
	codeInvalidCoords    = "invalid_coordinates"       // rejected: not numbers in range
	codeSwapped          = "coordinates_swapped_order" // repaired: read as lon, lat
	codeMissingName      = "missing_name"              // flagged: no name
	codeMissingType      = "missing_type"              // flagged: neither amenity nor healthcare tag
	codeMissingVerified  = "missing_last_verified"     // flagged: no changeset date
	codeNegativeOSMID    = "negative_osm_id"           // repaired: an osm_id below zero cannot be linked; dropped
	serviceIssuesPerCode = 200                         // lists all 140 WHO rows without coordinates
)

// whoListDate is the last_verified date given to the WHO/KEMRI list: it
// was published in 2019 (WHO/CDS/GMP/2019.01) and its rows carry no date,
// so the start of that year is the latest date one can vouch for.
const whoListDate = "2019-01-01"

type serviceBuilder struct {
	features []*geojson.Feature
	report   geodata.Report
	log      *issueLog
}

func buildServices(healthsites, who string, gisco []string) (built, error) {
	b := &serviceBuilder{}
	b.log = newIssueLog(&b.report, serviceIssuesPerCode)
	if err := b.readHealthsites(healthsites); err != nil {
		return built{}, err
	}
	if err := b.readWHO(who); err != nil {
		return built{}, err
	}
	for _, path := range gisco {
		if err := b.readGISCO(path); err != nil {
			return built{}, err
		}
	}
	layer := geodata.Layer{
		Meta: geodata.Meta{
			ID:    "services",
			Kind:  geodata.KindService,
			Title: "Health facilities",
			Description: "Health facilities along the Central Mediterranean and Sahara routes: hospitals, clinics, doctors, " +
				"dentists and pharmacies mapped in OpenStreetMap (healthsites.io; Libya, Tunisia, Morocco, Mali, Niger, Chad, " +
				"Mauritania; OSM edits 2009-2020), the public health facilities of Niger, Mali, Chad, Mauritania and Sudan " +
				"listed by WHO and KEMRI in 2019, and the hospitals of Italy, Spain, Greece, Malta, Cyprus, Bulgaria, Croatia " +
				"and Slovenia listed by Eurostat/GISCO (reference dates 2012-2020). subtype is hospital, clinic, doctors, " +
				"health_post, pharmacy or dentist where the source says which. last_verified is the date of the last OSM edit, " +
				"2019-01-01 for the WHO list, or the GISCO reference date; no source says whether a facility serves people in migration.",
			Sources: []geodata.Source{
				{Name: "healthsites.io (OpenStreetMap), via afrimapr/afrihealthsites", URL: "https://healthsites.io",
					License: "ODbL 1.0", Attribution: "© OpenStreetMap contributors, healthsites.io, ODbL"},
				{Name: "WHO/KEMRI public health facilities in sub-Saharan Africa (2019), via afrimapr/afrihealthsites",
					URL: "https://github.com/afrimapr/afrihealthsites", License: "WHO terms of use",
					Attribution: "Public health facilities: WHO Global Malaria Programme and KEMRI-Wellcome Trust (2019)"},
				{Name: "Eurostat/GISCO healthcare services (hospitals), via eurostat/healthcare-services",
					URL: "https://ec.europa.eu/eurostat/web/gisco/geodata/basic-services", License: "Eurostat reuse policy (attribution); repository EUPL-1.2",
					Attribution: "© European Union, Eurostat/GISCO"},
			},
			Sensitivity: geodata.Public,
		},
		Features: b.features,
	}
	finish(&layer)
	return built{layer: layer, report: b.report}, nil
}

func (b *serviceBuilder) issue(pos int, id, field, code string, action geodata.Action, format string, args ...any) {
	b.log.add(geodata.Issue{Feature: pos, ID: id, Field: field, Code: code, Action: action, Message: fmt.Sprintf(format, args...)})
}

func (b *serviceBuilder) reject(pos int, id, field, code, format string, args ...any) {
	b.report.Rejected++
	b.issue(pos, id, field, code, geodata.Rejected, format, args...)
}

func (b *serviceBuilder) add(id string, p orb.Point, props geojson.Properties, repaired bool) {
	f := geojson.NewFeature(p)
	f.ID = id
	f.Properties = props
	b.features = append(b.features, f)
	b.report.Accepted++
	if repaired {
		b.report.Repaired++
	}
}

// readHealthsites reads the healthsites.io extract. An OSM object that
// appears more than once is kept once, in the copy with the most tags.
func (b *serviceBuilder) readHealthsites(path string) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	fc, err := geojson.UnmarshalFeatureCollection(data)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	name := filepath.Base(path)
	osmKey := func(f *geojson.Feature) string {
		t, _ := f.Properties["osm_type"].(string)
		id, _ := f.Properties["osm_id"].(float64)
		return t + "/" + strconv.FormatInt(int64(id), 10)
	}
	best := map[string]int{}
	for i, f := range fc.Features {
		k := osmKey(f)
		j, seen := best[k]
		if !seen || richer(f, fc.Features[j]) {
			best[k] = i
		}
	}
	for i, f := range fc.Features {
		b.report.Read++
		pos := b.report.Read
		k := osmKey(f)
		osmType, _ := f.Properties["osm_type"].(string)
		osmNum, _ := f.Properties["osm_id"].(float64)
		id := fmt.Sprintf("osm-%s-%d", osmType, int64(osmNum))
		if j := best[k]; j != i {
			if sameFeature(f, fc.Features[j]) {
				b.reject(pos, id, "", codeExactDuplicate, "%s feature %d repeats feature %d", name, i+1, j+1)
			} else {
				b.reject(pos, id, "osm_id", codeDuplicateOSM, "%s feature %d is OSM %s again; feature %d has more tags and is kept", name, i+1, k, j+1)
			}
			continue
		}
		p, ok := f.Geometry.(orb.Point)
		if !ok || !validPoint(p) {
			b.reject(pos, id, "geometry", codeInvalidCoords, "%s feature %d: not a point in range", name, i+1)
			continue
		}
		amenity, _ := f.Properties["amenity"].(string)
		healthcare, _ := f.Properties["healthcare"].(string)
		label, _ := f.Properties["name"].(string)
		label = strings.TrimSpace(label)
		if amenity == "veterinary" {
			b.reject(pos, id, "amenity", codeNotHumanHealth, "%s feature %d (%q) is a veterinary clinic", name, i+1, label)
			continue
		}
		props := geojson.Properties{"category": "health", "source": "healthsites.io (OpenStreetMap)"}
		var flags []string
		repaired := false
		typ := amenity
		if typ == "" || typ == "healthcare" {
			if healthcare != "" {
				typ = healthcare
			}
		}
		if typ != "" {
			props["type"] = typ
			if sub := healthSubtype(typ); sub != "" {
				props["subtype"] = sub
			}
		} else {
			flags = append(flags, codeMissingType)
			b.issue(pos, id, "amenity", codeMissingType, geodata.Flagged, "%s feature %d has neither amenity nor healthcare", name, i+1)
		}
		if label != "" {
			props["name"] = label
		} else {
			flags = append(flags, codeMissingName)
			b.issue(pos, id, "name", codeMissingName, geodata.Flagged, "%s feature %d (%s) has no name", name, i+1, typ)
		}
		if osmNum > 0 && osmNum == math.Trunc(osmNum) {
			props["osm_id"] = int64(osmNum)
			props["osm_type"] = osmType
		} else {
			uuid, _ := f.Properties["uuid"].(string)
			id = "healthsites-" + uuid
			flags = append(flags, codeNegativeOSMID)
			repaired = true
			b.issue(pos, id, "osm_id", codeNegativeOSMID, geodata.Repaired,
				"%s feature %d (%q): osm_id %d does not name an OSM object; dropped", name, i+1, label, int64(osmNum))
		}
		ts, _ := f.Properties["changeset_timestamp"].(string)
		if t, err := time.Parse(time.RFC3339, ts); err == nil {
			props["last_verified"] = t.UTC().Format(time.DateOnly)
		} else {
			flags = append(flags, codeMissingVerified)
			b.issue(pos, id, "changeset_timestamp", codeMissingVerified, geodata.Flagged,
				"%s feature %d (%q) has no edit date; it cannot be shown as current", name, i+1, label)
		}
		for src, dst := range map[string]string{"country": "country", "operator": "organization", "opening_hours": "hours", "contact_number": "phone"} {
			if v, ok := f.Properties[src].(string); ok && strings.TrimSpace(v) != "" {
				props[dst] = strings.TrimSpace(v)
			}
		}
		if len(flags) > 0 {
			props["flags"] = strings.Join(flags, ",")
		}
		b.add(id, p, props, repaired)
	}
	return nil
}

// richer reports whether a has more information than b: higher
// healthsites completeness, then more tags.
func richer(a, b *geojson.Feature) bool {
	ca, _ := a.Properties["completeness"].(float64)
	cb, _ := b.Properties["completeness"].(float64)
	if ca != cb {
		return ca > cb
	}
	return len(a.Properties) > len(b.Properties)
}

func sameFeature(a, b *geojson.Feature) bool {
	ja, err1 := json.Marshal(a)
	jb, err2 := json.Marshal(b)
	return err1 == nil && err2 == nil && string(ja) == string(jb)
}

func validPoint(p orb.Point) bool {
	return !math.IsNaN(p[0]) && !math.IsNaN(p[1]) && p[0] >= -180 && p[0] <= 180 && p[1] >= -90 && p[1] <= 90 && !(p[0] == 0 && p[1] == 0)
}

// readWHO reads the WHO/KEMRI list. Rows without coordinates are rejected
// with an issue naming the row and the facility.
func (b *serviceBuilder) readWHO(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	name := filepath.Base(path)
	r := csv.NewReader(f)
	header, err := r.Read()
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	col := map[string]int{}
	for i, h := range header {
		col[strings.TrimSpace(strings.TrimPrefix(h, "\ufeff"))] = i
	}
	for _, c := range []string{"Country", "Admin1", "Facility name", "Facility type", "Ownership", "Lat", "Long", "LL source", "iso3c", "Tier_name"} {
		if _, ok := col[c]; !ok {
			return fmt.Errorf("%s: no column %q", path, c)
		}
	}
	line := 1
	for {
		row, err := r.Read()
		if err == io.EOF {
			break
		}
		line++
		if err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		get := func(c string) string { return strings.TrimSpace(row[col[c]]) }
		b.report.Read++
		pos := b.report.Read
		id := fmt.Sprintf("who-%s-%d", strings.ToLower(get("iso3c")), line)
		facility := fmt.Sprintf("%q (%s, %s, %s)", get("Facility name"), get("Facility type"), get("Admin1"), get("Country"))
		if get("Lat") == "" || get("Long") == "" {
			b.reject(pos, id, "Lat,Long", codeMissingCoords, "%s row %d: %s has no coordinates", name, line, facility)
			continue
		}
		lat, err1 := strconv.ParseFloat(get("Lat"), 64)
		lon, err2 := strconv.ParseFloat(get("Long"), 64)
		p := orb.Point{lon, lat}
		if err1 != nil || err2 != nil || !validPoint(p) {
			b.reject(pos, id, "Lat,Long", codeInvalidCoords, "%s row %d: %s has coordinates %q, %q", name, line, facility, get("Lat"), get("Long"))
			continue
		}
		var flags []string
		repaired := false
		if mmp.LonLatSwapped(p, get("Country")) {
			p = orb.Point{lat, lon}
			flags = append(flags, codeSwapped)
			repaired = true
			b.issue(pos, id, "Lat,Long", codeSwapped, geodata.Repaired,
				"%s row %d: %s lies outside %s unless Lat and Long are exchanged; exchanged", name, line, facility, get("Country"))
		}
		props := geojson.Properties{
			"category":      "health",
			"source":        "WHO/KEMRI 2019",
			"last_verified": whoListDate,
		}
		for src, dst := range map[string]string{"Facility name": "name", "Facility type": "type", "Country": "country",
			"Admin1": "admin1", "Ownership": "organization", "Tier_name": "tier", "LL source": "coord_source"} {
			if v := get(src); v != "" {
				props[dst] = v
			}
		}
		if sub := whoSubtype(get("Facility type")); sub != "" {
			props["subtype"] = sub
		}
		if len(flags) > 0 {
			props["flags"] = strings.Join(flags, ",")
		}
		b.add(id, p, props, repaired)
	}
	return nil
}
