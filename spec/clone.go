package spec

import (
	"maps"
	"slices"
)

// Clone returns a deep copy of a: no slice, map or pointer of the copy is
// shared with a, so a candidate answer can be tried on the copy without
// touching a. Empty and nil slices and maps stay as they were.
func (a *App) Clone() *App {
	if a == nil {
		return nil
	}
	c := *a
	if a.Metadata != nil {
		m := *a.Metadata
		m.Labels = maps.Clone(m.Labels)
		m.Annotations = maps.Clone(m.Annotations)
		c.Metadata = &m
	}
	if a.Tiers != nil {
		c.Tiers = make([]Tier, len(a.Tiers))
		for i := range a.Tiers {
			c.Tiers[i] = a.Tiers[i].clone()
		}
	}
	if a.Ingress != nil {
		in := a.Ingress.clone()
		c.Ingress = &in
	}
	if a.Gateway != nil {
		g := a.Gateway.clone()
		c.Gateway = &g
	}
	c.Network = a.Network.clone()
	return &c
}

// Defaulted returns a defaulted copy of a and leaves a as it was given:
// a spec file keeps only what was answered, so that later defaults apply
// to it.
func Defaulted(a *App) *App {
	c := a.Clone()
	Default(c)
	return c
}

func (t Tier) clone() Tier {
	t.Ports = slices.Clone(t.Ports)
	t.Replicas = clonePtr(t.Replicas)
	t.Expose.SourceRanges = slices.Clone(t.Expose.SourceRanges)
	t.AllowFrom = slices.Clone(t.AllowFrom)
	if t.Probe != nil {
		p := *t.Probe
		p.Exec = slices.Clone(p.Exec)
		t.Probe = &p
	}
	t.Env = slices.Clone(t.Env)
	t.RunAsUser = clonePtr(t.RunAsUser)
	t.RunAsGroup = clonePtr(t.RunAsGroup)
	t.FSGroup = clonePtr(t.FSGroup)
	t.WritablePaths = slices.Clone(t.WritablePaths)
	t.Egress.CIDRs = slices.Clone(t.Egress.CIDRs)
	t.Egress.Ports = slices.Clone(t.Egress.Ports)
	t.AllowFromNamespaces = slices.Clone(t.AllowFromNamespaces)
	for i := range t.AllowFromNamespaces {
		c := &t.AllowFromNamespaces[i]
		c.PodLabels = maps.Clone(c.PodLabels)
		c.Ports = slices.Clone(c.Ports)
	}
	t.Egress.Namespaces = slices.Clone(t.Egress.Namespaces)
	for i := range t.Egress.Namespaces {
		c := &t.Egress.Namespaces[i]
		c.PodLabels = maps.Clone(c.PodLabels)
		c.Ports = slices.Clone(c.Ports)
	}
	return t
}

func (in Ingress) clone() Ingress {
	if in.Controller != nil {
		c := *in.Controller
		c.PodLabels = maps.Clone(c.PodLabels)
		in.Controller = &c
	}
	in.Rules = slices.Clone(in.Rules)
	return in
}

func (n Network) clone() Network {
	if n.DNS != nil {
		d := *n.DNS
		d.PodLabels = maps.Clone(d.PodLabels)
		d.CIDRs = slices.Clone(d.CIDRs)
		n.DNS = &d
	}
	n.BlockMetadata = clonePtr(n.BlockMetadata)
	if n.APIServer != nil {
		s := *n.APIServer
		s.CIDRs = slices.Clone(s.CIDRs)
		n.APIServer = &s
	}
	if n.PolicyEngine != nil {
		e := *n.PolicyEngine
		e.Plugins = slices.Clone(e.Plugins)
		n.PolicyEngine = &e
	}
	return n
}

func clonePtr[T any](p *T) *T {
	if p == nil {
		return nil
	}
	v := *p
	return &v
}
