// Package prompttest provides a scripted Prompter for tests: it answers
// each question by its message, runs the question's validator on the
// answer as the terminal would, and fails the test on a question nobody
// scripted or an answer nobody asked for.
package prompttest

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/kubenetgen/kubenetgen/internal/cmdutil"
)

// Default, given as an answer, accepts the question's default.
const Default = "\x00default"

// Interrupt, given as an answer, presses Ctrl-C at the question.
const Interrupt = "\x00interrupt"

// Asked is one question the code under test asked.
type Asked struct {
	Kind    string // input, select, multiselect, confirm
	Message string
	Help    string
	// Default is the default offered, as text: the input's default, the
	// selected option, the checked options joined by ", ", or yes/no.
	Default string
	Options []string
}

// Rejection is an input answer the question's validator refused.
type Rejection struct {
	Message string
	Answer  string
	Reason  string
}

// Fake is a scripted Prompter.
type Fake struct {
	t       testing.TB
	answers map[string][][]string
	// Asked lists every question asked, in order.
	Asked []Asked
	// Rejections lists every answer a validator refused, in order.
	Rejections []Rejection
}

// New returns a Fake that reports to t; at the end of the test it fails
// if a scripted answer was never used.
func New(t testing.TB) *Fake {
	f := &Fake{t: t, answers: map[string][][]string{}}
	t.Cleanup(func() {
		for _, m := range slices.Sorted(maps.Keys(f.answers)) {
			if n := len(f.answers[m]); n > 0 {
				t.Errorf("prompt %q was scripted %d more time(s) than it was asked", m, n)
			}
		}
	})
	return f
}

// Answer scripts the answer to the next question with this message. For
// an input, further answers are used in turn while the validator refuses
// the previous one. For a select, the answer is an option's text or a
// unique prefix of it; for a multiselect, each answer is one option to
// check (no answers: check none); for a confirm, "yes" or "no".
func (f *Fake) Answer(message string, answers ...string) *Fake {
	f.answers[message] = append(f.answers[message], answers)
	return f
}

// WasAsked reports whether a question with this message was asked.
func (f *Fake) WasAsked(message string) bool {
	return slices.ContainsFunc(f.Asked, func(a Asked) bool { return a.Message == message })
}

// Question returns the last question asked with this message.
func (f *Fake) Question(message string) (Asked, bool) {
	for i := len(f.Asked) - 1; i >= 0; i-- {
		if f.Asked[i].Message == message {
			return f.Asked[i], true
		}
	}
	return Asked{}, false
}

func (f *Fake) next(q Asked) ([]string, error) {
	f.t.Helper()
	f.Asked = append(f.Asked, q)
	if strings.TrimSpace(q.Help) == "" {
		f.t.Errorf("prompt %q has no help text", q.Message)
	}
	queue := f.answers[q.Message]
	if len(queue) == 0 {
		f.t.Errorf("unexpected prompt %q (default %q, options %q)", q.Message, q.Default, q.Options)
		return nil, fmt.Errorf("unexpected prompt %q", q.Message)
	}
	f.answers[q.Message] = queue[1:]
	a := queue[0]
	if slices.Contains(a, Interrupt) {
		return nil, cmdutil.ErrCanceled
	}
	return a, nil
}

// Input implements prompter.Prompter.
func (f *Fake) Input(message, help, def string, validate func(string) error) (string, error) {
	f.t.Helper()
	answers, err := f.next(Asked{Kind: "input", Message: message, Help: help, Default: def})
	if err != nil {
		return "", err
	}
	if len(answers) == 0 {
		answers = []string{Default}
	}
	for i, a := range answers {
		if a == Default {
			a = def
		}
		if validate != nil {
			if err := validate(a); err != nil {
				f.Rejections = append(f.Rejections, Rejection{Message: message, Answer: a, Reason: err.Error()})
				if i == len(answers)-1 {
					f.t.Errorf("prompt %q: the answer %q was refused (%v) and no other answer was scripted", message, a, err)
					return "", fmt.Errorf("answer %q refused: %w", a, err)
				}
				continue
			}
		}
		if i < len(answers)-1 {
			f.t.Errorf("prompt %q: the answer %q was accepted, but %q were scripted after it", message, a, answers[i+1:])
		}
		return a, nil
	}
	return "", nil
}

// Select implements prompter.Prompter.
func (f *Fake) Select(message, help string, options []string, def int) (int, error) {
	f.t.Helper()
	q := Asked{Kind: "select", Message: message, Help: help, Options: options}
	if def >= 0 && def < len(options) {
		q.Default = options[def]
	}
	answers, err := f.next(q)
	if err != nil {
		return 0, err
	}
	if len(answers) != 1 {
		f.t.Errorf("prompt %q: script one option, got %q", message, answers)
		return 0, fmt.Errorf("bad script for %q", message)
	}
	if answers[0] == Default {
		return def, nil
	}
	return f.option(message, options, answers[0])
}

func (f *Fake) option(message string, options []string, a string) (int, error) {
	f.t.Helper()
	if i := slices.Index(options, a); i >= 0 {
		return i, nil
	}
	match := -1
	for i, o := range options {
		if strings.HasPrefix(o, a) {
			if match >= 0 {
				f.t.Errorf("prompt %q: %q is a prefix of several options %q", message, a, options)
				return 0, fmt.Errorf("ambiguous answer %q", a)
			}
			match = i
		}
	}
	if match < 0 {
		f.t.Errorf("prompt %q: %q is not an option: %q", message, a, options)
		return 0, fmt.Errorf("no option %q", a)
	}
	return match, nil
}

// MultiSelect implements prompter.Prompter.
func (f *Fake) MultiSelect(message, help string, options []string, defaults []int) ([]int, error) {
	f.t.Helper()
	var checked []string
	for _, i := range defaults {
		checked = append(checked, options[i])
	}
	answers, err := f.next(Asked{Kind: "multiselect", Message: message, Help: help, Default: strings.Join(checked, ", "), Options: options})
	if err != nil {
		return nil, err
	}
	if len(answers) == 1 && answers[0] == Default {
		return slices.Clone(defaults), nil
	}
	var out []int
	for _, a := range answers {
		i, err := f.option(message, options, a)
		if err != nil {
			return nil, err
		}
		out = append(out, i)
	}
	slices.Sort(out)
	return out, nil
}

// Confirm implements prompter.Prompter.
func (f *Fake) Confirm(message, help string, def bool) (bool, error) {
	f.t.Helper()
	d := "no"
	if def {
		d = "yes"
	}
	answers, err := f.next(Asked{Kind: "confirm", Message: message, Help: help, Default: d})
	if err != nil {
		return false, err
	}
	if len(answers) != 1 {
		f.t.Errorf("prompt %q: script yes, no or Default, got %q", message, answers)
		return false, fmt.Errorf("bad script for %q", message)
	}
	switch answers[0] {
	case Default:
		return def, nil
	case "yes":
		return true, nil
	case "no":
		return false, nil
	}
	f.t.Errorf("prompt %q: script yes, no or Default, got %q", message, answers[0])
	return false, fmt.Errorf("bad script for %q", message)
}
