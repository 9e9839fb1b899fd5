package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/routerisk/routerisk/geodata"
	"github.com/routerisk/routerisk/internal/testredis"
)

// asServerEnv makes the test binary run Main with its arguments instead of
// the tests: the replica tests start real `routerisk serve` processes
// from it, which they can kill.
const asServerEnv = "ROUTERISK_TEST_RUN_MAIN"

func TestMain(m *testing.M) {
	if os.Getenv(asServerEnv) == "1" {
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
		args := os.Args[1:]
		for i, a := range args { // the arguments after "--"
			if a == "--" {
				args = args[i+1:]
				break
			}
		}
		code := Main(ctx, args, os.Getenv, os.Stdout, os.Stderr)
		stop()
		os.Exit(code)
	}
	os.Exit(m.Run())
}

// replica is one `routerisk serve` process.
type replica struct {
	base string
	args []string
	cmd  *exec.Cmd
	log  *bytes.Buffer
}

// startReplica runs `routerisk serve` in its own process on a free port
// with dataDir and the extra arguments, and waits for /readyz.
func startReplica(t *testing.T, dataDir string, extra ...string) *replica {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	r := &replica{base: "http://" + addr,
		args: append([]string{"serve", "--addr", addr, "--data-dir", dataDir, "--tile-url", "", "--log-level", "warn"}, extra...)}
	r.start(t)
	t.Cleanup(func() {
		if r.cmd.ProcessState == nil {
			r.cmd.Process.Signal(syscall.SIGTERM)
			r.cmd.Wait()
		}
	})
	return r
}

func (r *replica) start(t *testing.T) {
	t.Helper()
	r.log = &bytes.Buffer{}
	r.cmd = exec.Command(os.Args[0], append([]string{"-test.run=^$", "--"}, r.args...)...)
	r.cmd.Env = append(os.Environ(), asServerEnv+"=1")
	r.cmd.Stdout, r.cmd.Stderr = r.log, r.log
	if err := r.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(90 * time.Second)
	for {
		if resp, err := http.Get(r.base + "/readyz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("replica %s not ready in 90 s:\n%s", r.base, r.log)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// layerVersion asks a replica which version of a layer it serves (0: none).
func (r *replica) layerVersion(t *testing.T, id string) (version, features int) {
	t.Helper()
	resp, body := get(t, r.base+"/api/v1/layers/"+id)
	if resp.StatusCode == 404 {
		return 0, 0
	}
	var m geodata.Meta
	if err := json.Unmarshal(body, &m); err != nil {
		t.Fatalf("%s: %s", r.base, body)
	}
	return m.Version, m.FeatureCount
}

// matched asks a replica how many features of a layer its feature query finds.
func (r *replica) matched(t *testing.T, id string) int {
	t.Helper()
	_, body := get(t, r.base+"/api/v1/layers/"+id+"/features?limit=1")
	var c struct {
		NumberMatched int `json:"numberMatched"`
	}
	json.Unmarshal(body, &c)
	return c.NumberMatched
}

// clinics is a service layer of n points.
func clinics(n int) []byte {
	var feats []string
	for i := range n {
		feats = append(feats, fmt.Sprintf(`{"type":"Feature","id":"c%d","geometry":{"type":"Point","coordinates":[%d.5,1.5]},"properties":{"name":"Clinic %d","category":"health"}}`, i, i%170, i))
	}
	return []byte(`{"type":"FeatureCollection","features":[` + strings.Join(feats, ",") + `]}`)
}

// upload sends a layer file through a replica (POST for a new layer, PUT
// for a new version) with an editor token.
func upload(t *testing.T, method, target, token string, file []byte) {
	t.Helper()
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	for _, kv := range [][2]string{{"id", "clinics"}, {"kind", "service"}, {"title", "Clinics"}, {"sensitivity", "public"}, {"source", "test"}, {"license", "CC0"}} {
		w.WriteField(kv[0], kv[1])
	}
	fw, _ := w.CreateFormFile("file", "clinics.geojson")
	fw.Write(file)
	w.Close()
	req, _ := http.NewRequest(method, target, &b)
	req.Header.Set("Content-Type", w.FormDataContentType())
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 && resp.StatusCode != 201 {
		t.Fatalf("%s %s: %d %s", method, target, resp.StatusCode, body)
	}
}

// editorToken makes an editor token in the PostGIS database, where every
// replica reads tokens.
func editorToken(t *testing.T, pg string) string {
	t.Helper()
	var out, errOut bytes.Buffer
	if code := Main(context.Background(), []string{"token", "create", "--store", pg, "--role", "editor", "--name", "replica test"}, env(), &out, &errOut); code != 0 {
		t.Fatalf("token create: %s", errOut.String())
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	return lines[len(lines)-1]
}

// TestReplicasFollowEachOther: two `routerisk serve` processes on one
// PostGIS database (layers and tokens) and one Redis. Strict (the
// default): the very first read through B after A answered a publish
// serves the new version, with its features, never the old one.
// Eventual: the polling interval is an hour, so only the store's notice
// can carry the change, and B serves it within moments. Either way a
// replica never goes back to an older version, and a restore through B is
// followed by A.
func TestReplicasFollowEachOther(t *testing.T) {
	for _, consistency := range []string{"strict", "eventual"} {
		t.Run(consistency, func(t *testing.T) { replicasFollow(t, consistency) })
	}
}

func replicasFollow(t *testing.T, consistency string) {
	pg := newPostGISDatabase(t)
	redis := testredis.Start(t)
	dirA, dirB := t.TempDir(), t.TempDir()
	token := editorToken(t, pg)
	shared := []string{"--store", pg, "--redis-url", redis.URL(), "--sync-interval", "1h", "--consistency", consistency}
	a := startReplica(t, dirA, shared...)
	b := startReplica(t, dirB, shared...)

	// waitVersion reads through r until it serves version want (strict:
	// the first read must), and returns how long that took; it fails on an
	// older version seen after the newer one.
	waitVersion := func(r *replica, want, features int) time.Duration {
		t.Helper()
		start := time.Now()
		for time.Since(start) < 10*time.Second {
			v, n := r.layerVersion(t, "clinics")
			switch {
			case v == want:
				if n != features || r.matched(t, "clinics") != features {
					t.Fatalf("%s serves v%d with %d features (query %d), want %d", r.base, v, n, r.matched(t, "clinics"), features)
				}
				took := time.Since(start)
				for range 20 { // and it stays there
					if v, _ := r.layerVersion(t, "clinics"); v != want {
						t.Fatalf("%s went back from v%d to v%d", r.base, want, v)
					}
				}
				return took
			case v > want:
				t.Fatalf("%s serves v%d, want v%d", r.base, v, want)
			case consistency == "strict":
				t.Fatalf("%s answered v%d right after the other replica published v%d", r.base, v, want)
			}
			time.Sleep(2 * time.Millisecond)
		}
		t.Fatalf("%s did not serve v%d within 10 s (it polls hourly: the notice was lost):\n%s", r.base, want, r.log)
		return 0
	}

	upload(t, http.MethodPost, a.base+"/api/v1/layers", token, clinics(3))
	took1 := waitVersion(b, 1, 3)
	upload(t, http.MethodPut, a.base+"/api/v1/layers/clinics", token, clinics(7))
	took2 := waitVersion(b, 2, 7)
	t.Logf("%s: B served A's new versions %v and %v after A answered", consistency, took1, took2)

	req, _ := http.NewRequest(http.MethodPost, b.base+"/api/v1/layers/clinics/versions/1/restore", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("restore through B: %v %v", resp, err)
	}
	resp.Body.Close()
	took3 := waitVersion(a, 3, 3)
	t.Logf("%s: A followed B's restore after %v", consistency, took3)
}

// TestReplicaKilledMidUpload: SIGKILL one replica while an upload streams
// into it. The other keeps serving the previous version, no partial
// version is ever stored, and the killed one restarts cleanly.
func TestReplicaKilledMidUpload(t *testing.T) {
	pg := newPostGISDatabase(t)
	dirA, dirB := t.TempDir(), t.TempDir()
	token := editorToken(t, pg)
	shared := []string{"--store", pg, "--sync-interval", "200ms"}
	a := startReplica(t, dirA, shared...)
	b := startReplica(t, dirB, shared...)
	upload(t, http.MethodPost, a.base+"/api/v1/layers", token, clinics(5))
	for deadline := time.Now().Add(10 * time.Second); ; {
		if v, _ := b.layerVersion(t, "clinics"); v == 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("B never served v1")
		}
		time.Sleep(20 * time.Millisecond)
	}

	// A large replacement streams into A; A is killed halfway.
	pr, pw := io.Pipe()
	mw := multipart.NewWriter(pw)
	done := make(chan error, 1)
	go func() {
		req, _ := http.NewRequest(http.MethodPut, a.base+"/api/v1/layers/clinics", pr)
		req.Header.Set("Content-Type", mw.FormDataContentType())
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := http.DefaultClient.Do(req)
		if err == nil {
			resp.Body.Close()
		}
		done <- err
	}()
	for _, kv := range [][2]string{{"kind", "service"}, {"title", "Clinics"}, {"sensitivity", "public"}, {"source", "test"}, {"license", "CC0"}} {
		mw.WriteField(kv[0], kv[1])
	}
	fw, _ := mw.CreateFormFile("file", "clinics.geojson")
	big := clinics(200_000)
	fw.Write(big[:len(big)/2])
	if err := a.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	a.cmd.Wait()
	pw.CloseWithError(io.ErrClosedPipe)
	if err := <-done; err == nil {
		t.Log("the upload's request ended without an error")
	}

	for range 20 {
		if v, n := b.layerVersion(t, "clinics"); v != 1 || n != 5 {
			t.Fatalf("B serves v%d with %d features after A was killed, want v1 with 5", v, n)
		}
		time.Sleep(20 * time.Millisecond)
	}
	// The store holds v1 only: nothing half-written is visible anywhere.
	resp, body := get(t, b.base+"/api/v1/layers/clinics/versions", "Authorization", "Bearer "+token)
	var vs struct{ Versions []geodata.Meta }
	if err := json.Unmarshal(body, &vs); err != nil || resp.StatusCode != 200 || len(vs.Versions) != 1 {
		t.Fatalf("versions after the kill: %d %s", resp.StatusCode, body)
	}

	a.start(t) // restarts cleanly on the same folder and database
	if v, n := a.layerVersion(t, "clinics"); v != 1 || n != 5 {
		t.Fatalf("restarted A serves v%d with %d features", v, n)
	}
	if entries, _ := os.ReadDir(filepath.Join(dirA, "uploads")); len(entries) != 0 {
		t.Errorf("the killed upload's spool file was not cleared: %v", entries)
	}
	upload(t, http.MethodPut, a.base+"/api/v1/layers/clinics", token, clinics(2))
	if v, _ := a.layerVersion(t, "clinics"); v != 2 {
		t.Errorf("after restart, a new upload made v%d, want v2", v)
	}
}
