package main

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
	"github.com/routerisk/routerisk/geodata"
)

// built is one layer ready to write.
type built struct {
	layer  geodata.Layer
	report geodata.Report
}

// coordDecimals is the precision of written coordinates (about 0.1 m).
const coordDecimals = 6

// finish rounds the layer's coordinates to coordDecimals, so that the
// summary (bbox) matches what is written, and summarises it.
func finish(l *geodata.Layer) {
	for _, f := range l.Features {
		f.Geometry = roundGeometry(f.Geometry)
	}
	l.Summarise()
}

// encodeCollection writes the features as one compact GeoJSON
// FeatureCollection with coordinates rounded to coordDecimals. Property
// keys come out sorted (encoding/json sorts map keys), so equal input
// gives equal bytes.
func encodeCollection(features []*geojson.Feature) ([]byte, error) {
	var buf bytes.Buffer
	buf.WriteString(`{"type":"FeatureCollection","features":[`)
	for i, f := range features {
		if i > 0 {
			buf.WriteByte(',')
		}
		g := *f
		g.Geometry = roundGeometry(f.Geometry)
		b, err := json.Marshal(&g)
		if err != nil {
			return nil, fmt.Errorf("feature %v: %w", f.ID, err)
		}
		buf.Write(b)
	}
	buf.WriteString("]}\n")
	return buf.Bytes(), nil
}

func roundGeometry(g orb.Geometry) orb.Geometry {
	r := func(p orb.Point) orb.Point { return orb.Point{round(p[0]), round(p[1])} }
	switch v := g.(type) {
	case orb.Point:
		return r(v)
	case orb.LineString:
		out := make(orb.LineString, len(v))
		for i, p := range v {
			out[i] = r(p)
		}
		return out
	case orb.MultiLineString:
		out := make(orb.MultiLineString, len(v))
		for i, ls := range v {
			out[i] = roundGeometry(ls).(orb.LineString)
		}
		return out
	}
	return g
}

func round(f float64) float64 {
	const scale = 1e6
	return math.Round(f*scale) / scale
}

// gzipBytes compresses b with a fixed header (no name, zero time), so the
// output depends on b alone.
func gzipBytes(b []byte) ([]byte, error) {
	var buf bytes.Buffer
	zw, err := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	if err != nil {
		return nil, err
	}
	if _, err := zw.Write(b); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// writeLayer writes <id>.geojson.gz, <id>.meta.json and <id>.report.json.
func writeLayer(dir string, b built) error {
	fc, err := encodeCollection(b.layer.Features)
	if err != nil {
		return err
	}
	gz, err := gzipBytes(fc)
	if err != nil {
		return err
	}
	meta, err := json.MarshalIndent(b.layer.Meta, "", "  ")
	if err != nil {
		return err
	}
	rep := b.report
	if rep.Counts == nil {
		rep.Counts = map[string]int{}
	}
	if rep.Issues == nil {
		rep.Issues = []geodata.Issue{}
	}
	report, err := json.MarshalIndent(rep, "", "  ")
	if err != nil {
		return err
	}
	id := b.layer.Meta.ID
	files := []struct {
		name string
		data []byte
	}{
		{id + ".geojson.gz", gz},
		{id + ".meta.json", append(meta, '\n')},
		{id + ".report.json", append(report, '\n')},
	}
	for _, f := range files {
		if err := writeFileAtomic(filepath.Join(dir, f.name), f.data); err != nil {
			return err
		}
	}
	return nil
}

// writeFileAtomic replaces path with data, leaving the old file intact if
// anything fails, and leaves the file untouched when data is unchanged.
func writeFileAtomic(path string, data []byte) error {
	if old, err := os.ReadFile(path); err == nil && bytes.Equal(old, data) {
		return nil
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Chmod(0o644); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// summary is one line about a built layer for the command's output.
func summary(b built) string {
	r := b.report
	codes := make([]string, 0, len(r.Counts))
	for c := range r.Counts {
		codes = append(codes, c)
	}
	sort.Strings(codes)
	parts := make([]string, len(codes))
	for i, c := range codes {
		parts[i] = fmt.Sprintf("%s=%d", c, r.Counts[c])
	}
	return fmt.Sprintf("read %d, features %d (accepted %d, repaired %d), rejected %d; %s",
		r.Read, b.layer.Meta.FeatureCount, r.Accepted, r.Repaired, r.Rejected, strings.Join(parts, " "))
}

// issueLog adds issues to a report, listing at most max per code and
// counting all of them.
type issueLog struct {
	report *geodata.Report
	max    int
	listed map[string]int
}

func newIssueLog(r *geodata.Report, max int) *issueLog {
	if r.Counts == nil {
		r.Counts = map[string]int{}
	}
	return &issueLog{report: r, max: max, listed: map[string]int{}}
}

func (l *issueLog) add(is geodata.Issue) {
	l.report.Counts[is.Code]++
	if l.listed[is.Code] >= l.max {
		return
	}
	l.listed[is.Code]++
	l.report.Issues = append(l.report.Issues, is)
}
