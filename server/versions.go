package server

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"time"

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
// with the link of the next page while there are older entries.
func (h *handlers) auditLog(c echo.Context) error {
	q := geodata.AuditQuery{Limit: 200, Before: c.QueryParam("before")}
	if v := c.QueryParam("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 1000 {
			return geodata.InvalidParam("limit", fmt.Sprintf("is %q", geodata.Truncate(v, 20)), "a number from 1 to 1000; page on with next")
		}
		q.Limit = n
	}
	page, err := h.uc.Publishing.ReadAudit(c.Request().Context(), q)
	if err != nil {
		return err
	}
	body := map[string]any{"entries": page.Entries}
	if page.Next != "" {
		body["next_before"] = page.Next
		body["next"] = "/api/v1/audit?" + url.Values{"limit": {strconv.Itoa(q.Limit)}, "before": {page.Next}}.Encode()
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	return c.JSON(http.StatusOK, body)
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
