package store

import (
	"bufio"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	kgzip "github.com/klauspost/compress/gzip"
	"github.com/paulmach/orb/geojson"

	"github.com/routerisk/routerisk/geodata"
	"github.com/routerisk/routerisk/geodata/formats"
	"github.com/routerisk/routerisk/geodata/workers"
)

// Files stores layers in a folder:
//
//	DIR/layers/ID/current          the current version number
//	DIR/layers/ID/vN/meta.json     metadata of version N
//	DIR/layers/ID/vN/features.geojson.gz
//	DIR/layers/ID/vN/report.json   the import report
//	DIR/layers/ID/deleted          present instead of current once deleted
//	DIR/audit.log                  one JSON line per write (audit.N.log: older, rotated by size)
//
// A version is written into a temporary folder, synced and renamed into
// place before the current pointer (itself renamed into place) names it, so
// a crash at any moment leaves the previous version serving; OpenFiles
// removes what an interrupted write left behind. It is safe for concurrent
// use by one process.
type Files struct {
	dir  string
	mu   sync.Mutex
	now  func() time.Time
	opts FilesOptions
	// auditGen is the generation of the live audit log: the number it
	// will have once rotated (one more than the newest rotated file).
	auditGen int
}

// FilesOptions tune a file store. Zero values take the defaults noted.
type FilesOptions struct {
	// AuditMaxBytes is the size at which the audit log is rotated
	// (default 16 MiB).
	AuditMaxBytes int64
	// AuditKeep is how many rotated audit files are kept besides the live
	// one; older ones are deleted (default 10).
	AuditKeep int
}

// OpenFiles opens (creating if needed) the store in dir, with the default
// options.
func OpenFiles(dir string) (*Files, error) { return OpenFilesWith(dir, FilesOptions{}) }

// OpenFilesWith opens (creating if needed) the store in dir.
func OpenFilesWith(dir string, o FilesOptions) (*Files, error) {
	if o.AuditMaxBytes <= 0 {
		o.AuditMaxBytes = 16 << 20
	}
	if o.AuditKeep <= 0 {
		o.AuditKeep = 10
	}
	if err := os.MkdirAll(filepath.Join(dir, "layers"), 0o755); err != nil {
		return nil, fmt.Errorf("data folder %s: %w", dir, err)
	}
	s := &Files{dir: dir, now: time.Now, opts: o}
	if err := s.removeDebris(); err != nil {
		return nil, err
	}
	gens, err := s.auditGenerations()
	if err != nil {
		return nil, err
	}
	s.auditGen = 1
	if len(gens) > 0 {
		s.auditGen = gens[len(gens)-1] + 1
	}
	return s, nil
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
		if exists(filepath.Join(s.dir, "layers", id, "deleted")) {
			return 0, &geodata.Error{Code: geodata.NotFound, Details: map[string]any{"deleted": true},
				Message: fmt.Sprintf("layer %q was deleted; an editor can restore one of its versions", id)}
		}
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
	// Streamed: a stored version was checked when it was published, so the
	// only limits are the ones no layer can reach.
	// Features without geometry (an exposure layer's rows) are kept.
	d, err := formats.ReadGeoJSON(zr, formats.Options{Limits: formats.Limits{MaxFeatures: math.MaxInt, MaxVertices: math.MaxInt}, NullGeometry: true})
	if err != nil {
		return nil, fmt.Errorf("layer %s: %w", m, err)
	}
	if d.Report.Rejected > 0 {
		return nil, fmt.Errorf("layer %s: %d stored features cannot be read", m, d.Report.Rejected)
	}
	return &geodata.Layer{Meta: m, Features: d.Features}, nil
}

// Report returns the import report of version v of layer id.
func (s *Files) Report(_ context.Context, id string, v int) (geodata.Report, error) {
	return s.readReport(id, v)
}

func (s *Files) readReport(id string, v int) (geodata.Report, error) {
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
// by names who publishes and from what (actor, request id, format, bytes)
// for the audit log.
func (s *Files) Publish(_ context.Context, l *geodata.Layer, report geodata.Report, by geodata.AuditEntry) (geodata.Meta, error) {
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
	next, err := s.nextVersion(id)
	if err != nil {
		return geodata.Meta{}, err
	}
	l.Summarise()
	l.Meta.Version = next
	l.Meta.UpdatedAt = s.now().UTC().Truncate(time.Second)
	l.Meta.UpdatedBy = by.Actor

	tmp, err := os.MkdirTemp(layerDir, ".tmp-")
	if err != nil {
		return geodata.Meta{}, err
	}
	defer os.RemoveAll(tmp) // gone after the rename; cleans up on failure
	if err := writeFeatures(filepath.Join(tmp, "features.geojson.gz"), l.Features); err != nil {
		return geodata.Meta{}, err
	}
	if err := s.commitVersion(tmp, l.Meta, report); err != nil {
		return geodata.Meta{}, err
	}
	by.Action, by.Layer, by.Version, by.Outcome = "publish", id, next, geodata.OutcomeOK
	by.Features, by.Rejected = l.Meta.FeatureCount, report.Rejected
	s.audit(by)
	return l.Meta, nil
}

// commitVersion writes meta.json and report.json into tmp (which already
// holds the features), syncs it, renames it into place as version
// m.Version and makes that version current. The caller holds s.mu.
func (s *Files) commitVersion(tmp string, m geodata.Meta, report geodata.Report) error {
	metaJSON, _ := json.MarshalIndent(m, "", "  ")
	reportJSON, _ := json.MarshalIndent(report, "", "  ")
	for name, data := range map[string][]byte{"meta.json": metaJSON, "report.json": reportJSON} {
		if err := writeSynced(filepath.Join(tmp, name), data); err != nil {
			return err
		}
	}
	if err := syncDir(tmp); err != nil {
		return err
	}
	if err := os.Rename(tmp, s.versionDir(m.ID, m.Version)); err != nil {
		return err
	}
	if err := s.setCurrent(m.ID, m.Version); err != nil {
		return err
	}
	return nil
}

// nextVersion is one past the highest version ever written for id, so a
// version number is never reused, not even after a delete.
func (s *Files) nextVersion(id string) (int, error) {
	vs, err := s.versionNumbers(id, false)
	if err != nil {
		return 0, err
	}
	if len(vs) == 0 {
		return 1, nil
	}
	return slices.Max(vs) + 1, nil
}

// versionNumbers lists the version folders of id, in no order; complete
// only keeps those with metadata (an interrupted write may leave a folder).
func (s *Files) versionNumbers(id string, complete bool) ([]int, error) {
	entries, err := os.ReadDir(filepath.Join(s.dir, "layers", id))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var out []int
	for _, e := range entries {
		n, ok := strings.CutPrefix(e.Name(), "v")
		v, err := strconv.Atoi(n)
		if ok && err == nil && v > 0 && e.IsDir() && (!complete || exists(filepath.Join(s.dir, "layers", id, e.Name(), "meta.json"))) {
			out = append(out, v)
		}
	}
	return out, nil
}

// Restore makes a new version of layer id with the content of version v
// (an earlier version, or the last one of a deleted layer) and makes it
// current. Versions are never rewritten: the restore is itself a version.
func (s *Files) Restore(_ context.Context, id string, v int, by geodata.AuditEntry) (geodata.Meta, error) {
	if !geodata.ValidLayerID(id) {
		return geodata.Meta{}, geodata.Errorf(geodata.NotFound, "layer %q does not exist", id)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	m, err := s.meta(id, v)
	if err != nil {
		return geodata.Meta{}, err
	}
	report, err := s.readReport(id, v)
	if err != nil && geodata.ErrorCode(err) != geodata.NotFound {
		return geodata.Meta{}, err
	}
	next, err := s.nextVersion(id)
	if err != nil {
		return geodata.Meta{}, err
	}
	tmp, err := os.MkdirTemp(filepath.Join(s.dir, "layers", id), ".tmp-")
	if err != nil {
		return geodata.Meta{}, err
	}
	defer os.RemoveAll(tmp)
	if err := copySynced(filepath.Join(s.versionDir(id, v), "features.geojson.gz"), filepath.Join(tmp, "features.geojson.gz")); err != nil {
		return geodata.Meta{}, err
	}
	m.Version = next
	m.UpdatedAt = s.now().UTC().Truncate(time.Second)
	m.UpdatedBy = by.Actor
	if err := s.commitVersion(tmp, m, report); err != nil {
		return geodata.Meta{}, err
	}
	if err := removeSynced(filepath.Join(s.dir, "layers", id, "deleted")); err != nil {
		return geodata.Meta{}, err
	}
	by.Action, by.Layer, by.Version, by.Outcome = "restore", id, next, geodata.OutcomeOK
	by.Features, by.Detail = m.FeatureCount, fmt.Sprintf("content of version %d", v)
	s.audit(by)
	return m, nil
}

// Delete takes layer id out of service. Its versions are kept: Versions
// still lists them and Restore brings one back.
func (s *Files) Delete(_ context.Context, id string, by geodata.AuditEntry) error {
	if !geodata.ValidLayerID(id) {
		return geodata.Errorf(geodata.NotFound, "layer %q does not exist", id)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	v, err := s.currentVersion(id)
	if err != nil {
		return err
	}
	dir := filepath.Join(s.dir, "layers", id)
	if err := os.Rename(filepath.Join(dir, "current"), filepath.Join(dir, "deleted")); err != nil {
		return err
	}
	if err := syncDir(dir); err != nil {
		return err
	}
	by.Action, by.Layer, by.Version, by.Outcome = "delete", id, v, geodata.OutcomeOK
	s.audit(by)
	return nil
}

// removeDebris deletes what an interrupted write left: temporary version
// folders and current-pointer files.
func (s *Files) removeDebris() error {
	layers, err := os.ReadDir(filepath.Join(s.dir, "layers"))
	if err != nil {
		return err
	}
	for _, l := range layers {
		if !l.IsDir() {
			continue
		}
		dir := filepath.Join(s.dir, "layers", l.Name())
		entries, err := os.ReadDir(dir)
		if err != nil {
			return err
		}
		for _, e := range entries {
			if strings.HasPrefix(e.Name(), ".tmp-") || e.Name() == ".current.tmp" {
				if err := os.RemoveAll(filepath.Join(dir, e.Name())); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// Versions returns the metadata of every stored version of layer id, newest first.
// A deleted layer still lists its versions; a layer never published is NotFound.
func (s *Files) Versions(_ context.Context, id string) ([]geodata.Meta, error) {
	if !geodata.ValidLayerID(id) {
		return nil, geodata.Errorf(geodata.NotFound, "layer %q does not exist", id)
	}
	vs, err := s.versionNumbers(id, true)
	if err != nil {
		return nil, err
	}
	if len(vs) == 0 {
		return nil, geodata.Errorf(geodata.NotFound, "layer %q does not exist", id)
	}
	var out []geodata.Meta
	for _, v := range vs {
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

// writeFeatures streams features as a gzip-compressed GeoJSON
// FeatureCollection into a new file at path and syncs it; memory use does
// not grow with the layer.
func writeFeatures(path string, features []*geojson.Feature) error {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o644)
	if err != nil {
		return err
	}
	defer f.Close()
	bw := bufio.NewWriterSize(f, 256<<10)
	zw, _ := kgzip.NewWriterLevel(bw, kgzip.DefaultCompression)
	if err := encodeRuns(features, zw.Write); err != nil {
		return err
	}
	if err := zw.Close(); err != nil {
		return err
	}
	if err := bw.Flush(); err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		return err
	}
	return f.Close()
}

// runBytes is about how much of the encoded collection encodeRuns hands
// on at a time.
const runBytes = 64 << 10

// encodeRuns encodes features as a GeoJSON FeatureCollection and hands it
// to write in order, a run of about runBytes at a time. A goroutine of its
// own encodes the next run while write takes the last (compresses it, for
// writeFeatures), so the two overlap; three runs' buffers are all the
// memory it holds. The first error of either ends it: an encoding error
// names the feature (1-based).
func encodeRuns(features []*geojson.Feature, write func([]byte) (int, error)) error {
	const buffers = 3
	runs, free := make(chan []byte, buffers), make(chan []byte, buffers)
	for range buffers {
		free <- make([]byte, 0, runBytes+runBytes/4)
	}
	stop := make(chan struct{})
	var encodeErr error
	var g workers.Group
	g.Go(func() {
		defer close(runs)
		// send hands buf on; false once write has failed.
		send := func(buf []byte) bool {
			select {
			case runs <- buf:
				return true
			case <-stop:
				return false
			}
		}
		buf := append(<-free, `{"type":"FeatureCollection","features":[`...)
		for i, ft := range features {
			if i > 0 {
				buf = append(buf, ',')
			}
			var err error
			if buf, err = formats.AppendFeature(buf, ft, formats.EncodeOptions{Precision: -1}); err != nil {
				encodeErr = fmt.Errorf("feature %d: %w", i+1, err)
				return
			}
			if len(buf) < runBytes {
				continue
			}
			if !send(buf) {
				return
			}
			select {
			case next := <-free:
				buf = next[:0]
			case <-stop:
				return
			}
		}
		send(append(buf, "]}"...))
	})
	var writeErr error
	for run := range runs {
		if writeErr == nil {
			if _, writeErr = write(run); writeErr != nil {
				close(stop)
			}
		}
		free <- run // never blocks: there are only as many buffers as free holds
	}
	g.Wait()
	if encodeErr != nil {
		return encodeErr
	}
	return writeErr
}

// copySynced copies the file src to a new file dst and syncs it.
func copySynced(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o644)
	if err != nil {
		return err
	}
	defer out.Close()
	if _, err := io.Copy(out, in); err != nil {
		return err
	}
	if err := out.Sync(); err != nil {
		return err
	}
	return out.Close()
}

// removeSynced removes path if it exists and syncs its folder.
func removeSynced(path string) error {
	err := os.Remove(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	return syncDir(filepath.Dir(path))
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

// LayerIDs lists the id of every layer folder of the file store, deleted
// layers included, in order; it is what a copy into PostGIS walks.
func (s *Files) LayerIDs() ([]string, error) {
	entries, err := os.ReadDir(filepath.Join(s.dir, "layers"))
	if err != nil {
		return nil, err
	}
	var out []string
	for _, e := range entries {
		if e.IsDir() && geodata.ValidLayerID(e.Name()) {
			out = append(out, e.Name())
		}
	}
	return out, nil
}
