package formats

import (
	"os"
	"strings"
	"testing"
)

// TestDecodeCSVReadsTheHXLRow: the hashtag row under the header is read
// as tags, not data, and its #geo+lat and #geo+lon columns are the
// coordinates although their names say nothing.
func TestDecodeCSVReadsTheHXLRow(t *testing.T) {
	f, err := os.Open("testdata/csv/hxl_tagged.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	d, err := DecodeCSV(f, Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"#loc+name", "#geo+lat", "#geo+lon", "#service+type"}
	if len(d.HXL) != len(want) {
		t.Fatalf("HXL %q", d.HXL)
	}
	for i := range want {
		if d.HXL[i] != want[i] {
			t.Errorf("HXL[%d] = %q, want %q", i, d.HXL[i], want[i])
		}
	}
	// Two data rows: one read, one rejected for its empty longitude (data row 2).
	if d.Report.Read != 2 || d.Report.Accepted != 1 || len(d.Report.Issues) != 1 || d.Report.Issues[0].Feature != 2 {
		t.Fatalf("report %+v", d.Report)
	}
	p := d.Features[0].Geometry.Bound().Min
	if p[0] != 12.6 || p[1] != 35.5 || d.Features[0].Properties["Name"] != "Clinic A" {
		t.Errorf("feature at %v: %v", p, d.Features[0].Properties)
	}
	// Without a hashtag row the second row is data, as before.
	d, err = DecodeCSV(strings.NewReader("lat,lon,n\n1,2,#3\n3,4,x\n"), Options{})
	if err != nil || d.HXL != nil || d.Report.Accepted != 2 {
		t.Fatalf("%v %+v", err, d)
	}
}
