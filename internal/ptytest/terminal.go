//go:build !windows

package ptytest

import (
	"os"
	"reflect"
	"testing"
	"time"

	expect "github.com/Netflix/go-expect"
	"github.com/creack/pty"
	"github.com/hinshun/vt10x"
	xterm "golang.org/x/term"
)

// Terminal is a pseudo-terminal with a terminal emulator at its far end:
// the code under test reads keys from and draws on Tty, the test types
// and waits for output through Console, and reads the screen from Screen.
type Terminal struct {
	Console *expect.Console
	Screen  vt10x.Terminal
	// ptmx carries the emulator's answers (cursor positions) to Tty.
	ptmx *os.File
	mode *xterm.State
}

// NewTerminal opens a terminal cols by rows; timeout bounds each expectation.
// It is closed when the test ends.
func NewTerminal(t testing.TB, cols, rows int, timeout time.Duration) *Terminal {
	t.Helper()
	ptmx, tty, err := pty.Open()
	if err != nil {
		t.Fatalf("opening a pseudo-terminal: %v", err)
	}
	screen := vt10x.New(vt10x.WithWriter(tty), vt10x.WithSize(cols, rows))
	c, err := expect.NewConsole(expect.WithStdin(ptmx), expect.WithStdout(screen), expect.WithCloser(ptmx, tty),
		expect.WithDefaultTimeout(timeout))
	if err != nil {
		t.Fatalf("creating the console: %v", err)
	}
	t.Cleanup(func() { c.Close() })
	// The code under test runs on the console's own terminal, c.Tty(),
	// which is the one to size.
	if err := pty.Setsize(c.Tty(), &pty.Winsize{Cols: uint16(cols), Rows: uint16(rows)}); err != nil {
		t.Fatalf("sizing the pseudo-terminal: %v", err)
	}
	mode, err := xterm.GetState(int(c.Tty().Fd()))
	if err != nil {
		t.Fatalf("reading the terminal's mode: %v", err)
	}
	return &Terminal{Console: c, Screen: screen, ptmx: ptmx, mode: mode}
}

// Tty is the terminal the code under test uses.
func (p *Terminal) Tty() *os.File { return p.Console.Tty() }

// HangUp closes the typing end, so that a read of Tty fails instead of
// waiting for keys that never come.
func (p *Terminal) HangUp() { p.ptmx.Close() }

// Close closes both ends.
func (p *Terminal) Close() {
	p.ptmx.Close()
	p.Tty().Close()
}

// CheckModeRestored reports on t if the terminal is not in the mode it
// had when opened (echo, line editing): a prompt left it raw.
func (p *Terminal) CheckModeRestored(t testing.TB) {
	t.Helper()
	if after, err := xterm.GetState(int(p.Tty().Fd())); err != nil || !reflect.DeepEqual(p.mode, after) {
		t.Errorf("the terminal's mode changed (err %v): before %+v, after %+v", err, p.mode, after)
	}
}
