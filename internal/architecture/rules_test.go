package architecture

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestTheLayoutKeepsItsRules(t *testing.T) {
	vs, err := Check("../..", Rules)
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range vs {
		t.Error(v)
	}
}

// TestABrokenRuleIsNamed breaks each kind of rule in a temporary module
// laid out like this one, and expects the failure to name the rule.
func TestABrokenRuleIsNamed(t *testing.T) {
	dir := t.TempDir()
	write := func(path, src string) {
		t.Helper()
		p := filepath.Join(dir, path)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("go.mod", "module "+Module+"\n\ngo 1.26\n")
	// A domain package that opens a network connection.
	write("geodata/leaky/leaky.go", "package leaky\n\nimport _ \"net/http\"\n")
	// A store that asks who is calling.
	write("server/auth/auth.go", "package auth\n")
	write("server/store/store.go", "package store\n\nimport _ \""+Module+"/server/auth\"\n")
	// A handler package that reaches the store itself.
	write("server/server.go", "package server\n\nimport _ \""+Module+"/server/store\"\n")
	// A package that keeps the rules: no violation of its own.
	write("server/cache/cache.go", "package cache\n")

	byName := map[string]Rule{}
	for _, r := range Rules {
		byName[r.Name] = r
	}
	for _, tc := range []struct {
		rule, pkg, dep string
	}{
		{"domain-is-pure", Module + "/geodata/leaky", "net/http"},
		{"adapters-know-no-http-or-access", Module + "/server/store", Module + "/server/auth"},
		{"handlers-reach-storage-through-use-cases", Module + "/server", Module + "/server/store"},
	} {
		r := byName[tc.rule]
		r.Packages = presentPatterns(r.Packages, dir)
		vs, err := Check(dir, []Rule{r})
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, v := range vs {
			msg := v.String()
			if v.Package == tc.pkg && v.Dependency == tc.dep && strings.Contains(msg, `rule "`+tc.rule+`" broken`) {
				found = true
			}
		}
		if !found {
			t.Errorf("rule %s: want a violation %s → %s naming the rule, got %v", tc.rule, tc.pkg, tc.dep, vs)
		}
	}
	// The clean package breaks nothing.
	r := byName["adapters-know-no-http-or-access"]
	r.Packages = []string{"./server/cache"}
	if vs, err := Check(dir, []Rule{r}); err != nil || len(vs) != 0 {
		t.Errorf("a package that keeps the rule: %v %v", vs, err)
	}
}

// presentPatterns keeps the patterns that name packages present in dir, so
// a rule can be checked on a small module that lacks some of them.
func presentPatterns(patterns []string, dir string) []string {
	var out []string
	for _, p := range patterns {
		base := strings.TrimSuffix(strings.TrimPrefix(p, "./"), "/...")
		if base == "." {
			base = ""
		}
		if _, err := os.Stat(filepath.Join(dir, base)); err == nil {
			out = append(out, p)
		}
	}
	return out
}
