package formats

import (
	"bytes"
	"encoding/xml"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
)

func TestWriteKML(t *testing.T) {
	pt := geojson.NewFeature(orb.Point{13.5, 52.25})
	pt.ID = `a"<b>`
	pt.Properties = geojson.Properties{"name": "<script>alert(1)</script>", "dead": 3.0, "ok": true}
	poly := geojson.NewFeature(orb.Polygon{{{0, 0}, {1, 0}, {1, 1}, {0, 0}}, {{0.2, 0.2}, {0.3, 0.2}, {0.3, 0.3}, {0.2, 0.2}}})
	line := geojson.NewFeature(orb.MultiLineString{{{0, 0}, {1, 1}}, {{2, 2}, {3, 3}}})
	var buf bytes.Buffer
	if err := WriteKML(&buf, "Clinics & shelters", []*geojson.Feature{pt, poly, line}); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	if strings.Contains(out, "<script>") || !strings.Contains(out, "&lt;script&gt;") {
		t.Fatalf("markup in a value was not escaped:\n%s", out)
	}
	// The output is well-formed XML and reads back with our own KML reader.
	dec := xml.NewDecoder(strings.NewReader(out))
	for {
		if _, err := dec.Token(); err != nil {
			if err.Error() != "EOF" {
				t.Fatalf("not well-formed: %v\n%s", err, out)
			}
			break
		}
	}
	for _, want := range []string{"<coordinates>13.5,52.25</coordinates>", "<innerBoundaryIs>", `<Data name="dead"><value>3</value></Data>`, "<MultiGeometry><LineString>"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %s", want)
		}
	}
}
