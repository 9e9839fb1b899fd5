package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

func TestPurgeCommand(t *testing.T) {
	dir := t.TempDir()
	env := func(string) string { return "" }
	var out, errs bytes.Buffer
	if code := Main(context.Background(), []string{"purge", "--data-dir", dir, "--older-than", "1h"}, env, &out, &errs); code != 2 || !strings.Contains(errs.String(), "at least 24h") {
		t.Errorf("--older-than 1h: exit %d, %q", code, errs.String())
	}
	out.Reset()
	errs.Reset()
	if code := Main(context.Background(), []string{"purge", "--data-dir", dir, "--older-than", "8760h"}, env, &out, &errs); code != 0 || !strings.Contains(out.String(), "purged 0 versions of 0 layers") {
		t.Errorf("a purge of a new store: exit %d, %q %q", code, out.String(), errs.String())
	}
}
