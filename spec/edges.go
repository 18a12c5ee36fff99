package spec

import (
	"slices"
	"strconv"
	"strings"
)

// Edge is one allowed flow: From may call To on Ports (To's pod ports).
type Edge struct {
	From  string
	To    string
	Ports []Port
}

// Edges lists the declared flows in spec order (by callee, then allowFrom
// order), each with the callee's ports it admits. It assumes a valid App.
func (a *App) Edges() []Edge {
	var out []Edge
	for i := range a.Tiers {
		t := &a.Tiers[i]
		for _, ref := range t.AllowFrom {
			from, port, narrowed := strings.Cut(ref, ":")
			e := Edge{From: from, To: t.Name}
			if narrowed {
				if p := t.Port(port); p != nil {
					e.Ports = []Port{*p}
				}
			} else {
				e.Ports = append([]Port(nil), t.Ports...)
			}
			out = append(out, e)
		}
	}
	return out
}

// Callees lists the tiers that name calls, in spec order, without repeats.
func (a *App) Callees(name string) []*Tier {
	var out []*Tier
	for i := range a.Tiers {
		t := &a.Tiers[i]
		for _, ref := range t.AllowFrom {
			if from, _, _ := strings.Cut(ref, ":"); from == name {
				out = append(out, t)
				break
			}
		}
	}
	return out
}

// ServiceHost is the cluster DNS name of a tier's Service, which its
// callers use to find it (never an IP).
func (a *App) ServiceHost(tier string) string {
	return tier + "." + a.Namespace + ".svc.cluster.local"
}

// EnvName turns a tier or port name into an environment variable fragment.
func EnvName(s string) string {
	return strings.ToUpper(strings.ReplaceAll(s, "-", "_"))
}

// HostVar is the variable that holds a callee's Service DNS name.
func HostVar(tier string) string { return EnvName(tier) + "_HOST" }

// PortVar is the variable that holds a callee's Service port.
func PortVar(tier, port string) string { return EnvName(tier) + "_" + EnvName(port) + "_PORT" }

// CallerEnv lists the variables kubenetgen sets on a tier for each tier it
// may call that has a Service: <CALLEE>_HOST, the Service's DNS name, and
// <CALLEE>_<PORT>_PORT, the Service port of each allowed port. edges are
// a.Edges(), passed in so that callers building every tier compute them once.
func (a *App) CallerEnv(caller string, edges []Edge) []EnvVar {
	var out []EnvVar
	for _, e := range edges {
		if e.From != caller {
			continue
		}
		callee := a.Tier(e.To)
		if callee == nil || !callee.Expose.HasService() {
			continue
		}
		host := EnvVar{Name: HostVar(e.To), Value: a.ServiceHost(e.To)}
		if !slices.Contains(out, host) {
			out = append(out, host)
		}
		for _, p := range e.Ports {
			v := EnvVar{Name: PortVar(e.To, p.Name), Value: strconv.Itoa(int(p.ServicePort))}
			if !slices.ContainsFunc(out, func(x EnvVar) bool { return x.Name == v.Name }) {
				out = append(out, v)
			}
		}
	}
	return out
}
