package spec

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

// Caller is a set of pods outside the app, in another namespace, that may
// call a tier: a monitoring stack scraping its metrics, another team's
// app. Its pods are selected by their namespace AND their labels, in one
// peer element, never by either alone.
type Caller struct {
	// Name says who the pods are, for people: verify shows them as
	// [NAMESPACE/NAME]. Default: the preset's, else the value of the label
	// app.kubernetes.io/name, else of the first label by key.
	Name string `json:"name,omitempty"`
	// Preset fills Namespace (when unset), PodLabels and Name of a known
	// scraper: kube-prometheus-stack or prometheus-operator.
	Preset string `json:"preset,omitempty"`
	// Namespace is the namespace the pods run in; it must not be the
	// app's own (a tier of the app is named in allowFrom).
	Namespace string `json:"namespace,omitempty"`
	// PodLabels are labels every one of the pods carries.
	PodLabels map[string]string `json:"podLabels,omitempty"`
	// Ports are this tier's ports the pods may reach, by name: pod ports,
	// never a Service port.
	Ports []string `json:"ports,omitempty"`
}

// Callee is a set of pods outside the app, in another namespace, that a
// tier calls: a shared database, another team's internal API. Selected as
// a Caller is, by namespace AND labels in one peer element.
type Callee struct {
	// Name says who the pods are, for people, as Caller's does.
	Name string `json:"name,omitempty"`
	// Namespace is the namespace the pods run in, not the app's own (a
	// tier of the app is called through its allowFrom).
	Namespace string `json:"namespace"`
	// PodLabels are labels every one of the pods carries.
	PodLabels map[string]string `json:"podLabels"`
	// Ports are the ports the pods listen on: their containerPort (the
	// Service's targetPort), NOT the Service's port. NetworkPolicy sees a
	// connection after the Service has sent it to a pod, so a Service
	// offering 5432 in front of pods listening on 15432 needs 15432 here
	// (kubectl get endpointslices -n NAMESPACE shows the pod ports).
	Ports []PeerPort `json:"ports"`
}

// PeerPort is a pod port of a Callee.
type PeerPort struct {
	// Port is the pod's port number (containerPort, the Service's
	// targetPort), 1-65535.
	Port int32 `json:"port"`
	// Protocol is TCP (default), UDP or SCTP.
	Protocol string `json:"protocol,omitempty"`
}

// Scraper presets: where the Prometheus servers of a common install run
// and the labels their pods carry.
const (
	// ScraperKubePrometheusStack is the kube-prometheus-stack Helm chart.
	ScraperKubePrometheusStack = "kube-prometheus-stack"
	// ScraperPrometheusOperator is the Prometheus operator alone, with a
	// Prometheus resource of the user's.
	ScraperPrometheusOperator = "prometheus-operator"
	// DefaultMonitoringNamespace is where both presets expect Prometheus.
	DefaultMonitoringNamespace = "monitoring"
)

// ScraperPreset is a known metrics scraper: the pods that scrape.
type ScraperPreset struct {
	// Name names the pods for people, as Caller.Name does.
	Name      string
	Namespace string
	PodLabels map[string]string
	// About says in one line which pods these are, for help texts.
	About string
}

// ScraperPresets are the scrapers kubenetgen knows, by preset name. The
// Prometheus operator labels every Prometheus pod it runs with
// app.kubernetes.io/name=prometheus, app.kubernetes.io/managed-by=
// prometheus-operator, and prometheus=, app.kubernetes.io/instance= and
// operator.prometheus.io/name= the Prometheus resource's name.
var ScraperPresets = map[string]ScraperPreset{
	// The chart names its Prometheus resource <fullname>-prometheus, and
	// its fullname is the release name when that contains the chart's
	// name: kube-prometheus-stack-prometheus for the usual release.
	ScraperKubePrometheusStack: {
		Name:      "prometheus",
		Namespace: DefaultMonitoringNamespace,
		PodLabels: map[string]string{"app.kubernetes.io/name": "prometheus", "prometheus": "kube-prometheus-stack-prometheus"},
		About:     "the Prometheus of a kube-prometheus-stack release named kube-prometheus-stack (pods prometheus=kube-prometheus-stack-prometheus; kubectl get prometheus -A shows yours)",
	},
	// Any Prometheus the operator runs in the namespace, whatever the
	// name of its Prometheus resource.
	ScraperPrometheusOperator: {
		Name:      "prometheus",
		Namespace: DefaultMonitoringNamespace,
		PodLabels: map[string]string{"app.kubernetes.io/name": "prometheus", "app.kubernetes.io/managed-by": "prometheus-operator"},
		About:     "every Prometheus the Prometheus operator runs in the namespace (pods app.kubernetes.io/managed-by=prometheus-operator)",
	},
}

// ScraperPresetNames lists the scraper presets in the order offered.
var ScraperPresetNames = []string{ScraperKubePrometheusStack, ScraperPrometheusOperator}

// defaultCaller fills a caller from its preset and names it.
func defaultCaller(c *Caller) {
	if p, ok := ScraperPresets[c.Preset]; ok {
		if c.Namespace == "" {
			c.Namespace = p.Namespace
		}
		if len(c.PodLabels) == 0 {
			c.PodLabels = maps.Clone(p.PodLabels)
		}
		if c.Name == "" {
			c.Name = p.Name
		}
	}
	if c.Name == "" {
		c.Name = peerName(c.PodLabels)
	}
}

func defaultCallee(c *Callee) {
	if c.Name == "" {
		c.Name = peerName(c.PodLabels)
	}
	for i := range c.Ports {
		c.Ports[i].Protocol = protocol(c.Ports[i].Protocol)
	}
}

// peerName is the default name of pods known by their labels: the value
// of app.kubernetes.io/name, else of the first label by key.
func peerName(labels map[string]string) string {
	if v := labels["app.kubernetes.io/name"]; v != "" {
		return v
	}
	for _, k := range sortedKeys(labels) {
		if labels[k] != "" {
			return labels[k]
		}
	}
	return ""
}

// PeerID is how a set of pods outside the app is named in flows:
// NAMESPACE/NAME.
func PeerID(namespace, name string) string { return namespace + "/" + name }

// ID names the caller's pods in flows.
func (c *Caller) ID() string { return PeerID(c.Namespace, c.Name) }

// ID names the callee's pods in flows.
func (c *Callee) ID() string { return PeerID(c.Namespace, c.Name) }

// peerSeen records which labels each NAMESPACE/NAME stands for, so that
// one name never means two sets of pods.
type peerSeen map[string]struct {
	labels map[string]string
	field  string
}

// outsidePeer checks the part of a caller or callee that locates its pods:
// a valid namespace that is not the app's, a valid name, labels that are
// valid and present, and a name that means one set of pods.
func (c *checker) outsidePeer(a *App, f *field.Path, name, namespace string, labels map[string]string, seen peerSeen) {
	switch {
	case namespace == "":
		c.add(f.Child("namespace"), "is required: the namespace the pods run in, e.g. %s", DefaultMonitoringNamespace)
	case namespace == a.Namespace:
		c.add(f.Child("namespace"), "%q is the app's own namespace, whose pods are the app's tiers: give the flow as an allowFrom edge between tiers (--allow FROM->TO) instead", namespace)
	default:
		c.name(f.Child("namespace"), namespace, "namespace", dns1123Label)
	}
	c.labels(f.Child("podLabels"), labels, true)
	if name == "" {
		if len(labels) > 0 {
			c.add(f.Child("name"), "is required: a word for these pods, as verify shows them (NAMESPACE/NAME)")
		}
		return
	}
	if name != peerName(labels) {
		// A name taken from a label is judged with the label.
		c.msgs(f.Child("name"), name, "name (a label value)", validation.IsValidLabelValue(name))
	}
	id := PeerID(namespace, name)
	if s, ok := seen[id]; ok && !maps.Equal(s.labels, labels) {
		c.add(f.Child("name"), "%q in namespace %s already names the pods labelled %s (%s): give these pods another name", name, namespace, labelText(s.labels), s.field)
	} else if !ok {
		seen[id] = struct {
			labels map[string]string
			field  string
		}{labels, f.String()}
	}
}

// callers checks a tier's allowFromNamespaces.
func (c *checker) callers(a *App, t *Tier, tf *field.Path, seen peerSeen) {
	dup := map[string]int{}
	for j := range t.AllowFromNamespaces {
		cl := &t.AllowFromNamespaces[j]
		f := tf.Child("allowFromNamespaces").Index(j)
		if cl.Preset != "" {
			if _, ok := ScraperPresets[cl.Preset]; !ok {
				c.add(f.Child("preset"), "%q is not a scraper preset: %suse one of %s, or give namespace and podLabels", cl.Preset, didYouMean(cl.Preset, ScraperPresetNames), strings.Join(ScraperPresetNames, ", "))
				continue
			}
		}
		c.outsidePeer(a, f, cl.Name, cl.Namespace, cl.PodLabels, seen)
		if len(cl.Ports) == 0 {
			c.add(f.Child("ports"), "is empty: name the ports of %s these pods may reach, one of %s", t.Name, strings.Join(t.PortNames(), ", "))
		}
		names := map[string]bool{}
		for k, p := range cl.Ports {
			pf := f.Child("ports").Index(k)
			switch port := t.Port(p); {
			case port == nil:
				c.add(pf, "%q names no port of %s: use one of %s", p, t.Name, strings.Join(t.PortNames(), ", "))
			case port.Name != p:
				c.add(pf, "%q is a number: name the port, %s", p, port.Name)
			case names[p]:
				c.add(pf, "%q is listed twice", p)
			}
			names[p] = true
		}
		key := cl.Namespace + "\x00" + labelText(cl.PodLabels)
		if k, ok := dup[key]; ok && cl.Namespace != "" && len(cl.PodLabels) > 0 {
			c.add(f, "names the same pods as allowFromNamespaces[%d] (namespace %s, labels %s): give their ports in one entry", k, cl.Namespace, labelText(cl.PodLabels))
		}
		dup[key] = j
	}
}

// callees checks a tier's egress.namespaces.
func (c *checker) callees(a *App, t *Tier, tf *field.Path, seen peerSeen) {
	dup := map[string]int{}
	for j := range t.Egress.Namespaces {
		cl := &t.Egress.Namespaces[j]
		f := tf.Child("egress", "namespaces").Index(j)
		c.outsidePeer(a, f, cl.Name, cl.Namespace, cl.PodLabels, seen)
		if len(cl.Ports) == 0 {
			c.add(f.Child("ports"), "is empty: give the pods' own ports (containerPort, the Service's targetPort, not its port), e.g. {port: 5432}")
		}
		ports := map[string]int{}
		for k, p := range cl.Ports {
			pf := f.Child("ports").Index(k)
			c.port(pf.Child("port"), p.Port)
			if !slices.Contains(Protocols, p.Protocol) {
				c.add(pf.Child("protocol"), "%q is not supported: use one of %s", p.Protocol, strings.Join(Protocols, ", "))
			}
			key := fmt.Sprintf("%d/%s", p.Port, p.Protocol)
			if m, ok := ports[key]; ok {
				c.add(pf, "%s is already ports[%d]", key, m)
			}
			ports[key] = k
		}
		key := cl.Namespace + "\x00" + labelText(cl.PodLabels)
		if k, ok := dup[key]; ok && cl.Namespace != "" && len(cl.PodLabels) > 0 {
			c.add(f, "names the same pods as egress.namespaces[%d] (namespace %s, labels %s): give their ports in one entry", k, cl.Namespace, labelText(cl.PodLabels))
		}
		dup[key] = j
	}
}

// labelText writes labels as k=v,k=v in key order.
func labelText(m map[string]string) string {
	var out []string
	for _, k := range sortedKeys(m) {
		out = append(out, k+"="+m[k])
	}
	return strings.Join(out, ",")
}

// ParseCaller parses --allow-from's value, TIER=NAMESPACE/KEY=VALUE[,KEY=
// VALUE…]:PORT[;PORT…]: the pods labelled so in the namespace may call
// the tier on its ports named.
func ParseCaller(s string) (tier string, c Caller, err error) {
	tier, ns, labels, ports, err := parseOutside(s, "TIER=NAMESPACE/KEY=VALUE[,KEY=VALUE…]:PORT[;PORT…], e.g. api=billing/app.kubernetes.io/name=invoicer:http")
	if err != nil {
		return "", c, err
	}
	return tier, Caller{Namespace: ns, PodLabels: labels, Ports: ports}, nil
}

// ParseCallee parses --egress-to's value, TIER=NAMESPACE/KEY=VALUE[,KEY=
// VALUE…]:PORT[/PROTOCOL][;PORT…]: the tier may call the pods labelled so
// in the namespace on their own (pod) ports.
func ParseCallee(s string) (tier string, c Callee, err error) {
	const want = "TIER=NAMESPACE/KEY=VALUE[,KEY=VALUE…]:PORT[/PROTOCOL][;PORT…] with the pods' own ports (not a Service port), e.g. api=shared-db/app.kubernetes.io/name=postgres:5432"
	tier, ns, labels, ports, err := parseOutside(s, want)
	if err != nil {
		return "", c, err
	}
	c = Callee{Namespace: ns, PodLabels: labels}
	for _, p := range ports {
		num, proto, hasProto := strings.Cut(p, "/")
		n, perr := strconv.ParseInt(num, 10, 32)
		if perr != nil || (hasProto && proto == "") {
			return "", c, fmt.Errorf("%q: %q is not a port number: want %s", s, p, want)
		}
		c.Ports = append(c.Ports, PeerPort{Port: int32(n), Protocol: strings.ToUpper(proto)})
	}
	return tier, c, nil
}

// parseOutside splits TIER=NAMESPACE/LABELS:PORTS. A namespace holds no
// '/' and a label value no ':', so the first '/' ends the namespace and
// the last ':' starts the ports.
func parseOutside(s, want string) (tier, ns string, labels map[string]string, ports []string, err error) {
	bad := func() error { return fmt.Errorf("%q: want %s", s, want) }
	tier, rest, ok := strings.Cut(strings.TrimSpace(s), "=")
	if !ok || tier == "" {
		return "", "", nil, nil, bad()
	}
	ns, rest, ok = strings.Cut(rest, "/")
	if !ok || ns == "" {
		return "", "", nil, nil, bad()
	}
	i := strings.LastIndex(rest, ":")
	if i < 0 {
		return "", "", nil, nil, fmt.Errorf("%q: the ports are missing: want %s", s, want)
	}
	labels, err = ParseLabels(rest[:i])
	if err != nil {
		return "", "", nil, nil, fmt.Errorf("%q: %w", s, err)
	}
	for _, p := range strings.Split(rest[i+1:], ";") {
		if p = strings.TrimSpace(p); p != "" {
			ports = append(ports, p)
		}
	}
	if len(ports) == 0 {
		return "", "", nil, nil, fmt.Errorf("%q: the ports are missing: want %s", s, want)
	}
	return tier, ns, labels, ports, nil
}

// Scrape is one --scrape flag: Preset's pods, in Namespace when given,
// may scrape Tier's Port.
type Scrape struct {
	Tier, Port, Preset, Namespace string
}

// ParseScrape parses TIER:PORT[=PRESET[@NAMESPACE]]; the preset defaults
// to kube-prometheus-stack, the namespace to the preset's.
func ParseScrape(s string) (Scrape, error) {
	bad := fmt.Errorf("%q: want TIER:PORT[=PRESET[@NAMESPACE]], PRESET one of %s, e.g. api:metrics=%s@monitoring", s, strings.Join(ScraperPresetNames, ", "), ScraperKubePrometheusStack)
	ref, preset, hasPreset := strings.Cut(strings.TrimSpace(s), "=")
	tier, port, ok := strings.Cut(ref, ":")
	preset, ns, hasNS := strings.Cut(preset, "@")
	if !ok || tier == "" || port == "" || (hasPreset && preset == "") || (hasNS && ns == "") {
		return Scrape{}, bad
	}
	if !hasPreset {
		preset = ScraperKubePrometheusStack
	}
	if _, known := ScraperPresets[preset]; !known {
		return Scrape{}, fmt.Errorf("%q: %q is not a scraper preset: %suse one of %s", s, preset, didYouMean(preset, ScraperPresetNames), strings.Join(ScraperPresetNames, ", "))
	}
	return Scrape{Tier: tier, Port: port, Preset: preset, Namespace: ns}, nil
}

// AddScrape lets the preset's pods in namespace (the preset's when empty)
// reach port of t: the port joins the tier's entry of that preset and
// namespace, or a new entry is made.
func (t *Tier) AddScrape(preset, namespace, port string) {
	for i := range t.AllowFromNamespaces {
		c := &t.AllowFromNamespaces[i]
		if c.Preset == preset && c.Namespace == namespace {
			if !slices.Contains(c.Ports, port) {
				c.Ports = append(c.Ports, port)
			}
			return
		}
	}
	t.AllowFromNamespaces = append(t.AllowFromNamespaces, Caller{Preset: preset, Namespace: namespace, Ports: []string{port}})
}

// Scraper returns the preset of the scraper entry of t and the ports it
// may reach, or "" when none of its callers is a scraper preset.
func (t *Tier) Scraper() (preset string, ports []string) {
	for _, c := range t.AllowFromNamespaces {
		if c.Preset != "" {
			return c.Preset, c.Ports
		}
	}
	return "", nil
}

// SetScraper makes preset's pods, alone among the scraper presets, reach
// port of t; an empty preset removes every scraper entry. Callers given
// by namespace and labels are kept.
func (t *Tier) SetScraper(preset, port string) {
	t.AllowFromNamespaces = slices.DeleteFunc(t.AllowFromNamespaces, func(c Caller) bool { return c.Preset != "" })
	if len(t.AllowFromNamespaces) == 0 {
		t.AllowFromNamespaces = nil
	}
	if preset != "" {
		t.AddScrape(preset, "", port)
	}
}
