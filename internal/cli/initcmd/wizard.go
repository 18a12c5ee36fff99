package initcmd

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/kubenetgen/kubenetgen/internal/cmdutil"
	"github.com/kubenetgen/kubenetgen/internal/prompter"
	"github.com/kubenetgen/kubenetgen/spec"
	"github.com/kubenetgen/kubenetgen/templates"
)

// skip records which answers the flags already gave, so the wizard asks
// only what is still unset.
type skip struct {
	name, namespace bool
	tiers           bool
	ingressClass    bool
	ingressNS       bool
	ingressLabels   bool
	rules           bool
	tls             bool
}

// wizard asks the questions and records the answers in app, which holds
// only what was given (presets, the spec file, flags and answers), never
// defaults: spec.Default fills those when the base is rendered.
type wizard struct {
	ctx  context.Context
	p    prompter.Prompter
	out  io.Writer
	app  *spec.App
	skip skip
	// suggestName is the app name offered when nothing gave one.
	suggestName string
}

// inputQ is one text question whose answer changes the app.
type inputQ struct {
	msg, help, def string
	// suggested marks def as a suggestion rather than the current value, so
	// accepting it still changes the app.
	suggested bool
	// fields are the spec fields the answer sets; their problems, in
	// spec.Validate's words, refuse the answer.
	fields []string
	// apply records the answer in a; it is also run on a copy to judge the
	// answer before it is accepted.
	apply func(a *spec.App, s string) error
}

func (w *wizard) canceled() error {
	if w.ctx.Err() != nil {
		return cmdutil.ErrCanceled
	}
	return nil
}

func (w *wizard) input(q inputQ) error {
	if err := w.canceled(); err != nil {
		return err
	}
	changes := func(s string) bool { return q.suggested || s != q.def }
	validate := func(s string) error {
		s = strings.TrimSpace(s)
		c := clone(w.app)
		if changes(s) {
			if err := q.apply(c, s); err != nil {
				return err
			}
		}
		return problemsAt(c, q.fields...)
	}
	s, err := w.p.Input(q.msg, q.help, q.def, validate)
	if err != nil {
		return err
	}
	if s = strings.TrimSpace(s); changes(s) {
		return q.apply(w.app, s)
	}
	return nil
}

func (w *wizard) selectOne(msg, help string, options []string, def int) (int, error) {
	if err := w.canceled(); err != nil {
		return 0, err
	}
	return w.p.Select(msg, help, options, def)
}

func (w *wizard) note(format string, args ...any) {
	fmt.Fprintf(w.out, format+"\n", args...)
}

// choosePreset asks which preset to start from and returns its app.
func (w *wizard) choosePreset() (*spec.App, error) {
	presets := templates.Presets()
	options := make([]string, len(presets))
	for i, p := range presets {
		options[i] = p.Title
	}
	i, err := w.selectOne("Start from", helpPreset, options, 0)
	if err != nil {
		return nil, err
	}
	return loadPreset(presets[i])
}

// appSection asks the app's name and namespace.
func (w *wizard) appSection() error {
	if !w.skip.name {
		q := inputQ{msg: "App name", help: helpName, def: w.app.Name, fields: []string{"name"},
			apply: func(a *spec.App, s string) error { a.Name = s; return nil }}
		if q.def == "" {
			q.def, q.suggested = w.suggestName, true
		}
		if err := w.input(q); err != nil {
			return err
		}
	}
	if !w.skip.namespace {
		q := inputQ{msg: "Namespace", help: helpNamespace, def: defaulted(w.app).Namespace, fields: []string{"namespace"},
			apply: func(a *spec.App, s string) error { a.Namespace = s; return nil }}
		if err := w.input(q); err != nil {
			return err
		}
	}
	return nil
}

const (
	optDone   = "done: go on to external access"
	optAdd    = "add a tier"
	optRemove = "remove a tier"
)

// tiersSection edits the tiers in a loop until the user is done.
func (w *wizard) tiersSection() error {
	if w.skip.tiers {
		return nil
	}
	if len(w.app.Tiers) == 0 {
		if err := w.addTier(); err != nil {
			return err
		}
	}
	for {
		options := []string{optDone}
		for _, t := range w.app.Tiers {
			options = append(options, "edit "+tierLine(w.app, t.Name))
		}
		options = append(options, optAdd)
		if len(w.app.Tiers) > 1 {
			options = append(options, optRemove)
		}
		i, err := w.selectOne("Tiers", helpTiers, options, 0)
		if err != nil {
			return err
		}
		switch {
		case options[i] == optDone:
			return nil
		case options[i] == optAdd:
			err = w.addTier()
		case options[i] == optRemove:
			err = w.removeTier()
		default:
			err = w.editTier(i-1, false)
		}
		if err != nil {
			return err
		}
	}
}

// tierLine describes a tier in one line for the tiers menu.
func tierLine(a *spec.App, name string) string {
	d := defaulted(a)
	t := d.Tier(name)
	if t == nil {
		return name
	}
	parts := []string{t.Expose.Type}
	if len(t.Ports) > 0 {
		parts = append([]string{formatPorts(t.Ports)}, parts...)
	}
	if len(t.AllowFrom) > 0 {
		parts = append(parts, "called by "+strings.Join(t.AllowFrom, ", "))
	}
	return name + " (" + strings.Join(parts, "; ") + ")"
}

func (w *wizard) addTier() error {
	w.app.Tiers = append(w.app.Tiers, spec.Tier{})
	return w.editTier(len(w.app.Tiers)-1, true)
}

func (w *wizard) removeTier() error {
	options := append(w.app.TierNames(), "none: keep every tier")
	i, err := w.selectOne("Remove which tier?", helpRemove, options, len(options)-1)
	if err != nil || i == len(options)-1 {
		return err
	}
	name := w.app.Tiers[i].Name
	for _, d := range removeTier(w.app, i) {
		w.note("removed %s", d)
	}
	w.note("removed tier %s", name)
	return nil
}

// suggestTierName offers a conventional name not taken yet.
func suggestTierName(a *spec.App) string {
	for _, n := range []string{"web", "api", "worker", "cache", "db"} {
		if a.Tier(n) == nil {
			return n
		}
	}
	for i := len(a.Tiers); ; i++ {
		if n := fmt.Sprintf("tier%d", i); a.Tier(n) == nil {
			return n
		}
	}
}

// editTier asks about tier i, one question per setting.
func (w *wizard) editTier(i int, isNew bool) error {
	path := fmt.Sprintf("tiers[%d]", i)
	tier := func() *spec.Tier { return &w.app.Tiers[i] }

	q := inputQ{msg: "Tier name", help: helpTierName, def: tier().Name, fields: []string{path + ".name"},
		apply: func(a *spec.App, s string) error { renameTier(a, i, s); return nil }}
	if isNew {
		q.def, q.suggested = suggestTierName(w.app), true
	}
	if err := w.input(q); err != nil {
		return err
	}
	name := tier().Name

	if err := w.input(inputQ{msg: "Image of " + name, help: helpImage, def: tier().Image, fields: []string{path + ".image"},
		apply: func(a *spec.App, s string) error { a.Tiers[i].Image = s; return nil }}); err != nil {
		return err
	}

	q = inputQ{msg: "Ports of " + name, help: helpPorts, def: formatPorts(tier().Ports),
		fields: []string{path + ".ports", path + ".probe"},
		apply:  func(a *spec.App, s string) error { return setPorts(a, i, s) }}
	if isNew {
		q.def, q.suggested = "http:8080", true
	}
	if err := w.input(q); err != nil {
		return err
	}

	if err := w.input(inputQ{msg: "Replicas of " + name, help: helpReplicas,
		def: strconv.Itoa(int(*defaulted(w.app).Tiers[i].Replicas)), fields: []string{path + ".replicas"},
		apply: func(a *spec.App, s string) error {
			n, err := strconv.ParseInt(s, 10, 32)
			if err != nil {
				return fmt.Errorf("%q is not a whole number: give 0 or more", s)
			}
			r := int32(n)
			a.Tiers[i].Replicas = &r
			return nil
		}}); err != nil {
		return err
	}

	if len(tier().Ports) == 0 {
		// A tier without ports can be called by no one and has no Service.
		return nil
	}
	if err := w.allowFrom(i); err != nil {
		return err
	}
	return w.expose(i)
}

// setPorts replaces tier i's ports with the answer. A port whose number
// stays but whose name changes is a rename: the allowFrom entries, the
// probe and the Ingress rules that name it follow. A tier left without
// ports cannot be called or probed on a port, nor have a Service.
func setPorts(a *spec.App, i int, s string) error {
	t := &a.Tiers[i]
	ports, err := parsePorts(s, t.Ports)
	if err != nil {
		return err
	}
	renames := map[string]string{}
	for _, o := range t.Ports {
		if o.Name == "" || slices.ContainsFunc(ports, func(p spec.Port) bool { return p.Name == o.Name }) {
			continue
		}
		for _, p := range ports {
			if p.Port == o.Port && !slices.ContainsFunc(t.Ports, func(x spec.Port) bool { return x.Name == p.Name }) {
				renames[o.Name] = p.Name
			}
		}
	}
	for old, nu := range renames {
		for k, ref := range t.AllowFrom {
			if from, port, ok := strings.Cut(ref, ":"); ok && port == old {
				t.AllowFrom[k] = from + ":" + nu
			}
		}
		if t.Probe != nil && t.Probe.Port == old {
			t.Probe.Port = nu
		}
		if a.Ingress != nil {
			for k := range a.Ingress.Rules {
				if r := &a.Ingress.Rules[k]; r.Tier == t.Name && r.Port == old {
					r.Port = nu
				}
			}
		}
	}
	t.Ports = ports
	if len(ports) == 0 {
		t.AllowFrom = nil
		t.Expose = spec.Expose{}
		if t.Probe != nil && len(t.Probe.Exec) == 0 {
			t.Probe = nil
		}
	}
	return nil
}

// allowFrom asks which tiers may call tier i.
func (w *wizard) allowFrom(i int) error {
	t := &w.app.Tiers[i]
	var options []string
	for _, o := range w.app.Tiers {
		if o.Name != t.Name || slices.Contains(fromNames(t.AllowFrom), t.Name) {
			options = append(options, o.Name)
		}
	}
	if len(options) == 0 {
		return nil
	}
	current := fromNames(t.AllowFrom)
	var defaults []int
	for k, o := range options {
		if slices.Contains(current, o) {
			defaults = append(defaults, k)
		}
	}
	if err := w.canceled(); err != nil {
		return err
	}
	picked, err := w.p.MultiSelect(fmt.Sprintf("Which tiers may call %s?", t.Name), helpAllowFrom, options, defaults)
	if err != nil {
		return err
	}
	if slices.Equal(picked, defaults) {
		return nil
	}
	want := map[string]bool{}
	for _, k := range picked {
		want[options[k]] = true
	}
	var refs []string
	for _, ref := range t.AllowFrom {
		if from, _, _ := strings.Cut(ref, ":"); want[from] {
			refs = append(refs, ref)
			delete(want, from)
		}
	}
	for _, k := range picked {
		if want[options[k]] {
			refs = append(refs, options[k])
		}
	}
	t.AllowFrom = refs
	return nil
}

func fromNames(refs []string) []string {
	var out []string
	for _, r := range refs {
		from, _, _ := strings.Cut(r, ":")
		if !slices.Contains(out, from) {
			out = append(out, from)
		}
	}
	return out
}

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
	def := slices.Index(spec.Exposures, defaulted(w.app).Tiers[i].Expose.Type)
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
				msg:  fmt.Sprintf("Node port for %s's %s port (empty: any free one)", name, defaulted(w.app).Tiers[i].Ports[j].Name),
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
}

// ingressClasses are the preset classes of ingressOptions, by index.
var ingressClasses = []string{"", "traefik", "istio", "nginx", ""}

const optCustom = 4

// ingressSection asks about external HTTP(S) access: the controller, the
// host, the routes and TLS.
func (w *wizard) ingressSection() error {
	if !w.skip.ingressClass {
		def := 0
		if in := w.app.Ingress; in != nil {
			def = optCustom
			if in.Class == "" {
				def = 1
			} else if k := slices.Index(ingressClasses, in.Class); k > 0 {
				def = k
			}
		}
		k, err := w.selectOne("External HTTP(S) access", helpIngress, ingressOptions, def)
		if err != nil {
			return err
		}
		if k == 0 {
			w.app.Ingress = nil
			return nil
		}
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
			}
			w.note("note: %s", spec.Presets[class].Note)
		}
	}
	if w.app.Ingress == nil {
		return nil
	}
	if _, preset := spec.Presets[w.app.Ingress.Class]; !preset {
		if err := w.customController(); err != nil {
			return err
		}
	} else if !w.skip.ingressClass && !w.skip.ingressNS {
		if err := w.presetNamespace(); err != nil {
			return err
		}
	}
	existed := len(w.app.Ingress.Rules) > 0
	host, err := w.routes()
	if err != nil {
		return err
	}
	return w.tls(host, existed)
}

// presetNamespace asks where a preset controller runs: installs differ
// (Traefik runs in kube-system on k3s, Istio's gateway may run in
// istio-ingress), and the policies admit the controller by namespace.
func (w *wizard) presetNamespace() error {
	return w.input(inputQ{msg: "Namespace of the ingress controller", help: helpIngressNamespace,
		def: defaulted(w.app).Ingress.Controller.Namespace, fields: []string{"ingress.controller.namespace"},
		apply: func(a *spec.App, s string) error {
			if a.Ingress.Controller == nil {
				c := defaulted(a).Ingress.Controller
				a.Ingress.Controller = c
			}
			a.Ingress.Controller.Namespace = s
			return nil
		}})
}

// customController asks the IngressClass of a controller kubenetgen has no
// preset for, and where its pods run.
func (w *wizard) customController() error {
	if !w.skip.ingressClass {
		if err := w.input(inputQ{msg: "IngressClass of the controller", help: helpIngressClass, def: w.app.Ingress.Class,
			fields: []string{"ingress.class"},
			apply:  func(a *spec.App, s string) error { a.Ingress.Class = s; return nil }}); err != nil {
			return err
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
		ns, labels = c.Namespace, formatLabels(c.PodLabels)
	}
	if !w.skip.ingressNS {
		if err := w.input(inputQ{msg: "Namespace of the ingress controller", help: helpIngressNamespace, def: ns,
			fields: []string{"ingress.controller.namespace"},
			apply:  func(a *spec.App, s string) error { ctl(a).Namespace = s; return nil }}); err != nil {
			return err
		}
	}
	if !w.skip.ingressLabels {
		if err := w.input(inputQ{msg: "Pod labels of the ingress controller", help: helpIngressLabels, def: labels,
			fields: []string{"ingress.controller.podLabels"},
			apply: func(a *spec.App, s string) error {
				c := ctl(a)
				c.PodLabels = nil
				if s == "" {
					return nil
				}
				l, err := spec.ParseLabels(s)
				if err != nil {
					return err
				}
				c.PodLabels = l
				return nil
			}}); err != nil {
			return err
		}
	}
	return nil
}

// ruleFields lists the fields of every Ingress rule, for validators that
// judge a change to all of them.
func ruleFields(a *spec.App, child string) []string {
	var out []string
	if a.Ingress != nil {
		for k := range a.Ingress.Rules {
			out = append(out, fmt.Sprintf("ingress.rules[%d]%s", k, child))
		}
	}
	return out
}

// routes asks the host and the paths routed to tiers, and returns the
// host.
func (w *wizard) routes() (string, error) {
	in := w.app.Ingress
	host := ""
	if len(in.Rules) > 0 {
		host = in.Rules[0].Host
	}
	if w.skip.rules {
		return host, nil
	}
	q := inputQ{msg: "Host", help: helpHost, def: host,
		apply: func(a *spec.App, s string) error {
			for k := range a.Ingress.Rules {
				if r := &a.Ingress.Rules[k]; r.Host == host {
					r.Host = s
					if s == "" {
						r.TLS = ""
					}
				}
			}
			if len(a.Ingress.Rules) == 0 {
				// Judge the host alone: a rule to be completed by the routes.
				a.Ingress.Rules = []spec.Rule{{Host: s, Path: "/"}}
			}
			return nil
		}}
	if len(in.Rules) == 0 {
		q.def, q.suggested = w.app.Name+".example.com", true
	}
	q.fields = ruleFields(w.app, ".host")
	if len(q.fields) == 0 {
		q.fields = []string{"ingress.rules[0].host"}
	}
	hadRules := len(in.Rules) > 0
	if err := w.input(q); err != nil {
		return "", err
	}
	// The answer renamed the host of the first rule's host, or, with no
	// rules yet, made a placeholder rule (a suggested default is always
	// applied) that the routes question replaces.
	host = in.Rules[0].Host
	if !hadRules {
		in.Rules = nil
	}

	var parts []string
	for _, r := range in.Rules {
		s := r.Path + "=" + r.Tier + ":" + r.Port
		if r.Host != host {
			s = r.Host + s
		}
		parts = append(parts, s)
	}
	rq := inputQ{msg: "Routes", help: helpRoutes, def: strings.Join(parts, ", "), fields: []string{"ingress.rules"},
		apply: func(a *spec.App, s string) error { return setRoutes(a, host, s) }}
	if len(parts) == 0 {
		rq.def, rq.suggested = "/="+firstRoute(w.app), true
	}
	return host, w.input(rq)
}

// firstRoute suggests the first tier with a Service and its first port.
func firstRoute(a *spec.App) string {
	for _, t := range defaulted(a).Tiers {
		if t.Expose.HasService() && len(t.Ports) > 0 {
			return t.Name + ":" + t.Ports[0].Name
		}
	}
	return "TIER:PORT"
}

// setRoutes replaces the Ingress rules with the answer, kubectl's --rule
// syntax (spec.ParseRule) with the host left out. A rule keeps the TLS
// secret its host had and the pathType its host and path had.
func setRoutes(a *spec.App, host, s string) error {
	old := a.Ingress.Rules
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
		}
		rules = append(rules, r)
	}
	a.Ingress.Rules = rules
	return nil
}

// The answers to "TLS for HOST".
const (
	tlsCertManager = iota
	tlsSecret
	tlsSelfSigned
	tlsNone
)

var tlsOptions = []string{
	tlsCertManager: "cert-manager: a ClusterIssuer issues the certificate",
	tlsSecret:      "an existing Secret",
	tlsSelfSigned:  "self-signed: kubenetgen makes a certificate, for a local cluster",
	tlsNone:        "none: plain HTTP",
}

// tls asks how the host's certificate is provided. existed says the
// Ingress had rules before (from the preset, the spec file or flags): its
// TLS choice, even none, is then the default; a new Ingress defaults to
// cert-manager.
func (w *wizard) tls(host string, existed bool) error {
	in := w.app.Ingress
	anyTLS := slices.ContainsFunc(in.Rules, func(r spec.Rule) bool { return r.TLS != "" })
	if host == "" {
		// No host, no certificate: an issuer would have nothing to issue.
		if !w.skip.tls && !anyTLS {
			in.TLSIssuer, in.TLSSelfSigned = "", false
		}
		return nil
	}
	if (w.skip.tls && in.TLSIssuer == "" && !in.TLSSelfSigned) || (w.skip.rules && w.skip.tls) {
		return nil
	}
	secret := ""
	for _, r := range in.Rules {
		if r.Host == host && r.TLS != "" {
			secret = r.TLS
		}
	}
	// Given by flags (--tls-issuer or --tls-self-signed), or the default.
	k := tlsCertManager
	switch {
	case in.TLSIssuer != "":
	case in.TLSSelfSigned:
		k = tlsSelfSigned
	case secret != "":
		k = tlsSecret
	case existed:
		k = tlsNone
	}
	if !w.skip.tls {
		var err error
		if k, err = w.selectOne("TLS for "+host, helpTLS, tlsOptions, k); err != nil {
			return err
		}
	}
	if k == tlsNone {
		for j := range in.Rules {
			if in.Rules[j].Host == host {
				in.Rules[j].TLS = ""
			}
		}
		if !slices.ContainsFunc(in.Rules, func(r spec.Rule) bool { return r.TLS != "" }) {
			in.TLSIssuer, in.TLSSelfSigned = "", false
		}
		return nil
	}
	q := inputQ{msg: "TLS Secret name", help: helpTLSSecret, def: secret, fields: ruleFields(w.app, ".tls"),
		apply: func(a *spec.App, s string) error {
			for j := range a.Ingress.Rules {
				if a.Ingress.Rules[j].Host == host {
					a.Ingress.Rules[j].TLS = s
				}
			}
			return nil
		}}
	if secret == "" {
		q.def, q.suggested = w.app.Name+"-tls", true
	}
	if err := w.input(q); err != nil {
		return err
	}
	switch k {
	case tlsSecret:
		in.TLSIssuer, in.TLSSelfSigned = "", false
		return nil
	case tlsSelfSigned:
		in.TLSIssuer, in.TLSSelfSigned = "", true
		return nil
	}
	in.TLSSelfSigned = false
	if w.skip.tls {
		return nil
	}
	iq := inputQ{msg: "cert-manager ClusterIssuer", help: helpIssuer, def: in.TLSIssuer, fields: []string{"ingress.tlsIssuer"},
		apply: func(a *spec.App, s string) error { a.Ingress.TLSIssuer = s; return nil }}
	if iq.def == "" {
		iq.def, iq.suggested = "letsencrypt", true
	}
	return w.input(iq)
}

// revisit offers to go back to a part of the answers; it returns
// ErrCanceled when the user quits.
func (w *wizard) revisit(msg string) error {
	options := []string{"edit the tiers", "edit external access", "edit the app name and namespace", "quit without writing anything"}
	k, err := w.selectOne(msg, helpRevisit, options, 0)
	if err != nil {
		return err
	}
	switch k {
	case 0:
		w.skip.tiers = false
		return w.tiersSection()
	case 1:
		w.skip.ingressClass, w.skip.ingressNS, w.skip.ingressLabels, w.skip.rules, w.skip.tls = false, false, false, false, false
		return w.ingressSection()
	case 2:
		w.skip.name, w.skip.namespace = false, false
		return w.appSection()
	}
	return cmdutil.ErrCanceled
}

func loadPreset(p templates.Preset) (*spec.App, error) {
	a, err := spec.Load(p.Spec)
	if err != nil {
		return nil, fmt.Errorf("preset %s: %w", p.Name, err)
	}
	return a, nil
}
