package initcmd

import (
	"slices"
	"strings"

	"github.com/kubenetgen/kubenetgen/internal/appflags"
	"github.com/kubenetgen/kubenetgen/spec"
)

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
	e := entryOf(w.app)
	// The ACME solver goes with the issuer: a choice that drops the
	// issuer drops it too, or validation would refuse it alone.
	defer func() {
		if *e.issuer == "" {
			*e.acmeSolver = ""
		}
	}()
	anyTLS := slices.ContainsFunc(*e.rules, func(r spec.Rule) bool { return r.TLS != "" })
	if host == "" {
		// No host, no certificate: an issuer would have nothing to issue.
		if !w.skip[appflags.AskTLS] && !anyTLS {
			*e.issuer, *e.selfSigned = "", false
		}
		return nil
	}
	if (w.skip[appflags.AskTLS] && *e.issuer == "" && !*e.selfSigned) || (w.skip[appflags.AskRoutes] && w.skip[appflags.AskTLS]) {
		return nil
	}
	secret := ""
	for _, r := range *e.rules {
		if r.Host == host && r.TLS != "" {
			secret = r.TLS
		}
	}
	// Given by flags (--tls-issuer or --tls-self-signed), or the default.
	k := tlsCertManager
	switch {
	case *e.issuer != "":
	case *e.selfSigned:
		k = tlsSelfSigned
	case secret != "":
		k = tlsSecret
	case existed:
		k = tlsNone
	}
	if !w.skip[appflags.AskTLS] {
		var err error
		if k, err = w.selectOne("TLS for "+host, helpTLS, tlsOptions, k); err != nil {
			return err
		}
	}
	if k == tlsNone {
		setHostTLS(w.app, host, "")
		if !slices.ContainsFunc(*e.rules, func(r spec.Rule) bool { return r.TLS != "" }) {
			*e.issuer, *e.selfSigned = "", false
		}
		return nil
	}
	q := inputQ{msg: "TLS Secret name", help: helpTLSSecret, def: secret, fields: ruleFields(w.app, ".tls"),
		apply: func(a *spec.App, s string) error { setHostTLS(a, host, s); return nil }}
	if secret == "" {
		q.def, q.suggested = w.app.Name+"-tls", true
	}
	if err := w.input(q); err != nil {
		return err
	}
	switch k {
	case tlsSecret:
		*e.issuer, *e.selfSigned = "", false
		return nil
	case tlsSelfSigned:
		*e.issuer, *e.selfSigned = "", true
		return nil
	}
	*e.selfSigned = false
	if w.skip[appflags.AskTLS] {
		return nil
	}
	iq := inputQ{msg: "cert-manager ClusterIssuer", help: helpIssuer, def: *e.issuer, fields: []string{e.field("tlsIssuer")},
		apply: func(a *spec.App, s string) error { *entryOf(a).issuer = s; return nil }}
	if iq.def == "" {
		iq.def, iq.suggested = "letsencrypt", true
	}
	return w.input(iq)
}

// Help for the TLS questions.
const (
	helpTLS = "TLS encrypts traffic between clients and the controller. cert-manager can issue and renew the certificate from a ClusterIssuer (Let's Encrypt, for example); " +
		"or name a kubernetes.io/tls Secret you create yourself. On a local cluster without cert-manager, kubenetgen can make a self-signed certificate: clients do not trust it, so curl needs --cacert and browsers warn."
	helpTLSSecret = "The kubernetes.io/tls Secret holding the certificate, in the app's namespace. With cert-manager or a self-signed certificate it is created for you; " +
		"otherwise create it with kubectl create secret tls."
	helpIssuer = "The cert-manager ClusterIssuer that issues the certificate (kubectl get clusterissuer); " +
		"kubenetgen sets the cert-manager.io/cluster-issuer annotation on the Ingress (or Gateway), and lets the ingress controller (or the Gateway's data plane) reach the solver pods " +
		"an ACME HTTP-01 issuer starts in the app's namespace (for a DNS-01 issuer, set acmeSolver: dns01)."
)

// otherHostsTLS asks, when the Ingress serves TLS, about every host but
// the first: each gets its own certificate from the one source chosen for
// the Ingress, or is left on plain HTTP, which the summary then warns of.
func (w *wizard) otherHostsTLS(first string) error {
	e := entryOf(w.app)
	if e.rules == nil || (w.skip[appflags.AskRoutes] && w.skip[appflags.AskTLS]) {
		return nil
	}
	source := "an existing Secret"
	switch {
	case *e.issuer != "":
		source = "cert-manager ClusterIssuer " + *e.issuer
	case *e.selfSigned:
		source = "a self-signed certificate"
	}
	if !slices.ContainsFunc(*e.rules, func(r spec.Rule) bool { return r.TLS != "" }) {
		return nil // plain HTTP everywhere: one choice, already made
	}
	var hosts []string
	for _, r := range *e.rules {
		if r.Host != "" && r.Host != first && !slices.Contains(hosts, r.Host) {
			hosts = append(hosts, r.Host)
		}
	}
	for _, host := range hosts {
		secret := ""
		for _, r := range *e.rules {
			if r.Host == host && r.TLS != "" {
				secret = r.TLS
			}
		}
		k, err := w.selectOne("TLS for "+host, helpOtherHost,
			[]string{"TLS: its own certificate, from " + source, "none: plain HTTP (warned of)"}, 0)
		if err != nil {
			return err
		}
		if k == 1 {
			setHostTLS(w.app, host, "")
			continue
		}
		q := inputQ{msg: "TLS Secret name for " + host, help: helpTLSSecret, def: secret, fields: ruleFields(w.app, ".tls"),
			apply: func(a *spec.App, s string) error { setHostTLS(a, host, s); return nil }}
		if secret == "" {
			q.def, q.suggested = strings.ReplaceAll(strings.TrimPrefix(host, "*."), ".", "-")+"-tls", true
		}
		if err := w.input(q); err != nil {
			return err
		}
	}
	return nil
}

const helpOtherHost = "One Ingress or Gateway has one source of certificates, chosen for the first host; each other host gets a certificate of its own from it, " +
	"or stays on plain HTTP: anyone on the path can then read and change its traffic."

// setHostTLS sets the TLS secret of every rule (or route) of host.
func setHostTLS(a *spec.App, host, secret string) {
	rs := *entryOf(a).rules
	for j := range rs {
		if rs[j].Host == host {
			rs[j].TLS = secret
		}
	}
}
