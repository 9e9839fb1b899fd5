package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// config is what the command is told to do.
type config struct {
	Shared    string // the shared data folder
	Out       string // where the layers go
	Waypoints string // the schematic corridor waypoints CSV
	Labels    string // the labels of the lines their source calls "Other"
	Countries string // if set, write the country table here and stop
	Places    string // if set, write the place index asset here
	Sea       string // where the sea and land assets of package sea go
	Exposure  string // where the crossing counts of package exposure go
}

func main() {
	os.Exit(Main(os.Args[1:], os.Stdout, os.Stderr))
}

// Main runs the command with args and returns the process exit code.
func Main(args []string, stdout, stderr io.Writer) int {
	cfg, err := parseFlags(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintln(stderr, "buildsample:", err)
		return 2
	}
	if err := run(cfg, stdout); err != nil {
		fmt.Fprintln(stderr, "buildsample:", err)
		return 1
	}
	return 0
}

func parseFlags(args []string, stderr io.Writer) (config, error) {
	var cfg config
	fs := flag.NewFlagSet("buildsample", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&cfg.Shared, "shared", "../shared/data", "the shared data folder")
	fs.StringVar(&cfg.Out, "out", "geodata/sample/layers", "output folder for the sample layers")
	fs.StringVar(&cfg.Waypoints, "waypoints", "geodata/sample/source/schematic_waypoints.csv", "waypoints of the schematic corridors")
	fs.StringVar(&cfg.Labels, "labels", "geodata/sample/source/route_labels.csv", "descriptive names of the corridors outside the MMP route taxonomy")
	fs.StringVar(&cfg.Places, "places", "geodata/places/data/places.tsv.gz", "output file of the place index asset (empty: skip)")
	fs.StringVar(&cfg.Exposure, "exposure", "geodata/exposure/data", "output folder for the crossing counts of package geodata/exposure")
	fs.StringVar(&cfg.Sea, "sea", "geodata/sea/data", "output folder for the land and search-and-rescue assets of package geodata/sea")
	fs.StringVar(&cfg.Countries, "countries", "", "write the country bounding-box table to this file (geodata/mmp/countries.csv) and stop")
	if err := fs.Parse(args); err != nil {
		return cfg, err
	}
	if fs.NArg() > 0 {
		return cfg, fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	return cfg, nil
}

// run builds every output named by cfg, writing a summary to log.
func run(cfg config, log io.Writer) error {
	if _, err := os.Stat(cfg.Shared); err != nil {
		return fmt.Errorf("shared data folder: %w", err)
	}
	if cfg.Countries != "" {
		src := filepath.Join(cfg.Shared, "basemap", "world-atlas_countries-50m.topojson.json")
		rows, err := buildCountryTable(src)
		if err != nil {
			return err
		}
		if err := writeCountryTable(cfg.Countries, "basemap/world-atlas_countries-50m.topojson.json", rows); err != nil {
			return err
		}
		fmt.Fprintf(log, "countries: %d bounding boxes written to %s\n", len(rows), cfg.Countries)
		return nil
	}
	if err := writeSeaAssets(cfg.Shared, cfg.Sea); err != nil {
		return err
	}
	if err := writeExposure(cfg.Shared, cfg.Exposure); err != nil {
		return err
	}
	layers, err := buildLayers(cfg, log)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(cfg.Out, 0o755); err != nil {
		return err
	}
	for _, l := range layers {
		if err := writeLayer(cfg.Out, l); err != nil {
			return fmt.Errorf("%s: %w", l.layer.Meta.ID, err)
		}
		fmt.Fprintf(log, "%-9s %s\n", l.layer.Meta.ID, summary(l))
	}
	if cfg.Places != "" {
		if err := runPlaces(cfg, log); err != nil {
			return fmt.Errorf("places: %w", err)
		}
	}
	return nil
}
