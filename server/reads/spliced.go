package reads

import (
	"sync"
	"sync/atomic"

	"github.com/klauspost/compress/flate"

	"github.com/routerisk/routerisk/geodata"
	"github.com/routerisk/routerisk/geodata/formats"
	"github.com/routerisk/routerisk/server/gzsplice"
)

// Pages of a box's features are mostly runs of features consecutive in
// the layer's spatial order (spatial.Index.Rank). A layer whose features
// are pre-encoded keeps those runs compressed too, as gzsplice pieces of
// blockSizes features each (every feature preceded by a comma), so that
// a page of a box is written by copying the compressed runs it covers
// whole and compressing only the features around them. A page of 2,473
// features took 1.2 ms to compress at gzip's fastest level.

// blockSizes are the lengths of the compressed runs, longest first: a
// page takes the longest run that starts at its next feature and lies
// whole in it. Longer runs compress better (a run of 256 features about
// as well as a whole page), shorter ones fit more often at a box's edges.
var blockSizes = [...]int{256, 32, 8}

// blockLevel is the compression level of the runs: compressed once, they
// are sent many times.
const blockLevel = flate.DefaultCompression

// blocks are a layer's compressed runs: runs[l][b] holds the features at
// ranks b·blockSizes[l] to (b+1)·blockSizes[l]−1.
type blocks struct {
	runs [len(blockSizes)][]gzsplice.Piece
}

// buildBlocks compresses the runs of a pre-encoded layer. It returns nil
// for a layer whose features are not pre-encoded (too large to keep so).
func buildBlocks(ld *loaded) *blocks {
	if ld.encoded == nil {
		return nil
	}
	n := ld.index.Len()
	b := &blocks{}
	c, err := gzsplice.NewCompressor(blockLevel)
	if err != nil {
		return nil // blockLevel is a valid level
	}
	var raw []byte
	for l, size := range blockSizes {
		b.runs[l] = make([]gzsplice.Piece, n/size) // a last, partial run is never whole in a page
		for k := range b.runs[l] {
			raw = raw[:0]
			for r := k * size; r < (k+1)*size; r++ {
				raw = append(raw, ',')
				raw = append(raw, ld.encoded[ld.index.AtRank(r)]...)
			}
			b.runs[l][k] = c.Compress(raw)
		}
	}
	return b
}

// building lets one layer's runs be compressed at a time, in the
// background: a burst of publications does not take every core.
var building sync.Mutex

// splicedBlocks returns the layer's compressed runs, or nil while they are
// being built (the first call starts building them) or when the layer has
// none.
func (ld *loaded) splicedBlocks() *blocks {
	if b := ld.blocks.Load(); b != nil {
		return b
	}
	ld.blocksOnce.Do(func() {
		go func() {
			building.Lock()
			defer building.Unlock()
			if b := buildBlocks(ld); b != nil {
				ld.blocks.Store(b)
			}
		}()
	})
	return nil
}

// blocksState is the part of loaded that holds its compressed runs.
type blocksState struct {
	blocks     atomic.Pointer[blocks]
	blocksOnce sync.Once
}

// splicePage appends to dst, as one gzip stream, the page of a box's
// features matched (positions in spatial order) that q asks for, framed
// as encodeMatched frames it: the same bytes once decompressed.
func splicePage(dst []byte, ld *loaded, b *blocks, matched []int, q geodata.Query, pg page) []byte {
	n := len(matched)
	start := min(q.Offset, n)
	end := min(start+q.Limit, n)
	links, stamp := pageLinks(n, q, pg, "")
	w := gzsplice.Get(dst)
	defer gzsplice.Put(w)
	var head [512]byte
	_, _ = w.Write(formats.AppendCollectionHead(head[:0], n, end-start, links, stamp))
	comma := []byte{','}
	for j := start; j < end; {
		if j > start { // every run starts with a comma: never the page's first feature
			if p, size, ok := b.run(ld, matched, j, end); ok {
				w.Splice(p)
				j += size
				continue
			}
			_, _ = w.Write(comma)
		}
		_, _ = w.Write(ld.encoded[matched[j]])
		j++
	}
	_, _ = w.Write([]byte("]}"))
	return w.Close()
}

// run returns the longest compressed run that starts at matched[j] and
// lies whole in matched[j:end], with its length.
func (b *blocks) run(ld *loaded, matched []int, j, end int) (gzsplice.Piece, int, bool) {
	r := ld.index.Rank(matched[j])
	for l, size := range blockSizes {
		// Ranks rise strictly along matched: the run is whole when the
		// feature size−1 further on has the rank size−1 higher.
		if r%size != 0 || j+size > end || r/size >= len(b.runs[l]) || ld.index.Rank(matched[j+size-1]) != r+size-1 {
			continue
		}
		return b.runs[l][r/size], size, true
	}
	return gzsplice.Piece{}, 0, false
}
