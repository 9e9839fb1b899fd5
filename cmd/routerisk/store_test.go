package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"github.com/routerisk/routerisk/geodata"
	"github.com/routerisk/routerisk/geodata/sample"
	"github.com/routerisk/routerisk/internal/testpostgis"
	"github.com/routerisk/routerisk/internal/teststore"
	"github.com/routerisk/routerisk/server/auth"
	"github.com/routerisk/routerisk/server/store"
)

// newPostGISDatabase creates an empty database on the test server,
// dropped when the test ends, and returns its URL.
func newPostGISDatabase(t *testing.T) string {
	t.Helper()
	return testpostgis.NewDatabase(t, "rr_cmd")
}

func TestLoadConfigStore(t *testing.T) {
	for _, c := range []struct {
		name  string
		args  []string
		env   []string
		want  string
		error string
	}{
		{name: "default: the file store", want: ""},
		{name: "from the environment", env: []string{"ROUTERISK_STORE", "postgres://rr@db:5432/routerisk"}, want: "postgres://rr@db:5432/routerisk"},
		{name: "the flag wins", args: []string{"--store", "postgresql://rr@db2/rr?sslmode=disable&pool_max_conns=8"},
			env: []string{"ROUTERISK_STORE", "postgres://rr@db:5432/routerisk"}, want: "postgresql://rr@db2/rr?sslmode=disable&pool_max_conns=8"},
		{name: "a socket folder", args: []string{"--store", "postgres:///routerisk?host=/var/run/postgresql"}, want: "postgres:///routerisk?host=/var/run/postgresql"},
		{name: "not postgres", args: []string{"--store", "mysql://rr:secret@db/rr"}, error: "--store"},
		{name: "a folder is --data-dir", args: []string{"--store", "./data"}, error: "--store"},
		{name: "no database", args: []string{"--store", "postgres://rr:secret@db:5432/"}, error: "--store"},
	} {
		t.Run(c.name, func(t *testing.T) {
			cfg, err := LoadConfig(c.args, env(c.env...), &bytes.Buffer{})
			if c.error != "" {
				if err == nil || !strings.Contains(err.Error(), c.error) {
					t.Fatalf("err = %v, want one naming %s", err, c.error)
				}
				if strings.Contains(err.Error(), "secret") {
					t.Fatalf("the password leaked: %v", err)
				}
				return
			}
			if err != nil || cfg.Store != c.want {
				t.Fatalf("Store = %q, %v; want %q", cfg.Store, err, c.want)
			}
		})
	}
}

// fileStoreWithHistory makes a file store holding what the import must
// carry over: a layer with three versions (the last a restore), a deleted
// layer, and audit entries that are not writes.
func fileStoreWithHistory(t *testing.T) (string, *store.Files) {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	fs, err := store.OpenFiles(dir)
	if err != nil {
		t.Fatal(err)
	}
	clinics := func(n int) *geodata.Layer {
		l := &geodata.Layer{Meta: geodata.Meta{ID: "clinics", Kind: geodata.KindService, Title: "Clinics", Sensitivity: geodata.Public,
			Sources: []geodata.Source{{Name: "MoH", License: "CC BY 4.0", Attribution: "© MoH"}}}}
		for i := range n {
			f := geojson.NewFeature(orb.Point{10 + float64(i)*0.125, 35.5})
			f.ID = fmt.Sprintf("c%d", i)
			f.Properties = geojson.Properties{"name": "Clinic é", "beds": float64(i), "open": i%2 == 0}
			l.Features = append(l.Features, f)
		}
		return l
	}
	by := geodata.AuditEntry{Actor: "amina", RequestID: "r1", Format: "csv", Bytes: 99}
	for _, n := range []int{2, 3} {
		if _, err := fs.Publish(ctx, clinics(n), geodata.Report{Read: n + 1, Accepted: n, Rejected: 1}, by); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := fs.Restore(ctx, "clinics", 1, geodata.AuditEntry{Actor: "omar"}); err != nil {
		t.Fatal(err)
	}
	gone := clinics(1)
	gone.Meta.ID, gone.Meta.Title = "old-routes", "Old routes"
	if _, err := fs.Publish(ctx, gone, geodata.Report{}, by); err != nil {
		t.Fatal(err)
	}
	if err := fs.Delete(ctx, "old-routes", geodata.AuditEntry{Actor: "omar"}); err != nil {
		t.Fatal(err)
	}
	if err := fs.Audit(ctx, geodata.AuditEntry{Actor: "x", Action: "upload-rejected", Outcome: geodata.OutcomeRejected}); err != nil {
		t.Fatal(err)
	}
	return dir, fs
}

// TestStoreImport: `routerisk store import` copies every version with its
// number, metadata, report and features, the current and deleted states
// the audit log and the API tokens into PostGIS; run again it copies nothing, and it
// never moves a layer that was published in PostGIS since.
func TestStoreImport(t *testing.T) {
	ctx := context.Background()
	dir, fs := fileStoreWithHistory(t)
	pgURL := newPostGISDatabase(t)
	tf := teststore.Tokens(t, dir)
	kept, _, _ := tf.Create("GIS desk", auth.Editor)
	_, gone, _ := tf.Create("old laptop", auth.Viewer)
	tf.Revoke(gone.ID)
	embeds := teststore.Embeds(t, dir) // with a key made and kept in the folder
	claims := auth.EmbedClaims{Tier: auth.EmbedPublic, View: auth.EmbedView{BBox: &[4]float64{10, 30, 20, 38}}, Layers: []string{"clinics"}}
	shown, _, err := embeds.Issue(claims, "report", 30, auth.Principal{Name: "ana"})
	if err != nil {
		t.Fatal(err)
	}
	withdrawn, withdrawnRec, err := embeds.Issue(claims, "draft", 30, auth.Principal{Name: "ana"})
	if err != nil {
		t.Fatal(err)
	}
	if err := embeds.Revoke(withdrawnRec.ID); err != nil {
		t.Fatal(err)
	}
	var out, errOut bytes.Buffer
	if code := Main(ctx, []string{"store", "import", "--data-dir", dir, "--store", pgURL}, env("USER", "ops"), &out, &errOut); code != 0 {
		t.Fatalf("exit %d: %s%s", code, out.String(), errOut.String())
	}
	t.Logf("first run:\n%s", out.String())
	for _, want := range []string{"clinics: current v3; copied v1 v2 v3", "old-routes: deleted; copied v1", "audit log: 6 entries copied", "tokens: 2 copied, 0 already there",
		"embeds: 2 copied, 0 already there; signing key: the folder's, in postgis", "done: 4 versions and 6 audit entries copied"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}

	pg, err := store.OpenPostGIS(ctx, pgURL)
	if err != nil {
		t.Fatal(err)
	}
	defer pg.Close()
	// The tokens work against PostGIS as they did against the file, and
	// the revoked one stays revoked.
	pgTokens := auth.NewTokens(store.NewPostGISTokens(pg))
	if p, err := pgTokens.Authenticate(kept); err != nil || p.Name != "GIS desk" {
		t.Errorf("an imported token: %+v %v", p, err)
	}
	if ok, err := pgTokens.Active(gone.ID); ok || err != nil {
		t.Errorf("a revoked token came back active: %v %v", ok, err)
	}
	// So do the embeds, with the folder's key: the withdrawn one stays
	// withdrawn.
	pgEmbeds, err := auth.OpenEmbeds(ctx, store.NewPostGISEmbeds(pg), nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := pgEmbeds.Verify(shown); err != nil {
		t.Errorf("an imported embed: %v", err)
	}
	if _, err := pgEmbeds.Verify(withdrawn); !errors.Is(err, auth.ErrEmbedRevoked) {
		t.Errorf("a withdrawn embed after the import: %v", err)
	}
	for _, id := range []string{"clinics", "old-routes"} {
		want, _ := fs.Versions(ctx, id)
		got, err := pg.Versions(ctx, id)
		if err != nil || !reflect.DeepEqual(got, want) {
			t.Fatalf("%s versions:\n got %+v, %v\nwant %+v", id, got, err, want)
		}
		for _, m := range want {
			wl, _ := fs.Open(ctx, id, m.Version)
			gl, err := pg.Open(ctx, id, m.Version)
			if err != nil || !reflect.DeepEqual(gl, wl) {
				t.Fatalf("%s v%d differs: %v", id, m.Version, err)
			}
			wr, _ := fs.Report(ctx, id, m.Version)
			gr, err := pg.Report(ctx, id, m.Version)
			if err != nil || !reflect.DeepEqual(gr, wr) {
				t.Fatalf("%s v%d report %+v, want %+v (%v)", id, m.Version, gr, wr, err)
			}
		}
	}
	if cur, err := pg.Current(ctx, "clinics"); err != nil || cur.Version != 3 || cur.UpdatedBy != "omar" {
		t.Fatalf("clinics current: %+v, %v", cur, err)
	}
	if _, err := pg.Current(ctx, "old-routes"); err == nil || !strings.Contains(err.Error(), "was deleted") {
		t.Fatalf("old-routes: %v, want deleted", err)
	}
	wantAudit, _ := store.ReadAudit(ctx, fs, 0)
	gotAudit, _ := store.ReadAudit(ctx, pg, 0)
	if len(gotAudit) != len(wantAudit)+1 || gotAudit[0].Action != "store-import" || gotAudit[0].Actor != "cli:ops" {
		t.Fatalf("audit in postgis: %+v", gotAudit)
	}
	for i := range wantAudit {
		a, b := gotAudit[i+1], wantAudit[i]
		if !a.Time.Equal(b.Time) || a.Action != b.Action || a.Version != b.Version || a.Actor != b.Actor || a.Bytes != b.Bytes {
			t.Fatalf("audit entry %d: %+v, want %+v", i, a, b)
		}
	}

	// Again: nothing to do.
	out.Reset()
	if code := Main(ctx, []string{"store", "import", "--data-dir", dir}, env("ROUTERISK_STORE", pgURL), &out, &errOut); code != 0 {
		t.Fatalf("second run: exit %d: %s", code, errOut.String())
	}
	if !strings.Contains(out.String(), "done: 0 versions and 0 audit entries copied, 4 versions and 6 entries were already there") ||
		!strings.Contains(out.String(), "tokens: 0 copied, 2 already there") ||
		!strings.Contains(out.String(), "embeds: 0 copied, 2 already there; signing key: the folder's, in postgis") ||
		!strings.Contains(out.String(), "clinics: current v3, left as it was; already there v1 v2 v3") {
		t.Fatalf("second run:\n%s", out.String())
	}
	if a, _ := store.ReadAudit(ctx, pg, 0); len(a) != len(gotAudit) {
		t.Fatalf("the second run added audit entries: %d, had %d", len(a), len(gotAudit))
	}

	// A version published in PostGIS since stays current; a new file
	// version is copied but does not take over.
	if _, err := pg.Publish(ctx, mustOpen(t, fs, "clinics", 2), geodata.Report{}, geodata.AuditEntry{Actor: "pg"}); err != nil {
		t.Fatal(err)
	}
	if _, err := fs.Restore(ctx, "old-routes", 1, geodata.AuditEntry{Actor: "files"}); err != nil {
		t.Fatal(err)
	}
	out.Reset()
	if code := Main(ctx, []string{"store", "import", "--data-dir", dir, "--store", pgURL}, env(), &out, &errOut); code != 0 {
		t.Fatalf("third run: exit %d: %s", code, errOut.String())
	}
	if cur, _ := pg.Current(ctx, "clinics"); cur.Version != 4 || cur.UpdatedBy != "pg" {
		t.Fatalf("the import moved clinics back to v%d:\n%s", cur.Version, out.String())
	}
	if cur, _ := pg.Current(ctx, "old-routes"); cur.Version != 2 {
		t.Fatalf("old-routes restored in the file store: postgis has v%d current\n%s", cur.Version, out.String())
	}

	// A version number PostGIS holds with other content is reported, not overwritten.
	if _, err := fs.Publish(ctx, mustOpen(t, fs, "clinics", 1), geodata.Report{}, geodata.AuditEntry{Actor: "files"}); err != nil {
		t.Fatal(err)
	}
	out.Reset()
	errOut.Reset()
	if code := Main(ctx, []string{"store", "import", "--data-dir", dir, "--store", pgURL}, env(), &out, &errOut); code != 1 ||
		!strings.Contains(out.String(), "NOT COPIED, postgis holds different v4") || !strings.Contains(errOut.String(), "1 versions differ") {
		t.Fatalf("conflicting v4: exit %d\n%s%s", code, out.String(), errOut.String())
	}
	if cur, _ := pg.Current(ctx, "clinics"); cur.UpdatedBy != "pg" {
		t.Fatal("a conflicting version was overwritten")
	}
}

// TestStoreImportEmbedKeyConflict: when PostGIS already holds another
// embed signing key the import says so and fails, and the key stays.
func TestStoreImportEmbedKeyConflict(t *testing.T) {
	ctx := context.Background()
	dir, _ := fileStoreWithHistory(t)
	if _, _, err := teststore.Embeds(t, dir).Issue(auth.EmbedClaims{Tier: auth.EmbedPublic,
		View: auth.EmbedView{BBox: &[4]float64{10, 30, 20, 38}}, Layers: []string{"clinics"}}, "report", 1, auth.Principal{}); err != nil {
		t.Fatal(err)
	}
	pgURL := newPostGISDatabase(t)
	pg, err := store.OpenPostGIS(ctx, pgURL)
	if err != nil {
		t.Fatal(err)
	}
	defer pg.Close()
	theirs := bytes.Repeat([]byte{7}, 32)
	if _, err := store.NewPostGISEmbeds(pg).Key(ctx, theirs); err != nil {
		t.Fatal(err)
	}
	var out, errOut bytes.Buffer
	if code := Main(ctx, []string{"store", "import", "--data-dir", dir, "--store", pgURL}, env(), &out, &errOut); code != 1 ||
		!strings.Contains(out.String(), "embeds: 1 copied, 0 already there; signing key: NOT COPIED, postgis holds another one") ||
		!strings.Contains(errOut.String(), "--embed-key") {
		t.Fatalf("exit %d\n%s%s", code, out.String(), errOut.String())
	}
	if k, err := store.NewPostGISEmbeds(pg).Key(ctx, bytes.Repeat([]byte{8}, 32)); err != nil || !bytes.Equal(k, theirs) {
		t.Fatalf("the key in postgis became %x, %v", k, err)
	}
}

func mustOpen(t *testing.T, fs *store.Files, id string, v int) *geodata.Layer {
	t.Helper()
	l, err := fs.Open(context.Background(), id, v)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func TestStoreImportUsage(t *testing.T) {
	for _, args := range [][]string{
		{"store"},
		{"store", "export"},
		{"store", "import", "--data-dir", t.TempDir(), "--store", "postgres://x@h/db"}, // no file store there
		{"store", "import", "--data-dir", t.TempDir()},                                 // no --store
		{"store", "import", "--store", "mysql://x@h/db"},
	} {
		var errOut bytes.Buffer
		if code := Main(context.Background(), args, env(), &bytes.Buffer{}, &errOut); code != 2 {
			t.Errorf("%v: exit %d, want 2 (%s)", args, code, errOut.String())
		}
	}
}

// TestServeOnPostGIS: with --store on PostGIS the server installs the
// bundled layers once (also with a second replica starting on the same
// database), serves them, imports into the same store, and /readyz
// reports the database.
func TestServeOnPostGIS(t *testing.T) {
	pgURL := newPostGISDatabase(t)
	cfg := testConfig(t, t.TempDir())
	cfg.Store = pgURL
	base := startServer(t, cfg)
	replica := testConfig(t, t.TempDir())
	replica.Store = pgURL
	base2 := startServer(t, replica)

	bundled, err := sample.Layers()
	if err != nil {
		t.Fatal(err)
	}
	for _, srv := range []string{base, base2} {
		_, body := get(t, srv+"/api/v1/layers")
		var list struct{ Layers []geodata.Meta }
		if err := json.Unmarshal(body, &list); err != nil {
			t.Fatal(err)
		}
		if len(list.Layers) != len(bundled) {
			t.Fatalf("%s serves %d layers, want the %d bundled", srv, len(list.Layers), len(bundled))
		}
		for _, m := range list.Layers {
			if m.Version != 1 || m.UpdatedBy != "bundled-sample" {
				t.Errorf("%s: %s v%d by %s; want v1 by bundled-sample, installed once", srv, m.ID, m.Version, m.UpdatedBy)
			}
		}
	}
	resp, body := get(t, base+"/readyz")
	var ready struct {
		Status string
		Checks map[string]struct{ State, Detail string }
	}
	if err := json.Unmarshal(body, &ready); err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != 200 || ready.Checks["store"].State != "ok" || !strings.Contains(ready.Checks["store"].Detail, "postgis 127.0.0.1") && os.Getenv("ROUTERISK_TEST_POSTGIS_URL") == "" ||
		!strings.Contains(ready.Checks["store"].Detail, "schema version 5") {
		t.Fatalf("/readyz: %d %s", resp.StatusCode, body)
	}

	// An embed issued through one replica is shown by the other (one
	// signing key, kept in the database), and withdrawn through the other
	// it is refused by the first at once: no folder is shared.
	pgStore, err := store.OpenPostGIS(context.Background(), pgURL)
	if err != nil {
		t.Fatal(err)
	}
	defer pgStore.Close()
	admin, _, err := auth.NewTokens(store.NewPostGISTokens(pgStore)).Create("embed test", auth.Admin)
	if err != nil {
		t.Fatal(err)
	}
	resp, body = send(t, http.MethodPost, base+"/api/v1/embeds", admin, `{"name":"report","tier":"public","view":{"bbox":[10,30,20,38]},"layers":["incidents"],"expires_in_days":1}`)
	var issued struct{ ID, Token string }
	if err := json.Unmarshal(body, &issued); err != nil || resp.StatusCode != http.StatusCreated || issued.Token == "" {
		t.Fatalf("issuing an embed: %d %s", resp.StatusCode, body)
	}
	if resp, body := get(t, base2+"/api/v1/layers", "X-Embed-Token", issued.Token); resp.StatusCode != 200 {
		t.Fatalf("the embed through the other replica: %d %s", resp.StatusCode, body)
	}
	if resp, body := send(t, http.MethodDelete, base2+"/api/v1/embeds/"+issued.ID, admin, ""); resp.StatusCode/100 != 2 {
		t.Fatalf("withdrawing through the other replica: %d %s", resp.StatusCode, body)
	}
	if resp, body := get(t, base+"/api/v1/layers", "X-Embed-Token", issued.Token); resp.StatusCode != 401 || !strings.Contains(string(body), "withdrawn") {
		t.Fatalf("a withdrawn embed through the replica that issued it: %d %s", resp.StatusCode, body)
	}

	// `routerisk import --store` publishes into the same database.
	file := filepath.Join(t.TempDir(), "clinics.geojson")
	os.WriteFile(file, []byte(`{"type":"FeatureCollection","features":[{"type":"Feature","id":"k1","geometry":{"type":"Point","coordinates":[36.8,-1.3]},"properties":{"name":"Clinic"}}]}`), 0o644)
	var out, errOut bytes.Buffer
	if code := Main(context.Background(), []string{"import", "--store", pgURL, "--id", "clinics", "--kind", "service", "--title", "Clinics", file}, env(), &out, &errOut); code != 0 {
		t.Fatalf("import --store: exit %d: %s", code, errOut.String())
	}
	if m, err := pgStore.Current(context.Background(), "clinics"); err != nil || m.FeatureCount != 1 {
		t.Fatalf("clinics in postgis: %+v, %v", m, err)
	}
}

// send makes a request with a bearer token and a JSON body (none when
// empty) and returns the response and its body.
func send(t *testing.T, method, url, token, body string) (*http.Response, []byte) {
	t.Helper()
	req, _ := http.NewRequest(method, url, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+token)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, b
}

// TestDeletedBundledLayerStaysDeleted: the bundled layers go into a store
// that never held them; one deleted since is not installed again on the
// next start.
func TestDeletedBundledLayerStaysDeleted(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	st, err := openStore(ctx, dir, "")
	if err != nil {
		t.Fatal(err)
	}
	log := newLogger(testConfig(t, dir), &bytes.Buffer{})
	if err := installSamples(ctx, st, log); err != nil {
		t.Fatal(err)
	}
	if err := st.Delete(ctx, "routes", geodata.AuditEntry{Actor: "editor"}); err != nil {
		t.Fatal(err)
	}
	if err := installSamples(ctx, st, log); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Current(ctx, "routes"); geodata.ErrorCode(err) != geodata.NotFound {
		t.Fatalf("a deleted bundled layer came back: %v", err)
	}
	if m, err := st.Current(ctx, "incidents"); err != nil || m.Version != 1 {
		t.Fatalf("incidents: %+v, %v; want v1 installed once", m, err)
	}
}
