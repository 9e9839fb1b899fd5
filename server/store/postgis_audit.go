package store

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/routerisk/routerisk/geodata"
)

// ReadAuditPage returns one page of the audit log, newest first: LIMIT
// rows of the (at, id) index before the cursor "MICROSECONDS.ID".
func (s *PostGIS) ReadAuditPage(ctx context.Context, q geodata.AuditQuery) (_ geodata.AuditPage, err error) {
	defer s.unavailable(&err)
	page := geodata.AuditPage{Entries: []geodata.AuditEntry{}}
	sql := "SELECT at, id, entry::text FROM audit_log ORDER BY at DESC, id DESC LIMIT $1"
	args := []any{q.Limit}
	if q.Before != "" {
		at, id, found := strings.Cut(q.Before, ".")
		us, err1 := strconv.ParseInt(at, 10, 64)
		n, err2 := strconv.ParseInt(id, 10, 64)
		if !found || err1 != nil || err2 != nil {
			return page, geodata.BadAuditCursor(q.Before)
		}
		sql = "SELECT at, id, entry::text FROM audit_log WHERE (at, id) < ($2, $3) ORDER BY at DESC, id DESC LIMIT $1"
		args = append(args, time.UnixMicro(us).UTC(), n)
	}
	rows, err := s.pool.Query(ctx, sql, args...)
	if err != nil {
		return page, err
	}
	defer rows.Close()
	var at time.Time
	var id int64
	seen := 0
	for rows.Next() {
		seen++
		var b []byte
		if err := rows.Scan(&at, &id, &b); err != nil {
			return page, err
		}
		var e geodata.AuditEntry
		if json.Unmarshal(b, &e) == nil {
			page.Entries = append(page.Entries, e)
		}
	}
	if err := rows.Err(); err != nil {
		return page, err
	}
	if seen == q.Limit {
		page.Next = fmt.Sprintf("%d.%d", at.UnixMicro(), id)
	}
	return page, nil
}
