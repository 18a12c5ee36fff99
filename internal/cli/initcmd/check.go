package initcmd

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/kubenetgen/kubenetgen/internal/appflags"
	"github.com/kubenetgen/kubenetgen/spec"
)

// problemsAt validates the defaulted app and returns the problems at the
// given fields (or beneath them) as one error, in spec.Validate's own
// words: the prompts and the spec file share one set of rules.
func problemsAt(a *spec.App, fields ...string) error {
	var msgs []string
	for _, p := range spec.Validate(spec.Defaulted(a)) {
		if slices.ContainsFunc(fields, func(f string) bool { return appflags.Under(p.Field, f) }) {
			msgs = append(msgs, p.String())
		}
	}
	if len(msgs) == 0 {
		return nil
	}
	return errors.New(strings.Join(msgs, "; "))
}

// renameTier renames a tier and every reference to it (allowFrom entries
// and Ingress rules), so a rename never breaks a flow.
func renameTier(a *spec.App, i int, name string) {
	old := a.Tiers[i].Name
	a.Tiers[i].Name = name
	if old == "" || old == name {
		return
	}
	for j := range a.Tiers {
		for k, ref := range a.Tiers[j].AllowFrom {
			if from, port, narrowed := strings.Cut(ref, ":"); from == old {
				a.Tiers[j].AllowFrom[k] = name
				if narrowed {
					a.Tiers[j].AllowFrom[k] += ":" + port
				}
			}
		}
	}
	if rs := entryOf(a).rules; rs != nil {
		for j := range *rs {
			if (*rs)[j].Tier == old {
				(*rs)[j].Tier = name
			}
		}
	}
}

// removeTier drops a tier with the flows from it and the Ingress rules (or
// Gateway routes) to it, and returns what else it dropped, for the user.
func removeTier(a *spec.App, i int) []string {
	name := a.Tiers[i].Name
	a.Tiers = slices.Delete(a.Tiers, i, i+1)
	var dropped []string
	for j := range a.Tiers {
		t := &a.Tiers[j]
		t.AllowFrom = slices.DeleteFunc(t.AllowFrom, func(ref string) bool {
			from, _, _ := strings.Cut(ref, ":")
			if from == name {
				dropped = append(dropped, fmt.Sprintf("the flow %s → %s", name, t.Name))
				return true
			}
			return false
		})
	}
	if e := entryOf(a); e.rules != nil {
		*e.rules = slices.DeleteFunc(*e.rules, func(r spec.Rule) bool {
			if r.Tier == name {
				dropped = append(dropped, fmt.Sprintf("the %s %s%s → %s:%s", e.ruleWord, r.Host, r.Path, r.Tier, r.Port))
				return true
			}
			return false
		})
	}
	return dropped
}

// formatPorts writes ports in the form parsePorts reads.
func formatPorts(ps []spec.Port) string {
	var out []string
	for _, p := range ps {
		s := strconv.Itoa(int(p.Port))
		if p.Name != "" {
			s = p.Name + ":" + s
		}
		if p.Protocol != "" && !strings.EqualFold(p.Protocol, spec.DefaultProtocol) {
			s += "/" + strings.ToUpper(p.Protocol)
		}
		out = append(out, s)
	}
	return strings.Join(out, ", ")
}

// parsePorts reads NAME:PORT[/PROTOCOL] entries separated by commas, the
// flag syntax (spec.ParsePort). Settings the wizard does not ask about
// (servicePort, nodePort) are kept for ports whose name stays.
func parsePorts(s string, old []spec.Port) ([]spec.Port, error) {
	var out []spec.Port
	for _, f := range splitList(s) {
		p, err := spec.ParsePort(f)
		if err != nil {
			return nil, err
		}
		for _, o := range old {
			if o.Name == p.Name && o.Name != "" {
				p.ServicePort, p.NodePort = o.ServicePort, o.NodePort
			}
		}
		out = append(out, p)
	}
	return out, nil
}

// splitList splits a comma- (or space-) separated answer into its items.
func splitList(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' || r == '\t' })
}
