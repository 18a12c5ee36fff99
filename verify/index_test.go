package verify

import (
	"github.com/google/go-cmp/cmp"

	"github.com/kubenetgen/kubenetgen/spec"
)

// everyPair is Matrix the long way: Allowed asked of every pair of peers,
// none skipped. The evaluator's index must only skip pairs Allowed denies.
func everyPair(e *Evaluator) []Flow {
	var out []Flow
	for _, s := range e.Peers {
		for _, d := range e.Peers {
			if !e.listed(s) && !e.listed(d) {
				continue
			}
			if set := e.Allowed(s, d); !set.Empty() {
				out = append(out, Flow{From: s.ID, To: d.ID, Ports: set.Ranges(d.Ports)})
			}
		}
	}
	return out
}

// MatrixDiff is the difference between Matrix and everyPair, "" when
// none, for the tests outside the package.
func MatrixDiff(e *Evaluator) string {
	return cmp.Diff(everyPair(e), e.Matrix())
}

// ExpectedDiff is the difference between Expected and the same with every
// pair of peers tried, "" when none.
func ExpectedDiff(a *spec.App, e *Evaluator) string {
	want, wantFindings := expected(a, e, true)
	got, gotFindings := Expected(a, e)
	return cmp.Diff(want, got) + cmp.Diff(wantFindings, gotFindings)
}
