package main

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/paulmach/orb/geojson"

	"github.com/routerisk/routerisk/geodata/formats"
	"github.com/routerisk/routerisk/geodata/risk/synthetic"
	"github.com/routerisk/routerisk/geodata/sample"
)

// maxIncidents bounds one layer: about 300 MB of GeoJSON.
const maxIncidents = 1_000_000

// config is what the command is told to do.
type config struct {
	Sizes []int  // incidents per layer
	Seed  uint64 // random seed
	Out   string // output folder
	Gzip  bool   // gzip the files
}

func main() {
	os.Exit(Main(os.Args[1:], os.Stdout, os.Stderr))
}

// Main runs the command with args and returns the process exit code: 0
// done, 1 failed, 2 bad usage.
func Main(args []string, stdout, stderr io.Writer) int {
	cfg, err := parseFlags(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintln(stderr, "synthincidents:", err)
		return 2
	}
	if err := run(cfg, stdout); err != nil {
		fmt.Fprintln(stderr, "synthincidents:", err)
		return 1
	}
	return 0
}

func parseFlags(args []string, stderr io.Writer) (config, error) {
	var cfg config
	fs := flag.NewFlagSet("synthincidents", flag.ContinueOnError)
	fs.SetOutput(stderr)
	sizes := fs.String("n", "200000,1000000", "incidents per layer, comma-separated")
	fs.Uint64Var(&cfg.Seed, "seed", 1, "random seed")
	fs.StringVar(&cfg.Out, "out", "geodata/risk/testdata/synthetic", "output folder")
	fs.BoolVar(&cfg.Gzip, "gzip", false, "write .geojson.gz")
	if err := fs.Parse(args); err != nil {
		return cfg, err
	}
	if fs.NArg() > 0 {
		return cfg, fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	for _, s := range strings.Split(*sizes, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < 1 || n > maxIncidents {
			return cfg, fmt.Errorf("-n: %q is not a whole number from 1 to %d", s, maxIncidents)
		}
		cfg.Sizes = append(cfg.Sizes, n)
	}
	if cfg.Out == "" {
		return cfg, errors.New("-out: give an output folder")
	}
	return cfg, nil
}

// run writes one layer per size, reporting each file on log.
func run(cfg config, log io.Writer) error {
	base, err := sampleIncidents()
	if err != nil {
		return err
	}
	if err := os.MkdirAll(cfg.Out, 0o755); err != nil {
		return err
	}
	for _, n := range cfg.Sizes {
		name := fmt.Sprintf("incidents-%d-seed%d.geojson", n, cfg.Seed)
		if cfg.Gzip {
			name += ".gz"
		}
		path := filepath.Join(cfg.Out, name)
		if err := write(path, synthetic.Incidents(base, n, cfg.Seed), cfg.Gzip); err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		fmt.Fprintf(log, "wrote %s: %d incidents\n", path, n)
	}
	return nil
}

// sampleIncidents decodes the bundled incidents layer.
func sampleIncidents() ([]*geojson.Feature, error) {
	layers, err := sample.Layers()
	if err != nil {
		return nil, err
	}
	for _, l := range layers {
		if l.Meta.ID != "incidents" {
			continue
		}
		zr, err := gzip.NewReader(bytes.NewReader(l.GeoJSONGzip))
		if err != nil {
			return nil, err
		}
		feats, _, err := formats.DecodeGeoJSON(zr)
		return feats, err
	}
	return nil, errors.New("the bundled layers hold no incidents layer")
}

// write streams the features as a FeatureCollection to a temporary file
// beside path and renames it into place.
func write(path string, feats []*geojson.Feature, gz bool) (err error) {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".synthincidents-*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	var w io.Writer = tmp
	var zw *gzip.Writer
	if gz {
		zw = gzip.NewWriter(tmp)
		w = zw
	}
	bw := bufio.NewWriterSize(w, 1<<20)
	if _, err := bw.WriteString(`{"type":"FeatureCollection","features":[`); err != nil {
		return err
	}
	var buf []byte
	for i, f := range feats {
		buf = buf[:0]
		if i > 0 {
			buf = append(buf, ",\n"...)
		}
		if buf, err = formats.AppendFeature(buf, f, formats.EncodeOptions{Precision: 6}); err != nil {
			return err
		}
		if _, err := bw.Write(buf); err != nil {
			return err
		}
	}
	if _, err := bw.WriteString("]}\n"); err != nil {
		return err
	}
	if err := bw.Flush(); err != nil {
		return err
	}
	if zw != nil {
		if err := zw.Close(); err != nil {
			return err
		}
	}
	if err := tmp.Chmod(0o644); err != nil {
		return err
	}
	if err := tmp.Sync(); err != nil {
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
