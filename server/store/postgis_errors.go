package store

import (
	"context"
	"errors"
	"io"
	"net"
	"strings"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/routerisk/routerisk/geodata"
)

// retryAfter is how long a caller is asked to wait when the database does
// not answer.
const retryAfter = 5 * time.Second

// unavailable turns *err into code Unavailable when it says the database
// cannot be reached (refused, reset, timed out, shutting down, the pool
// closed); other errors, and errors that carry a code, stay as they are.
// Deferred by every method a request calls, so an outage is a 503 with
// Retry-After, never a 500.
func (s *PostGIS) unavailable(err *error) {
	var ge *geodata.Error
	if *err == nil || errors.As(*err, &ge) || !connectionLost(*err) {
		return
	}
	*err = geodata.Unreachable("the layer database (PostGIS at "+s.server+")", retryAfter, *err)
}

// connectionLost reports whether err means the database could not be
// reached or dropped the connection, rather than refusing the query.
func connectionLost(err error) bool {
	if errors.Is(err, context.Canceled) {
		return false // the caller went away
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		// Class 08: connection exception; 57P01–57P03: shutting down or
		// starting; 53300: too many connections.
		return strings.HasPrefix(pgErr.Code, "08") || pgErr.Code == "57P01" || pgErr.Code == "57P02" ||
			pgErr.Code == "57P03" || pgErr.Code == "53300"
	}
	var connectErr *pgconn.ConnectError
	var netErr net.Error
	switch {
	case errors.As(err, &connectErr), errors.As(err, &netErr), pgconn.Timeout(err), pgconn.SafeToRetry(err),
		errors.Is(err, context.DeadlineExceeded), errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF),
		errors.Is(err, syscall.ECONNREFUSED), errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.EPIPE):
		return true
	}
	return strings.Contains(err.Error(), "closed pool")
}
