package store

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"
)

// jsonFile is one JSON document kept in a file of the data folder (mode
// 0600), rewritten atomically on every change and re-read when it changed
// (it is another file — a rename put a new one in place — or its size or
// modification time differ from what was last read). A
// change made through any handle in this process is seen at once; one
// made by another process (`routerisk token revoke`) within
// otherProcessDelay, so that a request does not pay a stat of the file.
// A missing file is the zero document.
type jsonFile[T any] struct {
	path  string
	what  string         // names the file in errors: "token file"
	check func(*T) error // checks a document read; may be nil
	saves *atomic.Uint64 // saves of path by this process, through any handle

	mu      sync.Mutex // held around load … save
	read    bool
	info    os.FileInfo // of the file last read; nil when it did not exist
	doc     T
	checked time.Time // when the file was last looked at
	seen    uint64    // saves counted then
}

// otherProcessDelay is the longest a change that another process made to
// a JSON file of the data folder goes unseen.
const otherProcessDelay = 100 * time.Millisecond

// savesByPath counts, per file path, the saves this process made, so
// that every handle on a file sees them at once.
var savesByPath sync.Map // path → *atomic.Uint64

func savesOf(path string) *atomic.Uint64 {
	n, _ := savesByPath.LoadOrStore(path, new(atomic.Uint64))
	return n.(*atomic.Uint64)
}

// openJSONFile returns the document in dir/name, creating dir if needed,
// and reads it once to report a broken file at once.
func openJSONFile[T any](dir, name, what string, check func(*T) error) (*jsonFile[T], error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("%s folder %s: %w", what, dir, err)
	}
	path := filepath.Join(dir, name)
	if abs, err := filepath.Abs(path); err == nil {
		path = abs
	}
	f := &jsonFile[T]{path: path, what: what, check: check, saves: savesOf(path)}
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.load(); err != nil {
		return nil, err
	}
	return f, nil
}

// load re-reads the file when it changed since it was last read: at
// once after a save in this process, otherwise once otherProcessDelay
// has passed since it was last looked at. The caller holds f.mu.
func (f *jsonFile[T]) load() error {
	saves := f.saves.Load()
	if f.read && saves == f.seen && time.Since(f.checked) < otherProcessDelay {
		return nil
	}
	f.checked, f.seen = time.Now(), saves
	st, err := os.Stat(f.path)
	if errors.Is(err, os.ErrNotExist) {
		var zero T
		f.doc, f.read, f.info = zero, true, nil
		return nil
	}
	if err != nil {
		return err
	}
	if f.read && f.info != nil && os.SameFile(st, f.info) && st.ModTime().Equal(f.info.ModTime()) && st.Size() == f.info.Size() {
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
	f.doc, f.read, f.info = doc, true, st
	return nil
}

// loadFresh is load without the delay: what a change is made to must be
// the file as it is now, or another process's change made just before
// would be written over. The caller holds f.mu.
func (f *jsonFile[T]) loadFresh() error {
	f.checked = time.Time{}
	return f.load()
}

// save writes f.doc and reads it back. The caller holds f.mu.
func (f *jsonFile[T]) save() error {
	if err := writeJSONFile(f.path, f.doc); err != nil {
		return err
	}
	f.saves.Add(1)
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
