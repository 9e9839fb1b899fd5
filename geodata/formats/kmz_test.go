package formats

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/routerisk/routerisk/geodata"
)

// kmzSameAsKML fails unless the KMZ decoding matches the KML decoding of
// the same document, format and first note aside.
func kmzSameAsKML(t testing.TB, kmz, kml *Decoded) {
	t.Helper()
	if kmz.Format != KMZ {
		t.Errorf("format %s, want kmz", kmz.Format)
	}
	a, err := json.Marshal(kmz.Features)
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(kml.Features)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a, b) {
		t.Errorf("features differ from the KML's:\n%s\n%s", a, b)
	}
	if kmz.Report.Read != kml.Report.Read || kmz.Report.Accepted != kml.Report.Accepted || kmz.Report.Rejected != kml.Report.Rejected {
		t.Errorf("report %+v, KML %+v", kmz.Report, kml.Report)
	}
	checkReportCounts(t, kmz)
}

func TestDecodeKMZSharedCases(t *testing.T) {
	dir := sharedData(t, "formats", "kml")
	paths, err := filepath.Glob(filepath.Join(dir, "*.kml"))
	if err != nil || len(paths) == 0 {
		t.Fatalf("no KML cases in %s: %v", dir, err)
	}
	for _, p := range paths {
		t.Run(filepath.Base(p), func(t *testing.T) {
			doc := mustRead(t, p)
			kml, kmlErr := DecodeKML(bytes.NewReader(doc), Options{})
			zb := buildTestZip(t, testZipEntry{name: "doc.kml", data: doc}, testZipEntry{name: "files/icon.png", data: []byte("png")})
			kmz, err := DecodeKMZ(archiveSource(filepath.Base(p)+".kmz", zb), Options{})
			if kmlErr != nil {
				if geodata.ErrorCode(err) != geodata.ErrorCode(kmlErr) {
					t.Fatalf("KMZ error %v, KML error %v", err, kmlErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			kmzSameAsKML(t, kmz, kml)
			if !hasNote(kmz, "read doc.kml") {
				t.Errorf("notes %q", kmz.Notes)
			}
		})
	}
}

func TestDecodeKMZFixtures(t *testing.T) {
	kmlDir := sharedData(t, "formats", "kml")
	cases := []struct {
		kmz, kml, note string
	}{
		{"addresses.kmz", "addresses.kml", "read doc.kml"},
		{"kml_in_folder.kmz", "multigeometry.kml", "read layers/multigeometry.kml"},
	}
	for _, tc := range cases {
		t.Run(tc.kmz, func(t *testing.T) {
			kmz, err := DecodeKMZ(archiveFileSource(t, filepath.Join("testdata", "kmz", tc.kmz)), Options{})
			if err != nil {
				t.Fatal(err)
			}
			kml, err := DecodeKML(bytes.NewReader(mustRead(t, filepath.Join(kmlDir, tc.kml))), Options{})
			if err != nil {
				t.Fatal(err)
			}
			kmzSameAsKML(t, kmz, kml)
			if len(kmz.Features) == 0 || !hasNote(kmz, tc.note) {
				t.Errorf("%d features, notes %q", len(kmz.Features), kmz.Notes)
			}
		})
	}
}

func TestDecodeKMZPicksTheMainDocument(t *testing.T) {
	kml := func(name string) []byte {
		return []byte(`<kml xmlns="http://www.opengis.net/kml/2.2"><Placemark><name>` + name + `</name><Point><coordinates>1,2</coordinates></Point></Placemark></kml>`)
	}
	cases := []struct {
		name    string
		entries []testZipEntry
		want    string // the name of the placemark read
	}{
		{"doc.kml wins", []testZipEntry{{name: "a.kml", data: kml("a")}, {name: "doc.kml", data: kml("doc")}}, "doc"},
		{"upper-case DOC.KML", []testZipEntry{{name: "a.kml", data: kml("a")}, {name: "DOC.KML", data: kml("doc")}}, "doc"},
		{"first root .kml", []testZipEntry{{name: "sub/doc.kml", data: kml("sub")}, {name: "b.kml", data: kml("b")}, {name: "c.kml", data: kml("c")}}, "b"},
		{"first .kml in a folder", []testZipEntry{{name: "x/one.kml", data: kml("one")}, {name: "y/two.kml", data: kml("two")}}, "one"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			d, err := DecodeKMZ(archiveSource("t.kmz", buildTestZip(t, tc.entries...)), Options{})
			if err != nil {
				t.Fatal(err)
			}
			if len(d.Features) != 1 || d.Features[0].Properties["name"] != tc.want {
				t.Fatalf("features %v, want the placemark %q", d.Features, tc.want)
			}
			if len(tc.entries) > 1 && !hasNote(d, "not read") {
				t.Errorf("notes %q do not list the other documents", d.Notes)
			}
		})
	}
}

func TestDecodeKMZRefusals(t *testing.T) {
	doc := []byte(`<kml><Placemark><Point><coordinates>1,2</coordinates></Point></Placemark></kml>`)
	big := []byte(`<kml><Document><description>` + strings.Repeat(" ", 3<<20) + `</description></Document></kml>`)
	cases := []struct {
		name      string
		zip       []byte
		lim       Limits
		code      geodata.Code
		fragments []string
	}{
		{"no kml", buildTestZip(t, testZipEntry{name: "files/icon.png", data: []byte("png")}), Limits{}, geodata.Invalid, []string{"no .kml", "files/icon.png"}},
		{"zip slip", buildTestZip(t, testZipEntry{name: "doc.kml", data: doc}, testZipEntry{name: "../../evil.kml", data: doc}), Limits{}, geodata.Invalid, []string{"outside"}},
		{"nested kmz", buildTestZip(t, testZipEntry{name: "doc.kml", data: doc}, testZipEntry{name: "more.kmz", data: []byte("PK")}), Limits{}, geodata.Invalid, []string{"another archive"}},
		{"symlink", buildTestZip(t, testZipEntry{name: "doc.kml", data: []byte("/etc/passwd"), mode: 0o777 | os.ModeSymlink}), Limits{}, geodata.Invalid, []string{"symbolic link"}},
		{"inflate ratio", buildTestZip(t, testZipEntry{name: "doc.kml", data: big}), Limits{}, geodata.TooLarge, []string{`"doc.kml"`, "max_inflate_ratio"}},
		{"inflated bytes", buildTestZip(t, testZipEntry{name: "doc.kml", data: big}), Limits{MaxInflatedBytes: 1 << 20}, geodata.TooLarge, []string{"max_inflated_bytes"}},
		{"lying header", forgedZip(t, "doc.kml", big, 64), Limits{MaxInflatedBytes: 1 << 20}, geodata.TooLarge, []string{"max_inflated_bytes"}},
		{"too many entries", buildTestZip(t, testZipEntry{name: "doc.kml", data: doc}, testZipEntry{name: "a.png"}, testZipEntry{name: "b.png"}), Limits{MaxArchiveFiles: 2}, geodata.TooLarge, []string{"max_archive_files"}},
		{"not a zip", []byte("<kml></kml>"), Limits{}, geodata.Invalid, []string{"not a readable zip"}},
		{"doctype in the kml", buildTestZip(t, testZipEntry{name: "doc.kml", data: []byte(`<!DOCTYPE kml [<!ENTITY x "y">]><kml/>`)}), Limits{}, geodata.Invalid, []string{"DOCTYPE"}},
		{"features limit", buildTestZip(t, testZipEntry{name: "doc.kml", data: []byte(`<kml>` + strings.Repeat(`<Placemark><Point><coordinates>1,2</coordinates></Point></Placemark>`, 3) + `</kml>`)}), Limits{MaxFeatures: 2}, geodata.TooLarge, []string{"max_features"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := DecodeKMZ(archiveSource("t.kmz", tc.zip), Options{Limits: tc.lim})
			wantGeodataError(t, err, tc.code, tc.fragments...)
		})
	}
}
