package main

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"os"
	"path/filepath"
)

// writeSeaAssets copies the land polygon and the search-and-rescue
// regions that package geodata/sea embeds, gzipped with no timestamp so
// that equal input gives equal bytes.
func writeSeaAssets(shared, out string) error {
	if out == "" {
		return nil
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	for src, dst := range map[string]string{
		filepath.Join(shared, "basemap", "world-atlas_land-10m.topojson"):        "land-10m.topojson.gz",
		filepath.Join(shared, "sar", "central_med_sar_regions_onefleet.geojson"): "sar-regions.geojson.gz",
	} {
		data, err := os.ReadFile(src)
		if err != nil {
			return err
		}
		var buf bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
		if _, err := zw.Write(data); err != nil {
			return err
		}
		if err := zw.Close(); err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(out, dst), buf.Bytes(), 0o644); err != nil {
			return fmt.Errorf("%s: %w", dst, err)
		}
	}
	return nil
}
