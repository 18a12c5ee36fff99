package generate

import (
	"encoding/json"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	policyv1 "k8s.io/api/policy/v1"
)

// Warm prepares the JSON encoders of the object types kubenetgen renders.
// encoding/json builds an encoder per type on first use, walking every
// field reachable from it (a Deployment reaches a few hundred types), and
// that first use dominates a small run. A command calls it in a goroutine
// while it reads and checks the spec, so the work overlaps.
func Warm() {
	for _, v := range []any{
		&appsv1.Deployment{}, &corev1.Service{}, &networkingv1.NetworkPolicy{},
		&networkingv1.Ingress{}, &policyv1.PodDisruptionBudget{}, &corev1.ServiceAccount{}, &corev1.Namespace{},
	} {
		_, _ = json.Marshal(v)
	}
}
