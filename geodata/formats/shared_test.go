package formats

import (
	"os"
	"path/filepath"
	"testing"
)

// sharedData returns a path under ../shared/data, the public test cases
// beside the project. Without that folder the test is skipped locally and
// fails when the environment variable CI is "true".
func sharedData(t testing.TB, parts ...string) string {
	t.Helper()
	dir := filepath.Join("..", "..", "..", "shared", "data")
	if _, err := os.Stat(dir); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("shared test data missing: %v", err)
		}
		t.Skipf("shared test data missing: %v", err)
	}
	return filepath.Join(append([]string{dir}, parts...)...)
}
