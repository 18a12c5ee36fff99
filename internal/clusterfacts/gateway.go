package clusterfacts

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime/schema"
	gwv1 "sigs.k8s.io/gateway-api/apis/v1"

	"github.com/kubenetgen/kubenetgen/spec"
)

// The Gateway API resources --from-cluster reads, through the dynamic
// client: kubenetgen holds no typed client for them.
var (
	gatewayGV         = schema.GroupVersion{Group: gwv1.GroupName, Version: "v1"}
	gatewayClassesGVR = gatewayGV.WithResource("gatewayclasses")
	gatewaysGVR       = gatewayGV.WithResource("gateways")
)

// GatewayQuery is the spec's Gateway as --from-cluster checks it, from the
// spec with its defaults applied.
type GatewayQuery struct {
	// Class is gateway.class: a preset, or another implementation's
	// GatewayClass.
	Class string
	// ClassName is the GatewayClass the app's own Gateway names.
	ClassName string
	// Shared says the routes attach to the Gateway Namespace/Name the
	// platform owns; else Namespace/Name is the app's own Gateway, not
	// applied yet.
	Shared          bool
	Name, Namespace string
	// DataPlaneGiven and ControlPlaneGiven say the user gave them (flags or
	// spec): their word wins, and nothing is read for them.
	DataPlaneGiven, ControlPlaneGiven bool
	// NeedsControlPlane says the own Gateway's data plane will run in the
	// app's namespace and must be let out to its control plane.
	NeedsControlPlane bool
}

// Same says q and o ask about the same Gateway: the same class, ownership
// and name.
func (q GatewayQuery) Same(o GatewayQuery) bool {
	return q.Class == o.Class && q.ClassName == o.ClassName && q.Shared == o.Shared && q.Name == o.Name && q.Namespace == o.Namespace
}

// GatewayFacts are what the cluster says of the spec's Gateway.
type GatewayFacts struct {
	// Query is what was asked.
	Query GatewayQuery
	// Class is the GatewayClass in use, Controller its controllerName.
	Class, Controller string
	// DataPlane is where the shared Gateway's data-plane pods run, found
	// by the preset's labels; nil when given or not applied yet.
	DataPlane     *spec.Controller
	DataPlanePods int
	// ControlPlane is where the own Gateway's control plane runs, found by
	// the preset's labels; nil when given or not needed.
	ControlPlane     *spec.ControlPlane
	ControlPlanePods int
}

// Found says what was found, for the summary: "gateway class eg:
// controller gateway.envoyproxy.io/gatewayclass-controller; data plane 2
// pods in envoy-gateway-system with …".
func (g *GatewayFacts) Found() string {
	s := fmt.Sprintf("gateway class %s: controller %s", g.Class, g.Controller)
	if dp := g.DataPlane; dp != nil {
		s += fmt.Sprintf("; data plane %d pods in %s with %s", g.DataPlanePods, dp.Namespace, FormatLabels(dp.PodLabels))
	}
	if cp := g.ControlPlane; cp != nil {
		s += fmt.Sprintf("; control plane %d pods in %s with %s", g.ControlPlanePods, cp.Namespace, FormatLabels(cp.PodLabels))
	}
	return s
}

// ReadGateway checks the spec's Gateway against the cluster: Gateway API
// is installed, the GatewayClass exists and belongs to the implementation
// the preset names, a shared Gateway exists and its data-plane pods run
// where and with the labels the policies will admit, and the control plane
// an own Gateway's data plane will call runs. It only gets and lists, as
// Read does, and is meant to follow Read: the cluster has answered. A
// cluster that contradicts the spec is an error saying what it holds.
func ReadGateway(ctx context.Context, cl *Cluster, q GatewayQuery) (*GatewayFacts, error) {
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, DefaultTimeout)
		defer cancel()
	}
	if cl.Dynamic == nil {
		return nil, &Error{Kind: Unreachable, Cluster: clusterName(cl), Err: errors.New("no client for Gateway API resources")}
	}
	r := &reader{ctx: ctx, c: cl.Client, cluster: clusterName(cl), answered: true}
	var (
		classes *unstructured.UnstructuredList
		noAPI   bool
	)
	if err := r.do("list", "gatewayclasses", "", func(ctx context.Context) (err error) {
		classes, err = cl.Dynamic.Resource(gatewayClassesGVR).List(ctx, metav1.ListOptions{})
		if apierrors.IsNotFound(err) {
			noAPI, err = true, nil
		}
		return err
	}); err != nil {
		return nil, err
	}
	if noAPI {
		return nil, fmt.Errorf("--gateway-class %s (gateway.class): the cluster %s has no Gateway API (no gatewayclasses in %s): the spec's Gateway cannot work there; install the Gateway API CRDs and an implementation, or expose through an Ingress (--ingress-class); nothing was written",
			q.Class, r.cluster, gatewayGV)
	}
	present := map[string]string{}
	for _, c := range classes.Items {
		present[c.GetName()], _, _ = unstructured.NestedString(c.Object, "spec", "controllerName")
	}
	className, where := q.ClassName, "gateway.className"
	if q.Shared {
		var gw *unstructured.Unstructured
		if err := r.do("get", "gateways", q.Namespace, func(ctx context.Context) (err error) {
			gw, err = cl.Dynamic.Resource(gatewaysGVR).Namespace(q.Namespace).Get(ctx, q.Name, metav1.GetOptions{})
			if apierrors.IsNotFound(err) {
				gw, err = nil, nil
			}
			return err
		}); err != nil {
			return nil, err
		}
		if gw == nil {
			return nil, fmt.Errorf("--gateway %s/%s (gateway.attach): the cluster %s has no Gateway %s in namespace %s: name the shared Gateway the platform runs, or leave out --gateway to give the app a Gateway of its own; nothing was written",
				q.Name, q.Namespace, r.cluster, q.Name, q.Namespace)
		}
		className, _, _ = unstructured.NestedString(gw.Object, "spec", "gatewayClassName")
		where = fmt.Sprintf("the class of Gateway %s/%s", q.Namespace, q.Name)
	}
	controller, ok := present[className]
	if !ok {
		return nil, fmt.Errorf("--gateway-class %s (gateway.class): the cluster %s has no GatewayClass %q (%s); it has %s; nothing was written",
			q.Class, r.cluster, className, where, describeClasses(present))
	}
	g := &GatewayFacts{Query: q, Class: className, Controller: controller}
	preset, isPreset := spec.GatewayPresets[q.Class]
	if isPreset && controller != preset.Controller {
		return nil, fmt.Errorf("--gateway-class %s (gateway.class): GatewayClass %s (%s) belongs to %s, not to %s (%s); %s; nothing was written",
			q.Class, className, where, implementation(controller), q.Class, preset.Controller, usePreset(controller, className))
	}
	if q.Shared && isPreset && !q.DataPlaneGiven {
		ns := preset.Namespace
		if ns == "" {
			ns = q.Namespace
		} else {
			// The install may live elsewhere (Traefik in k3s's
			// kube-system, Envoy Gateway in its own namespace or in
			// GatewayNamespace mode): look everywhere for the labels.
			ns = metav1.NamespaceAll
		}
		want := preset.Labels(q.Name, q.Namespace)
		found, n, err := r.runningIn(ns, want, preset.Namespace)
		if err != nil {
			return nil, err
		}
		switch {
		case n == 0:
			return nil, fmt.Errorf("--gateway-class %s: no running data-plane pod of Gateway %s/%s carries %s in %s: the policies would admit pods that do not exist, and the routes would be cut off; give the data plane's namespace and pod labels with --data-plane-ns and --data-plane-labels (gateway.dataPlane); nothing was written",
				q.Class, q.Namespace, q.Name, FormatLabels(want), scope(ns))
		case found == "":
			return nil, fmt.Errorf("--gateway-class %s: the data-plane pods of Gateway %s/%s (%s) run in several namespaces: give the one to admit with --data-plane-ns and --data-plane-labels (gateway.dataPlane); nothing was written",
				q.Class, q.Namespace, q.Name, FormatLabels(want))
		}
		g.DataPlane, g.DataPlanePods = &spec.Controller{Namespace: found, PodLabels: want}, n
	}
	if !q.Shared && isPreset && preset.ControlPlane != nil && q.NeedsControlPlane && !q.ControlPlaneGiven {
		cp := preset.ControlPlane
		found, n, err := r.runningIn(metav1.NamespaceAll, cp.PodLabels, cp.Namespace)
		if err != nil {
			return nil, err
		}
		switch {
		case n == 0:
			return nil, fmt.Errorf("--gateway-class %s: no running pod of its control plane carries %s in any namespace: the Gateway's data plane could not fetch its configuration and would never come up; install %s, or give its namespace, pod labels and port with --control-plane-ns, --control-plane-labels and --control-plane-port (gateway.controlPlane); nothing was written",
				q.Class, FormatLabels(cp.PodLabels), q.Class)
		case found == "":
			return nil, fmt.Errorf("--gateway-class %s: pods of its control plane (%s) run in several namespaces: give the one the Gateway uses with --control-plane-ns, --control-plane-labels and --control-plane-port (gateway.controlPlane); nothing was written",
				q.Class, FormatLabels(cp.PodLabels))
		}
		g.ControlPlane = &spec.ControlPlane{Namespace: found, PodLabels: maps.Clone(cp.PodLabels), Port: cp.Port}
		g.ControlPlanePods = n
	}
	return g, nil
}

// runningIn lists the running pods with the labels in ns (every namespace
// when empty) and returns the one namespace they run in and how many run
// there; found is empty when they run in several, unless one of those is
// prefer.
func (r *reader) runningIn(ns string, want map[string]string, prefer string) (found string, n int, err error) {
	var pods *corev1.PodList
	sel := labels.SelectorFromSet(want).String()
	if err := r.do("list", "pods", ns, func(ctx context.Context) (err error) {
		pods, err = r.c.CoreV1().Pods(ns).List(ctx, metav1.ListOptions{LabelSelector: sel})
		return err
	}); err != nil {
		return "", 0, err
	}
	byNS := map[string]int{}
	for _, p := range pods.Items {
		// A fake or a cluster that ignores the selector must not count.
		if p.Status.Phase == corev1.PodRunning && p.DeletionTimestamp == nil && labels.SelectorFromSet(want).Matches(labels.Set(p.Labels)) {
			byNS[p.Namespace]++
			n++
		}
	}
	switch {
	case len(byNS) == 1:
		for k := range byNS {
			found = k
		}
	case byNS[prefer] > 0:
		found, n = prefer, byNS[prefer]
	}
	return found, n, nil
}

func scope(ns string) string {
	if ns == "" {
		return "any namespace"
	}
	return "namespace " + ns
}

// describeClasses lists the GatewayClasses present with their controllers.
func describeClasses(present map[string]string) string {
	if len(present) == 0 {
		return "no GatewayClass at all (is a Gateway API implementation installed?)"
	}
	var out []string
	for _, name := range slices.Sorted(maps.Keys(present)) {
		out = append(out, fmt.Sprintf("%s (%s)", name, present[name]))
	}
	return "GatewayClasses " + strings.Join(out, ", ")
}

// presetOf returns the preset whose implementation controls classes named
// controller, or "".
func presetOf(controller string) string {
	for _, name := range spec.GatewayPresetNames {
		if spec.GatewayPresets[name].Controller == controller {
			return name
		}
	}
	return ""
}

func implementation(controller string) string {
	if p := presetOf(controller); p != "" {
		return fmt.Sprintf("%s (controllerName %s)", p, controller)
	}
	return fmt.Sprintf("the implementation with controllerName %s", controller)
}

func usePreset(controller, class string) string {
	if p := presetOf(controller); p != "" {
		return "use --gateway-class " + p
	}
	return "give --gateway-class " + class + " with its data plane (--data-plane-ns, --data-plane-labels)"
}
