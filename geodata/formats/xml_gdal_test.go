package formats

import (
	"bufio"
	"bytes"
	"fmt"
	"math"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"
)

// These tests convert every shared KML and GPX case with GDAL's ogr2ogr and
// check that our decoders agree: as many features (GDAL's features with an
// empty or null geometry are the ones we reject), the same geometry (2D,
// within 1e-9, in canonical form) and the same property values.

// TestDecodeKMLMatchesGDAL compares DecodeKML with GDAL's LIBKML driver,
// feature by feature in order. GDAL names "name" Name and adds
// tessellate, extrude, altitudeMode and visibility (-1 when unset) to every
// feature; those rendering fields are not compared, and visibility is
// compared when set. GDAL types SchemaData values from the Schema (we keep
// the text), so numbers are compared by value. GDAL fills begin/end from
// gx:Track <when> values, which we do not turn into properties; begin/end
// are compared with our "timespan" when we have one.
func TestDecodeKMLMatchesGDAL(t *testing.T) {
	ogr := gdalOGR2OGR(t)
	dir := sharedData(t, "formats", "kml")
	files, _ := filepath.Glob(filepath.Join(dir, "*.kml"))
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			d, err := DecodeKML(bytes.NewReader(readXMLFixture(t, file)), Options{})
			if err != nil {
				t.Fatal(err)
			}
			gdal := runOgr2ogr(t, ogr, file)
			var withGeometry []jsonFeature
			for _, g := range gdal {
				if g.geometry != nil {
					withGeometry = append(withGeometry, g)
				}
			}
			if len(withGeometry) != len(d.Features) || len(gdal)-len(withGeometry) != d.Report.Rejected {
				t.Fatalf("GDAL: %d features with a geometry and %d without; we accepted %d and rejected %d",
					len(withGeometry), len(gdal)-len(withGeometry), len(d.Features), d.Report.Rejected)
			}
			for i, g := range withGeometry {
				f := d.Features[i]
				if diff := geometryDiff(rfc7946Rings(canonicalGeometry(f.Geometry)), rfc7946Rings(g.geometry)); diff != "" {
					t.Errorf("feature %d geometry: %s", i+1, diff)
				}
				if diff := kmlGDALPropertyDiff(jsonProperties(t, f.Properties), g.props); diff != "" {
					t.Errorf("feature %d: %s", i+1, diff)
				}
			}
		})
	}
}

// rfc7946Rings returns g with its polygon rings turned as RFC 7946 wants
// (outer counterclockwise, inner clockwise), as GDAL's GeoJSONSeq driver
// writes them; a ring is turned by reversing it, which keeps its first point.
func rfc7946Rings(g orb.Geometry) orb.Geometry {
	switch x := g.(type) {
	case orb.Polygon:
		out := x.Clone()
		for i, r := range out {
			if (i == 0) == (r.Orientation() == orb.CW) {
				r.Reverse()
			}
		}
		return out
	case orb.MultiPolygon:
		out := make(orb.MultiPolygon, len(x))
		for i, p := range x {
			out[i] = rfc7946Rings(p).(orb.Polygon)
		}
		return out
	case orb.Collection:
		out := make(orb.Collection, len(x))
		for i, c := range x {
			out[i] = rfc7946Rings(c)
		}
		return out
	}
	return g
}

// kmlStandardProperties are the properties DecodeKML reads from Placemark
// elements (the rest come from ExtendedData).
var kmlStandardProperties = map[string]bool{
	"name": true, "address": true, "description": true, "styleUrl": true,
	"visibility": true, "timestamp": true, "timespan": true,
}

func kmlGDALPropertyDiff(ours, gdal map[string]any) string {
	for k, v := range gdal {
		if v == nil {
			continue
		}
		switch k {
		case "tessellate", "extrude", "altitudeMode", "drawOrder", "icon", "snippet":
			continue
		case "Name":
			if ours["name"] != v {
				return fmt.Sprintf("name = %#v, GDAL has %#v", ours["name"], v)
			}
		case "visibility":
			n, _ := v.(float64)
			if n == -1 {
				if _, ok := ours["visibility"]; ok {
					return fmt.Sprintf("visibility = %#v, GDAL has none", ours["visibility"])
				}
			} else if ours["visibility"] != strconv.Itoa(int(n)) {
				return fmt.Sprintf("visibility = %#v, GDAL has %v", ours["visibility"], v)
			}
		case "begin", "end":
			span, ok := ours["timespan"].(map[string]any)
			if ok && !sameInstant(span[k], v) {
				return fmt.Sprintf("timespan %s = %#v, GDAL has %#v", k, span[k], v)
			}
		case "timestamp":
			if !sameInstant(ours[k], v) {
				return fmt.Sprintf("timestamp = %#v, GDAL has %#v", ours[k], v)
			}
		default:
			if !sameValue(ours[k], v) {
				return fmt.Sprintf("%q = %#v, GDAL has %#v", k, ours[k], v)
			}
		}
	}
	for k, v := range ours {
		if _, ok := gdal[k]; !ok && !kmlStandardProperties[k] {
			return fmt.Sprintf("ExtendedData %q = %#v is not in GDAL's output", k, v)
		}
	}
	return ""
}

// TestDecodeGPXMatchesGDAL compares DecodeGPX with GDAL's GPX driver, layer
// by layer: waypoints, routes and tracks (route_points and track_points
// are not features for us). GDAL writes every track as a MultiLineString
// (compared in canonical form) and keeps tracks and routes without points
// as empty geometries (we reject those). Differences allowed: GDAL reads
// the children of <extensions> as ext_* fields (we do not read
// extensions) and only 2 links per element; its routes and tracks layers
// have no time (ours is the first point's time) and no GPX 1.0 url and
// urlname.
func TestDecodeGPXMatchesGDAL(t *testing.T) {
	ogr := gdalOGR2OGR(t)
	dir := sharedData(t, "formats", "gpx")
	files, _ := filepath.Glob(filepath.Join(dir, "*.gpx"))
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			d, err := DecodeGPX(bytes.NewReader(readXMLFixture(t, file)), Options{})
			if err != nil {
				t.Fatal(err)
			}
			used := make([]bool, len(d.Features))
			empty, matched := 0, 0
			for _, layer := range []string{"waypoints", "routes", "tracks"} {
				for i, g := range runOgr2ogr(t, ogr, file, layer) {
					if g.geometry == nil {
						empty++
						continue
					}
					match, closest := -1, "no feature with that geometry"
					for j, f := range d.Features {
						if used[j] || geometryDiff(canonicalGeometry(f.Geometry), g.geometry) != "" {
							continue
						}
						closest = gpxGDALPropertyDiff(jsonProperties(t, f.Properties), g.props, layer != "waypoints")
						if closest == "" {
							match = j
							break
						}
					}
					if match < 0 {
						t.Errorf("GDAL %s feature %d (%v) has no match: %s", layer, i+1, g.props, closest)
						continue
					}
					used[match] = true
					matched++
				}
			}
			if matched != len(d.Features) || empty != d.Report.Rejected {
				t.Errorf("GDAL: %d features with a geometry and %d without; we accepted %d and rejected %d",
					matched, empty, len(d.Features), d.Report.Rejected)
			}
		})
	}
}

// gdalLinkBeyondTwo matches link fields GDAL does not read by default.
var gdalLinkBeyondTwo = regexp.MustCompile(`^link([3-9]|\d\d+)_`)

func gpxGDALPropertyDiff(ours, gdal map[string]any, line bool) string {
	for k, v := range gdal {
		switch {
		case v == nil, strings.HasPrefix(k, "ext_"):
		case k == "time":
			if !sameInstant(ours[k], v) {
				return fmt.Sprintf("time = %#v, GDAL has %#v", ours[k], v)
			}
		case !sameValue(ours[k], v):
			return fmt.Sprintf("%q = %#v, GDAL has %#v", k, ours[k], v)
		}
	}
	for k, v := range ours {
		if _, ok := gdal[k]; ok || gdalLinkBeyondTwo.MatchString(k) {
			continue
		}
		if line && (k == "time" || k == "url" || k == "urlname") {
			continue
		}
		return fmt.Sprintf("%q = %#v is not in GDAL's output", k, v)
	}
	return ""
}

// sameValue compares one of our property values with GDAL's: text with
// text, and numbers by value, our text read as a number when GDAL typed it.
func sameValue(ours, gdal any) bool {
	switch g := gdal.(type) {
	case float64:
		switch o := ours.(type) {
		case float64:
			return math.Abs(o-g) <= 1e-9*math.Max(1, math.Abs(g))
		case string:
			v, err := strconv.ParseFloat(strings.TrimSpace(o), 64)
			return err == nil && math.Abs(v-g) <= 1e-9*math.Max(1, math.Abs(g))
		}
		return false
	default:
		return ours == gdal
	}
}

// sameInstant compares two timestamps as instants to the millisecond (GDAL
// keeps milliseconds and may shorten ".000Z" to "Z"); values that do not
// read as times must be equal text.
func sameInstant(ours, gdal any) bool {
	a, okA := ours.(string)
	b, okB := gdal.(string)
	if !okA || !okB {
		return false
	}
	ta, errA := parseTimestamp(a)
	tb, errB := parseTimestamp(b)
	if errA != nil || errB != nil {
		return a == b
	}
	d := ta.Sub(tb)
	return d < time.Millisecond && d > -time.Millisecond
}

func parseTimestamp(s string) (time.Time, error) {
	var err error
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999", "2006-01-02", "2006/01/02 15:04:05"} {
		var t time.Time
		if t, err = time.Parse(layout, strings.TrimSpace(s)); err == nil {
			return t, nil
		}
	}
	return time.Time{}, err
}

// runOgr2ogr converts input (all layers, or the ones named) to
// newline-delimited GeoJSON with full coordinate precision.
func runOgr2ogr(t *testing.T, ogr, input string, layers ...string) []jsonFeature {
	t.Helper()
	args := append([]string{"-f", "GeoJSONSeq", "-lco", "COORDINATE_PRECISION=15", "/vsistdout/", input}, layers...)
	cmd := exec.Command(ogr, args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("ogr2ogr %v: %v\n%s", args, err, stderr.String())
	}
	var features []jsonFeature
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(make([]byte, 0, 1<<20), 64<<20)
	for sc.Scan() {
		line := bytes.TrimSpace(bytes.TrimPrefix(sc.Bytes(), []byte{0x1e}))
		if len(line) > 0 {
			features = append(features, parseJSONFeature(t, line))
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return features
}
