package clusterfacts

import (
	"context"
	"errors"
	"net/netip"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/client-go/kubernetes/fake"
	k8stesting "k8s.io/client-go/testing"

	"github.com/kubenetgen/kubenetgen/spec"
)

func node(name, kubelet string, cidrs ...string) *corev1.Node {
	n := &corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: name}}
	n.Spec.PodCIDRs = cidrs
	if len(cidrs) > 0 {
		n.Spec.PodCIDR = cidrs[0]
	}
	n.Status.NodeInfo.KubeletVersion = kubelet
	return n
}

func pod(ns, name string, l map[string]string, args ...string) *corev1.Pod {
	return &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name, Labels: l},
		Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "c", Image: "x", Command: args,
			Ports: []corev1.ContainerPort{{Name: "dns", ContainerPort: 5353, Protocol: corev1.ProtocolUDP}}}}},
		Status: corev1.PodStatus{Phase: corev1.PodRunning},
	}
}

func daemonSet(ns, name string, containers ...corev1.Container) *appsv1.DaemonSet {
	if len(containers) == 0 {
		containers = []corev1.Container{{Name: name, Image: "example/" + name + ":v1"}}
	}
	ds := &appsv1.DaemonSet{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name}}
	ds.Spec.Template.Spec.Containers = containers
	return ds
}

func ingressClass(name, controller string) *networkingv1.IngressClass {
	return &networkingv1.IngressClass{ObjectMeta: metav1.ObjectMeta{Name: name}, Spec: networkingv1.IngressClassSpec{Controller: controller}}
}

func kubeDNS(selector map[string]string, target intstr.IntOrString) *corev1.Service {
	return &corev1.Service{ObjectMeta: metav1.ObjectMeta{Namespace: "kube-system", Name: "kube-dns"},
		Spec: corev1.ServiceSpec{Selector: selector, Ports: []corev1.ServicePort{
			{Name: "dns", Port: 53, Protocol: corev1.ProtocolUDP, TargetPort: target},
			{Name: "dns-tcp", Port: 53, Protocol: corev1.ProtocolTCP, TargetPort: target},
		}}}
}

func read(t *testing.T, objs ...runtime.Object) *Facts {
	t.Helper()
	f, err := Read(context.Background(), &Cluster{Client: fake.NewClientset(objs...)})
	if err != nil {
		t.Fatalf("Read: %v", err)
	}
	return f
}

// helmTraefik is a k3s-style Traefik: installed by Helm into kube-system,
// with the chart's labels and a ReplicaSet's hash.
func helmTraefik(name string) *corev1.Pod {
	return pod("kube-system", name, map[string]string{
		"app.kubernetes.io/instance":   "traefik-kube-system",
		"app.kubernetes.io/managed-by": "Helm",
		"app.kubernetes.io/name":       "traefik",
		"helm.sh/chart":                "traefik-34.2.1_up34.2.0",
		"pod-template-hash":            "5d45fc8cc9-" + name,
	})
}

func TestK3sShape(t *testing.T) {
	f := read(t,
		node("a", "v1.33.4+k3s1", "10.42.0.0/24"), node("b", "v1.33.4+k3s1", "10.42.1.0/24"),
		helmTraefik("traefik-1"), helmTraefik("traefik-2"),
		pod("kube-system", "coredns-1", map[string]string{"k8s-app": "kube-dns", "pod-template-hash": "x"}),
		kubeDNS(map[string]string{"k8s-app": "kube-dns"}, intstr.FromInt32(53)),
		ingressClass("traefik", "traefik.io/ingress-controller"),
	)
	if f.PodCIDR != "10.42.0.0/23" {
		t.Errorf("PodCIDR = %q (%s), want the exact union 10.42.0.0/23", f.PodCIDR, f.PodCIDRHow)
	}
	c := f.Controllers["traefik"]
	want := map[string]string{"app.kubernetes.io/instance": "traefik-kube-system", "app.kubernetes.io/name": "traefik"}
	if c == nil || c.Namespace != "kube-system" || !cmp.Equal(c.Labels, want) {
		t.Fatalf("traefik = %+v, want kube-system %v", c, want)
	}
	if got := c.Found(); got != "traefik in kube-system with app.kubernetes.io/instance=traefik-kube-system,app.kubernetes.io/name=traefik" {
		t.Errorf("Found() = %q", got)
	}
	if d := f.DNS; d == nil || d.Namespace != "kube-system" || d.Port != 53 || d.PodLabels["k8s-app"] != "kube-dns" {
		t.Errorf("DNS = %+v (%s)", d, f.DNSHow)
	}
	if f.Engine.Enforced != spec.EnforcedYes || !cmp.Equal(f.Engine.Plugins, []string{"k3s"}) {
		t.Errorf("Engine = %+v, want k3s enforcing", f.Engine)
	}
	if f.NodePortRange != "" || !strings.Contains(f.NodePortHow, "cannot be learnt") {
		t.Errorf("NodePortRange = %q (%s), want none learnt", f.NodePortRange, f.NodePortHow)
	}
}

func TestKubeadmShape(t *testing.T) {
	f := read(t,
		node("cp", "v1.37.2", "10.244.0.0/24"), node("w", "v1.37.2", "10.244.1.0/24"), node("w2", "v1.37.2", "10.244.2.0/24"),
		pod("kube-system", "kube-controller-manager-cp", map[string]string{"component": "kube-controller-manager"},
			"kube-controller-manager", "--allocate-node-cidrs=true", "--cluster-cidr=10.244.0.0/16"),
		pod("kube-system", "kube-apiserver-cp", map[string]string{"component": "kube-apiserver"},
			"kube-apiserver", "--service-node-port-range", "30000-31000"),
		daemonSet("kube-system", "calico-node"), daemonSet("kube-flannel", "kube-flannel-ds"),
		pod("ingress-nginx", "ctl", map[string]string{"app.kubernetes.io/name": "ingress-nginx", "app.kubernetes.io/component": "controller", "app.kubernetes.io/instance": "ingress-nginx", "pod-template-hash": "abc"}),
		ingressClass("nginx", "k8s.io/ingress-nginx"),
		pod("kube-system", "coredns-1", map[string]string{"k8s-app": "coredns"}),
		kubeDNS(map[string]string{"k8s-app": "coredns"}, intstr.FromString("dns")),
	)
	if f.PodCIDR != "10.244.0.0/16" || !strings.Contains(f.PodCIDRHow, "--cluster-cidr") {
		t.Errorf("PodCIDR = %q (%s), want kube-controller-manager's", f.PodCIDR, f.PodCIDRHow)
	}
	if f.NodePortRange != "30000-31000" {
		t.Errorf("NodePortRange = %q (%s)", f.NodePortRange, f.NodePortHow)
	}
	if f.Engine.Enforced != spec.EnforcedYes || !cmp.Equal(f.Engine.Plugins, []string{"calico", "flannel"}) {
		t.Errorf("Engine = %+v (canal: calico enforces)", f.Engine)
	}
	c := f.Controllers["nginx"]
	if c == nil || c.Namespace != "ingress-nginx" || len(c.Labels) != 3 || c.Labels["pod-template-hash"] != "" {
		t.Errorf("nginx = %+v", c)
	}
	// CoreDNS with labels of its own, its target port by name.
	if d := f.DNS; d == nil || d.PodLabels["k8s-app"] != "coredns" || d.Port != 5353 {
		t.Errorf("DNS = %+v (%s)", d, f.DNSHow)
	}
}

func TestNotEnforced(t *testing.T) {
	for name, objs := range map[string][]runtime.Object{
		"flannel alone": {daemonSet("kube-flannel", "kube-flannel-ds")},
		"kindnet before kind v0.24": {daemonSet("kube-system", "kindnet",
			corev1.Container{Name: "kindnet-cni", Image: "docker.io/kindest/kindnetd:v20240513-cd2ac642"})},
		"kube-router without its firewall": {daemonSet("kube-system", "kube-router",
			corev1.Container{Name: "kube-router", Image: "x", Args: []string{"--run-router=true", "--run-firewall=false"}})},
		"minikube bridge": {&corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: "minikube", Labels: map[string]string{"minikube.k8s.io/name": "minikube"}}}},
	} {
		t.Run(name, func(t *testing.T) {
			f := read(t, objs...)
			if f.Engine.Enforced != spec.EnforcedNo {
				t.Errorf("Engine = %+v (%s), want not enforced", f.Engine, f.EngineHow)
			}
		})
	}
	for name, objs := range map[string][]runtime.Object{
		"kindnet of kind v0.24": {daemonSet("kube-system", "kindnet",
			corev1.Container{Name: "kindnet-cni", Image: "docker.io/kindest/kindnetd:v20240813-c6f155d6"})},
		"cilium":  {daemonSet("kube-system", "cilium")},
		"antrea":  {daemonSet("kube-system", "antrea-agent")},
		"weave":   {daemonSet("kube-system", "weave-net")},
		"routers": {daemonSet("kube-system", "kube-router")},
	} {
		t.Run(name, func(t *testing.T) {
			if f := read(t, objs...); f.Engine.Enforced != spec.EnforcedYes {
				t.Errorf("Engine = %+v (%s), want enforced", f.Engine, f.EngineHow)
			}
		})
	}
	if f := read(t); f.Engine.Enforced != spec.EnforcedUnknown || !strings.Contains(f.EngineHow, "no network plugin") {
		t.Errorf("empty cluster: Engine = %+v (%s), want unknown", f.Engine, f.EngineHow)
	}
}

func TestNodeLocalDNS(t *testing.T) {
	f := read(t,
		kubeDNS(map[string]string{"k8s-app": "kube-dns"}, intstr.FromInt32(53)),
		daemonSet("kube-system", "node-local-dns", corev1.Container{Name: "node-cache", Image: "x",
			Args: []string{"-localip", "169.254.20.10,10.96.0.10", "-conf", "/etc/Corefile"}}),
	)
	want := &spec.DNS{CIDRs: []string{"169.254.20.10/32", "10.96.0.10/32"}, Port: 53}
	if !cmp.Equal(f.DNS, want) {
		t.Errorf("DNS = %+v, want %+v", f.DNS, want)
	}
}

func TestPodCIDRFromNodes(t *testing.T) {
	for _, tc := range []struct {
		name  string
		nodes []runtime.Object
		want  string
		how   string
	}{
		{"none set it", []runtime.Object{node("a", ""), node("b", "")}, "", "no node sets"},
		{"some do not", []runtime.Object{node("a", "", "10.244.0.0/24"), node("b", "")}, "", "nodes disagree: b"},
		{"a gap", []runtime.Object{node("a", "", "10.42.0.0/24"), node("b", "", "10.42.1.0/24"), node("c", "", "10.42.2.0/24")}, "", "not one network"},
		{"far apart", []runtime.Object{node("a", "", "10.42.0.0/24"), node("b", "", "192.168.7.0/24")}, "", "not one network"},
		{"one node", []runtime.Object{node("a", "", "10.42.0.0/16")}, "10.42.0.0/16", "union"},
		{"four nodes", []runtime.Object{node("a", "", "10.1.0.0/24"), node("b", "", "10.1.1.0/24"), node("c", "", "10.1.2.0/24"), node("d", "", "10.1.3.0/24")}, "10.1.0.0/22", "union"},
		{"dual-stack", []runtime.Object{node("a", "", "10.1.0.0/24", "fd00:1::/64"), node("b", "", "10.1.1.0/24", "fd00:1:0:1::/64")}, "10.1.0.0/23,fd00:1::/63", "union"},
		{"no nodes", nil, "", "no nodes"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := read(t, tc.nodes...)
			if f.PodCIDR != tc.want || !strings.Contains(f.PodCIDRHow, tc.how) {
				t.Errorf("PodCIDR = %q (%s), want %q (%s)", f.PodCIDR, f.PodCIDRHow, tc.want, tc.how)
			}
		})
	}
}

func TestUnion(t *testing.T) {
	ps := func(ss ...string) []netip.Prefix {
		var out []netip.Prefix
		for _, s := range ss {
			out = append(out, netip.MustParsePrefix(s))
		}
		return out
	}
	for _, tc := range []struct{ in, want []netip.Prefix }{
		{ps("10.0.0.0/24", "10.0.1.0/24"), ps("10.0.0.0/23")},
		{ps("10.0.1.0/24", "10.0.2.0/24"), ps("10.0.1.0/24", "10.0.2.0/24")}, // not siblings
		{ps("10.0.0.0/16", "10.0.3.0/24"), ps("10.0.0.0/16")},
		{ps("10.0.0.0/24", "10.0.0.0/24"), ps("10.0.0.0/24")},
	} {
		if got := union(tc.in); !cmp.Equal(got, tc.want, cmp.Comparer(func(a, b netip.Prefix) bool { return a == b })) {
			t.Errorf("union(%v) = %v, want %v", tc.in, got, tc.want)
		}
	}
}

func TestControllerProblems(t *testing.T) {
	f := read(t,
		ingressClass("traefik", "traefik.io/ingress-controller"),
		ingressClass("custom", "example.com/ingress"),
		pod("a", "t1", map[string]string{"app.kubernetes.io/name": "traefik"}),
		pod("b", "t2", map[string]string{"app.kubernetes.io/name": "traefik"}),
		ingressClass("nginx", "k8s.io/ingress-nginx"),
	)
	for class, want := range map[string]string{
		"traefik": "several namespaces (a, b)",
		"custom":  "does not know how to find",
		"nginx":   "no running pod",
	} {
		if c := f.Controllers[class]; c == nil || !strings.Contains(c.Problem, want) {
			t.Errorf("%s: %+v, want a problem saying %q", class, c, want)
		}
	}
}

func TestChooseLabelsFallsBack(t *testing.T) {
	got := chooseLabels([]map[string]string{
		{"app": "traefik", "chart": "traefik-10.3.0", "release": "traefik", "pod-template-hash": "a"},
		{"app": "traefik", "chart": "traefik-10.3.0", "release": "traefik", "pod-template-hash": "b"},
	})
	if want := map[string]string{"app": "traefik", "release": "traefik"}; !cmp.Equal(got, want) {
		t.Errorf("chooseLabels = %v, want %v", got, want)
	}
}

// failOn makes the fake cluster fail one request with err.
func failOn(verb, resource string, err error) func(*fake.Clientset) {
	return func(c *fake.Clientset) {
		c.PrependReactor(verb, resource, func(k8stesting.Action) (bool, runtime.Object, error) { return true, nil, err })
	}
}

func TestErrors(t *testing.T) {
	forbidden := apierrors.NewForbidden(schema.GroupResource{Resource: "pods"}, "", errors.New(`User "viewer" cannot list resource "pods"`))
	for _, tc := range []struct {
		name  string
		setup func(*fake.Clientset)
		kind  ErrorKind
		want  string
	}{
		{"forbidden", failOn("list", "pods", forbidden), Forbidden, "refused to list pods in namespace kube-system"},
		{"forbidden first", failOn("list", "nodes", apierrors.NewForbidden(schema.GroupResource{Resource: "nodes"}, "", errors.New("no"))), Forbidden, "refused to list nodes in every namespace"},
		{"unauthorized", failOn("list", "nodes", apierrors.NewUnauthorized("bad token")), Forbidden, "refused to list nodes"},
		{"half-answering", failOn("list", "daemonsets", apierrors.NewInternalError(errors.New("etcd timed out"))), Partial, "answered only in part: list daemonsets in every namespace failed"},
		{"half-answering later", failOn("list", "ingressclasses", apierrors.NewServiceUnavailable("overloaded")), Partial, "answered only in part: list ingressclasses"},
		{"gone mid-way", failOn("get", "services", context.DeadlineExceeded), Partial, "answered only in part: get services in namespace kube-system"},
		{"no answer", failOn("list", "nodes", context.DeadlineExceeded), Unreachable, "cannot reach the cluster"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := fake.NewClientset(node("a", "", "10.244.0.0/24"))
			tc.setup(c)
			f, err := Read(context.Background(), &Cluster{Client: c, Context: "ctx", Server: "https://127.0.0.1:6443"})
			var e *Error
			if !errors.As(err, &e) || e.Kind != tc.kind {
				t.Fatalf("Read = %v, %v; want an error of kind %d", f, err, tc.kind)
			}
			if msg := err.Error(); !strings.Contains(msg, tc.want) || !strings.Contains(msg, "nothing was written") || !strings.Contains(msg, "ctx (https://127.0.0.1:6443)") {
				t.Errorf("error = %q, want it to say %q, name the cluster and that nothing was written", msg, tc.want)
			}
		})
	}
}

func TestConnectErrors(t *testing.T) {
	_, err := Connect(Config{Kubeconfig: t.TempDir() + "/missing"})
	var e *Error
	if !errors.As(err, &e) || e.Kind != Unreachable || !strings.Contains(err.Error(), "kubeconfig") {
		t.Errorf("Connect(missing kubeconfig) = %v, want an Unreachable error about the kubeconfig", err)
	}
}
