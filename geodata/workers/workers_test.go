package workers

import (
	"errors"
	"strings"
	"sync/atomic"
	"testing"
)

func TestGroup(t *testing.T) {
	errBoom := errors.New("boom")
	tests := []struct {
		name      string
		panics    []any // one worker per entry; nil does not panic
		wantPanic any
	}{
		{"no panic", []any{nil, nil, nil}, nil},
		{"one panics", []any{nil, "index out of range", nil}, "index out of range"},
		{"an error value", []any{errBoom}, errBoom},
		{"no workers", nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var g Group
			var finished atomic.Int32
			for _, p := range tt.panics {
				g.Go(func() {
					if p != nil {
						panic(p)
					}
					finished.Add(1)
				})
			}
			var got any
			func() {
				defer func() { got = recover() }()
				g.Wait()
			}()
			if tt.wantPanic == nil {
				if got != nil {
					t.Fatalf("Wait panicked with %v", got)
				}
			} else {
				p, ok := got.(*Panic)
				if !ok || p.Value != tt.wantPanic || !strings.Contains(p.Error(), "workers_test.go") {
					t.Fatalf("Wait panicked with %#v, want a *Panic of %v with the worker's stack", got, tt.wantPanic)
				}
				if err, isErr := tt.wantPanic.(error); isErr && !errors.Is(p, err) {
					t.Errorf("errors.Is does not see the panic's error")
				}
			}
			want := 0
			for _, p := range tt.panics {
				if p == nil {
					want++
				}
			}
			if int(finished.Load()) != want {
				t.Errorf("%d workers finished, want %d (the others run to their end)", finished.Load(), want)
			}
		})
	}
}

func TestGroupErr(t *testing.T) {
	var g Group
	g.Go(func() { panic("x") })
	if err := g.Err(); err == nil || !strings.Contains(err.Error(), "panic in a worker goroutine: x") {
		t.Errorf("Err = %v", err)
	}
}

// TestCatch: a function that returns gives nil; one that panics gives the
// value and the stack of the panic, and the caller goes on.
func TestCatch(t *testing.T) {
	ran := false
	if p := Catch(func() { ran = true }); p != nil || !ran {
		t.Fatalf("Catch of a function that returns: %v, ran %v", p, ran)
	}
	p := Catch(func() { panic("boom") })
	if p == nil || p.Value != "boom" || !strings.Contains(string(p.Stack), "TestCatch") {
		t.Fatalf("Catch of a panic: %+v", p)
	}
}
