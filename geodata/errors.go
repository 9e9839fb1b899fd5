package geodata

import (
	"errors"
	"fmt"
	"time"
)

// Code classifies an Error; the server maps each code to one HTTP status.
type Code string

// Error codes. Every error a caller sees carries one of them.
const (
	Invalid          Code = "invalid"            // the request or file is malformed or out of range
	NotFound         Code = "not_found"          // the layer, feature or route does not exist
	Conflict         Code = "conflict"           // the write would overwrite a newer version
	Unauthorized     Code = "unauthorized"       // no or unknown credentials
	Forbidden        Code = "forbidden"          // credentials too weak for the action
	TooLarge         Code = "too_large"          // body or file over a limit
	Unprocessable    Code = "unprocessable"      // the file was read, but features in it are not acceptable
	Busy             Code = "busy"               // too many requests of this kind at once; try again later
	Unavailable      Code = "unavailable"        // a dependency is down and there is no fallback
	Internal         Code = "internal"           // a bug or an I/O failure; details are logged, not returned
	MethodNotAllowed Code = "method_not_allowed" // the path exists, the method does not
	NotAcceptable    Code = "not_acceptable"     // no representation matches the Accept header

	UnsupportedMediaType Code = "unsupported_media_type" // the body is not of a Content-Type the endpoint takes
)

// Error is the one error type that crosses package borders. Message is
// written for the person who made the request (what is wrong and what to
// do); Details carries structured, safe-to-show context such as the
// parameter name and the allowed range.
type Error struct {
	Code    Code
	Message string
	Details map[string]any
	Err     error // wrapped cause, never shown to callers
}

// Error implements error.
func (e *Error) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("%s: %s: %v", e.Code, e.Message, e.Err)
	}
	return fmt.Sprintf("%s: %s", e.Code, e.Message)
}

// Unwrap returns the wrapped cause.
func (e *Error) Unwrap() error { return e.Err }

// Errorf builds an Error with a formatted message.
func Errorf(code Code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// InvalidParam reports a bad query parameter, naming it and what is allowed.
func InvalidParam(param, problem, allowed string) *Error {
	return &Error{
		Code:    Invalid,
		Message: fmt.Sprintf("parameter %q %s; %s", param, problem, allowed),
		Details: map[string]any{"parameter": param, "allowed": allowed},
	}
}

// ErrorCode returns the code of err, Internal for errors that carry none.
func ErrorCode(err error) Code {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return Internal
}

// RetryAfterDetail is the Details key that says how many seconds to wait
// before trying again; the server also sends it as the Retry-After header.
const RetryAfterDetail = "retry_after_seconds"

// Unreachable reports a dependency that did not answer (the database, the
// session store): code Unavailable, saying what is down and when to try
// again. The cause is kept for the log and never shown.
func Unreachable(what string, retryAfter time.Duration, err error) *Error {
	secs := max(1, int((retryAfter+time.Second-1)/time.Second))
	return &Error{Code: Unavailable, Err: err, Details: map[string]any{RetryAfterDetail: secs},
		Message: fmt.Sprintf("%s is not answering; try again in %d seconds", what, secs)}
}
