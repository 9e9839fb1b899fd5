package formats

import (
	"os"
	"path/filepath"
	"testing"
)

func FuzzDecodeHSDS(f *testing.F) {
	read := func(name string) []byte {
		b, err := os.ReadFile(filepath.Join("testdata", "hsds", "tijuana", name))
		if err != nil {
			f.Fatal(err)
		}
		return b
	}
	f.Add(read("services.csv"), read("locations.csv"), read("service_at_location.csv"), read("taxonomy_terms.csv"), read("schedules.csv"))
	f.Add([]byte("id,name\ns1,\"a\"\"b\"\n"), []byte("id,latitude,longitude\nl1,NaN,1e400\n"), []byte("service_id,location_id\ns1,l1\n"),
		[]byte("id,term,parent_id\nt1,Food,t1\n"), []byte("service_id,byday,opens_at,closes_at\ns1,+1MO,9,1\n"))
	f.Fuzz(func(t *testing.T, services, locations, sal, terms, schedules []byte) {
		zb := buildTestZip(t,
			testZipEntry{name: "services.csv", data: services},
			testZipEntry{name: "locations.csv", data: locations},
			testZipEntry{name: "service_at_location.csv", data: sal},
			testZipEntry{name: "taxonomy_terms.csv", data: terms},
			testZipEntry{name: "service_attributes.csv", data: []byte("service_id,taxonomy_term_id\ns1,t1\ns2,t2\n")},
			testZipEntry{name: "schedules.csv", data: schedules},
		)
		d, err := DecodeHSDS(archiveSource("f.zip", zb), Options{Limits: Limits{MaxFeatures: 1000, MaxInflatedBytes: 16 << 20}})
		if err != nil {
			return
		}
		if d == nil {
			t.Fatal("nil Decoded without an error")
		}
		checkReportCounts(t, d)
	})
}
