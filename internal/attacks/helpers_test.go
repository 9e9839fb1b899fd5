package attacks

import (
	"fmt"
	"os"
	"testing"
)

// TestMain removes the server's folder when the suite ends.
func TestMain(m *testing.M) {
	code := m.Run()
	if tempDir != "" {
		os.RemoveAll(tempDir)
	}
	os.Exit(code)
}

var tempDir string

func mkdirTemp() (string, error) {
	d, err := os.MkdirTemp("", "routerisk-attacks-")
	tempDir = d
	return d, err
}

// nopT lets the shared server be built once outside any one test: its
// failures become panics, which fail the suite.
type nopT struct{ testing.TB }

func (nopT) Helper()                   {}
func (nopT) Cleanup(func())            {}
func (nopT) TempDir() string           { d, _ := os.MkdirTemp(tempDir, "t"); return d }
func (nopT) Fatal(args ...any)         { panic(fmt.Sprint(args...)) }
func (nopT) Fatalf(f string, a ...any) { panic(fmt.Sprintf(f, a...)) }
