package server

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/routerisk/routerisk/geodata"
	"github.com/routerisk/routerisk/geodata/places"
	"github.com/routerisk/routerisk/server/answers"
	"github.com/routerisk/routerisk/server/web"
)

// Limits of GET /api/v1/places.
const (
	placesDefaultLimit = 10
	placesMaxLimit     = 50
)

// placesAnswer is the body of GET /api/v1/places.
type placesAnswer struct {
	Places  []places.Place   `json:"places"`
	Sources []geodata.Source `json:"sources"` // to credit where the names are shown
}

// placesSearch answers GET /api/v1/places: places, ports and sea areas
// whose name matches q=, or the places to label inside bbox= (most
// prominent first, spread out), limit= of them (1 to 50, default 10),
// with the sources to credit. The gazetteer is public and bundled, so the
// answer is public and cacheable.
func (h *handlers) placesSearch(c echo.Context) error {
	params := c.QueryParams()
	for k, vals := range params {
		switch k {
		case "q", "bbox", "limit":
			if len(vals) > 1 {
				return geodata.InvalidParam(k, "is given more than once", "give it once")
			}
		default:
			return geodata.InvalidParam(k, "is not known here", "use q=NAME or bbox=minLon,minLat,maxLon,maxLat, and limit=")
		}
	}
	limit := placesDefaultLimit
	if v, ok := params["limit"]; ok {
		n, err := strconv.Atoi(strings.TrimSpace(v[0]))
		if err != nil || n < 1 || n > placesMaxLimit {
			return geodata.InvalidParam("limit", fmt.Sprintf("is %q", geodata.Truncate(v[0], 20)),
				fmt.Sprintf("use a whole number from 1 to %d (default %d)", placesMaxLimit, placesDefaultLimit))
		}
		limit = n
	}
	q, hasQ := params["q"]
	bbox, hasBBox := params["bbox"]
	const either = "give either q=NAME (a place, port or sea name) or bbox=minLon,minLat,maxLon,maxLat (places to label), not both"
	var found []places.Place
	switch {
	case hasQ && hasBBox:
		return geodata.InvalidParam("q", "and bbox are both given", either)
	case hasQ:
		text := strings.TrimSpace(q[0])
		if text == "" {
			return geodata.InvalidParam("q", "is empty", "give a few letters of a place, port or sea name")
		}
		if len(text) > places.MaxQueryBytes {
			return geodata.InvalidParam("q", fmt.Sprintf("is %d bytes long", len(text)), fmt.Sprintf("give at most %d bytes of a name", places.MaxQueryBytes))
		}
		found = places.Default().Search(text, limit)
	case hasBBox:
		b, err := geodata.ParseBBox(bbox[0])
		if err != nil {
			return err
		}
		found = places.Default().InBBox(*b, limit)
	default:
		return geodata.InvalidParam("q", "is missing", either)
	}
	if found == nil {
		found = []places.Place{}
	}
	body, err := json.Marshal(placesAnswer{Places: found, Sources: places.Sources})
	if err != nil {
		return err
	}
	c.Response().Header().Set("Cache-Control", "public, max-age=3600")
	if done, err := web.NotModified(c, answers.ETag(string(body))); done {
		return err
	}
	return c.Blob(http.StatusOK, echo.MIMEApplicationJSON, body)
}
