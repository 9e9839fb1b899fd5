package store

import (
	"strings"
	"testing"
	"time"

	"github.com/routerisk/routerisk/geodata/account"
)

type counterDoc struct {
	N int `json:"n"`
}

// TestJSONFileSeesChanges: a change saved through another handle in this
// process is seen at once; one written by another process (the file
// replaced behind the handles' back) within otherProcessDelay, and not
// looked for on every read before that.
func TestJSONFileSeesChanges(t *testing.T) {
	dir := t.TempDir()
	a, err := openJSONFile[counterDoc](dir, "c.json", "counter file", nil)
	if err != nil {
		t.Fatal(err)
	}
	b, err := openJSONFile[counterDoc](dir, "c.json", "counter file", nil)
	if err != nil {
		t.Fatal(err)
	}
	read := func(f *jsonFile[counterDoc]) int {
		f.mu.Lock()
		defer f.mu.Unlock()
		if err := f.load(); err != nil {
			t.Fatal(err)
		}
		return f.doc.N
	}
	if read(a) != 0 || read(b) != 0 {
		t.Fatal("a new file is not the zero document")
	}
	b.mu.Lock()
	b.doc.N = 1
	if err := b.save(); err != nil {
		t.Fatal(err)
	}
	b.mu.Unlock()
	if n := read(a); n != 1 {
		t.Fatalf("a save through another handle is not seen at once: %d", n)
	}

	// Another process replaces the file: no save is counted here.
	start := time.Now()
	if err := writeJSONFile(a.path, counterDoc{N: 2}); err != nil {
		t.Fatal(err)
	}
	for read(a) != 2 {
		if time.Since(start) > otherProcessDelay+time.Second {
			t.Fatalf("another process's change unseen after %s", time.Since(start))
		}
		time.Sleep(5 * time.Millisecond)
	}
	if d := time.Since(start); d > otherProcessDelay+50*time.Millisecond {
		t.Errorf("another process's change seen after %s, more than %s", d, otherProcessDelay)
	}
	// Just looked at: a change now goes unseen until the delay has passed,
	// so reads in between cost no system call.
	read(a)
	if err := writeJSONFile(a.path, counterDoc{N: 3}); err != nil {
		t.Fatal(err)
	}
	if n := read(a); n != 2 && time.Since(a.checked) < otherProcessDelay/2 {
		t.Errorf("the file was looked at again right after it was read: %d", n)
	}
}

// TestJSONFileChangesBuildOnTheFile: a change is made to the file as it
// is, never to a copy read before another process's change, even one made
// within otherProcessDelay.
func TestJSONFileChangesBuildOnTheFile(t *testing.T) {
	dir := t.TempDir()
	tf, err := OpenTokenFile(dir)
	if err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	if _, err := tf.List(ctx); err != nil { // just looked at
		t.Fatal(err)
	}
	// Another process adds a token.
	other := account.TokenRecord{ID: "aaaaaaaaaaaa", Name: "cli", Role: account.Viewer, Hash: strings.Repeat("a", 64), CreatedAt: time.Now().UTC()}
	if err := writeJSONFile(tf.f.path, tokenDoc{Tokens: []account.TokenRecord{other}}); err != nil {
		t.Fatal(err)
	}
	mine := account.TokenRecord{ID: "bbbbbbbbbbbb", Name: "api", Role: account.Viewer, Hash: strings.Repeat("b", 64), CreatedAt: time.Now().UTC()}
	if added, err := tf.Add(ctx, mine); err != nil || !added {
		t.Fatalf("Add: %v %v", added, err)
	}
	list, err := tf.List(ctx)
	if err != nil || len(list) != 2 {
		t.Fatalf("after another process's token and this one: %+v, %v", list, err)
	}
}
