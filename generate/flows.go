package generate

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/kubenetgen/kubenetgen/spec"
)

// Flow is one allowed flow of a base, for people: the summary of the
// wizard and the README's table.
type Flow struct {
	From  string
	To    string
	Ports string
	Why   string
}

// Flows lists every flow the base's policies allow, for a defaulted, valid
// App: DNS, each declared edge, the ingress controller, outside sources and
// the extra egress of each tier.
func Flows(a *spec.App) []Flow {
	d := a.Network.DNS
	dnsTo := "cluster DNS (" + d.Namespace + ", " + labelString(d.PodLabels) + ")"
	if len(d.CIDRs) > 0 {
		dnsTo = "cluster DNS (" + strings.Join(d.CIDRs, ", ") + ")"
	}
	out := []Flow{{From: "every pod", To: dnsTo, Ports: fmt.Sprintf("%d/UDP, %d/TCP", d.Port, d.Port), Why: "name resolution"}}
	for _, e := range a.Edges() {
		out = append(out, Flow{From: e.From, To: e.To, Ports: portList(e.Ports), Why: "allowFrom of " + e.To})
	}
	if in := a.Ingress; in != nil && in.Controller != nil {
		order, routed := RoutedPorts(a)
		from := "ingress controller (" + in.Controller.Namespace + ", " + labelString(in.Controller.PodLabels) + ")"
		for _, t := range order {
			out = append(out, Flow{From: from, To: t, Ports: portList(routed[t]), Why: "Ingress rules (class " + in.Class + ")"})
		}
	}
	for _, t := range a.Tiers {
		if !t.Expose.External() {
			continue
		}
		src := strings.Join(t.Expose.SourceRanges, ", ")
		if src == "" {
			src = "any address (" + a.Network.AnySourceText() + ")"
		}
		out = append(out, Flow{From: src, To: t.Name, Ports: portList(t.Ports), Why: t.Expose.Type + " from outside the cluster"})
	}
	for _, t := range a.Tiers {
		if t.Egress.APIServer {
			s := a.Network.APIServer
			out = append(out, Flow{From: t.Name, To: "API server (" + strings.Join(s.CIDRs, ", ") + ")", Ports: fmt.Sprintf("%d/TCP", s.Port), Why: "egress.apiServer"})
		}
		if len(t.Egress.CIDRs) > 0 {
			ports := "all"
			if len(t.Egress.Ports) > 0 {
				var ps []string
				for _, p := range t.Egress.Ports {
					ps = append(ps, fmt.Sprintf("%d/TCP", p))
				}
				ports = strings.Join(ps, ", ")
			}
			var to []string
			for _, c := range t.Egress.CIDRs {
				if ex := egressExcepts(a, c); len(ex) > 0 {
					c += " except " + strings.Join(ex, ", ")
				}
				to = append(to, c)
			}
			out = append(out, Flow{From: t.Name, To: strings.Join(to, "; "), Ports: ports, Why: "egress.cidrs (outside the cluster)"})
		}
	}
	return out
}

func portList(ps []spec.Port) string {
	var s []string
	for _, p := range ps {
		s = append(s, fmt.Sprintf("%s (%d/%s)", p.Name, p.Port, p.Protocol))
	}
	return strings.Join(s, ", ")
}

func labelString(m map[string]string) string {
	var pairs []string
	for _, k := range slices.Sorted(maps.Keys(m)) {
		pairs = append(pairs, k+"="+m[k])
	}
	return strings.Join(pairs, ",")
}

// RoutedPorts lists the tiers the Ingress routes to, in rule order, and
// for each the ports it routes to, without repeats: the ports the
// ingress controller is admitted on.
func RoutedPorts(a *spec.App) (order []string, ports map[string][]spec.Port) {
	ports = map[string][]spec.Port{}
	if a.Ingress == nil {
		return nil, ports
	}
	for _, r := range a.Ingress.Rules {
		t := a.Tier(r.Tier)
		if t == nil {
			continue
		}
		p := t.Port(r.Port)
		if p == nil {
			continue
		}
		if _, seen := ports[r.Tier]; !seen {
			order = append(order, r.Tier)
		}
		if !slices.ContainsFunc(ports[r.Tier], func(x spec.Port) bool { return x.Name == p.Name }) {
			ports[r.Tier] = append(ports[r.Tier], *p)
		}
	}
	return order, ports
}
