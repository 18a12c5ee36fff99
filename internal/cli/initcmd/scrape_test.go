package initcmd

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/kubenetgen/kubenetgen/internal/prompter/prompttest"
	"github.com/kubenetgen/kubenetgen/spec"
)

// TestScrapeQuestion: a tier with a metrics port is asked who scrapes it;
// the answer admits the preset's Prometheus pods, in the namespace given,
// on that port, and the summary lists the flow. A namespace refused (the
// app's own) is asked again.
func TestScrapeQuestion(t *testing.T) {
	inTemp(t)
	f := prompttest.New(t)
	f.Answer("Start from", "three-tier").Answer("App name", D).Answer("Namespace", D).Answer("Pod network of the cluster", D).
		Answer("Tiers", "edit api").
		Answer("Tier name", D).Answer("Image of api", D).
		Answer("Ports of api", "http:9090, metrics:9100").Answer("Replicas of api", D).
		Answer("Which tiers may call api?", D).
		Answer("Who scrapes the metrics port of api?", "kube-prometheus-stack").
		Answer("Namespace of kube-prometheus-stack", "shop", "observability").
		Answer("How is api reached?", D).
		Answer("Tiers", D)
	acceptIngress(f).Answer(confirmOut, D)
	stderr, err := run(t, f, true, "out")
	if err != nil {
		t.Fatalf("init: %v\n%s", err, stderr)
	}
	q, _ := f.Question("Who scrapes the metrics port of api?")
	if q.Default != optNoScraper || len(q.Options) != 3 || !strings.HasPrefix(q.Options[2], "prometheus-operator: ") {
		t.Errorf("question = %+v", q)
	}
	if len(f.Rejections) != 1 || !strings.Contains(f.Rejections[0].Reason, `"shop" is the app's own namespace`) {
		t.Errorf("rejections = %+v, want the app's own namespace refused", f.Rejections)
	}
	if f.WasAsked("Who scrapes the http port of web?") || f.WasAsked("Who scrapes the metrics port of web?") {
		t.Error("asked about scraping a tier without a metrics port")
	}
	a := loadWritten(t, "out")
	want := []spec.Caller{{Preset: spec.ScraperKubePrometheusStack, Namespace: "observability", Ports: []string{"metrics"}}}
	if diff := cmp.Diff(want, a.Tier("api").AllowFromNamespaces); diff != "" {
		t.Errorf("api.allowFromNamespaces (-want +got):\n%s", diff)
	}
	if !strings.Contains(stderr, "prometheus (observability, app.kubernetes.io/name=prometheus,prometheus=kube-prometheus-stack-prometheus)") {
		t.Errorf("the summary does not list the scraper:\n%s", stderr)
	}

}
