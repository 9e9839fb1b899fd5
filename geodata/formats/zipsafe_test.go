package formats

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"hash/crc32"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/routerisk/routerisk/geodata"
)

// testZipEntry is one entry of a zip built by a test.
type testZipEntry struct {
	name   string
	data   []byte
	stored bool        // no compression
	mode   fs.FileMode // 0: a regular file
	flags  uint16      // extra general-purpose flags
}

// buildTestZip writes the entries into a zip.
func buildTestZip(t testing.TB, entries ...testZipEntry) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, e := range entries {
		h := &zip.FileHeader{Name: e.name, Method: zip.Deflate, Flags: e.flags}
		if e.stored {
			h.Method = zip.Store
		}
		if e.mode != 0 {
			h.SetMode(e.mode)
		}
		w, err := zw.CreateHeader(h)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write(e.data); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// archiveSource wraps bytes as an uploaded file.
func archiveSource(name string, b []byte) Source {
	return Source{Name: name, Size: int64(len(b)), R: bytes.NewReader(b)}
}

// archiveFileSource opens a fixture file as an uploaded file.
func archiveFileSource(t testing.TB, path string) Source {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	src := archiveSource(filepath.Base(path), b)
	src.Path = path
	return src
}

// deflateRaw compresses b as a raw deflate stream, as a zip entry holds it.
func deflateRaw(t testing.TB, b []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	fw, err := flate.NewWriter(&buf, flate.BestCompression)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := fw.Write(b); err != nil {
		t.Fatal(err)
	}
	if err := fw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// forgedZip writes one deflated entry whose headers claim claimedSize
// bytes, whatever data really inflates to.
func forgedZip(t testing.TB, name string, data []byte, claimedSize uint64) []byte {
	t.Helper()
	compressed := deflateRaw(t, data)
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, err := zw.CreateRaw(&zip.FileHeader{
		Name: name, Method: zip.Deflate, CRC32: crc32.ChecksumIEEE(data),
		CompressedSize64: uint64(len(compressed)), UncompressedSize64: claimedSize,
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Write(compressed); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// drainArchive opens and reads every entry, as a decoder would.
func drainArchive(a *archive) error {
	for _, f := range a.files {
		rc, err := a.open(f)
		if err != nil {
			return err
		}
		_, err = io.Copy(io.Discard, rc)
		rc.Close()
		if err != nil {
			return err
		}
	}
	return nil
}

// wantGeodataError fails unless err is a *geodata.Error with the code and
// every fragment in its message.
func wantGeodataError(t testing.TB, err error, code geodata.Code, fragments ...string) {
	t.Helper()
	if err == nil {
		t.Fatalf("got no error, want %s containing %q", code, fragments)
	}
	if got := geodata.ErrorCode(err); got != code {
		t.Fatalf("got code %s (%v), want %s", got, err, code)
	}
	for _, f := range fragments {
		if !strings.Contains(err.Error(), f) {
			t.Errorf("error %q does not mention %q", err, f)
		}
	}
}

func TestOpenArchiveRefusesUnsafeEntries(t *testing.T) {
	plain := testZipEntry{name: "ok.shp", data: []byte("fine")}
	cases := []struct {
		name      string
		entries   []testZipEntry
		fragments []string
	}{
		{"zip slip", []testZipEntry{plain, {name: "../evil.shp", data: []byte("x")}}, []string{`"../evil.shp"`, "outside"}},
		{"zip slip deeper", []testZipEntry{{name: "data/../../evil.shp", data: []byte("x")}}, []string{"outside"}},
		{"absolute path", []testZipEntry{{name: "/etc/x", data: []byte("x")}}, []string{`"/etc/x"`, "absolute"}},
		{"backslash", []testZipEntry{{name: `data\evil.shp`, data: []byte("x")}}, []string{"backslash"}},
		{"backslash slip", []testZipEntry{{name: `..\evil.shp`, data: []byte("x")}}, []string{"backslash"}},
		{"drive letter", []testZipEntry{{name: "C:/evil.shp", data: []byte("x")}}, []string{"drive letter"}},
		{"NUL in name", []testZipEntry{{name: "a\x00.shp", data: []byte("x")}}, []string{"NUL"}},
		{"symlink", []testZipEntry{{name: "link.shp", data: []byte("/etc/passwd"), mode: fs.ModeSymlink | 0o777}}, []string{`"link.shp"`, "symbolic link"}},
		{"device", []testZipEntry{{name: "dev.shp", mode: fs.ModeDevice | 0o644}}, []string{"not a regular file"}},
		{"encrypted flag", []testZipEntry{{name: "secret.shp", data: []byte("x"), flags: 0x1}}, []string{`"secret.shp"`, "encrypted"}},
		{"nested zip", []testZipEntry{{name: "inner.zip", data: []byte("PK")}}, []string{`"inner.zip"`, "another archive"}},
		{"nested kmz", []testZipEntry{{name: "a/inner.KMZ", data: []byte("PK")}}, []string{"another archive"}},
		{"nested gz", []testZipEntry{{name: "x.shp.gz", data: []byte("x")}}, []string{"another archive"}},
		{"nested 7z", []testZipEntry{{name: "x.7z", data: []byte("x")}}, []string{"another archive"}},
		{"nested rar", []testZipEntry{{name: "x.rar", data: []byte("x")}}, []string{"another archive"}},
		{"nested tar", []testZipEntry{{name: "x.tar", data: []byte("x")}}, []string{"another archive"}},
		{"duplicate names", []testZipEntry{plain, {name: "OK.shp", data: []byte("other")}}, []string{"twice"}},
		{"slip hidden in __MACOSX", []testZipEntry{{name: "__MACOSX/../../evil", data: []byte("x")}}, []string{"outside"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			zb := buildTestZip(t, tc.entries...)
			_, err := openArchive(archiveSource("upload.zip", zb), Limits{})
			wantGeodataError(t, err, geodata.Invalid, tc.fragments...)
		})
	}
}

func TestOpenArchiveFixtures(t *testing.T) {
	cases := []struct {
		file     string
		fragment string
	}{
		{"zip_slip.zip", `"../evil.shp"`},
		{"symlink.zip", "symbolic link"},
		{"encrypted.zip", "encrypted"},
		{"nested.zip", "another archive"},
	}
	for _, tc := range cases {
		t.Run(tc.file, func(t *testing.T) {
			src := archiveFileSource(t, filepath.Join("testdata", "zip", tc.file))
			_, err := openArchive(src, Limits{})
			wantGeodataError(t, err, geodata.Invalid, tc.fragment)
			_, err = DecodeShapefile(src, Options{})
			wantGeodataError(t, err, geodata.Invalid, tc.fragment)
		})
	}
}

func TestOpenArchiveIgnoresFoldersAndResourceForks(t *testing.T) {
	zb := buildTestZip(t,
		testZipEntry{name: "layer/"},
		testZipEntry{name: "layer/a.shp", data: []byte("a")},
		testZipEntry{name: "__MACOSX/"},
		testZipEntry{name: "__MACOSX/layer/._a.shp", data: []byte("fork")},
		testZipEntry{name: "__MACOSX/layer/._a.zip", data: []byte("fork")},
	)
	a, err := openArchive(archiveSource("upload.zip", zb), Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if len(a.files) != 1 || a.files[0].Name != "layer/a.shp" {
		var names []string
		for _, f := range a.files {
			names = append(names, f.Name)
		}
		t.Fatalf("files = %v, want only layer/a.shp", names)
	}
	if err := drainArchive(a); err != nil {
		t.Fatal(err)
	}
}

func TestOpenArchiveCountsEntries(t *testing.T) {
	var entries []testZipEntry
	for _, n := range []string{"a.shp", "a.shx", "a.dbf", "a.prj"} {
		entries = append(entries, testZipEntry{name: n, data: []byte(n)})
	}
	zb := buildTestZip(t, entries...)
	_, err := openArchive(archiveSource("upload.zip", zb), Limits{MaxArchiveFiles: 3})
	wantGeodataError(t, err, geodata.TooLarge, "4 entries", "max_archive_files")
	if _, err := openArchive(archiveSource("upload.zip", zb), Limits{MaxArchiveFiles: 4}); err != nil {
		t.Fatalf("4 entries under a limit of 4: %v", err)
	}
}

func TestOpenArchiveStopsZipBombs(t *testing.T) {
	zeros := make([]byte, 50<<20) // 50 MB of zeros deflate to about 50 KB
	honest := buildTestZip(t, testZipEntry{name: "bomb.shp", data: zeros})
	lying := forgedZip(t, "bomb.shp", zeros, 100)
	cases := []struct {
		name      string
		zip       []byte
		lim       Limits
		fragments []string
	}{
		{"total inflated bytes", honest, Limits{MaxInflatedBytes: 1 << 20, MaxInflateRatio: 1 << 40}, []string{`"bomb.shp"`, "max_inflated_bytes"}},
		{"inflate ratio", honest, Limits{}, []string{`"bomb.shp"`, "max_inflate_ratio"}},
		{"total with a header claiming 100 bytes", lying, Limits{MaxInflatedBytes: 1 << 20, MaxInflateRatio: 1 << 40}, []string{"max_inflated_bytes"}},
		{"ratio with a header claiming 100 bytes", lying, Limits{}, []string{"max_inflate_ratio"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			a, err := openArchive(archiveSource("upload.zip", tc.zip), tc.lim)
			if err != nil {
				t.Fatal(err)
			}
			err = drainArchive(a)
			wantGeodataError(t, err, geodata.TooLarge, tc.fragments...)
			// The reader stopped within one read of the limit, long before
			// the 50 MB: the limit is on bytes actually inflated.
			if a.inflated > 4<<20 {
				t.Errorf("inflated %d bytes before stopping", a.inflated)
			}
		})
	}
}

func TestOpenArchiveForgedAndCorruptEntries(t *testing.T) {
	data := bytes.Repeat([]byte("route risk "), 100)
	t.Run("header claims fewer bytes than inflate", func(t *testing.T) {
		a, err := openArchive(archiveSource("upload.zip", forgedZip(t, "a.shp", data, 10)), Limits{})
		if err != nil {
			t.Fatal(err)
		}
		wantGeodataError(t, drainArchive(a), geodata.Invalid, `"a.shp"`, "header says 10")
	})
	t.Run("header claims more bytes than inflate", func(t *testing.T) {
		a, err := openArchive(archiveSource("upload.zip", forgedZip(t, "a.shp", data, 1<<40)), Limits{})
		if err != nil {
			t.Fatal(err)
		}
		wantGeodataError(t, drainArchive(a), geodata.Invalid, "header says")
	})
	t.Run("checksum mismatch", func(t *testing.T) {
		zb := buildTestZip(t, testZipEntry{name: "a.shp", data: data, stored: true})
		i := bytes.Index(zb, []byte("route risk"))
		zb[i] = 'R'
		a, err := openArchive(archiveSource("upload.zip", zb), Limits{})
		if err != nil {
			t.Fatal(err)
		}
		wantGeodataError(t, drainArchive(a), geodata.Invalid, "checksum")
	})
	t.Run("garbage deflate stream", func(t *testing.T) {
		var buf bytes.Buffer
		zw := zip.NewWriter(&buf)
		w, _ := zw.CreateRaw(&zip.FileHeader{Name: "a.shp", Method: zip.Deflate, CompressedSize64: 8, UncompressedSize64: 8})
		w.Write([]byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff})
		zw.Close()
		a, err := openArchive(archiveSource("upload.zip", buf.Bytes()), Limits{})
		if err != nil {
			t.Fatal(err)
		}
		wantGeodataError(t, drainArchive(a), geodata.Invalid, "corrupt")
	})
	t.Run("unsupported compression", func(t *testing.T) {
		var buf bytes.Buffer
		zw := zip.NewWriter(&buf)
		w, _ := zw.CreateRaw(&zip.FileHeader{Name: "a.shp", Method: 12, CompressedSize64: 4, UncompressedSize64: 4})
		w.Write([]byte("BZh9"))
		zw.Close()
		a, err := openArchive(archiveSource("upload.zip", buf.Bytes()), Limits{})
		if err != nil {
			t.Fatal(err)
		}
		wantGeodataError(t, drainArchive(a), geodata.Invalid, "compression method 12")
	})
	t.Run("not a zip", func(t *testing.T) {
		_, err := openArchive(archiveSource("upload.zip", []byte("just text, no zip")), Limits{})
		wantGeodataError(t, err, geodata.Invalid, "not a readable zip")
	})
	t.Run("empty", func(t *testing.T) {
		_, err := openArchive(archiveSource("upload.zip", nil), Limits{})
		wantGeodataError(t, err, geodata.Invalid, "empty")
	})
}

func TestOpenArchiveReadsHonestEntries(t *testing.T) {
	data := bytes.Repeat([]byte("0123456789"), 1000)
	zb := buildTestZip(t, testZipEntry{name: "a.shp", data: data}, testZipEntry{name: "b.dbf", data: data, stored: true})
	a, err := openArchive(archiveSource("upload.zip", zb), Limits{})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range a.files {
		rc, err := a.open(f)
		if err != nil {
			t.Fatal(err)
		}
		got, err := io.ReadAll(rc)
		rc.Close()
		if err != nil || !bytes.Equal(got, data) {
			t.Fatalf("%s: got %d bytes, err %v", f.Name, len(got), err)
		}
	}
	if a.inflated != 2*int64(len(data)) {
		t.Errorf("inflated = %d, want %d", a.inflated, 2*len(data))
	}
}

func FuzzOpenArchive(f *testing.F) {
	for _, dir := range []string{filepath.Join("testdata", "zip"), filepath.Join("testdata", "shp"), filepath.Join("testdata", "kmz")} {
		paths, err := filepath.Glob(filepath.Join(dir, "*.*"))
		if err != nil {
			f.Fatal(err)
		}
		for _, p := range paths {
			b, err := os.ReadFile(p)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(b)
		}
	}
	f.Add(buildTestZip(f, testZipEntry{name: "a/"}, testZipEntry{name: "a/b.shp", data: bytes.Repeat([]byte{0}, 4096)}, testZipEntry{name: "c", data: []byte("x"), stored: true}))
	f.Fuzz(func(t *testing.T, data []byte) {
		lim := Limits{MaxInflatedBytes: 8 << 20}
		a, err := openArchive(archiveSource("f.zip", data), lim)
		if err != nil {
			return
		}
		for _, e := range a.files {
			if checkZipEntryName(e.Name) != nil {
				t.Fatalf("unsafe name %q passed", e.Name)
			}
		}
		_ = drainArchive(a)
		if a.inflated > lim.MaxInflatedBytes+1<<20 {
			t.Fatalf("inflated %d bytes under a limit of %d", a.inflated, lim.MaxInflatedBytes)
		}
	})
}
