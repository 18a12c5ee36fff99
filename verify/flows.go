package verify

// DefaultMaxFlows is how many connections a report lists unless told
// otherwise: every matrix of an application fits (a 1,000-tier kubenetgen
// base allows about 5,000), while 10,000 pods that all reach each other
// (a namespace with no NetworkPolicy) would list 100 million.
const DefaultMaxFlows = 10_000

// ReportOptions shape the report of a large matrix.
type ReportOptions struct {
	// MaxFlows is the most connections listed in Flows (DefaultMaxFlows
	// when 0); the others are counted, not kept, so memory stays bounded
	// however many pods may reach each other.
	MaxFlows int
	// Summary lists no connection: only the counts per peer.
	Summary bool
}

// PeerReach counts the connections of one peer.
type PeerReach struct {
	Peer string `json:"peer"`
	// Reaches is how many peers it may open connections to.
	Reaches int `json:"reaches"`
	// ReachedBy is how many peers may open connections to it.
	ReachedBy int `json:"reachedBy"`
}

// eachFlow calls fn for every allowed flow with a workload (or
// cert-manager's solver pods) at one end, in the order of Matrix, with the
// ports still as a set: turning them into ranges is left to the flows that
// are kept.
func (e *Evaluator) eachFlow(fn func(s, d *Peer, ports PortSet)) {
	for _, s := range e.Peers {
		for _, d := range e.Peers {
			if !e.listed(s) && !e.listed(d) {
				continue
			}
			if set := e.Allowed(s, d); !set.Empty() {
				fn(s, d, set)
			}
		}
	}
}

// matrix fills r's flow listing and counts from e within ro, and returns
// the flows keep selects in full (those compared with a spec).
func (r *Report) matrix(e *Evaluator, ro ReportOptions, keep func(s, d *Peer) bool) []Flow {
	if ro.MaxFlows <= 0 {
		ro.MaxFlows = DefaultMaxFlows
	}
	reaches, reachedBy := map[string]int{}, map[string]int{}
	var kept []Flow
	r.Flows = []Flow{}
	e.eachFlow(func(s, d *Peer, set PortSet) {
		r.FlowCount++
		reaches[s.ID]++
		reachedBy[d.ID]++
		listed := !ro.Summary && len(r.Flows) < ro.MaxFlows
		compared := keep != nil && keep(s, d)
		if !listed && !compared {
			return
		}
		f := Flow{From: s.ID, To: d.ID, Ports: set.Ranges(d.Ports)}
		if listed {
			r.Flows = append(r.Flows, f)
		}
		if compared {
			kept = append(kept, f)
		}
	})
	if ro.Summary || len(r.Flows) < r.FlowCount {
		r.Reach = []PeerReach{}
		for _, p := range e.Peers {
			if reaches[p.ID]+reachedBy[p.ID] > 0 {
				r.Reach = append(r.Reach, PeerReach{Peer: p.ID, Reaches: reaches[p.ID], ReachedBy: reachedBy[p.ID]})
			}
		}
		if !ro.Summary {
			r.MaxFlows = ro.MaxFlows
		}
	}
	return kept
}
