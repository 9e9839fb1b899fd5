package tiles

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"

	"github.com/paulmach/orb"
)

// PMTiles v3 constants (specification, "Header").
const (
	headerLen        = 127
	rootDirMax       = 16384 - headerLen // header and root directory fit in the first 16 KiB
	compressionGzip  = 2
	tileTypeMVT      = 1
	firstLeafEntries = 4096
)

// ArchiveInfo is what a PMTiles header and its metadata say of the whole
// archive.
type ArchiveInfo struct {
	MinZoom, MaxZoom uint8
	Bound            orb.Bound // in longitude and latitude
	// Metadata is the archive's JSON metadata: name, attribution,
	// vector_layers and anything else a reader may show.
	Metadata map[string]any
}

// ArchiveStats count what an archive holds.
type ArchiveStats struct {
	Tiles    int   // addressed tiles
	Entries  int   // directory entries (runs of equal tiles are one)
	Contents int   // distinct tile contents stored
	Bytes    int64 // the archive's size
}

type entry struct {
	id     uint64
	offset uint64
	length uint32
	run    uint32
}

// Archive builds a PMTiles v3 archive of gzip-compressed MVT tiles. Add
// spools tile data to a writer as it comes, in increasing tile id order;
// Finish writes the archive: header, directories, metadata, then the
// spooled data. Identical tiles are stored once.
type Archive struct {
	spool    io.Writer
	entries  []entry
	offset   uint64
	seen     map[[sha256.Size]byte]int // tile content → its first entry
	addr     int
	contents int
	lastID   uint64
	started  bool
	lastHash [sha256.Size]byte
}

// NewArchive returns an archive spooling its tile data to spool (a
// temporary file, say: Finish reads it back).
func NewArchive(spool io.Writer) *Archive {
	return &Archive{spool: spool, seen: map[[sha256.Size]byte]int{}}
}

// ErrTileOrder is returned by Add for a tile whose id is not above the
// last one added.
var ErrTileOrder = errors.New("tiles: tiles must be added in increasing tile id order")

// Add adds the tile x, y at zoom z, data being its gzip-compressed MVT
// bytes. Tiles must come in increasing TileID order.
func (a *Archive) Add(z uint8, x, y uint32, data []byte) error {
	id := TileID(z, x, y)
	if a.started && id <= a.lastID {
		return ErrTileOrder
	}
	h := sha256.Sum256(data)
	a.addr++
	if n := len(a.entries); a.started && n > 0 {
		last := &a.entries[n-1]
		if h == a.lastHash && last.id+uint64(last.run) == id {
			last.run++
			a.lastID, a.lastHash = id, h
			return nil
		}
	}
	a.started, a.lastID, a.lastHash = true, id, h
	if i, ok := a.seen[h]; ok {
		e := a.entries[i]
		a.entries = append(a.entries, entry{id: id, offset: e.offset, length: e.length, run: 1})
		return nil
	}
	if len(data) > math.MaxUint32 {
		return fmt.Errorf("tiles: tile %d/%d/%d is over 4 GiB", z, x, y)
	}
	if _, err := a.spool.Write(data); err != nil {
		return err
	}
	a.seen[h] = len(a.entries)
	a.entries = append(a.entries, entry{id: id, offset: a.offset, length: uint32(len(data)), run: 1})
	a.offset += uint64(len(data))
	a.contents++
	return nil
}

// Finish writes the archive to w: its header and directories, info's
// metadata, then the tile data read back from spool (what Add wrote,
// from its start).
func (a *Archive) Finish(w io.Writer, spool io.Reader, info ArchiveInfo) (ArchiveStats, error) {
	root, leaves, err := buildDirectories(a.entries)
	if err != nil {
		return ArchiveStats{}, err
	}
	md := info.Metadata
	if md == nil {
		md = map[string]any{}
	}
	mdJSON, err := json.Marshal(md)
	if err != nil {
		return ArchiveStats{}, err
	}
	mdBytes, err := gzipBytes(mdJSON)
	if err != nil {
		return ArchiveStats{}, err
	}
	h := make([]byte, headerLen)
	copy(h, "PMTiles")
	h[7] = 3
	put := func(at int, v uint64) { binary.LittleEndian.PutUint64(h[at:], v) }
	rootOff := uint64(headerLen)
	mdOff := rootOff + uint64(len(root))
	leafOff := mdOff + uint64(len(mdBytes))
	dataOff := leafOff + uint64(len(leaves))
	put(8, rootOff)
	put(16, uint64(len(root)))
	put(24, mdOff)
	put(32, uint64(len(mdBytes)))
	put(40, leafOff)
	put(48, uint64(len(leaves)))
	put(56, dataOff)
	put(64, a.offset)
	put(72, uint64(a.addr))
	put(80, uint64(len(a.entries)))
	put(88, uint64(a.contents))
	h[96] = 1 // clustered: tile data in tile id order
	h[97] = compressionGzip
	h[98] = compressionGzip
	h[99] = tileTypeMVT
	h[100] = info.MinZoom
	h[101] = info.MaxZoom
	e7 := func(at int, deg float64) { binary.LittleEndian.PutUint32(h[at:], uint32(int32(math.Round(deg*1e7)))) }
	b := info.Bound
	e7(102, b.Min[0])
	e7(106, b.Min[1])
	e7(110, b.Max[0])
	e7(114, b.Max[1])
	c := b.Center()
	h[118] = min(info.MaxZoom, max(info.MinZoom, centerZoom(b)))
	e7(119, c[0])
	e7(123, c[1])
	n := int64(0)
	for _, part := range [][]byte{h, root, mdBytes, leaves} {
		k, err := w.Write(part)
		n += int64(k)
		if err != nil {
			return ArchiveStats{}, err
		}
	}
	k, err := io.CopyN(w, spool, int64(a.offset))
	n += k
	if err != nil {
		return ArchiveStats{}, fmt.Errorf("tiles: reading the spooled tile data back: %w", err)
	}
	return ArchiveStats{Tiles: a.addr, Entries: len(a.entries), Contents: a.contents, Bytes: n}, nil
}

// centerZoom is a zoom at which the bound fills a map about 1,000 pixels
// across.
func centerZoom(b orb.Bound) uint8 {
	w := max(b.Max[0]-b.Min[0], b.Max[1]-b.Min[1], 1e-6)
	z := math.Log2(360 / w * 4)
	return uint8(max(0, min(22, math.Floor(z))))
}

// buildDirectories serialises the entries as one root directory when it
// fits the first 16 KiB, otherwise as leaf directories of equal numbers of
// entries under a root that points to them.
func buildDirectories(es []entry) (root, leaves []byte, err error) {
	root, err = serializeEntries(es)
	if err != nil || len(root) <= rootDirMax {
		return root, nil, err
	}
	for size := max(firstLeafEntries, len(es)/3500); ; size *= 2 {
		var rootEntries []entry
		leaves = leaves[:0]
		for i := 0; i < len(es); i += size {
			chunk := es[i:min(i+size, len(es))]
			b, err := serializeEntries(chunk)
			if err != nil {
				return nil, nil, err
			}
			rootEntries = append(rootEntries, entry{id: chunk[0].id, offset: uint64(len(leaves)), length: uint32(len(b))})
			leaves = append(leaves, b...)
		}
		root, err = serializeEntries(rootEntries)
		if err != nil || len(root) <= rootDirMax {
			return root, leaves, err
		}
	}
}

// serializeEntries encodes a directory (specification, "Directories"):
// the count, then the id deltas, run lengths, lengths and offsets (0 for
// an entry that follows the one before it, else offset+1) as varints,
// gzip-compressed.
func serializeEntries(es []entry) ([]byte, error) {
	var b []byte
	b = binary.AppendUvarint(b, uint64(len(es)))
	last := uint64(0)
	for _, e := range es {
		b = binary.AppendUvarint(b, e.id-last)
		last = e.id
	}
	for _, e := range es {
		b = binary.AppendUvarint(b, uint64(e.run))
	}
	for _, e := range es {
		b = binary.AppendUvarint(b, uint64(e.length))
	}
	for i, e := range es {
		if i > 0 && e.offset == es[i-1].offset+uint64(es[i-1].length) {
			b = binary.AppendUvarint(b, 0)
		} else {
			b = binary.AppendUvarint(b, e.offset+1)
		}
	}
	return gzipBytes(b)
}

func gzipBytes(b []byte) ([]byte, error) {
	var out bytes.Buffer
	zw, err := gzip.NewWriterLevel(&out, gzip.BestCompression)
	if err != nil {
		return nil, err
	}
	if _, err := zw.Write(b); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}
