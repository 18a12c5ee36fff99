package initcmd

import (
	"strings"

	"github.com/kubenetgen/kubenetgen/internal/appflags"
	"github.com/kubenetgen/kubenetgen/spec"
)

// appSection asks the app's name and namespace.
func (w *wizard) appSection() error {
	if !w.skip[appflags.AskName] {
		q := inputQ{msg: "App name", help: helpName, def: w.app.Name, fields: []string{appflags.Path(appflags.FlagName)},
			apply: func(a *spec.App, s string) error {
				if !w.fromFile && a.Namespace == a.Name {
					a.Namespace = "" // a preset's follows the name, as the default does
				}
				a.Name = s
				return nil
			}}
		if q.def == "" {
			q.def, q.suggested = w.suggestName, true
		}
		if err := w.input(q); err != nil {
			return err
		}
	}
	if !w.skip[appflags.AskNamespace] {
		q := inputQ{msg: "Namespace", help: helpNamespace, def: spec.Defaulted(w.app).Namespace, fields: []string{appflags.Path(appflags.FlagNamespace)},
			apply: func(a *spec.App, s string) error { a.Namespace = s; return nil }}
		if err := w.input(q); err != nil {
			return err
		}
	}
	if !w.skip[appflags.AskPodCIDR] {
		return w.podNetwork()
	}
	return nil
}

// podNetworks are the answers to "Pod network of the cluster", and the
// network each stands for; the last two are typed.
var podNetworks = []struct{ option, cidr string }{
	{"kind or kubeadm (flannel): " + spec.DefaultPodCIDR, spec.DefaultPodCIDR},
	{"k3s: " + podCIDRK3s, podCIDRK3s},
	{"dual-stack: an IPv4 and an IPv6 network", ""},
	{"other: type it", ""},
}

const (
	podCIDRK3s       = "10.42.0.0/16"
	optPodDualStack  = 2
	optPodOther      = 3
	podCIDRDualStack = spec.DefaultPodCIDR + ",fd00:10:244::/56"
)

// podNetwork asks the cluster's pod network, which the policies except
// from "any address" and which the spec then records: an assumed one is
// wrong on every cluster that is not kind's.
func (w *wizard) podNetwork() error {
	cur := spec.Defaulted(w.app).Network.PodCIDR
	def := optPodOther
	switch {
	case cur == spec.DefaultPodCIDR:
		def = 0
	case cur == podCIDRK3s:
		def = 1
	case strings.Contains(cur, ","):
		def = optPodDualStack
	}
	options := make([]string, len(podNetworks))
	for i, n := range podNetworks {
		options[i] = n.option
	}
	k, err := w.selectOne("Pod network of the cluster", helpPodCIDR, options, def)
	if err != nil {
		return err
	}
	if k < optPodDualStack {
		w.app.Network.PodCIDR = podNetworks[k].cidr
		return nil
	}
	typed := cur
	if k != def {
		typed = ""
		if k == optPodDualStack {
			typed = podCIDRDualStack
		}
	}
	msg := "Pod network (CIDR)"
	if k == optPodDualStack {
		msg = "Pod networks (IPv4 CIDR,IPv6 CIDR)"
	}
	return w.input(inputQ{msg: msg, help: helpPodCIDR, def: typed, suggested: true,
		fields: []string{appflags.Path(appflags.FlagPodCIDR)},
		apply: func(a *spec.App, s string) error {
			a.Network.PodCIDR = strings.Join(splitList(s), ",")
			return nil
		}})
}

// Help for the app section.
const (
	helpName = "The app's name, a DNS-1035 label (lowercase letters, digits and '-', starting with a letter). " +
		"It names the Ingress and sets the app.kubernetes.io/part-of label on every object."
	helpNamespace = "The namespace the app runs in, written as a Namespace enforcing Pod Security 'restricted' with a default-deny NetworkPolicy: " +
		"no pod may talk to another unless a flow you declare allows it. Default-deny would block DNS lookups too, so every pod may reach cluster DNS on port 53 (UDP and TCP)."
	helpPodCIDR = "The addresses the cluster gives its pods. Rules that admit any address from outside (a NodePort or LoadBalancer without source ranges) " +
		"leave them out, so that only the flows you declare reach a tier from inside. Each node holds a slice of it: " +
		"kubectl get nodes -o jsonpath='{.items[*].spec.podCIDR}' prints them (10.244.0.0/24 10.244.1.0/24 are slices of 10.244.0.0/16); " +
		"dual-stack nodes list both families in spec.podCIDRs. kind and kubeadm with flannel use 10.244.0.0/16, k3s 10.42.0.0/16; managed clusters vary."
)
