package initcmd

import (
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/pflag"

	"github.com/kubenetgen/kubenetgen/internal/appflags"
	"github.com/kubenetgen/kubenetgen/internal/cli/shared"
	"github.com/kubenetgen/kubenetgen/internal/cmdutil"
	"github.com/kubenetgen/kubenetgen/spec"
	"github.com/kubenetgen/kubenetgen/templates"
)

// noPromptRun takes every answer from the preset or the existing spec
// file and the flags, and writes exactly what the wizard would write for
// the same answers.
func noPromptRun(opts *InitOptions, st *start, preset *templates.Preset, specPath string) error {
	var err error
	switch {
	case preset != nil:
		st.Start, err = shared.FromPreset(*preset)
	case st.existing != nil:
		st.Start, err = shared.FromData(specPath, st.existing)
	default:
		st.Start = shared.Blank()
	}
	if err != nil {
		return err
	}
	if err := st.Apply(&opts.App, opts.Flags); err != nil {
		return err
	}
	if _, err := st.FromCluster(opts.Ctx, &opts.App, opts.Flags, opts.IO.ErrOut, opts.ReadCluster); err != nil {
		return err
	}
	if missing := appflags.Missing(st.App); len(missing) > 0 {
		var b strings.Builder
		fmt.Fprintf(&b, "missing answers; nothing is asked without a terminal, with --no-prompt or with KUBENETGEN_NO_PROMPT, so give them as flags:")
		for _, m := range missing {
			fmt.Fprintf(&b, "\n  %s", m)
		}
		if preset == nil && !st.FromFile {
			fmt.Fprintf(&b, "\nor start from a preset with --preset %s", strings.Join(presetNames(), "|"))
		}
		return &cmdutil.FlagError{Err: errors.New(b.String())}
	}
	// Problems of the values given, by flags or a file, are an invalid
	// spec (exit 1), as for generate; the flag behind each is named.
	app, err := st.Resolve(&opts.App, opts.Flags)
	if err != nil {
		return err
	}
	pl, err := newPlan(opts, st.App)
	if err != nil {
		return err
	}
	if err := pl.checkSpecFile(st, opts.Force); err != nil {
		return err
	}
	shared.Warnings(opts.IO.ErrOut, app)
	return pl.write(opts, opts.IO.ErrOut)
}

// flagProblems reports, before any question, the problems of values that
// flags gave, each naming its flag, as the same problems are reported
// without prompts. Problems of answers still to come are left to the
// questions.
func flagProblems(fs *pflag.FlagSet, values *appflags.Values, a *spec.App) error {
	origin := values.Origin(fs, a)
	var ps spec.Problems
	for _, p := range spec.Validate(spec.Defaulted(a)) {
		if origin(p.Field) != "" {
			ps = append(ps, p)
		}
	}
	ps = append(ps, values.Unplaced...)
	if len(ps) == 0 {
		return nil
	}
	return &shared.ProblemsError{Source: shared.FlagsSource, Problems: ps, Origin: origin}
}
