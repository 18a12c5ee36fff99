//go:build !windows

// Package ptytest helps tests that drive prompts on a pseudo-terminal.
package ptytest

import (
	"errors"
	"fmt"
	"os"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// WaitRaw waits, up to 10 seconds, until the terminal is in raw mode (no
// line editing, no signal keys). Keys typed before the prompt switched the
// terminal are at the mercy of the line discipline, which turns a Ctrl-C
// into a signal for no one and buffers the rest.
func WaitRaw(tty *os.File) error {
	deadline := time.Now().Add(10 * time.Second)
	for {
		tio, err := unix.IoctlGetTermios(int(tty.Fd()), unix.TCGETS)
		if err != nil {
			return fmt.Errorf("reading the terminal mode: %w", err)
		}
		if tio.Lflag&(unix.ICANON|unix.ISIG) == 0 {
			return nil
		}
		if time.Now().After(deadline) {
			return errors.New("the terminal never entered raw mode")
		}
		time.Sleep(time.Millisecond)
	}
}

// RunWithin runs f, which reads a pseudo-terminal, and waits for it up to
// limit. Should f wait for input that never comes, it reports that on t,
// calls hangUp (closing the terminal so f's read fails) and waits a little
// more, so the test fails instead of blocking the whole suite.
func RunWithin(t testing.TB, limit time.Duration, hangUp func(), f func()) {
	t.Helper()
	done := make(chan struct{})
	go func() {
		defer close(done)
		f()
	}()
	select {
	case <-done:
	case <-time.After(limit):
		t.Errorf("still waiting for the terminal after %v; hanging up", limit)
		hangUp()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			t.Fatalf("still waiting after the hang-up")
		}
	}
}
