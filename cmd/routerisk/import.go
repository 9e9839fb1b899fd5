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
	"path/filepath"

	"github.com/routerisk/routerisk/geodata"
	"github.com/routerisk/routerisk/geodata/formats"
	"github.com/routerisk/routerisk/geodata/ingest"
	"github.com/routerisk/routerisk/server/publishing"
)

// maxImportBytes bounds a file given to `routerisk import`.
const maxImportBytes = 512 << 20

// runImport reads a file in any upload format, checks it like an upload and
// publishes it as the next version of a layer in the store (the file store
// in a data folder, or PostGIS with --store); the audit log records the
// operating-system user as actor.
func runImport(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("routerisk import", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dataDir := fs.String("data-dir", envOr(getenv, "ROUTERISK_DATA_DIR", "./data"), "folder of the file store (env ROUTERISK_DATA_DIR)")
	storeURL := fs.String("store", getenv("ROUTERISK_STORE"), "PostGIS store, postgres://user@host:5432/db, in place of the file store (env ROUTERISK_STORE)")
	id := fs.String("id", "", "layer id: lower-case letters, digits, hyphens")
	kind := fs.String("kind", "", "one of "+geodata.KindNames+" (default: read from files that always tell: an ACLED export is event, a DTM flow table exposure, Open Referral and OpenStreetMap data service)")
	title := fs.String("title", "", "title shown in the dashboard")
	description := fs.String("description", "", "one-paragraph description")
	sensitivity := fs.String("sensitivity", "restricted", "public or restricted")
	sourceName := fs.String("source", "", "who produced the data")
	license := fs.String("license", "", "licence of the data")
	attribution := fs.String("attribution", "", "attribution text shown on the map")
	timeProp := fs.String("time-property", "", "property holding the feature date (default: date, for incidents)")
	format := fs.String("format", "", "geojson, csv, kml, kmz, gpx, shapefile or geopackage (default: detected)")
	mapping := fs.String("mapping", "", `column mapping as JSON, e.g. {"date":"Incident Date"} (default: detected)`)
	onError := fs.String("on-error", "reject", "reject: store nothing if a feature is bad; skip: store the good ones")
	if err := fs.Parse(args); err != nil {
		return usage{err}
	}
	if fs.NArg() != 1 {
		return usage{errors.New("give exactly one file to import")}
	}
	var named formats.Format
	if *format != "" {
		var err error
		if named, err = formats.ParseFormat(*format); err != nil {
			return usage{err}
		}
	}
	f, err := os.Open(fs.Arg(0))
	if err != nil {
		return err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return err
	}
	if st.Size() > maxImportBytes {
		return fmt.Errorf("%s is %d bytes, more than the %d an import reads", fs.Arg(0), st.Size(), maxImportBytes)
	}
	src := formats.Source{Name: filepath.Base(fs.Arg(0)), Path: fs.Arg(0), Size: st.Size(), R: f}
	if *kind == "" {
		if *kind = string(ingest.FileKind(src, named)); *kind == "" {
			return usage{fmt.Errorf("give --kind (one of %s): %s does not say what its features are", geodata.KindNames, src.Name)}
		}
	}
	meta := geodata.Meta{
		ID: *id, Kind: geodata.Kind(*kind), Title: *title, Description: *description,
		Sensitivity: geodata.Sensitivity(*sensitivity), TimeProperty: *timeProp,
	}
	if meta.TimeProperty == "" && (meta.Kind == geodata.KindIncident || meta.Kind == geodata.KindEvent) {
		meta.TimeProperty = "date"
	}
	if meta.TimeProperty == "" && meta.Kind == geodata.KindExposure {
		meta.TimeProperty = "month"
	}
	if *sourceName != "" || *license != "" || *attribution != "" {
		meta.Sources = []geodata.Source{{Name: *sourceName, License: *license, Attribution: *attribution}}
	}
	if err := meta.Validate(); err != nil {
		return usage{err}
	}
	if err := checkStoreURL("store", *storeURL); err != nil {
		return usage{err}
	}
	onErr, err := ingest.ParseOnError(*onError)
	if err != nil {
		return usage{err}
	}
	opts := ingest.Options{Kind: meta.Kind, OnError: onErr, Format: named}
	if *mapping != "" {
		if opts.Mapping, err = ingest.ParseMapping(meta.Kind, *mapping); err != nil {
			return usage{err}
		}
	}
	// The same admission as an upload to the server: the collector works
	// harder and the soft memory limit follows the file's size while it is
	// read, so a large import peaks lower.
	ticket, err := publishing.NewAdmission(1).Begin()
	if err != nil {
		return err
	}
	defer ticket.Done()
	ticket.Budget(src.Size)
	res, err := ingest.Run(src, opts)
	if err != nil {
		if res != nil {
			printIssues(stderr, res.Report, 20)
		}
		return fmt.Errorf("%s: %w", fs.Arg(0), err)
	}
	store, err := openStore(ctx, *dataDir, *storeURL)
	if err != nil {
		return err
	}
	defer store.Close()
	actor := "cli:" + envOr(getenv, "USER", "unknown")
	m, err := store.Publish(ctx, &geodata.Layer{Meta: meta, Features: res.Features}, res.Report,
		geodata.AuditEntry{Actor: actor, Format: string(res.Format), Bytes: st.Size()})
	if err != nil {
		return err
	}
	printIssues(stderr, res.Report, 20)
	fmt.Fprintf(stdout, "published %s from %s (%s): %d features (%d read, %d repaired, %d rejected)\n",
		m, src.Name, res.Format, m.FeatureCount, res.Report.Read, res.Report.Repaired, res.Report.Rejected)
	return nil
}

// printIssues lists the first n issues of a report for the person at the terminal.
func printIssues(w io.Writer, r geodata.Report, n int) {
	for i, is := range r.Issues {
		if i == n {
			fmt.Fprintf(w, "… and %d more issues\n", len(r.Issues)-n)
			return
		}
		fmt.Fprintf(w, "feature %d", is.Feature)
		if is.ID != "" {
			fmt.Fprintf(w, " (id %s)", is.ID)
		}
		if is.Field != "" {
			fmt.Fprintf(w, ", %s", is.Field)
		}
		fmt.Fprintf(w, ": %s [%s, %s]\n", is.Message, is.Code, is.Action)
	}
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
