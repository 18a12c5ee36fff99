package verify

import (
	"fmt"
	"strings"
	"testing"
)

// TestNodePortBounds tries a Service's nodePort at and just beyond the
// edges of the default range and of a custom one: the edges are in, one
// past them is an error.
func TestNodePortBounds(t *testing.T) {
	for _, r := range []struct{ lo, hi int32 }{{0, 0}, {31000, 31999}, {30500, 30500}} {
		o := Options{NodePortLow: r.lo, NodePortHigh: r.hi}
		lo, hi := r.lo, r.hi
		if lo == 0 {
			lo, hi = 30000, 32767 // the defaults
		}
		for _, c := range []struct {
			port int32
			ok   bool
		}{{lo - 1, false}, {lo, true}, {hi, true}, {hi + 1, false}} {
			svc := fmt.Sprintf(`
apiVersion: v1
kind: Service
metadata: {name: np, namespace: ns}
spec: {type: NodePort, externalTrafficPolicy: Local, selector: {app: a}, ports: [{name: http, port: 80, targetPort: http, nodePort: %d}]}`, c.port)
			b := loadYAML(t, "in.yaml", checkBase+"---"+svc)
			var got []string
			for _, f := range Check(b.Objects, NewEvaluator(b.Objects, o), o) {
				if f.Field == "spec.ports[0].nodePort" {
					got = append(got, f.Problem)
				}
			}
			want := fmt.Sprintf("%d is outside the NodePort range %d-%d", c.port, lo, hi)
			if c.ok && len(got) > 0 || !c.ok && (len(got) != 1 || !strings.Contains(got[0], want)) {
				t.Errorf("nodePort %d in range %d-%d: findings %q, want ok=%v", c.port, lo, hi, got, c.ok)
			}
		}
	}
}
