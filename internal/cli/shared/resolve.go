// Package shared is the command code that generate, init and verify have
// in common, so that no command package imports another: the one way from
// a command's inputs (a spec file, an existing spec, a preset, flags) to a
// valid spec.App, with one style of problem report, and the one way of
// telling the user what was written and what to do next.
package shared

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"

	"github.com/spf13/pflag"

	"github.com/kubenetgen/kubenetgen/internal/appflags"
	"github.com/kubenetgen/kubenetgen/internal/cmdutil"
	"github.com/kubenetgen/kubenetgen/spec"
	"github.com/kubenetgen/kubenetgen/templates"
)

// FlagsSource names the flags as the source of a spec's problems.
const FlagsSource = "flags"

// Start is where a spec's answers begin, before flags are laid over it.
type Start struct {
	// App holds what was given, never defaults: a spec file keeps only
	// what was answered, so that later defaults apply to it.
	App *spec.App
	// Source names the start in problem reports: a file's path, "standard
	// input", or FlagsSource (a preset's problems are the flags').
	Source string
	// FromFile says the answers start from a spec file.
	FromFile bool
}

// Blank starts from nothing: flags (or questions) give the whole app.
func Blank() *Start {
	return &Start{App: &spec.App{APIVersion: spec.APIVersion, Kind: spec.Kind}, Source: FlagsSource}
}

// FromPreset starts from a preset.
func FromPreset(p templates.Preset) (*Start, error) {
	a, err := spec.Load(p.Spec)
	if err != nil {
		return nil, fmt.Errorf("preset %s: %w", p.Name, err)
	}
	return &Start{App: a, Source: FlagsSource}, nil
}

// FromData starts from data, the content of the spec file source.
func FromData(source string, data []byte) (*Start, error) {
	a, err := spec.Load(data)
	if err != nil {
		var ps spec.Problems
		if errors.As(err, &ps) {
			return nil, &ProblemsError{Source: source, Problems: ps}
		}
		return nil, fmt.Errorf("%s: %w", source, err)
	}
	return &Start{App: a, Source: source, FromFile: true}, nil
}

// SpecFile is a spec file named on the command line.
type SpecFile struct {
	// Flag names the file, for messages: -f, --expect.
	Flag string
	// Path is the file; - reads Stdin when Stdin is set.
	Path  string
	Stdin io.Reader
	// Hint says what to do when the file does not exist.
	Hint string
}

// FromFile reads the spec file f names and starts from it.
func FromFile(f SpecFile) (*Start, error) {
	if f.Path == "-" && f.Stdin != nil {
		data, err := io.ReadAll(f.Stdin)
		if err != nil {
			return nil, fmt.Errorf("reading the spec from standard input: %w", err)
		}
		return FromData("standard input", data)
	}
	data, err := os.ReadFile(f.Path)
	if errors.Is(err, fs.ErrNotExist) {
		msg := fmt.Sprintf("%s %s: no such file", f.Flag, f.Path)
		if f.Hint != "" {
			msg += " (" + f.Hint + ")"
		}
		return nil, errors.New(msg)
	}
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", f.Flag, f.Path, err)
	}
	return FromData(f.Path, data)
}

// ReadExisting returns the content of the spec file at path, or nil when
// there is none: init's DIR/kubenetgen.yaml, which may or may not exist.
func ReadExisting(path string) ([]byte, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", path, err)
	}
	return data, nil
}

// Apply lays the flags given in fs over the start. A flag's syntax mistake
// is a usage error naming the flag.
func (s *Start) Apply(v *appflags.Values, fs *pflag.FlagSet) error {
	if fs.Changed(appflags.FlagName) {
		s.Rename(v.Name)
	}
	if err := v.Apply(fs, s.App); err != nil {
		return &cmdutil.FlagError{Err: err}
	}
	return nil
}

// Rename renames the app. A preset's namespace is its app's name: it
// follows the new name, as the default does. A spec file's namespace is
// where the app was deployed, and stays.
func (s *Start) Rename(name string) {
	if !s.FromFile && s.App.Namespace == s.App.Name {
		s.App.Namespace = ""
	}
	s.App.Name = name
}

// Resolve returns a defaulted copy of the app when it is valid, or every
// problem in one report, each naming the flag that set it (v and fs may be
// nil when no flags describe the app).
func (s *Start) Resolve(v *appflags.Values, fs *pflag.FlagSet) (*spec.App, error) {
	app := spec.Defaulted(s.App)
	ps := spec.Validate(app)
	if v != nil {
		ps = append(ps, v.Unplaced...)
	}
	if len(ps) > 0 {
		e := &ProblemsError{Source: s.Source, Problems: ps}
		if v != nil {
			e.Origin = v.Origin(fs, app)
		}
		return nil, e
	}
	return app, nil
}

// ProblemsError is the one report of a spec's problems: every problem, one
// per line under the name of its source, each with the flag that set it
// when Origin knows.
type ProblemsError struct {
	Source   string
	Problems spec.Problems
	// Origin names the flag that set a problem's field, or ""; nil when no
	// flags describe the app.
	Origin func(field string) string
}

func (e *ProblemsError) Error() string {
	var b strings.Builder
	noun := "problem"
	if len(e.Problems) > 1 {
		noun = "problems"
	}
	fmt.Fprintf(&b, "%s: %d %s, nothing was written:", e.Source, len(e.Problems), noun)
	for _, p := range e.Problems {
		field := p.Field
		if e.Origin != nil {
			if o := e.Origin(p.Field); o != "" {
				field += " (" + o + ")"
			}
		}
		fmt.Fprintf(&b, "\n  %s: %s", field, p.Message)
	}
	return b.String()
}

// Unwrap returns the problems.
func (e *ProblemsError) Unwrap() error { return e.Problems }
