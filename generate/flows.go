package generate

import (
	"fmt"
	"sort"
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
		routed := map[string][]spec.Port{}
		var order []string
		for _, r := range in.Rules {
			t := a.Tier(r.Tier)
			if t == nil || t.Port(r.Port) == nil {
				continue
			}
			p := *t.Port(r.Port)
			if _, ok := routed[r.Tier]; !ok {
				order = append(order, r.Tier)
			}
			dup := false
			for _, x := range routed[r.Tier] {
				dup = dup || x.Name == p.Name
			}
			if !dup {
				routed[r.Tier] = append(routed[r.Tier], p)
			}
		}
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
			src = "any address (0.0.0.0/0 except " + a.Network.PodCIDR + ")"
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
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for i, k := range keys {
		keys[i] = k + "=" + m[k]
	}
	return strings.Join(keys, ",")
}
