//go:build !windows

package root

import (
	"context"
	"strings"
	"testing"
	"time"
	"unicode"

	expect "github.com/Netflix/go-expect"

	"github.com/kubenetgen/kubenetgen/internal/cmdutil"
	"github.com/kubenetgen/kubenetgen/internal/iostreams"
	"github.com/kubenetgen/kubenetgen/internal/ptytest"
)

// onScreen runs kubenetgen with every stream on a terminal cols wide that
// prompts nothing, and returns the screen.
func onScreen(t *testing.T, cols int, args ...string) string {
	t.Helper()
	term := ptytest.NewTerminal(t, cols, 200, 10*time.Second)
	done := make(chan struct{})
	go func() {
		defer close(done)
		_, _ = term.Console.ExpectEOF()
	}()
	tty := term.Tty()
	ios := &iostreams.IOStreams{In: tty, Out: tty, ErrOut: tty}
	ios.SetNeverPrompt(true)
	Run(context.Background(), &cmdutil.Factory{IOStreams: ios, Version: "test"}, args)
	tty.Close()
	<-done
	return expect.StripTrailingEmptyLines(term.Screen.String())
}

// cutWords returns the places where the terminal cut a word in two: a row
// filled to its last column by a letter or digit, and the next row going
// on with one.
func cutWords(screen string, cols int) []string {
	rows := strings.Split(screen, "\n")
	var out []string
	for i := 0; i+1 < len(rows); i++ {
		r, next := []rune(rows[i]), []rune(rows[i+1])
		if len(r) == cols && len(next) > 0 && isWordRune(r[cols-1]) && isWordRune(next[0]) {
			out = append(out, rows[i]+"/"+rows[i+1])
		}
	}
	return out
}

func isWordRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r) || r == '.' || r == '/'
}

// TestWrapAtTerminalWidth: help, errors and warnings break their lines
// between words at the terminal's width, wide or narrow.
func TestWrapAtTerminalWidth(t *testing.T) {
	t.Chdir(t.TempDir())
	cases := [][]string{
		{"init", "--help"},
		{"generate", "--help"},
		{"generate", "-o", "out", "--name", "shop", "--tier", "name=web,image=x,port=http:80,runAsUser=0,expose=NodePort,sourceRanges=10.0.0.0/8x"},
		{"generate", "-o", "out", "--name", "shop", "--tier", "name=web,image=nginx:1.27,port=http:8080,expose=NodePort"},
	}
	for _, cols := range []int{120, 80, 60} {
		for _, args := range cases {
			screen := onScreen(t, cols, args...)
			if cut := cutWords(screen, cols); len(cut) > 0 {
				t.Errorf("at %d columns, kubenetgen %s cuts words: %q\nscreen:\n%s", cols, strings.Join(args, " "), cut, screen)
			}
		}
	}
}
