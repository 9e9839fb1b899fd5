// Package workers runs the goroutines of one computation (the route-risk
// segments spread over the processors, say) so that a panic in one of them
// reaches the goroutine that waits for them, instead of ending the
// process: a server's request goroutine recovers it into a logged 500 with
// the request id, and the server lives on.
//
// A panic in a goroutine can only be recovered inside that goroutine; a
// recover at the call site sees nothing. Group is a sync.WaitGroup that
// does the recovering:
//
//	var g workers.Group
//	for range n {
//		g.Go(work)
//	}
//	g.Wait() // panics here, in the caller, if a worker panicked
package workers

import (
	"fmt"
	"runtime/debug"
	"sync"
)

// Group waits for a set of goroutines, like sync.WaitGroup, and carries
// the first panic among them to the caller of Wait. The zero Group is
// ready to use; a Group is not reused after Wait.
type Group struct {
	wg    sync.WaitGroup
	mu    sync.Mutex
	panic *Panic
}

// Go runs f in a new goroutine of the group. A panic in f is recovered and
// kept for Wait; the other goroutines run to their end.
func (g *Group) Go(f func()) {
	g.wg.Go(func() {
		if p := Catch(f); p != nil {
			g.mu.Lock()
			if g.panic == nil {
				g.panic = p
			}
			g.mu.Unlock()
		}
	})
}

// Catch runs f and returns the panic it ended with, recovered, or nil:
// for a goroutine that hands its panic on itself.
func Catch(f func()) (p *Panic) {
	defer func() {
		if v := recover(); v != nil {
			p = &Panic{Value: v, Stack: debug.Stack()}
		}
	}()
	f()
	return nil
}

// Wait waits for every goroutine of the group. If one of them panicked,
// Wait panics in the caller's goroutine with a *Panic holding the first
// value and the stack of the goroutine it came from.
func (g *Group) Wait() {
	g.wg.Wait()
	if err := g.Err(); err != nil {
		panic(err)
	}
}

// Err waits for every goroutine of the group and returns the first panic
// among them as an error (a *Panic), or nil: for callers that would
// rather return it than panic.
func (g *Group) Err() error {
	g.wg.Wait()
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.panic == nil {
		return nil
	}
	return g.panic
}

// Panic is a panic recovered in a worker goroutine.
type Panic struct {
	Value any    // what the goroutine panicked with
	Stack []byte // its stack when it panicked
}

// Error implements error: the value, then the worker's stack, for the log.
func (p *Panic) Error() string {
	return fmt.Sprintf("panic in a worker goroutine: %v\n%s", p.Value, p.Stack)
}

// Unwrap returns the value when it is an error.
func (p *Panic) Unwrap() error {
	err, _ := p.Value.(error)
	return err
}
