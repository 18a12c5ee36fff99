// Package appflags is the flag form of a kubenetgen spec, shared by
// generate and init so that both take exactly the same flags.
package appflags

import (
	"fmt"
	"slices"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/kubenetgen/kubenetgen/spec"
)

// Values holds the app-describing flags.
type Values struct {
	Name             string
	Namespace        string
	Tiers            []string
	Allows           []string
	IngressClass     string
	IngressNamespace string
	IngressLabels    string
	Rules            []string
	TLSIssuer        string
	TLSSelfSigned    bool
	NodePortRange    string
	PodCIDR          string
	DNSNamespace     string
	DNSLabels        string
	DNSCIDRs         []string
	DNSPort          int32
	APIServerCIDRs   []string
	APIServerPort    int32
	BlockMetadata    bool
}

// NoIngress as --ingress-class drops the Ingress (of a preset or a spec
// file).
const NoIngress = "none"

// Flag names, for error messages that name the flag.
const (
	FlagName             = "name"
	FlagNamespace        = "namespace"
	FlagTier             = "tier"
	FlagAllow            = "allow"
	FlagIngressClass     = "ingress-class"
	FlagIngressNamespace = "ingress-namespace"
	FlagIngressLabels    = "ingress-pod-labels"
	FlagRule             = "rule"
	FlagTLSIssuer        = "tls-issuer"
	FlagTLSSelfSigned    = "tls-self-signed"
)

// AddFlags registers the app-describing flags on cmd, bound to v.
func AddFlags(cmd *cobra.Command, v *Values) {
	fs := cmd.Flags()
	fs.StringVar(&v.Name, FlagName, "", "app name (DNS-1035 label), used for names and the app.kubernetes.io/part-of label")
	fs.StringVarP(&v.Namespace, FlagNamespace, "n", "", "namespace of the app (default: the app name)")
	fs.StringArrayVar(&v.Tiers, FlagTier, nil, "a tier, repeatable: 'name=api,image=IMAGE,port=http:9090,replicas=2,expose=ClusterIP'\n(keys: "+strings.Join(spec.TierKeys, ", ")+")")
	fs.StringArrayVar(&v.Allows, FlagAllow, nil, "an allowed flow, repeatable: 'web->api' or 'web->api:http'")
	fs.StringVar(&v.IngressClass, FlagIngressClass, "", "ingress controller: nginx, traefik, istio, a custom IngressClass name (with --ingress-namespace and --ingress-pod-labels), or none for no Ingress")
	fs.StringVar(&v.IngressNamespace, FlagIngressNamespace, "", "namespace of the ingress controller's pods (presets know theirs)")
	fs.StringVar(&v.IngressLabels, FlagIngressLabels, "", "labels of the ingress controller's pods, 'k=v,k=v' (presets know theirs)")
	fs.StringArrayVar(&v.Rules, FlagRule, nil, "an Ingress rule, repeatable, kubectl's syntax: 'shop.example.com/=web:http,tls=shop-tls'")
	fs.StringVar(&v.TLSIssuer, FlagTLSIssuer, "", "cert-manager ClusterIssuer that issues the rules' TLS secrets")
	fs.BoolVar(&v.TLSSelfSigned, FlagTLSSelfSigned, false, "write a self-signed certificate for the rules' TLS secrets into the base (local clusters)")
	fs.StringVar(&v.NodePortRange, "node-port-range", "", "the cluster's NodePort range (default "+spec.DefaultNodePortRange+")")
	fs.StringVar(&v.PodCIDR, "pod-cidr", "", "the cluster's pod network, excepted from 'any source' rules (default "+spec.DefaultPodCIDR+"); dual-stack: one per family, 'V4CIDR,V6CIDR'")
	fs.StringVar(&v.DNSNamespace, "dns-namespace", "", "namespace of the cluster DNS pods (default kube-system)")
	fs.StringVar(&v.DNSLabels, "dns-pod-labels", "", "labels of the cluster DNS pods, 'k=v,k=v' (default k8s-app=kube-dns)")
	fs.StringArrayVar(&v.DNSCIDRs, "dns-cidr", nil, "cluster DNS addresses instead of pods, repeatable (NodeLocal DNSCache: 169.254.20.10/32)")
	fs.Int32Var(&v.DNSPort, "dns-port", 0, "cluster DNS port (default 53; OpenShift: 5353)")
	fs.StringArrayVar(&v.APIServerCIDRs, "api-server-cidr", nil, "API server addresses as pods reach them, repeatable (for tiers with apiServer=true)")
	fs.Int32Var(&v.APIServerPort, "api-server-port", 0, "API server port as pods reach it (default 6443)")
	fs.BoolVar(&v.BlockMetadata, "block-metadata", true, "except the cloud metadata address 169.254.169.254 from CIDR egress")
}

// Describes reports whether any app-describing flag was given.
func Describes(fs *pflag.FlagSet) bool {
	any := false
	fs.VisitAll(func(f *pflag.Flag) {
		if f.Changed && isAppFlag(f.Name) {
			any = true
		}
	})
	return any
}

func isAppFlag(name string) bool {
	switch name {
	case FlagName, FlagNamespace, FlagTier, FlagAllow, FlagIngressClass, FlagIngressNamespace,
		FlagIngressLabels, FlagRule, FlagTLSIssuer, FlagTLSSelfSigned, "node-port-range", "pod-cidr", "dns-namespace",
		"dns-pod-labels", "dns-cidr", "dns-port", "api-server-cidr", "api-server-port", "block-metadata":
		return true
	}
	return false
}

// Apply lays the flags that were given over a (possibly empty) app: scalar
// flags replace, a --tier replaces the tier of the same name or adds one,
// --allow adds flows, --rule entries replace the rules. Syntax errors name
// the flag and the value; Validate judges the result.
func (v *Values) Apply(fs *pflag.FlagSet, a *spec.App) error {
	changed := fs.Changed
	if changed(FlagName) {
		a.Name = v.Name
	}
	if changed(FlagNamespace) {
		a.Namespace = v.Namespace
	}
	given := map[string]bool{}
	for _, s := range v.Tiers {
		t, err := spec.ParseTier(s)
		if err != nil {
			return fmt.Errorf("--tier %q: %w", s, err)
		}
		if given[t.Name] {
			return fmt.Errorf("--tier %q: tier %q is given twice: give each tier once", s, t.Name)
		}
		given[t.Name] = true
		if old := a.Tier(t.Name); old != nil {
			t.AllowFrom = old.AllowFrom
			*old = t
		} else {
			a.Tiers = append(a.Tiers, t)
		}
	}
	for _, s := range v.Allows {
		edges, err := spec.ParseAllow(s)
		if err != nil {
			return fmt.Errorf("--allow %s", err)
		}
		for _, e := range edges {
			to := a.Tier(e.To)
			if to == nil {
				return fmt.Errorf("--allow %q: %q is not a tier: use one of %s", s, e.To, strings.Join(a.TierNames(), ", "))
			}
			if a.Tier(e.From) == nil {
				return fmt.Errorf("--allow %q: %q is not a tier: use one of %s", s, e.From, strings.Join(a.TierNames(), ", "))
			}
			ref := e.From
			if e.Port != "" {
				ref += ":" + e.Port
			}
			if !slices.Contains(to.AllowFrom, ref) {
				to.AllowFrom = append(to.AllowFrom, ref)
			}
		}
	}
	ingressDetail := changed(FlagRule) || changed(FlagTLSIssuer) || changed(FlagTLSSelfSigned) || changed(FlagIngressNamespace) || changed(FlagIngressLabels)
	if changed(FlagIngressClass) && v.IngressClass == NoIngress {
		if ingressDetail {
			return fmt.Errorf("--%s %s drops the Ingress: give no --%s, --%s, --%s, --%s or --%s with it", FlagIngressClass, NoIngress, FlagRule, FlagTLSIssuer, FlagTLSSelfSigned, FlagIngressNamespace, FlagIngressLabels)
		}
		a.Ingress = nil
		return v.applyNetwork(changed, a)
	}
	if (changed(FlagIngressClass) || ingressDetail) && a.Ingress == nil {
		a.Ingress = &spec.Ingress{}
	}
	if changed(FlagIngressClass) {
		a.Ingress.Class = v.IngressClass
		if _, preset := spec.Presets[v.IngressClass]; preset && !changed(FlagIngressNamespace) && !changed(FlagIngressLabels) {
			a.Ingress.Controller = nil // Default fills the preset's
		}
	}
	if changed(FlagIngressNamespace) || changed(FlagIngressLabels) {
		c := spec.Controller{}
		if a.Ingress.Controller != nil {
			c = *a.Ingress.Controller
		} else if p, ok := spec.Presets[a.Ingress.Class]; ok {
			c = p.Controller
		}
		if changed(FlagIngressNamespace) {
			c.Namespace = v.IngressNamespace
		}
		if changed(FlagIngressLabels) {
			l, err := spec.ParseLabels(v.IngressLabels)
			if err != nil {
				return fmt.Errorf("--%s %w", FlagIngressLabels, err)
			}
			c.PodLabels = l
		}
		a.Ingress.Controller = &c
	}
	if changed(FlagRule) {
		a.Ingress.Rules = nil
		for _, s := range v.Rules {
			r, err := spec.ParseRule(s)
			if err != nil {
				return fmt.Errorf("--rule %w", err)
			}
			a.Ingress.Rules = append(a.Ingress.Rules, r)
		}
	}
	// One flag chooses where the TLS secrets come from and replaces the
	// other source of the spec file or preset; given together they clash
	// in validation.
	if changed(FlagTLSIssuer) {
		a.Ingress.TLSIssuer = v.TLSIssuer
		if !changed(FlagTLSSelfSigned) && v.TLSIssuer != "" {
			a.Ingress.TLSSelfSigned = false
		}
	}
	if changed(FlagTLSSelfSigned) {
		a.Ingress.TLSSelfSigned = v.TLSSelfSigned
		if !changed(FlagTLSIssuer) && v.TLSSelfSigned {
			a.Ingress.TLSIssuer = ""
		}
	}
	return v.applyNetwork(changed, a)
}

func (v *Values) applyNetwork(changed func(string) bool, a *spec.App) error {
	n := &a.Network
	if changed("node-port-range") {
		n.NodePortRange = v.NodePortRange
	}
	if changed("pod-cidr") {
		n.PodCIDR = v.PodCIDR
	}
	if changed("dns-namespace") || changed("dns-pod-labels") || changed("dns-cidr") || changed("dns-port") {
		if n.DNS == nil {
			n.DNS = &spec.DNS{}
		}
		if changed("dns-namespace") {
			n.DNS.Namespace = v.DNSNamespace
		}
		if changed("dns-pod-labels") {
			l, err := spec.ParseLabels(v.DNSLabels)
			if err != nil {
				return fmt.Errorf("--dns-pod-labels %w", err)
			}
			n.DNS.PodLabels = l
		}
		if changed("dns-cidr") {
			n.DNS.CIDRs = v.DNSCIDRs
		}
		if changed("dns-port") {
			n.DNS.Port = v.DNSPort
		}
	}
	if changed("api-server-cidr") || changed("api-server-port") {
		if n.APIServer == nil {
			n.APIServer = &spec.APIServer{}
		}
		if changed("api-server-cidr") {
			n.APIServer.CIDRs = v.APIServerCIDRs
		}
		if changed("api-server-port") {
			n.APIServer.Port = v.APIServerPort
		}
	}
	if changed("block-metadata") {
		b := v.BlockMetadata
		n.BlockMetadata = &b
	}
	return nil
}
