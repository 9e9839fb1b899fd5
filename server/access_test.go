package server

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/routerisk/routerisk/frontend"
	"github.com/routerisk/routerisk/geodata"
	"github.com/routerisk/routerisk/internal/teststore"
	"github.com/routerisk/routerisk/server/auth"
	"github.com/routerisk/routerisk/server/cache"
	"github.com/routerisk/routerisk/server/usecases"
)

// signIn posts a sign-in from addr with the given token and headers.
func (a *writeApp) signIn(t *testing.T, addr, token string, headers ...string) response {
	t.Helper()
	req := httptest.NewRequest(http.MethodPost, "/api/v1/session", strings.NewReader(fmt.Sprintf(`{"token":%q}`, token)))
	req.RemoteAddr = addr + ":40000"
	req.Header.Set("Content-Type", "application/json")
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	rec := httptest.NewRecorder()
	a.e.ServeHTTP(rec, req)
	return response{rec}
}

// TestSignInRequest: the sign-in takes JSON only, and from a browser only
// from this server's own origin; a refused sign-in sets no cookie.
func TestSignInRequest(t *testing.T) {
	a := newWriteApp(t, UploadOptions{})
	tok := a.tokens[auth.Editor]
	tests := []struct {
		name    string
		headers []string
		want    int
	}{
		{"JSON, no Origin", nil, 200},
		{"JSON with charset", []string{"Content-Type", "application/json; charset=utf-8"}, 200},
		{"own origin", []string{"Origin", "http://example.com"}, 200},
		{"own host over https (TLS proxy)", []string{"Origin", "https://example.com"}, 200},
		{"text/plain (form-like cross-site post)", []string{"Content-Type", "text/plain"}, 415},
		{"form", []string{"Content-Type", "application/x-www-form-urlencoded"}, 415},
		{"no Content-Type", []string{"Content-Type", ""}, 415},
		{"another origin", []string{"Origin", "https://evil.example"}, 403},
		{"another origin, text/plain", []string{"Origin", "https://evil.example", "Content-Type", "text/plain"}, 415},
		{"null origin", []string{"Origin", "null"}, 403},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := a.signIn(t, "192.0.2.10", tok, tt.headers...)
			if r.Code != tt.want {
				t.Fatalf("status %d, want %d: %s", r.Code, tt.want, r.Body)
			}
			if got := len(r.Result().Cookies()); (got > 0) != (tt.want == 200) {
				t.Errorf("%d cookies set", got)
			}
		})
	}

	// With --public-url, only that origin.
	b := newWriteApp(t, UploadOptions{})
	b.e = New(Options{UseCases: b.uc, Tokens: teststore.Tokens(t, b.dir), Sessions: auth.NewSessions(time.Hour), PublicURL: "https://maps.example.org"})
	if r := b.signIn(t, "192.0.2.10", b.tokens[auth.Editor], "Origin", "https://maps.example.org"); r.Code != 200 {
		t.Errorf("public origin: %d %s", r.Code, r.Body)
	}
	if r := b.signIn(t, "192.0.2.10", b.tokens[auth.Editor], "Origin", "http://example.com"); r.Code != 403 || !strings.Contains(r.Body.String(), "https://maps.example.org") {
		t.Errorf("request host instead of the public origin: %d %s", r.Code, r.Body)
	}
}

// TestFailedSignInsAreLimited: after 10 failures an address is refused
// with 429 and Retry-After, even with a good token; another address is
// not; a token id guessed at from many addresses is refused too; bearer
// tokens are limited the same way.
func TestFailedSignInsAreLimited(t *testing.T) {
	a := newWriteApp(t, UploadOptions{})
	good := a.tokens[auth.Editor]
	for i := range 10 {
		if r := a.signIn(t, "192.0.2.1", "rrt_wrong"); r.Code != 401 {
			t.Fatalf("failure %d: %d", i, r.Code)
		}
	}
	r := a.signIn(t, "192.0.2.1", good)
	if r.Code != 429 || len(r.Result().Cookies()) != 0 {
		t.Fatalf("11th try from the address: %d, cookies %v", r.Code, r.Result().Cookies())
	}
	secs, err := strconv.Atoi(r.Header().Get("Retry-After"))
	if err != nil || secs < 1 || secs > 60 {
		t.Errorf("Retry-After %q", r.Header().Get("Retry-After"))
	}
	if e := errorOf(t, r); e.Code != geodata.Busy || !strings.Contains(e.Message, "try again in") {
		t.Errorf("429 body: %+v", e)
	}
	if r := a.signIn(t, "192.0.2.2", good); r.Code != 200 {
		t.Errorf("another address: %d", r.Code)
	}
	// X-Forwarded-For from a client on a public address is not believed.
	if r := a.signIn(t, "192.0.2.1", good, "X-Forwarded-For", "198.51.100.7"); r.Code != 429 {
		t.Errorf("a forged X-Forwarded-For got past the limit: %d", r.Code)
	}

	// One token id, guessed at from many addresses.
	id := strings.Split(a.tokens[auth.Viewer], "_")[1]
	forged := "rrt_" + id + "_" + strings.Repeat("A", 43)
	for i := range 10 {
		if r := a.signIn(t, fmt.Sprintf("198.51.100.%d", i), forged); r.Code != 401 {
			t.Fatalf("guess %d: %d", i, r.Code)
		}
	}
	if r := a.signIn(t, "198.51.100.200", forged); r.Code != 429 {
		t.Errorf("11th guess at one token id: %d", r.Code)
	}

	// Bearer tokens.
	for i := range 10 {
		req := httptest.NewRequest(http.MethodGet, "/api/v1/layers", nil)
		req.RemoteAddr = "203.0.113.5:1"
		req.Header.Set("Authorization", "Bearer rrt_nope")
		rec := httptest.NewRecorder()
		a.e.ServeHTTP(rec, req)
		if rec.Code != 401 {
			t.Fatalf("bearer failure %d: %d", i, rec.Code)
		}
	}
	req := httptest.NewRequest(http.MethodGet, "/api/v1/layers", nil)
	req.RemoteAddr = "203.0.113.5:1"
	req.Header.Set("Authorization", "Bearer rrt_nope")
	rec := httptest.NewRecorder()
	a.e.ServeHTTP(rec, req)
	if rec.Code != 429 || rec.Header().Get("Retry-After") == "" {
		t.Errorf("11th bearer failure: %d, Retry-After %q", rec.Code, rec.Header().Get("Retry-After"))
	}
}

// TestFailedSignInsAuditedAsCounts: 2,000 failed sign-ins from one address
// are one audit entry with their count, not 2,000 synced entries, on
// either store.
func TestFailedSignInsAuditedAsCounts(t *testing.T) {
	a := newWriteApp(t, UploadOptions{})
	guard := auth.NewGuard(auth.GuardOptions{Audit: func(e geodata.AuditEntry) {
		if err := a.uc.Publishing.Audit(context.Background(), e); err != nil {
			t.Error(err)
		}
	}})
	a.e = New(Options{UseCases: a.uc, Tokens: teststore.Tokens(t, a.dir), Sessions: auth.NewSessions(time.Hour), Guard: guard})
	start := time.Now()
	for range 2000 {
		if r := a.signIn(t, "192.0.2.9", "rrt_wrong"); r.Code != 401 && r.Code != 429 {
			t.Fatalf("status %d", r.Code)
		}
	}
	took := time.Since(start)
	guard.Flush() // as at the end of the minute, or at shutdown
	page, err := a.uc.Publishing.ReadAudit(context.Background(), geodata.AuditQuery{Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	var signIns []geodata.AuditEntry
	for _, e := range page.Entries {
		if e.Action == "sign-in" {
			signIns = append(signIns, e)
		}
	}
	t.Logf("2,000 failed sign-ins (%s store): %d audit entries, in %v", teststore.Backend(), len(signIns), took.Round(time.Millisecond))
	if len(signIns) != 1 {
		t.Fatalf("%d sign-in audit entries: %v", len(signIns), signIns)
	}
	e := signIns[0]
	if e.Action != "sign-in" || e.Count != 2000 || e.Source != "192.0.2.9" || e.Outcome != geodata.OutcomeRejected {
		t.Errorf("entry %+v", e)
	}
}

// flakyTokens is a token store that can be made to fail, as a database
// in an outage does.
type flakyTokens struct {
	Tokens
	down error
}

func (f *flakyTokens) Authenticate(tok string) (auth.Principal, error) {
	if f.down != nil {
		return auth.Principal{}, f.down
	}
	return f.Tokens.Authenticate(tok)
}

func (f *flakyTokens) Active(id string) (bool, error) {
	if f.down != nil {
		return false, f.down
	}
	return f.Tokens.Active(id)
}

// TestSessionOutlivesStoreOutage: while the token store is down a browser
// session is answered 503 with Retry-After where it needs to be signed
// in, reads still answer (anonymously), bearer tokens are 503, and once
// the store is back the same cookie works: an error never ends a session.
func TestSessionOutlivesStoreOutage(t *testing.T) {
	dir := t.TempDir()
	st := teststore.Open(t, dir)
	uc := usecases.New(st, cache.NewLRU(8<<20), usecases.Options{Basemap: frontend.Basemap()})
	if err := uc.Library.Load(context.Background()); err != nil {
		t.Fatal(err)
	}
	tf := teststore.Tokens(t, dir)
	tok, _, err := tf.Create("desk", auth.Editor)
	if err != nil {
		t.Fatal(err)
	}
	flaky := &flakyTokens{Tokens: tf}
	a := &writeApp{e: New(Options{UseCases: uc, Tokens: flaky, Sessions: auth.NewSessions(time.Hour)}), dir: dir}
	r := a.signIn(t, "192.0.2.3", tok)
	if r.Code != 200 {
		t.Fatalf("sign in: %d", r.Code)
	}
	cookie := "rr_session=" + r.Result().Cookies()[0].Value
	flaky.down = geodata.Unreachable("the layer database (PostGIS at 127.0.0.1:1/x)", 5*time.Second, errors.New("connection refused"))

	tests := []struct {
		method, path string
		headers      []string
		want         int
	}{
		{http.MethodGet, "/api/v1/session", []string{"Cookie", cookie}, 503},
		{http.MethodGet, "/api/v1/layers/x/versions", []string{"Cookie", cookie}, 503},
		{http.MethodGet, "/api/v1/layers", []string{"Cookie", cookie}, 200},
		{http.MethodGet, "/api/v1/layers", []string{"Authorization", "Bearer " + tok}, 503},
	}
	for _, tt := range tests {
		rr := do(t, a.e, tt.method, tt.path, tt.headers...)
		if rr.Code != tt.want {
			t.Errorf("%s %s during the outage: %d, want %d: %s", tt.method, tt.path, rr.Code, tt.want, rr.Body)
		}
		if rr.Code == 503 && rr.Header().Get("Retry-After") != "5" {
			t.Errorf("%s %s: Retry-After %q", tt.method, tt.path, rr.Header().Get("Retry-After"))
		}
	}
	if r := a.signIn(t, "192.0.2.3", tok); r.Code != 503 || r.Header().Get("Retry-After") == "" {
		t.Errorf("sign-in during the outage: %d %s", r.Code, r.Body)
	}
	flaky.down = nil
	if rr := do(t, a.e, http.MethodGet, "/api/v1/session", "Cookie", cookie); rr.Code != 200 {
		t.Fatalf("the session did not survive the outage: %d %s", rr.Code, rr.Body)
	}
}

// TestAuditEndpointPages: GET /api/v1/audit pages with limit and the
// next link until the oldest entry; limits and cursors are checked.
func TestAuditEndpointPages(t *testing.T) {
	a := newWriteApp(t, UploadOptions{})
	for i := range 25 {
		if err := a.uc.Publishing.Audit(context.Background(), geodata.AuditEntry{Actor: "x", Action: "sign-in", Detail: fmt.Sprint(i)}); err != nil {
			t.Fatal(err)
		}
	}
	admin := "Bearer " + a.tokens[auth.Admin]
	var got []string
	next := "/api/v1/audit?limit=10"
	for pages := 0; next != ""; pages++ {
		if pages > 5 {
			t.Fatal("paging does not end")
		}
		r := a.send(t, http.MethodGet, next, nil, "Authorization", admin)
		if r.Code != 200 {
			t.Fatalf("%s: %d %s", next, r.Code, r.Body)
		}
		var body struct {
			Entries []geodata.AuditEntry `json:"entries"`
			Next    string               `json:"next"`
		}
		if err := json.Unmarshal(r.Body.Bytes(), &body); err != nil {
			t.Fatal(err)
		}
		for _, e := range body.Entries {
			got = append(got, e.Detail)
		}
		next = body.Next
	}
	if len(got) != 25 || got[0] != "24" || got[24] != "0" {
		t.Errorf("paged entries %v", got)
	}
	for _, q := range []string{"limit=0", "limit=1001", "limit=x", "before=nonsense"} {
		if r := a.send(t, http.MethodGet, "/api/v1/audit?"+q, nil, "Authorization", admin); r.Code != 400 {
			t.Errorf("%s: %d", q, r.Code)
		}
	}
	if r := a.send(t, http.MethodGet, "/api/v1/audit", nil, "Authorization", "Bearer "+a.tokens[auth.Editor]); r.Code != 403 {
		t.Errorf("an editor read the audit log: %d", r.Code)
	}
}

// TestAuditEndpointFilters: GET /api/v1/audit filters by actor, action,
// from and to (a day or an RFC 3339 time), keeps the filters in its next
// link, and answers 400 naming the parameter for a value it cannot read.
func TestAuditEndpointFilters(t *testing.T) {
	a := newWriteApp(t, UploadOptions{})
	for i := range 12 {
		e := geodata.AuditEntry{Actor: []string{"amina", "björn"}[i%2], Action: []string{"publish", "sign-in", "delete"}[i%3], Detail: fmt.Sprint(i)}
		if err := a.uc.Publishing.Audit(context.Background(), e); err != nil {
			t.Fatal(err)
		}
	}
	admin := "Bearer " + a.tokens[auth.Admin]
	today := time.Now().UTC().Format(time.DateOnly)
	tomorrow := time.Now().UTC().AddDate(0, 0, 1).Format(time.DateOnly)
	yesterday := time.Now().UTC().AddDate(0, 0, -1).Format(time.DateOnly)
	read := func(t *testing.T, query string) (details []string) {
		t.Helper()
		for next := "/api/v1/audit?" + query; next != ""; {
			r := a.send(t, http.MethodGet, next, nil, "Authorization", admin)
			if r.Code != 200 {
				t.Fatalf("%s: %d %s", next, r.Code, r.Body)
			}
			var page struct {
				Entries []geodata.AuditEntry `json:"entries"`
				Next    string               `json:"next"`
			}
			if err := json.Unmarshal(r.Body.Bytes(), &page); err != nil {
				t.Fatal(err)
			}
			for _, e := range page.Entries {
				if e.Action == "publish" || e.Action == "sign-in" || e.Action == "delete" {
					details = append(details, e.Detail)
				}
			}
			next = page.Next
		}
		return details
	}
	for _, c := range []struct {
		query string
		want  string
	}{
		{"actor=amina", "10 8 6 4 2 0"},
		{"actor=MIN", "10 8 6 4 2 0"},
		{"actor=bj%C3%B6", "11 9 7 5 3 1"},
		{"actor=amina&action=publish", "6 0"},
		{"action=delete&limit=1", "11 8 5 2"},
		{"actor=bj%C3%B6rn&action=sign-in&limit=1", "7 1"},
		{"from=" + today + "&actor=amina&action=publish", "6 0"},
		{"to=" + today + "&actor=amina&action=publish", "6 0"},
		{"from=" + tomorrow, ""},
		{"to=" + yesterday, ""},
		{"from=" + yesterday + "T00:00:00Z&to=" + tomorrow + "T00:00:00Z&action=publish&actor=amina", "6 0"},
		{"actor=nobody", ""},
	} {
		t.Run(c.query, func(t *testing.T) {
			got := read(t, c.query)
			if strings.Join(got, " ") != c.want {
				t.Errorf("%v, want %s", got, c.want)
			}
		})
	}
	for _, c := range []struct{ query, param string }{
		{"from=2026-13-01", "from"},
		{"from=yesterday", "from"},
		{"to=2026-02-30", "to"},
		{"to=12:00", "to"},
		{"from=2026-03-02&to=2026-03-01", "from"},
		{"from=2026-03-01T00:00:00Z&to=2026-03-01T00:00:00Z", "from"},
		{"action=Publish", "action"},
		{"action=" + strings.Repeat("a", 65), "action"},
		{"action=sign%20in", "action"},
		{"actor=%07bell", "actor"},
		{"actor=" + strings.Repeat("x", 201), "actor"},
	} {
		t.Run("bad "+c.query, func(t *testing.T) {
			r := a.send(t, http.MethodGet, "/api/v1/audit?"+c.query, nil, "Authorization", admin)
			e := errorOf(t, r)
			if r.Code != 400 || !strings.Contains(e.Message, `"`+c.param+`"`) {
				t.Errorf("%d %s", r.Code, e.Message)
			}
		})
	}
	// The next link carries the filters.
	r := a.send(t, http.MethodGet, "/api/v1/audit?actor=amina&action=publish&limit=1", nil, "Authorization", admin)
	var page struct {
		Next string `json:"next"`
	}
	if err := json.Unmarshal(r.Body.Bytes(), &page); err != nil || !strings.Contains(page.Next, "actor=amina") || !strings.Contains(page.Next, "action=publish") {
		t.Errorf("next link %q (%v)", page.Next, err)
	}
}

// TestUploadNameAndSensitivityRules: a file whose name ends in an
// extension no reader takes is refused even when its content parses and
// its format is given; an editor cannot make a restricted layer public.
func TestUploadNameAndSensitivityRules(t *testing.T) {
	a := newWriteApp(t, UploadOptions{})
	for _, fields := range [][]string{newLayerFields, append([]string{"format", "geojson"}, newLayerFields...)} {
		r := a.upload(t, http.MethodPost, "/api/v1/layers", auth.Editor, "clinics.geojson.html", []byte(twoClinics), fields...)
		e := errorOf(t, r)
		if r.Code != 400 || !strings.Contains(e.Message, `".html"`) || !strings.Contains(e.Message, ".geojson") {
			t.Errorf("clinics.geojson.html: %d %s", r.Code, e.Message)
		}
	}
	restricted := []string{"id", "clinics", "kind", "service", "title", "Clinics", "sensitivity", "restricted", "source", "MoH", "license", "CC BY 4.0"}
	if r := a.upload(t, http.MethodPost, "/api/v1/layers", auth.Editor, "clinics.geojson", []byte(twoClinics), restricted...); r.Code != 201 {
		t.Fatalf("create: %d %s", r.Code, r.Body)
	}
	r := a.upload(t, http.MethodPut, "/api/v1/layers/clinics", auth.Editor, "clinics.geojson", []byte(twoClinics), "sensitivity", "public")
	if e := errorOf(t, r); r.Code != 403 || !strings.Contains(e.Message, "only an admin") {
		t.Errorf("editor makes it public: %d %s", r.Code, e.Message)
	}
	if r := a.upload(t, http.MethodPut, "/api/v1/layers/clinics", auth.Admin, "clinics.geojson", []byte(twoClinics), "sensitivity", "public"); r.Code != 200 {
		t.Errorf("admin makes it public: %d %s", r.Code, r.Body)
	}
}
