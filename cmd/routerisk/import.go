package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/routerisk/routerisk/geodata"
	"github.com/routerisk/routerisk/geodata/formats"
	"github.com/routerisk/routerisk/server/store"
)

// maxImportBytes bounds a GeoJSON file given to `routerisk import`.
const maxImportBytes = 512 << 20

// runImport publishes a GeoJSON file as the next version of a layer in a
// data folder; the audit log records the operating-system user as actor.
func runImport(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("routerisk import", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dataDir := fs.String("data-dir", envOr(getenv, "ROUTERISK_DATA_DIR", "./data"), "folder of the layer store (env ROUTERISK_DATA_DIR)")
	id := fs.String("id", "", "layer id: lower-case letters, digits, hyphens")
	kind := fs.String("kind", "", "route, incident, service or area")
	title := fs.String("title", "", "title shown in the dashboard")
	description := fs.String("description", "", "one-paragraph description")
	sensitivity := fs.String("sensitivity", "restricted", "public or restricted")
	sourceName := fs.String("source", "", "who produced the data")
	license := fs.String("license", "", "licence of the data")
	attribution := fs.String("attribution", "", "attribution text shown on the map")
	timeProp := fs.String("time-property", "", "property holding the feature date (default: date, for incidents)")
	if err := fs.Parse(args); err != nil {
		return usage{err}
	}
	if fs.NArg() != 1 {
		return usage{errors.New("give exactly one GeoJSON file to import")}
	}
	meta := geodata.Meta{
		ID: *id, Kind: geodata.Kind(*kind), Title: *title, Description: *description,
		Sensitivity: geodata.Sensitivity(*sensitivity), TimeProperty: *timeProp,
	}
	if meta.TimeProperty == "" && meta.Kind == geodata.KindIncident {
		meta.TimeProperty = "date"
	}
	if *sourceName != "" || *license != "" || *attribution != "" {
		meta.Sources = []geodata.Source{{Name: *sourceName, License: *license, Attribution: *attribution}}
	}
	if err := meta.Validate(); err != nil {
		return usage{err}
	}
	f, err := os.Open(fs.Arg(0))
	if err != nil {
		return err
	}
	defer f.Close()
	var size int64
	if st, err := f.Stat(); err == nil {
		size = st.Size()
	}
	feats, report, err := formats.DecodeGeoJSON(io.LimitReader(f, maxImportBytes))
	if err != nil {
		return fmt.Errorf("%s: %w", fs.Arg(0), err)
	}
	st, err := store.OpenFiles(*dataDir)
	if err != nil {
		return err
	}
	actor := "cli:" + envOr(getenv, "USER", "unknown")
	m, err := st.Publish(ctx, &geodata.Layer{Meta: meta, Features: feats}, report, geodata.AuditEntry{Actor: actor, Format: "geojson", Bytes: size})
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "published %s: %d features (%d read, %d rejected)\n", m, m.FeatureCount, report.Read, report.Rejected)
	return nil
}

func envOr(getenv func(string) string, key, def string) string {
	if v := getenv(key); v != "" {
		return v
	}
	return def
}

func gzipReader(b []byte) io.Reader {
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		return errReader{err}
	}
	return zr
}

type errReader struct{ err error }

func (e errReader) Read([]byte) (int, error) { return 0, e.err }
