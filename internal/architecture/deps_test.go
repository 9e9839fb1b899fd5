package architecture

import (
	"os/exec"
	"slices"
	"strings"
	"testing"
)

const module = "github.com/routerisk/routerisk"

// forbidden lists, per package pattern, import paths that must never be
// among its dependencies, except those under allowed.
var forbidden = []struct {
	pkg      string
	mustNot  []string
	allowed  []string
	whyShort string
}{
	{"./geodata/...", []string{"github.com/labstack/echo", "github.com/redis/go-redis", module + "/server", "github.com/jackc/pgx", "net/http"}, nil, "the domain is pure"},
	{"./server/catalog", []string{"github.com/labstack/echo", "github.com/redis/go-redis", module + "/server/store", module + "/server/cache"}, nil, "use cases declare their interfaces"},
	{"./server/cache", []string{"github.com/labstack/echo", module + "/server/catalog", module + "/server/store", module + "/server/auth"}, nil, "a backend knows nothing of HTTP, and implements the interfaces its users declare"},
	{"./server/store", []string{"github.com/labstack/echo", "github.com/redis/go-redis", module + "/server/catalog", module + "/server/auth"}, nil, "a backend knows nothing of HTTP, and implements the interfaces its users declare"},
	{"./server/auth", []string{"github.com/labstack/echo", "net/http", module + "/server/catalog", module + "/server/store", module + "/server/cache", module + "/geodata"},
		[]string{module + "/geodata/account"}, "who is calling is not a question of HTTP, layers or storage"},
	{"./server/render", []string{"github.com/labstack/echo", module + "/server/catalog", module + "/server/store", module + "/server/cache"}, nil, "drawing a map knows no routes and no storage"},
	{"./geodata/formats", []string{module + "/geodata/ingest", module + "/geodata/mmp", module + "/geodata/risk"}, nil, "decoders know files, not the product's schema"},
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
			if slices.ContainsFunc(rule.allowed, func(ok string) bool { return under(d, ok) }) {
				continue
			}
			for _, bad := range rule.mustNot {
				if under(d, bad) {
					t.Errorf("%s depends on %s (%s)", rule.pkg, d, rule.whyShort)
				}
			}
		}
	}
}

// under reports whether import path d is pkg or inside it.
func under(d, pkg string) bool { return d == pkg || strings.HasPrefix(d, pkg+"/") }

// TestAccountRecordsAreStandardLibraryOnly: the records that access rules
// and storage share import nothing but the standard library, so every
// side may use them.
func TestAccountRecordsAreStandardLibraryOnly(t *testing.T) {
	cmd := exec.Command("go", "list", "-deps", "-test=false", "-f", "{{if not .Standard}}{{.ImportPath}}{{end}}", "./geodata/account")
	cmd.Dir = "../.."
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	for _, d := range strings.Fields(string(out)) {
		if d != module+"/geodata/account" {
			t.Errorf("geodata/account depends on %s; it must use only the standard library", d)
		}
	}
}
