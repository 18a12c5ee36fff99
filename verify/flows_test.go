package verify

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// openPods are n Deployments and no NetworkPolicy: every pod may reach
// every other and every pseudo-peer.
func openPods(n int) string {
	var docs []string
	for i := range n {
		docs = append(docs, fmt.Sprintf("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d%d}\nspec:\n  selector: {matchLabels: {app: d%d}}\n  template:\n    metadata: {labels: {app: d%d}}\n    spec: {containers: [{name: c, image: x, ports: [{name: http, containerPort: 8080}]}]}\n", i, i, i))
	}
	return strings.Join(docs, "---\n")
}

// TestVerifyReportMaxFlows: past MaxFlows the listing stops, the count and
// the per-peer summary go on; a summary lists nothing. (A pod may reach
// itself: every peer, itself included.)
func TestVerifyReportMaxFlows(t *testing.T) {
	b := loadYAML(t, "in.yaml", openPods(4))
	full := Verify("in.yaml", b, Options{}, nil)
	if full.FlowCount != len(full.Flows) || full.Reach != nil || full.MaxFlows != 0 {
		t.Fatalf("Verify: %d flows listed of %d, reach %v, max %d; want all listed, no summary", len(full.Flows), full.FlowCount, full.Reach, full.MaxFlows)
	}

	r := VerifyReport("in.yaml", b, Options{}, nil, ReportOptions{MaxFlows: 5})
	if diff := cmp.Diff(full.Flows[:5], r.Flows); diff != "" {
		t.Errorf("the first 5 flows mismatch (-want +got):\n%s", diff)
	}
	if r.FlowCount != full.FlowCount || r.MaxFlows != 5 {
		t.Errorf("FlowCount, MaxFlows = %d, %d; want %d, 5", r.FlowCount, r.MaxFlows, full.FlowCount)
	}
	reaches, reachedBy := 0, 0
	for _, p := range r.Reach {
		reaches += p.Reaches
		reachedBy += p.ReachedBy
	}
	if reaches != full.FlowCount || reachedBy != full.FlowCount {
		t.Errorf("per-peer counts add up to %d and %d, want %d", reaches, reachedBy, full.FlowCount)
	}
	if want := (PeerReach{Peer: "default/d0", Reaches: len(r.Peers), ReachedBy: len(r.Peers)}); len(r.Reach) == 0 || r.Reach[0] != want {
		t.Errorf("Reach[0] = %+v, want %+v", r.Reach, want)
	}
	var text bytes.Buffer
	if err := WriteText(&text, r); err != nil {
		t.Fatal(err)
	}
	if want := fmt.Sprintf("… and %d more connections, not listed: verify lists at most 5 (--max-flows)", full.FlowCount-5); !strings.Contains(text.String(), want) {
		t.Errorf("text report lacks %q:\n%s", want, text.String())
	}
	if !strings.Contains(r.Summary(), fmt.Sprintf("%d connections", full.FlowCount)) {
		t.Errorf("Summary() = %q, want every connection counted", r.Summary())
	}

	s := VerifyReport("in.yaml", b, Options{}, nil, ReportOptions{Summary: true})
	if len(s.Flows) != 0 || s.FlowCount != full.FlowCount || s.MaxFlows != 0 || !cmp.Equal(s.Reach, r.Reach) {
		t.Errorf("summary: %d flows listed, count %d, max %d, reach %v; want none listed, %d counted per peer", len(s.Flows), s.FlowCount, s.MaxFlows, s.Reach, full.FlowCount)
	}
}
