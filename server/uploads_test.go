package server

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/routerisk/routerisk/frontend"
	"github.com/routerisk/routerisk/geodata"
	"github.com/routerisk/routerisk/geodata/formats"
	"github.com/routerisk/routerisk/internal/teststore"
	"github.com/routerisk/routerisk/server/auth"
	"github.com/routerisk/routerisk/server/cache"
	"github.com/routerisk/routerisk/server/usecases"
)

// writeApp is a test server with a file store, tokens of every role and
// browser sessions.
type writeApp struct {
	e      *echo.Echo
	dir    string
	tokens map[auth.Role]string
	embeds *auth.Embeds
	uc     *usecases.Set
	reads  *auth.ReadLog
}

func newWriteApp(t *testing.T, up UploadOptions) *writeApp {
	t.Helper()
	return newWriteAppWith(t, up, 0)
}

// newWriteAppWith is newWriteApp reading at most concurrency uploads at
// once (0: the default).
func newWriteAppWith(t *testing.T, up UploadOptions, concurrency int) *writeApp {
	t.Helper()
	dir := t.TempDir()
	st := teststore.Open(t, dir)
	tf := teststore.Tokens(t, dir)
	toks := map[auth.Role]string{}
	for _, r := range auth.Roles {
		tok, _, err := tf.Create("test "+string(r), r)
		if err != nil {
			t.Fatal(err)
		}
		toks[r] = tok
	}
	uc := usecases.New(st, cache.NewLRU(8<<20), usecases.Options{UploadConcurrency: concurrency, Basemap: frontend.Basemap()})
	if err := uc.Library.Load(context.Background()); err != nil {
		t.Fatal(err)
	}
	embeds := teststore.Embeds(t, dir)
	up.SpoolDir = filepath.Join(dir, "uploads")
	reads := auth.NewReadLog(st)
	e := New(Options{UseCases: uc, Tokens: tf, Sessions: auth.NewSessions(time.Hour), Uploads: up,
		Embeds: embeds, EmbedOrigins: []string{"https://reports.example.org"}, ReadLog: reads})
	return &writeApp{e: e, dir: dir, tokens: toks, embeds: embeds, uc: uc, reads: reads}
}

// form builds a multipart body with a file and fields.
func form(t *testing.T, fileName string, file []byte, fields ...string) (io.Reader, string) {
	t.Helper()
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	for i := 0; i+1 < len(fields); i += 2 {
		if err := w.WriteField(fields[i], fields[i+1]); err != nil {
			t.Fatal(err)
		}
	}
	if file != nil {
		fw, err := w.CreateFormFile("file", fileName)
		if err != nil {
			t.Fatal(err)
		}
		fw.Write(file)
	}
	w.Close()
	return &b, w.FormDataContentType()
}

func (a *writeApp) send(t *testing.T, method, target string, body io.Reader, headers ...string) response {
	t.Helper()
	req := httptest.NewRequest(method, target, body)
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	rec := httptest.NewRecorder()
	a.e.ServeHTTP(rec, req)
	if rec.Code >= 500 {
		t.Fatalf("%s %s answered %d: %s", method, target, rec.Code, rec.Body)
	}
	return response{rec}
}

func (a *writeApp) upload(t *testing.T, method, target string, role auth.Role, fileName string, file []byte, fields ...string) response {
	t.Helper()
	body, ct := form(t, fileName, file, fields...)
	h := []string{"Content-Type", ct}
	if role != "" {
		h = append(h, "Authorization", "Bearer "+a.tokens[role])
	}
	return a.send(t, method, target, body, h...)
}

func errorOf(t *testing.T, r response) errorBody {
	t.Helper()
	var e errorBody
	if err := json.Unmarshal(r.Body.Bytes(), &e); err != nil {
		t.Fatalf("not an error body: %s", r.Body)
	}
	return e
}

const twoClinics = `{"type":"FeatureCollection","features":[
{"type":"Feature","id":"c1","geometry":{"type":"Point","coordinates":[13.18,32.88]},"properties":{"name":"Clinic A","category":"health"}},
{"type":"Feature","id":"c2","geometry":{"type":"Point","coordinates":[10.18,36.8]},"properties":{"name":"Clinic B","category":"health"}}]}`

const threeClinicsOneBad = `{"type":"FeatureCollection","features":[
{"type":"Feature","id":"c1","geometry":{"type":"Point","coordinates":[13.18,32.88]},"properties":{"name":"Clinic A"}},
{"type":"Feature","id":"c2","geometry":{"type":"Point","coordinates":[10.18,96.8]},"properties":{"name":"Clinic B"}},
{"type":"Feature","id":"c3","geometry":{"type":"Point","coordinates":[-5.3,35.7]},"properties":{"name":"Clinic C"}}]}`

var newLayerFields = []string{"id", "clinics", "kind", "service", "title", "Clinics", "sensitivity", "public", "source", "Ministry of Health", "license", "CC BY 4.0"}

func TestUploadAuthorisation(t *testing.T) {
	a := newWriteApp(t, UploadOptions{})
	for _, tt := range []struct {
		name   string
		role   auth.Role
		header string
		status int
	}{
		{"anonymous", "", "", http.StatusUnauthorized},
		{"viewer", auth.Viewer, "", http.StatusForbidden},
		{"staff", auth.Staff, "", http.StatusForbidden},
		{"wrong token", "", "Bearer rrt_000000000000_" + strings.Repeat("A", 43), http.StatusUnauthorized},
		{"basic auth", "", "Basic dXNlcjpwYXNz", http.StatusUnauthorized},
		{"editor", auth.Editor, "", http.StatusCreated},
	} {
		t.Run(tt.name, func(t *testing.T) {
			body, ct := form(t, "clinics.geojson", []byte(twoClinics), newLayerFields...)
			h := []string{"Content-Type", ct}
			if tt.role != "" {
				h = append(h, "Authorization", "Bearer "+a.tokens[tt.role])
			}
			if tt.header != "" {
				h = append(h, "Authorization", tt.header)
			}
			r := a.send(t, http.MethodPost, "/api/v1/layers", body, h...)
			if r.Code != tt.status {
				t.Fatalf("status %d, want %d: %s", r.Code, tt.status, r.Body)
			}
			if r.Code == http.StatusUnauthorized && r.Header().Get("WWW-Authenticate") == "" {
				t.Error("401 without WWW-Authenticate")
			}
		})
	}
	// A wrong token is refused on reads too, rather than silently ignored.
	if r := a.send(t, http.MethodGet, "/api/v1/layers", nil, "Authorization", "Bearer nope"); r.Code != http.StatusUnauthorized {
		t.Errorf("GET with a wrong token: %d", r.Code)
	}
	if r := a.send(t, http.MethodGet, "/api/v1/audit", nil, "Authorization", "Bearer "+a.tokens[auth.Editor]); r.Code != http.StatusForbidden {
		t.Errorf("audit as editor: %d, want 403", r.Code)
	}
}

func TestUploadPublishReplaceRestoreDelete(t *testing.T) {
	a := newWriteApp(t, UploadOptions{})
	r := a.upload(t, http.MethodPost, "/api/v1/layers", auth.Editor, "clinics.geojson", []byte(twoClinics), newLayerFields...)
	if r.Code != http.StatusCreated {
		t.Fatalf("create: %d %s", r.Code, r.Body)
	}
	var created layerWriteResponse
	json.Unmarshal(r.Body.Bytes(), &created)
	if created.Layer.Version != 1 || created.Layer.FeatureCount != 2 || created.Report.Accepted != 2 || created.Layer.Sources[0].License != "CC BY 4.0" {
		t.Fatalf("created %+v", created)
	}
	if !strings.Contains(created.Layer.UpdatedBy, "test editor") {
		t.Errorf("updated_by %q does not name the token's owner", created.Layer.UpdatedBy)
	}
	// The same id again is a conflict.
	if r := a.upload(t, http.MethodPost, "/api/v1/layers", auth.Editor, "clinics.geojson", []byte(twoClinics), newLayerFields...); r.Code != http.StatusConflict {
		t.Fatalf("second create: %d", r.Code)
	}

	// Read, so the answer is cached; then replace: the next read is new.
	if c := do(t, a.e, http.MethodGet, "/api/v1/layers/clinics/features").collection(t); c.NumberMatched != 2 {
		t.Fatalf("v1 features: %d", c.NumberMatched)
	}
	r = a.upload(t, http.MethodPut, "/api/v1/layers/clinics", auth.Editor, "fixed.geojson", []byte(strings.Replace(threeClinicsOneBad, "96.8", "36.8", 1)))
	if r.Code != http.StatusOK {
		t.Fatalf("replace: %d %s", r.Code, r.Body)
	}
	if c := do(t, a.e, http.MethodGet, "/api/v1/layers/clinics/features").collection(t); c.NumberMatched != 3 {
		t.Fatalf("after replace the features endpoint still answers %d features", c.NumberMatched)
	}

	// A file with a bad feature: nothing stored by default, stored without it on request.
	r = a.upload(t, http.MethodPut, "/api/v1/layers/clinics", auth.Editor, "bad.geojson", []byte(threeClinicsOneBad))
	if r.Code != http.StatusUnprocessableEntity {
		t.Fatalf("bad feature, default on_error: %d %s", r.Code, r.Body)
	}
	e := errorOf(t, r)
	rep, _ := json.Marshal(e.Details["report"])
	if !strings.Contains(string(rep), `"feature":2`) || !strings.Contains(string(rep), "coordinates_out_of_range") || !strings.Contains(e.Message, "on_error=skip") {
		t.Fatalf("422 body does not name the feature and the way out: %s", r.Body)
	}
	if m := layerMeta(t, a, "clinics"); m.Version != 2 {
		t.Fatalf("a rejected upload changed the version to %d", m.Version)
	}
	r = a.upload(t, http.MethodPut, "/api/v1/layers/clinics", auth.Editor, "bad.geojson", []byte(threeClinicsOneBad), "on_error", "skip")
	var skipped layerWriteResponse
	json.Unmarshal(r.Body.Bytes(), &skipped)
	if r.Code != http.StatusOK || skipped.Layer.Version != 3 || skipped.Report.Rejected != 1 || skipped.Layer.FeatureCount != 2 {
		t.Fatalf("on_error=skip: %d %s", r.Code, r.Body)
	}

	// Versions, restore, delete, restore again.
	editor := []string{"Authorization", "Bearer " + a.tokens[auth.Editor]}
	r = a.send(t, http.MethodGet, "/api/v1/layers/clinics/versions", nil, editor...)
	var vs struct {
		Versions []geodata.Meta
		Current  int
	}
	json.Unmarshal(r.Body.Bytes(), &vs)
	if r.Code != 200 || len(vs.Versions) != 3 || vs.Current != 3 || vs.Versions[0].Version != 3 {
		t.Fatalf("versions: %d %s", r.Code, r.Body)
	}
	var rep3 geodata.Report
	r = a.send(t, http.MethodGet, "/api/v1/layers/clinics/versions/3/report", nil, editor...)
	if json.Unmarshal(r.Body.Bytes(), &rep3); r.Code != 200 || rep3.Read != 3 || rep3.Rejected != 1 || len(rep3.Issues) == 0 {
		t.Fatalf("report of version 3: %d %s", r.Code, r.Body)
	}
	if r := a.send(t, http.MethodGet, "/api/v1/layers/clinics/versions/9/report", nil, editor...); r.Code != 404 {
		t.Fatalf("report of a missing version: %d", r.Code)
	}
	r = a.send(t, http.MethodPost, "/api/v1/layers/clinics/versions/2/restore", nil, editor...)
	if r.Code != 200 || layerMeta(t, a, "clinics").Version != 4 || layerMeta(t, a, "clinics").FeatureCount != 3 {
		t.Fatalf("restore: %d %s", r.Code, r.Body)
	}
	if r := a.send(t, http.MethodPost, "/api/v1/layers/clinics/versions/x/restore", nil, editor...); r.Code != 400 {
		t.Fatalf("restore of version x: %d", r.Code)
	}
	if r := a.send(t, http.MethodDelete, "/api/v1/layers/clinics", nil, editor...); r.Code != http.StatusNoContent {
		t.Fatalf("delete: %d %s", r.Code, r.Body)
	}
	if r := do(t, a.e, http.MethodGet, "/api/v1/layers/clinics/features"); r.Code != 404 {
		t.Fatalf("features of a deleted layer: %d", r.Code)
	}
	if r := a.send(t, http.MethodPost, "/api/v1/layers/clinics/versions/1/restore", nil, editor...); r.Code != 200 {
		t.Fatalf("restore after delete: %d %s", r.Code, r.Body)
	}
	if c := do(t, a.e, http.MethodGet, "/api/v1/layers/clinics/features").collection(t); c.NumberMatched != 2 {
		t.Fatalf("restored v1 content: %d features", c.NumberMatched)
	}

	// The audit log tells the story without coordinates or values.
	r = a.send(t, http.MethodGet, "/api/v1/audit", nil, "Authorization", "Bearer "+a.tokens[auth.Admin])
	if r.Code != 200 {
		t.Fatalf("audit: %d", r.Code)
	}
	var audit struct{ Entries []geodata.AuditEntry }
	json.Unmarshal(r.Body.Bytes(), &audit)
	var actions []string
	for _, e := range audit.Entries {
		actions = append(actions, e.Action+":"+e.Outcome)
		if e.RequestID == "" || !strings.Contains(e.Actor, "test editor") {
			t.Errorf("audit entry without request id or actor: %+v", e)
		}
	}
	want := "restore:ok,delete:ok,restore:ok,publish:ok,upload:rejected,publish:ok,upload:rejected,publish:ok"
	if got := strings.Join(actions, ","); got != want {
		t.Errorf("audit = %s\nwant   %s", got, want)
	}
	if strings.Contains(r.Body.String(), "Clinic A") || strings.Contains(r.Body.String(), "13.18") {
		t.Error("the audit log holds property values or coordinates")
	}
}

func layerMeta(t *testing.T, a *writeApp, id string) geodata.Meta {
	t.Helper()
	var m geodata.Meta
	r := do(t, a.e, http.MethodGet, "/api/v1/layers/"+id)
	if err := json.Unmarshal(r.body(t), &m); err != nil {
		t.Fatalf("layer %s: %d %s", id, r.Code, r.Body)
	}
	return m
}

func TestUploadBadRequests(t *testing.T) {
	a := newWriteApp(t, UploadOptions{MaxBytes: 64 << 10, Limits: formats.Limits{MaxFeatures: 50}})
	big := `{"type":"FeatureCollection","features":[` + strings.Repeat(`{"type":"Feature","geometry":{"type":"Point","coordinates":[1,2]},"properties":{}},`, 60) + `{"type":"Feature","geometry":{"type":"Point","coordinates":[1,2]},"properties":{}}]}`
	tests := []struct {
		name, file string
		content    []byte
		fields     []string
		status     int
		has        string
	}{
		{"no file", "", nil, newLayerFields, 400, `part named "file"`},
		{"empty file", "x.geojson", []byte{}, newLayerFields, 400, "empty"},
		{"over the size limit", "x.geojson", bytes.Repeat([]byte(" "), 70<<10), newLayerFields, 413, "upload_max_bytes"},
		{"over the feature limit", "x.geojson", []byte(big), newLayerFields, 413, "max_features"},
		{"unknown format", "notes.docx", []byte("PK\x01\x02 not a zip"), newLayerFields, 400, ""},
		{"binary garbage", "x", []byte{0, 1, 2, 3, 0xff, 0xfe}, newLayerFields, 400, "cannot tell the format"},
		{"unknown extension", "x.bin", []byte{0, 1, 2, 3, 0xff, 0xfe}, newLayerFields, 400, "not a format RouteRisk reads"},
		{"not JSON", "x.geojson", []byte(`{"type": Feature`), newLayerFields, 400, "not valid JSON"},
		{"bad id", "x.geojson", []byte(twoClinics), []string{"id", "../etc", "kind", "service", "title", "T", "source", "s", "license", "l"}, 400, "layer id"},
		{"reserved id", "x.geojson", []byte(twoClinics), []string{"id", "risk-segments", "kind", "service", "title", "T", "source", "s", "license", "l"}, 409, "reserved"},
		{"bad kind", "x.geojson", []byte(twoClinics), []string{"id", "x", "kind", "secret", "title", "T", "source", "s", "license", "l"}, 400, "kind"},
		{"no licence", "x.geojson", []byte(twoClinics), []string{"id", "x", "kind", "service", "title", "T"}, 400, "license"},
		{"bad on_error", "x.geojson", []byte(twoClinics), append([]string{"on_error", "maybe"}, newLayerFields...), 400, "on_error"},
		{"lines in a service layer", "x.geojson", []byte(`{"type":"LineString","coordinates":[[0,0],[1,1]]}`), newLayerFields, 422, "not allowed in a service layer"},
		{"hostile name", "<img src=x onerror=alert(1)>.geojson", []byte(`{"type":"Feature","geometry":{"type":"Point","coordinates":[1,NaN]}}`), newLayerFields, 400, "NaN"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := a.upload(t, http.MethodPost, "/api/v1/layers", auth.Editor, tt.file, tt.content, tt.fields...)
			if r.Code != tt.status {
				t.Fatalf("status %d, want %d: %s", r.Code, tt.status, r.Body)
			}
			if e := errorOf(t, r); !strings.Contains(e.Message, tt.has) {
				t.Errorf("message %q lacks %q", e.Message, tt.has)
			}
		})
	}
	if r := a.send(t, http.MethodPost, "/api/v1/layers", strings.NewReader(twoClinics), "Content-Type", "application/json", "Authorization", "Bearer "+a.tokens[auth.Editor]); r.Code != 400 || !strings.Contains(r.Body.String(), "multipart/form-data") {
		t.Errorf("JSON body: %d %s", r.Code, r.Body)
	}
	if ls, _ := os.ReadDir(filepath.Join(a.dir, "layers")); len(ls) != 0 {
		t.Errorf("rejected uploads left %d layer folders", len(ls))
	}
	if sp, _ := os.ReadDir(filepath.Join(a.dir, "uploads")); len(sp) != 0 {
		t.Errorf("rejected uploads left %d spooled files", len(sp))
	}
}

func TestValidateUpload(t *testing.T) {
	a := newWriteApp(t, UploadOptions{})
	r := a.upload(t, http.MethodPost, "/api/v1/uploads/validate", auth.Editor, "clinics.geojson", []byte(threeClinicsOneBad), "kind", "service")
	if r.Code != 200 {
		t.Fatalf("validate: %d %s", r.Code, r.Body)
	}
	var v struct {
		Format  string
		Kind    string
		Report  geodata.Report
		Preview struct{ Features []json.RawMessage }
		BBox    []float64
		Fields  []string
	}
	if err := json.Unmarshal(r.Body.Bytes(), &v); err != nil {
		t.Fatal(err)
	}
	if v.Format != "geojson" || v.Kind != "service" || v.Report.Read != 3 || v.Report.Rejected != 1 || len(v.Preview.Features) != 2 || len(v.BBox) != 4 || len(v.Fields) == 0 {
		t.Fatalf("validation answer %s", r.Body)
	}
	if ls, _ := os.ReadDir(filepath.Join(a.dir, "layers")); len(ls) != 0 {
		t.Error("validation stored something")
	}
}

func TestSessionSignInCSRFSignOut(t *testing.T) {
	a := newWriteApp(t, UploadOptions{})
	if r := a.send(t, http.MethodPost, "/api/v1/session", strings.NewReader(`{"token":"rrt_wrong"}`), "Content-Type", "application/json"); r.Code != 401 {
		t.Fatalf("sign in with a wrong token: %d", r.Code)
	}
	r := a.send(t, http.MethodPost, "/api/v1/session", strings.NewReader(fmt.Sprintf(`{"token":%q}`, a.tokens[auth.Editor])), "Content-Type", "application/json")
	if r.Code != 200 {
		t.Fatalf("sign in: %d %s", r.Code, r.Body)
	}
	var s sessionJSON
	json.Unmarshal(r.Body.Bytes(), &s)
	ck := r.Result().Cookies()
	if len(ck) != 1 || !ck[0].HttpOnly || ck[0].SameSite != http.SameSiteStrictMode || ck[0].Expires.IsZero() || ck[0].Secure {
		t.Fatalf("cookie %+v; want HttpOnly, SameSite=Strict, an expiry, not Secure over plain HTTP", ck)
	}
	if s.Role != auth.Editor || s.Name != "test editor" || s.CSRFToken == "" || strings.Contains(r.Body.String(), a.tokens[auth.Editor]) {
		t.Fatalf("session answer %s", r.Body)
	}
	cookie := "rr_session=" + ck[0].Value
	if r := a.send(t, http.MethodGet, "/api/v1/session", nil, "Cookie", cookie); r.Code != 200 || !strings.Contains(r.Body.String(), `"role":"editor"`) || !strings.Contains(r.Body.String(), `"signed_in":true`) {
		t.Fatalf("GET session: %d %s", r.Code, r.Body)
	}
	// Without a cookie the answer is "not signed in", not an error: anonymous pages ask on every load.
	if r := a.send(t, http.MethodGet, "/api/v1/session", nil); r.Code != 200 || strings.TrimSpace(r.Body.String()) != `{"signed_in":false}` || r.Header().Get("Cache-Control") != "no-store" {
		t.Fatalf("anonymous GET session: %d %s", r.Code, r.Body)
	}

	body, ct := form(t, "c.geojson", []byte(twoClinics), newLayerFields...)
	if r := a.send(t, http.MethodPost, "/api/v1/layers", body, "Content-Type", ct, "Cookie", cookie); r.Code != 403 || !strings.Contains(r.Body.String(), "X-CSRF-Token") {
		t.Fatalf("cookie write without CSRF token: %d %s", r.Code, r.Body)
	}
	body, ct = form(t, "c.geojson", []byte(twoClinics), newLayerFields...)
	if r := a.send(t, http.MethodPost, "/api/v1/layers", body, "Content-Type", ct, "Cookie", cookie, "X-CSRF-Token", "forged"); r.Code != 403 {
		t.Fatalf("cookie write with a forged CSRF token: %d", r.Code)
	}
	body, ct = form(t, "c.geojson", []byte(twoClinics), newLayerFields...)
	if r := a.send(t, http.MethodPost, "/api/v1/layers", body, "Content-Type", ct, "Cookie", cookie, "X-CSRF-Token", s.CSRFToken); r.Code != 201 {
		t.Fatalf("cookie write with the CSRF token: %d %s", r.Code, r.Body)
	}

	if r := a.send(t, http.MethodDelete, "/api/v1/session", nil, "Cookie", cookie); r.Code != 403 {
		t.Fatalf("sign out without CSRF token: %d", r.Code)
	}
	r = a.send(t, http.MethodDelete, "/api/v1/session", nil, "Cookie", cookie, "X-CSRF-Token", s.CSRFToken)
	if r.Code != 204 || len(r.Result().Cookies()) != 1 || r.Result().Cookies()[0].MaxAge >= 0 {
		t.Fatalf("sign out: %d %v", r.Code, r.Result().Cookies())
	}
	if r := a.send(t, http.MethodGet, "/api/v1/session", nil, "Cookie", cookie); r.Code != 200 || strings.TrimSpace(r.Body.String()) != `{"signed_in":false}` {
		t.Fatalf("the session still works after sign-out: %d %s", r.Code, r.Body)
	}
}

func TestDownload(t *testing.T) {
	a := newWriteApp(t, UploadOptions{})
	hostile := `{"type":"FeatureCollection","features":[{"type":"Feature","id":"h1","geometry":{"type":"Point","coordinates":[1,2]},"properties":{"name":"=HYPERLINK(\"http://x\")","note":"<b>x</b>"}}]}`
	if r := a.upload(t, http.MethodPost, "/api/v1/layers", auth.Editor, "h.geojson", []byte(hostile), newLayerFields...); r.Code != 201 {
		t.Fatalf("create: %d %s", r.Code, r.Body)
	}
	restricted := append([]string{}, newLayerFields...)
	restricted[1], restricted[7] = "secret-clinics", "restricted"
	if r := a.upload(t, http.MethodPost, "/api/v1/layers", auth.Editor, "h.geojson", []byte(twoClinics), restricted...); r.Code != 201 {
		t.Fatalf("create restricted: %d %s", r.Code, r.Body)
	}
	r := do(t, a.e, http.MethodGet, "/api/v1/layers/clinics/download?format=csv")
	if r.Code != 200 || !strings.Contains(r.Body.String(), `'=HYPERLINK`) || !strings.Contains(r.Header().Get("Content-Disposition"), "clinics-v1.csv") {
		t.Fatalf("csv download: %d %q %s", r.Code, r.Header().Get("Content-Disposition"), r.Body)
	}
	r = do(t, a.e, http.MethodGet, "/api/v1/layers/clinics/download?format=kml")
	if r.Code != 200 || strings.Contains(r.Body.String(), "<b>") || !strings.Contains(r.Body.String(), "<coordinates>1,2</coordinates>") {
		t.Fatalf("kml download: %d %s", r.Code, r.Body)
	}
	r = do(t, a.e, http.MethodGet, "/api/v1/layers/clinics/download")
	if d, err := formats.ReadGeoJSON(bytes.NewReader(r.Body.Bytes()), formats.Options{}); r.Code != 200 || err != nil || d.Report.Accepted != 1 {
		t.Fatalf("geojson download: %d %v %s", r.Code, err, r.Body)
	}
	if r := do(t, a.e, http.MethodGet, "/api/v1/layers/clinics/download?format=xlsx"); r.Code != 400 {
		t.Fatalf("xlsx: %d", r.Code)
	}
	if r := do(t, a.e, http.MethodGet, "/api/v1/layers/secret-clinics/download"); r.Code != 401 {
		t.Fatalf("anonymous download of a restricted layer: %d", r.Code)
	}
	if r := do(t, a.e, http.MethodGet, "/api/v1/layers/secret-clinics/download", "Authorization", "Bearer "+a.tokens[auth.Partner]); r.Code != 403 {
		t.Fatalf("partner download of a restricted layer: %d", r.Code)
	}
	if r := do(t, a.e, http.MethodGet, "/api/v1/layers/secret-clinics/download", "Authorization", "Bearer "+a.tokens[auth.Staff]); r.Code != 200 {
		t.Fatalf("staff download of a restricted layer: %d", r.Code)
	}
}

// TestUploadConcurrencyLimit holds one upload open (its body still
// arriving) and checks that a second one is answered 429.
func TestUploadConcurrencyLimit(t *testing.T) {
	a := newWriteAppWith(t, UploadOptions{}, 1)
	srv := httptest.NewServer(a.e)
	defer srv.Close()
	// This server's own client: the shared default one may hold an idle
	// connection to an earlier test's server on the same port, which a
	// request whose body is a pipe cannot be retried from.
	client := srv.Client()
	pr, pw := io.Pipe()
	mw := multipart.NewWriter(pw)
	first := make(chan int, 1)
	go func() {
		req, _ := http.NewRequest(http.MethodPost, srv.URL+"/api/v1/uploads/validate", pr)
		req.Header.Set("Content-Type", mw.FormDataContentType())
		req.Header.Set("Authorization", "Bearer "+a.tokens[auth.Editor])
		resp, err := client.Do(req)
		if err != nil {
			first <- 0
			return
		}
		resp.Body.Close()
		first <- resp.StatusCode
	}()
	fw, _ := mw.CreateFormFile("file", "slow.geojson")
	// Enough of the body that the client's buffers must flush it, headers
	// first, to the server: the handler then holds the slot, reading.
	fw.Write([]byte(`{"type":"FeatureCollection","features":[` + strings.Repeat(" ", 64<<10)))
	// The first upload takes the slot once its request reaches the
	// handler: on a loaded machine that can take a while, so wait for it.
	for deadline := time.Now().Add(90 * time.Second); a.uc.Publishing.UploadsReading() == 0; {
		select {
		case s := <-first:
			t.Fatalf("the first upload ended (status %d, 0 for a transport error) before it took the slot", s)
		default:
		}
		if time.Now().After(deadline) {
			t.Fatal("the first upload did not reach the handler in 90 s")
		}
		time.Sleep(10 * time.Millisecond)
	}
	body, ct := form(t, "c.geojson", []byte(twoClinics), "kind", "service")
	req, _ := http.NewRequest(http.MethodPost, srv.URL+"/api/v1/uploads/validate", body)
	req.Header.Set("Content-Type", ct)
	req.Header.Set("Authorization", "Bearer "+a.tokens[auth.Editor])
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	fw.Write([]byte(`]}`))
	mw.Close()
	pw.Close()
	if resp.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("second upload answered %d, want 429: %s", resp.StatusCode, b)
	}
	if !strings.Contains(string(b), "upload_concurrency") {
		t.Errorf("429 body does not name the limit: %s", b)
	}
	if s := <-first; s != 200 {
		t.Fatalf("the first upload answered %d", s)
	}
	// The slot is given back: a third upload is read.
	if r := a.upload(t, http.MethodPost, "/api/v1/uploads/validate", auth.Editor, "c.geojson", []byte(twoClinics), "kind", "service"); r.Code != 200 {
		t.Fatalf("an upload after the first ended answered %d: %s", r.Code, r.Body)
	}
}

// TestRevokedTokenEndsItsSessions: a session lasts only as long as the
// token it was opened with.
func TestRevokedTokenEndsItsSessions(t *testing.T) {
	a := newWriteApp(t, UploadOptions{})
	r := a.send(t, http.MethodPost, "/api/v1/session", strings.NewReader(fmt.Sprintf(`{"token":%q}`, a.tokens[auth.Editor])), "Content-Type", "application/json")
	if r.Code != 200 {
		t.Fatalf("sign in: %d", r.Code)
	}
	cookie := "rr_session=" + r.Result().Cookies()[0].Value
	if r := a.send(t, http.MethodGet, "/api/v1/session", nil, "Cookie", cookie); r.Code != 200 {
		t.Fatalf("session: %d", r.Code)
	}
	tf := teststore.Tokens(t, a.dir) // another handle, as `routerisk token revoke` would open
	id := strings.Split(a.tokens[auth.Editor], "_")[1]
	if err := tf.Revoke(id); err != nil {
		t.Fatal(err)
	}
	if r := a.send(t, http.MethodGet, "/api/v1/session", nil, "Cookie", cookie); r.Code != 200 || strings.TrimSpace(r.Body.String()) != `{"signed_in":false}` {
		t.Fatalf("session of a revoked token: %d %s", r.Code, r.Body)
	}
}

// TestPurgeNeedsAnAdminAndAnAge: the retention purge is an admin's, takes
// an age of at least a day, and keeps every current version.
func TestPurgeNeedsAnAdminAndAnAge(t *testing.T) {
	a := newWriteApp(t, UploadOptions{})
	for role, want := range map[auth.Role]int{auth.Editor: http.StatusForbidden, auth.Admin: http.StatusOK} {
		r := a.send(t, http.MethodPost, "/api/v1/purge?older_than=8760h", nil, "Authorization", "Bearer "+a.tokens[role])
		if r.Code != want {
			t.Errorf("%s: %d %s, want %d", role, r.Code, r.Body, want)
		}
	}
	for _, age := range []string{"", "1h", "a+year"} {
		r := a.send(t, http.MethodPost, "/api/v1/purge?older_than="+age, nil, "Authorization", "Bearer "+a.tokens[auth.Admin])
		if r.Code != http.StatusBadRequest || !strings.Contains(r.Body.String(), "older_than") {
			t.Errorf("older_than=%q: %d %s", age, r.Code, r.Body)
		}
	}
}
