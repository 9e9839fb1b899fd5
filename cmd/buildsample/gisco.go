package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
	"github.com/routerisk/routerisk/geodata"
)

// Issue codes of the GISCO hospital reader.
const (
	codeGISCONoDate   = "missing_reference_date" // flagged: no readable ref_date, so no last_verified
	codeGISCOMismatch = "coordinates_disagree"   // flagged: lat/lon properties far from the geometry; the properties (more decimals) kept
)

// giscoCountries are the countries whose GISCO hospitals are bundled: the
// EU states on the Mediterranean and Balkan routes.
var giscoCountries = []string{"IT", "ES", "EL", "MT", "CY", "BG", "HR", "SI"}

// giscoHospitalFiles lists the GISCO hospital files of giscoCountries
// present in dir, in that order.
func giscoHospitalFiles(dir string) []string {
	var out []string
	for _, cc := range giscoCountries {
		p := filepath.Join(dir, "eurostat_gisco_hospitals_"+cc+".geojson")
		if _, err := os.Stat(p); err == nil {
			out = append(out, p)
		}
	}
	return out
}

// parseGISCODate reads a GISCO ref_date, day first: 01/01/2020 or
// 01/01/20 (a two-digit year is 20yy).
func parseGISCODate(s string) (string, bool) {
	s = strings.TrimSpace(s)
	for _, layout := range []string{"02/01/2006", "2/1/2006", "02/01/06", "2/1/06"} {
		if t, err := time.Parse(layout, s); err == nil {
			if t.Year() < 100 {
				t = t.AddDate(2000, 0, 0)
			}
			return t.Format(time.DateOnly), true
		}
	}
	return "", false
}

// giscoText cleans a GISCO text value: the files use U+FFA0 and U+00A0 as
// spaces in phone numbers.
func giscoText(v any) string {
	s, _ := v.(string)
	s = strings.NewReplacer("\uffa0", " ", "\u00a0", " ").Replace(s)
	return strings.Join(strings.Fields(s), " ")
}

// readGISCO reads one Eurostat/GISCO hospital file: every feature is a
// hospital (category health, subtype hospital), last_verified is its
// reference date.
func (b *serviceBuilder) readGISCO(path string) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	fc, err := geojson.UnmarshalFeatureCollection(data)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	name := filepath.Base(path)
	for i, f := range fc.Features {
		b.report.Read++
		pos := b.report.Read
		cc := giscoText(f.Properties["cc"])
		local := giscoText(f.Properties["id"])
		if local == "" {
			local = fmt.Sprint(f.ID)
		}
		id := "gisco-" + strings.ToLower(cc) + "-" + local
		label := giscoText(f.Properties["hospital_name"])
		p, ok := f.Geometry.(orb.Point)
		if !ok || !validPoint(p) {
			b.reject(pos, id, "geometry", codeInvalidCoords, "%s feature %d (%q): not a point in range", name, i+1, label)
			continue
		}
		var flags []string
		lat, okLat := f.Properties["lat"].(float64)
		lon, okLon := f.Properties["lon"].(float64)
		if q := (orb.Point{lon, lat}); okLat && okLon && validPoint(q) {
			if d := distanceToLineKm(p, orb.LineString{q}); d > 1 {
				flags = append(flags, codeGISCOMismatch)
				b.issue(pos, id, "lat,lon", codeGISCOMismatch, geodata.Flagged,
					"%s feature %d (%q): lat/lon %.6f, %.6f lie %.1f km from the geometry; the lat/lon kept", name, i+1, label, lat, lon, d)
			}
			p = q // the properties carry six decimals, the geometry four
		}
		props := geojson.Properties{"category": "health", "subtype": "hospital", "source": "Eurostat/GISCO"}
		set := func(k string, v any) {
			if s := giscoText(v); s != "" {
				props[k] = s
			}
		}
		set("name", f.Properties["hospital_name"])
		set("phone", f.Properties["tel"])
		set("city", f.Properties["city"])
		set("country", f.Properties["country"])
		set("ownership", f.Properties["public_private"])
		set("emergency", f.Properties["emergency"])
		set("facility_type", f.Properties["facility_type"])
		set("url", f.Properties["url"])
		if beds, ok := f.Properties["cap_beds"].(float64); ok && beds > 0 && beds == float64(int64(beds)) {
			props["beds"] = int64(beds)
		}
		ref := giscoText(f.Properties["ref_date"])
		if d, ok := parseGISCODate(ref); ok {
			props["last_verified"] = d
		} else {
			flags = append(flags, codeGISCONoDate)
			b.issue(pos, id, "ref_date", codeGISCONoDate, geodata.Flagged,
				"%s feature %d (%q) has ref_date %q, not a day/month/year date; it cannot be shown as current", name, i+1, label, ref)
		}
		if len(flags) > 0 {
			props["flags"] = strings.Join(flags, ",")
		}
		b.add(id, p, props, false)
	}
	return nil
}

// healthSubtype maps an OSM amenity or healthcare value onto the health
// subtypes (geodata/vocab), or "".
func healthSubtype(v string) string {
	switch v {
	case "hospital", "clinic", "doctors", "pharmacy", "dentist":
		return v
	case "doctor":
		return "doctors"
	}
	return ""
}

// whoSubtype maps a WHO/KEMRI facility type onto the health subtypes:
// hospitals (also Hôpital, Centre Hospitalier), health huts and posts,
// and health centres and clinics.
func whoSubtype(t string) string {
	l := strings.ToLower(t)
	switch {
	case strings.Contains(l, "hospital"), strings.Contains(l, "hôpital"), strings.Contains(l, "hospitalier"):
		return "hospital"
	case strings.Contains(l, "health hut"), strings.Contains(l, "health post"):
		return "health_post"
	case strings.Contains(l, "centre"), strings.Contains(l, "center"), strings.Contains(l, "clinic"):
		return "clinic"
	}
	return ""
}
