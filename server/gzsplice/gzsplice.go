// Package gzsplice writes gzip streams from pieces compressed ahead of
// time and bytes compressed as they come. A piece is a raw deflate
// stream cut at a byte boundary with no final block (a sync flush), so
// pieces can follow one another and the bytes compressed around them in
// any order; the gzip trailer's CRC-32 is combined from the pieces' own
// without reading their bytes again. Answers built mostly from pieces
// cost a copy of their compressed bytes instead of compressing them.
package gzsplice

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"sync"

	"github.com/klauspost/compress/flate"
)

// Piece is bytes compressed ahead of time, with the CRC-32 and length of
// what it holds. The zero Piece holds nothing.
type Piece struct {
	deflate []byte
	crc     uint32
	size    int
	shift   uint32 // x^(8·size) modulo the CRC polynomial, to combine a CRC before it
}

// Compressor makes pieces at one compression level, reusing its state
// (about a megabyte) from one piece to the next. It is not safe for
// concurrent use.
type Compressor struct {
	fw  *flate.Writer
	buf bytes.Buffer
}

// NewCompressor returns a compressor at level (a flate level); it fails
// only for a level flate does not know.
func NewCompressor(level int) (*Compressor, error) {
	c := &Compressor{}
	fw, err := flate.NewWriter(&c.buf, level)
	if err != nil {
		return nil, err
	}
	c.fw = fw
	return c, nil
}

// Compress returns raw as a piece.
func (c *Compressor) Compress(raw []byte) Piece {
	c.buf.Reset()
	c.fw.Reset(&c.buf)
	_, _ = c.fw.Write(raw) // writes to a bytes.Buffer cannot fail
	_ = c.fw.Flush()
	return Piece{deflate: bytes.Clone(c.buf.Bytes()), crc: crc32.ChecksumIEEE(raw), size: len(raw), shift: lengthShift(int64(len(raw)))}
}

// Size returns the number of bytes the piece holds, uncompressed.
func (p Piece) Size() int { return p.size }

// Compressed returns the number of compressed bytes the piece adds to a
// stream.
func (p Piece) Compressed() int { return len(p.deflate) }

// Writer writes one gzip stream into a byte slice: Write compresses bytes
// as they come, Splice adds a piece as it is. It is not safe for
// concurrent use; Get and Put keep writers for reuse.
type Writer struct {
	out  []byte
	fw   *flate.Writer
	open bool // fw holds bytes written since the last piece
	crc  uint32
	size int64
}

// header is a gzip member header (RFC 1952): deflate, no name, no time,
// extra flags 4 ("compressor used fastest algorithm": short pieces and
// the bytes between them compress about as well as flate's fastest level
// does a whole stream, so a reader that keeps the stream may compress it
// again more thoroughly), operating system unknown.
var header = []byte{0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 4, 255}

var writers = sync.Pool{New: func() any {
	w := &Writer{}
	w.fw, _ = flate.NewWriter((*appender)(w), flate.BestSpeed)
	return w
}}

// Get returns a writer whose stream is appended to dst; the bytes written
// between pieces are compressed at flate's fastest level.
func Get(dst []byte) *Writer {
	w := writers.Get().(*Writer)
	w.out = append(dst, header...)
	w.open, w.crc, w.size = false, 0, 0
	return w
}

// Put gives a writer back for reuse; it must not be used after.
func Put(w *Writer) {
	w.out = nil
	writers.Put(w)
}

// appender is the Writer seen as the flate writer's destination.
type appender Writer

func (a *appender) Write(p []byte) (int, error) {
	a.out = append(a.out, p...)
	return len(p), nil
}

// Write compresses p into the stream. It never fails.
func (w *Writer) Write(p []byte) (int, error) {
	if !w.open {
		w.fw.Reset((*appender)(w)) // no history: a piece may come next
		w.open = true
	}
	w.crc = crc32.Update(w.crc, crc32.IEEETable, p)
	w.size += int64(len(p))
	return w.fw.Write(p)
}

// Splice adds p to the stream as it is.
func (w *Writer) Splice(p Piece) {
	if p.size == 0 {
		return
	}
	w.cut()
	w.out = append(w.out, p.deflate...)
	w.crc = multModP(p.shift, w.crc) ^ p.crc
	w.size += int64(p.size)
}

// cut ends the bytes compressed since the last piece on a byte boundary.
func (w *Writer) cut() {
	if w.open {
		_ = w.fw.Flush() // an appender cannot fail
		w.open = false
	}
}

// Close ends the stream and returns it (dst, as given to Get, with the
// stream appended).
func (w *Writer) Close() []byte {
	if !w.open {
		w.fw.Reset((*appender)(w))
	}
	_ = w.fw.Close() // the final block
	w.open = false
	w.out = binary.LittleEndian.AppendUint32(w.out, w.crc)
	w.out = binary.LittleEndian.AppendUint32(w.out, uint32(w.size))
	return w.out
}

// The CRC-32 arithmetic below combines the CRC of two byte strings into
// the CRC of both, as zlib's crc32_combine does: polynomials over GF(2)
// modulo the reflected CRC-32 polynomial.

const poly = 0xedb88320 // CRC-32 (IEEE), reflected

// multModP returns a·b modulo the polynomial.
func multModP(a, b uint32) uint32 {
	m := uint32(1) << 31
	var p uint32
	for {
		if a&m != 0 {
			p ^= b
			if a&(m-1) == 0 {
				break
			}
		}
		m >>= 1
		if b&1 != 0 {
			b = b>>1 ^ poly
		} else {
			b >>= 1
		}
	}
	return p
}

// x2n holds x^(2^k) modulo the polynomial.
var x2n = func() (t [32]uint32) {
	p := uint32(1) << 30 // x^1
	t[0] = p
	for k := 1; k < 32; k++ {
		p = multModP(p, p)
		t[k] = p
	}
	return t
}()

// lengthShift returns x^(8·n) modulo the polynomial: what a CRC is
// multiplied by when n bytes follow.
func lengthShift(n int64) uint32 {
	p := uint32(1) << 31 // x^0
	for k := 3; n != 0; n, k = n>>1, k+1 {
		if n&1 != 0 {
			p = multModP(x2n[k&31], p)
		}
	}
	return p
}

// Combine returns the CRC-32 of a followed by b, given the CRC-32 of each
// and the length of b.
func Combine(crcA, crcB uint32, lenB int64) uint32 {
	return multModP(lengthShift(lenB), crcA) ^ crcB
}
