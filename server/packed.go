package server

import (
	"bytes"
	"compress/gzip"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"
	"sync"

	"github.com/routerisk/routerisk/server/web"
)

// packedFiles serves the dashboard's built assets gzip-compressed to
// clients that accept it: each compressible file is compressed once, on
// its first request, and kept. The JavaScript and styles are several
// hundred kilobytes that compress to about a third.
type packedFiles struct {
	dist fs.FS
	mu   sync.Mutex
	gz   map[string][]byte // by path in dist; nil when not worth compressing
}

func newPackedFiles(dist fs.FS) *packedFiles {
	return &packedFiles{dist: dist, gz: map[string][]byte{}}
}

// compressible are the extensions worth compressing.
var compressible = map[string]bool{".js": true, ".css": true, ".html": true, ".json": true, ".svg": true, ".map": true, ".txt": true}

// minPacked is the smallest file worth compressing.
const minPacked = 1024

// serve writes the gzip form of the requested asset and reports true, or
// reports false and writes nothing when the client does not accept gzip
// or the file is not worth it (the file server answers then).
func (p *packedFiles) serve(w http.ResponseWriter, r *http.Request) bool {
	name := strings.TrimPrefix(r.URL.Path, "/")
	if name == "" {
		name = "index.html"
	}
	if !compressible[path.Ext(name)] || !web.AcceptsGzip(r.Header.Get("Accept-Encoding")) {
		return false
	}
	body := p.packed(name)
	if body == nil {
		return false
	}
	h := w.Header()
	h.Set("Content-Type", mime.TypeByExtension(path.Ext(name)))
	h.Set("Content-Encoding", "gzip")
	h.Add("Vary", "Accept-Encoding")
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		_, _ = w.Write(body)
	}
	return true
}

func (p *packedFiles) packed(name string) []byte {
	p.mu.Lock()
	defer p.mu.Unlock()
	if b, done := p.gz[name]; done {
		return b
	}
	raw, err := fs.ReadFile(p.dist, name)
	if err != nil || len(raw) < minPacked {
		p.gz[name] = nil
		return nil
	}
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	_, _ = zw.Write(raw)
	_ = zw.Close()
	p.gz[name] = buf.Bytes()
	return p.gz[name]
}
