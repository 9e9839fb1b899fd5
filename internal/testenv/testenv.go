// Package testenv is what tests need of their surroundings: the shared
// data folder beside the project, and one rule for a missing dependency —
// skipped on a developer's machine, a failure under CI=true, where a skip
// would hide that the test never ran.
package testenv

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

// Unavailable skips the test for why, or fails it when CI=true.
func Unavailable(t testing.TB, why string) {
	t.Helper()
	if os.Getenv("CI") == "true" {
		t.Fatalf("%s (CI=true: integration tests must run)", why)
	}
	t.Skip(why)
}

// SharedData returns the path of parts inside ../shared/data beside the
// project, or marks the test Unavailable when that folder is not there.
func SharedData(t testing.TB, parts ...string) string {
	t.Helper()
	_, file, _, _ := runtime.Caller(0) // …/internal/testenv/testenv.go
	dir := filepath.Join(filepath.Dir(file), "..", "..", "..", "shared", "data")
	if _, err := os.Stat(dir); err != nil {
		Unavailable(t, "the shared test data is missing ("+err.Error()+"); check out ../shared beside the project")
	}
	return filepath.Join(append([]string{dir}, parts...)...)
}
