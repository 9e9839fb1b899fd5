package server

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/labstack/echo/v4"
	"github.com/routerisk/routerisk/geodata"
)

// versions lists a layer's versions, newest first.
func (h *handlers) versions(c echo.Context) error {
	vs, err := h.uc.Publishing.Versions(c.Request().Context(), c.Param("id"))
	if err != nil {
		return err
	}
	current := 0
	if m, err := h.uc.Library.Layer(c.Param("id")); err == nil {
		current = m.Version
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	return c.JSON(http.StatusOK, map[string]any{"versions": vs, "current": current})
}

// versionParam reads the version number in the path.
func versionParam(c echo.Context) (int, error) {
	v, err := strconv.Atoi(c.Param("v"))
	if err != nil || v < 1 {
		return 0, geodata.InvalidParam("version", fmt.Sprintf("is %q", geodata.Truncate(c.Param("v"), 20)), "a version number (1, 2, …) from GET …/versions")
	}
	return v, nil
}

// versionReport answers the validation report a version was published with.
func (h *handlers) versionReport(c echo.Context) error {
	v, err := versionParam(c)
	if err != nil {
		return err
	}
	rep, err := h.uc.Publishing.Report(c.Request().Context(), c.Param("id"), v)
	if err != nil {
		return err
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	return c.JSON(http.StatusOK, rep)
}

// restoreVersion makes a new version with an older one's content.
func (h *handlers) restoreVersion(c echo.Context) error {
	v, err := versionParam(c)
	if err != nil {
		return err
	}
	by := geodata.AuditEntry{Actor: actor(c), RequestID: c.Response().Header().Get(echo.HeaderXRequestID)}
	m, err := h.uc.Publishing.Restore(c.Request().Context(), c.Param("id"), v, by)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"layer": m})
}

// deleteLayer stops serving a layer; its versions stay restorable.
func (h *handlers) deleteLayer(c echo.Context) error {
	by := geodata.AuditEntry{Actor: actor(c), RequestID: c.Response().Header().Get(echo.HeaderXRequestID)}
	if err := h.uc.Publishing.Delete(c.Request().Context(), c.Param("id"), by); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

// auditLog answers one page of the audit log, newest first (admins
// only): limit entries (1–1000, default 200) before the cursor "before",
// with the link of the next page while there are older entries. The
// entries can be filtered by actor (part of the name) and action (exact) and by time, from
// and to (see parseAuditFilters); the next link keeps the filters.
func (h *handlers) auditLog(c echo.Context) error {
	q := geodata.AuditQuery{Limit: 200, Before: c.QueryParam("before")}
	if v := c.QueryParam("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 1000 {
			return geodata.InvalidParam("limit", fmt.Sprintf("is %q", geodata.Truncate(v, 20)), "a number from 1 to 1000; page on with next")
		}
		q.Limit = n
	}
	if err := parseAuditFilters(c.QueryParams(), &q); err != nil {
		return err
	}
	page, err := h.uc.Publishing.ReadAudit(c.Request().Context(), q)
	if err != nil {
		return err
	}
	body := map[string]any{"entries": page.Entries}
	if page.Next != "" {
		body["next_before"] = page.Next
		next := url.Values{"limit": {strconv.Itoa(q.Limit)}, "before": {page.Next}}
		for _, k := range []string{"actor", "action", "from", "to"} {
			if v := c.QueryParam(k); v != "" {
				next.Set(k, v)
			}
		}
		body["next"] = "/api/v1/audit?" + next.Encode()
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	return c.JSON(http.StatusOK, body)
}

// Longest actor and action names the audit filters take.
const (
	maxAuditActor  = 200
	maxAuditAction = 64
)

// auditActionPattern is the shape of an action name (sign-in, publish,
// embed-create…).
var auditActionPattern = regexp.MustCompile(`^[a-z][a-z0-9_-]*$`)

// parseAuditFilters reads the filters of GET /api/v1/audit into q:
// actor (a part of the actor's name, in any case: a name or a token id),
// action (exact), from and to (a day, YYYY-MM-DD, UTC, or
// an RFC 3339 time; from is the first instant shown, to the last day
// shown, or, as a time, the instant before which entries are shown). A
// malformed value, or a from after to, is a 400.
func parseAuditFilters(v url.Values, q *geodata.AuditQuery) error {
	if a := v.Get("actor"); a != "" {
		if len(a) > maxAuditActor || strings.ContainsFunc(a, unicode.IsControl) || !utf8.ValidString(a) {
			return geodata.InvalidParam("actor", fmt.Sprintf("is %q", geodata.Truncate(a, 40)),
				fmt.Sprintf("the name of a token or user as the log writes it, at most %d bytes, without control characters", maxAuditActor))
		}
		q.Actor = a
	}
	if a := v.Get("action"); a != "" {
		if len(a) > maxAuditAction || !auditActionPattern.MatchString(a) {
			return geodata.InvalidParam("action", fmt.Sprintf("is %q", geodata.Truncate(a, 40)),
				"an action as the log writes it, such as publish, delete, sign-in or embed-create (lower case letters, digits and dashes)")
		}
		q.Action = a
	}
	for _, p := range []struct {
		name string
		end  bool
		to   *time.Time
	}{{"from", false, &q.From}, {"to", true, &q.To}} {
		raw := v.Get(p.name)
		if raw == "" {
			continue
		}
		t, err := parseAuditTime(raw, p.end)
		if err != nil {
			return geodata.InvalidParam(p.name, fmt.Sprintf("is %q", geodata.Truncate(raw, 40)),
				"a day as YYYY-MM-DD (UTC) or a time as RFC 3339, such as 2026-03-01 or 2026-03-01T12:00:00Z")
		}
		*p.to = t
	}
	if !q.From.IsZero() && !q.To.IsZero() && !q.From.Before(q.To) {
		return geodata.InvalidParam("from", fmt.Sprintf("(%s) is not before to (%s)", v.Get("from"), v.Get("to")),
			"a from day on or before the to day")
	}
	return nil
}

// parseAuditTime reads a day or an RFC 3339 time; a day that ends a range
// (end) stands for the instant after it, so that the day is included.
func parseAuditTime(raw string, end bool) (time.Time, error) {
	if d, err := time.Parse(time.DateOnly, raw); err == nil {
		if end {
			d = d.AddDate(0, 0, 1)
		}
		return d, nil
	}
	t, err := time.Parse(time.RFC3339, raw)
	if err != nil {
		return time.Time{}, err
	}
	return t.UTC(), nil
}

// purge removes old superseded versions for data retention (admins):
// POST /api/v1/purge?older_than=8760h. Every layer keeps its current and
// its newest version; each purged layer is audited.
func (h *handlers) purge(c echo.Context) error {
	raw := c.QueryParam("older_than")
	age, err := time.ParseDuration(raw)
	if raw == "" || err != nil {
		return geodata.InvalidParam("older_than", fmt.Sprintf("is %q", geodata.Truncate(raw, 20)), "give an age such as 8760h (a year), at least 24h")
	}
	by := geodata.AuditEntry{Actor: actor(c), RequestID: c.Response().Header().Get(echo.HeaderXRequestID)}
	purged, err := h.uc.Publishing.Purge(c.Request().Context(), age, by)
	if err != nil {
		return err
	}
	if purged == nil {
		purged = []geodata.Purged{}
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	return c.JSON(http.StatusOK, map[string]any{"purged": purged})
}
