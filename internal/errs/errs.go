// Package errs defines the application's error type: a code that says what
// kind of failure happened and a message that is safe to show to a user.
//
// Messages never carry personal data (names, dates of birth, narratives):
// they name fields, rows and rules, not values. Internal errors keep their
// cause for the log but show only a generic message to users.
package errs

import (
	"errors"
	"fmt"
	"net/http"
)

// Code classifies an error. The set is small on purpose: every layer maps
// its failures onto it, and the web layer maps it onto HTTP in one table.
type Code string

// Error codes.
const (
	Invalid      Code = "invalid"      // input fails validation
	NotFound     Code = "not_found"    // no such record (or not visible to the caller)
	Conflict     Code = "conflict"     // state forbids the change (duplicate, stale version)
	Unauthorized Code = "unauthorized" // not signed in, or credentials wrong
	Forbidden    Code = "forbidden"    // signed in but not allowed
	TooMany      Code = "too_many"     // rate limit reached
	Unavailable  Code = "unavailable"  // a dependency (database) is not reachable
	Internal     Code = "internal"     // a bug or an unexpected failure
)

// Error is an error with a code, a safe message and an optional field name.
type Error struct {
	Code    Code
	Message string // safe to show to the user; never personal data
	Field   string // the input field the error concerns, if any
	Err     error  // the cause, for logs only
}

func (e *Error) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("%s: %s: %v", e.Code, e.Message, e.Err)
	}
	return fmt.Sprintf("%s: %s", e.Code, e.Message)
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// E returns an error with a code and a safe message.
func E(code Code, format string, args ...any) error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Field returns an Invalid error about one input field.
func Field(field, format string, args ...any) error {
	return &Error{Code: Invalid, Field: field, Message: fmt.Sprintf(format, args...)}
}

// Wrap returns an Internal error that keeps cause for the log. op names the
// operation that failed ("store: create user"); it is not shown to users.
func Wrap(cause error, op string) error {
	if cause == nil {
		return nil
	}
	var e *Error
	if errors.As(cause, &e) {
		return cause
	}
	return &Error{Code: Internal, Message: op, Err: cause}
}

// CodeOf returns the code of err, Internal for errors without one, and ""
// for nil.
func CodeOf(err error) Code {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return Internal
}

// Is reports whether err carries code.
func Is(err error, code Code) bool { return err != nil && CodeOf(err) == code }

// MessageOf returns the message a user may see: the safe message of a coded
// error, and a generic sentence for internal errors, whose text may reveal
// implementation details.
func MessageOf(err error) string {
	var e *Error
	if errors.As(err, &e) && e.Code != Internal {
		return e.Message
	}
	return "An internal error occurred. It has been logged; please try again or contact your administrator."
}

// FieldOf returns the field an error concerns, or "".
func FieldOf(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Field
	}
	return ""
}

// httpStatus is the one table that maps codes onto HTTP status codes.
var httpStatus = map[Code]int{
	Invalid:      http.StatusUnprocessableEntity,
	NotFound:     http.StatusNotFound,
	Conflict:     http.StatusConflict,
	Unauthorized: http.StatusUnauthorized,
	Forbidden:    http.StatusForbidden,
	TooMany:      http.StatusTooManyRequests,
	Unavailable:  http.StatusServiceUnavailable,
	Internal:     http.StatusInternalServerError,
}

// HTTPStatus returns the HTTP status code for err.
func HTTPStatus(err error) int {
	if s, ok := httpStatus[CodeOf(err)]; ok {
		return s
	}
	return http.StatusInternalServerError
}
