// Package iostreams bundles the standard streams a command uses, with the
// terminal facts that decide whether it may prompt.
package iostreams

import (
	"bytes"
	"io"
	"os"

	"golang.org/x/term"
)

// IOStreams are a command's input, output and error streams. Data (the
// manifests) goes to Out; prompts, progress, warnings and errors to ErrOut.
type IOStreams struct {
	In     io.Reader
	Out    io.Writer
	ErrOut io.Writer

	inTTY, outTTY, errTTY bool
	neverPrompt           bool
}

// System returns the process's streams, prompting disabled when
// KUBENETGEN_NO_PROMPT is set to a true value.
func System() *IOStreams {
	s := &IOStreams{In: os.Stdin, Out: os.Stdout, ErrOut: os.Stderr}
	s.inTTY = isTerminal(os.Stdin)
	s.outTTY = isTerminal(os.Stdout)
	s.errTTY = isTerminal(os.Stderr)
	switch os.Getenv("KUBENETGEN_NO_PROMPT") {
	case "", "0", "false", "no":
	default:
		s.neverPrompt = true
	}
	return s
}

// Test returns streams over buffers, with no terminal, for tests.
func Test() (*IOStreams, *bytes.Buffer, *bytes.Buffer, *bytes.Buffer) {
	in, out, errOut := &bytes.Buffer{}, &bytes.Buffer{}, &bytes.Buffer{}
	return &IOStreams{In: in, Out: out, ErrOut: errOut}, in, out, errOut
}

// SetTTY marks the streams as terminals (tests of the prompting path).
func (s *IOStreams) SetTTY(in, out bool) { s.inTTY, s.outTTY = in, out }

// SetNeverPrompt disables prompting (the --no-prompt flag).
func (s *IOStreams) SetNeverPrompt(v bool) { s.neverPrompt = v }

// CanPrompt reports whether the command may ask questions: stdin and
// stdout are terminals and prompting is not disabled.
func (s *IOStreams) CanPrompt() bool { return s.inTTY && s.outTTY && !s.neverPrompt }

// IsStderrTTY reports whether errors go to a terminal.
func (s *IOStreams) IsStderrTTY() bool { return s.errTTY }

func isTerminal(f *os.File) bool { return term.IsTerminal(int(f.Fd())) }
