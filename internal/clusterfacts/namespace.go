package clusterfacts

import (
	"context"
	"fmt"
	"maps"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"

	"github.com/kubenetgen/kubenetgen/verify"
)

// ReadNamespace reads what runs in namespace ns — its workloads, pods of
// no workload, Services, NetworkPolicies and Ingresses — as objects for
// verify, and reports each Service whose EndpointSlices hold no ready
// endpoint. Like Read, it only gets and lists, and any failed request
// fails it.
func ReadNamespace(ctx context.Context, cl *Cluster, ns string) (*verify.Bundle, error) {
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, DefaultTimeout)
		defer cancel()
	}
	r := &reader{ctx: ctx, c: cl.Client, cluster: clusterName(cl)}
	source := fmt.Sprintf("cluster %s, namespace %s", r.cluster, ns)
	if r.cluster == "" {
		source = "namespace " + ns
	}
	b := &verify.Bundle{}
	add := func(kind string, obj runtime.Object) {
		b.Objects = append(b.Objects, &verify.Object{Source: verify.Source{File: source, Doc: len(b.Objects) + 1}, Kind: kind, Obj: obj})
	}
	var (
		deps   *appsv1.DeploymentList
		sts    *appsv1.StatefulSetList
		dss    *appsv1.DaemonSetList
		pods   *corev1.PodList
		svcs   *corev1.ServiceList
		slices *discoveryv1.EndpointSliceList
		pols   *networkingv1.NetworkPolicyList
		ings   *networkingv1.IngressList
	)
	steps := []struct {
		resource string
		list     func(ctx context.Context) error
	}{
		{"deployments", func(ctx context.Context) (err error) {
			deps, err = r.c.AppsV1().Deployments(ns).List(ctx, metav1.ListOptions{})
			return
		}},
		{"statefulsets", func(ctx context.Context) (err error) {
			sts, err = r.c.AppsV1().StatefulSets(ns).List(ctx, metav1.ListOptions{})
			return
		}},
		{"daemonsets", func(ctx context.Context) (err error) {
			dss, err = r.c.AppsV1().DaemonSets(ns).List(ctx, metav1.ListOptions{})
			return
		}},
		{"pods", func(ctx context.Context) (err error) {
			pods, err = r.c.CoreV1().Pods(ns).List(ctx, metav1.ListOptions{})
			return
		}},
		{"services", func(ctx context.Context) (err error) {
			svcs, err = r.c.CoreV1().Services(ns).List(ctx, metav1.ListOptions{})
			return
		}},
		{"endpointslices", func(ctx context.Context) (err error) {
			slices, err = r.c.DiscoveryV1().EndpointSlices(ns).List(ctx, metav1.ListOptions{})
			return
		}},
		{"networkpolicies", func(ctx context.Context) (err error) {
			pols, err = r.c.NetworkingV1().NetworkPolicies(ns).List(ctx, metav1.ListOptions{})
			return
		}},
		{"ingresses", func(ctx context.Context) (err error) {
			ings, err = r.c.NetworkingV1().Ingresses(ns).List(ctx, metav1.ListOptions{})
			return
		}},
	}
	for _, s := range steps {
		if err := r.do("list", s.resource, ns, s.list); err != nil {
			return nil, err
		}
	}
	for i := range deps.Items {
		add("Deployment", &deps.Items[i])
	}
	for i := range sts.Items {
		add("StatefulSet", &sts.Items[i])
	}
	for i := range dss.Items {
		add("DaemonSet", &dss.Items[i])
	}
	for i := range pods.Items {
		// A workload's pods are its template's: only pods of no
		// workload stand for themselves.
		if len(pods.Items[i].OwnerReferences) == 0 {
			add("Pod", &pods.Items[i])
		}
	}
	for i := range svcs.Items {
		add("Service", &svcs.Items[i])
	}
	for i := range pols.Items {
		add("NetworkPolicy", &pols.Items[i])
	}
	for i := range ings.Items {
		add("Ingress", &ings.Items[i])
	}
	ready := map[string]int{}
	for _, s := range slices.Items {
		for _, ep := range s.Endpoints {
			if ep.Conditions.Ready == nil || *ep.Conditions.Ready {
				ready[s.Labels[discoveryv1.LabelServiceName]]++
			}
		}
	}
	for _, svc := range svcs.Items {
		if len(svc.Spec.Selector) > 0 && ready[svc.Name] == 0 {
			b.Findings = append(b.Findings, verify.Finding{Severity: verify.Warning, Object: "Service " + ns + "/" + svc.Name, Source: source,
				Problem: "has no ready endpoint in the cluster: no running, ready pod carries " + FormatLabels(svc.Spec.Selector),
				Fix:     "check its pods (kubectl get pods -n " + ns + " -l " + FormatLabels(svc.Spec.Selector) + ")"})
		}
	}
	return b, nil
}

// CommonLabels are the labels every pod carries: the pods themselves,
// as a policy's selector sees them.
func CommonLabels(pods []map[string]string) map[string]string {
	if len(pods) == 0 {
		return nil
	}
	common := maps.Clone(pods[0])
	for _, p := range pods[1:] {
		for k, v := range common {
			if p[k] != v {
				delete(common, k)
			}
		}
	}
	return common
}

func clusterName(cl *Cluster) string {
	switch {
	case cl.Context != "" && cl.Server != "":
		return fmt.Sprintf("%s (%s)", cl.Context, cl.Server)
	case cl.Context != "":
		return cl.Context
	}
	return cl.Server
}
