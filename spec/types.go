// Package spec is kubenetgen's one model of an application: the typed,
// versioned kubenetgen.yaml that the wizard writes, the flags describe and
// the generator reads. Loading is strict, defaults are applied in one place
// (Default) and Validate reports every problem at once, each with its field
// path, the value given and what is allowed.
package spec

import (
	"bytes"
	"encoding/json"
)

// APIVersion and Kind identify a kubenetgen spec document.
const (
	APIVersion = "kubenetgen.dev/v1alpha1"
	Kind       = "App"
)

// Exposure values: how a tier is reached through a Service.
const (
	ExposeNone         = "none"
	ExposeClusterIP    = "ClusterIP"
	ExposeNodePort     = "NodePort"
	ExposeLoadBalancer = "LoadBalancer"
)

// Exposures lists the allowed exposure values in the order they are offered.
var Exposures = []string{ExposeNone, ExposeClusterIP, ExposeNodePort, ExposeLoadBalancer}

// ACME solver values: how a cert-manager issuer proves the hosts.
const (
	// ACMESolverHTTP01: cert-manager answers from solver pods in the app's
	// namespace, reached through the ingress controller.
	ACMESolverHTTP01 = "http01"
	// ACMESolverDNS01: cert-manager answers with DNS records; no pods.
	ACMESolverDNS01 = "dns01"
	// ACMESolverNone: the issuer does not use ACME (a CA, Vault…).
	ACMESolverNone = "none"
)

// ACMESolvers lists the allowed ingress.acmeSolver values.
var ACMESolvers = []string{ACMESolverHTTP01, ACMESolverDNS01, ACMESolverNone}

// App is the whole application: its tiers, who may call whom, how it is
// reached from outside and the cluster facts its policies depend on.
type App struct {
	APIVersion string `json:"apiVersion"`
	Kind       string `json:"kind"`
	// Metadata makes the spec a Kubernetes-style resource, so that
	// kustomize can list it under generators: and run kubenetgen as a KRM
	// function with the spec as its config (kubenetgen fn); kubenetgen
	// itself reads nothing from it.
	Metadata  *Metadata `json:"metadata,omitempty"`
	Name      string    `json:"name"`
	Namespace string    `json:"namespace,omitempty"`
	Tiers     []Tier    `json:"tiers"`
	Ingress   *Ingress  `json:"ingress,omitempty"`
	// Gateway exposes the app through Gateway API instead of an Ingress.
	Gateway *Gateway `json:"gateway,omitempty"`
	Network Network  `json:"network,omitzero"`
}

// Metadata is the object metadata a KRM function's config carries: the
// config.kubernetes.io/function annotation that tells kustomize how to run
// kubenetgen, and whatever else kustomize or the user puts there.
type Metadata struct {
	Name        string            `json:"name,omitempty"`
	Namespace   string            `json:"namespace,omitempty"`
	Labels      map[string]string `json:"labels,omitempty"`
	Annotations map[string]string `json:"annotations,omitempty"`
}

// Tier is one Deployment of the application, with its Service and the
// callers its NetworkPolicy admits.
type Tier struct {
	Name     string `json:"name"`
	Image    string `json:"image"`
	Ports    []Port `json:"ports,omitempty"`
	Replicas *int32 `json:"replicas,omitempty"`
	// Expose is the Service type, or none for no Service.
	Expose Expose `json:"expose,omitzero"`
	// AllowFrom names the tiers that may call this one ("web"), optionally
	// narrowed to one of this tier's ports ("web:http").
	AllowFrom []string `json:"allowFrom,omitempty"`
	// AllowFromNamespaces are callers outside the app: pods of other
	// namespaces (a monitoring stack, another team's app) that may call
	// this tier on the ports named.
	AllowFromNamespaces []Caller `json:"allowFromNamespaces,omitempty"`
	Probe               *Probe   `json:"probe,omitempty"`
	// Resources are Kubernetes quantities; unset ones get the defaults.
	Resources Resources `json:"resources,omitzero"`
	Env       []EnvVar  `json:"env,omitempty"`
	// RunAsUser is the user ID the container runs as; default 10001, a
	// high ID that is no user of the image, so that the kubelet's
	// runAsNonRoot check passes whatever user the image names (most
	// official images name root). An image that must run as its own fixed
	// user gives that user here.
	RunAsUser *int64 `json:"runAsUser,omitempty"`
	// RunAsGroup is the primary group ID of the container's processes;
	// default 10001.
	RunAsGroup *int64 `json:"runAsGroup,omitempty"`
	// FSGroup owns the pod's volumes (the emptyDirs), so the processes can
	// write them; default the tier's runAsGroup.
	FSGroup *int64 `json:"fsGroup,omitempty"`
	// ImagePullPolicy is Always (default), IfNotPresent or Never.
	ImagePullPolicy string `json:"imagePullPolicy,omitempty"`
	// WritablePaths are folders the container may write besides /tmp,
	// each an emptyDir that lives as long as the pod: the root filesystem
	// is read-only.
	WritablePaths []string `json:"writablePaths,omitempty"`
	// Egress lists extra egress this tier needs beyond the tiers it calls.
	Egress Egress `json:"egress,omitzero"`
}

// Port is one named container port of a tier.
type Port struct {
	// Name is an IANA service name (http, grpc, postgres…); Services,
	// policies and Ingress backends refer to the port by it.
	Name string `json:"name"`
	// Port is the container port the process listens on.
	Port int32 `json:"port"`
	// ServicePort is the port the Service offers; defaults to Port.
	ServicePort int32 `json:"servicePort,omitempty"`
	// Protocol is TCP, UDP or SCTP; defaults to TCP.
	Protocol string `json:"protocol,omitempty"`
	// NodePort fixes the node port of a NodePort or LoadBalancer Service;
	// left empty, Kubernetes allocates one.
	NodePort int32 `json:"nodePort,omitempty"`
}

// Expose says whether and how a tier is reached through a Service.
type Expose struct {
	// Type is one of none, ClusterIP, NodePort, LoadBalancer.
	Type string `json:"type,omitempty"`
	// SourceRanges are the client CIDRs admitted to a NodePort or
	// LoadBalancer tier from outside the cluster; empty admits any source.
	SourceRanges []string `json:"sourceRanges,omitempty"`
	// ExternalTrafficPolicy is Local (default: keeps client IPs, which the
	// source-range policy needs) or Cluster.
	ExternalTrafficPolicy string `json:"externalTrafficPolicy,omitempty"`
}

// Probe describes the readiness and liveness check of a tier.
type Probe struct {
	// HTTPPath probes with an HTTP GET of this absolute path.
	HTTPPath string `json:"httpPath,omitempty"`
	// Port names the container port probed; defaults to the first port.
	Port string `json:"port,omitempty"`
	// Exec runs this command in the container instead (for port-less tiers).
	Exec []string `json:"exec,omitempty"`
}

// Resources are the requests and limits of a tier's container.
type Resources struct {
	CPURequest    Quantity `json:"cpuRequest,omitempty"`
	MemoryRequest Quantity `json:"memoryRequest,omitempty"`
	CPULimit      Quantity `json:"cpuLimit,omitempty"`
	MemoryLimit   Quantity `json:"memoryLimit,omitempty"`
	// EphemeralStorageRequest and EphemeralStorageLimit bound the node
	// disk the container uses: its logs and the pod's emptyDirs, each
	// writable path's emptyDir also capped at EphemeralStorageLimit.
	EphemeralStorageRequest Quantity `json:"ephemeralStorageRequest,omitempty"`
	EphemeralStorageLimit   Quantity `json:"ephemeralStorageLimit,omitempty"`
}

// Quantity is a Kubernetes resource quantity (250m, 1, 1.5, 256Mi). Like
// Kubernetes manifests, the spec accepts it as a string or a bare number.
type Quantity string

// UnmarshalJSON accepts a string or a number.
func (q *Quantity) UnmarshalJSON(data []byte) error {
	if len(data) > 0 && data[0] != '"' {
		var n json.Number
		if err := json.Unmarshal(data, &n); err != nil {
			return err
		}
		*q = Quantity(n.String())
		return nil
	}
	var s string
	if err := json.Unmarshal(data, &s); err != nil {
		return err
	}
	*q = Quantity(s)
	return nil
}

// EnvVar is a plain environment variable of a tier's container.
type EnvVar struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// Egress is the egress a tier needs beyond the tiers it calls and DNS.
type Egress struct {
	// APIServer allows the Kubernetes API server (network.apiServer) and
	// mounts the ServiceAccount token.
	APIServer bool `json:"apiServer,omitempty"`
	// CIDRs allows these destinations (for example an external database);
	// the cloud metadata address is excepted unless network.blockMetadata
	// is false.
	CIDRs []string `json:"cidrs,omitempty"`
	// Ports narrows CIDRs to these TCP ports; empty allows every port.
	Ports []int32 `json:"ports,omitempty"`
	// Namespaces are callees outside the app: pods of other namespaces
	// (a shared database, an internal API) this tier calls, on their pod
	// ports.
	Namespaces []Callee `json:"namespaces,omitempty"`
}

// Ingress is the HTTP(S) entry into the app through an ingress controller.
type Ingress struct {
	// Class is nginx, traefik, istio (presets) or the IngressClass name of a
	// custom controller, which then needs Controller.
	Class string `json:"class"`
	// Controller says where the controller's pods run, so the policies can
	// admit them; presets fill it, a custom class must give it.
	Controller *Controller `json:"controller,omitempty"`
	// TLSIssuer is a cert-manager ClusterIssuer that issues the TLS secrets.
	TLSIssuer string `json:"tlsIssuer,omitempty"`
	// ACMESolver is how TLSIssuer proves the hosts to its ACME server:
	// http01 (default with tlsIssuer) answers through the ingress controller
	// from solver pods cert-manager starts in the app's namespace, which the
	// policies then admit; dns01 and none start no pods there.
	ACMESolver string `json:"acmeSolver,omitempty"`
	// TLSSelfSigned makes kubenetgen write a self-signed certificate and
	// key for each TLS secret, once, into the base's tls/ folder, and a
	// kustomize secretGenerator for them: TLS on a local cluster without
	// cert-manager. Clients do not trust such a certificate.
	TLSSelfSigned bool   `json:"tlsSelfSigned,omitempty"`
	Rules         []Rule `json:"rules"`
}

// Controller locates an ingress controller's pods.
type Controller struct {
	Namespace string            `json:"namespace"`
	PodLabels map[string]string `json:"podLabels"`
}

// Rule routes host/path to a tier's port, kubectl's --rule in spec form.
type Rule struct {
	Host string `json:"host,omitempty"`
	Path string `json:"path,omitempty"`
	// PathType is Prefix (default), Exact or ImplementationSpecific.
	PathType string `json:"pathType,omitempty"`
	Tier     string `json:"tier"`
	// Port is the tier's port name, or its Service port number.
	Port string `json:"port"`
	// TLS is the kubernetes.io/tls secret that serves Host.
	TLS string `json:"tls,omitempty"`
	// Timeout and BackendTimeout bound a Gateway route's requests: an
	// HTTPRoute rule's timeouts.request (the whole request, retries
	// included) and timeouts.backendRequest (one call to the tier), as
	// Gateway API durations (10s, 1m30s, 500ms); BackendTimeout is at most
	// Timeout. Not for an Ingress, nor a gRPC port (GRPCRoute has none).
	Timeout        string `json:"timeout,omitempty"`
	BackendTimeout string `json:"backendTimeout,omitempty"`
}

// Network holds the cluster facts the policies depend on.
type Network struct {
	// DNS is where cluster DNS runs; default kube-dns in kube-system.
	DNS *DNS `json:"dns,omitempty"`
	// BlockMetadata excepts the cloud metadata address (169.254.169.254)
	// from every CIDR egress rule; default true.
	BlockMetadata *bool `json:"blockMetadata,omitempty"`
	// PodCIDR is the cluster's pod network, excepted from the "any source"
	// rule of NodePort/LoadBalancer tiers and from egress CIDRs; default
	// 10.244.0.0/16. A dual-stack cluster gives one network per family,
	// comma-separated as in --cluster-cidr: 10.244.0.0/16,fd00:10:244::/56;
	// "any source" then covers both families.
	PodCIDR string `json:"podCIDR,omitempty"`
	// NodePortRange is the apiserver's --service-node-port-range.
	NodePortRange string `json:"nodePortRange,omitempty"`
	// APIServer is where the Kubernetes API is reached from pods, for tiers
	// with egress.apiServer.
	APIServer *APIServer `json:"apiServer,omitempty"`
	// PolicyEngine records whether the cluster's network plugin enforces
	// NetworkPolicy, as kubenetgen --from-cluster found it: on a cluster
	// that does not, every policy of the base is decoration, and the base
	// says so. Unset means nobody looked.
	PolicyEngine *PolicyEngine `json:"policyEngine,omitempty"`
}

// Enforcement values of network.policyEngine.enforced.
const (
	EnforcedYes     = "yes"
	EnforcedNo      = "no"
	EnforcedUnknown = "unknown"
)

// Enforcements lists the allowed network.policyEngine.enforced values.
var Enforcements = []string{EnforcedYes, EnforcedNo, EnforcedUnknown}

// PolicyEngine says whether the cluster enforces NetworkPolicy and which
// network plugins were found.
type PolicyEngine struct {
	// Enforced is yes, no or unknown.
	Enforced string `json:"enforced"`
	// Plugins are the network plugins found (calico, flannel…), sorted.
	Plugins []string `json:"plugins,omitempty"`
}

// DNS locates cluster DNS, either as pods (namespace + labels) or as
// addresses (NodeLocal DNSCache).
type DNS struct {
	Namespace string            `json:"namespace,omitempty"`
	PodLabels map[string]string `json:"podLabels,omitempty"`
	CIDRs     []string          `json:"cidrs,omitempty"`
	Port      int32             `json:"port,omitempty"`
}

// APIServer is the address range and port of the Kubernetes API server as
// seen from pods (the endpoints of the kubernetes Service).
type APIServer struct {
	CIDRs []string `json:"cidrs"`
	Port  int32    `json:"port,omitempty"`
}

// UnmarshalJSON accepts the short form `expose: NodePort` as well as the
// object form, strictly: unknown fields of the object are errors.
func (e *Expose) UnmarshalJSON(data []byte) error {
	if len(data) > 0 && data[0] == '"' {
		var s string
		if err := json.Unmarshal(data, &s); err != nil {
			return err
		}
		*e = Expose{Type: s}
		return nil
	}
	type plain Expose
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var p plain
	if err := dec.Decode(&p); err != nil {
		return err
	}
	*e = Expose(p)
	return nil
}

// MarshalJSON writes the short form `expose: NodePort` when only the type
// is set, as a person would.
func (e Expose) MarshalJSON() ([]byte, error) {
	if len(e.SourceRanges) == 0 && e.ExternalTrafficPolicy == "" {
		return json.Marshal(e.Type)
	}
	type plain Expose
	return json.Marshal(plain(e))
}
