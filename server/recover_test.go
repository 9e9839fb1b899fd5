package server

import (
	"bytes"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/labstack/echo/v4"

	"github.com/routerisk/routerisk/geodata/workers"
)

// syncBuffer is a log the server may write from several goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestWorkerPanicIsA500: a panic in a goroutine a request started (through
// workers.Group, as a computation spread over the processors does) is
// answered 500 with the request id, logged with that id and the worker's
// stack, and the server goes on answering.
func TestWorkerPanicIsA500(t *testing.T) {
	a := newWriteApp(t, UploadOptions{})
	var logs syncBuffer
	e := New(Options{UseCases: a.uc, Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	e.GET("/api/v1/test-workers", func(c echo.Context) error {
		var g workers.Group
		for i := range 4 {
			g.Go(func() {
				if i == 2 {
					var m map[string]int
					m["x"]++ // a bug: assignment to a nil map
				}
			})
		}
		g.Wait()
		return c.String(http.StatusOK, "done")
	})
	r := do(t, e, http.MethodGet, "/api/v1/test-workers")
	body := errorOf(t, r)
	if r.Code != 500 || body.RequestID == "" || body.RequestID != r.Header().Get(echo.HeaderXRequestID) {
		t.Fatalf("%d %+v", r.Code, body)
	}
	if strings.Contains(r.Body.String(), "nil map") {
		t.Errorf("the panic reached the caller: %s", r.Body)
	}
	log := logs.String()
	if !strings.Contains(log, body.RequestID) || !strings.Contains(log, "assignment to entry in nil map") || !strings.Contains(log, "recover_test.go") {
		t.Errorf("the log lacks the request id, the panic or the worker's stack:\n%s", log)
	}
	if r := do(t, e, http.MethodGet, "/healthz"); r.Code != 200 {
		t.Errorf("after the panic: %d", r.Code)
	}
}
