package formats

import (
	"testing"

	"github.com/routerisk/routerisk/internal/testenv"
)

// sharedData returns a path under ../shared/data, the public test cases
// beside the project. Without that folder the test is skipped locally and
// fails when the environment variable CI is "true".
func sharedData(t testing.TB, parts ...string) string {
	t.Helper()
	return testenv.SharedData(t, parts...)
}
