package server

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"
	"github.com/routerisk/routerisk/geodata"
	"github.com/routerisk/routerisk/server/analysis"
	"github.com/routerisk/routerisk/server/answers"
	"github.com/routerisk/routerisk/server/web"
)

// hotspots answers the incident hotspot analysis; layer= names the
// incident layer (default: incidents), every other parameter is the
// analysis's own.
func (h *handlers) hotspots(c echo.Context) error {
	params := c.QueryParams()
	layer := params.Get("layer")
	if len(params["layer"]) > 1 {
		return geodata.InvalidParam("layer", "is given more than once", "give one incident layer id")
	}
	delete(params, "layer")
	res, err := h.uc.Analysis.Hotspots(c.Request().Context(), analysis.HotspotsRequest{
		View:  web.View(c),
		Layer: layer, Params: params, IfNoneMatch: c.Request().Header.Get("If-None-Match"),
	})
	if err != nil {
		return err
	}
	return web.SendCached(c, res, web.ContentGeoJSON)
}

// riskSegments answers every route segment with its risk and coverage;
// zoom= asks for the layer as a map at that zoom shows it (see
// analysis.RiskRequest.Zoom).
// checkSeparators refuses a query holding a raw ";": Go's query parser
// drops such a pair without a word, so a rule such as
// coverage_subtypes=health:hospital;legal:legal_aid would be silently
// ignored and the default answered in its place.
func checkSeparators(c echo.Context) error {
	if strings.Contains(c.Request().URL.RawQuery, ";") {
		return &geodata.Error{Code: geodata.Invalid, Details: map[string]any{"separator": ";"},
			Message: "the query holds a \";\", which is not a separator: join parameters with \"&\" and repeat coverage_subtypes for each category (coverage_subtypes=health:hospital,clinic&coverage_subtypes=legal:legal_aid)"}
	}
	return nil
}

func (h *handlers) riskSegments(c echo.Context) error {
	if err := checkSeparators(c); err != nil {
		return err
	}
	params := c.QueryParams()
	req := analysis.RiskRequest{View: web.View(c), IfNoneMatch: c.Request().Header.Get("If-None-Match")}
	if vals, ok := params["zoom"]; ok {
		z, err := strconv.Atoi(strings.TrimSpace(vals[0]))
		if len(vals) > 1 || err != nil || z < 0 || z > maxZoom {
			return geodata.InvalidParam("zoom", fmt.Sprintf("is %q", strings.Join(vals, ",")),
				fmt.Sprintf("give the map zoom as a whole number from 0 to %d, or leave it out for every segment with all its figures", maxZoom))
		}
		req.Zoom, req.Zoomed = z, true
		delete(params, "zoom")
	}
	req.Params = params
	res, err := h.uc.Analysis.Risk(c.Request().Context(), req)
	if err != nil {
		return err
	}
	return web.SendCached(c, res, web.ContentGeoJSON)
}

// riskBacktest answers how well risk before split= foretold the dead and
// missing recorded from then on, as JSON or (format=csv, hxl=1 for a HXL
// hashtag row) as a table of the model and its baselines.
func (h *handlers) riskBacktest(c echo.Context) error {
	csv, withHXL, params, err := tableParams(c)
	if err != nil {
		return err
	}
	res, err := h.uc.Analysis.Backtest(c.Request().Context(), analysis.BacktestRequest{
		View: web.View(c), Params: params, CSV: csv, HXL: withHXL, IfNoneMatch: c.Request().Header.Get("If-None-Match"),
	})
	return sendTable(c, res, err, csv, "risk-backtest.csv")
}

// riskRoutes answers dead and missing per 1,000 crossings by route for
// year= or datetime=, as JSON or (format=csv, hxl=1 for a HXL hashtag
// row) as one row per route.
func (h *handlers) riskRoutes(c echo.Context) error {
	csv, withHXL, params, err := tableParams(c)
	if err != nil {
		return err
	}
	res, err := h.uc.Analysis.Routes(c.Request().Context(), analysis.RoutesRequest{
		View: web.View(c), Params: params, CSV: csv, HXL: withHXL, IfNoneMatch: c.Request().Header.Get("If-None-Match"),
	})
	return sendTable(c, res, err, csv, "route-exposure.csv")
}

// tableParams reads the query of an answer that is JSON or, with
// format=csv, a table: whether it is CSV, whether the CSV carries a HXL
// hashtag row (hxl=1), and the other parameters.
func tableParams(c echo.Context) (csv, withHXL bool, params url.Values, err error) {
	params = c.QueryParams()
	if csv, err = formatParam(params, "json"); err != nil {
		return false, false, nil, err
	}
	if withHXL, err = web.HXLParam(params, false); err != nil {
		return false, false, nil, err
	}
	return csv, csv && withHXL, params, nil
}

// sendTable sends an answer read with tableParams: a CSV download named
// filename, or JSON.
func sendTable(c echo.Context, res answers.Result, err error, csv bool, filename string) error {
	if err != nil {
		return err
	}
	if csv {
		c.Response().Header().Set("Content-Disposition", `attachment; filename="`+filename+`"`)
		return web.SendCached(c, res, web.ContentCSV)
	}
	return web.SendCached(c, res, echo.MIMEApplicationJSON)
}

// formatParam reads and removes format=: true for csv, false for def (the
// endpoint's own format, also the default).
func formatParam(params url.Values, def string) (bool, error) {
	vals, ok := params["format"]
	if !ok {
		return false, nil
	}
	delete(params, "format")
	if len(vals) > 1 || (vals[0] != "csv" && vals[0] != def) {
		return false, geodata.InvalidParam("format", fmt.Sprintf("is %q", geodata.Truncate(strings.Join(vals, ","), 20)),
			fmt.Sprintf("use format=%s (default) or format=csv", def))
	}
	return vals[0] == "csv", nil
}

// riskSegment explains one route segment: the incidents counted for it,
// their tally by year and its nearest services.
func (h *handlers) riskSegment(c echo.Context) error {
	id := c.Param("id")
	if u, err := url.PathUnescape(id); err == nil {
		id = u // a client may escape the colon of the id
	}
	res, err := h.uc.Analysis.RiskExplain(c.Request().Context(), analysis.RiskExplainRequest{
		View:    web.View(c),
		Segment: id, Params: c.QueryParams(), IfNoneMatch: c.Request().Header.Get("If-None-Match"),
	})
	if err != nil {
		return err
	}
	return web.SendCached(c, res, echo.MIMEApplicationJSON)
}

// riskPriorities answers the ranked outreach priorities; limit= bounds
// the list, every other parameter is the analysis's own.
func (h *handlers) riskPriorities(c echo.Context) error {
	if err := checkSeparators(c); err != nil {
		return err
	}
	params := c.QueryParams()
	limit := 0
	if vals, ok := params["limit"]; ok {
		n, err := strconv.Atoi(strings.TrimSpace(vals[0]))
		if len(vals) > 1 || err != nil || n < 1 || n > analysis.MaxPriorities {
			return geodata.InvalidParam("limit", fmt.Sprintf("is %q", strings.Join(vals, ",")),
				fmt.Sprintf("use a whole number from 1 to %d (default %d)", analysis.MaxPriorities, analysis.DefaultPriorities))
		}
		limit = n
		delete(params, "limit")
	}
	csv, err := formatParam(params, "geojson")
	if err != nil {
		return err
	}
	withHXL, err := web.HXLParam(params, true) // on by default for the priorities
	if err != nil {
		return err
	}
	res, err := h.uc.Analysis.Risk(c.Request().Context(), analysis.RiskRequest{
		View:   web.View(c),
		Params: params, Priorities: true, Limit: limit, CSV: csv, HXL: csv && withHXL, IfNoneMatch: c.Request().Header.Get("If-None-Match"),
	})
	if err != nil {
		return err
	}
	if csv {
		c.Response().Header().Set("Content-Disposition", `attachment; filename="outreach-priorities.csv"`)
		return web.SendCached(c, res, web.ContentCSV)
	}
	return web.SendCached(c, res, web.ContentGeoJSON)
}

// maxZoom is the highest map zoom the risk layer is asked for.
const maxZoom = 24
