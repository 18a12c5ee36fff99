package spec

import (
	"fmt"
	"strings"

	"k8s.io/apimachinery/pkg/api/resource"
)

// Defaults of the fields Default fills.
const (
	DefaultReplicas      = 1
	DefaultProtocol      = "TCP"
	DefaultPathType      = "Prefix"
	DefaultCPURequest    = "100m"
	DefaultMemoryRequest = "128Mi"
	DefaultCPULimit      = "500m"
	DefaultMemoryLimit   = "256Mi"
	// The ephemeral storage (node disk: logs and emptyDirs) a pod asks for
	// and may use before the kubelet evicts it.
	DefaultEphemeralStorageRequest = "128Mi"
	DefaultEphemeralStorageLimit   = "1Gi"
	// DefaultRunAsUser and DefaultRunAsGroup are high IDs that belong to no
	// user of common images: the kubelet's runAsNonRoot check passes for
	// an image whose own user is root, and kube-score's rule (10000 or
	// more, clear of the host's users) holds.
	DefaultRunAsUser  = 10001
	DefaultRunAsGroup = 10001
	// DefaultImagePullPolicy makes the kubelet ask the registry at every
	// container start: a moved tag is picked up, and a pod without the
	// pull credentials cannot run an image some other pod left on the node.
	DefaultImagePullPolicy       = "Always"
	DefaultPodCIDR               = "10.244.0.0/16"
	DefaultNodePortRange         = "30000-32767"
	DefaultDNSNamespace          = "kube-system"
	DefaultDNSPort               = 53
	DefaultAPIServerPort         = 6443
	DefaultExternalTrafficPolicy = "Local"
	// MetadataCIDR is the cloud instance-metadata address, which hands out
	// node credentials on most clouds.
	MetadataCIDR = "169.254.169.254/32"
	// MetadataCIDRv6 is the IPv6 instance-metadata address (AWS).
	MetadataCIDRv6 = "fd00:ec2::254/128"
)

// ControllerPreset is a known ingress controller: its IngressClass name and
// where its pods run.
type ControllerPreset struct {
	Class      string
	Controller Controller
	// Note is said to the user when the preset is chosen.
	Note string
}

// Presets are the ingress controllers kubenetgen knows, by class. Verify
// them against the install in use: a Helm release may relabel its pods.
var Presets = map[string]ControllerPreset{
	"nginx": {
		Class: "nginx",
		Controller: Controller{Namespace: "ingress-nginx", PodLabels: map[string]string{
			"app.kubernetes.io/name":      "ingress-nginx",
			"app.kubernetes.io/component": "controller",
		}},
		Note: "ingress class nginx is the ingress-nginx controller, retired in March 2026: it gets no security fixes; prefer traefik, istio or another maintained controller",
	},
	"traefik": {
		Class: "traefik",
		Controller: Controller{Namespace: "traefik", PodLabels: map[string]string{
			"app.kubernetes.io/name": "traefik",
		}},
		Note: "ingress class traefik expects the controller in namespace traefik (on k3s it runs in kube-system: set ingress.controller.namespace)",
	},
	"istio": {
		Class: "istio",
		Controller: Controller{Namespace: "istio-system", PodLabels: map[string]string{
			"istio": "ingressgateway",
		}},
		Note: "ingress class istio expects the gateway in namespace istio-system (set ingress.controller.namespace if it runs in istio-ingress)",
	},
}

// PresetNames lists the preset ingress classes in a stable order.
var PresetNames = []string{"nginx", "traefik", "istio"}

// DefaultDNSLabels are the pod labels of kube-dns/CoreDNS.
func DefaultDNSLabels() map[string]string { return map[string]string{"k8s-app": "kube-dns"} }

// Default fills every unset field that has a default, in place. It is
// idempotent and leaves set fields alone; Validate then judges the result.
func Default(a *App) {
	if a.APIVersion == "" {
		a.APIVersion = APIVersion
	}
	if a.Kind == "" {
		a.Kind = Kind
	}
	if a.Namespace == "" {
		a.Namespace = a.Name
	}
	for i := range a.Tiers {
		defaultTier(&a.Tiers[i])
	}
	if a.Ingress != nil {
		defaultIngress(a.Ingress)
	}
	if a.Gateway != nil {
		defaultGateway(a)
	}
	n := &a.Network
	if n.DNS == nil {
		n.DNS = &DNS{}
	}
	if len(n.DNS.CIDRs) == 0 {
		if n.DNS.Namespace == "" {
			n.DNS.Namespace = DefaultDNSNamespace
		}
		if len(n.DNS.PodLabels) == 0 {
			n.DNS.PodLabels = DefaultDNSLabels()
		}
	}
	if n.DNS.Port == 0 {
		n.DNS.Port = DefaultDNSPort
	}
	if n.BlockMetadata == nil {
		t := true
		n.BlockMetadata = &t
	}
	if n.PodCIDR == "" {
		n.PodCIDR = DefaultPodCIDR
	}
	if n.NodePortRange == "" {
		n.NodePortRange = DefaultNodePortRange
	}
	if n.APIServer != nil && n.APIServer.Port == 0 {
		n.APIServer.Port = DefaultAPIServerPort
	}
}

func defaultTier(t *Tier) {
	if t.Replicas == nil {
		r := int32(DefaultReplicas)
		t.Replicas = &r
	}
	for j := range t.Ports {
		p := &t.Ports[j]
		p.Protocol = protocol(p.Protocol)
		if p.ServicePort == 0 {
			p.ServicePort = p.Port
		}
		if p.Name == "" && p.Port > 0 {
			p.Name = fmt.Sprintf("%s-%d", strings.ToLower(p.Protocol), p.Port)
		}
	}
	if t.Expose.Type == "" {
		if len(t.Ports) > 0 {
			t.Expose.Type = ExposeClusterIP
		} else {
			t.Expose.Type = ExposeNone
		}
	}
	if t.Expose.External() && t.Expose.ExternalTrafficPolicy == "" {
		t.Expose.ExternalTrafficPolicy = DefaultExternalTrafficPolicy
	}
	// Probe the first TCP port unless told otherwise; a tier with no TCP
	// port gets no default probe.
	firstTCP := ""
	for _, p := range t.Ports {
		if p.Protocol == "TCP" {
			firstTCP = p.Name
			break
		}
	}
	if t.Probe == nil && firstTCP != "" {
		t.Probe = &Probe{}
	}
	if t.Probe != nil && len(t.Probe.Exec) == 0 && t.Probe.Port == "" && firstTCP != "" {
		t.Probe.Port = firstTCP
	}
	// A probe names its port, so that a number (container or Service port)
	// becomes the container port's name.
	if t.Probe != nil && t.Probe.Port != "" {
		if p := t.Port(t.Probe.Port); p != nil {
			t.Probe.Port = p.Name
		}
	}
	r := &t.Resources
	setIfEmpty(&r.CPURequest, DefaultCPURequest)
	setIfEmpty(&r.MemoryRequest, DefaultMemoryRequest)
	setIfEmpty(&r.CPULimit, atLeast(DefaultCPULimit, r.CPURequest))
	setIfEmpty(&r.MemoryLimit, atLeast(DefaultMemoryLimit, r.MemoryRequest))
	setIfEmpty(&r.EphemeralStorageRequest, DefaultEphemeralStorageRequest)
	setIfEmpty(&r.EphemeralStorageLimit, atLeast(DefaultEphemeralStorageLimit, r.EphemeralStorageRequest))
	setIfNil(&t.RunAsUser, DefaultRunAsUser)
	setIfNil(&t.RunAsGroup, DefaultRunAsGroup)
	// Volumes belong to the group the processes run as, so they can write
	// them whatever the group.
	setIfNil(&t.FSGroup, *t.RunAsGroup)
	setIfEmpty(&t.ImagePullPolicy, DefaultImagePullPolicy)
	for i := range t.AllowFromNamespaces {
		defaultCaller(&t.AllowFromNamespaces[i])
	}
	for i := range t.Egress.Namespaces {
		defaultCallee(&t.Egress.Namespaces[i])
	}
}

// protocol is a port's protocol, defaulted and in upper case.
func protocol(p string) string {
	if p == "" {
		return DefaultProtocol
	}
	return strings.ToUpper(p)
}

func setIfNil[T any](p **T, v T) {
	if *p == nil {
		*p = &v
	}
}

// atLeast is the default limit, raised to the request when the user asked
// for more than the default limit allows.
func atLeast(limit, request Quantity) Quantity {
	l, err1 := resource.ParseQuantity(string(limit))
	r, err2 := resource.ParseQuantity(string(request))
	if err1 == nil && err2 == nil && r.Cmp(l) > 0 {
		return request
	}
	return limit
}

func defaultIngress(in *Ingress) {
	if in.Controller == nil {
		if p, ok := Presets[in.Class]; ok {
			c := Controller{Namespace: p.Controller.Namespace, PodLabels: map[string]string{}}
			for k, v := range p.Controller.PodLabels {
				c.PodLabels[k] = v
			}
			in.Controller = &c
		}
	}
	if in.TLSIssuer != "" && in.ACMESolver == "" {
		in.ACMESolver = ACMESolverHTTP01
	}
	for i := range in.Rules {
		r := &in.Rules[i]
		if r.Path == "" {
			r.Path = "/"
		}
		if r.PathType == "" {
			r.PathType = DefaultPathType
		}
	}
}

func setIfEmpty[S ~string](s *S, v S) {
	if *s == "" {
		*s = v
	}
}

// External reports whether the exposure reaches the tier from outside the
// cluster (NodePort or LoadBalancer).
func (e Expose) External() bool {
	return e.Type == ExposeNodePort || e.Type == ExposeLoadBalancer
}

// HasService reports whether the exposure creates a Service.
func (e Expose) HasService() bool {
	return e.Type == ExposeClusterIP || e.External()
}

// Tier returns the tier named name, or nil.
func (a *App) Tier(name string) *Tier {
	for i := range a.Tiers {
		if a.Tiers[i].Name == name {
			return &a.Tiers[i]
		}
	}
	return nil
}

// Port returns the tier's port named ref, or whose Service port (then
// container port) number is ref; nil when none matches.
func (t *Tier) Port(ref string) *Port {
	for i := range t.Ports {
		if t.Ports[i].Name == ref {
			return &t.Ports[i]
		}
	}
	for _, byService := range []bool{true, false} {
		for i := range t.Ports {
			n := t.Ports[i].Port
			if byService {
				n = t.Ports[i].ServicePort
			}
			if ref == fmt.Sprint(n) {
				return &t.Ports[i]
			}
		}
	}
	return nil
}
