package server

import (
	"fmt"
	"io"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/paulmach/orb"

	"github.com/routerisk/routerisk/geodata"
	"github.com/routerisk/routerisk/server/packs"
	"github.com/routerisk/routerisk/server/web"
)

// maxPackLayers bounds the layers one pack request may name.
const maxPackLayers = 50

// pack answers GET /api/v1/packs?bbox=…&layers=…: an offline corridor
// pack (server/packs) for the partner and staff tiers, built in a
// temporary file and then sent, so a failure is an error answer, never a
// truncated zip. Every restricted layer a pack holds is audited as a
// "pack" read of it.
func (h *handlers) pack(c echo.Context) error {
	q := c.QueryParams()
	box := orb.Bound{Min: orb.Point{-180, -85.0511}, Max: orb.Point{180, 85.0511}}
	if s := q.Get("bbox"); s != "" {
		b, err := geodata.ParseBBox(s)
		if err != nil {
			return err
		}
		box = *b
	}
	var layers []string
	if s, ok := q["layers"]; ok {
		for _, part := range strings.Split(strings.Join(s, ","), ",") {
			if id := strings.TrimSpace(part); id != "" && !slices.Contains(layers, id) {
				layers = append(layers, id)
			}
		}
		if len(layers) == 0 {
			return geodata.InvalidParam("layers", "is empty", "layer ids from /api/v1/layers, risk or hotspots, separated by commas; leave it out for all")
		}
		if len(layers) > maxPackLayers {
			return geodata.InvalidParam("layers", fmt.Sprintf("names %d layers", len(layers)), fmt.Sprintf("at most %d", maxPackLayers))
		}
	}
	tmp, err := os.CreateTemp("", "routerisk-pack-*.zip")
	if err != nil {
		return &geodata.Error{Code: geodata.Internal, Message: "the pack could not be written", Err: err}
	}
	defer os.Remove(tmp.Name())
	defer tmp.Close()
	started := time.Now()
	sum, err := h.uc.Packs.Build(c.Request().Context(), packs.Request{View: web.View(c), BBox: box, Layers: layers}, tmp)
	if err != nil {
		return err
	}
	if h.opts.ReadLog != nil {
		for _, id := range sum.Restricted {
			h.opts.ReadLog.Note(actor(c), id, "pack")
		}
	}
	if _, err := tmp.Seek(0, io.SeekStart); err != nil {
		return &geodata.Error{Code: geodata.Internal, Message: "the pack could not be read back", Err: err}
	}
	hd := c.Response().Header()
	hd.Set(echo.HeaderContentDisposition, fmt.Sprintf(`attachment; filename="routerisk-pack-%s.zip"`, started.UTC().Format("20060102-1504")))
	hd.Set("Cache-Control", "private, no-store")
	hd.Set(echo.HeaderContentType, "application/zip")
	hd.Set(echo.HeaderContentLength, strconv.FormatInt(sum.Bytes, 10))
	hd.Set("X-Pack-Build-Ms", strconv.FormatInt(time.Since(started).Milliseconds(), 10))
	hd.Set("X-Pack-Tiles", strconv.Itoa(sum.Tiles.Tiles))
	c.Response().WriteHeader(http.StatusOK)
	if _, err := io.Copy(c.Response(), tmp); err != nil {
		h.opts.Logger.Error("pack", "err", err) // the status is sent; the body is cut short
	}
	return nil
}
