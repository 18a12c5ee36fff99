//go:build !windows

// Package ptytest helps tests that drive prompts on a pseudo-terminal.
package ptytest

import (
	"errors"
	"fmt"
	"os"
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
