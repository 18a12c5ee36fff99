package prompttest

import (
	"errors"
	"fmt"
	"testing"

	"github.com/kubenetgen/kubenetgen/internal/cmdutil"
)

// recorder is a testing.TB that records failures instead of failing, and
// runs cleanups on demand.
type recorder struct {
	testing.TB
	errs     []string
	cleanups []func()
}

func (r *recorder) Helper()                   {}
func (r *recorder) Cleanup(f func())          { r.cleanups = append(r.cleanups, f) }
func (r *recorder) Errorf(f string, a ...any) { r.errs = append(r.errs, fmt.Sprintf(f, a...)) }
func (r *recorder) finish() {
	for _, f := range r.cleanups {
		f()
	}
}

func TestFakeAnswers(t *testing.T) {
	r := &recorder{TB: t}
	f := New(r)
	f.Answer("Name", "Bad", "good").Answer("Pick", "be").Answer("Many", "a", "c").Answer("Sure?", Default).Answer("Again?", Interrupt)
	validate := func(s string) error {
		if s == "Bad" {
			return errors.New("lowercase only")
		}
		return nil
	}
	if got, err := f.Input("Name", "help", "x", validate); got != "good" || err != nil {
		t.Errorf("Input = %q, %v; want good", got, err)
	}
	if got, err := f.Select("Pick", "help", []string{"alpha", "beta"}, 0); got != 1 || err != nil {
		t.Errorf("Select = %d, %v; want 1 (unique prefix)", got, err)
	}
	if got, err := f.MultiSelect("Many", "help", []string{"a", "b", "c"}, nil); fmt.Sprint(got) != "[0 2]" || err != nil {
		t.Errorf("MultiSelect = %v, %v; want [0 2]", got, err)
	}
	if got, err := f.Confirm("Sure?", "help", true); !got || err != nil {
		t.Errorf("Confirm = %v, %v; want the default, true", got, err)
	}
	if _, err := f.Confirm("Again?", "help", true); !errors.Is(err, cmdutil.ErrCanceled) {
		t.Errorf("Interrupt: err = %v, want ErrCanceled", err)
	}
	if len(f.Rejections) != 1 || f.Rejections[0].Reason != "lowercase only" {
		t.Errorf("Rejections = %+v", f.Rejections)
	}
	r.finish()
	if len(r.errs) != 0 {
		t.Errorf("unexpected failures: %q", r.errs)
	}
}

func TestFakeFailures(t *testing.T) {
	r := &recorder{TB: t}
	f := New(r)
	f.Answer("Scripted but never asked", "x")
	if _, err := f.Input("Unscripted", "help", "", nil); err == nil {
		t.Errorf("an unscripted question returned no error")
	}
	f.Answer("No help", Default)
	if _, err := f.Confirm("No help", "", false); err != nil {
		t.Errorf("Confirm: %v", err)
	}
	r.finish()
	want := []string{
		`unexpected prompt "Unscripted" (default "", options [])`,
		`prompt "No help" has no help text`,
		`prompt "Scripted but never asked" was scripted 1 more time(s) than it was asked`,
	}
	if fmt.Sprint(r.errs) != fmt.Sprint(want) {
		t.Errorf("failures = %q\nwant %q", r.errs, want)
	}
}
