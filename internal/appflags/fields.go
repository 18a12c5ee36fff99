package appflags

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/kubenetgen/kubenetgen/spec"
)

// Values holds the app-describing flags.
type Values struct {
	Name      string
	Namespace string
	Tiers     []string
	Allows    []string
	// Callers, Callees and Scrapes are the flows with pods of other
	// namespaces: --allow-from, --egress-to and --scrape.
	Callers       []string
	Callees       []string
	Scrapes       []string
	IngressClass  string
	Rules         []string
	TLSIssuer     string
	TLSSelfSigned bool
	ACMESolver    string
	BlockMetadata bool
	// Unplaced are the problems of flags that the last Apply could not
	// lay over the app, such as a flow to a tier there is none of; they
	// are reported with Validate's problems, all at once.
	Unplaced spec.Problems
	// GatewayValues holds the Gateway API flags.
	GatewayValues
	// Cluster holds the flags that describe the cluster rather than the
	// app; verify takes them too.
	Cluster
	// Connection says whether and how to read the cluster's facts.
	Connection
}

// Connection holds the flags that read the cluster's facts from the
// cluster itself: --from-cluster, and the kubeconfig and context as
// kubectl takes them.
type Connection struct {
	FromCluster bool
	Kubeconfig  string
	Context     string
}

// Cluster holds the flags that describe the cluster the app runs in: where
// the ingress controller and DNS run, where the API server is reached,
// the pod network and the NodePort range. They are the same flags, with
// the same defaults, for the commands that write a base and for verify.
type Cluster struct {
	IngressNamespace string
	IngressLabels    string
	NodePortRange    string
	PodCIDR          string
	DNSNamespace     string
	DNSLabels        string
	DNSCIDRs         []string
	DNSPort          int32
	APIServerCIDRs   []string
	APIServerPort    int32
}

// row is one row of the table: a flag and everything that hangs off it.
type row struct {
	// Flag is the flag's name, Shorthand its one-letter form if any.
	Flag, Shorthand string
	// Paths are the spec fields the flag sets, as spec.Validate names them
	// ("tiers[*].allowFrom" stands for the allowFrom of every tier); a
	// problem at one of them, or beneath it, is the flag's. The first is
	// the field the flag is named after.
	Paths []string
	// Answers are the wizard questions the flag answers in advance.
	Answers []Question
	// Usage is the flag's help. ClusterUsage, when set, is how a command
	// that reads manifests rather than a spec (verify) describes it.
	Usage, ClusterUsage string
	// Completions are the values offered for the flag by shell completion;
	// Complete, when set, computes them from what is typed and the other
	// flags given.
	Completions []string
	Complete    cobra.CompletionFunc
	// Required says an app described by flags alone needs the flag.
	Required bool
	// BoolDefault is a boolean flag's default.
	BoolDefault bool

	// app (or cluster, for a cluster fact) returns the Values field the
	// flag is bound to: a *string, *[]string, *bool or *int32.
	app     func(*Values) any
	cluster func(*Cluster) any
	conn    func(*Connection) any
	// apply lays the given flag over the app; changed tells which other
	// flags were given.
	apply func(v *Values, changed func(string) bool, a *spec.App) error
	// missing names the answers the flag gives that a still lacks.
	missing func(a *spec.App) []string
	// origin names the flag behind a problem at field, beneath Paths; nil
	// names --FLAG when it was given.
	origin func(o *origins, field string) string
}

// table is every app-describing flag, in the order Apply lays them over an
// app. A new spec field that a flag sets is one more row here.
var table = []row{
	{
		Flag: FlagName, Paths: []string{"name"}, Answers: []Question{AskName}, Required: true,
		Usage: "app name (lowercase letters, digits and '-', starting with a letter), used for names and the app.kubernetes.io/part-of label",
		app:   func(v *Values) any { return &v.Name },
		apply: set(func(v *Values, a *spec.App) { a.Name = v.Name }),
		missing: func(a *spec.App) []string {
			return missingIf(a.Name == "", "--name NAME: the app's name, e.g. shop")
		},
	},
	{
		Flag: FlagNamespace, Shorthand: "n", Paths: []string{"namespace"}, Answers: []Question{AskNamespace},
		Usage: "namespace of the app (default: the app name)",
		app:   func(v *Values) any { return &v.Namespace },
		apply: set(func(v *Values, a *spec.App) { a.Namespace = v.Namespace }),
	},
	{
		Flag: FlagTier, Paths: []string{"tiers"}, Answers: []Question{AskTiers}, Required: true,
		Usage:    "a tier, repeatable: 'name=api,image=IMAGE,port=http:9090,replicas=2,expose=ClusterIP'\n(keys: " + strings.Join(spec.TierKeys, ", ") + ")",
		Complete: completeTier,
		app:      func(v *Values) any { return &v.Tiers },
		apply:    applyTiers,
		origin:   tierOrigin,
		missing: func(a *spec.App) []string {
			return missingIf(len(a.Tiers) == 0, "--tier 'name=NAME,image=IMAGE,port=NAME:PORT': at least one tier (repeat the flag for more)")
		},
	},
	{
		Flag: FlagAllow, Paths: []string{"tiers[*].allowFrom"}, Answers: []Question{AskTiers},
		Usage:    "an allowed flow, repeatable: 'web->api' or 'web->api:http'",
		Complete: completeAllow,
		app:      func(v *Values) any { return &v.Allows },
		apply:    applyAllows,
	},
	{
		Flag: FlagScrape, Paths: []string{"tiers[*].allowFromNamespaces"}, Answers: []Question{AskTiers},
		Usage: "a tier's port scraped by Prometheus, repeatable: TIER:PORT, TIER:PORT=PRESET or TIER:PORT=PRESET@NS, PRESET " + strings.Join(spec.ScraperPresetNames, " or ") +
			" (default " + spec.ScraperKubePrometheusStack + ", in namespace " + spec.DefaultMonitoringNamespace + "), e.g. api:metrics",
		Complete: completeScrape,
		app:      func(v *Values) any { return &v.Scrapes },
		apply:    applyScrapes,
		origin:   callerOrigin,
	},
	{
		Flag: FlagAllowFrom, Paths: []string{"tiers[*].allowFromNamespaces"}, Answers: []Question{AskTiers},
		Usage: "a caller in another namespace, repeatable: TIER=NS/LABELS:PORTS, LABELS as k=v,k=v: the pods with those labels in namespace NS (both, in one peer) may call TIER on its ports named in PORTS, separated by ';', " +
			"e.g. api=ops/app=agent:http",
		app:    func(v *Values) any { return &v.Callers },
		apply:  applyCallers,
		origin: callerOrigin,
	},
	{
		Flag: FlagEgressTo, Paths: []string{"tiers[*].egress.namespaces"}, Answers: []Question{AskTiers},
		Usage: "a callee in another namespace, repeatable: TIER=NS/LABELS:PORTS, LABELS as k=v,k=v, PORTS as PORT[/PROTOCOL] separated by ';': TIER may call the pods with those labels in namespace NS on their own ports " +
			"(the pods' containerPort, the Service's targetPort, not the Service's port), e.g. api=db/app=pg:5432",
		app:   func(v *Values) any { return &v.Callees },
		apply: applyCallees,
	},
	{
		Flag: FlagIngressClass, Paths: []string{"ingress.class", "ingress.controller"}, Answers: []Question{AskIngressClass},
		Usage:       "ingress controller: nginx, traefik, istio, a custom IngressClass name (with --ingress-namespace and --ingress-pod-labels), or none for no Ingress",
		Completions: append(slices.Clone(spec.PresetNames), NoIngress),
		app:         func(v *Values) any { return &v.IngressClass },
		apply:       applyIngressClass,
		missing: func(a *spec.App) []string {
			return missingIf(a.Ingress != nil && a.Ingress.Class == "",
				"--ingress-class CLASS: the ingress controller, one of "+strings.Join(spec.PresetNames, ", ")+" or a custom IngressClass")
		},
	},
	{
		Flag: FlagIngressNamespace, Paths: []string{"ingress.controller.namespace"}, Answers: []Question{AskIngressNamespace},
		Usage:        "namespace of the ingress controller's pods (presets know theirs)",
		ClusterUsage: "namespace of the ingress controller's pods (default: from --expect)",
		cluster:      func(c *Cluster) any { return &c.IngressNamespace },
		apply:        set(func(v *Values, a *spec.App) { controller(a).Namespace = v.IngressNamespace }),
		missing: func(a *spec.App) []string {
			if !customWithoutController(a) {
				return nil
			}
			return []string{"--ingress-namespace NAMESPACE: where the pods of the custom ingress controller " + a.Ingress.Class + " run"}
		},
	},
	{
		Flag: FlagIngressLabels, Paths: []string{"ingress.controller.podLabels"}, Answers: []Question{AskIngressLabels},
		Usage:        "labels of the ingress controller's pods, 'k=v,k=v' (presets know theirs)",
		ClusterUsage: "labels of the ingress controller's pods, 'k=v,k=v'",
		cluster:      func(c *Cluster) any { return &c.IngressLabels },
		apply: func(v *Values, _ func(string) bool, a *spec.App) error {
			l, err := parseLabels(FlagIngressLabels, v.IngressLabels)
			if err != nil {
				return err
			}
			controller(a).PodLabels = l
			return nil
		},
		missing: func(a *spec.App) []string {
			return missingIf(customWithoutController(a), "--ingress-pod-labels KEY=VALUE,…: the labels of its pods")
		},
	},
	{
		Flag: FlagGatewayClass, Paths: []string{"gateway.class", "gateway.className"}, Answers: []Question{AskGatewayClass},
		Usage: "expose through Gateway API instead of an Ingress: " + strings.Join(spec.GatewayPresetNames, ", ") +
			" (presets: where each places the data-plane pods and, in the app's namespace, what they call for their configuration," +
			" read from Envoy Gateway 1.x, Istio 1.24+, NGINX Gateway Fabric 2.x, kgateway 2.x, Traefik 3.x; verify against the version in use)," +
			" a GatewayClass name (then give where its data plane runs), or none; cilium is refused:" +
			" no NetworkPolicy peer selects its per-node Envoy. A spec's Ingress moves to it (same hosts, paths, TLS)",
		Completions: append(slices.Clone(spec.GatewayPresetNames), NoGateway),
		app:         func(v *Values) any { return &v.GatewayClass },
		apply:       applyGatewayClass,
		missing: func(a *spec.App) []string {
			return missingIf(a.Gateway != nil && a.Gateway.Class == "",
				"--gateway-class CLASS: the Gateway API implementation, one of "+strings.Join(spec.GatewayPresetNames, ", ")+" or a GatewayClass")
		},
	},
	{
		Flag: FlagGateway, Paths: []string{"gateway.attach", "gateway.attach.name", "gateway.attach.namespace"}, Answers: []Question{AskGatewayOwnership},
		Usage: "attach the routes to the shared Gateway NAME[/NAMESPACE] the platform owns (default: the app gets its own Gateway)",
		app:   func(v *Values) any { return &v.Gateway },
		apply: applyGateway,
	},
	{
		Flag: FlagListener, Paths: []string{"gateway.attach.listener"}, Answers: []Question{AskGatewayOwnership},
		Usage: "the shared Gateway's listener every route names as sectionName (default " + spec.DefaultListener + ")",
		app:   func(v *Values) any { return &v.Listener },
		apply: applyListener,
	},
	{
		Flag: FlagDataPlaneNamespace, Paths: []string{"gateway.dataPlane", "gateway.dataPlane.namespace"}, Answers: []Question{AskDataPlane},
		Usage: "namespace of the Gateway's data-plane pods (presets know theirs)",
		app:   func(v *Values) any { return &v.DataPlaneNS },
		apply: set(func(v *Values, a *spec.App) { dataPlane(a).Namespace = v.DataPlaneNS }),
		missing: func(a *spec.App) []string {
			if !customGatewayWithoutDataPlane(a) {
				return nil
			}
			return []string{"--data-plane-ns NAMESPACE: where the data-plane pods of GatewayClass " + a.Gateway.Class + " run"}
		},
	},
	{
		Flag: FlagDataPlaneLabels, Paths: []string{"gateway.dataPlane.podLabels"}, Answers: []Question{AskDataPlane},
		Usage: "labels of the Gateway's data-plane pods, 'k=v,k=v' (presets know theirs)",
		app:   func(v *Values) any { return &v.DataPlaneLabel },
		apply: func(v *Values, _ func(string) bool, a *spec.App) error {
			l, err := parseLabels(FlagDataPlaneLabels, v.DataPlaneLabel)
			if err != nil {
				return err
			}
			dataPlane(a).PodLabels = l
			return nil
		},
		missing: func(a *spec.App) []string {
			return missingIf(customGatewayWithoutDataPlane(a), "--data-plane-labels KEY=VALUE,…: the labels of its pods")
		},
	},
	{
		Flag: FlagControlPlaneNS, Paths: []string{"gateway.controlPlane", "gateway.controlPlane.namespace"}, Answers: []Question{AskDataPlane},
		Usage: "namespace of the control plane that a data plane in the app's namespace calls (presets know theirs)",
		app:   func(v *Values) any { return &v.ControlPlaneNS },
		apply: set(func(v *Values, a *spec.App) { controlPlane(a).Namespace = v.ControlPlaneNS }),
	},
	{
		Flag: FlagControlPlaneLabels, Paths: []string{"gateway.controlPlane.podLabels"}, Answers: []Question{AskDataPlane},
		Usage: "labels of that control plane's pods, 'k=v,k=v' (presets know theirs)",
		app:   func(v *Values) any { return &v.ControlPlaneLabel },
		apply: func(v *Values, _ func(string) bool, a *spec.App) error {
			l, err := parseLabels(FlagControlPlaneLabels, v.ControlPlaneLabel)
			if err != nil {
				return err
			}
			controlPlane(a).PodLabels = l
			return nil
		},
	},
	{
		Flag: FlagControlPlanePort, Paths: []string{"gateway.controlPlane.port"}, Answers: []Question{AskDataPlane},
		Usage: "the pod port that control plane serves its data planes on (presets know theirs)",
		app:   func(v *Values) any { return &v.ControlPlanePort },
		apply: set(func(v *Values, a *spec.App) { controlPlane(a).Port = v.ControlPlanePort }),
	},
	{
		Flag: FlagGatewaySourceRange, Paths: []string{"gateway.sourceRanges"}, Answers: []Question{AskGatewayOwnership},
		Usage: "a client CIDR admitted into the app's own Gateway when its data plane runs in the app's namespace, repeatable (default any address but the pod network)",
		app:   func(v *Values) any { return &v.GatewaySourceRanges },
		apply: set(func(v *Values, a *spec.App) { gateway(a).SourceRanges = v.GatewaySourceRanges }),
	},
	{
		Flag: FlagRule, Paths: []string{"ingress.rules", "gateway.routes"}, Answers: []Question{AskRoutes, AskTLS},
		Usage:  "an Ingress rule or Gateway route, repeatable, kubectl's syntax: 'shop.example.com/=web:http,tls=shop-tls'; a Gateway route also takes timeout=30s,backendTimeout=10s",
		app:    func(v *Values) any { return &v.Rules },
		apply:  applyRules,
		origin: ruleOrigin,
		missing: func(a *spec.App) []string {
			if a.Gateway != nil && len(a.Gateway.Routes) == 0 {
				return []string{"--rule 'HOST/PATH=TIER:PORT[,tls=SECRET]': at least one Gateway route"}
			}
			return missingIf(a.Ingress != nil && len(a.Ingress.Rules) == 0, "--rule 'HOST/PATH=TIER:PORT[,tls=SECRET]': at least one Ingress rule")
		},
	},
	// One flag chooses where the TLS secrets come from and replaces the
	// other source of the spec file or preset; given together they clash
	// in validation.
	{
		Flag: FlagTLSIssuer, Paths: []string{"ingress.tlsIssuer", "gateway.tlsIssuer"}, Answers: []Question{AskTLS},
		Usage: "cert-manager ClusterIssuer that issues the rules' TLS secrets",
		app:   func(v *Values) any { return &v.TLSIssuer },
		apply: func(v *Values, changed func(string) bool, a *spec.App) error {
			issuer, selfSigned := tlsSource(a)
			*issuer = v.TLSIssuer
			if !changed(FlagTLSSelfSigned) && v.TLSIssuer != "" {
				*selfSigned = false
			}
			if a.Gateway == nil {
				dropSolver(a.Ingress, changed)
			}
			return nil
		},
	},
	{
		Flag: FlagTLSSelfSigned, Paths: []string{"ingress.tlsSelfSigned", "gateway.tlsSelfSigned"}, Answers: []Question{AskTLS},
		Usage: "write a self-signed certificate for the rules' TLS secrets into the base (local clusters)",
		app:   func(v *Values) any { return &v.TLSSelfSigned },
		apply: func(v *Values, changed func(string) bool, a *spec.App) error {
			issuer, selfSigned := tlsSource(a)
			*selfSigned = v.TLSSelfSigned
			if !changed(FlagTLSIssuer) && v.TLSSelfSigned {
				*issuer = ""
			}
			if a.Gateway == nil {
				dropSolver(a.Ingress, changed)
			}
			return nil
		},
	},
	{
		Flag: FlagACMESolver, Paths: []string{"ingress.acmeSolver", "gateway.acmeSolver"}, Completions: spec.ACMESolvers,
		Usage: "how the --tls-issuer proves the hosts: " + strings.Join(spec.ACMESolvers, ", ") + " (default " + spec.ACMESolverHTTP01 + ": the ingress controller may reach cert-manager's solver pods)",
		app:   func(v *Values) any { return &v.ACMESolver },
		apply: func(v *Values, changed func(string) bool, a *spec.App) error {
			if a.Gateway != nil {
				a.Gateway.ACMESolver = v.ACMESolver
				return nil
			}
			ingress(a).ACMESolver = v.ACMESolver
			return nil
		},
	},
	{
		Flag: FlagNodePortRange, Paths: []string{"network.nodePortRange"},
		Usage:        "the cluster's NodePort range (default " + spec.DefaultNodePortRange + ")",
		ClusterUsage: "the apiserver's --service-node-port-range (default " + spec.DefaultNodePortRange + ")",
		cluster:      func(c *Cluster) any { return &c.NodePortRange },
		apply:        set(func(v *Values, a *spec.App) { a.Network.NodePortRange = v.NodePortRange }),
	},
	{
		Flag: FlagPodCIDR, Paths: []string{"network.podCIDR"}, Answers: []Question{AskPodCIDR},
		Usage:        "the cluster's pod network, excepted from 'any source' rules (default " + spec.DefaultPodCIDR + "); dual-stack: one per family, 'V4CIDR,V6CIDR'",
		ClusterUsage: "the cluster's pod network (default " + spec.DefaultPodCIDR + ")",
		// kind and kubeadm use the default; k3s 10.42.0.0/16.
		Completions: []string{spec.DefaultPodCIDR, "10.42.0.0/16"},
		cluster:     func(c *Cluster) any { return &c.PodCIDR },
		apply:       set(func(v *Values, a *spec.App) { a.Network.PodCIDR = v.PodCIDR }),
	},
	{
		Flag: FlagDNSNamespace, Paths: []string{"network.dns.namespace"},
		Usage:       "namespace of the cluster DNS pods (default " + spec.DefaultDNSNamespace + ")",
		Completions: []string{spec.DefaultDNSNamespace, "openshift-dns"},
		cluster:     func(c *Cluster) any { return &c.DNSNamespace },
		apply:       set(func(v *Values, a *spec.App) { dns(a).Namespace = v.DNSNamespace }),
	},
	{
		Flag: FlagDNSLabels, Paths: []string{"network.dns.podLabels"},
		Usage:   "labels of the cluster DNS pods, 'k=v,k=v' (default " + FormatLabels(spec.DefaultDNSLabels()) + ")",
		cluster: func(c *Cluster) any { return &c.DNSLabels },
		apply: func(v *Values, _ func(string) bool, a *spec.App) error {
			l, err := parseLabels(FlagDNSLabels, v.DNSLabels)
			if err != nil {
				return err
			}
			dns(a).PodLabels = l
			return nil
		},
	},
	{
		Flag: FlagDNSCIDR, Paths: []string{"network.dns.cidrs"},
		Usage:        "cluster DNS addresses instead of pods, repeatable (NodeLocal DNSCache: 169.254.20.10/32)",
		ClusterUsage: "cluster DNS as addresses (NodeLocal DNSCache), repeatable",
		cluster:      func(c *Cluster) any { return &c.DNSCIDRs },
		apply:        set(func(v *Values, a *spec.App) { dns(a).CIDRs = v.DNSCIDRs }),
	},
	{
		Flag: FlagDNSPort, Paths: []string{"network.dns.port"},
		Usage:        "cluster DNS port (default " + strconv.Itoa(spec.DefaultDNSPort) + "; OpenShift: 5353)",
		ClusterUsage: "cluster DNS port (default " + strconv.Itoa(spec.DefaultDNSPort) + ")",
		Completions:  []string{strconv.Itoa(spec.DefaultDNSPort), "5353"},
		cluster:      func(c *Cluster) any { return &c.DNSPort },
		apply:        set(func(v *Values, a *spec.App) { dns(a).Port = v.DNSPort }),
	},
	{
		Flag: FlagAPIServerCIDR, Paths: []string{"network.apiServer.cidrs"},
		Usage:        "API server addresses as pods reach them, repeatable (for tiers with apiServer=true)",
		ClusterUsage: "the API server's addresses as pods reach them, repeatable",
		cluster:      func(c *Cluster) any { return &c.APIServerCIDRs },
		apply:        set(func(v *Values, a *spec.App) { apiServer(a).CIDRs = v.APIServerCIDRs }),
	},
	{
		Flag: FlagAPIServerPort, Paths: []string{"network.apiServer.port"},
		Usage:        "API server port as pods reach it (default " + strconv.Itoa(spec.DefaultAPIServerPort) + ")",
		ClusterUsage: "the API server's port (default " + strconv.Itoa(spec.DefaultAPIServerPort) + ")",
		cluster:      func(c *Cluster) any { return &c.APIServerPort },
		apply:        set(func(v *Values, a *spec.App) { apiServer(a).Port = v.APIServerPort }),
	},
	{
		Flag: FlagBlockMetadata, Paths: []string{"network.blockMetadata"}, BoolDefault: true,
		Usage: "except the cloud metadata address 169.254.169.254 from CIDR egress",
		app:   func(v *Values) any { return &v.BlockMetadata },
		apply: set(func(v *Values, a *spec.App) {
			b := v.BlockMetadata
			a.Network.BlockMetadata = &b
		}),
	},
	// The cluster's facts read from the cluster: laid over the app after
	// the other flags (which they never override) by the command, not by
	// Apply.
	{
		Flag: FlagFromCluster,
		Usage: "read the cluster's facts from the cluster itself (read-only): pod network, NodePort range, where the ingress controller, a Gateway's data and control plane and DNS run and with which pod labels (and that the GatewayClass is the preset's), " +
			"and whether its network plugin enforces NetworkPolicy; flags given override them, and the spec records them",
		conn:  func(c *Connection) any { return &c.FromCluster },
		apply: set(func(*Values, *spec.App) {}),
	},
	{
		Flag: FlagKubeconfig, Usage: "kubeconfig file of the cluster (default: $KUBECONFIG, else ~/.kube/config, as kubectl)",
		conn:  func(c *Connection) any { return &c.Kubeconfig },
		apply: set(func(*Values, *spec.App) {}),
	},
	{
		Flag: FlagContext, Usage: "kubeconfig context of the cluster (default: the current context)",
		conn:  func(c *Connection) any { return &c.Context },
		apply: set(func(*Values, *spec.App) {}),
	},
}

// value returns the Values field f is bound to.
func (f *row) value(v *Values) any {
	if f.conn != nil {
		return f.conn(&v.Connection)
	}
	if f.cluster != nil {
		return f.cluster(&v.Cluster)
	}
	return f.app(v)
}

// register binds the flag to p on cmd, with its completions.
func (f *row) register(cmd *cobra.Command, p any, usage string) {
	fs := cmd.Flags()
	switch p := p.(type) {
	case *string:
		fs.StringVarP(p, f.Flag, f.Shorthand, "", usage)
	case *[]string:
		fs.StringArrayVarP(p, f.Flag, f.Shorthand, nil, usage)
	case *bool:
		fs.BoolVarP(p, f.Flag, f.Shorthand, f.BoolDefault, usage)
	case *int32:
		fs.Int32VarP(p, f.Flag, f.Shorthand, 0, usage)
	default:
		panic(fmt.Sprintf("appflags: --%s is bound to a %T", f.Flag, p))
	}
	complete := f.Complete
	if complete == nil && len(f.Completions) > 0 {
		complete = cobra.FixedCompletions(f.Completions, cobra.ShellCompDirectiveNoFileComp)
	}
	if complete != nil {
		// Registering twice on one command is a programming error that
		// cobra reports; the table names each flag once.
		if err := cmd.RegisterFlagCompletionFunc(f.Flag, complete); err != nil {
			panic(err)
		}
	}
}

// set is the setter of a flag that cannot be wrong in itself and that no
// other flag changes the meaning of.
func set(f func(v *Values, a *spec.App)) func(*Values, func(string) bool, *spec.App) error {
	return func(v *Values, _ func(string) bool, a *spec.App) error {
		f(v, a)
		return nil
	}
}

func missingIf(missing bool, answer ...string) []string {
	if missing {
		return answer
	}
	return nil
}

// customWithoutController says the app's Ingress names a class kubenetgen
// has no preset for, and nothing says where its controller runs.
func customWithoutController(a *spec.App) bool {
	in := a.Ingress
	if in == nil || in.Class == "" {
		return false
	}
	_, preset := spec.Presets[in.Class]
	return !preset && in.Controller == nil
}

func applyTiers(v *Values, _ func(string) bool, a *spec.App) error {
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
			t.AllowFromNamespaces, t.Egress.Namespaces = old.AllowFromNamespaces, old.Egress.Namespaces
			*old = t
		} else {
			a.Tiers = append(a.Tiers, t)
		}
	}
	return nil
}

// applyAllows adds the flows to the allowFrom of the tiers called. A flow
// from a tier there is none of is added all the same, for Validate to
// report with the others; one to such a tier has nowhere to go and is
// kept as a problem of its own.
func applyAllows(v *Values, _ func(string) bool, a *spec.App) error {
	for _, s := range v.Allows {
		edges, err := spec.ParseAllow(s)
		if err != nil {
			return fmt.Errorf("--allow %s", err)
		}
		for _, e := range edges {
			to := a.Tier(e.To)
			if to == nil {
				v.Unplaced = append(v.Unplaced, spec.Problem{Field: "--" + FlagAllow + " " + s,
					Message: spec.NotATier(a, e.To)})
				continue
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
	return nil
}

// dropSolver drops the ACME solver of a spec file with the issuer a flag
// dropped, unless --acme-solver is given: alone it would be refused.
func dropSolver(in *spec.Ingress, changed func(string) bool) {
	if in.TLSIssuer == "" && !changed(FlagACMESolver) {
		in.ACMESolver = ""
	}
}

// ingressDetails are the flags that describe the Ingress beyond its class.
var ingressDetails = []string{FlagRule, FlagTLSIssuer, FlagTLSSelfSigned, FlagACMESolver, FlagIngressNamespace, FlagIngressLabels}

func applyIngressClass(v *Values, changed func(string) bool, a *spec.App) error {
	if v.IngressClass == NoIngress {
		if slices.ContainsFunc(ingressDetails, changed) {
			var flags []string
			for _, f := range ingressDetails {
				flags = append(flags, "--"+f)
			}
			return fmt.Errorf("--%s %s drops the Ingress: give no %s or %s with it", FlagIngressClass, NoIngress,
				strings.Join(flags[:len(flags)-1], ", "), flags[len(flags)-1])
		}
		a.Ingress = nil
		return nil
	}
	in := ingress(a)
	in.Class = v.IngressClass
	if _, preset := spec.Presets[v.IngressClass]; preset && !changed(FlagIngressNamespace) && !changed(FlagIngressLabels) {
		in.Controller = nil // Default fills the preset's
	}
	return nil
}

func applyRules(v *Values, _ func(string) bool, a *spec.App) error {
	out := rules(a)
	*out = nil
	for _, s := range v.Rules {
		r, err := spec.ParseRule(s)
		if err != nil {
			return fmt.Errorf("--%s %w", FlagRule, err)
		}
		*out = append(*out, r)
	}
	return nil
}

// ingress returns the app's Ingress, made when a flag describes one the
// app lacks.
func ingress(a *spec.App) *spec.Ingress {
	if a.Ingress == nil {
		a.Ingress = &spec.Ingress{}
	}
	return a.Ingress
}

// controller returns the Ingress controller's location, starting from the
// preset's when a flag changes part of it.
func controller(a *spec.App) *spec.Controller {
	in := ingress(a)
	if in.Controller == nil {
		c := spec.Controller{}
		if p, ok := spec.Presets[in.Class]; ok {
			c = spec.Controller{Namespace: p.Controller.Namespace, PodLabels: maps.Clone(p.Controller.PodLabels)}
		}
		in.Controller = &c
	}
	return in.Controller
}

func dns(a *spec.App) *spec.DNS {
	if a.Network.DNS == nil {
		a.Network.DNS = &spec.DNS{}
	}
	return a.Network.DNS
}

func apiServer(a *spec.App) *spec.APIServer {
	if a.Network.APIServer == nil {
		a.Network.APIServer = &spec.APIServer{}
	}
	return a.Network.APIServer
}

func parseLabels(flag, s string) (map[string]string, error) {
	l, err := spec.ParseLabels(s)
	if err != nil {
		return nil, fmt.Errorf("--%s %w", flag, err)
	}
	return l, nil
}

// FormatLabels writes labels as k=v,k=v in key order, spec.ParseLabels'
// syntax.
func FormatLabels(m map[string]string) string {
	var out []string
	for _, k := range slices.Sorted(maps.Keys(m)) {
		out = append(out, k+"="+m[k])
	}
	return strings.Join(out, ",")
}
