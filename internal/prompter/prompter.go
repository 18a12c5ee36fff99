// Package prompter asks the user questions at a terminal. It is the only
// package that imports survey, which is unmaintained upstream: moving to
// another prompt library means changing this package alone.
package prompter

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/AlecAivazis/survey/v2"
	"github.com/AlecAivazis/survey/v2/terminal"

	"github.com/kubenetgen/kubenetgen/internal/cmdutil"
	"github.com/kubenetgen/kubenetgen/internal/iostreams"
)

// Prompter asks questions. Every question has a message, help shown when
// the user types ?, and a default; an interrupted question (Ctrl-C, or
// Ctrl-D on an empty line, the end of input as in bash) returns
// cmdutil.ErrCanceled. Consumers may declare narrower interfaces
// with only the methods they use.
type Prompter interface {
	// Input asks for one line of text; an empty line answers def.
	// validate, when not nil, judges the text as the user types: after
	// every change its error, if any, is shown below the line (nothing is
	// shown for an empty line). It judges the answer again when the user
	// presses enter, the default for an empty line: a refused answer is
	// shown with its error and the question asked again.
	Input(message, help, def string, validate func(string) error) (string, error)
	// Select asks for one of options and returns its index; def is the
	// index highlighted first.
	Select(message, help string, options []string, def int) (int, error)
	// MultiSelect asks for any number of options and returns their indexes
	// in option order; defaults are the indexes checked first.
	MultiSelect(message, help string, options []string, defaults []int) ([]int, error)
	// Confirm asks a yes/no question.
	Confirm(message, help string, def bool) (bool, error)
}

// FileReader is a terminal to read answers from, such as os.Stdin.
type FileReader interface {
	io.Reader
	Fd() uintptr
}

// FileWriter is a terminal to draw the questions on, such as os.Stderr.
type FileWriter interface {
	io.Writer
	Fd() uintptr
}

// New returns a Prompter that reads answers from in and draws the
// questions on out. Both must be terminals; the caller checks that
// (iostreams.CanPrompt) before asking anything.
func New(in FileReader, out FileWriter) Prompter {
	return &surveyPrompter{in: in, out: out}
}

type surveyPrompter struct {
	in  FileReader
	out FileWriter
}

func (p *surveyPrompter) ask(q survey.Prompt, answer any, opts ...survey.AskOpt) error {
	opts = append(opts, survey.WithStdio(p.in, p.out, p.out))
	err := survey.AskOne(q, answer, opts...)
	if errors.Is(err, terminal.InterruptErr) || errors.Is(err, io.EOF) {
		// Ctrl-C, or Ctrl-D on an empty line: the end of the input.
		return cmdutil.ErrCanceled
	}
	if err != nil {
		return fmt.Errorf("prompt: %w", err)
	}
	return nil
}

// wrapAfter breaks s between words for a terminal width columns wide, s
// starting after prefix columns of other text on its first line.
func wrapAfter(s string, width, prefix int) string {
	if width <= 0 {
		return s
	}
	return iostreams.Wrap(strings.Repeat("\x00", prefix)+s, width)[prefix:]
}

// help breaks a question's help between words: survey draws it after
// "? ", and the terminal would otherwise cut words in two.
func (p *surveyPrompter) help(s string) string {
	return wrapAfter(s, iostreams.WidthOf(p.out), 2)
}

// sorryPrefix is how many columns survey's refusal line takes before the
// reason: the icon, a space and "Sorry, your reply was invalid: ".
const sorryPrefix = 2 + len("Sorry, your reply was invalid: ")

// Input implements Prompter.
func (p *surveyPrompter) Input(message, help, def string, validate func(string) error) (string, error) {
	var answer string
	var opts []survey.AskOpt
	width := iostreams.WidthOf(p.out)
	if validate != nil {
		opts = append(opts, survey.WithValidator(func(v any) error {
			s, _ := v.(string)
			if err := validate(s); err != nil {
				return errors.New(wrapAfter(err.Error(), width, sorryPrefix))
			}
			return nil
		}))
	}
	err := p.ask(&liveInput{message: message, help: p.help(help), def: def, validate: validate, width0: width}, &answer, opts...)
	return answer, err
}

// Select implements Prompter.
func (p *surveyPrompter) Select(message, help string, options []string, def int) (int, error) {
	q := &survey.Select{Message: message, Help: p.help(help), Options: options}
	if def >= 0 && def < len(options) {
		q.Default = options[def]
	}
	var answer int
	err := p.ask(q, &answer, survey.WithPageSize(max(len(options), 7)))
	return answer, err
}

// MultiSelect implements Prompter.
func (p *surveyPrompter) MultiSelect(message, help string, options []string, defaults []int) ([]int, error) {
	q := &survey.MultiSelect{Message: message, Help: p.help(help), Options: options}
	var checked []string
	for _, i := range defaults {
		if i >= 0 && i < len(options) {
			checked = append(checked, options[i])
		}
	}
	q.Default = checked
	var answer []int
	err := p.ask(q, &answer, survey.WithPageSize(max(len(options), 7)))
	return answer, err
}

// Confirm implements Prompter.
func (p *surveyPrompter) Confirm(message, help string, def bool) (bool, error) {
	var answer bool
	err := p.ask(&survey.Confirm{Message: message, Help: p.help(help), Default: def}, &answer)
	return answer, err
}
