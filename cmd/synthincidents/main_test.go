package main

import (
	"bytes"
	"compress/gzip"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/routerisk/routerisk/geodata/formats"
)

func TestMainWritesSeededLayers(t *testing.T) {
	dir := t.TempDir()
	var out, errb bytes.Buffer
	if code := Main([]string{"-n", "50,120", "-seed", "7", "-out", dir}, &out, &errb); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	for _, n := range []struct {
		file string
		want int
	}{{"incidents-50-seed7.geojson", 50}, {"incidents-120-seed7.geojson", 120}} {
		f, err := os.Open(filepath.Join(dir, n.file))
		if err != nil {
			t.Fatal(err)
		}
		feats, rep, err := formats.DecodeGeoJSON(f)
		f.Close()
		if err != nil || len(feats) != n.want || rep.Rejected != 0 {
			t.Fatalf("%s: %d features, %d rejected, %v", n.file, len(feats), rep.Rejected, err)
		}
		if feats[0].Properties["synthetic"] != true {
			t.Errorf("%s: not marked synthetic", n.file)
		}
	}
	if !strings.Contains(out.String(), "wrote ") {
		t.Errorf("output %q", out.String())
	}
	first, _ := os.ReadFile(filepath.Join(dir, "incidents-50-seed7.geojson"))
	if code := Main([]string{"-n", "50", "-seed", "7", "-out", dir, "-gzip"}, io.Discard, io.Discard); code != 0 {
		t.Fatal("gzip run failed")
	}
	gz, _ := os.ReadFile(filepath.Join(dir, "incidents-50-seed7.geojson.gz"))
	zr, err := gzip.NewReader(bytes.NewReader(gz))
	if err != nil {
		t.Fatal(err)
	}
	again, _ := io.ReadAll(zr)
	if !bytes.Equal(first, again) {
		t.Error("the same size and seed wrote different layers")
	}
	if left, _ := filepath.Glob(filepath.Join(dir, ".synthincidents-*")); len(left) > 0 {
		t.Errorf("temporary files left: %v", left)
	}
}

func TestMainRejectsBadFlags(t *testing.T) {
	for _, args := range [][]string{{"-n", "0"}, {"-n", "ten"}, {"-n", "2000000"}, {"-out", ""}, {"extra"}, {"-seed", "-1"}} {
		if code := Main(args, io.Discard, io.Discard); code != 2 {
			t.Errorf("%q: exit %d, want 2", args, code)
		}
	}
}
