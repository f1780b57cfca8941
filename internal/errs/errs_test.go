package errs

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
)

func TestCodesAndStatuses(t *testing.T) {
	cause := errors.New("pq: relation users does not exist")
	tests := []struct {
		name    string
		err     error
		code    Code
		status  int
		message string
	}{
		{"invalid field", Field("birth_date", "The date of birth is not a date."), Invalid, http.StatusUnprocessableEntity, "The date of birth is not a date."},
		{"not found", E(NotFound, "No such child."), NotFound, http.StatusNotFound, "No such child."},
		{"conflict", E(Conflict, "Changed by someone else."), Conflict, http.StatusConflict, "Changed by someone else."},
		{"unauthorized", E(Unauthorized, "Wrong user name or password."), Unauthorized, http.StatusUnauthorized, "Wrong user name or password."},
		{"forbidden", E(Forbidden, "Not allowed."), Forbidden, http.StatusForbidden, "Not allowed."},
		{"too many", E(TooMany, "Too many attempts."), TooMany, http.StatusTooManyRequests, "Too many attempts."},
		{"unavailable", E(Unavailable, "Busy."), Unavailable, http.StatusServiceUnavailable, "Busy."},
		{"wrapped cause is internal", Wrap(cause, "store: list users"), Internal, http.StatusInternalServerError, "An internal error occurred"},
		{"plain error is internal", cause, Internal, http.StatusInternalServerError, "An internal error occurred"},
		{"coded error survives wrapping", fmt.Errorf("handler: %w", E(NotFound, "No such case.")), NotFound, http.StatusNotFound, "No such case."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := CodeOf(tt.err); got != tt.code {
				t.Errorf("CodeOf = %q, want %q", got, tt.code)
			}
			if got := HTTPStatus(tt.err); got != tt.status {
				t.Errorf("HTTPStatus = %d, want %d", got, tt.status)
			}
			if got := MessageOf(tt.err); !strings.HasPrefix(got, tt.message) {
				t.Errorf("MessageOf = %q, want it to start with %q", got, tt.message)
			}
			if strings.Contains(MessageOf(tt.err), "relation users") {
				t.Error("an internal cause reached the user's message")
			}
		})
	}
}

func TestWrapKeepsCodedErrorsAndNil(t *testing.T) {
	if Wrap(nil, "op") != nil {
		t.Error("Wrap(nil) is not nil")
	}
	coded := E(Conflict, "x")
	if Wrap(coded, "op") != coded {
		t.Error("Wrap replaced a coded error")
	}
	if FieldOf(Field("sex", "bad")) != "sex" || FieldOf(E(Invalid, "x")) != "" {
		t.Error("FieldOf")
	}
	if !Is(coded, Conflict) || Is(nil, Conflict) || CodeOf(nil) != "" {
		t.Error("Is / CodeOf(nil)")
	}
	if !errors.Is(Wrap(errors.ErrUnsupported, "op"), errors.ErrUnsupported) {
		t.Error("Wrap hides its cause from errors.Is")
	}
}
