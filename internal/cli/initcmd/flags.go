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
		tls:           c(appflags.FlagRule) || c(appflags.FlagTLSIssuer),
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
		err := problemsError(source, ps, flagOrigin(opts.Flags, &opts.App, st.app))
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
	origin := flagOrigin(fs, values, a)
	var ps spec.Problems
	for _, p := range spec.Validate(defaulted(a)) {
		if origin(p.Field) != "" {
			ps = append(ps, p)
		}
	}
	if len(ps) == 0 {
		return nil
	}
	return &cmdutil.FlagError{Err: problemsError("flags", ps, origin)}
}

// flagOrigin maps a problem's field to the given flag that set it, or "".
func flagOrigin(fs *pflag.FlagSet, values *appflags.Values, a *spec.App) func(string) string {
	flagTiers := map[string]bool{}
	for _, s := range values.Tiers {
		if t, err := spec.ParseTier(s); err == nil {
			flagTiers[t.Name] = true
		}
	}
	given := func(flag string) string {
		if fs.Changed(flag) {
			return "--" + flag
		}
		return ""
	}
	return func(field string) string {
		switch {
		case field == "name":
			return given(appflags.FlagName)
		case field == "namespace":
			return given(appflags.FlagNamespace)
		case field == "tiers":
			return given(appflags.FlagTier)
		case strings.HasPrefix(field, "tiers["):
			if strings.Contains(field, ".allowFrom") {
				return given(appflags.FlagAllow)
			}
			var i int
			if _, err := fmt.Sscanf(field, "tiers[%d]", &i); err == nil && i < len(a.Tiers) && flagTiers[a.Tiers[i].Name] {
				return "--" + appflags.FlagTier + " " + a.Tiers[i].Name
			}
			return ""
		case under(field, "ingress.class"):
			return given(appflags.FlagIngressClass)
		case under(field, "ingress.controller.namespace"):
			return given(appflags.FlagIngressNamespace)
		case under(field, "ingress.controller.podLabels"):
			return given(appflags.FlagIngressLabels)
		case under(field, "ingress.controller"):
			return given(appflags.FlagIngressClass)
		case under(field, "ingress.rules"):
			return given(appflags.FlagRule)
		case under(field, "ingress.tlsIssuer"):
			return given(appflags.FlagTLSIssuer)
		case under(field, "network.nodePortRange"):
			return given("node-port-range")
		case under(field, "network.podCIDR"):
			return given("pod-cidr")
		case under(field, "network.dns.namespace"):
			return given("dns-namespace")
		case under(field, "network.dns.podLabels"):
			return given("dns-pod-labels")
		case under(field, "network.dns.cidrs"):
			return given("dns-cidr")
		case under(field, "network.dns.port"):
			return given("dns-port")
		case under(field, "network.apiServer.cidrs"):
			return given("api-server-cidr")
		case under(field, "network.apiServer.port"):
			return given("api-server-port")
		}
		return ""
	}
}

// problemsError lists every problem, one per line, each with the flag that
// set it when known.
func problemsError(source string, ps spec.Problems, origin func(string) string) error {
	var b strings.Builder
	noun := "problem"
	if len(ps) > 1 {
		noun = "problems"
	}
	fmt.Fprintf(&b, "%s: %d %s, nothing was written:", source, len(ps), noun)
	for _, p := range ps {
		field := p.Field
		if origin != nil {
			if o := origin(p.Field); o != "" {
				field += " (" + o + ")"
			}
		}
		fmt.Fprintf(&b, "\n  %s: %s", field, p.Message)
	}
	return errors.New(b.String())
}
