package architecture

import (
	"fmt"
	"os/exec"
	"slices"
	"strings"
)

// Module is the module path of RouteRisk.
const Module = "github.com/routerisk/routerisk"

// Rule forbids some packages to depend, directly or through others, on
// some import paths.
type Rule struct {
	Name     string   // short name, quoted in the failure
	Why      string   // the reason, in a few words
	Packages []string // go list patterns, relative to the module root
	MustNot  []string // import paths (and everything below them)
}

// Third-party paths the rules name.
const (
	echo     = "github.com/labstack/echo"
	goRedis  = "github.com/redis/go-redis"
	pgx      = "github.com/jackc/pgx"
	netHTTP  = "net/http"
	useCases = Module + "/server/usecases"
)

// Rules are the rules of the layout.
var Rules = []Rule{
	{
		Name: "domain-is-pure", Why: "geodata imports no transport, storage or cache",
		Packages: []string{"./geodata/..."},
		MustNot:  []string{echo, goRedis, pgx, netHTTP, Module + "/server", Module + "/cmd"},
	},
	{
		Name: "decoders-know-files", Why: "decoders know files, not the product's schema",
		Packages: []string{"./geodata/formats"},
		MustNot:  []string{Module + "/geodata/ingest", Module + "/geodata/mmp", Module + "/geodata/risk"},
	},
	{
		Name: "adapters-know-no-http-or-access", Why: "storage, cache and drawing know neither HTTP, nor who is calling, nor the use cases",
		Packages: []string{"./server/store", "./server/cache", "./server/render"},
		MustNot: []string{echo, netHTTP, Module + "/server/auth", Module + "/server/reads", Module + "/server/analysis",
			Module + "/server/publishing", Module + "/server/maps", Module + "/server/packs", Module + "/server/web", useCases},
	},
	{
		Name: "use-cases-know-no-http-or-storage", Why: "use cases declare the interfaces their adapters implement",
		Packages: []string{"./server/reads", "./server/analysis", "./server/publishing", "./server/maps", "./server/packs", "./server/answers", "./server/auth"},
		MustNot:  []string{echo, netHTTP, goRedis, pgx, Module + "/server/store", Module + "/server/cache", Module + "/server/web"},
	},
	{
		Name: "handlers-reach-storage-through-use-cases", Why: "HTTP routes call use cases, never a store or a cache",
		Packages: []string{"./server", "./server/ogc", "./server/web"},
		MustNot:  []string{Module + "/server/store", Module + "/server/cache", goRedis, pgx},
	},
	{
		Name: "access-knows-no-layers", Why: "who is calling is not a question of HTTP or layers",
		Packages: []string{"./server/auth"},
		MustNot:  []string{Module + "/geodata/formats", Module + "/geodata/risk", Module + "/geodata/ingest"},
	},
}

// Violation is one forbidden import.
type Violation struct {
	Rule       Rule
	Package    string // the package of this module that imports it
	Dependency string // the forbidden import path
}

// String says which rule is broken, by whom and why.
func (v Violation) String() string {
	return fmt.Sprintf("rule %q broken: %s imports %s (%s)", v.Rule.Name, v.Package, v.Dependency, v.Rule.Why)
}

// Check lists the violations of rules in the module at dir: an import of
// a forbidden path by a rule's package or by any package of this module
// it depends on (non-test code only). What a third-party library imports
// in turn is its own affair.
func Check(dir string, rules []Rule) ([]Violation, error) {
	var out []Violation
	for _, r := range rules {
		args := append([]string{"list", "-deps", "-test=false", "-f", "{{.ImportPath}}|{{join .Imports \" \"}}"}, r.Packages...)
		cmd := exec.Command("go", args...)
		cmd.Dir = dir
		raw, err := cmd.CombinedOutput()
		if err != nil {
			return nil, fmt.Errorf("rule %q: go list %s: %v\n%s", r.Name, strings.Join(r.Packages, " "), err, raw)
		}
		for line := range strings.SplitSeq(strings.TrimSpace(string(raw)), "\n") {
			pkg, imports, _ := strings.Cut(line, "|")
			if pkg != Module && !strings.HasPrefix(pkg, Module+"/") {
				continue
			}
			for _, d := range strings.Fields(imports) {
				if slices.ContainsFunc(r.MustNot, func(bad string) bool { return d == bad || strings.HasPrefix(d, bad+"/") }) {
					out = append(out, Violation{Rule: r, Package: pkg, Dependency: d})
				}
			}
		}
	}
	return out, nil
}
