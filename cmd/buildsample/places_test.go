package main

import (
	"bytes"
	"compress/gzip"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"

	"github.com/routerisk/routerisk/geodata/places"
)

// readAsset reads a written place asset, checking its gzip header.
func readAsset(t *testing.T, path string) *places.Asset {
	t.Helper()
	gz, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	zr, err := gzip.NewReader(bytes.NewReader(gz))
	if err != nil {
		t.Fatal(err)
	}
	if !zr.ModTime.IsZero() || zr.Name != "" {
		t.Errorf("gzip header carries %v %q", zr.ModTime, zr.Name)
	}
	text, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	a, err := places.Decode(bytes.NewReader(text))
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func TestBuildPlacesFixture(t *testing.T) {
	out := filepath.Join(t.TempDir(), "data", "places.tsv.gz")
	if _, err := buildPlaces("testdata/places", out); err != nil {
		t.Fatal(err)
	}
	a := readAsset(t, out)

	var codes []string
	names := map[string]string{}
	for _, c := range a.Countries {
		codes = append(codes, c.Code)
		names[c.Code] = c.Name
	}
	// FR comes from 1:110m's ISO_A2_EH (world-atlas has no code for it) and
	// takes world-atlas's long name; N. Cyprus (-99) has no code at all.
	if strings.Join(codes, ",") != "FR,IT,MX,NE,TN" || names["FR"] != "French Republic" || names["NE"] != "Niger" {
		t.Errorf("countries %v %v", codes, names)
	}

	var got []string
	rank := map[string]int{}
	for _, e := range a.Entries {
		got = append(got, e.Kind+":"+e.Country+":"+e.Name)
		rank[e.Name+"/"+e.Kind] = e.Rank
	}
	want := []string{
		"place:IT:Lampedusa", "place:MX:Ciudad Juárez", "place:NE:Agadez",
		"place:TN:El Ain", "place:TN:Kellabine", "place:TN:Sakiet Ezzit", "place:TN:Sfax",
		// the port without a name is left out; Sfax port takes the country
		// of the nearest place (no outline holds it), Nowhere Bay none
		"port:IT:Lampedusa", "port::Nowhere Bay", "port:TN:Sfax",
	}
	if strings.Join(got, " | ") != strings.Join(want, " | ") {
		t.Errorf("entries\n%s\nwant\n%s", strings.Join(got, " | "), strings.Join(want, " | "))
	}
	// Sfax: El Ain 3.8 km away (within 5 km: weighs 5) and Sakiet Ezzit
	// 5.9 km away (weighs 1).
	for name, r := range map[string]int{"Sfax/place": 6, "El Ain/place": 6, "Sakiet Ezzit/place": 2, "Kellabine/place": 0, "Sfax/port": 6} {
		if rank[name] != r {
			t.Errorf("rank of %s = %d, want %d", name, rank[name], r)
		}
	}

	var seas []string
	for _, s := range a.Seas {
		seas = append(seas, s.Name)
		if !planar.MultiPolygonContains(s.Shape, s.Label) {
			t.Errorf("%s: label point %v is outside the area", s.Name, s.Label)
		}
	}
	if strings.Join(seas, ",") != "Gulf of Gabès,Mediterranean Sea,South Pacific Ocean" {
		t.Errorf("seas %v: want spaces collapsed, capitals title-cased, unnamed and collapsing areas left out", seas)
	}
	if med := a.Seas[1]; len(med.Shape) != 2 || med.Rank != 1 {
		t.Errorf("Mediterranean Sea: %d polygons, rank %d; want its two polygons merged", len(med.Shape), med.Rank)
	}

	// The index built on it answers.
	ix := places.New(a)
	if got := ix.Describe(11.3, 34.9, true); got != "Mediterranean Sea, off Kellabine" {
		t.Errorf("Describe = %q", got)
	}
	if got := ix.Describe(5.0, 20.0, false); !strings.HasSuffix(got, "km from Agadez, Niger") {
		t.Errorf("Describe in the Niger desert = %q", got)
	}

	// Deterministic: a second build gives the same bytes.
	again := filepath.Join(t.TempDir(), "places.tsv.gz")
	if _, err := buildPlaces("testdata/places", again); err != nil {
		t.Fatal(err)
	}
	b1, _ := os.ReadFile(out)
	b2, _ := os.ReadFile(again)
	if !bytes.Equal(b1, b2) {
		t.Error("two builds differ")
	}
}

func TestBuildPlacesMissingInput(t *testing.T) {
	if _, err := buildPlaces("testdata/shared", filepath.Join(t.TempDir(), "p.tsv.gz")); err == nil {
		t.Error("built an index from a folder without a gazetteer")
	}
	if code := Main([]string{"-shared", "testdata/shared", "-out", t.TempDir(), "-waypoints", "testdata/waypoints.csv",
		"-places", filepath.Join(t.TempDir(), "p.tsv.gz")}, io.Discard, io.Discard); code != 1 {
		t.Errorf("exit code %d, want 1 when the place inputs are missing", code)
	}
}

func TestSeaName(t *testing.T) {
	tests := []struct{ in, want string }{
		{"NORTH ATLANTIC OCEAN", "North Atlantic Ocean"},
		{"Caribbean  Sea", "Caribbean Sea"},
		{"Gulf of  Suez", "Gulf of Suez"},
		{"Golfo San Mat’as", "Golfo San Matías"},
		{"Alboran Sea", "Alboran Sea"},
		{" ", ""},
	}
	for _, tt := range tests {
		if got := seaName(tt.in); got != tt.want {
			t.Errorf("seaName(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestLabelPointIsInside(t *testing.T) {
	// A C shape: its centroid lies in the gap.
	c := orb.MultiPolygon{{{{0, 0}, {10, 0}, {10, 2}, {2, 2}, {2, 8}, {10, 8}, {10, 10}, {0, 10}, {0, 0}}}}
	if p := labelPoint(c); !planar.MultiPolygonContains(c, p) {
		t.Errorf("label %v outside the C", p)
	}
	sq := orb.MultiPolygon{{{{0, 0}, {1, 0}, {1, 1}, {0, 1}, {0, 0}}}, {{{5, 5}, {9, 5}, {9, 9}, {5, 9}, {5, 5}}}}
	if p := labelPoint(sq); p != (orb.Point{7, 7}) {
		t.Errorf("label %v, want the centre of the larger square", p)
	}
}

// TestCommittedPlacesAreCurrent rebuilds the place index from the shared
// data and compares it with the committed asset: `make sample` must
// produce no diff unless the data or the build changed.
func TestCommittedPlacesAreCurrent(t *testing.T) {
	shared := sharedData(t)
	out := filepath.Join(t.TempDir(), "places.tsv.gz")
	a, err := buildPlaces(shared, out)
	if err != nil {
		t.Fatal(err)
	}
	want, err1 := os.ReadFile("../../geodata/places/data/places.tsv.gz")
	got, err2 := os.ReadFile(out)
	if err1 != nil || err2 != nil {
		t.Fatal(err1, err2)
	}
	if !bytes.Equal(want, got) {
		t.Error("geodata/places/data/places.tsv.gz is not what `make sample` writes now: run it and commit the result")
	}
	if len(got) > 2<<20 {
		t.Errorf("the asset is %d bytes, over 2 MB", len(got))
	}
	if n := len(a.Entries); n < 67523+1000 {
		t.Errorf("%d places and ports", n)
	}
}
