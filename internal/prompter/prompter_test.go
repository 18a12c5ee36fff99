//go:build !windows

package prompter

import (
	"errors"
	"testing"
	"time"

	expect "github.com/Netflix/go-expect"
	"github.com/creack/pty"
	"github.com/hinshun/vt10x"

	"github.com/kubenetgen/kubenetgen/internal/cmdutil"
	"github.com/kubenetgen/kubenetgen/internal/ptytest"
)

// onTerminal runs ask against a Prompter on a pseudo-terminal while keys
// types into it, the way survey's own tests do: the keys come from a
// goroutine that never fails the test fatally, every expectation has a
// timeout, and the terminal is closed once ask returned.
func onTerminal(t *testing.T, keys func(c *expect.Console) error, ask func(Prompter) error) {
	t.Helper()
	ptmx, tty, err := pty.Open()
	if err != nil {
		t.Fatalf("opening a pseudo-terminal: %v", err)
	}
	term := vt10x.New(vt10x.WithWriter(tty))
	c, err := expect.NewConsole(expect.WithStdin(ptmx), expect.WithStdout(term), expect.WithCloser(ptmx, tty),
		expect.WithDefaultTimeout(10*time.Second))
	if err != nil {
		t.Fatalf("creating the console: %v", err)
	}
	defer c.Close()
	done := make(chan error, 1)
	go func() {
		err := keys(c)
		if err != nil {
			ptmx.Close() // hang up, so ask returns
		} else {
			_, err = c.ExpectEOF()
		}
		done <- err
	}()
	ptytest.RunWithin(t, 30*time.Second, func() { ptmx.Close(); c.Tty().Close() }, func() {
		if err := ask(New(c.Tty(), c.Tty())); err != nil {
			t.Error(err)
		}
	})
	c.Tty().Close()
	if err := <-done; err != nil {
		t.Errorf("typing: %v", err)
	}
}

func steps(c *expect.Console, s ...string) error {
	for i := 0; i+1 < len(s); i += 2 {
		if _, err := c.ExpectString(s[i]); err != nil {
			return err
		}
		// Keys must wait until the prompt has put the terminal in raw
		// mode: in cooked mode the line discipline eats a Ctrl-C.
		if err := ptytest.WaitRaw(c.Tty()); err != nil {
			return err
		}
		if _, err := c.Send(s[i+1]); err != nil {
			return err
		}
	}
	return nil
}

func TestSurveyPrompter(t *testing.T) {
	onTerminal(t, func(c *expect.Console) error {
		return steps(c,
			"Name", "Bad\r",
			"must be lowercase", "\x7f\x7f\x7fgood\r",
			"Pick", "\r",
			"Many", "\x1b[B \r",
			"Sure?", "n\r")
	}, func(p Prompter) error {
		name, err := p.Input("Name", "help", "", func(s string) error {
			if s == "Bad" {
				return errors.New("must be lowercase")
			}
			return nil
		})
		if err != nil || name != "good" {
			t.Errorf("Input = %q, %v; want good", name, err)
		}
		i, err := p.Select("Pick", "help", []string{"a", "b", "c"}, 2)
		if err != nil || i != 2 {
			t.Errorf("Select = %d, %v; want the default, 2", i, err)
		}
		// a is checked by default; down and space check b too.
		is, err := p.MultiSelect("Many", "help", []string{"a", "b", "c"}, []int{0})
		if err != nil || len(is) != 2 || is[0] != 0 || is[1] != 1 {
			t.Errorf("MultiSelect = %v, %v; want [0 1]", is, err)
		}
		ok, err := p.Confirm("Sure?", "help", true)
		if err != nil || ok {
			t.Errorf("Confirm = %v, %v; want false", ok, err)
		}
		return nil
	})
}

func TestSurveyPrompterInterrupt(t *testing.T) {
	onTerminal(t, func(c *expect.Console) error {
		return steps(c, "Name", "\x03")
	}, func(p Prompter) error {
		if _, err := p.Input("Name", "help", "x", nil); !errors.Is(err, cmdutil.ErrCanceled) {
			t.Errorf("Ctrl-C: err = %v, want cmdutil.ErrCanceled", err)
		}
		return nil
	})
}
