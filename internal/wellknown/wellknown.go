// Package wellknown holds the label keys, annotations and ports that
// kubenetgen's generator writes and its verifier reads. The two stay
// independent (verify re-derives every flow from the manifests on its own):
// they share these names, never logic.
package wellknown

// Label keys kubenetgen sets. Selectors use only LabelName and
// LabelComponent, which never change for a tier; LabelPartOf and
// LabelManagedBy are added to every object by the kustomization's labels.
const (
	LabelName      = "app.kubernetes.io/name"
	LabelComponent = "app.kubernetes.io/component"
	LabelPartOf    = "app.kubernetes.io/part-of"
	LabelManagedBy = "app.kubernetes.io/managed-by"
	// ManagedBy is the value of LabelManagedBy.
	ManagedBy = "kubenetgen"
	// LabelNamespace is the label the API server sets on every namespace,
	// by which policies select namespaces.
	LabelNamespace = "kubernetes.io/metadata.name"
)

// cert-manager's names.
const (
	// AnnotationClusterIssuer on an Ingress asks cert-manager for its TLS
	// secrets from a ClusterIssuer.
	AnnotationClusterIssuer = "cert-manager.io/cluster-issuer"
	// AnnotationIssuer does the same with an Issuer of the Ingress's
	// namespace.
	AnnotationIssuer = "cert-manager.io/issuer"
	// LabelACMESolver marks the pods cert-manager starts, in the namespace
	// of the certificate, to answer ACME HTTP-01 challenges; its value is
	// ACMESolverValue.
	LabelACMESolver = "acme.cert-manager.io/http01-solver"
	ACMESolverValue = "true"
	// ACMESolverPort is the TCP port the solver pods listen on; the ACME
	// server's request reaches them through the ingress controller.
	ACMESolverPort = 8089
)
