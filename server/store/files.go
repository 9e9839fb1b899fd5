package store

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/paulmach/orb/geojson"

	"github.com/routerisk/routerisk/geodata"
)

// Files stores layers in a folder:
//
//	DIR/layers/ID/current          the current version number
//	DIR/layers/ID/vN/meta.json     metadata of version N
//	DIR/layers/ID/vN/features.geojson.gz
//	DIR/layers/ID/vN/report.json   the import report
//	DIR/audit.log                  one JSON line per write
//
// It is safe for concurrent use by one process.
type Files struct {
	dir string
	mu  sync.Mutex
	now func() time.Time
}

// AuditEntry is one line of the audit log.
type AuditEntry struct {
	Time    time.Time `json:"time"`
	Actor   string    `json:"actor"`
	Action  string    `json:"action"`
	Layer   string    `json:"layer"`
	Version int       `json:"version"`
	Detail  string    `json:"detail,omitempty"`
}

// OpenFiles opens (creating if needed) the store in dir.
func OpenFiles(dir string) (*Files, error) {
	if err := os.MkdirAll(filepath.Join(dir, "layers"), 0o755); err != nil {
		return nil, fmt.Errorf("data folder %s: %w", dir, err)
	}
	return &Files{dir: dir, now: time.Now}, nil
}

// Dir returns the store's folder.
func (s *Files) Dir() string { return s.dir }

// List returns the metadata of the current version of every layer, by id.
func (s *Files) List(ctx context.Context) ([]geodata.Meta, error) {
	entries, err := os.ReadDir(filepath.Join(s.dir, "layers"))
	if err != nil {
		return nil, err
	}
	var out []geodata.Meta
	for _, e := range entries {
		if !e.IsDir() || !geodata.ValidLayerID(e.Name()) {
			continue
		}
		m, err := s.Current(ctx, e.Name())
		if geodata.ErrorCode(err) == geodata.NotFound {
			continue // a folder without a published version
		}
		if err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, nil
}

// Current returns the metadata of the current version of layer id; code
// NotFound when there is none.
func (s *Files) Current(_ context.Context, id string) (geodata.Meta, error) {
	if !geodata.ValidLayerID(id) {
		return geodata.Meta{}, geodata.Errorf(geodata.NotFound, "layer %q does not exist", id)
	}
	v, err := s.currentVersion(id)
	if err != nil {
		return geodata.Meta{}, err
	}
	return s.meta(id, v)
}

// Meta returns the metadata of version v of layer id.
func (s *Files) meta(id string, v int) (geodata.Meta, error) {
	var m geodata.Meta
	b, err := os.ReadFile(filepath.Join(s.versionDir(id, v), "meta.json"))
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return m, geodata.Errorf(geodata.NotFound, "layer %q has no version %d", id, v)
		}
		return m, err
	}
	if err := json.Unmarshal(b, &m); err != nil {
		return m, fmt.Errorf("layer %s v%d meta: %w", id, v, err)
	}
	return m, nil
}

func (s *Files) currentVersion(id string) (int, error) {
	b, err := os.ReadFile(filepath.Join(s.dir, "layers", id, "current"))
	if errors.Is(err, fs.ErrNotExist) {
		return 0, geodata.Errorf(geodata.NotFound, "layer %q does not exist", id)
	}
	if err != nil {
		return 0, err
	}
	v, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil || v < 1 {
		return 0, fmt.Errorf("layer %s: corrupt current pointer %q", id, b)
	}
	return v, nil
}

func (s *Files) versionDir(id string, v int) string {
	return filepath.Join(s.dir, "layers", id, "v"+strconv.Itoa(v))
}

// Open loads the features of version v of layer id.
func (s *Files) Open(_ context.Context, id string, v int) (*geodata.Layer, error) {
	m, err := s.meta(id, v)
	if err != nil {
		return nil, err
	}
	f, err := os.Open(filepath.Join(s.versionDir(id, v), "features.geojson.gz"))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		return nil, fmt.Errorf("layer %s: %w", m, err)
	}
	raw, err := io.ReadAll(zr)
	if err != nil {
		return nil, fmt.Errorf("layer %s: %w", m, err)
	}
	fc, err := geojson.UnmarshalFeatureCollection(raw)
	if err != nil {
		return nil, fmt.Errorf("layer %s: %w", m, err)
	}
	return &geodata.Layer{Meta: m, Features: fc.Features}, nil
}

// Report returns the import report of version v of layer id.
func (s *Files) Report(_ context.Context, id string, v int) (geodata.Report, error) {
	var r geodata.Report
	b, err := os.ReadFile(filepath.Join(s.versionDir(id, v), "report.json"))
	if errors.Is(err, fs.ErrNotExist) {
		return r, geodata.Errorf(geodata.NotFound, "layer %q has no version %d", id, v)
	}
	if err != nil {
		return r, err
	}
	return r, json.Unmarshal(b, &r)
}

// Publish stores l as the next version of its layer and makes it current.
// It sets Version, UpdatedAt and UpdatedBy, and summarises the features
// into FeatureCount, BBox and Schema; the returned Meta is what was stored.
func (s *Files) Publish(_ context.Context, l *geodata.Layer, report geodata.Report, actor string) (geodata.Meta, error) {
	if err := l.Meta.Validate(); err != nil {
		return geodata.Meta{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	id := l.Meta.ID
	layerDir := filepath.Join(s.dir, "layers", id)
	if err := os.MkdirAll(layerDir, 0o755); err != nil {
		return geodata.Meta{}, err
	}
	next := 1
	if v, err := s.currentVersion(id); err == nil {
		next = v + 1
	} else if geodata.ErrorCode(err) != geodata.NotFound {
		return geodata.Meta{}, err
	}
	for exists(s.versionDir(id, next)) { // a version written but never made current
		next++
	}
	l.Summarise()
	l.Meta.Version = next
	l.Meta.UpdatedAt = s.now().UTC().Truncate(time.Second)
	l.Meta.UpdatedBy = actor

	tmp, err := os.MkdirTemp(layerDir, ".tmp-")
	if err != nil {
		return geodata.Meta{}, err
	}
	defer os.RemoveAll(tmp) // gone after the rename; cleans up on failure
	feats, err := encodeFeatures(l.Features)
	if err != nil {
		return geodata.Meta{}, err
	}
	metaJSON, _ := json.MarshalIndent(l.Meta, "", "  ")
	reportJSON, _ := json.MarshalIndent(report, "", "  ")
	for name, data := range map[string][]byte{"features.geojson.gz": feats, "meta.json": metaJSON, "report.json": reportJSON} {
		if err := writeSynced(filepath.Join(tmp, name), data); err != nil {
			return geodata.Meta{}, err
		}
	}
	if err := syncDir(tmp); err != nil {
		return geodata.Meta{}, err
	}
	if err := os.Rename(tmp, s.versionDir(id, next)); err != nil {
		return geodata.Meta{}, err
	}
	if err := s.setCurrent(id, next); err != nil {
		return geodata.Meta{}, err
	}
	s.audit(AuditEntry{Actor: actor, Action: "publish", Layer: id, Version: next,
		Detail: fmt.Sprintf("%d features", l.Meta.FeatureCount)})
	return l.Meta, nil
}

// Versions returns the metadata of every stored version of layer id, newest first.
func (s *Files) Versions(_ context.Context, id string) ([]geodata.Meta, error) {
	if _, err := s.currentVersion(id); err != nil {
		return nil, err
	}
	entries, err := os.ReadDir(filepath.Join(s.dir, "layers", id))
	if err != nil {
		return nil, err
	}
	var out []geodata.Meta
	for _, e := range entries {
		n, ok := strings.CutPrefix(e.Name(), "v")
		v, err := strconv.Atoi(n)
		if !ok || err != nil || !e.IsDir() {
			continue
		}
		m, err := s.meta(id, v)
		if err != nil {
			continue
		}
		out = append(out, m)
	}
	slices.SortFunc(out, func(a, b geodata.Meta) int { return b.Version - a.Version })
	return out, nil
}

func (s *Files) setCurrent(id string, v int) error {
	dir := filepath.Join(s.dir, "layers", id)
	tmp := filepath.Join(dir, ".current.tmp")
	if err := writeSynced(tmp, []byte(strconv.Itoa(v)+"\n")); err != nil {
		return err
	}
	if err := os.Rename(tmp, filepath.Join(dir, "current")); err != nil {
		return err
	}
	return syncDir(dir)
}

// audit appends an entry to the audit log. A failure to write it is
// returned to nobody but must not pass silently: the entry goes to stderr.
func (s *Files) audit(e AuditEntry) {
	e.Time = s.now().UTC()
	line, _ := json.Marshal(e)
	f, err := os.OpenFile(filepath.Join(s.dir, "audit.log"), os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o640)
	if err == nil {
		_, err = f.Write(append(line, '\n'))
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "audit log write failed: %v: %s\n", err, line)
	}
}

func encodeFeatures(features []*geojson.Feature) ([]byte, error) {
	fc := geojson.NewFeatureCollection()
	fc.Features = features
	raw, err := json.Marshal(fc)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	if _, err := zw.Write(raw); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func writeSynced(path string, data []byte) error {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o644)
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}
