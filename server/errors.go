package server

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/routerisk/routerisk/geodata"
)

// statusOf is the one table from error code to HTTP status.
var statusOf = map[geodata.Code]int{
	geodata.Invalid:          http.StatusBadRequest,
	geodata.Unauthorized:     http.StatusUnauthorized,
	geodata.Forbidden:        http.StatusForbidden,
	geodata.NotFound:         http.StatusNotFound,
	geodata.MethodNotAllowed: http.StatusMethodNotAllowed,
	geodata.NotAcceptable:    http.StatusNotAcceptable,
	geodata.Conflict:         http.StatusConflict,
	geodata.TooLarge:         http.StatusRequestEntityTooLarge,
	geodata.Unprocessable:    http.StatusUnprocessableEntity,
	geodata.Busy:             http.StatusTooManyRequests,
	geodata.Internal:         http.StatusInternalServerError,
	geodata.Unavailable:      http.StatusServiceUnavailable,

	geodata.UnsupportedMediaType: http.StatusUnsupportedMediaType,
}

// codeOf maps statuses raised by Echo itself (unknown route, wrong method,
// body too large) back onto error codes.
func codeOf(status int) geodata.Code {
	for c, s := range statusOf {
		if s == status {
			return c
		}
	}
	if status >= 400 && status < 500 {
		return geodata.Invalid
	}
	return geodata.Internal
}

// errorBody is the one shape of every error response.
type errorBody struct {
	Code      geodata.Code   `json:"code"`
	Message   string         `json:"message"`
	Details   map[string]any `json:"details"` // {} when there is nothing to add
	RequestID string         `json:"request_id"`
}

// errorHandler turns any error a handler returns into the error shape.
// Internal errors are logged with the request id and answered with a
// generic message.
func errorHandler(log *slog.Logger) echo.HTTPErrorHandler {
	return func(err error, c echo.Context) {
		if c.Response().Committed {
			return
		}
		rid := c.Response().Header().Get(echo.HeaderXRequestID)
		body := errorBody{RequestID: rid}
		var ge *geodata.Error
		var he *echo.HTTPError
		switch {
		case errors.As(err, &ge):
			body.Code, body.Message, body.Details = ge.Code, ge.Message, ge.Details
		case errors.As(err, &he):
			body.Code = codeOf(he.Code)
			body.Message = echoMessage(c, he)
		default:
			body.Code = geodata.Internal
		}
		if body.Details == nil {
			body.Details = map[string]any{}
		}
		status, ok := statusOf[body.Code]
		if !ok {
			status = http.StatusInternalServerError
		}
		if secs, ok := body.Details[geodata.RetryAfterDetail].(int); ok && secs > 0 {
			c.Response().Header().Set("Retry-After", strconv.Itoa(secs))
		}
		if status >= 500 {
			log.Error("request failed", "request_id", rid, "method", c.Request().Method,
				"path", c.Request().URL.Path, "error", err)
			if body.Code == geodata.Internal {
				body.Message = "internal error; the request id identifies it in the server log"
				body.Details = map[string]any{}
			}
		}
		if c.Request().Method == http.MethodHead {
			err = c.NoContent(status)
		} else {
			err = c.JSON(status, body)
		}
		if err != nil {
			log.Error("writing error response", "request_id", rid, "error", err)
		}
	}
}

func echoMessage(c echo.Context, he *echo.HTTPError) string {
	switch he.Code {
	case http.StatusNotFound:
		return fmt.Sprintf("nothing at %s; the API is under /api/v1 (GET /api/v1/layers lists the layers)", c.Request().URL.Path)
	case http.StatusMethodNotAllowed:
		return fmt.Sprintf("method %s is not allowed on %s", c.Request().Method, c.Request().URL.Path)
	case http.StatusRequestEntityTooLarge:
		return "the request body is too large"
	}
	if m, ok := he.Message.(string); ok {
		return m
	}
	return http.StatusText(he.Code)
}
