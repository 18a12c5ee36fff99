package spec

import (
	"fmt"
	"maps"
	"math"
	"net/netip"
	"path"
	"slices"
	"strconv"
	"strings"

	"k8s.io/apimachinery/pkg/api/resource"
	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

// Problem is one thing wrong with a spec: the field path and a message that
// names the value given and what is allowed.
type Problem struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

func (p Problem) String() string { return p.Field + ": " + p.Message }

// Problems is every problem Validate found; as an error it lists them one
// per line.
type Problems []Problem

func (ps Problems) Error() string {
	lines := make([]string, len(ps))
	for i, p := range ps {
		lines[i] = p.String()
	}
	return strings.Join(lines, "\n")
}

type checker struct{ ps Problems }

func (c *checker) add(f *field.Path, format string, args ...any) {
	c.ps = append(c.ps, Problem{Field: f.String(), Message: fmt.Sprintf(format, args...)})
}

// msgs adds one problem for a value that apimachinery's validation rejected,
// its reasons joined.
func (c *checker) msgs(f *field.Path, value string, what string, reasons []string) {
	if len(reasons) > 0 {
		c.add(f, "%q is not a valid %s: %s", value, what, strings.Join(reasons, "; "))
	}
}

// NotATier says that name is none of a's tiers, which it lists, and which
// one it may be a typo of.
func NotATier(a *App, name string) string {
	return fmt.Sprintf("%q is not a tier: %suse one of %s", name, didYouMean(name, a.TierNames()), strings.Join(a.TierNames(), ", "))
}

// Closest returns the option nearest to s when s is plausibly a typo or a
// case mistake of it, else "".
func Closest(s string, options ...string) string {
	m := make(map[string]bool, len(options))
	for _, o := range options {
		m[o] = true
	}
	if m[s] {
		return ""
	}
	c := closest(s, m)
	if c == "" || strings.EqualFold(c, s) {
		return c
	}
	// Short names are near many others: suggest only one typo away, or
	// two letters swapped.
	if d := editDistance(strings.ToLower(s), strings.ToLower(c)); d <= 1 || (d == 2 && len(s) >= 5) || swapped(s, c) {
		return c
	}
	return ""
}

// swapped reports whether a is b with two neighbouring letters swapped.
func swapped(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i+1 < len(a); i++ {
		if a[i] != b[i] {
			return a[i] == b[i+1] && a[i+1] == b[i] && a[i+2:] == b[i+2:]
		}
	}
	return false
}

// didYouMean is `did you mean "X"? ` for the option nearest to s, or "".
func didYouMean(s string, options []string) string {
	if c := Closest(s, options...); c != "" {
		return fmt.Sprintf("did you mean %q? ", c)
	}
	return ""
}

// nameRule is a Kubernetes name syntax, said in plain words rather than
// apimachinery's regular expressions.
type nameRule struct {
	check func(string) []string
	words string
	// dots says '.' is allowed (between parts).
	dots bool
	// letterFirst says the name starts with a letter.
	letterFirst bool
}

var (
	dns1035 = nameRule{check: validation.IsDNS1035Label, letterFirst: true,
		words: "use at most 63 lowercase letters, digits and '-', starting with a letter and ending with a letter or digit"}
	dns1123Label = nameRule{check: validation.IsDNS1123Label,
		words: "use at most 63 lowercase letters, digits and '-', starting and ending with a letter or digit"}
	dns1123Subdomain = nameRule{check: validation.IsDNS1123Subdomain, dots: true,
		words: "use at most 253 lowercase letters, digits, '-' and '.', each part between dots starting and ending with a letter or digit"}
)

// nameRules are the rules uniqueName meets, by what they name.
var nameRules = map[string]nameRule{"tier name": dns1035}

// name checks a name against its rule; a refused name is told the rule in
// words and, when lowercasing it or replacing what the rule refuses with
// '-' makes it valid, what it may have meant.
func (c *checker) name(f *field.Path, value, what string, r nameRule) {
	if len(r.check(value)) == 0 {
		return
	}
	hint := ""
	if s := r.mend(value); s != value && len(r.check(s)) == 0 {
		hint = fmt.Sprintf("did you mean %q? ", s)
	}
	c.add(f, "%q is not a valid %s: %s%s", value, what, hint, r.words)
}

// mend lowercases s and replaces what the rule refuses with '-', trimmed
// from the ends.
func (r nameRule) mend(s string) string {
	b := []byte(strings.ToLower(s))
	for i, ch := range b {
		ok := ch >= 'a' && ch <= 'z' || ch >= '0' && ch <= '9' || ch == '-' || (r.dots && ch == '.')
		if !ok {
			b[i] = '-'
		}
	}
	out := strings.Trim(string(b), "-.")
	if r.letterFirst {
		out = strings.TrimLeft(out, "0123456789-")
	}
	return out
}

// ReservedTierNames are the names of kubenetgen's namespace-wide
// NetworkPolicies, which a tier's own policy must not take.
var ReservedTierNames = []string{"default-deny", "allow-dns", "allow-acme-solver", GatewayPolicyName}

// Protocols are the allowed port protocols.
var Protocols = []string{"TCP", "UDP", "SCTP"}

// PullPolicies are the allowed image pull policies.
var PullPolicies = []string{"Always", "IfNotPresent", "Never"}

// PathTypes are the allowed Ingress path types.
var PathTypes = []string{"Prefix", "Exact", "ImplementationSpecific"}

// Validate judges a defaulted App and returns every problem at once, in
// field order, or nil. Each message names the value and what is allowed.
func Validate(a *App) Problems {
	c := &checker{}
	if a.APIVersion != APIVersion {
		c.add(field.NewPath("apiVersion"), "%q is not supported: use %s", a.APIVersion, APIVersion)
	}
	if a.Kind != Kind {
		c.add(field.NewPath("kind"), "%q is not supported: use %s", a.Kind, Kind)
	}
	if a.Name == "" {
		c.add(field.NewPath("name"), "is required: the app's name, a DNS-1035 label such as shop")
	} else {
		c.name(field.NewPath("name"), a.Name, "app name", dns1035)
	}
	// A namespace defaulted from an invalid name would only repeat the
	// name's problem.
	if a.Namespace != "" && (a.Namespace != a.Name || len(validation.IsDNS1035Label(a.Name)) == 0) {
		c.name(field.NewPath("namespace"), a.Namespace, "namespace", dns1123Label)
	}
	c.namespaceUse(a)
	portRange, rangeOK := c.network(a)
	c.tiers(a, portRange, rangeOK)
	if a.Ingress != nil {
		c.ingress(a)
	}
	if a.Gateway != nil {
		c.gateway(a)
	}
	return c.ps
}

// SystemNamespaces are namespaces an app must not be generated into: its
// default-deny would isolate the cluster's own components.
var SystemNamespaces = []string{"kube-system", "kube-public", "kube-node-lease"}

// namespaceUse refuses namespaces whose default-deny would cut off the
// cluster itself: the system namespaces, and those of cluster DNS and the
// ingress controller.
func (c *checker) namespaceUse(a *App) {
	f := field.NewPath("namespace")
	switch ns := a.Namespace; {
	case slices.Contains(SystemNamespaces, ns):
		c.add(f, "%q is a system namespace: its default-deny would isolate the cluster's own components; choose the app's own namespace", ns)
	case a.Network.DNS != nil && len(a.Network.DNS.CIDRs) == 0 && ns == a.Network.DNS.Namespace:
		c.add(f, "%q is where cluster DNS runs (network.dns.namespace): its default-deny would cut off DNS; choose the app's own namespace", ns)
	case a.Ingress != nil && a.Ingress.Controller != nil && ns == a.Ingress.Controller.Namespace:
		c.add(f, "%q is where the ingress controller runs: its default-deny would cut the controller off; choose the app's own namespace", ns)
	}
}

type nodePortRange struct{ lo, hi int }

// ParseNodePortRange parses "30000-32767".
func ParseNodePortRange(s string) (lo, hi int, err error) {
	a, b, ok := strings.Cut(s, "-")
	lo, err1 := strconv.Atoi(strings.TrimSpace(a))
	hi, err2 := strconv.Atoi(strings.TrimSpace(b))
	if !ok || err1 != nil || err2 != nil || lo < 1 || hi > 65535 || lo > hi {
		return 0, 0, fmt.Errorf("%q is not a port range: want LOW-HIGH within 1-65535, e.g. %s", s, DefaultNodePortRange)
	}
	return lo, hi, nil
}

func (c *checker) network(a *App) (nodePortRange, bool) {
	n := a.Network
	f := field.NewPath("network")
	lo, hi, err := ParseNodePortRange(n.NodePortRange)
	if err != nil {
		c.add(f.Child("nodePortRange"), "%v", err)
	}
	if n.PodCIDR != "" {
		c.podCIDR(f.Child("podCIDR"), &n)
	}
	if d := n.DNS; d != nil {
		df := f.Child("dns")
		for i, s := range d.CIDRs {
			c.cidr(df.Child("cidrs").Index(i), s)
		}
		if len(d.CIDRs) == 0 {
			if d.Namespace == "" {
				c.add(df.Child("namespace"), "is required when dns.cidrs is empty: the namespace of the cluster DNS pods, e.g. kube-system")
			} else {
				c.name(df.Child("namespace"), d.Namespace, "namespace", dns1123Label)
			}
			c.labels(df.Child("podLabels"), d.PodLabels, true)
		}
		c.port(df.Child("port"), d.Port)
	}
	if s := n.APIServer; s != nil {
		sf := f.Child("apiServer")
		if len(s.CIDRs) == 0 {
			c.add(sf.Child("cidrs"), "is required: the API server addresses pods reach (kubectl get endpointslices -n default -l kubernetes.io/service-name=kubernetes)")
		}
		for i, x := range s.CIDRs {
			c.cidr(sf.Child("cidrs").Index(i), x)
		}
		c.port(sf.Child("port"), s.Port)
	}
	if e := n.PolicyEngine; e != nil && !slices.Contains(Enforcements, e.Enforced) {
		c.add(f.Child("policyEngine", "enforced"), "%q is not allowed: use one of %s", e.Enforced, strings.Join(Enforcements, ", "))
	}
	return nodePortRange{lo, hi}, err == nil
}

func (c *checker) tiers(a *App, npr nodePortRange, rangeOK bool) {
	f := field.NewPath("tiers")
	if len(a.Tiers) == 0 {
		c.add(f, "is empty: give at least one tier")
	}
	seen := map[string]int{}
	nodePorts := map[int32]string{}
	callees := map[string][]Edge{}
	outside := peerSeen{}
	for _, e := range a.Edges() {
		callees[e.From] = append(callees[e.From], e)
	}
	for i := range a.Tiers {
		t := &a.Tiers[i]
		tf := f.Index(i)
		c.uniqueName(tf.Child("name"), t.Name, i, seen, "tier name", "a DNS-1035 label such as api", "tiers[%d]: tier names must be unique", dns1035.check)
		if slices.Contains(ReservedTierNames, t.Name) {
			c.add(tf.Child("name"), "%q is the name of a namespace-wide NetworkPolicy kubenetgen writes: choose another tier name", t.Name)
		}
		if strings.TrimSpace(t.Image) == "" {
			c.add(tf.Child("image"), "is required: a container image such as ghcr.io/acme/api:1.4")
		} else if strings.ContainsAny(t.Image, " \t\n") {
			c.add(tf.Child("image"), "%q contains whitespace: give one image reference", t.Image)
		}
		if t.Replicas != nil && *t.Replicas < 0 {
			c.add(tf.Child("replicas"), "%d is negative: give 0 or more", *t.Replicas)
		}
		c.ports(a, t, tf, npr, rangeOK, nodePorts)
		c.expose(t, tf, &a.Network)
		c.allowFrom(a, t, tf)
		c.callers(a, t, tf, outside)
		c.probe(t, tf)
		c.resources(t, tf.Child("resources"))
		envSeen := map[string]bool{}
		for _, e := range a.CallerEnv(t.Name, callees[t.Name]) {
			envSeen[e.Name] = true
		}
		c.envClashes(a, t, tf, callees[t.Name])
		c.runAs(t, tf)
		for j, e := range t.Env {
			ef := tf.Child("env").Index(j).Child("name")
			if errs := validation.IsEnvVarName(e.Name); len(errs) > 0 {
				c.msgs(ef, e.Name, "environment variable name", errs)
			} else if envSeen[e.Name] {
				c.add(ef, "%q is set twice, or is one kubenetgen sets for the tiers %s calls (<TIER>_HOST, <TIER>_<PORT>_PORT): choose another name", e.Name, t.Name)
			}
			envSeen[e.Name] = true
		}
		eg := tf.Child("egress")
		for j, s := range t.Egress.CIDRs {
			c.outsideCIDR(eg.Child("cidrs").Index(j), s, &a.Network)
		}
		for j, p := range t.Egress.Ports {
			c.port(eg.Child("ports").Index(j), p)
		}
		if len(t.Egress.Ports) > 0 && len(t.Egress.CIDRs) == 0 {
			c.add(eg.Child("ports"), "narrows egress.cidrs, which is empty: give the CIDRs too")
		}
		if t.Egress.APIServer && a.Network.APIServer == nil {
			c.add(eg.Child("apiServer"), "true needs network.apiServer (the API server's addresses as pods reach them)")
		}
		c.callees(a, t, tf, outside)
	}
}

// envClashes reports two callees whose generated variables would share a
// name (tier a with port b-c and tier a-b with port c both give A_B_C_PORT),
// since the caller could then only learn one of them.
func (c *checker) envClashes(a *App, t *Tier, tf *field.Path, edges []Edge) {
	from := map[string]string{}
	for _, e := range edges {
		callee := a.Tier(e.To)
		if callee == nil || !callee.Expose.HasService() {
			continue
		}
		names := []string{HostVar(e.To)}
		for _, p := range e.Ports {
			names = append(names, PortVar(e.To, p.Name))
		}
		for _, n := range names {
			if other, ok := from[n]; ok && other != e.To {
				c.add(tf.Child("name"), "%s calls %s and %s, whose addresses would both be given as %s: rename a tier or a port", t.Name, other, e.To, n)
			}
			from[n] = e.To
		}
	}
}

func (c *checker) ports(a *App, t *Tier, tf *field.Path, npr nodePortRange, rangeOK bool, nodePorts map[int32]string) {
	names := map[string]int{}
	numbers := map[string]int{}
	svcNumbers := map[string]int{}
	for j, p := range t.Ports {
		pf := tf.Child("ports").Index(j)
		c.uniqueName(pf.Child("name"), p.Name, j, names, "port name (IANA service name)", "an IANA service name such as http, grpc or postgres", "ports[%d]: port names must be unique within a tier", validation.IsValidPortName)
		if !slices.Contains(Protocols, p.Protocol) {
			c.add(pf.Child("protocol"), "%q is not supported: use one of %s", p.Protocol, strings.Join(Protocols, ", "))
		}
		portDup := false
		if c.port(pf.Child("port"), p.Port) {
			key := fmt.Sprintf("%d/%s", p.Port, p.Protocol)
			if k, dup := numbers[key]; dup {
				c.add(pf.Child("port"), "%s is already used by ports[%d]: container ports must be unique within a tier", key, k)
				portDup = true
			}
			numbers[key] = j
		}
		svcOK := p.ServicePort == p.Port || c.port(pf.Child("servicePort"), p.ServicePort)
		// A duplicate container port that is also the Service port has
		// been reported once already.
		if svcOK && t.Expose.HasService() && !(portDup && p.ServicePort == p.Port) {
			key := fmt.Sprintf("%d/%s", p.ServicePort, p.Protocol)
			if k, dup := svcNumbers[key]; dup {
				c.add(pf.Child("servicePort"), "%s is already offered by ports[%d]: Service ports must be unique within a tier", key, k)
			}
			svcNumbers[key] = j
		}
		if p.NodePort != 0 {
			nf := pf.Child("nodePort")
			switch {
			case !t.Expose.External():
				c.add(nf, "%d is set but expose.type is %s: a nodePort needs NodePort or LoadBalancer", p.NodePort, t.Expose.Type)
			case rangeOK && (int(p.NodePort) < npr.lo || int(p.NodePort) > npr.hi):
				c.add(nf, "%d is outside the NodePort range %s", p.NodePort, a.Network.NodePortRange)
			default:
				if other, dup := nodePorts[p.NodePort]; dup {
					c.add(nf, "%d is already used by %s: nodePorts must be unique in the cluster", p.NodePort, other)
				}
				nodePorts[p.NodePort] = pf.String()
			}
		}
	}
}

func (c *checker) expose(t *Tier, tf *field.Path, n *Network) {
	ef := tf.Child("expose")
	e := t.Expose
	if !slices.Contains(Exposures, e.Type) {
		c.add(ef.Child("type"), "%q is not supported: use one of %s", e.Type, strings.Join(Exposures, ", "))
		return
	}
	if e.HasService() && len(t.Ports) == 0 {
		c.add(ef.Child("type"), "%s needs at least one port, and the tier has none: add ports or use none", e.Type)
	}
	if !e.External() {
		if len(e.SourceRanges) > 0 {
			c.add(ef.Child("sourceRanges"), "is set but expose.type is %s: source ranges need NodePort or LoadBalancer", e.Type)
		}
		if e.ExternalTrafficPolicy != "" {
			c.add(ef.Child("externalTrafficPolicy"), "is set but expose.type is %s: it needs NodePort or LoadBalancer", e.Type)
		}
		return
	}
	for i, s := range e.SourceRanges {
		c.outsideCIDR(ef.Child("sourceRanges").Index(i), s, n)
	}
	if p := e.ExternalTrafficPolicy; p != "Local" && p != "Cluster" {
		c.add(ef.Child("externalTrafficPolicy"), "%q is not supported: use Local (keeps client addresses, which the source-range policy needs) or Cluster", p)
	}
}

func (c *checker) allowFrom(a *App, t *Tier, tf *field.Path) {
	seen := map[string]bool{}
	for j, ref := range t.AllowFrom {
		af := tf.Child("allowFrom").Index(j)
		from, port, hasPort := strings.Cut(ref, ":")
		if a.Tier(from) == nil {
			c.add(af, "%s", NotATier(a, from))
			continue
		}
		if len(t.Ports) == 0 {
			c.add(af, "%s may not call %s, which has no ports: add a port to %s or remove the edge", from, t.Name, t.Name)
			continue
		}
		if hasPort && t.Port(port) == nil {
			c.add(af, "%q names no port of %s: use one of %s", port, t.Name, strings.Join(t.PortNames(), ", "))
			continue
		}
		if seen[ref] {
			c.add(af, "%q is listed twice", ref)
		}
		seen[ref] = true
	}
}

func (c *checker) probe(t *Tier, tf *field.Path) {
	p := t.Probe
	if p == nil {
		return
	}
	pf := tf.Child("probe")
	if len(p.Exec) > 0 {
		if p.HTTPPath != "" || p.Port != "" {
			c.add(pf.Child("exec"), "is set with httpPath/port: give either a command or a port")
		}
		return
	}
	if len(t.Ports) == 0 {
		c.add(pf, "has no port to probe: the tier has no ports; give probe.exec or no probe")
		return
	}
	port := t.Port(p.Port)
	if port == nil {
		c.add(pf.Child("port"), "%q names no port of %s: use one of %s", p.Port, t.Name, strings.Join(t.PortNames(), ", "))
	} else if port.Protocol != "TCP" && slices.Contains(Protocols, port.Protocol) {
		c.add(pf.Child("port"), "%q is a %s port: probes need a TCP port", p.Port, port.Protocol)
	}
	if p.HTTPPath != "" && !strings.HasPrefix(p.HTTPPath, "/") {
		c.add(pf.Child("httpPath"), "%q is not absolute: start it with /", p.HTTPPath)
	}
}

func (c *checker) resources(t *Tier, f *field.Path) {
	r := t.Resources
	parse := func(name string, v Quantity) (resource.Quantity, bool) {
		q, err := resource.ParseQuantity(string(v))
		if err != nil {
			c.add(f.Child(name), "%q is not a Kubernetes quantity (e.g. 250m for CPU, 256Mi for memory)", v)
			return q, false
		}
		if q.Sign() < 0 {
			c.add(f.Child(name), "%q is negative: give 0 or more", v)
			return q, false
		}
		return q, true
	}
	cr, ok1 := parse("cpuRequest", r.CPURequest)
	cl, ok2 := parse("cpuLimit", r.CPULimit)
	mr, ok3 := parse("memoryRequest", r.MemoryRequest)
	ml, ok4 := parse("memoryLimit", r.MemoryLimit)
	if ok1 && ok2 && cr.Cmp(cl) > 0 {
		c.add(f.Child("cpuRequest"), "%s is above cpuLimit %s: a request may not exceed its limit", r.CPURequest, r.CPULimit)
	}
	if ok3 && ok4 && mr.Cmp(ml) > 0 {
		c.add(f.Child("memoryRequest"), "%s is above memoryLimit %s: a request may not exceed its limit", r.MemoryRequest, r.MemoryLimit)
	}
	er, ok5 := parse("ephemeralStorageRequest", r.EphemeralStorageRequest)
	el, ok6 := parse("ephemeralStorageLimit", r.EphemeralStorageLimit)
	if ok5 && ok6 && er.Cmp(el) > 0 {
		c.add(f.Child("ephemeralStorageRequest"), "%s is above ephemeralStorageLimit %s: a request may not exceed its limit", r.EphemeralStorageRequest, r.EphemeralStorageLimit)
	}
}

func (c *checker) ingress(a *App) {
	in := a.Ingress
	f := field.NewPath("ingress")
	if in.Class == "" {
		c.add(f.Child("class"), "is required: one of %s, or the IngressClass name of another controller", strings.Join(PresetNames, ", "))
	} else {
		c.name(f.Child("class"), in.Class, "IngressClass name", dns1123Subdomain)
	}
	if ctl := in.Controller; ctl == nil {
		if in.Class != "" {
			c.add(f.Child("controller"), "is required for class %q: %sgive the controller's namespace and pod labels, or use one of %s", in.Class, didYouMean(in.Class, PresetNames), strings.Join(PresetNames, ", "))
		}
	} else {
		cf := f.Child("controller")
		if ctl.Namespace == "" {
			c.add(cf.Child("namespace"), "is required: the namespace the ingress controller's pods run in")
		} else {
			c.name(cf.Child("namespace"), ctl.Namespace, "namespace", dns1123Label)
		}
		c.labels(cf.Child("podLabels"), ctl.PodLabels, true)
	}
	if in.TLSIssuer != "" {
		c.name(f.Child("tlsIssuer"), in.TLSIssuer, "ClusterIssuer name", dns1123Subdomain)
	}
	if len(in.Rules) == 0 {
		c.add(f.Child("rules"), "is empty: give at least one host/path=tier:port rule")
	}
	routes := map[string]int{}
	hostSecret := map[string]string{}
	anyTLS := false
	for i, r := range in.Rules {
		rf := f.Child("rules").Index(i)
		c.host(rf.Child("host"), r.Host)
		for _, t := range []struct{ name, v string }{{"timeout", r.Timeout}, {"backendTimeout", r.BackendTimeout}} {
			if t.v != "" {
				c.add(rf.Child(t.name), "%q is set, but an Ingress has no standard timeouts (only its controller's annotations): drop it, or expose through Gateway API (--gateway-class), whose routes take it", t.v)
			}
		}
		if !strings.HasPrefix(r.Path, "/") {
			c.add(rf.Child("path"), "%q is not absolute: start it with /", r.Path)
		} else if bad := badPathPart(r.Path); bad != "" && r.PathType != "ImplementationSpecific" {
			c.add(rf.Child("path"), "%q contains %q, which Kubernetes refuses in %s paths", r.Path, bad, r.PathType)
		}
		if !slices.Contains(PathTypes, r.PathType) {
			c.add(rf.Child("pathType"), "%q is not supported: use one of %s", r.PathType, strings.Join(PathTypes, ", "))
		}
		key := r.Host + r.Path + " " + r.PathType
		if j, dup := routes[key]; dup {
			c.add(rf, "%s%s (%s) is already routed by rules[%d]", r.Host, r.Path, r.PathType, j)
		}
		routes[key] = i
		c.routeBackend(a, rf, r, "Ingress routes HTTP over TCP")
		if r.TLS != "" {
			anyTLS = true
			tf := rf.Child("tls")
			c.name(tf, r.TLS, "Secret name", dns1123Subdomain)
			if r.Host == "" {
				c.add(tf, "%q is set on a rule without a host: TLS hosts must be rule hosts, so give the rule a host", r.TLS)
			} else if s, ok := hostSecret[r.Host]; ok && s != r.TLS {
				c.add(tf, "%q differs from %q, already serving %s: one host has one certificate", r.TLS, s, r.Host)
			} else {
				hostSecret[r.Host] = r.TLS
			}
		}
	}
	if in.TLSIssuer != "" && !anyTLS && len(in.Rules) > 0 {
		c.add(f.Child("tlsIssuer"), "%q is set but no rule has tls: add tls=SECRET to the rules it should serve", in.TLSIssuer)
	}
	c.acmeSolver(f.Child("acmeSolver"), in.ACMESolver, in.TLSIssuer)
	if in.TLSSelfSigned {
		switch {
		case in.TLSIssuer != "":
			c.add(f.Child("tlsSelfSigned"), "true, but tlsIssuer %q already provides the TLS secrets: choose one of them", in.TLSIssuer)
		case !anyTLS && len(in.Rules) > 0:
			c.add(f.Child("tlsSelfSigned"), "true, but no rule has tls: add tls=SECRET to the rules it should serve")
		}
	}
}

// routeBackend judges the tier and port a rule or route sends traffic to,
// and returns the port when it is one a route may carry; tcpOnly says what
// the entry carries, for a port of another protocol.
func (c *checker) routeBackend(a *App, rf *field.Path, r Rule, tcpOnly string) *Port {
	t := a.Tier(r.Tier)
	switch {
	case t == nil:
		c.add(rf.Child("tier"), "%s", NotATier(a, r.Tier))
	case !t.Expose.HasService():
		c.add(rf.Child("tier"), "%q has expose.type %s, so no Service to route to: expose it as ClusterIP, NodePort or LoadBalancer", r.Tier, t.Expose.Type)
	case len(t.Ports) == 0:
		c.add(rf.Child("port"), "%q names no port of %s, which has none: give %s a port", r.Port, r.Tier, r.Tier)
	case t.Port(r.Port) == nil:
		c.add(rf.Child("port"), "%q names no port of %s: use one of %s", r.Port, r.Tier, strings.Join(t.PortNames(), ", "))
	case t.Port(r.Port).Protocol != "TCP":
		c.add(rf.Child("port"), "%q is a %s port: %s", r.Port, t.Port(r.Port).Protocol, tcpOnly)
	default:
		return t.Port(r.Port)
	}
	return nil
}

// acmeSolver judges how a cert-manager issuer proves the hosts.
func (c *checker) acmeSolver(f *field.Path, solver, issuer string) {
	switch {
	case solver == "":
	case !slices.Contains(ACMESolvers, solver):
		c.add(f, "%q is not supported: use one of %s", solver, strings.Join(ACMESolvers, ", "))
	case issuer == "":
		c.add(f, "%q is set but tlsIssuer is not: it says how a cert-manager issuer proves the hosts, so set tlsIssuer or remove it", solver)
	}
}

func (c *checker) labels(f *field.Path, labels map[string]string, required bool) {
	if len(labels) == 0 {
		if required {
			c.add(f, "is required: the labels that select the pods, e.g. app.kubernetes.io/name=traefik")
		}
		return
	}
	for _, k := range sortedKeys(labels) {
		c.msgs(f.Key(k), k, "label key", validation.IsQualifiedName(k))
		c.msgs(f.Key(k), labels[k], "label value", validation.IsValidLabelValue(labels[k]))
	}
}

// uniqueName checks a required name: present, valid, and not already in
// seen (where it is then recorded under index i).
func (c *checker) uniqueName(f *field.Path, name string, i int, seen map[string]int, what, example, dupOf string, valid func(string) []string) {
	switch errs := valid(name); {
	case name == "":
		c.add(f, "is required: %s", example)
	case len(errs) > 0:
		if r, ok := nameRules[what]; ok {
			c.name(f, name, what, r)
			return
		}
		c.msgs(f, name, what, errs)
	default:
		if j, dup := seen[name]; dup {
			c.add(f, "%q is already the name of "+dupOf, name, j)
			return
		}
		seen[name] = i
	}
}

// port reports whether p is a valid port number, adding a problem if not.
func (c *checker) port(f *field.Path, p int32) bool {
	if p < 1 || p > 65535 {
		c.add(f, "%d is not a port number: use 1-65535", p)
		return false
	}
	return true
}

// outsideCIDR checks a range meant for addresses outside the cluster: one
// within the pod network would admit pods of every namespace, around the
// allowFrom edges. A range that contains the pod network is fine: the
// policy excepts it.
// outsideCIDR checks an address range meant to lie outside the cluster:
// not inside the pod network, and of a family whose pod network kubenetgen
// knows, so that it can except the pods from it.
func (c *checker) outsideCIDR(f *field.Path, s string, n *Network) {
	if err := CheckCIDR(s); err != nil {
		c.add(f, "%v", err)
		return
	}
	p := netip.MustParsePrefix(s)
	for _, s := range n.PodCIDRs() {
		if _, err := netip.ParsePrefix(s); err != nil {
			return // network.podCIDR is reported itself
		}
	}
	pods, ok := n.podCIDROf(p)
	switch {
	case !ok && !p.Addr().Is4():
		c.add(f, "%q is IPv6, but network.podCIDR %s names no IPv6 pod network to keep out of it: on a dual-stack cluster give both, e.g. %s,fd00:10:244::/56", s, n.PodCIDR, DefaultPodCIDR)
	case !ok:
		c.add(f, "%q is IPv4, but network.podCIDR %s names no IPv4 pod network to keep out of it: on a dual-stack cluster give both, e.g. %s,%s", s, n.PodCIDR, DefaultPodCIDR, n.PodCIDR)
	case pods.Bits() <= p.Bits() && pods.Contains(p.Addr()):
		c.add(f, "%q lies within the pod network %s: pods are reached through allowFrom edges, not address ranges; give addresses outside the cluster", s, pods)
	}
}

// podCIDR checks network.podCIDR: one network, or one per family.
func (c *checker) podCIDR(f *field.Path, n *Network) {
	parts := n.PodCIDRs()
	if len(parts) == 0 || len(parts) > 2 {
		c.add(f, "%q: give the pod network, or one per address family, comma-separated (10.244.0.0/16,fd00:10:244::/56)", n.PodCIDR)
		return
	}
	v4 := 0
	for _, s := range parts {
		if err := CheckCIDR(s); err != nil {
			c.add(f, "%v", err)
			return
		}
		if netip.MustParsePrefix(s).Addr().Is4() {
			v4++
		}
	}
	if len(parts) == 2 && v4 != 1 {
		c.add(f, "%q gives two networks of one family: give one IPv4 and one IPv6 network", n.PodCIDR)
	}
}

func (c *checker) cidr(f *field.Path, s string) {
	if err := CheckCIDR(s); err != nil {
		c.add(f, "%v", err)
	}
}

// CheckCIDR accepts a CIDR in canonical form (no host bits set), as
// Kubernetes' strict validation of ipBlock requires.
func CheckCIDR(s string) error {
	p, err := netip.ParsePrefix(s)
	if err != nil {
		return fmt.Errorf("%q is not a CIDR: want ADDRESS/BITS such as 203.0.113.0/24 or 2001:db8::/32", s)
	}
	if p.Masked() != p {
		return fmt.Errorf("%q has host bits set: use %s", s, p.Masked())
	}
	return nil
}

// badPathPart returns the part of an Ingress path that the API server
// refuses for Prefix and Exact paths, or "".
func badPathPart(p string) string {
	for _, bad := range []string{"//", "/./", "/../", "%2f", "%2F"} {
		if strings.Contains(p, bad) {
			return bad
		}
	}
	for _, bad := range []string{"/..", "/."} {
		if strings.HasSuffix(p, bad) {
			return bad
		}
	}
	return ""
}

// TierNames lists the tier names in spec order.
func (a *App) TierNames() []string {
	out := make([]string, len(a.Tiers))
	for i, t := range a.Tiers {
		out[i] = t.Name
	}
	return out
}

// PortNames lists the tier's port names in spec order.
func (t *Tier) PortNames() []string {
	out := make([]string, len(t.Ports))
	for i, p := range t.Ports {
		out[i] = p.Name
	}
	if len(out) == 0 {
		return []string{"(none)"}
	}
	return out
}

func sortedKeys(m map[string]string) []string {
	return slices.Sorted(maps.Keys(m))
}

// runAs checks the user a tier runs as and the folders it may write.
func (c *checker) runAs(t *Tier, tf *field.Path) {
	if u := t.RunAsUser; u != nil {
		switch {
		case *u == 0:
			c.add(tf.Child("runAsUser"), "0 is root, which Pod Security \"restricted\" refuses: give a non-root user ID, or leave it out for %d", DefaultRunAsUser)
		case *u < 0 || *u > math.MaxInt32:
			c.add(tf.Child("runAsUser"), "%d is not a user ID: use 1-%d", *u, math.MaxInt32)
		}
	}
	// Group 0 is allowed: it grants no privilege, and images built for
	// arbitrary user IDs make their files writable by it.
	for _, g := range []struct {
		name string
		id   *int64
	}{{"runAsGroup", t.RunAsGroup}, {"fsGroup", t.FSGroup}} {
		if g.id != nil && (*g.id < 0 || *g.id > math.MaxInt32) {
			c.add(tf.Child(g.name), "%d is not a group ID: use 0-%d", *g.id, math.MaxInt32)
		}
	}
	if p := t.ImagePullPolicy; p != "" && !slices.Contains(PullPolicies, p) {
		c.add(tf.Child("imagePullPolicy"), "%q is not supported: use one of %s", p, strings.Join(PullPolicies, ", "))
	}
	seen := map[string]int{}
	for i, p := range t.WritablePaths {
		pf := tf.Child("writablePaths").Index(i)
		switch {
		case !path.IsAbs(p):
			c.add(pf, "%q is not absolute: start it with /", p)
		case path.Clean(p) != p:
			c.add(pf, "%q is not in clean form: use %s", p, path.Clean(p))
		case p == "/":
			c.add(pf, "\"/\" would hide the whole image: name the folders the program writes")
		case p == "/tmp":
			c.add(pf, "\"/tmp\" is always writable: leave it out")
		default:
			if j, dup := seen[p]; dup {
				c.add(pf, "%q is already writablePaths[%d]", p, j)
			}
			seen[p] = i
		}
	}
}
