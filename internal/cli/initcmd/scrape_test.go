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

// TestScrapeQuestionEdits: a spec that has a tier scraped offers its
// preset as the default; another preset replaces it, and "nobody" drops
// the scrape but keeps callers given by labels.
func TestScrapeQuestionEdits(t *testing.T) {
	inTemp(t)
	if _, err := run(t, nil, false, "out", "--preset", "single-service", "--tier", "name=hello,image=ghcr.io/acme/hello:1,port=http:8080,port=metrics:9100",
		"--scrape", "hello:metrics", "--allow-from", "hello=billing/app=inv:http"); err != nil {
		t.Fatal(err)
	}
	edit := func(answer string, more ...string) *spec.App {
		f := prompttest.New(t)
		f.Answer("out/kubenetgen.yaml exists: what now?", "edit it").
			Answer("App name", D).Answer("Namespace", D).Answer("Pod network of the cluster", D).
			Answer("Tiers", "edit hello").Answer("Tier name", D).Answer("Image of hello", D).Answer("Ports of hello", D).
			Answer("Replicas of hello", D).Answer("Who scrapes the metrics port of hello?", answer)
		if len(more) > 0 {
			f.Answer("Namespace of "+more[0], more[1])
		}
		f.Answer("How is hello reached?", D).Answer("Tiers", D).Answer("External HTTP(S) access", D).
			Answer("Replace out/kubenetgen.yaml and write the base into out?", D)
		if stderr, err := run(t, f, true, "out"); err != nil {
			t.Fatalf("init: %v\n%s", err, stderr)
		}
		if answer == D {
			if q, _ := f.Question("Who scrapes the metrics port of hello?"); !strings.HasPrefix(q.Default, spec.ScraperKubePrometheusStack+": ") {
				t.Errorf("default = %q, want the spec's preset", q.Default)
			}
		}
		return loadWritten(t, "out")
	}
	labels := spec.Caller{Namespace: "billing", PodLabels: map[string]string{"app": "inv"}, Ports: []string{"http"}}
	a := edit(D, spec.ScraperKubePrometheusStack, D)
	if diff := cmp.Diff([]spec.Caller{{Preset: spec.ScraperKubePrometheusStack, Ports: []string{"metrics"}}, labels}, a.Tiers[0].AllowFromNamespaces); diff != "" {
		t.Errorf("kept (-want +got):\n%s", diff)
	}
	a = edit("prometheus-operator", spec.ScraperPrometheusOperator, "observability")
	if diff := cmp.Diff([]spec.Caller{labels, {Preset: spec.ScraperPrometheusOperator, Namespace: "observability", Ports: []string{"metrics"}}}, a.Tiers[0].AllowFromNamespaces); diff != "" {
		t.Errorf("replaced (-want +got):\n%s", diff)
	}
	a = edit(optNoScraper)
	if diff := cmp.Diff([]spec.Caller{labels}, a.Tiers[0].AllowFromNamespaces); diff != "" {
		t.Errorf("dropped (-want +got):\n%s", diff)
	}
}
