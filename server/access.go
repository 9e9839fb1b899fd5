package server

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strconv"
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
	// sessions opened with a revoked token end with it. An error means the
	// store could not say, which is never taken for a revocation.
	Active(tokenID string) (bool, error)
}

// sessionCookie is the name of the browser session cookie.
const sessionCookie = "rr_session"

// csrfHeader carries a session's CSRF token on every cookie-authenticated write.
const csrfHeader = "X-CSRF-Token"

const principalKey = "principal"

// unverifiedKey holds, for a request whose session could not be checked
// against the token store, the store's error: the caller is anonymous for
// this request, and what needs a sign-in answers that error (503), not 401.
const unverifiedKey = "session-unverified"

// authenticate resolves the caller from a bearer token or a session
// cookie. A bearer token that is wrong is answered 401 at once, and its
// failure counts against the caller's address and the token's id (guard);
// an unknown cookie is ignored (the caller is anonymous, and writes will
// say so).
func authenticate(tokens Tokens, sessions *auth.Sessions, embeds EmbedTokens, lib *reads.Library, guard *auth.Guard) echo.MiddlewareFunc {
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
				tok = strings.TrimSpace(tok)
				p, err := checkToken(c, tokens, guard, "token-auth", tok)
				if err != nil {
					return err
				}
				c.Set(principalKey, p)
				return withTier(c, next)
			}
			if ck, err := c.Cookie(sessionCookie); err == nil && sessions != nil {
				resumeSession(c, tokens, sessions, ck.Value)
			}
			return withTier(c, next)
		}
	}
}

// resumeSession makes the session behind a cookie the caller. A session
// ends here only when its token is known to be revoked: when the session
// or token store cannot be asked, the caller is anonymous for this
// request and the session stays.
func resumeSession(c echo.Context, tokens Tokens, sessions *auth.Sessions, cookie string) {
	ctx := c.Request().Context()
	s, err := sessions.Get(ctx, cookie)
	if err != nil {
		if !errors.Is(err, auth.ErrNoSession) {
			c.Set(unverifiedKey, err)
		}
		return // unknown or expired: anonymous
	}
	if tokens != nil {
		active, err := tokens.Active(s.Principal.TokenID)
		if err != nil {
			c.Set(unverifiedKey, err)
			return
		}
		if !active {
			// The token the session was opened with was revoked since.
			_ = sessions.End(ctx, cookie)
			return
		}
	}
	c.Set(principalKey, s.Principal)
	c.Set("session", s)
}

// checkToken authenticates a token under the guard: a caller whose address
// or token id failed too often is refused (429) before the token is
// looked at, and a wrong token (401) counts against both. A store that
// cannot be asked is its own error (503), and counts against nobody.
func checkToken(c echo.Context, tokens Tokens, guard *auth.Guard, action, tok string) (auth.Principal, error) {
	addr, keys := guardKeys(c, tok)
	if wait := guard.Check(keys...); wait > 0 {
		guard.Refused(action, addr)
		return auth.Principal{}, tooManyFailures(c, guard, wait)
	}
	p, err := tokens.Authenticate(tok)
	if err != nil {
		if errors.Is(err, auth.ErrUnknownToken) {
			guard.Failed(action, addr, keys...)
			return auth.Principal{}, unauthorized(c, err.Error())
		}
		return auth.Principal{}, err
	}
	return p, nil
}

// guardKeys returns the caller's address and the keys the guard counts
// failed authentications under: the address, and the token's id when the
// token is well formed.
func guardKeys(c echo.Context, tok string) (string, []string) {
	addr := c.RealIP()
	keys := []string{"addr:" + addr}
	if id, ok := auth.TokenID(tok); ok {
		keys = append(keys, "token:"+id)
	}
	return addr, keys
}

// tooManyFailures is the 429 of a caller the guard refuses, saying when
// to try again (also in Retry-After).
func tooManyFailures(c echo.Context, guard *auth.Guard, wait time.Duration) error {
	secs := int((wait + time.Second - 1) / time.Second)
	n, per := guard.Limit()
	at := time.Now().Add(time.Duration(secs) * time.Second).UTC().Format(time.TimeOnly)
	c.Response().Header().Set("Retry-After", strconv.Itoa(secs))
	return &geodata.Error{Code: geodata.Busy, Details: map[string]any{geodata.RetryAfterDetail: secs, "limit": n, "per_seconds": int(per.Seconds())},
		Message: fmt.Sprintf("too many failed sign-ins from your address or with this token (more than %d in %s); try again in %d seconds, after %s UTC, and check that the token was copied whole", n, per, secs, at)}
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
	if !ok {
		return privacy.Public
	}
	return tierOfRole(p.Role)
}

// tierOfRole is the privacy tier of a signed-in caller's role.
func tierOfRole(r auth.Role) privacy.Tier {
	switch {
	case r.AtLeast(auth.Staff):
		return privacy.Staff
	case r.AtLeast(auth.Partner):
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
			if err, unverified := c.Get(unverifiedKey).(error); !ok && unverified {
				return err
			}
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
	SignedIn  bool      `json:"signed_in"`
	Name      string    `json:"name"`
	Role      auth.Role `json:"role"`
	ExpiresAt time.Time `json:"expires_at"`
	CSRFToken string    `json:"csrf_token"`
}

// createSession exchanges a token for a session cookie. It takes only a
// JSON body, and from a browser only from this server's own pages (the
// Origin header), so another site cannot sign a visitor in with its own
// token (login CSRF); failures are limited per address and token id.
func (h *handlers) createSession(c echo.Context) error {
	if h.opts.Tokens == nil || h.opts.Sessions == nil {
		return geodata.Errorf(geodata.Unavailable, "sign-in is not configured on this server")
	}
	ct := c.Request().Header.Get(echo.HeaderContentType)
	if mt, _, err := mime.ParseMediaType(ct); err != nil || mt != echo.MIMEApplicationJSON {
		return &geodata.Error{Code: geodata.UnsupportedMediaType, Details: map[string]any{"header": "Content-Type", "allowed": echo.MIMEApplicationJSON},
			Message: fmt.Sprintf(`send the sign-in as Content-Type: application/json with {"token": "…"} (got %q)`, geodata.Truncate(ct, 60))}
	}
	if err := h.sameOrigin(c); err != nil {
		return err
	}
	var body struct {
		Token string `json:"token"`
	}
	dec := json.NewDecoder(io.LimitReader(c.Request().Body, 4096))
	if err := dec.Decode(&body); err != nil || body.Token == "" {
		return geodata.Errorf(geodata.Invalid, `send JSON {"token": "…"} with the token you were given`)
	}
	p, err := checkToken(c, h.opts.Tokens, h.guard, "sign-in", strings.TrimSpace(body.Token))
	if err != nil {
		c.Response().Header().Del("WWW-Authenticate") // a form, not a Bearer challenge
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
	return c.JSON(http.StatusOK, sessionJSON{SignedIn: true, Name: p.Name, Role: p.Role, ExpiresAt: s.Expires, CSRFToken: s.CSRF})
}

// sameOrigin refuses a request whose Origin header names another site
// than this server: --public-url when set, else the host the request was
// sent to (any scheme: a TLS proxy may not say it terminated TLS).
func (h *handlers) sameOrigin(c echo.Context) error {
	origin := c.Request().Header.Get("Origin")
	if origin == "" {
		return nil // not sent by a browser's cross-site request
	}
	own := h.opts.PublicURL
	u, err := url.Parse(origin)
	ok := err == nil && u.Host != ""
	if own != "" {
		ok = ok && strings.EqualFold(strings.TrimSuffix(own, "/"), u.Scheme+"://"+u.Host)
	} else {
		own = c.Scheme() + "://" + c.Request().Host
		ok = ok && strings.EqualFold(u.Host, c.Request().Host)
	}
	if !ok {
		return &geodata.Error{Code: geodata.Forbidden, Details: map[string]any{"header": "Origin", "allowed": own},
			Message: fmt.Sprintf("sign-in is accepted only from this server's own pages (%s); this request came from %q", own, geodata.Truncate(origin, 100))}
	}
	return nil
}

// getSession answers who is signed in with the session cookie.
func (h *handlers) getSession(c echo.Context) error {
	s, ok := c.Get("session").(auth.Session)
	if err, unverified := c.Get(unverifiedKey).(error); !ok && unverified {
		return err // the session may well be valid: say the store is down, not "signed out"
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	if !ok {
		// Not being signed in is an answer, not an error: every anonymous page load asks.
		return c.JSON(http.StatusOK, signedOutJSON{})
	}
	return c.JSON(http.StatusOK, sessionJSON{SignedIn: true, Name: s.Principal.Name, Role: s.Principal.Role, ExpiresAt: s.Expires, CSRFToken: s.CSRF})
}

// signedOutJSON is what GET /api/v1/session answers a caller who is not
// signed in (no cookie, or one whose session has ended).
type signedOutJSON struct {
	SignedIn bool `json:"signed_in"`
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
