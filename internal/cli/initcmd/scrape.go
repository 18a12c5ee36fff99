package initcmd

import (
	"fmt"
	"slices"

	"github.com/kubenetgen/kubenetgen/spec"
)

// metricsPort is the port name the wizard asks about scraping for: a tier
// that has one is asked who scrapes it.
const metricsPort = "metrics"

// optNoScraper is the answer that lets no scraper in.
const optNoScraper = "nobody"

// scrape asks which Prometheus scrapes tier i's metrics, for a tier with
// a TCP port named metrics or already scraped by a preset, and where that
// Prometheus runs.
func (w *wizard) scrape(i int) error {
	t := &w.app.Tiers[i]
	preset, ports := t.Scraper()
	port := ""
	if p := t.Port(metricsPort); p != nil && p.Name == metricsPort && (p.Protocol == "" || p.Protocol == "TCP") {
		port = metricsPort
	}
	if len(ports) > 0 && t.Port(ports[0]) != nil {
		port = ports[0]
	}
	if port == "" {
		return nil
	}
	options := []string{optNoScraper}
	for _, name := range spec.ScraperPresetNames {
		options = append(options, name+": "+spec.ScraperPresets[name].About)
	}
	def := 0
	if k := slices.Index(spec.ScraperPresetNames, preset); k >= 0 {
		def = k + 1
	}
	k, err := w.selectOne(fmt.Sprintf("Who scrapes the %s port of %s?", port, t.Name), helpScrape, options, def)
	if err != nil {
		return err
	}
	if k == 0 {
		w.app.Tiers[i].SetScraper("", "")
		return nil
	}
	chosen := spec.ScraperPresetNames[k-1]
	if k != def {
		w.app.Tiers[i].SetScraper(chosen, port)
	}
	j := slices.IndexFunc(w.app.Tiers[i].AllowFromNamespaces, func(c spec.Caller) bool { return c.Preset == chosen })
	ns := w.app.Tiers[i].AllowFromNamespaces[j].Namespace
	if ns == "" {
		ns = spec.ScraperPresets[chosen].Namespace
	}
	return w.input(inputQ{
		msg: "Namespace of " + chosen, help: helpScrapeNamespace, def: ns,
		fields: []string{fmt.Sprintf("tiers[%d].allowFromNamespaces[%d].namespace", i, j)},
		apply: func(a *spec.App, s string) error {
			c := &a.Tiers[i].AllowFromNamespaces[j]
			c.Namespace = s
			if s == spec.ScraperPresets[chosen].Namespace {
				c.Namespace = "" // the preset's, so the spec stays short
			}
			return nil
		}})
}

// Help for the scraping questions.
const (
	helpScrape = "Prometheus runs in another namespace and scrapes this tier's metrics port; the namespace denies all traffic by default, " +
		"so its pods are admitted here by their namespace AND their labels, on this port only. " +
		"kube-prometheus-stack: the pods of the Prometheus the chart names kube-prometheus-stack-prometheus (a release named kube-prometheus-stack; " +
		"kubectl get prometheus -A shows yours, and the spec's allowFromNamespaces takes other labels). " +
		"prometheus-operator: every Prometheus the operator runs in that namespace. " +
		"Other callers from other namespaces: allowFromNamespaces in kubenetgen.yaml, or --allow-from."
	helpScrapeNamespace = "The namespace the Prometheus pods run in (kubectl get pods -A -l app.kubernetes.io/name=prometheus); " +
		"the policy selects it by its kubernetes.io/metadata.name label, which every namespace carries."
)
