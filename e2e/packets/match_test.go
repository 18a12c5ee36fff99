//go:build e2e

package packets

import (
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kubenetgen/kubenetgen/verify"
)

// TestMatchPodsAddressConflicts checks, on made-up pods so that it needs no
// world, that matchPods does not accept pods that could not all be wired:
// two sharing an IP (on one node or on two), or one whose IP lies outside
// its node's range; and that it says which pods and addresses.
func TestMatchPodsAddressConflicts(t *testing.T) {
	web := &verify.Peer{ID: "shop/web", Kind: verify.PeerWorkload, Namespace: "shop", Template: &corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: map[string]string{"app": "web"}}}}
	cidrs := []string{"10.244.0.0/24", "10.244.1.0/24"}
	livePodAt := func(name, ip string, node int) livePod {
		var lp livePod
		lp.Metadata.Name, lp.Metadata.Namespace = name, "shop"
		lp.Metadata.Labels = map[string]string{"app": "web"}
		lp.Status.PodIP, lp.Status.HostIP = ip, nodeIP(node)
		lp.Status.Conditions = append(lp.Status.Conditions, struct {
			Type   string `json:"type"`
			Status string `json:"status"`
		}{"Ready", "True"})
		return lp
	}
	for _, tt := range []struct {
		name string
		pods []livePod
		// want are what the answer must name; none means accepted.
		want []string
	}{
		{"distinct, each in its node's range", []livePod{livePodAt("web-a", "10.244.0.2", 0), livePodAt("web-b", "10.244.1.2", 1)}, nil},
		{"same IP on one node", []livePod{livePodAt("web-a", "10.244.0.1", 0), livePodAt("web-b", "10.244.0.1", 0)},
			[]string{"shop/web-a (node 1)", "shop/web-b (node 1)", "both have IP 10.244.0.1"}},
		{"same IP on two nodes", []livePod{livePodAt("web-a", "10.244.0.1", 0), livePodAt("web-b", "10.244.0.1", 1)},
			[]string{"shop/web-a (node 1)", "shop/web-b (node 2)", "both have IP 10.244.0.1", "shop/web-b has IP 10.244.0.1, outside its node 2's pod range 10.244.1.0/24"}},
		{"outside its node's range", []livePod{livePodAt("web-a", "10.244.0.2", 0), livePodAt("web-b", "10.244.0.3", 1)},
			[]string{"shop/web-b has IP 10.244.0.3, outside its node 2's pod range 10.244.1.0/24"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			want := map[*verify.Peer]int{web: len(tt.pods)}
			pods, why := matchPods(tt.pods, []*verify.Peer{web}, nil, want, cidrs)
			if tt.want == nil {
				if why != "" || len(pods) != len(tt.pods) {
					t.Fatalf("matchPods() = %d pods, %q; want %d pods, accepted", len(pods), why, len(tt.pods))
				}
				return
			}
			if pods != nil {
				t.Errorf("matchPods() accepted %d pods, want the world not ready", len(pods))
			}
			for _, w := range tt.want {
				if !strings.Contains(why, w) {
					t.Errorf("matchPods() says %q; want it to name %q", why, w)
				}
			}
		})
	}
}
