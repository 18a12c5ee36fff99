package initcmd

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/kubenetgen/kubenetgen/internal/appflags"
	"github.com/kubenetgen/kubenetgen/spec"
)

const (
	optDone   = "done: go on to external access"
	optAdd    = "add a tier"
	optRemove = "remove a tier"
)

// tiersSection edits the tiers in a loop until the user is done.
func (w *wizard) tiersSection() error {
	if w.skip[appflags.AskTiers] {
		return nil
	}
	if len(w.app.Tiers) == 0 {
		if err := w.addTier(); err != nil {
			return err
		}
	}
	for {
		options := []string{optDone}
		for _, t := range w.app.Tiers {
			options = append(options, "edit "+tierLine(w.app, t.Name))
		}
		options = append(options, optAdd)
		if len(w.app.Tiers) > 1 {
			options = append(options, optRemove)
		}
		i, err := w.selectOne("Tiers", helpTiers, options, 0)
		if err != nil {
			return err
		}
		switch {
		case options[i] == optDone:
			return nil
		case options[i] == optAdd:
			err = w.addTier()
		case options[i] == optRemove:
			err = w.removeTier()
		default:
			err = w.editTier(i-1, false)
		}
		if err != nil {
			return err
		}
	}
}

// tierLine describes a tier in one line for the tiers menu.
func tierLine(a *spec.App, name string) string {
	d := spec.Defaulted(a)
	t := d.Tier(name)
	if t == nil {
		return name
	}
	parts := []string{t.Expose.Type}
	if len(t.Ports) > 0 {
		parts = append([]string{formatPorts(t.Ports)}, parts...)
	}
	if len(t.AllowFrom) > 0 {
		parts = append(parts, "called by "+strings.Join(t.AllowFrom, ", "))
	}
	return name + " (" + strings.Join(parts, "; ") + ")"
}

func (w *wizard) addTier() error {
	w.app.Tiers = append(w.app.Tiers, spec.Tier{})
	return w.editTier(len(w.app.Tiers)-1, true)
}

func (w *wizard) removeTier() error {
	options := append(w.app.TierNames(), "none: keep every tier")
	i, err := w.selectOne("Remove which tier?", helpRemove, options, len(options)-1)
	if err != nil || i == len(options)-1 {
		return err
	}
	name := w.app.Tiers[i].Name
	for _, d := range removeTier(w.app, i) {
		w.note("removed %s", d)
	}
	w.note("removed tier %s", name)
	return nil
}

// suggestTierName offers a conventional name not taken yet.
func suggestTierName(a *spec.App) string {
	for _, n := range []string{"web", "api", "worker", "cache", "db"} {
		if a.Tier(n) == nil {
			return n
		}
	}
	for i := len(a.Tiers); ; i++ {
		if n := fmt.Sprintf("tier%d", i); a.Tier(n) == nil {
			return n
		}
	}
}

// editTier asks about tier i, one question per setting.
func (w *wizard) editTier(i int, isNew bool) error {
	path := fmt.Sprintf("tiers[%d]", i)
	tier := func() *spec.Tier { return &w.app.Tiers[i] }

	q := inputQ{msg: "Tier name", help: helpTierName, def: tier().Name, fields: []string{path + ".name"},
		apply: func(a *spec.App, s string) error { renameTier(a, i, s); return nil }}
	if isNew {
		q.def, q.suggested = suggestTierName(w.app), true
	}
	if err := w.input(q); err != nil {
		return err
	}
	name := tier().Name

	if err := w.input(inputQ{msg: "Image of " + name, help: helpImage, def: tier().Image, fields: []string{path + ".image"},
		apply: func(a *spec.App, s string) error { a.Tiers[i].Image = s; return nil }}); err != nil {
		return err
	}

	q = inputQ{msg: "Ports of " + name, help: helpPorts, def: formatPorts(tier().Ports),
		fields: []string{path + ".ports", path + ".probe"},
		apply:  func(a *spec.App, s string) error { return setPorts(a, i, s) }}
	if isNew {
		q.def, q.suggested = "http:8080", true
	}
	if err := w.input(q); err != nil {
		return err
	}

	if err := w.input(inputQ{msg: "Replicas of " + name, help: helpReplicas,
		def: strconv.Itoa(int(*spec.Defaulted(w.app).Tiers[i].Replicas)), fields: []string{path + ".replicas"},
		apply: func(a *spec.App, s string) error {
			n, err := strconv.ParseInt(s, 10, 32)
			if err != nil {
				return fmt.Errorf("%q is not a whole number: give 0 or more", s)
			}
			r := int32(n)
			a.Tiers[i].Replicas = &r
			return nil
		}}); err != nil {
		return err
	}

	if len(tier().Ports) == 0 {
		// A tier without ports can be called by no one and has no Service.
		return nil
	}
	if err := w.allowFrom(i); err != nil {
		return err
	}
	if err := w.scrape(i); err != nil {
		return err
	}
	return w.expose(i)
}

// setPorts replaces tier i's ports with the answer. A port whose number
// stays but whose name changes is a rename: the allowFrom entries, the
// probe and the Ingress rules that name it follow. A tier left without
// ports cannot be called or probed on a port, nor have a Service.
func setPorts(a *spec.App, i int, s string) error {
	t := &a.Tiers[i]
	ports, err := parsePorts(s, t.Ports)
	if err != nil {
		return err
	}
	renames := map[string]string{}
	for _, o := range t.Ports {
		if o.Name == "" || slices.ContainsFunc(ports, func(p spec.Port) bool { return p.Name == o.Name }) {
			continue
		}
		for _, p := range ports {
			if p.Port == o.Port && !slices.ContainsFunc(t.Ports, func(x spec.Port) bool { return x.Name == p.Name }) {
				renames[o.Name] = p.Name
			}
		}
	}
	for old, nu := range renames {
		for k, ref := range t.AllowFrom {
			if from, port, ok := strings.Cut(ref, ":"); ok && port == old {
				t.AllowFrom[k] = from + ":" + nu
			}
		}
		for k := range t.AllowFromNamespaces {
			if c := &t.AllowFromNamespaces[k]; slices.Contains(c.Ports, old) {
				c.Ports[slices.Index(c.Ports, old)] = nu
			}
		}
		if t.Probe != nil && t.Probe.Port == old {
			t.Probe.Port = nu
		}
		if rs := entryOf(a).rules; rs != nil {
			for k := range *rs {
				if r := &(*rs)[k]; r.Tier == t.Name && r.Port == old {
					r.Port = nu
				}
			}
		}
	}
	t.Ports = ports
	if len(ports) == 0 {
		t.AllowFrom, t.AllowFromNamespaces = nil, nil
		t.Expose = spec.Expose{}
		if t.Probe != nil && len(t.Probe.Exec) == 0 {
			t.Probe = nil
		}
	}
	return nil
}

// allowFrom asks which tiers may call tier i.
func (w *wizard) allowFrom(i int) error {
	t := &w.app.Tiers[i]
	var options []string
	for _, o := range w.app.Tiers {
		if o.Name != t.Name || slices.Contains(fromNames(t.AllowFrom), t.Name) {
			options = append(options, o.Name)
		}
	}
	if len(options) == 0 {
		return nil
	}
	current := fromNames(t.AllowFrom)
	var defaults []int
	for k, o := range options {
		if slices.Contains(current, o) {
			defaults = append(defaults, k)
		}
	}
	if err := w.canceled(); err != nil {
		return err
	}
	picked, err := w.p.MultiSelect(fmt.Sprintf("Which tiers may call %s?", t.Name), helpAllowFrom, options, defaults)
	if err != nil {
		return err
	}
	if slices.Equal(picked, defaults) {
		return nil
	}
	want := map[string]bool{}
	for _, k := range picked {
		want[options[k]] = true
	}
	var refs []string
	for _, ref := range t.AllowFrom {
		if from, _, _ := strings.Cut(ref, ":"); want[from] {
			refs = append(refs, ref)
			delete(want, from)
		}
	}
	for _, k := range picked {
		if want[options[k]] {
			refs = append(refs, options[k])
		}
	}
	t.AllowFrom = refs
	return nil
}

func fromNames(refs []string) []string {
	var out []string
	for _, r := range refs {
		from, _, _ := strings.Cut(r, ":")
		if !slices.Contains(out, from) {
			out = append(out, from)
		}
	}
	return out
}

// Help for the tiers section.
const (
	helpTiers = "A tier is one Deployment with its ServiceAccount, an optional Service and a NetworkPolicy that admits only the callers you allow. " +
		"Edit a tier, add one, remove one, or go on when the list is right."
	helpRemove   = "Removing a tier also removes the flows from it and the Ingress rules that route to it."
	helpTierName = "A short DNS-1035 label such as web, api or db. It names the tier's Deployment, Service and ServiceAccount, " +
		"and the tier's Service DNS name is <tier>.<namespace>.svc.cluster.local."
	helpImage = "The container image the tier runs, pinned to a version or digest, e.g. ghcr.io/acme/api:1.4.0. " +
		"It must run as a non-root user: the namespace enforces Pod Security 'restricted'."
	helpPorts = "The ports the container listens on, NAME:PORT[/PROTOCOL] separated by commas (http:8080, dns:53/UDP); empty for a tier nobody calls, such as a worker. " +
		"Services, policies and Ingress rules refer to a port by its name, so its number changes in one place."
	helpReplicas = "How many pods run the tier. With 2 or more kubenetgen adds a PodDisruptionBudget and spreads the pods over nodes, " +
		"so draining a node never takes the tier down."
	helpAllowFrom = "The namespace denies all traffic by default. Each tier you check may call this one: it gets an ingress rule here " +
		"and an egress rule out of the caller, on this tier's ports (both ends are needed under default-deny)."
)
