package server

import (
	"bytes"
	"encoding/json"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"testing"

	"github.com/routerisk/routerisk/geodata"
	"github.com/routerisk/routerisk/server/auth"
)

// TestHitsAnswerAsTheChainDoes: a repeated feature page, answered from
// the cache ahead of the middleware chain, has exactly the headers and
// bytes the chain gives the same hit, for every kind of caller, and
// keeps the tiers apart.
func TestHitsAnswerAsTheChainDoes(t *testing.T) {
	a := newPrivacyApp(t)
	signIn := a.signIn(t, "192.0.2.20", a.tokens[auth.Staff])
	var cookie string
	for _, c := range signIn.Result().Cookies() {
		if c.Name == sessionCookie {
			cookie = c.Name + "=" + c.Value
		}
	}
	if cookie == "" {
		t.Fatalf("no session cookie: %d %s", signIn.Code, signIn.Body)
	}
	callers := []struct {
		name    string
		headers []string
		tier    string
	}{
		{"anonymous", nil, "public"},
		{"viewer token", []string{"Authorization", "Bearer " + a.tokens[auth.Viewer]}, "public"},
		{"partner token", []string{"Authorization", "Bearer " + a.tokens[auth.Partner]}, "partner"},
		{"staff token", []string{"Authorization", "Bearer " + a.tokens[auth.Staff]}, "staff"},
		{"staff session", []string{"Cookie", cookie}, "staff"},
		{"unrelated cookie", []string{"Cookie", "theme=dark"}, "public"},
	}
	paths := []string{
		"/api/v1/layers/incidents/features?bbox=10,30,25,40&limit=50",
		"/api/v1/layers/routes/features?properties=name&precision=4",
	}
	for _, path := range paths {
		for _, c := range callers {
			t.Run(c.name+" "+path, func(t *testing.T) {
				h := append([]string{"Accept-Encoding", "gzip"}, c.headers...)
				first := a.send(t, http.MethodGet, path, nil, h...)
				hit := a.send(t, http.MethodGet, path, nil, h...)
				// A conditional request that does not match goes down the chain.
				chain := a.send(t, http.MethodGet, path, nil, append(h, "If-None-Match", `"other"`)...)
				if first.Code != 200 || hit.Code != 200 || chain.Code != 200 {
					t.Fatalf("codes %d %d %d: %s", first.Code, hit.Code, chain.Code, hit.Body)
				}
				// The first is a miss unless a caller of the same tier came before.
				if x := []string{hit.Header().Get("X-Cache"), chain.Header().Get("X-Cache")}; !slices.Equal(x, []string{"HIT", "HIT"}) {
					t.Fatalf("X-Cache %v after %s", x, first.Header().Get("X-Cache"))
				}
				if got := hit.Header().Get("X-Privacy-Tier"); got != c.tier {
					t.Errorf("tier %q, want %q", got, c.tier)
				}
				if !bytes.Equal(hit.Body.Bytes(), first.Body.Bytes()) || !bytes.Equal(hit.Body.Bytes(), chain.Body.Bytes()) {
					t.Error("a hit's bytes differ from the computed ones")
				}
				want, got := chain.Header().Clone(), hit.Header().Clone()
				for _, hd := range []http.Header{want, got} {
					if !regexp.MustCompile(`^[0-9a-f]{32}$`).MatchString(hd.Get("X-Request-Id")) {
						t.Errorf("X-Request-Id %q", hd.Get("X-Request-Id"))
					}
					hd.Del("X-Request-Id")
				}
				if !equalHeaders(want, got) {
					t.Errorf("headers of a hit\n%v\nof the same hit through the chain\n%v", got, want)
				}
				if n, err := strconv.Atoi(hit.Header().Get("Content-Length")); err != nil || n != hit.Body.Len() {
					t.Errorf("Content-Length %q for %d bytes", hit.Header().Get("Content-Length"), hit.Body.Len())
				}
			})
		}
	}

	// Each tier has its own entry: the public cells never answer staff.
	staff := a.send(t, http.MethodGet, paths[0], nil, "Accept-Encoding", "gzip", "Authorization", "Bearer "+a.tokens[auth.Staff])
	anon := a.send(t, http.MethodGet, paths[0], nil, "Accept-Encoding", "gzip")
	if bytes.Equal(staff.Body.Bytes(), anon.Body.Bytes()) || staff.Header().Get("ETag") == anon.Header().Get("ETag") {
		t.Error("staff and anonymous callers were given the same answer")
	}
}

// TestHitsLeaveTheRestToTheChain: what a hit cannot answer alone is
// answered by the chain as before: a bad token (401, counted by the
// guard once), a revoked session, a client without gzip, HEAD, a
// matching ETag (304), a cross-origin request (CORS headers).
func TestHitsLeaveTheRestToTheChain(t *testing.T) {
	a := newPrivacyApp(t)
	path := "/api/v1/layers/routes/features?properties=name"
	first := a.send(t, http.MethodGet, path, nil, "Accept-Encoding", "gzip")
	etag := first.Header().Get("ETag")

	bad := a.send(t, http.MethodGet, path, nil, "Accept-Encoding", "gzip", "Authorization", "Bearer rrt_000000000000_"+string(bytes.Repeat([]byte("A"), 43)))
	if bad.Code != http.StatusUnauthorized || bad.Header().Get("WWW-Authenticate") == "" {
		t.Errorf("a bad token on a cached page: %d %v", bad.Code, bad.Header())
	}
	plain := a.send(t, http.MethodGet, path, nil)
	if plain.Code != 200 || plain.Header().Get("Content-Encoding") != "" || !json.Valid(plain.Body.Bytes()) {
		t.Errorf("without gzip: %d %q", plain.Code, plain.Header().Get("Content-Encoding"))
	}
	head := a.send(t, http.MethodHead, path, nil, "Accept-Encoding", "gzip")
	if head.Code != 200 || head.Body.Len() != 0 || head.Header().Get("X-Cache") != "HIT" || head.Header().Get("Content-Length") != first.Header().Get("Content-Length") {
		t.Errorf("HEAD: %d, %d bytes, %v", head.Code, head.Body.Len(), head.Header())
	}
	if r := a.send(t, http.MethodGet, path, nil, "Accept-Encoding", "gzip", "If-None-Match", etag); r.Code != http.StatusNotModified {
		t.Errorf("matching ETag: %d", r.Code)
	}
	cors := a.send(t, http.MethodGet, path, nil, "Accept-Encoding", "gzip", "Origin", "https://gis.example.org")
	if cors.Code != 200 || cors.Header().Get("Access-Control-Allow-Origin") != "*" || cors.Header().Get("X-Cache") != "HIT" {
		t.Errorf("cross-origin: %d %v", cors.Code, cors.Header())
	}
}

// TestHitsAreAuditedAndCounted: staff hits on a restricted layer reach
// the read audit, and every hit the request and cache metrics.
func TestHitsAreAuditedAndCounted(t *testing.T) {
	a := newPrivacyApp(t)
	staff := "Bearer " + a.tokens[auth.Staff]
	path := "/api/v1/layers/incidents/features?limit=10"
	for range 4 {
		if r := a.send(t, http.MethodGet, path, nil, "Accept-Encoding", "gzip", "Authorization", staff); r.Code != 200 {
			t.Fatalf("%d %s", r.Code, r.Body)
		}
	}
	a.reads.Flush()
	r := a.send(t, http.MethodGet, "/api/v1/audit?limit=100", nil, "Authorization", "Bearer "+a.tokens[auth.Admin])
	var page struct {
		Entries []geodata.AuditEntry `json:"entries"`
	}
	if err := json.Unmarshal(r.Body.Bytes(), &page); err != nil {
		t.Fatal(err)
	}
	reads := 0
	for _, e := range page.Entries {
		if e.Action == "read" && e.Layer == "incidents" {
			reads += e.Count
		}
	}
	if reads != 4 {
		t.Errorf("audited %d reads of 4 (1 computed, 3 hits)", reads)
	}
	m := a.send(t, http.MethodGet, "/metrics", nil).Body.String()
	for _, want := range []string{
		`routerisk_cache_results_total{result="HIT"} 3`,
		`routerisk_http_requests_total{method="GET",route="/api/v1/layers/:id/features",status="200"} 4`,
		`routerisk_http_request_duration_seconds_count{route="/api/v1/layers/:id/features"} 4`,
	} {
		if !bytes.Contains([]byte(m), []byte(want)) {
			t.Errorf("metrics lack %s", want)
		}
	}
}

// equalHeaders compares two headers, the values of each name in order.
func equalHeaders(a, b http.Header) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if !slices.Equal(v, b[k]) {
			return false
		}
	}
	return true
}
