package cmdutil

import (
	"errors"
	"fmt"
	"testing"
)

func TestExitCode(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want int
	}{
		{"success", nil, ExitOK},
		{"a plain error", errors.New("boom"), ExitError},
		{"a usage error", FlagErrorf("--x %q is wrong", "y"), ExitUsage},
		{"a wrapped usage error", fmt.Errorf("parsing: %w", FlagErrorf("bad")), ExitUsage},
		{"canceled", ErrCanceled, ExitCanceled},
		{"canceled inside a usage error", &FlagError{Err: ErrCanceled}, ExitCanceled},
		{"silent", ErrSilent, ExitError},
	}
	for _, tt := range tests {
		if got := ExitCode(tt.err); got != tt.want {
			t.Errorf("ExitCode(%s: %v) = %d, want %d", tt.name, tt.err, got, tt.want)
		}
	}
}

// TestFlagError keeps the message and the wrapped error.
func TestFlagError(t *testing.T) {
	inner := errors.New("inner")
	err := FlagErrorf("--name: %w", inner)
	if got, want := err.Error(), "--name: inner"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	var fe *FlagError
	if !errors.As(err, &fe) || !errors.Is(err, inner) {
		t.Errorf("FlagErrorf(%%w) = %#v: not a FlagError wrapping its cause", err)
	}
}
