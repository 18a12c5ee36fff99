//go:build !windows

package prompter

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	expect "github.com/Netflix/go-expect"
	"github.com/hinshun/vt10x"

	"github.com/kubenetgen/kubenetgen/internal/cmdutil"
	"github.com/kubenetgen/kubenetgen/internal/ptytest"
)

// Size of the test terminal.
const (
	screenCols = 80
	screenRows = 24
)

// Keys a user presses.
const (
	enter     = "\r"
	backspace = "\x7f"
	ctrlA     = "\x01"
	ctrlC     = "\x03"
	ctrlD     = "\x04"
	ctrlE     = "\x05"
	ctrlU     = "\x15"
	left      = "\x1b[D"
	right     = "\x1b[C"
	home      = "\x1b[H"
	end       = "\x1b[F"
	del       = "\x1b[3~"
)

// session types into a terminal from the test's side, in its own
// goroutine: the first failed step is kept in err and the steps after it
// do nothing.
type session struct {
	c    *expect.Console
	term vt10x.Terminal
	err  error
}

// expect waits until the output has str.
func (s *session) expect(str string) {
	if s.err == nil {
		_, s.err = s.c.ExpectString(str)
	}
}

// send types keys once the prompt has put the terminal in raw mode: in
// cooked mode the line discipline eats a Ctrl-C and buffers the rest.
func (s *session) send(keys string) {
	if s.err != nil {
		return
	}
	if s.err = ptytest.WaitRaw(s.c.Tty()); s.err == nil {
		_, s.err = s.c.Send(keys)
	}
}

// steps waits for each question in turn and types its keys.
func (s *session) steps(questionKeys ...string) {
	for i := 0; i+1 < len(questionKeys); i += 2 {
		s.expect(questionKeys[i])
		s.send(questionKeys[i+1])
	}
}

// settle waits until the prompt has finished drawing (it hides the
// cursor while it draws) and the screen's first rows, trailing blanks
// trimmed, are rows.
func (s *session) settle(rows ...string) {
	s.settleAt(-1, -1, rows...)
}

// settleAt is settle that also waits for the cursor to be at column x,
// row y (from 0), as after keys that only move it.
func (s *session) settleAt(x, y int, rows ...string) {
	if s.err != nil {
		return
	}
	m := screenMatcher{s.term, rows, x, y}
	if _, err := s.c.Expect(func(o *expect.ExpectOpts) error {
		o.Matchers = append(o.Matchers, m)
		return nil
	}); err != nil {
		c := s.term.Cursor()
		s.err = fmt.Errorf("waiting for the rows %q, cursor at %d,%d: %w; cursor at %d,%d, screen:\n%s",
			rows, x, y, err, c.X, c.Y, s.term)
	}
}

type screenMatcher struct {
	term vt10x.Terminal
	rows []string
	x, y int // where the cursor must be, or -1
}

func (m screenMatcher) Match(v any) bool {
	if _, failed := v.(error); failed || !m.term.CursorVisible() {
		return false
	}
	if c := m.term.Cursor(); m.x >= 0 && (c.X != m.x || c.Y != m.y) {
		return false
	}
	return slices.Equal(screenLines(m.term)[:len(m.rows)], m.rows)
}

func (m screenMatcher) Criteria() any { return m.rows }

// screenLines returns the rows of the screen, trailing blanks trimmed.
func screenLines(term vt10x.Terminal) []string {
	rows := strings.Split(strings.TrimSuffix(term.String(), "\n"), "\n")
	for i, r := range rows {
		rows[i] = strings.TrimRight(r, " ")
	}
	return rows
}

// onTerminal runs ask against a Prompter on a pseudo-terminal while keys
// types into it, the way survey's own tests do: the keys come from a
// goroutine that never fails the test fatally, every expectation has a
// timeout, and the terminal is closed once ask returned. It returns the
// rows of the final screen, trailing blanks trimmed.
func onTerminal(t *testing.T, keys func(s *session), ask func(Prompter) error) []string {
	t.Helper()
	pt := ptytest.NewTerminal(t, screenCols, screenRows, 10*time.Second)
	c, term := pt.Console, pt.Screen
	done := make(chan struct{})
	go func() {
		defer close(done)
		s := &session{c: c, term: term}
		keys(s)
		if s.err != nil {
			t.Errorf("typing: %v", s.err)
			pt.HangUp() // so ask returns
		} else if _, err := c.ExpectEOF(); err != nil {
			t.Errorf("waiting for the end of the output: %v", err)
		}
	}()
	ptytest.RunWithin(t, 30*time.Second, pt.Close, func() {
		if err := ask(New(c.Tty(), c.Tty())); err != nil {
			t.Error(err)
		}
	})
	// However the question ended, the terminal is back in its mode (echo,
	// line editing).
	pt.CheckModeRestored(t)
	c.Tty().Close()
	<-done
	if !term.CursorVisible() {
		t.Errorf("the cursor is left hidden")
	}
	return screenLines(term)
}

// wantRows checks the first rows of a screen.
func wantRows(t *testing.T, screen []string, rows ...string) {
	t.Helper()
	if got := screen[:len(rows)]; !slices.Equal(got, rows) {
		t.Errorf("screen starts with\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(rows, "\n"))
	}
}

func TestSurveyPrompter(t *testing.T) {
	onTerminal(t, func(s *session) {
		s.steps(
			"Name", "Bad"+enter,
			"invalid: must be lowercase", backspace+backspace+backspace+"good"+enter,
			"Pick", enter,
			"Many", "\x1b[B "+enter,
			"Sure?", "n"+enter)
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
	onTerminal(t, func(s *session) {
		s.steps("Name", ctrlC)
	}, func(p Prompter) error {
		if _, err := p.Input("Name", "help", "x", nil); !errors.Is(err, cmdutil.ErrCanceled) {
			t.Errorf("Ctrl-C: err = %v, want cmdutil.ErrCanceled", err)
		}
		return nil
	})
}

var dnsLabelPattern = regexp.MustCompile(`^[a-z]([-a-z0-9]*[a-z0-9])?$`)

const dnsLabelProblem = "must be a DNS label such as shop"

func dnsLabel(s string) error {
	if !dnsLabelPattern.MatchString(s) {
		return errors.New(dnsLabelProblem)
	}
	return nil
}

// askInput returns an ask function that asks one Input and checks its
// answer.
func askInput(t *testing.T, message, help, def string, validate func(string) error, want string) func(Prompter) error {
	return func(p Prompter) error {
		got, err := p.Input(message, help, def, validate)
		if err != nil || got != want {
			t.Errorf("Input(%q) = %q, %v; want %q", message, got, err, want)
		}
		return nil
	}
}

// TestInputValidatesAsYouType shows the problem with the text below it
// before enter, and takes it away once the text is corrected.
func TestInputValidatesAsYouType(t *testing.T) {
	screen := onTerminal(t, func(s *session) {
		s.expect("Name")
		s.send("Shop")
		s.settle("? Name Shop", "X "+dnsLabelProblem)
		s.send(backspace + backspace + backspace + backspace + "shop")
		s.settle("? Name shop", "")
		s.send(enter)
	}, askInput(t, "Name", "", "", dnsLabel, "shop"))
	wantRows(t, screen, "? Name shop", "")
}

// TestInputRefusesOnEnter presses enter on a refused answer, then on an
// empty line whose default is refused: both are asked again.
func TestInputRefusesOnEnter(t *testing.T) {
	screen := onTerminal(t, func(s *session) {
		s.expect("Name")
		s.send("Bad_name" + enter)
		s.expect("X Sorry, your reply was invalid: " + dnsLabelProblem)
		s.send("good" + enter)
		s.expect("Other")
		s.send(enter)
		s.expect("X Sorry, your reply was invalid: " + dnsLabelProblem)
		s.send("ok" + enter)
	}, func(p Prompter) error {
		if err := askInput(t, "Name", "", "", dnsLabel, "good")(p); err != nil {
			return err
		}
		return askInput(t, "Other", "", "Bad", dnsLabel, "ok")(p)
	})
	wantRows(t, screen, "X Sorry, your reply was invalid: "+dnsLabelProblem, "? Name good",
		"X Sorry, your reply was invalid: "+dnsLabelProblem, "? Other ok", "")
}

// TestInputEditing edits in the middle of a line of non-ASCII text.
func TestInputEditing(t *testing.T) {
	screen := onTerminal(t, func(s *session) {
		s.expect("Text")
		s.send("grüße welt")
		s.settle("? Text grüße welt")
		s.send(left + left + left + left)
		s.settleAt(len([]rune("? Text grüße ")), 0, "? Text grüße welt")
		s.send(backspace + "-" + ctrlA + del + "G" + ctrlE + "!" + right + home + right + right + end + left + backspace)
		s.settle("? Text Grüße-wel!")
		s.send(left + ctrlU + enter)
	}, askInput(t, "Text", "", "", nil, "l!"))
	wantRows(t, screen, "? Text l!", "")
}

// TestInputInterruptWhileTyping presses Ctrl-C with a refused text and its
// problem on screen.
func TestInputInterruptWhileTyping(t *testing.T) {
	screen := onTerminal(t, func(s *session) {
		s.expect("Name")
		s.send("Sho")
		s.settle("? Name (shop) Sho", "X "+dnsLabelProblem)
		s.send(ctrlC)
	}, func(p Prompter) error {
		if got, err := p.Input("Name", "", "shop", dnsLabel); !errors.Is(err, cmdutil.ErrCanceled) {
			t.Errorf("Ctrl-C: Input = %q, %v; want cmdutil.ErrCanceled", got, err)
		}
		return nil
	})
	// The question stays as it was, without its problem.
	wantRows(t, screen, "? Name (shop) Sho", "")
}

// TestInputCtrlD: Ctrl-D on an empty line ends the input, as in bash: the
// question is canceled, not answered with its default; on a line it
// deletes the character under the cursor, as readline does.
func TestInputCtrlD(t *testing.T) {
	onTerminal(t, func(s *session) {
		s.expect("Name")
		s.send("shopx" + left + ctrlD)
		s.settle("? Name (hello) shop")
		s.send(ctrlU + ctrlD)
	}, func(p Prompter) error {
		if got, err := p.Input("Name", "", "hello", nil); !errors.Is(err, cmdutil.ErrCanceled) {
			t.Errorf("Ctrl-D: Input = %q, %v; want cmdutil.ErrCanceled", got, err)
		}
		return nil
	})
}

// TestInputHelp types ?, which is not judged, and enter to read the help.
func TestInputHelp(t *testing.T) {
	screen := onTerminal(t, func(s *session) {
		s.expect("Name")
		s.send("?")
		s.settle("? Name [? for help] ?", "")
		s.send(enter)
		s.settle("? the app's name, such as shop", "? Name", "")
		s.send("shop" + enter)
	}, askInput(t, "Name", "the app's name, such as shop", "", dnsLabel, "shop"))
	wantRows(t, screen, "? Name shop", "")
}

// TestInputLongLine types a line longer than the terminal is wide.
func TestInputLongLine(t *testing.T) {
	atMost100 := func(s string) error {
		if n := len(s); n > 100 {
			return fmt.Errorf("too long: %d characters, at most 100", n)
		}
		return nil
	}
	prompt := "? Long "
	first := screenCols - len(prompt) // characters on the first row
	screen := onTerminal(t, func(s *session) {
		s.expect("Long")
		// The first row full: the cursor waits at its end.
		s.send(strings.Repeat("x", first))
		s.settle(prompt+strings.Repeat("x", first), "")
		s.send(strings.Repeat("x", 150-first))
		s.settle(prompt+strings.Repeat("x", first), strings.Repeat("x", 150-first),
			"X too long: 150 characters, at most 100", "")
		s.send(strings.Repeat(backspace, 50))
		s.settle(prompt+strings.Repeat("x", first), strings.Repeat("x", 100-first), "", "")
		s.send(home + "y")
		s.settleAt(len(prompt)+1, 0, prompt+"y"+strings.Repeat("x", first-1), strings.Repeat("x", 101-first),
			"X too long: 101 characters, at most 100", "")
		s.send(ctrlE + left)
		s.settleAt(100-first, 1, prompt+"y"+strings.Repeat("x", first-1), strings.Repeat("x", 101-first),
			"X too long: 101 characters, at most 100", "")
		s.send(ctrlA + del + enter)
	}, askInput(t, "Long", "", "", atMost100, strings.Repeat("x", 100)))
	wantRows(t, screen, prompt+strings.Repeat("x", first), strings.Repeat("x", 100-first), "")
}
