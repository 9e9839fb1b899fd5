package server

import (
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"io"
	"io/fs"
	"math"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/routerisk/routerisk/geodata"
	"github.com/routerisk/routerisk/geodata/privacy"
	"github.com/routerisk/routerisk/server/auth"
	"github.com/routerisk/routerisk/server/maps"
	"github.com/routerisk/routerisk/server/reads"
	"github.com/routerisk/routerisk/server/web"
)

// EmbedTokens signs and checks the tokens of signed embeds.
type EmbedTokens interface {
	Issue(c auth.EmbedClaims, name string, days int, by auth.Principal) (string, auth.EmbedRecord, error)
	Verify(token string) (auth.EmbedClaims, error)
	Revoke(id string) error
	List() ([]auth.EmbedRecord, error)
}

// embedHeader carries a signed embed token on the embed page's API calls.
const embedHeader = "X-Embed-Token"

// embedKey is where the claims of a verified embed token are kept on the
// request.
const embedKey = "embed"

// featuresPath is the route of the JSON feature queries.
const featuresPath = "/api/v1/layers/:id/features"

// embedClaims returns the verified embed token of the request, if any.
func embedClaims(c echo.Context) (auth.EmbedClaims, bool) {
	cl, ok := c.Get(embedKey).(auth.EmbedClaims)
	return cl, ok
}

// embedTokenOf returns the embed token a request carries: the header, or
// on the image routes (which a plain link fetches) the token parameter.
func embedTokenOf(c echo.Context) string {
	if t := c.Request().Header.Get(embedHeader); t != "" {
		return t
	}
	if isRenderPath(c.Request().URL.Path) {
		return c.QueryParam("token")
	}
	return ""
}

func isRenderPath(p string) bool {
	return p == "/api/v1/render.png" || p == "/api/v1/render.svg"
}

// authenticateEmbed serves a request that carries an embed token. The
// token alone decides: cookies and bearer tokens are ignored, so an embed
// never shows more than its token allows (at most the partner tier, only
// for the token's layers, only on feature queries and images, and there
// only with the token's filters inside its view). Everything else is
// public.
func authenticateEmbed(c echo.Context, embeds EmbedTokens, token string, lib *reads.Library, next echo.HandlerFunc) error {
	if embeds == nil {
		return &geodata.Error{Code: geodata.Unauthorized, Message: "signed embeds are not configured on this server"}
	}
	cl, err := embeds.Verify(token)
	if err != nil {
		return embedError(err)
	}
	c.Set(embedKey, cl)
	tier := privacy.Public
	if cl.Tier == auth.EmbedPartner && (c.Path() == featuresPath || isRenderPath(c.Request().URL.Path)) {
		tier = privacy.Partner
	}
	r := c.Request()
	web.SetView(c, privacy.View{Tier: tier, Scope: slices.Clone(cl.Layers)})
	if c.Path() == featuresPath && tier == privacy.Partner {
		// Read from the URL, not c.QueryParams(), which Echo keeps once read.
		m, err := lib.Layer(c.Param("id"))
		if err != nil {
			return err
		}
		q, ignored, err := embedFeatureQuery(cl, r.URL.Query(), m)
		if err != nil {
			return err
		}
		r.URL.RawQuery = q.Encode()
		if len(ignored) > 0 {
			c.Response().Header().Set(web.HeaderFiltersIgnored, strings.Join(ignored, ","))
		}
	}
	h := c.Response().Header()
	h.Set("X-Privacy-Tier", string(tier))
	h.Add("Vary", "Authorization, Cookie, "+embedHeader)
	h.Set("Cache-Control", "private, no-cache")
	return next(c)
}

// embedError turns a token error into an API error a report reader understands.
func embedError(err error) error {
	var exp *auth.EmbedExpiredError
	switch {
	case errors.Is(err, auth.ErrEmbedInvalid), errors.Is(err, auth.ErrEmbedRevoked), errors.As(err, &exp):
		return &geodata.Error{Code: geodata.Unauthorized, Message: err.Error()}
	}
	return err
}

// embedFeatureQuery rewrites a partner-tier embed's feature query: the
// token's filters replace the request's (those layer m has; ignored lists
// the others: one view holds layers of every kind), and the box is cut to
// the token's view (padded by a quarter on each side, for panning).
func embedFeatureQuery(cl auth.EmbedClaims, req url.Values, m geodata.Meta) (out url.Values, ignored []string, err error) {
	fixed, perr := url.ParseQuery(cl.Params)
	if perr != nil {
		fixed = url.Values{}
	}
	out = url.Values{}
	for _, k := range []string{"limit", "offset", "properties", "precision", "zoom", "resolution"} {
		if v, ok := req[k]; ok {
			out[k] = v
		}
	}
	given := url.Values{}
	if dt := (maps.Filters{From: fixed.Get("from"), To: fixed.Get("to")}).Datetime(); dt != "" {
		given.Set("datetime", dt)
	}
	for _, k := range []string{"route", "cause", "category"} {
		if len(fixed[k]) > 0 {
			given[k] = fixed[k]
		}
	}
	ignored = geodata.IgnoredFilters(given, m)
	for k, v := range given {
		if !slices.Contains(ignored, k) {
			out[k] = v
		}
	}
	view := maps.PadBound(viewBound(cl.View), 0.25)
	box := view
	if b := req.Get("bbox"); b != "" {
		asked, err := maps.ParseBBox(b)
		if err != nil {
			return nil, nil, err
		}
		box = [4]float64{math.Max(asked[0], view[0]), math.Max(asked[1], view[1]), math.Min(asked[2], view[2]), math.Min(asked[3], view[3])}
		if box[0] >= box[2] || box[1] >= box[3] {
			// Outside the embed's view: an empty answer, not the whole view.
			box = [4]float64{view[0], view[1], view[0] + 1e-9, view[1] + 1e-9}
		}
	}
	out.Set("bbox", maps.FormatBound(box))
	return out, ignored, nil
}

// viewBound is the box of an embed's view: its box, or the area a map of
// at most 2048×2048 pixels shows around its centre at its zoom.
func viewBound(v auth.EmbedView) [4]float64 {
	if v.BBox != nil {
		return *v.BBox
	}
	if v.Z == nil || v.Lat == nil || v.Lon == nil {
		return [4]float64{-180, -85, 180, 85}
	}
	return maps.CentreBound(*v.Z, *v.Lat, *v.Lon, 2048, 2048)
}

// embedClaimsJSON answers the claims of the request's embed token, which
// the embed page reads to fix its view.
func (h *handlers) embedClaimsJSON(c echo.Context) error {
	cl, ok := embedClaims(c)
	if !ok {
		return &geodata.Error{Code: geodata.Invalid, Message: "send the embed token in the " + embedHeader + " header"}
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	return c.JSON(http.StatusOK, cl)
}

// createEmbedRequest is the body of POST /api/v1/embeds.
type createEmbedRequest struct {
	Name          string         `json:"name"`
	Tier          auth.EmbedTier `json:"tier"`
	View          auth.EmbedView `json:"view"`
	Layers        []string       `json:"layers"`
	Params        string         `json:"params"`
	Title         string         `json:"title"`
	Lang          string         `json:"lang"`
	Legend        *bool          `json:"legend"`
	AsOf          string         `json:"asof"`
	ExpiresInDays int            `json:"expires_in_days"`
}

// createEmbed signs an embed token (staff and above).
func (h *handlers) createEmbed(c echo.Context) error {
	if h.opts.Embeds == nil {
		return geodata.Errorf(geodata.Unavailable, "signed embeds are not configured on this server")
	}
	var body createEmbedRequest
	dec := json.NewDecoder(io.LimitReader(c.Request().Body, 16<<10))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&body); err != nil {
		return geodata.Errorf(geodata.Invalid, "the body must be a JSON object with name, tier, view, layers, params, title, lang, legend, asof and expires_in_days: %v", err)
	}
	if body.ExpiresInDays == 0 {
		body.ExpiresInDays = 90
	}
	if body.Tier == "" {
		body.Tier = auth.EmbedPublic
	}
	for _, id := range body.Layers {
		if id == maps.LayerRisk || id == maps.LayerHotspots {
			continue
		}
		if _, err := h.uc.Library.Layer(id); err != nil {
			return geodata.InvalidParam("layers", fmt.Sprintf("names %q, which is not a layer here", geodata.Truncate(id, 60)), "use ids from /api/v1/layers, risk or hotspots")
		}
	}
	if q, err := url.ParseQuery(body.Params); err != nil {
		return geodata.InvalidParam("params", "is not a query string", "the dashboard's filters as from=…&to=…&route=…&cause=…&category=…")
	} else if err := maps.ParseState(q, &maps.View{}); err != nil {
		return err
	}
	legend := body.Legend == nil || *body.Legend
	cl := auth.EmbedClaims{Tier: body.Tier, View: body.View, Layers: body.Layers, Params: body.Params,
		Title: body.Title, Lang: body.Lang, Legend: legend, AsOf: body.AsOf}
	p, _ := principal(c)
	token, rec, err := h.opts.Embeds.Issue(cl, body.Name, body.ExpiresInDays, p)
	if err != nil {
		h.audit(c, geodata.AuditEntry{Action: "embed-create", Outcome: geodata.OutcomeRejected})
		return &geodata.Error{Code: geodata.Invalid, Message: err.Error()}
	}
	h.audit(c, geodata.AuditEntry{Action: "embed-create", Outcome: geodata.OutcomeOK, Detail: "embed " + rec.ID + " tier " + string(rec.Tier)})
	c.Response().Header().Set("Cache-Control", "no-store")
	return c.JSON(http.StatusCreated, map[string]any{
		"id": rec.ID, "token": token, "url": h.baseURL(c) + "/embed?token=" + url.QueryEscape(token),
		"tier": rec.Tier, "expires_at": rec.ExpiresAt, "layers": rec.Layers, "name": rec.Name,
	})
}

// listEmbeds lists every signed embed (admins).
func (h *handlers) listEmbeds(c echo.Context) error {
	if h.opts.Embeds == nil {
		return geodata.Errorf(geodata.Unavailable, "signed embeds are not configured on this server")
	}
	list, err := h.opts.Embeds.List()
	if err != nil {
		return err
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	return c.JSON(http.StatusOK, map[string]any{"embeds": list})
}

// revokeEmbed withdraws a signed embed (admins): its token stops working
// on the next request.
func (h *handlers) revokeEmbed(c echo.Context) error {
	if h.opts.Embeds == nil {
		return geodata.Errorf(geodata.Unavailable, "signed embeds are not configured on this server")
	}
	id := c.Param("id")
	if err := h.opts.Embeds.Revoke(id); err != nil {
		h.audit(c, geodata.AuditEntry{Action: "embed-revoke", Outcome: geodata.OutcomeRejected})
		return &geodata.Error{Code: geodata.NotFound, Message: err.Error()}
	}
	h.audit(c, geodata.AuditEntry{Action: "embed-revoke", Outcome: geodata.OutcomeOK, Detail: "embed " + geodata.Truncate(id, 40)})
	return c.NoContent(http.StatusNoContent)
}

// baseURL is the server's public address: the configured one, else the
// scheme and host the request came to.
func (h *handlers) baseURL(c echo.Context) string {
	if h.opts.PublicURL != "" {
		return strings.TrimSuffix(h.opts.PublicURL, "/")
	}
	return c.Scheme() + "://" + c.Request().Host
}

// selfBase is this server's address in what others keep and pass on
// (oEmbed documents): --public-url, else the address the connection was
// accepted on, never the request's Host header, which anyone can set.
// derived reports the latter.
func (h *handlers) selfBase(c echo.Context) (base string, derived bool, err error) {
	if h.opts.PublicURL != "" {
		return strings.TrimSuffix(h.opts.PublicURL, "/"), false, nil
	}
	addr, ok := c.Request().Context().Value(http.LocalAddrContextKey).(net.Addr)
	if !ok {
		return "", false, geodata.Errorf(geodata.Unavailable, "this server does not know its own address; set --public-url (ROUTERISK_PUBLIC_URL)")
	}
	scheme := "http"
	if c.IsTLS() {
		scheme = "https"
	}
	return scheme + "://" + addr.String(), true, nil
}

// embedPage serves the embed page. A token that does not verify gets an
// error page of its own (never the map with a wider view).
func (h *handlers) embedPage(dist fs.FS) echo.HandlerFunc {
	return func(c echo.Context) error {
		c.Response().Header().Set("Cache-Control", "no-cache")
		if tok := c.QueryParam("token"); tok != "" {
			if h.opts.Embeds == nil {
				return embedErrorPage(c, http.StatusForbidden, "Signed embeds are not configured on this server.")
			}
			if _, err := h.opts.Embeds.Verify(tok); err != nil {
				status := http.StatusForbidden
				var exp *auth.EmbedExpiredError
				if errors.Is(err, auth.ErrEmbedRevoked) || errors.As(err, &exp) {
					status = http.StatusGone
				}
				if !errors.Is(err, auth.ErrEmbedInvalid) && status != http.StatusGone {
					return err
				}
				return embedErrorPage(c, status, err.Error())
			}
		}
		if dist == nil {
			return embedErrorPage(c, http.StatusServiceUnavailable, "The map is not built into this server binary.")
		}
		page, err := fs.ReadFile(dist, "embed.html")
		if err != nil {
			return embedErrorPage(c, http.StatusServiceUnavailable, "The map is not built into this server binary.")
		}
		// oEmbed discovery, for sites that turn a pasted link into an embed.
		if base, _, err := h.selfBase(c); err == nil {
			self := base + "/embed?" + c.Request().URL.RawQuery
			c.Response().Header().Set("Link", "<"+base+"/oembed?format=json&url="+url.QueryEscape(self)+`>; rel="alternate"; type="application/json+oembed"`)
		}
		return c.HTMLBlob(http.StatusOK, page)
	}
}

var embedErrorTemplate = template.Must(template.New("embed-error").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Map not available — RouteRisk</title>
<style>html,body{height:100%;margin:0}body{display:flex;align-items:center;justify-content:center;font:16px/1.5 system-ui,sans-serif;background:#f4f6f8;color:#1d2933}
main{max-width:32rem;padding:1.5rem;border:1px solid #c9d2da;border-radius:6px;background:#fff}h1{font-size:1.1rem;margin:0 0 .5rem}</style></head>
<body><main role="alert"><h1>This map cannot be shown</h1><p>{{.}}</p></main></body></html>
`))

// embedErrorPage answers an HTML page that says why an embed cannot be shown.
func embedErrorPage(c echo.Context, status int, msg string) error {
	var b strings.Builder
	if err := embedErrorTemplate.Execute(&b, msg); err != nil {
		return err
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	return c.HTML(status, b.String())
}

// oEmbed sizes.
const (
	oembedWidth, oembedHeight = 800, 500
	oembedMin, oembedMax      = 200, 4000
)

// oembed answers the oEmbed document (type rich) of an embed or dashboard
// URL of this server.
func (h *handlers) oembed(c echo.Context) error {
	q := c.QueryParams()
	if f := q.Get("format"); f != "" && f != "json" {
		return c.JSON(http.StatusNotImplemented, map[string]string{"code": "not_implemented", "message": "only format=json is served"})
	}
	raw := q.Get("url")
	if raw == "" {
		return geodata.InvalidParam("url", "is missing", "give the URL of a RouteRisk map or embed")
	}
	self, derived, err := h.selfBase(c)
	if err != nil {
		return err
	}
	u, err := url.Parse(raw)
	base, _ := url.Parse(self)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || !strings.EqualFold(u.Host, base.Host) {
		return &geodata.Error{Code: geodata.NotFound, Message: "the url is not a map of this server (" + base.Host + ")"}
	}
	if u.Path != "/embed" && u.Path != "/" && u.Path != "" {
		return &geodata.Error{Code: geodata.NotFound, Message: "the url is not a map: use the dashboard's address or an /embed address"}
	}
	width, height := oembedWidth, oembedHeight
	for name, dst := range map[string]*int{"maxwidth": &width, "maxheight": &height} {
		if v := q.Get(name); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n < oembedMin || n > oembedMax {
				return geodata.InvalidParam(name, fmt.Sprintf("is %q", geodata.Truncate(v, 20)), fmt.Sprintf("a number of pixels from %d to %d", oembedMin, oembedMax))
			}
			*dst = min(*dst, n)
		}
	}
	eq := u.Query()
	title := eq.Get("title")
	if tok := eq.Get("token"); tok != "" && h.opts.Embeds != nil {
		cl, err := h.opts.Embeds.Verify(tok)
		if err != nil {
			return &geodata.Error{Code: geodata.Unauthorized, Message: err.Error()}
		}
		title = cl.Title
	}
	if title == "" {
		title = "RouteRisk map"
	}
	title = geodata.Truncate(title, 200)
	src := base.Scheme + "://" + base.Host + "/embed?" + eq.Encode()
	var b strings.Builder
	err = oembedIframe.Execute(&b, map[string]any{"Src": src, "W": width, "H": height, "Title": title})
	if err != nil {
		return err
	}
	if derived {
		// Another listening address answers with another document.
		c.Response().Header().Set("Cache-Control", "private, max-age=300")
	} else {
		c.Response().Header().Set("Cache-Control", "public, max-age=300")
	}
	return c.JSON(http.StatusOK, map[string]any{
		"version": "1.0", "type": "rich", "provider_name": "RouteRisk", "provider_url": base.Scheme + "://" + base.Host + "/",
		"title": title, "width": width, "height": height, "html": b.String(), "cache_age": 300,
	})
}

var oembedIframe = template.Must(template.New("iframe").Parse(
	`<iframe src="{{.Src}}" width="{{.W}}" height="{{.H}}" style="border:0" loading="lazy" title="{{.Title}}" referrerpolicy="strict-origin-when-cross-origin"></iframe>`))

// frameAncestors is the CSP frame-ancestors source list of the embed page.
func frameAncestors(origins []string) string {
	if len(origins) == 0 {
		return "*"
	}
	return strings.Join(slices.Compact(slices.Sorted(slices.Values(origins))), " ")
}
