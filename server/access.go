package server

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/routerisk/routerisk/geodata"
	"github.com/routerisk/routerisk/geodata/privacy"
	"github.com/routerisk/routerisk/server/auth"
	"github.com/routerisk/routerisk/server/reads"
	"github.com/routerisk/routerisk/server/web"
)

// Tokens authenticates API tokens.
type Tokens interface {
	Authenticate(token string) (auth.Principal, error)
	// Active reports whether the token with this public id is still valid;
	// sessions opened with a revoked token end with it.
	Active(tokenID string) bool
}

// sessionCookie is the name of the browser session cookie.
const sessionCookie = "rr_session"

// csrfHeader carries a session's CSRF token on every cookie-authenticated write.
const csrfHeader = "X-CSRF-Token"

const principalKey = "principal"

// authenticate resolves the caller from a bearer token or a session
// cookie. A bearer token that is wrong is answered 401 at once; an unknown
// cookie is ignored (the caller is anonymous, and writes will say so).
func authenticate(tokens Tokens, sessions *auth.Sessions, embeds EmbedTokens, lib *reads.Library) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			if t := embedTokenOf(c); t != "" {
				return authenticateEmbed(c, embeds, t, lib, next)
			}
			h := c.Request().Header.Get(echo.HeaderAuthorization)
			if h != "" {
				scheme, tok, _ := strings.Cut(h, " ")
				if !strings.EqualFold(scheme, "Bearer") || tokens == nil {
					return unauthorized(c, "the Authorization header must be \"Bearer <token>\"")
				}
				p, err := tokens.Authenticate(strings.TrimSpace(tok))
				if err != nil {
					if errors.Is(err, auth.ErrUnknownToken) {
						return unauthorized(c, err.Error())
					}
					return err
				}
				c.Set(principalKey, p)
				return withTier(c, next)
			}
			if ck, err := c.Cookie(sessionCookie); err == nil && sessions != nil {
				ctx := c.Request().Context()
				s, err := sessions.Get(ctx, ck.Value)
				switch {
				case err != nil:
					// Unknown, expired or unreadable: the caller is anonymous.
				case tokens != nil && !tokens.Active(s.Principal.TokenID):
					// The token the session was opened with was revoked since.
					_ = sessions.End(ctx, ck.Value)
				default:
					c.Set(principalKey, s.Principal)
					c.Set("session", s)
				}
			}
			return withTier(c, next)
		}
	}
}

// withTier makes the request's one privacy decision: the caller's tier,
// recorded as the view every route hands to the use cases, and stated in
// X-Privacy-Tier. Responses differ by caller, so shared caches must keep
// them apart.
func withTier(c echo.Context, next echo.HandlerFunc) error {
	t := tierOf(c)
	web.SetView(c, privacy.View{Tier: t})
	h := c.Response().Header()
	h.Set("X-Privacy-Tier", string(t))
	h.Add("Vary", "Authorization, Cookie")
	return next(c)
}

// tierOf maps the caller's role onto a privacy tier: anonymous callers
// and viewers see the public tier, partners the partner tier, staff,
// editors and admins the staff tier.
func tierOf(c echo.Context) privacy.Tier {
	p, ok := principal(c)
	switch {
	case !ok:
		return privacy.Public
	case p.Role.AtLeast(auth.Staff):
		return privacy.Staff
	case p.Role.AtLeast(auth.Partner):
		return privacy.Partner
	}
	return privacy.Public
}

func unauthorized(c echo.Context, msg string) error {
	c.Response().Header().Set("WWW-Authenticate", `Bearer realm="routerisk"`)
	return &geodata.Error{Code: geodata.Unauthorized, Message: msg}
}

// principal returns the authenticated caller, if any.
func principal(c echo.Context) (auth.Principal, bool) {
	p, ok := c.Get(principalKey).(auth.Principal)
	return p, ok
}

// require lets through callers with at least role min; session callers
// on a write must also echo their CSRF token.
func require(min auth.Role) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			p, ok := principal(c)
			if !ok {
				return unauthorized(c, "sign in or send \"Authorization: Bearer <token>\"; this needs the "+string(min)+" role")
			}
			if !p.Role.AtLeast(min) {
				return &geodata.Error{Code: geodata.Forbidden, Details: map[string]any{"role": p.Role, "needed": min},
					Message: "your role " + string(p.Role) + " cannot do this; it needs " + string(min) + " or above — ask an admin"}
			}
			if err := checkCSRF(c); err != nil {
				return err
			}
			return next(c)
		}
	}
}

// checkCSRF refuses a cookie-authenticated unsafe request without the
// session's CSRF token. Bearer-token callers are not exposed to CSRF.
func checkCSRF(c echo.Context) error {
	switch c.Request().Method {
	case http.MethodGet, http.MethodHead, http.MethodOptions:
		return nil
	}
	s, ok := c.Get("session").(auth.Session)
	if !ok {
		return nil
	}
	if !s.CheckCSRF(c.Request().Header.Get(csrfHeader)) {
		return &geodata.Error{Code: geodata.Forbidden, Details: map[string]any{"header": csrfHeader},
			Message: "this write came with the session cookie but without the " + csrfHeader + " header of the session; reload the page and try again"}
	}
	return nil
}

// sessionJSON is what the session endpoints answer.
type sessionJSON struct {
	Name      string    `json:"name"`
	Role      auth.Role `json:"role"`
	ExpiresAt time.Time `json:"expires_at"`
	CSRFToken string    `json:"csrf_token"`
}

// createSession exchanges a token for a session cookie.
func (h *handlers) createSession(c echo.Context) error {
	if h.opts.Tokens == nil || h.opts.Sessions == nil {
		return geodata.Errorf(geodata.Unavailable, "sign-in is not configured on this server")
	}
	var body struct {
		Token string `json:"token"`
	}
	dec := json.NewDecoder(io.LimitReader(c.Request().Body, 4096))
	if err := dec.Decode(&body); err != nil || body.Token == "" {
		return geodata.Errorf(geodata.Invalid, `send JSON {"token": "…"} with the token you were given`)
	}
	p, err := h.opts.Tokens.Authenticate(strings.TrimSpace(body.Token))
	if err != nil {
		if errors.Is(err, auth.ErrUnknownToken) {
			h.audit(c, geodata.AuditEntry{Action: "sign-in", Outcome: geodata.OutcomeRejected})
			return &geodata.Error{Code: geodata.Unauthorized, Message: err.Error()}
		}
		return err
	}
	cookie, s, err := h.opts.Sessions.Start(c.Request().Context(), p)
	if err != nil {
		return err
	}
	c.SetCookie(&http.Cookie{
		Name: sessionCookie, Value: cookie, Path: "/", Expires: s.Expires,
		MaxAge: int(time.Until(s.Expires).Seconds()), HttpOnly: true,
		Secure: c.IsTLS() || c.Scheme() == "https", SameSite: http.SameSiteStrictMode,
	})
	c.Set(principalKey, p)
	h.audit(c, geodata.AuditEntry{Action: "sign-in", Outcome: geodata.OutcomeOK})
	c.Response().Header().Set("Cache-Control", "no-store")
	return c.JSON(http.StatusOK, sessionJSON{Name: p.Name, Role: p.Role, ExpiresAt: s.Expires, CSRFToken: s.CSRF})
}

// getSession answers who is signed in with the session cookie.
func (h *handlers) getSession(c echo.Context) error {
	s, ok := c.Get("session").(auth.Session)
	if !ok {
		return &geodata.Error{Code: geodata.Unauthorized, Message: "not signed in"}
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	return c.JSON(http.StatusOK, sessionJSON{Name: s.Principal.Name, Role: s.Principal.Role, ExpiresAt: s.Expires, CSRFToken: s.CSRF})
}

// deleteSession signs out: the session is revoked on the server and the
// cookie cleared.
func (h *handlers) deleteSession(c echo.Context) error {
	if _, ok := c.Get("session").(auth.Session); ok {
		if err := checkCSRF(c); err != nil {
			return err
		}
		if ck, err := c.Cookie(sessionCookie); err == nil {
			if err := h.opts.Sessions.End(c.Request().Context(), ck.Value); err != nil {
				return err
			}
		}
		h.audit(c, geodata.AuditEntry{Action: "sign-out", Outcome: geodata.OutcomeOK})
	}
	c.SetCookie(&http.Cookie{Name: sessionCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true,
		Secure: c.IsTLS() || c.Scheme() == "https", SameSite: http.SameSiteStrictMode})
	return c.NoContent(http.StatusNoContent)
}

// audit records an entry with the caller and request id filled in.
func (h *handlers) audit(c echo.Context, e geodata.AuditEntry) {
	e.Actor = actor(c)
	e.RequestID = c.Response().Header().Get(echo.HeaderXRequestID)
	if err := h.uc.Publishing.Audit(c.Request().Context(), e); err != nil {
		h.opts.Logger.Error("audit", "err", err)
	}
}

// actor names the caller for the audit log.
func actor(c echo.Context) string {
	if p, ok := principal(c); ok {
		return p.Actor()
	}
	return "anonymous"
}
