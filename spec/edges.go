package spec

import "strings"

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
