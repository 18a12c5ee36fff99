package initcmd

import (
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/pflag"

	"github.com/kubenetgen/kubenetgen/internal/appflags"
	"github.com/kubenetgen/kubenetgen/internal/cmdutil"
	"github.com/kubenetgen/kubenetgen/spec"
	"github.com/kubenetgen/kubenetgen/templates"
)

// skipFromFlags marks the questions the given flags answered.
func skipFromFlags(fs *pflag.FlagSet) skip {
	c := fs.Changed
	return skip{
		name:          c(appflags.FlagName),
		namespace:     c(appflags.FlagNamespace),
		tiers:         c(appflags.FlagTier) || c(appflags.FlagAllow),
		ingressClass:  c(appflags.FlagIngressClass),
		ingressNS:     c(appflags.FlagIngressNamespace),
		ingressLabels: c(appflags.FlagIngressLabels),
		rules:         c(appflags.FlagRule),
		tls:           c(appflags.FlagRule) || c(appflags.FlagTLSIssuer) || c(appflags.FlagTLSSelfSigned),
	}
}

// noPromptRun takes every answer from the preset or the existing spec
// file and the flags, and writes exactly what the wizard would write for
// the same answers.
func noPromptRun(opts *InitOptions, st *start, preset *templates.Preset, specPath string) error {
	var err error
	switch {
	case preset != nil:
		st.app, err = loadPreset(*preset)
	case st.existing != nil:
		st.app, err = loadSpec(specPath, st.existing)
		st.fromFile = true
	default:
		st.app = &spec.App{APIVersion: spec.APIVersion, Kind: spec.Kind}
	}
	if err != nil {
		return err
	}
	if err := opts.App.Apply(opts.Flags, st.app); err != nil {
		return &cmdutil.FlagError{Err: err}
	}
	if missing := missingAnswers(st.app); len(missing) > 0 {
		var b strings.Builder
		fmt.Fprintf(&b, "missing answers; nothing is asked without a terminal, with --no-prompt or with KUBENETGEN_NO_PROMPT, so give them as flags:")
		for _, m := range missing {
			fmt.Fprintf(&b, "\n  %s", m)
		}
		if preset == nil && !st.fromFile {
			fmt.Fprintf(&b, "\nor start from a preset with --preset %s", strings.Join(presetNames(), "|"))
		}
		return &cmdutil.FlagError{Err: errors.New(b.String())}
	}
	if ps := spec.Validate(defaulted(st.app)); len(ps) > 0 {
		source := "flags"
		if st.fromFile {
			source = specPath + " with the flags"
		}
		err := appflags.ProblemsError(source, ps, opts.App.Origin(opts.Flags, st.app))
		if st.fromFile {
			return err
		}
		return &cmdutil.FlagError{Err: err}
	}
	pl, err := newPlan(opts, st.app)
	if err != nil {
		return err
	}
	if err := pl.checkSpecFile(st, opts.Force); err != nil {
		return err
	}
	for _, w := range spec.Warnings(pl.app) {
		fmt.Fprintf(opts.IO.ErrOut, "warning: %s\n", w)
	}
	return pl.write(opts, opts.IO.ErrOut)
}

// missingAnswers lists the answers no preset, spec file or flag gave, each
// with the flag that gives it.
func missingAnswers(a *spec.App) []string {
	var out []string
	if a.Name == "" {
		out = append(out, "--name NAME: the app's name, e.g. shop")
	}
	if len(a.Tiers) == 0 {
		out = append(out, "--tier 'name=NAME,image=IMAGE,port=NAME:PORT': at least one tier (repeat the flag for more)")
	}
	if in := a.Ingress; in != nil {
		if in.Class == "" {
			out = append(out, "--ingress-class CLASS: the ingress controller, one of "+strings.Join(spec.PresetNames, ", ")+" or a custom IngressClass")
		} else if _, preset := spec.Presets[in.Class]; !preset && in.Controller == nil {
			out = append(out,
				"--ingress-namespace NAMESPACE: where the pods of the custom ingress controller "+in.Class+" run",
				"--ingress-pod-labels KEY=VALUE,…: the labels of its pods")
		}
		if len(in.Rules) == 0 {
			out = append(out, "--rule 'HOST/PATH=TIER:PORT[,tls=SECRET]': at least one Ingress rule")
		}
	}
	return out
}

// flagProblems reports, before any question, the problems of values that
// flags gave: a wrong flag is a usage error naming the flag. Problems of
// answers still to come are left to the questions.
func flagProblems(fs *pflag.FlagSet, values *appflags.Values, a *spec.App) error {
	origin := values.Origin(fs, a)
	var ps spec.Problems
	for _, p := range spec.Validate(defaulted(a)) {
		if origin(p.Field) != "" {
			ps = append(ps, p)
		}
	}
	if len(ps) == 0 {
		return nil
	}
	return &cmdutil.FlagError{Err: appflags.ProblemsError("flags", ps, origin)}
}
