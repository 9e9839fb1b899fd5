package store

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"
)

// jsonFile is one JSON document kept in a file of the data folder (mode
// 0600), rewritten atomically on every change and re-read when another
// process changed it (its size or modification time differ from what was
// last read). A missing file is the zero document.
type jsonFile[T any] struct {
	path  string
	what  string         // names the file in errors: "token file"
	check func(*T) error // checks a document read; may be nil

	mu   sync.Mutex // held around load … save
	read bool
	mod  time.Time
	size int64
	doc  T
}

// openJSONFile returns the document in dir/name, creating dir if needed,
// and reads it once to report a broken file at once.
func openJSONFile[T any](dir, name, what string, check func(*T) error) (*jsonFile[T], error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("%s folder %s: %w", what, dir, err)
	}
	f := &jsonFile[T]{path: filepath.Join(dir, name), what: what, check: check}
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.load(); err != nil {
		return nil, err
	}
	return f, nil
}

// load re-reads the file when it changed since it was last read. The
// caller holds f.mu.
func (f *jsonFile[T]) load() error {
	st, err := os.Stat(f.path)
	if errors.Is(err, os.ErrNotExist) {
		var zero T
		f.doc, f.read, f.mod, f.size = zero, true, time.Time{}, 0
		return nil
	}
	if err != nil {
		return err
	}
	if f.read && st.ModTime().Equal(f.mod) && st.Size() == f.size {
		return nil
	}
	data, err := os.ReadFile(f.path)
	if err != nil {
		return err
	}
	var doc T
	if err := json.Unmarshal(data, &doc); err != nil {
		return fmt.Errorf("%s is not a valid %s: %w", f.path, f.what, err)
	}
	if f.check != nil {
		if err := f.check(&doc); err != nil {
			return fmt.Errorf("%s: %w", f.path, err)
		}
	}
	f.doc, f.read, f.mod, f.size = doc, true, st.ModTime(), st.Size()
	return nil
}

// save writes f.doc and reads it back. The caller holds f.mu.
func (f *jsonFile[T]) save() error {
	if err := writeJSONFile(f.path, f.doc); err != nil {
		return err
	}
	f.read = false // the next load reads what was written
	return f.load()
}

// writeJSONFile replaces path with v as indented JSON, atomically (a temp
// file in the same folder, fsynced, renamed) and readable by the owner only.
func writeJSONFile(path string, v any) error {
	data, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".write-*.json")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return err
	}
	if _, err := tmp.Write(append(data, '\n')); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
