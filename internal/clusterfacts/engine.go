package clusterfacts

import (
	"context"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"

	"github.com/kubenetgen/kubenetgen/spec"
)

// plugin is a network plugin recognised by the DaemonSet that runs it.
type plugin struct {
	name string
	// daemonSets are the names its DaemonSet goes by.
	daemonSets []string
	// enforces says whether it enforces NetworkPolicy, given its
	// DaemonSet; unknown when it cannot be told from it.
	enforces func(ds appsv1.DaemonSet) string
}

func always(v string) func(appsv1.DaemonSet) string {
	return func(appsv1.DaemonSet) string { return v }
}

// plugins are the network plugins kubenetgen recognises.
var plugins = []plugin{
	{"calico", []string{"calico-node"}, always(spec.EnforcedYes)},
	{"cilium", []string{"cilium", "cilium-agent", "anetd"}, always(spec.EnforcedYes)},
	{"antrea", []string{"antrea-agent"}, always(spec.EnforcedYes)},
	{"kube-router", []string{"kube-router"}, kubeRouter},
	{"weave", []string{"weave-net"}, always(spec.EnforcedYes)},
	{"ovn-kubernetes", []string{"ovnkube-node"}, always(spec.EnforcedYes)},
	{"azure-npm", []string{"azure-npm"}, always(spec.EnforcedYes)},
	{"kindnet", []string{"kindnet"}, kindnet},
	{"aws-vpc-cni", []string{"aws-node"}, awsNode},
	{"flannel", []string{"kube-flannel-ds", "kube-flannel", "flannel"}, always(spec.EnforcedNo)},
}

// kubeRouter enforces unless its firewall is turned off.
func kubeRouter(ds appsv1.DaemonSet) string {
	for _, c := range ds.Spec.Template.Spec.Containers {
		if v, ok := flagValue(c, "run-firewall"); ok && v == "false" {
			return spec.EnforcedNo
		}
	}
	return spec.EnforcedYes
}

// kindnetTag is the date of a kindnetd image tag: vYYYYMMDD-hash.
var kindnetTag = regexp.MustCompile(`:v(\d{8})-`)

// kindnetPolicies is the first kindnetd image that enforces NetworkPolicy
// (kube-network-policies), shipped with kind v0.24.0.
const kindnetPolicies = "20240813"

// kindnet enforces since kind v0.24: a kube-network-policies container,
// or a kindnetd image from that release on.
func kindnet(ds appsv1.DaemonSet) string {
	for _, c := range ds.Spec.Template.Spec.Containers {
		if strings.Contains(c.Name, "network-policies") || strings.Contains(c.Image, "kube-network-policies") {
			return spec.EnforcedYes
		}
		if m := kindnetTag.FindStringSubmatch(c.Image); m != nil {
			if m[1] >= kindnetPolicies {
				return spec.EnforcedYes
			}
			return spec.EnforcedNo
		}
	}
	return spec.EnforcedUnknown
}

// awsNode enforces with its network policy agent.
func awsNode(ds appsv1.DaemonSet) string {
	for _, c := range ds.Spec.Template.Spec.Containers {
		if strings.Contains(c.Name, "network-policy-agent") {
			if v, ok := flagValue(c, "enable-network-policy"); ok && v == "false" {
				return spec.EnforcedNo
			}
			return spec.EnforcedUnknown
		}
	}
	return spec.EnforcedNo
}

// engine tells whether NetworkPolicy is enforced: yes when any plugin
// found enforces it, no when the ones found do not (or the cluster is a
// minikube on its bridge plugin), unknown otherwise. k3s enforces with its
// embedded controller unless told not to, which its API does not show.
func (f *Facts) engine(nodes []corev1.Node, dss []appsv1.DaemonSet) {
	verdict := map[string]string{}
	var where []string
	for _, ds := range dss {
		for _, p := range plugins {
			if slices.Contains(p.daemonSets, ds.Name) {
				v := p.enforces(ds)
				if old, ok := verdict[p.name]; !ok || old != spec.EnforcedYes {
					verdict[p.name] = v
				}
				where = append(where, fmt.Sprintf("DaemonSet %s/%s (%s)", ds.Namespace, ds.Name, p.name))
			}
		}
	}
	k3s, minikube := false, false
	for _, n := range nodes {
		if strings.Contains(n.Status.NodeInfo.KubeletVersion, "+k3s") {
			k3s = true
		}
		if _, ok := n.Labels["minikube.k8s.io/name"]; ok {
			minikube = true
		}
	}
	if k3s {
		verdict["k3s"] = spec.EnforcedYes
		where = append(where, "k3s nodes (its embedded network policy controller, unless started with --disable-network-policy)")
	}
	if minikube && len(verdict) == 0 {
		verdict["minikube-bridge"] = spec.EnforcedNo
		where = append(where, "a minikube node with no network plugin DaemonSet: minikube's default bridge plugin")
	}
	e := spec.PolicyEngine{Enforced: spec.EnforcedUnknown, Plugins: slices.Sorted(maps.Keys(verdict))}
	vs := slices.Collect(maps.Values(verdict))
	switch {
	case slices.Contains(vs, spec.EnforcedYes):
		e.Enforced = spec.EnforcedYes
	case len(vs) > 0 && !slices.Contains(vs, spec.EnforcedUnknown):
		e.Enforced = spec.EnforcedNo
	}
	f.Engine = e
	if len(where) == 0 {
		f.EngineHow = "no network plugin kubenetgen recognises (no DaemonSet of Calico, Cilium, Antrea, kube-router, Weave, kindnet, Flannel…)"
		return
	}
	f.EngineHow = "found " + strings.Join(where, ", ")
}

// knownController is an ingress controller kubenetgen can find by the
// spec.controller of its IngressClass.
type knownController struct {
	// selectors find its pods, the first that finds any wins.
	selectors []map[string]string
}

var knownControllers = map[string]knownController{
	"k8s.io/ingress-nginx": {[]map[string]string{
		{"app.kubernetes.io/name": "ingress-nginx", "app.kubernetes.io/component": "controller"},
		{"app.kubernetes.io/name": "ingress-nginx"},
		{"app": "ingress-nginx"},
	}},
	"traefik.io/ingress-controller": {[]map[string]string{
		{"app.kubernetes.io/name": "traefik"},
		{"app": "traefik"},
	}},
	"istio.io/ingress-controller": {[]map[string]string{
		{"istio": "ingressgateway"},
	}},
	"haproxy-ingress.github.io/controller": {[]map[string]string{
		{"app.kubernetes.io/name": "haproxy-ingress"},
	}},
	"ingress-controllers.konghq.com/kong": {[]map[string]string{
		{"app.kubernetes.io/name": "kong"},
		{"app": "kong"},
	}},
}

// stableKeys are the labels a controller is best admitted by: they name
// the install and do not change on an upgrade or a rollout.
var stableKeys = []string{"app.kubernetes.io/name", "app.kubernetes.io/component", "app.kubernetes.io/instance"}

// volatileKeys change with a rollout, an upgrade or a pod's identity:
// never admit by them.
var volatileKeys = []string{
	"pod-template-hash", "controller-revision-hash", "pod-template-generation",
	"statefulset.kubernetes.io/pod-name", "apps.kubernetes.io/pod-index",
	"helm.sh/chart", "chart", "app.kubernetes.io/version", "version", "heritage",
}

// controller finds the running pods of the class's controller.
func (r *reader) controller(ic networkingv1.IngressClass) (*Controller, error) {
	c := &Controller{Class: ic.Name, Name: ic.Spec.Controller}
	known, ok := knownControllers[ic.Spec.Controller]
	if !ok {
		c.Problem = fmt.Sprintf("IngressClass %s names controller %q, which kubenetgen does not know how to find: give --ingress-namespace and --ingress-pod-labels", ic.Name, ic.Spec.Controller)
		return c, nil
	}
	for _, set := range known.selectors {
		var pods *corev1.PodList
		sel := labels.SelectorFromSet(set).String()
		if err := r.do("list", "pods", "", func(ctx context.Context) (err error) {
			pods, err = r.c.CoreV1().Pods("").List(ctx, metav1.ListOptions{LabelSelector: sel})
			return err
		}); err != nil {
			return nil, err
		}
		running := map[string][]corev1.Pod{}
		for _, p := range pods.Items {
			if p.Status.Phase == corev1.PodRunning && p.DeletionTimestamp == nil {
				running[p.Namespace] = append(running[p.Namespace], p)
			}
		}
		if len(running) == 0 {
			continue
		}
		if len(running) > 1 {
			c.Problem = fmt.Sprintf("the pods of %s (%s) run in several namespaces (%s): give --ingress-namespace and --ingress-pod-labels",
				ic.Name, sel, strings.Join(slices.Sorted(maps.Keys(running)), ", "))
			return c, nil
		}
		for ns, ps := range running {
			c.Namespace = ns
			for _, p := range ps {
				c.Pods = append(c.Pods, p.Labels)
			}
			c.Labels = chooseLabels(c.Pods)
		}
		return c, nil
	}
	c.Problem = fmt.Sprintf("no running pod of %s's controller %s was found: give --ingress-namespace and --ingress-pod-labels", ic.Name, ic.Spec.Controller)
	return c, nil
}

// chooseLabels picks, of the labels every pod carries, the stable ones
// when there are any, else all but the volatile ones.
func chooseLabels(pods []map[string]string) map[string]string {
	common := CommonLabels(pods)
	out := map[string]string{}
	for _, k := range stableKeys {
		if v, ok := common[k]; ok {
			out[k] = v
		}
	}
	if len(out) > 0 {
		return out
	}
	for _, k := range volatileKeys {
		delete(common, k)
	}
	return common
}
