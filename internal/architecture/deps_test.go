package architecture

import (
	"os/exec"
	"strings"
	"testing"
)

const module = "github.com/routerisk/routerisk"

// forbidden lists, per package pattern, import paths that must never be
// among its dependencies.
var forbidden = []struct {
	pkg      string
	mustNot  []string
	whyShort string
}{
	{"./geodata/...", []string{"github.com/labstack/echo", "github.com/redis/go-redis", module + "/server", "github.com/jackc/pgx", "net/http"}, "the domain is pure"},
	{"./server/catalog", []string{"github.com/labstack/echo", "github.com/redis/go-redis", module + "/server/store", module + "/server/cache"}, "use cases declare their interfaces"},
	{"./server/cache", []string{"github.com/labstack/echo", module + "/server/catalog", module + "/server/store"}, "a backend knows nothing of HTTP"},
	{"./server/store", []string{"github.com/labstack/echo", "github.com/redis/go-redis", module + "/server/catalog"}, "a backend knows nothing of HTTP"},
	{"./server/auth", []string{"github.com/labstack/echo", "net/http", module + "/server/catalog", module + "/server/store", module + "/geodata"}, "who is calling is not a question of HTTP or layers"},
	{"./server/render", []string{"github.com/labstack/echo", module + "/server/catalog", module + "/server/store", module + "/server/cache"}, "drawing a map knows no routes and no storage"},
	{"./geodata/formats", []string{module + "/geodata/ingest", module + "/geodata/mmp", module + "/geodata/risk"}, "decoders know files, not the product's schema"},
}

func TestDependencyArrowsPointInward(t *testing.T) {
	for _, rule := range forbidden {
		cmd := exec.Command("go", "list", "-deps", "-test=false", rule.pkg)
		cmd.Dir = "../.."
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("go list %s: %v\n%s", rule.pkg, err, out)
		}
		deps := strings.Fields(string(out))
		for _, d := range deps {
			for _, bad := range rule.mustNot {
				if d == bad || strings.HasPrefix(d, bad+"/") {
					t.Errorf("%s depends on %s (%s)", rule.pkg, d, rule.whyShort)
				}
			}
		}
	}
}
