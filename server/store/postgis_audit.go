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
// rows of the (at, id) index before the cursor "MICROSECONDS.ID" that pass
// q's filters (actor and action read from the entry, the actor as a part
// of it in any case, the time from at).
func (s *PostGIS) ReadAuditPage(ctx context.Context, q geodata.AuditQuery) (_ geodata.AuditPage, err error) {
	defer s.unavailable(&err)
	page := geodata.AuditPage{Entries: []geodata.AuditEntry{}}
	var where []string
	args := []any{q.Limit}
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	if q.Before != "" {
		at, id, found := strings.Cut(q.Before, ".")
		us, err1 := strconv.ParseInt(at, 10, 64)
		n, err2 := strconv.ParseInt(id, 10, 64)
		if !found || err1 != nil || err2 != nil {
			return page, geodata.BadAuditCursor(q.Before)
		}
		where = append(where, "(at, id) < ("+arg(time.UnixMicro(us).UTC())+", "+arg(n)+")")
	}
	if q.Actor != "" {
		where = append(where, "strpos(lower(entry->>'actor'), lower("+arg(q.Actor)+")) > 0")
	}
	if q.Action != "" {
		where = append(where, "entry->>'action' = "+arg(q.Action))
	}
	if !q.From.IsZero() {
		where = append(where, "at >= "+arg(q.From))
	}
	if !q.To.IsZero() {
		where = append(where, "at < "+arg(q.To))
	}
	sql := "SELECT at, id, entry::text FROM audit_log"
	if len(where) > 0 {
		sql += " WHERE " + strings.Join(where, " AND ")
	}
	sql += " ORDER BY at DESC, id DESC LIMIT $1"
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
