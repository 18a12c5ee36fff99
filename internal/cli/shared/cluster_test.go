package shared

import (
	"bytes"
	"context"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/client-go/kubernetes/fake"

	gen "github.com/kubenetgen/kubenetgen/generate"
	"github.com/kubenetgen/kubenetgen/internal/appflags"
	"github.com/kubenetgen/kubenetgen/internal/clusterfacts"
	"github.com/kubenetgen/kubenetgen/spec"
)

// flannelK3sLike is a cluster whose facts all differ from the defaults:
// k3s-style pod ranges, Traefik installed by Helm in kube-system, CoreDNS
// with labels of its own, and Flannel alone, which enforces nothing.
func flannelK3sLike(t *testing.T) *clusterfacts.Facts {
	t.Helper()
	n := func(name, cidr string) *corev1.Node {
		return &corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: name}, Spec: corev1.NodeSpec{PodCIDR: cidr, PodCIDRs: []string{cidr}}}
	}
	p := func(ns, name string, l map[string]string) *corev1.Pod {
		return &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name, Labels: l}, Status: corev1.PodStatus{Phase: corev1.PodRunning}}
	}
	c := fake.NewClientset(
		n("a", "10.42.0.0/24"), n("b", "10.42.1.0/24"),
		p("kube-system", "traefik-1", map[string]string{"app.kubernetes.io/name": "traefik", "app.kubernetes.io/instance": "traefik-kube-system", "pod-template-hash": "x"}),
		p("kube-system", "coredns-1", map[string]string{"app": "coredns"}),
		&corev1.Service{ObjectMeta: metav1.ObjectMeta{Namespace: "kube-system", Name: "kube-dns"}, Spec: corev1.ServiceSpec{
			Selector: map[string]string{"app": "coredns"},
			Ports:    []corev1.ServicePort{{Port: 53, Protocol: corev1.ProtocolUDP, TargetPort: intstr.FromInt32(53)}}}},
		&networkingv1.IngressClass{ObjectMeta: metav1.ObjectMeta{Name: "traefik"}, Spec: networkingv1.IngressClassSpec{Controller: "traefik.io/ingress-controller"}},
	)
	f, err := clusterfacts.Read(context.Background(), &clusterfacts.Cluster{Client: c})
	if err != nil {
		t.Fatal(err)
	}
	f.Engine = spec.PolicyEngine{Enforced: spec.EnforcedNo, Plugins: []string{"flannel"}}
	return f
}

// shopTiers is the app the tests expose, before its way in.
const shopTiers = `apiVersion: kubenetgen.dev/v1alpha1
kind: App
name: shop
tiers:
  - {name: web, image: web:1, ports: [{name: http, port: 8080}]}
`

const threeTier = shopTiers + `ingress:
  class: traefik
  rules: [{host: shop.example.com, tier: web, port: http}]
`

// TestFactsRecordedInTheSpec: the facts laid over a spec are recorded in
// it, so that the spec alone, later and without the cluster, renders the
// same bytes.
func TestFactsRecordedInTheSpec(t *testing.T) {
	st, err := FromData("kubenetgen.yaml", []byte(threeTier))
	if err != nil {
		t.Fatal(err)
	}
	var said bytes.Buffer
	if err := st.LayFacts(flannelK3sLike(t), func(string) bool { return false }, &said); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"pod network: 10.42.0.0/23, the union of the nodes' spec.podCIDRs",
		"ingress controller: found traefik in kube-system with app.kubernetes.io/instance=traefik-kube-system,app.kubernetes.io/name=traefik",
		"DNS: the pods behind Service kube-system/kube-dns (selector app=coredns",
		"NetworkPolicy: NOT ENFORCED",
	} {
		if !strings.Contains(said.String(), want) {
			t.Errorf("LayFacts said:\n%s\nwant it to say %q", said.String(), want)
		}
	}
	withCluster, err := st.Resolve(nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	data, err := spec.Marshal(st.App)
	if err != nil {
		t.Fatal(err)
	}
	later, err := FromData("kubenetgen.yaml", data)
	if err != nil {
		t.Fatal(err)
	}
	without, err := later.Resolve(nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	a, err := gen.Render(withCluster, "base")
	if err != nil {
		t.Fatal(err)
	}
	b, err := gen.Render(without, "base")
	if err != nil {
		t.Fatal(err)
	}
	if len(a) != len(b) {
		t.Fatalf("%d files with the cluster, %d from the spec alone", len(a), len(b))
	}
	var readme string
	for i := range a {
		if a[i].Path != b[i].Path || !bytes.Equal(a[i].Data, b[i].Data) {
			t.Errorf("%s differs between the run with the cluster and the spec alone", a[i].Path)
		}
		if a[i].Path == "README.md" {
			readme = string(a[i].Data)
		}
	}
	for _, want := range []string{"k8s-app", "app: coredns", "traefik-kube-system", "10.42.0.0/23"} {
		if want == "k8s-app" {
			if strings.Contains(string(data), want) {
				t.Errorf("the spec keeps the default DNS labels:\n%s", data)
			}
			continue
		}
		if !strings.Contains(string(data), want) {
			t.Errorf("the spec does not record %q:\n%s", want, data)
		}
	}
	if !strings.Contains(readme, "> **Warning:** NETWORK POLICIES WILL NOT BE ENFORCED: the cluster runs flannel") {
		t.Errorf("the base README does not say loudly that policies are not enforced:\n%s", readme[:min(len(readme), 600)])
	}
}

// TestFlagsWinOverFacts: a flag given is never replaced by a fact, and a
// pod network neither the cluster, the spec nor a flag gives is asked for.
func TestFlagsWinOverFacts(t *testing.T) {
	f := flannelK3sLike(t)
	st, _ := FromData("kubenetgen.yaml", []byte(threeTier))
	st.App.Network.PodCIDR = "10.42.0.0/16"
	changed := func(flag string) bool { return flag == appflags.FlagPodCIDR || flag == appflags.FlagIngressNamespace }
	if err := st.LayFacts(f, changed, &bytes.Buffer{}); err != nil {
		t.Fatal(err)
	}
	if st.App.Network.PodCIDR != "10.42.0.0/16" || st.App.Ingress.Controller != nil {
		t.Errorf("flags overridden: podCIDR %q, controller %+v", st.App.Network.PodCIDR, st.App.Ingress.Controller)
	}

	f.PodCIDR, f.PodCIDRHow = "", "no node sets spec.podCIDRs"
	st, _ = FromData("kubenetgen.yaml", []byte(threeTier+"network: {podCIDR: 10.42.0.0/16}\n"))
	if err := st.LayFacts(f, func(string) bool { return false }, &bytes.Buffer{}); err != nil || st.App.Network.PodCIDR != "10.42.0.0/16" {
		t.Errorf("a spec's pod network the cluster does not tell: %v, %q; want it kept", err, st.App.Network.PodCIDR)
	}
	st, _ = FromData("kubenetgen.yaml", []byte(threeTier))
	err := st.LayFacts(f, func(string) bool { return false }, &bytes.Buffer{})
	if err == nil || !strings.Contains(err.Error(), "give it with --pod-cidr") || !strings.Contains(err.Error(), "no node sets spec.podCIDRs") {
		t.Errorf("LayFacts without a pod network = %v, want an error asking for --pod-cidr", err)
	}
}

const sharedGateway = shopTiers + `gateway:
  class: traefik
  attach: {name: edge, namespace: infra}
  routes: [{host: shop.example.com, tier: web, port: http}]
`

// TestGatewayFactsLaid: --from-cluster asks about the app's Gateway as
// defaults make it, a plane the app gives is not asked about, and the data
// plane found is laid over the spec and said in the summary.
func TestGatewayFactsLaid(t *testing.T) {
	st, err := FromData("kubenetgen.yaml", []byte(sharedGateway))
	if err != nil {
		t.Fatal(err)
	}
	q := GatewayQueryOf(st.App)
	want := clusterfacts.GatewayQuery{Class: "traefik", ClassName: "traefik", Shared: true, Name: "edge", Namespace: "infra"}
	if q == nil || *q != want {
		t.Errorf("gatewayQuery = %+v, want %+v", q, want)
	}
	f := flannelK3sLike(t)
	f.Gateway = &clusterfacts.GatewayFacts{Class: "traefik", Controller: "traefik.io/gateway-controller",
		DataPlane: &spec.Controller{Namespace: "kube-system", PodLabels: map[string]string{"app.kubernetes.io/name": "traefik"}}, DataPlanePods: 1}
	var said bytes.Buffer
	if err := st.LayFacts(f, func(string) bool { return false }, &said); err != nil {
		t.Fatal(err)
	}
	if w := "gateway class traefik: controller traefik.io/gateway-controller; data plane 1 pods in kube-system with app.kubernetes.io/name=traefik"; !strings.Contains(said.String(), w) {
		t.Errorf("LayFacts said:\n%s\nwant it to say %q", said.String(), w)
	}
	if dp := spec.Defaulted(st.App).Gateway.DataPlane; dp == nil || dp.Namespace != "kube-system" {
		t.Errorf("data plane after the facts = %+v, want the cluster's kube-system", dp)
	}

	st, _ = FromData("kubenetgen.yaml", []byte(sharedGateway+"  dataPlane: {namespace: edge-proxies, podLabels: {app: proxy}}\n"))
	if q := GatewayQueryOf(st.App); q == nil || !q.DataPlaneGiven {
		t.Errorf("gatewayQuery with gateway.dataPlane given = %+v, want DataPlaneGiven", q)
	}
	st, _ = FromData("kubenetgen.yaml", []byte(strings.Replace(strings.Replace(sharedGateway, "traefik", "istio", 1), "  attach: {name: edge, namespace: infra}\n", "", 1)))
	want = clusterfacts.GatewayQuery{Class: "istio", ClassName: "istio", Name: "shop", Namespace: "shop", NeedsControlPlane: true}
	if q := GatewayQueryOf(st.App); q == nil || *q != want {
		t.Errorf("gatewayQuery of an own istio Gateway = %+v, want %+v", q, want)
	}
}
