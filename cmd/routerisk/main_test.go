package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/routerisk/routerisk/geodata"
	"github.com/routerisk/routerisk/geodata/sample"
	"github.com/routerisk/routerisk/internal/testredis"
	"github.com/routerisk/routerisk/internal/teststore"
	"github.com/routerisk/routerisk/server/auth"
)

// startServer runs Serve on a free port until the test ends and returns
// its base URL.
func startServer(t *testing.T, cfg Config) string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan string, 1)
	done := make(chan error, 1)
	logs := &lockedBuffer{}
	go func() { done <- Serve(ctx, cfg, logs, ready) }()
	select {
	case addr := <-ready:
		t.Cleanup(func() {
			cancel()
			if err := <-done; err != nil {
				t.Errorf("Serve returned %v", err)
			}
		})
		return "http://" + addr
	case err := <-done:
		cancel()
		t.Fatalf("Serve failed to start: %v\n%s", err, logs.String())
	case <-time.After(60 * time.Second):
		cancel()
		t.Fatal("Serve did not start within 60s")
	}
	return ""
}

// waitWarm waits until the server's /readyz says its start-up analyses
// are done, so that a test measuring the cache is not racing them.
func waitWarm(t *testing.T, base string) {
	t.Helper()
	deadline := time.Now().Add(3 * time.Minute)
	for time.Now().Before(deadline) {
		resp, err := http.Get(base + "/readyz")
		if err == nil {
			var body struct {
				Warm *bool `json:"warm"`
			}
			_ = json.NewDecoder(resp.Body).Decode(&body)
			resp.Body.Close()
			if body.Warm == nil || *body.Warm {
				return
			}
		}
		time.Sleep(200 * time.Millisecond)
	}
	t.Fatal("the server did not warm within 3 minutes")
}

// lockedBuffer collects a server's log for failure messages.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func testConfig(t *testing.T, dataDir string) Config {
	t.Helper()
	cfg, err := LoadConfig([]string{"--addr", "127.0.0.1:0", "--data-dir", dataDir, "--tile-url", ""}, env(), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

func get(t *testing.T, url string, headers ...string) (*http.Response, []byte) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, url, nil)
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, body
}

func TestFirstRunInstallsBundledLayersOnce(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data") // does not exist yet
	bundled, err := sample.Layers()
	if err != nil {
		t.Fatal(err)
	}
	base := startServer(t, testConfig(t, dir))

	_, body := get(t, base+"/api/v1/layers")
	var list struct{ Layers []geodata.Meta }
	if err := json.Unmarshal(body, &list); err != nil {
		t.Fatal(err)
	}
	byID := map[string]geodata.Meta{}
	for _, m := range list.Layers {
		byID[m.ID] = m
	}
	// A token made while the server runs is honoured at once.
	staff, _, err := teststore.Tokens(t, dir).Create("first-run test", auth.Staff)
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range bundled {
		m, ok := byID[b.Meta.ID]
		if !ok {
			t.Errorf("bundled layer %s not served", b.Meta.ID)
			continue
		}
		if m.Version != 1 || m.FeatureCount != b.Meta.FeatureCount || m.UpdatedBy != "bundled-sample" || len(m.Sources) == 0 {
			t.Errorf("%s: version %d, %d features (bundled %d), by %q, %d sources", m.ID, m.Version, m.FeatureCount, b.Meta.FeatureCount, m.UpdatedBy, len(m.Sources))
		}
		url := fmt.Sprintf("%s/api/v1/layers/%s/features?limit=50000&properties=%s", base, m.ID, m.Schema[0].Name)
		_, fc := get(t, url, "Authorization", "Bearer "+staff)
		var c struct{ NumberMatched, NumberReturned int }
		if err := json.Unmarshal(fc, &c); err != nil {
			t.Fatal(err)
		}
		if c.NumberMatched != m.FeatureCount || c.NumberReturned != m.FeatureCount {
			t.Errorf("%s: served %d/%d features to staff, metadata says %d", m.ID, c.NumberReturned, c.NumberMatched, m.FeatureCount)
		}
		// Anonymous callers see a restricted layer only as counts by cell.
		resp, anon := get(t, url)
		var cells struct {
			Features []struct{ Properties map[string]any }
		}
		if err := json.Unmarshal(anon, &cells); err != nil {
			t.Fatal(err)
		}
		if m.Sensitivity == geodata.Restricted {
			total := 0.0
			for _, f := range cells.Features {
				n, _ := f.Properties["incidents"].(float64)
				if n < 5 {
					t.Fatalf("%s: a public cell counts %v incidents", m.ID, n)
				}
				total += n
			}
			if resp.Header.Get("X-Privacy-Tier") != "public" || len(cells.Features) == 0 || total > float64(m.FeatureCount) {
				t.Errorf("%s: anonymous: tier %q, %d cells counting %v incidents", m.ID, resp.Header.Get("X-Privacy-Tier"), len(cells.Features), total)
			}
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "layers", "incidents", "v1", "features.geojson.gz")); err != nil {
		t.Errorf("incidents v1 not in the data folder: %v", err)
	}
}

func TestRestartKeepsVersions(t *testing.T) {
	dir := t.TempDir()
	cfg := testConfig(t, dir)
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan string, 1)
	done := make(chan error, 1)
	go func() { done <- Serve(ctx, cfg, io.Discard, ready) }()
	<-ready
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	base := startServer(t, cfg)
	_, body := get(t, base+"/api/v1/layers/incidents")
	var m geodata.Meta
	_ = json.Unmarshal(body, &m)
	if m.Version != 1 {
		t.Errorf("after a restart incidents is v%d, want v1 (samples are installed once)", m.Version)
	}
}

func TestRedisSharesWorkAndFailsOpen(t *testing.T) {
	redis := testredis.Start(t)
	cfg := testConfig(t, t.TempDir())
	cfg.RedisURL = redis.URL()
	cfg.RedisTimeout = 50 * time.Millisecond
	first := startServer(t, cfg)
	waitWarm(t, first) // the start-up analyses load the machine; the Redis timeout below is short
	const q = "/api/v1/layers/incidents/features?bbox=10,30,20,40&limit=50000"
	if resp, _ := get(t, first+q, "Accept-Encoding", "gzip"); resp.Header.Get("X-Cache") != "MISS" {
		t.Fatalf("first request: X-Cache %q, want MISS", resp.Header.Get("X-Cache"))
	}
	// A second process on the same Redis: its in-process tier is empty, Redis answers.
	second := startServer(t, cfg)
	waitWarm(t, second)
	resp, body := get(t, second+q, "Accept-Encoding", "gzip")
	if resp.Header.Get("X-Cache") != "HIT" {
		t.Fatalf("second replica: X-Cache %q, want HIT from Redis", resp.Header.Get("X-Cache"))
	}
	if len(body) == 0 {
		t.Fatal("empty body from Redis")
	}

	// Normal time of an uncached request, with Redis healthy.
	start := time.Now()
	get(t, second+"/api/v1/layers/incidents/features?bbox=0,0,5,5")
	normal := time.Since(start)

	redis.Pause(t)
	var worst time.Duration
	for i := range 6 {
		start := time.Now()
		resp, _ := get(t, fmt.Sprintf("%s/api/v1/layers/incidents/features?bbox=0,0,5,%d", second, 6+i))
		d := time.Since(start)
		worst = max(worst, d)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("with Redis hung, request %d answered %d", i, resp.StatusCode)
		}
	}
	t.Logf("uncached request: %v with Redis healthy, worst %v with Redis hung", normal, worst)
	if worst > normal+250*time.Millisecond {
		t.Errorf("a hung Redis slowed a request from %v to %v", normal, worst)
	}
	resp, body = get(t, second+"/readyz")
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), `"degraded"`) {
		t.Errorf("/readyz with Redis hung: %d %s; want 200 and degraded", resp.StatusCode, body)
	}
	_, metrics := get(t, second+"/metrics")
	if !strings.Contains(string(metrics), `routerisk_cache_degraded{tier="redis"} 1`) {
		t.Error(`/metrics lacks routerisk_cache_degraded{tier="redis"} 1`)
	}

	redis.Resume(t)
	deadline := time.Now().Add(15 * time.Second)
	for i := 0; ; i++ {
		// A key new to both replicas: MISS stores it in Redis, the other replica then HITs.
		key := fmt.Sprintf("/api/v1/layers/incidents/features?bbox=-20,%d,40,50", i)
		get(t, second+key)
		if resp, _ := get(t, first+key); resp.Header.Get("X-Cache") == "HIT" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("Redis was not used again within 15s of coming back")
		}
		time.Sleep(200 * time.Millisecond)
	}
	if _, body := get(t, second+"/readyz"); !strings.Contains(string(body), `"status":"ok"`) {
		t.Errorf("/readyz after Redis came back: %s", body)
	}
}

func TestTokenCommand(t *testing.T) {
	dir := t.TempDir()
	var out, errOut bytes.Buffer
	code := Main(context.Background(), []string{"token", "create", "--data-dir", dir, "--role", "editor", "--name", "Amina (GIS)"}, noEnv, &out, &errOut)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	tok := lines[len(lines)-1]
	tf := teststore.Tokens(t, dir)
	p, err := tf.Authenticate(tok)
	if err != nil || p.Role != auth.Editor || p.Name != "Amina (GIS)" {
		t.Fatalf("the printed token (%q) authenticates as %+v, %v", tok, p, err)
	}
	out.Reset()
	if code := Main(context.Background(), []string{"token", "list", "--data-dir", dir}, noEnv, &out, &errOut); code != 0 || !strings.Contains(out.String(), "Amina (GIS)") || strings.Contains(out.String(), tok) {
		t.Fatalf("token list: exit %d\n%s", code, out.String())
	}
	for _, args := range [][]string{
		{"token", "create", "--data-dir", dir, "--role", "root", "--name", "x"},
		{"token", "create", "--data-dir", dir, "--role", "viewer"},
		{"token", "rotate"},
		{"token"},
	} {
		errOut.Reset()
		if code := Main(context.Background(), args, noEnv, &out, &errOut); code != 2 {
			t.Errorf("%v: exit %d, want 2 (%s)", args, code, errOut.String())
		}
	}
	id := p.TokenID
	if code := Main(context.Background(), []string{"token", "revoke", "--data-dir", dir, "--id", id}, noEnv, &out, &errOut); code != 0 {
		t.Fatalf("revoke: exit %d %s", code, errOut.String())
	}
	if _, err := tf.Authenticate(tok); err == nil {
		t.Fatal("a revoked token still authenticates")
	}
}

func noEnv(string) string { return "" }
