package formats

import (
	"archive/zip"
	"bufio"
	"compress/flate"
	"errors"
	"fmt"
	"hash"
	"hash/crc32"
	"io"
	"io/fs"
	"path"
	"path/filepath"
	"strings"

	"github.com/routerisk/routerisk/geodata"
)

// zipRatioGraceBytes is how much one entry may inflate before its
// compression ratio is checked: the ratio of a few kilobytes says nothing
// (a short run of blanks compresses a thousandfold), and the total
// max_inflated_bytes limit still holds for them.
const zipRatioGraceBytes = 1 << 20

// archive is a zip whose entries were checked before any was read: names
// local, no links, no encryption, no nested archives, not too many entries.
// Entries are read through open, which counts the bytes actually inflated
// against the limits and never trusts the sizes the headers claim.
type archive struct {
	files    []*zip.File // regular entries, directories and __MACOSX/ left out
	lim      Limits
	inflated int64 // bytes inflated so far, all entries together
	err      error // the first limit or corruption error met while reading
}

// openArchive checks every entry of the zip in src and returns the
// archive, or an error naming the first entry that breaks a rule.
func openArchive(src Source, lim Limits) (*archive, error) {
	lim = lim.WithDefaults()
	if src.R == nil || src.Size <= 0 {
		return nil, geodata.Errorf(geodata.Invalid, "the file %q is empty", src.Name)
	}
	zr, err := zip.NewReader(src.R, src.Size)
	if err != nil && !errors.Is(err, zip.ErrInsecurePath) {
		return nil, &geodata.Error{Code: geodata.Invalid,
			Message: fmt.Sprintf("the file %q is not a readable zip archive; zip it again with a standard tool", src.Name), Err: err}
	}
	if len(zr.File) > lim.MaxArchiveFiles {
		return nil, geodata.Errorf(geodata.TooLarge,
			"the zip holds %d entries, more than %d (limit max_archive_files); upload only the files the layer needs", len(zr.File), lim.MaxArchiveFiles)
	}
	a := &archive{lim: lim}
	seen := map[string]string{}
	for _, f := range zr.File {
		if err := checkZipEntry(f); err != nil {
			return nil, err
		}
		if ignoredZipEntry(f) {
			continue
		}
		if err := checkZipNotArchive(f.Name); err != nil {
			return nil, err
		}
		key := strings.ToLower(f.Name)
		if first, ok := seen[key]; ok {
			return nil, geodata.Errorf(geodata.Invalid,
				"the zip holds %q twice (also as %q); keep one copy and zip it again", f.Name, first)
		}
		seen[key] = f.Name
		a.files = append(a.files, f)
	}
	return a, nil
}

// checkZipEntry applies the rules every entry must follow, read or not.
func checkZipEntry(f *zip.File) error {
	if err := checkZipEntryName(f.Name); err != nil {
		return err
	}
	mode := f.Mode()
	switch {
	case mode&fs.ModeSymlink != 0:
		return geodata.Errorf(geodata.Invalid,
			"the zip entry %q is a symbolic link; links are not accepted, zip the files themselves", f.Name)
	case !mode.IsRegular() && !mode.IsDir():
		return geodata.Errorf(geodata.Invalid,
			"the zip entry %q is not a regular file (%s); zip only ordinary files", f.Name, mode.Type())
	case f.Flags&0x1 != 0:
		return geodata.Errorf(geodata.Invalid,
			"the zip entry %q is encrypted; zip the files again without a password", f.Name)
	}
	return nil
}

// checkZipEntryName refuses names that could point outside the archive when
// extracted, or that tools read differently (backslashes, drive letters).
func checkZipEntryName(name string) error {
	bad := func(why string) error {
		return geodata.Errorf(geodata.Invalid,
			"the zip entry %q %s; zip the files again with a standard tool from inside their folder", name, why)
	}
	trimmed := strings.TrimSuffix(name, "/")
	switch {
	case name == "" || trimmed == "":
		return bad("has no name")
	case strings.ContainsRune(name, 0):
		return bad("has a NUL byte in its name")
	case strings.Contains(name, `\`):
		return bad("uses backslashes in its name")
	case strings.HasPrefix(name, "/"):
		return bad("is an absolute path")
	case len(name) >= 2 && name[1] == ':' && isDriveLetter(name[0]):
		return bad("starts with a drive letter")
	}
	for _, part := range strings.Split(trimmed, "/") {
		if part == ".." {
			return bad(`points outside the archive ("..")`)
		}
	}
	if !filepath.IsLocal(trimmed) {
		return bad("points outside the archive")
	}
	return nil
}

func isDriveLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

// ignoredZipEntry tells the entries that hold no data of the upload:
// directories and the resource forks macOS adds when zipping.
func ignoredZipEntry(f *zip.File) bool {
	return f.Mode().IsDir() || strings.HasSuffix(f.Name, "/") ||
		f.Name == "__MACOSX" || strings.HasPrefix(f.Name, "__MACOSX/")
}

// checkZipNotArchive refuses an entry that is itself an archive: unpacking
// it would dodge the limits set on the outer one.
func checkZipNotArchive(name string) error {
	switch strings.ToLower(path.Ext(name)) {
	case ".zip", ".kmz", ".gz", ".tgz", ".7z", ".rar", ".tar", ".bz2", ".xz", ".zst":
		return geodata.Errorf(geodata.Invalid,
			"the zip holds another archive, %q; archives inside archives are not accepted: unpack it and zip its files directly", name)
	}
	return nil
}

// open returns a reader over the inflated bytes of f that fails with a
// TooLarge error as soon as the bytes actually inflated break
// max_inflated_bytes (all entries together) or max_inflate_ratio (this
// entry), and with an Invalid error when the entry is corrupt.
func (a *archive) open(f *zip.File) (io.ReadCloser, error) {
	if a.err != nil {
		return nil, a.err
	}
	raw, err := f.OpenRaw()
	if err != nil {
		return nil, a.fail(&geodata.Error{Code: geodata.Invalid,
			Message: fmt.Sprintf("the zip entry %q cannot be read; the archive is damaged, zip the files again", f.Name), Err: err})
	}
	compressed := &zipCountingReader{r: bufio.NewReader(raw)}
	e := &zipEntryReader{a: a, f: f, compressed: compressed, crc: crc32.NewIEEE()}
	switch f.Method {
	case zip.Store:
		e.r = compressed
	case zip.Deflate:
		fr := flate.NewReader(compressed)
		e.r, e.closer = fr, fr
	default:
		return nil, a.fail(geodata.Errorf(geodata.Invalid,
			"the zip entry %q uses compression method %d, which is not supported; zip the files again with standard (deflate) compression", f.Name, f.Method))
	}
	return e, nil
}

// readAll reads the whole entry f, refusing one larger than max bytes;
// it is for the small side files (.prj, .cpg).
func (a *archive) readAll(f *zip.File, max int64) ([]byte, error) {
	rc, err := a.open(f)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	b, err := io.ReadAll(io.LimitReader(rc, max+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > max {
		return nil, geodata.Errorf(geodata.Invalid, "the zip entry %q is larger than %d bytes; that is too large for this kind of file", f.Name, max)
	}
	return b, nil
}

// fail records the first error met while reading and returns it, so a
// caller whose parser wrapped the error can still report the real cause.
func (a *archive) fail(err error) error {
	if a.err == nil {
		a.err = err
	}
	return err
}

// zipCountingReader counts the compressed bytes the decompressor consumed.
// It is an io.ByteReader so flate reads no further than it needs.
type zipCountingReader struct {
	r *bufio.Reader
	n int64
}

func (c *zipCountingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

func (c *zipCountingReader) ReadByte() (byte, error) {
	b, err := c.r.ReadByte()
	if err == nil {
		c.n++
	}
	return b, err
}

// zipEntryReader inflates one entry, counting as it goes.
type zipEntryReader struct {
	a          *archive
	f          *zip.File
	compressed *zipCountingReader
	r          io.Reader
	closer     io.Closer
	crc        hash.Hash32
	n          int64 // bytes inflated from this entry
	err        error
}

func (e *zipEntryReader) Read(p []byte) (int, error) {
	if e.err != nil {
		return 0, e.err
	}
	n, err := e.r.Read(p)
	e.n += int64(n)
	e.a.inflated += int64(n)
	e.crc.Write(p[:n])
	if lerr := e.checkLimits(); lerr != nil {
		e.err = e.a.fail(lerr)
		return 0, e.err
	}
	switch {
	case err == io.EOF:
		if cerr := e.checkComplete(); cerr != nil {
			e.err = e.a.fail(cerr)
			return n, e.err
		}
		e.err = io.EOF
	case err != nil:
		e.err = e.a.fail(&geodata.Error{Code: geodata.Invalid,
			Message: fmt.Sprintf("the zip entry %q is corrupt and cannot be inflated; zip the files again", e.f.Name), Err: err})
	}
	return n, e.err
}

// checkLimits compares the bytes inflated so far with the limits.
func (e *zipEntryReader) checkLimits() error {
	lim := e.a.lim
	if e.a.inflated > lim.MaxInflatedBytes {
		return geodata.Errorf(geodata.TooLarge,
			"the zip entry %q takes the archive past %d inflated bytes (limit max_inflated_bytes); upload a smaller file",
			e.f.Name, lim.MaxInflatedBytes)
	}
	if e.n > zipRatioGraceBytes && e.n > lim.MaxInflateRatio*max(e.compressed.n, 1) {
		return geodata.Errorf(geodata.TooLarge,
			"the zip entry %q inflates to more than %d times its compressed size (limit max_inflate_ratio); the archive looks like a zip bomb",
			e.f.Name, lim.MaxInflateRatio)
	}
	return nil
}

// checkComplete compares the finished entry with what its header claims.
func (e *zipEntryReader) checkComplete() error {
	if uint64(e.n) != e.f.UncompressedSize64 {
		return geodata.Errorf(geodata.Invalid,
			"the zip entry %q holds %d bytes but its header says %d; the archive is damaged or forged, zip the files again",
			e.f.Name, e.n, e.f.UncompressedSize64)
	}
	if e.f.CRC32 != 0 && e.crc.Sum32() != e.f.CRC32 {
		return geodata.Errorf(geodata.Invalid,
			"the zip entry %q fails its checksum; the archive is damaged, zip the files again", e.f.Name)
	}
	return nil
}

func (e *zipEntryReader) Close() error {
	if e.closer != nil {
		return e.closer.Close()
	}
	return nil
}
