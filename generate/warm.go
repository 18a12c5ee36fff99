package generate

import (
	"sync"

	ktypes "sigs.k8s.io/kustomize/api/types"

	"github.com/kubenetgen/kubenetgen/internal/encode"
	"github.com/kubenetgen/kubenetgen/spec"
)

// Warm learns the JSON fields of the object types kubenetgen renders, by
// walking the objects of a small app with a tier of each kind. Rendering
// learns each struct type it meets on first use, and in a short run that
// first use is much of the work; a command calls Warm in a goroutine
// while it reads and checks the spec, so that it happens on another core
// before Render needs it. Only the first call does the work.
func Warm() { warmOnce.Do(warm) }

var warmOnce sync.Once

func warm() {
	a := warmApp()
	spec.Default(a)
	if spec.Validate(a) != nil {
		return
	}
	for _, obj := range BuildObjects(a).List() {
		encode.Learn(obj)
	}
	encode.Learn(ktypes.Kustomization{Labels: []ktypes.Label{{}}})
}

// warmApp has a tier with a LoadBalancer, a PodDisruptionBudget and a
// probe, one called by it, and an Ingress route.
func warmApp() *spec.App {
	two := int32(2)
	return &spec.App{
		APIVersion: spec.APIVersion, Kind: spec.Kind, Name: "warm",
		Tiers: []spec.Tier{
			{Name: "web", Image: "web", Ports: []spec.Port{{Name: "http", Port: 8080}}, Replicas: &two,
				Expose: spec.Expose{Type: spec.ExposeLoadBalancer}, Probe: &spec.Probe{HTTPPath: "/"}},
			{Name: "api", Image: "api", Ports: []spec.Port{{Name: "http", Port: 8080}},
				Expose: spec.Expose{Type: spec.ExposeClusterIP}, AllowFrom: []string{"web"}},
		},
		Ingress: &spec.Ingress{Class: "nginx", Rules: []spec.Rule{{Host: "warm.example", Tier: "web", Port: "http", TLS: "warm-tls"}}},
	}
}
