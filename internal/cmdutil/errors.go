// Package cmdutil holds what every kubenetgen command shares: the factory
// of dependencies and the errors that choose the process's exit code.
package cmdutil

import (
	"errors"
	"fmt"

	"github.com/kubenetgen/kubenetgen/internal/iostreams"
)

// Exit codes of the kubenetgen process.
const (
	ExitOK       = 0
	ExitError    = 1 // validation errors, findings, failed writes
	ExitUsage    = 2 // wrong flags or arguments
	ExitCanceled = 130
)

// Factory carries the dependencies of the commands, so tests can swap them.
type Factory struct {
	IOStreams *iostreams.IOStreams
	// Version is the build's version string.
	Version string
}

// FlagError is a usage error: wrong flags or arguments. The process exits
// 2 and shows the command's usage hint.
type FlagError struct{ Err error }

func (e *FlagError) Error() string { return e.Err.Error() }
func (e *FlagError) Unwrap() error { return e.Err }

// FlagErrorf returns a FlagError with a formatted message.
func FlagErrorf(format string, args ...any) error {
	return &FlagError{Err: fmt.Errorf(format, args...)}
}

// ErrCanceled means the user interrupted the command (Ctrl-C); nothing was
// written and the process exits 130.
var ErrCanceled = errors.New("canceled: nothing was written")

// ErrSilent exits 1 without printing anything more: the command already
// reported what went wrong.
var ErrSilent = errors.New("silent error")

// ExitCode maps an error returned by a command to the process's exit code.
func ExitCode(err error) int {
	var fe *FlagError
	switch {
	case err == nil:
		return ExitOK
	case errors.Is(err, ErrCanceled):
		return ExitCanceled
	case errors.As(err, &fe):
		return ExitUsage
	default:
		return ExitError
	}
}
