package sample

import (
	"embed"
	"encoding/json"
	"fmt"

	"github.com/routerisk/routerisk/geodata"
)

//go:embed layers
var layers embed.FS

// IDs are the sample layer ids in the order Layers returns them: the
// three main layers, then the public context layers (SAR regions, IOM DTM
// sites of the Americas, ports, sea names).
func IDs() []string {
	return []string{"routes", "incidents", "services", "sar-regions", "dtm-americas-sites", "ports", "sea-names"}
}

// Bundled is one embedded sample layer: its metadata (Version and
// UpdatedAt are left for the store to set), its features as a gzipped
// GeoJSON FeatureCollection, and the report of the import that built it.
type Bundled struct {
	Meta        geodata.Meta   // id, kind, sources, sensitivity, feature_count, bbox, schema
	GeoJSONGzip []byte         // gzip of a GeoJSON FeatureCollection
	Report      geodata.Report // what the import found
}

// Layers returns the sample layers in the fixed order of IDs. The
// GeoJSONGzip slices are fresh copies the caller may keep.
// An error means the embedded files are damaged (code Internal).
func Layers() ([]Bundled, error) {
	out := make([]Bundled, 0, len(IDs()))
	for _, id := range IDs() {
		b, err := load(id)
		if err != nil {
			return nil, &geodata.Error{Code: geodata.Internal, Message: "sample layer " + id + " is damaged", Err: err}
		}
		out = append(out, b)
	}
	return out, nil
}

func load(id string) (Bundled, error) {
	var b Bundled
	meta, err := layers.ReadFile("layers/" + id + ".meta.json")
	if err != nil {
		return b, err
	}
	if err := json.Unmarshal(meta, &b.Meta); err != nil {
		return b, fmt.Errorf("%s.meta.json: %w", id, err)
	}
	if b.Meta.ID != id {
		return b, fmt.Errorf("%s.meta.json names layer %q", id, b.Meta.ID)
	}
	report, err := layers.ReadFile("layers/" + id + ".report.json")
	if err != nil {
		return b, err
	}
	if err := json.Unmarshal(report, &b.Report); err != nil {
		return b, fmt.Errorf("%s.report.json: %w", id, err)
	}
	gz, err := layers.ReadFile("layers/" + id + ".geojson.gz")
	if err != nil {
		return b, err
	}
	b.GeoJSONGzip = append([]byte(nil), gz...)
	return b, nil
}
