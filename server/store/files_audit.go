package store

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/routerisk/routerisk/geodata"
)

// The audit log of a file store is DIR/audit.log, one JSON line per entry.
// When an entry would take it over AuditMaxBytes it is renamed
// audit.N.log, N one more than the newest rotated file, and a new one is
// started; beyond AuditKeep rotated files the oldest are deleted. A file
// keeps its number N (its generation) for good, so the cursor "N.OFFSET"
// (the line at byte OFFSET of generation N) stays valid across rotations.

const auditName = "audit.log"

// Audit appends an entry that is not a store write (a rejected upload, a
// sign-in) to the audit log.
func (s *Files) Audit(_ context.Context, e geodata.AuditEntry) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.audit(e)
}

// audit appends an entry to the audit log, synced, rotating it first when
// the entry would take it over the size limit; the caller holds s.mu. A
// failure is returned and also written to stderr with the entry, so it
// never passes silently.
func (s *Files) audit(e geodata.AuditEntry) error {
	e.Time = s.now().UTC()
	if e.Outcome == "" {
		e.Outcome = geodata.OutcomeOK
	}
	line, _ := json.Marshal(e)
	line = append(line, '\n')
	err := s.rotateAudit(int64(len(line)))
	if err == nil {
		var f *os.File
		f, err = os.OpenFile(filepath.Join(s.dir, auditName), os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o640)
		if err == nil {
			_, err = f.Write(line)
			if serr := f.Sync(); err == nil {
				err = serr
			}
			if cerr := f.Close(); err == nil {
				err = cerr
			}
		}
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "audit log write failed: %v: %s", err, line)
	}
	return err
}

// rotateAudit renames the live log to audit.N.log when adding more bytes
// would take it over the limit, and deletes the rotated files beyond
// AuditKeep; the caller holds s.mu.
func (s *Files) rotateAudit(more int64) error {
	live := filepath.Join(s.dir, auditName)
	fi, err := os.Stat(live)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	if fi.Size() == 0 || fi.Size()+more <= s.opts.AuditMaxBytes {
		return nil
	}
	if err := os.Rename(live, s.auditPath(s.auditGen)); err != nil {
		return err
	}
	s.auditGen++
	if err := syncDir(s.dir); err != nil {
		return err
	}
	gens, err := s.auditGenerations()
	if err != nil {
		return err
	}
	for len(gens) > s.opts.AuditKeep {
		if err := os.Remove(s.auditPath(gens[0])); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
		gens = gens[1:]
	}
	return nil
}

// auditPath is the file of rotated generation g.
func (s *Files) auditPath(g int) string {
	return filepath.Join(s.dir, "audit."+strconv.Itoa(g)+".log")
}

// auditGenerations lists the generations of the rotated files, oldest first.
func (s *Files) auditGenerations() ([]int, error) {
	entries, err := os.ReadDir(s.dir)
	if err != nil {
		return nil, err
	}
	var gens []int
	for _, e := range entries {
		mid, ok := strings.CutPrefix(e.Name(), "audit.")
		if mid, ok2 := strings.CutSuffix(mid, ".log"); ok && ok2 {
			if g, err := strconv.Atoi(mid); err == nil && g > 0 {
				gens = append(gens, g)
			}
		}
	}
	slices.Sort(gens)
	return gens, nil
}

// ReadAuditPage returns one page of the audit log, newest first, reading
// the files backwards from the cursor: memory grows with the page, never
// with the log. Entries that do not pass q's filters are read and skipped.
func (s *Files) ReadAuditPage(_ context.Context, q geodata.AuditQuery) (geodata.AuditPage, error) {
	page := geodata.AuditPage{Entries: []geodata.AuditEntry{}}
	s.mu.Lock()
	gen, liveGen := s.auditGen, s.auditGen
	live, err := os.Open(filepath.Join(s.dir, auditName))
	s.mu.Unlock()
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return page, err
	}
	if live != nil {
		defer live.Close()
	}
	end := int64(-1) // the end of the file
	if q.Before != "" {
		g, off, ok := parseAuditCursor(q.Before)
		if !ok || g > liveGen {
			return page, geodata.BadAuditCursor(q.Before)
		}
		gen, end = g, off
	}
	gens, err := s.auditGenerations()
	if err != nil {
		return page, err
	}
	oldest := liveGen
	if len(gens) > 0 {
		oldest = gens[0]
	}
	for ; gen >= oldest && len(page.Entries) < q.Limit; gen, end = gen-1, -1 {
		f := live
		if gen != liveGen {
			if f, err = os.Open(s.auditPath(gen)); errors.Is(err, fs.ErrNotExist) {
				continue
			} else if err != nil {
				return page, err
			}
		}
		if f == nil {
			continue
		}
		if end < 0 {
			fi, err := f.Stat()
			if err != nil {
				return page, err
			}
			end = fi.Size()
		}
		err = linesBackward(f, end, func(line []byte, start int64) bool {
			var e geodata.AuditEntry
			if json.Unmarshal(line, &e) != nil {
				return true // a line cut short by a crash
			}
			if !q.Matches(e) {
				return true
			}
			page.Entries = append(page.Entries, e)
			if len(page.Entries) == q.Limit {
				if start > 0 || gen > oldest {
					page.Next = fmt.Sprintf("%d.%d", gen, start)
				}
				return false
			}
			return true
		})
		if f != live {
			f.Close()
		}
		if err != nil {
			return page, err
		}
	}
	return page, nil
}

// AuditPager reads an audit log page by page, as both stores do.
type AuditPager interface {
	ReadAuditPage(ctx context.Context, q geodata.AuditQuery) (geodata.AuditPage, error)
}

// ReadAudit returns up to limit entries of src's audit log (all when
// limit ≤ 0), newest first, reading it page by page.
func ReadAudit(ctx context.Context, src AuditPager, limit int) ([]geodata.AuditEntry, error) {
	return readAudit(ctx, src.ReadAuditPage, limit)
}

func readAudit(ctx context.Context, read func(context.Context, geodata.AuditQuery) (geodata.AuditPage, error), limit int) ([]geodata.AuditEntry, error) {
	out := []geodata.AuditEntry{}
	q := geodata.AuditQuery{Limit: 1000}
	for {
		if limit > 0 {
			q.Limit = min(1000, limit-len(out))
		}
		p, err := read(ctx, q)
		if err != nil {
			return nil, err
		}
		out = append(out, p.Entries...)
		if p.Next == "" || (limit > 0 && len(out) >= limit) {
			return out, nil
		}
		q.Before = p.Next
	}
}

// parseAuditCursor reads "GEN.OFFSET".
func parseAuditCursor(c string) (gen int, off int64, ok bool) {
	g, o, found := strings.Cut(c, ".")
	gen, err1 := strconv.Atoi(g)
	off, err2 := strconv.ParseInt(o, 10, 64)
	return gen, off, found && err1 == nil && err2 == nil && gen > 0 && off >= 0
}

// linesBackward calls fn with each line of f that ends before byte end,
// the last first, and the offset the line starts at, until fn returns
// false. It reads 64 KiB at a time; a line longer than 1 MiB is skipped.
func linesBackward(f *os.File, end int64, fn func(line []byte, start int64) bool) error {
	const chunk, maxLine = 64 << 10, 1 << 20
	var data []byte // bytes [pos, pos+len(data)) not yet handed out
	pos := end
	for {
		if pos > 0 {
			n := min(chunk, pos)
			buf := make([]byte, n, int(n)+len(data))
			if _, err := f.ReadAt(buf, pos-n); err != nil {
				return err
			}
			pos -= n
			data = append(buf, data...)
		}
		for {
			body := bytes.TrimSuffix(data, []byte{'\n'})
			i := bytes.LastIndexByte(body, '\n')
			if i < 0 {
				break
			}
			if len(body) > i+1 && !fn(body[i+1:], pos+int64(i)+1) {
				return nil
			}
			data = data[:i+1]
		}
		if pos == 0 {
			if body := bytes.TrimSuffix(data, []byte{'\n'}); len(body) > 0 {
				fn(body, 0)
			}
			return nil
		}
		if len(data) > maxLine {
			data = data[:0] // not a line this store wrote; drop it
		}
	}
}
