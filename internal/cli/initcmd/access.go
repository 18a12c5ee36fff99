package initcmd

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/kubenetgen/kubenetgen/internal/appflags"
	"github.com/kubenetgen/kubenetgen/internal/cli/shared"
	"github.com/kubenetgen/kubenetgen/spec"
)

// External access: how each tier is reached (its Service, asked while the
// tier is edited) and the Ingress section (controller, host and routes),
// which ends with the TLS questions of tls.go.

// exposeOptions are the answers to "How is TIER reached?", in the order of
// spec.Exposures.
var exposeOptions = []string{
	"none: no Service (nothing calls it)",
	"ClusterIP: a Service inside the cluster",
	"NodePort: also a port on every node (30000-32767)",
	"LoadBalancer: also a cloud load balancer",
}

// expose asks how tier i is reached, then what that way of reaching it
// needs: fixed node ports and the source ranges admitted from outside.
func (w *wizard) expose(i int) error {
	name := w.app.Tiers[i].Name
	path := fmt.Sprintf("tiers[%d]", i)
	def := slices.Index(spec.Exposures, spec.Defaulted(w.app).Tiers[i].Expose.Type)
	k, err := w.selectOne(fmt.Sprintf("How is %s reached?", name), helpExpose, exposeOptions, def)
	if err != nil {
		return err
	}
	if k != def {
		e := &w.app.Tiers[i].Expose
		e.Type = spec.Exposures[k]
		if !e.External() {
			e.SourceRanges, e.ExternalTrafficPolicy = nil, ""
			for j := range w.app.Tiers[i].Ports {
				w.app.Tiers[i].Ports[j].NodePort = 0
			}
		}
	}
	typ := spec.Exposures[k]
	if typ == spec.ExposeNodePort {
		for j, p := range w.app.Tiers[i].Ports {
			def := ""
			if p.NodePort != 0 {
				def = strconv.Itoa(int(p.NodePort))
			}
			if err := w.input(inputQ{
				msg:  fmt.Sprintf("Node port for %s's %s port (empty: any free one)", name, spec.Defaulted(w.app).Tiers[i].Ports[j].Name),
				help: helpNodePort, def: def, fields: []string{fmt.Sprintf("%s.ports[%d].nodePort", path, j)},
				apply: func(a *spec.App, s string) error {
					if s == "" {
						a.Tiers[i].Ports[j].NodePort = 0
						return nil
					}
					n, err := strconv.ParseInt(s, 10, 32)
					if err != nil {
						return fmt.Errorf("%q is not a port number: give one in the node port range, or nothing", s)
					}
					a.Tiers[i].Ports[j].NodePort = int32(n)
					return nil
				}}); err != nil {
				return err
			}
		}
	}
	if typ == spec.ExposeNodePort || typ == spec.ExposeLoadBalancer {
		return w.input(inputQ{
			msg:  fmt.Sprintf("Source ranges allowed into %s (empty: any address)", name),
			help: helpSourceRanges, def: strings.Join(w.app.Tiers[i].Expose.SourceRanges, ", "),
			fields: []string{path + ".expose.sourceRanges"},
			apply: func(a *spec.App, s string) error {
				a.Tiers[i].Expose.SourceRanges = splitList(s)
				return nil
			}})
	}
	return nil
}

var ingressOptions = []string{
	"none: no Ingress",
	"traefik",
	"istio",
	"nginx: ingress-nginx, retired in March 2026",
	"custom: another controller",
	"Gateway API: routes on a Gateway, the Ingress API's successor",
}

// ingressClasses are the preset classes of ingressOptions, by index.
var ingressClasses = []string{"", "traefik", "istio", "nginx", "", ""}

const (
	optCustom  = 4
	optGateway = 5
)

// ingressSection asks about external HTTP(S) access: none, an Ingress (its
// controller, the host, the routes and TLS) or Gateway API (gateway.go).
func (w *wizard) ingressSection() error {
	if !w.skip[appflags.AskIngressClass] && !w.skip[appflags.AskGatewayClass] {
		def := 0
		if in := w.app.Ingress; in != nil {
			def = optCustom
			if in.Class == "" {
				def = 1
			} else if k := slices.Index(ingressClasses, in.Class); k > 0 {
				def = k
			}
		}
		if w.app.Gateway != nil {
			def = optGateway
		}
		k, err := w.selectOne("External HTTP(S) access", helpIngress, ingressOptions, def)
		if err != nil {
			return err
		}
		switch k {
		case 0:
			w.app.Ingress, w.app.Gateway = nil, nil
			return nil
		case optGateway:
			if w.app.Gateway == nil {
				// An Ingress moves over with its hosts, paths and TLS,
				// as --gateway-class moves it.
				w.app.Gateway = &spec.Gateway{}
				appflags.MigrateIngress(w.app)
			}
			return w.gatewaySection()
		}
		w.app.Gateway = nil
		if w.app.Ingress == nil {
			w.app.Ingress = &spec.Ingress{}
		}
		in := w.app.Ingress
		if k == optCustom {
			if _, preset := spec.Presets[in.Class]; preset {
				in.Class, in.Controller = "", nil
			}
		} else {
			class := ingressClasses[k]
			if in.Class != class {
				in.Class, in.Controller = class, nil
				w.foundController()
			}
			if w.facts == nil || in.Controller == nil {
				w.note("note: %s", spec.Presets[class].Note)
			}
		}
	}
	if w.app.Gateway != nil {
		return w.gatewaySection()
	}
	if w.app.Ingress == nil {
		return nil
	}
	if _, preset := spec.Presets[w.app.Ingress.Class]; !preset {
		if err := w.customController(); err != nil {
			return err
		}
	} else if !w.skip[appflags.AskIngressClass] && !w.skip[appflags.AskIngressNamespace] {
		if err := w.presetNamespace(); err != nil {
			return err
		}
	}
	existed := len(w.app.Ingress.Rules) > 0
	host, err := w.routes()
	if err != nil {
		return err
	}
	if err := w.tls(host, existed); err != nil {
		return err
	}
	return w.otherHostsTLS(host)
}

// foundController makes the controller --from-cluster found for the
// Ingress's class the default of the questions about it, and says so.
func (w *wizard) foundController() {
	if w.facts == nil || w.app.Ingress == nil || w.app.Ingress.Class == "" {
		return
	}
	w.note("%s", shared.LayController(w.app.Ingress, w.facts))
}

// presetNamespace asks where a preset controller runs: installs differ
// (Traefik runs in kube-system on k3s, Istio's gateway may run in
// istio-ingress), and the policies admit the controller by namespace.
func (w *wizard) presetNamespace() error {
	return w.input(inputQ{msg: "Namespace of the ingress controller", help: helpIngressNamespace,
		def: spec.Defaulted(w.app).Ingress.Controller.Namespace, fields: []string{appflags.Path(appflags.FlagIngressNamespace)},
		apply: func(a *spec.App, s string) error {
			if a.Ingress.Controller == nil {
				c := spec.Defaulted(a).Ingress.Controller
				a.Ingress.Controller = c
			}
			a.Ingress.Controller.Namespace = s
			return nil
		}})
}

// customController asks the IngressClass of a controller kubenetgen has no
// preset for, and where its pods run.
func (w *wizard) customController() error {
	if !w.skip[appflags.AskIngressClass] {
		if err := w.input(inputQ{msg: "IngressClass of the controller", help: helpIngressClass, def: w.app.Ingress.Class,
			fields: []string{appflags.Path(appflags.FlagIngressClass)},
			apply:  func(a *spec.App, s string) error { a.Ingress.Class = s; return nil }}); err != nil {
			return err
		}
		if w.app.Ingress.Controller == nil {
			w.foundController()
		}
	}
	ctl := func(a *spec.App) *spec.Controller {
		if a.Ingress.Controller == nil {
			a.Ingress.Controller = &spec.Controller{}
		}
		return a.Ingress.Controller
	}
	var ns, labels string
	if c := w.app.Ingress.Controller; c != nil {
		ns, labels = c.Namespace, appflags.FormatLabels(c.PodLabels)
	}
	if !w.skip[appflags.AskIngressNamespace] {
		if err := w.input(inputQ{msg: "Namespace of the ingress controller", help: helpIngressNamespace, def: ns,
			fields: []string{appflags.Path(appflags.FlagIngressNamespace)},
			apply:  func(a *spec.App, s string) error { ctl(a).Namespace = s; return nil }}); err != nil {
			return err
		}
	}
	if !w.skip[appflags.AskIngressLabels] {
		if err := w.input(inputQ{msg: "Pod labels of the ingress controller", help: helpIngressLabels, def: labels,
			fields: []string{appflags.Path(appflags.FlagIngressLabels)},
			apply:  func(a *spec.App, s string) error { return setLabels(&ctl(a).PodLabels, s) }}); err != nil {
			return err
		}
	}
	return nil
}

// ruleFields lists the fields of every Ingress rule (or Gateway route),
// for validators that judge a change to all of them.
func ruleFields(a *spec.App, child string) []string {
	var out []string
	if e := entryOf(a); e.rules != nil {
		for k := range *e.rules {
			out = append(out, fmt.Sprintf("%s[%d]%s", e.field(e.rulesField), k, child))
		}
	}
	return out
}

// routes asks the host and the paths routed to tiers, and returns the
// host.
func (w *wizard) routes() (string, error) {
	e := entryOf(w.app)
	rules := e.rules
	host := ""
	if len(*rules) > 0 {
		host = (*rules)[0].Host
	}
	if w.skip[appflags.AskRoutes] {
		return host, nil
	}
	q := inputQ{msg: "Host", help: helpHost, def: host,
		apply: func(a *spec.App, s string) error {
			rs := entryOf(a).rules
			for k := range *rs {
				if r := &(*rs)[k]; r.Host == host {
					r.Host = s
					if s == "" {
						r.TLS = ""
					}
				}
			}
			if len(*rs) == 0 {
				// Judge the host alone: a rule to be completed by the routes.
				*rs = []spec.Rule{{Host: s, Path: "/"}}
			}
			return nil
		}}
	if len(*rules) == 0 {
		q.def, q.suggested = w.app.Name+".example.com", true
	}
	q.fields = ruleFields(w.app, ".host")
	if len(q.fields) == 0 {
		q.fields = []string{e.field(e.rulesField) + "[0].host"}
	}
	hadRules := len(*rules) > 0
	if err := w.input(q); err != nil {
		return "", err
	}
	// The answer renamed the host of the first rule's host, or, with no
	// rules yet, made a placeholder rule (a suggested default is always
	// applied) that the routes question replaces.
	host = (*rules)[0].Host
	if !hadRules {
		*rules = nil
	}

	var parts []string
	for _, r := range *rules {
		s := r.Path + "=" + r.Tier + ":" + r.Port
		if r.Host != host {
			s = r.Host + s
		}
		parts = append(parts, s)
	}
	rq := inputQ{msg: "Routes", help: helpRoutes, def: strings.Join(parts, ", "), fields: []string{e.field(e.rulesField)},
		apply: func(a *spec.App, s string) error { return setRoutes(a, host, s) }}
	if len(parts) == 0 {
		rq.def, rq.suggested = "/="+firstRoute(w.app), true
	}
	return host, w.input(rq)
}

// firstRoute suggests the first tier with a Service and its first port.
func firstRoute(a *spec.App) string {
	for _, t := range spec.Defaulted(a).Tiers {
		if t.Expose.HasService() && len(t.Ports) > 0 {
			return t.Name + ":" + t.Ports[0].Name
		}
	}
	return "TIER:PORT"
}

// setRoutes replaces the Ingress rules (or Gateway routes) with the
// answer, kubectl's --rule syntax (spec.ParseRule) with the host left
// out. A rule keeps the TLS secret its host had, and the pathType and
// timeouts its host and path had.
func setRoutes(a *spec.App, host, s string) error {
	rs := entryOf(a).rules
	old := *rs
	var rules []spec.Rule
	for _, item := range strings.Split(s, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		if strings.HasPrefix(item, "/") {
			item = host + item
		}
		r, err := spec.ParseRule(item)
		if err != nil {
			return err
		}
		for _, o := range old {
			if o.Host == r.Host && o.TLS != "" && r.Host != "" {
				r.TLS = o.TLS
			}
			if o.Host == r.Host && o.Path == r.Path && r.PathType == "" {
				r.PathType = o.PathType
			}
			if o.Host == r.Host && o.Path == r.Path && r.Timeout == "" && r.BackendTimeout == "" {
				r.Timeout, r.BackendTimeout = o.Timeout, o.BackendTimeout
			}
		}
		rules = append(rules, r)
	}
	*rs = rules
	return nil
}

// Help for the questions of external access.
const (
	helpExpose = "A Service gives the tier a stable DNS name its callers use. ClusterIP is reachable inside the cluster only; " +
		"NodePort also opens a port in the node port range (30000-32767 by default) on every node; LoadBalancer also gets a cloud load balancer."
	helpNodePort = "Leave it empty and Kubernetes picks a free port in the node port range, 30000-32767 unless the cluster sets --service-node-port-range. " +
		"A fixed port must lie in that range and be unique in the cluster."
	helpSourceRanges = "Default-deny also stops traffic from outside the cluster: give the client CIDRs that may connect (e.g. 203.0.113.0/24), separated by commas, " +
		"or leave it empty to admit any address except the pod network. externalTrafficPolicy Local keeps client addresses, so the rule can match them."
	helpIngress = "An Ingress routes HTTP(S) from outside to your tiers through an ingress controller, a proxy running in its own namespace. " +
		"The policies must admit the controller's pods into each routed tier, so kubenetgen needs to know where they run. " +
		"Gateway API is the Ingress API's successor: a Gateway (a proxy with listeners) and routes that send its requests to your tiers; its data-plane pods are admitted the same way."
	helpIngressClass     = "The IngressClass your controller serves (kubectl get ingressclass)."
	helpIngressNamespace = "The namespace the controller's pods run in (kubectl get pods -A -l <its labels>); the policies admit the controller's pods " +
		"from this namespace only. Traefik runs in kube-system on k3s, Istio's gateway in istio-system or istio-ingress."
	helpIngressLabels = "Labels that select the controller's pods, KEY=VALUE separated by commas (kubectl get pods -n NAMESPACE --show-labels), " +
		"e.g. app.kubernetes.io/name=haproxy-ingress."
	helpHost = "The DNS name clients use, e.g. shop.example.com; point its DNS record at the ingress controller. " +
		"Leave it empty to match any host, but then TLS is not possible: a certificate names its host."
	helpRoutes = "Which path goes to which tier, PATH=TIER:PORT separated by commas, e.g. /=web:http, /api=api:http; PORT is the tier's port name. " +
		"Paths are prefixes: /api also matches /api/orders. HOST/PATH=TIER:PORT routes another host."
)
