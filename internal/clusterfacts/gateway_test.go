package clusterfacts

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	dynamicfake "k8s.io/client-go/dynamic/fake"
	"k8s.io/client-go/kubernetes/fake"
	k8stesting "k8s.io/client-go/testing"

	"github.com/kubenetgen/kubenetgen/spec"
)

func gatewayClass(name, controller string) *unstructured.Unstructured {
	u := &unstructured.Unstructured{Object: map[string]any{"spec": map[string]any{"controllerName": controller}}}
	u.SetAPIVersion("gateway.networking.k8s.io/v1")
	u.SetKind("GatewayClass")
	u.SetName(name)
	return u
}

func gateway(ns, name, class string) *unstructured.Unstructured {
	u := &unstructured.Unstructured{Object: map[string]any{"spec": map[string]any{"gatewayClassName": class}}}
	u.SetAPIVersion("gateway.networking.k8s.io/v1")
	u.SetKind("Gateway")
	u.SetNamespace(ns)
	u.SetName(name)
	return u
}

// gwCluster is a cluster holding the Gateway API objects gw and the
// objects of core; noAPI makes it answer as a cluster without the CRDs.
func gwCluster(gw []runtime.Object, core []runtime.Object, noAPI bool) *Cluster {
	dyn := dynamicfake.NewSimpleDynamicClientWithCustomListKinds(runtime.NewScheme(), map[schema.GroupVersionResource]string{
		gatewayClassesGVR: "GatewayClassList", gatewaysGVR: "GatewayList"})
	// Created by resource, not added: the tracker would guess "gatewaies".
	for _, o := range gw {
		u := o.(*unstructured.Unstructured)
		gvr := gatewayClassesGVR
		if u.GetKind() == "Gateway" {
			gvr = gatewaysGVR
		}
		if err := dyn.Tracker().Create(gvr, u, u.GetNamespace()); err != nil {
			panic(err)
		}
	}
	if noAPI {
		dyn.PrependReactor("*", "*", func(a k8stesting.Action) (bool, runtime.Object, error) {
			return true, nil, apierrors.NewNotFound(schema.GroupResource{Group: a.GetResource().Group, Resource: a.GetResource().Resource}, "")
		})
	}
	return &Cluster{Client: fake.NewClientset(core...), Dynamic: dyn, Context: "test"}
}

var shared = GatewayQuery{Class: "envoy-gateway", ClassName: "eg", Shared: true, Name: "edge", Namespace: "infra"}

func TestReadGatewayFindsTheSharedDataPlane(t *testing.T) {
	want := map[string]string{spec.LabelEnvoyOwningName: "edge", spec.LabelEnvoyOwningNS: "infra"}
	other := map[string]string{spec.LabelEnvoyOwningName: "other", spec.LabelEnvoyOwningNS: "infra"}
	cl := gwCluster([]runtime.Object{gatewayClass("envoy", "gateway.envoyproxy.io/gatewayclass-controller"), gateway("infra", "edge", "envoy")},
		[]runtime.Object{pod("eg", "a", want), pod("eg", "b", want), pod("eg", "c", other)}, false)
	g, err := ReadGateway(context.Background(), cl, shared)
	if err != nil {
		t.Fatalf("ReadGateway: %v", err)
	}
	if diff := cmp.Diff(&spec.Controller{Namespace: "eg", PodLabels: want}, g.DataPlane); diff != "" || g.DataPlanePods != 2 {
		t.Errorf("data plane (-want +got):\n%s pods %d, want 2", diff, g.DataPlanePods)
	}
	if got, w := g.Found(), "gateway class envoy: controller gateway.envoyproxy.io/gatewayclass-controller; data plane 2 pods in eg with gateway.envoyproxy.io/owning-gateway-name=edge,gateway.envoyproxy.io/owning-gateway-namespace=infra"; got != w {
		t.Errorf("Found() = %q, want %q", got, w)
	}
}

func TestReadGatewayOwnControlPlane(t *testing.T) {
	q := GatewayQuery{Class: "istio", ClassName: "istio", Name: "shop", Namespace: "shop", NeedsControlPlane: true}
	classes := []runtime.Object{gatewayClass("istio", "istio.io/gateway-controller")}
	cl := gwCluster(classes, []runtime.Object{pod("mesh", "istiod-1", map[string]string{"app": "istiod"})}, false)
	g, err := ReadGateway(context.Background(), cl, q)
	if err != nil {
		t.Fatalf("ReadGateway: %v", err)
	}
	if diff := cmp.Diff(&spec.ControlPlane{Namespace: "mesh", PodLabels: map[string]string{"app": "istiod"}, Port: 15012}, g.ControlPlane); diff != "" {
		t.Errorf("control plane (-want +got):\n%s", diff)
	}
	if g.DataPlane != nil {
		t.Errorf("an own Gateway's data plane was read: %+v", g.DataPlane)
	}
}

// TestReadGatewayGivenPlanesAreNotRead: a plane the user gave is taken as
// given, even where the cluster runs none by the preset's labels.
func TestReadGatewayGivenPlanesAreNotRead(t *testing.T) {
	q := shared
	q.DataPlaneGiven = true
	cl := gwCluster([]runtime.Object{gatewayClass("eg", "gateway.envoyproxy.io/gatewayclass-controller"), gateway("infra", "edge", "eg")}, nil, false)
	if g, err := ReadGateway(context.Background(), cl, q); err != nil || g.DataPlane != nil {
		t.Errorf("ReadGateway with the data plane given = %+v, %v; want no data plane read and no error", g, err)
	}
	own := GatewayQuery{Class: "kgateway", ClassName: "kgateway", Name: "shop", Namespace: "shop", NeedsControlPlane: true, ControlPlaneGiven: true}
	cl = gwCluster([]runtime.Object{gatewayClass("kgateway", "kgateway.dev/kgateway")}, nil, false)
	if g, err := ReadGateway(context.Background(), cl, own); err != nil || g.ControlPlane != nil {
		t.Errorf("ReadGateway with the control plane given = %+v, %v; want no control plane read and no error", g, err)
	}
}

func TestReadGatewayErrors(t *testing.T) {
	eg := gatewayClass("eg", "gateway.envoyproxy.io/gatewayclass-controller")
	for _, tc := range []struct {
		name  string
		q     GatewayQuery
		gw    []runtime.Object
		core  []runtime.Object
		noAPI bool
		want  []string
	}{
		{name: "no Gateway API", q: shared, noAPI: true,
			want: []string{"--gateway-class envoy-gateway (gateway.class)", "has no Gateway API", "cannot work there", "nothing was written"}},
		{name: "class missing", q: GatewayQuery{Class: "nginx", ClassName: "nginx", Name: "shop", Namespace: "shop"},
			gw:   []runtime.Object{eg, gatewayClass("istio", "istio.io/gateway-controller")},
			want: []string{`no GatewayClass "nginx"`, "it has GatewayClasses eg (gateway.envoyproxy.io/gatewayclass-controller), istio (istio.io/gateway-controller)"}},
		{name: "no class at all", q: GatewayQuery{Class: "nginx", ClassName: "nginx", Name: "shop", Namespace: "shop"},
			want: []string{"no GatewayClass at all"}},
		{name: "class of another preset", q: GatewayQuery{Class: "istio", ClassName: "eg", Name: "shop", Namespace: "shop"},
			gw:   []runtime.Object{eg},
			want: []string{"GatewayClass eg (gateway.className) belongs to envoy-gateway (controllerName gateway.envoyproxy.io/gatewayclass-controller), not to istio (istio.io/gateway-controller)", "use --gateway-class envoy-gateway"}},
		{name: "shared Gateway's class of an unknown implementation", q: shared,
			gw:   []runtime.Object{gatewayClass("acme", "acme.example/gateway"), gateway("infra", "edge", "acme")},
			want: []string{"GatewayClass acme (the class of Gateway infra/edge) belongs to the implementation with controllerName acme.example/gateway", "give --gateway-class acme with its data plane (--data-plane-ns, --data-plane-labels)"}},
		{name: "shared Gateway missing", q: shared, gw: []runtime.Object{eg},
			want: []string{"--gateway edge/infra (gateway.attach)", "no Gateway edge in namespace infra"}},
		{name: "no data plane", q: shared, gw: []runtime.Object{eg, gateway("infra", "edge", "eg")},
			core: []runtime.Object{pod("eg", "x", map[string]string{"app": "envoy"})},
			want: []string{"no running data-plane pod of Gateway infra/edge carries gateway.envoyproxy.io/owning-gateway-name=edge,gateway.envoyproxy.io/owning-gateway-namespace=infra in any namespace", "--data-plane-ns and --data-plane-labels"}},
		{name: "no control plane", q: GatewayQuery{Class: "nginx", ClassName: "nginx", Name: "shop", Namespace: "shop", NeedsControlPlane: true},
			gw:   []runtime.Object{gatewayClass("nginx", "gateway.nginx.org/nginx-gateway-controller")},
			core: []runtime.Object{pod("nginx-gateway", "x", map[string]string{"app.kubernetes.io/name": "nginx-gateway-old"})},
			want: []string{"no running pod of its control plane carries app.kubernetes.io/name=nginx-gateway", "--control-plane-ns, --control-plane-labels and --control-plane-port"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ReadGateway(context.Background(), gwCluster(tc.gw, tc.core, tc.noAPI), tc.q)
			if err == nil {
				t.Fatal("ReadGateway succeeded, want an error")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q\ndoes not say %q", err, w)
				}
			}
		})
	}
}

// TestReadGatewayForbidden: a user who may not read GatewayClasses gets
// the one error of a refused read, naming the resource.
func TestReadGatewayForbidden(t *testing.T) {
	cl := gwCluster(nil, nil, false)
	cl.Dynamic.(*dynamicfake.FakeDynamicClient).PrependReactor("list", "gatewayclasses", func(k8stesting.Action) (bool, runtime.Object, error) {
		return true, nil, apierrors.NewForbidden(schema.GroupResource{Group: "gateway.networking.k8s.io", Resource: "gatewayclasses"}, "", errors.New("no"))
	})
	_, err := ReadGateway(context.Background(), cl, shared)
	var e *Error
	if !errors.As(err, &e) || e.Kind != Forbidden || e.Resource != "gatewayclasses" {
		t.Fatalf("ReadGateway = %v, want a Forbidden *Error on gatewayclasses", err)
	}
	if !strings.Contains(err.Error(), "gatewayclasses and gateways") {
		t.Errorf("error %q does not name the rights a Gateway needs", err)
	}
}

// TestPresetControllersInReadme holds the README's table of Gateway
// presets to the controllerName each preset is checked against.
func TestPresetControllersInReadme(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, table, ok := strings.Cut(string(readme), "| `--gateway-class` | GatewayClass")
	if !ok {
		t.Fatal("the README has no table of --gateway-class presets")
	}
	table, _, _ = strings.Cut(table, "\n\n")
	for _, name := range spec.GatewayPresetNames {
		p := spec.GatewayPresets[name]
		row := ""
		for _, l := range strings.Split(table, "\n") {
			if strings.HasPrefix(l, "| `"+name+"`") {
				row = l
				break
			}
		}
		if want := fmt.Sprintf("`%s` (`%s`)", p.ClassName, p.Controller); !strings.Contains(row, want) {
			t.Errorf("the README's row of preset %s %q does not say %s", name, row, want)
		}
	}
}
