package clusterfacts

import (
	"context"
	"errors"
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/kubernetes/fake"
	k8stesting "k8s.io/client-go/testing"
)

func TestReadNamespace(t *testing.T) {
	ready := true
	owned := pod("shop", "web-1", map[string]string{"app": "web"})
	owned.OwnerReferences = []metav1.OwnerReference{{Kind: "ReplicaSet", Name: "web-1"}}
	c := fake.NewClientset(
		&appsv1.Deployment{ObjectMeta: metav1.ObjectMeta{Namespace: "shop", Name: "web"}},
		owned, pod("shop", "debug", map[string]string{"app": "debug"}),
		&corev1.Service{ObjectMeta: metav1.ObjectMeta{Namespace: "shop", Name: "web"}, Spec: corev1.ServiceSpec{Selector: map[string]string{"app": "web"}}},
		&corev1.Service{ObjectMeta: metav1.ObjectMeta{Namespace: "shop", Name: "api"}, Spec: corev1.ServiceSpec{Selector: map[string]string{"app": "api"}}},
		&discoveryv1.EndpointSlice{ObjectMeta: metav1.ObjectMeta{Namespace: "shop", Name: "web-x", Labels: map[string]string{discoveryv1.LabelServiceName: "web"}},
			Endpoints: []discoveryv1.Endpoint{{Addresses: []string{"10.244.0.5"}, Conditions: discoveryv1.EndpointConditions{Ready: &ready}}}},
		&appsv1.Deployment{ObjectMeta: metav1.ObjectMeta{Namespace: "other", Name: "elsewhere"}},
	)
	b, err := ReadNamespace(context.Background(), &Cluster{Client: c, Context: "kind"}, "shop")
	if err != nil {
		t.Fatal(err)
	}
	var refs []string
	for _, o := range b.Objects {
		refs = append(refs, o.Ref())
	}
	if got := strings.Join(refs, ", "); got != "Deployment shop/web, Pod shop/debug, Service shop/api, Service shop/web" {
		t.Errorf("objects = %s", got)
	}
	if len(b.Findings) != 1 || b.Findings[0].Object != "Service shop/api" || !strings.Contains(b.Findings[0].Problem, "no ready endpoint") {
		t.Errorf("findings = %+v, want api without endpoints", b.Findings)
	}

	// Half-answering: the policies cannot be listed after the workloads were.
	c.PrependReactor("list", "networkpolicies", func(k8stesting.Action) (bool, runtime.Object, error) {
		return true, nil, apierrors.NewInternalError(errors.New("etcdserver: request timed out"))
	})
	_, err = ReadNamespace(context.Background(), &Cluster{Client: c, Context: "kind"}, "shop")
	var e *Error
	if !errors.As(err, &e) || e.Kind != Partial || !strings.Contains(err.Error(), "answered only in part: list networkpolicies in namespace shop failed") {
		t.Errorf("ReadNamespace = %v, want a half-answer error", err)
	}
}
