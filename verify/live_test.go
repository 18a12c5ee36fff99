package verify

import (
	"strings"
	"testing"
)

// TestLiveMislabelledController: on objects read from a cluster, a
// controller whose running pods carry other labels than the policies
// admit is a finding naming the labels they carry; the same objects with
// the controller's right labels, or read from files, are not.
func TestLiveMislabelledController(t *testing.T) {
	b, err := Load("../golden/traefik/base", nil, LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	helm := &Controller{Namespace: "kube-system", Labels: map[string]string{
		"app.kubernetes.io/name": "traefik-proxy", "app.kubernetes.io/instance": "traefik-traefik", "pod-template-hash": "abc"}}
	right := &Controller{Namespace: "kube-system", Labels: map[string]string{"app.kubernetes.io/name": "traefik", "pod-template-hash": "abc"}}
	count := func(c *Controller, live bool) (n int, text string) {
		r := Verify("live", b, Options{IngressController: c, Live: live}, nil)
		for _, f := range r.Findings {
			if strings.Contains(f.Problem, "the ingress controller cannot reach") {
				n++
				text = f.String()
			}
		}
		return n, text
	}
	n, text := count(helm, true)
	if n == 0 {
		t.Fatalf("a mislabelled live controller gave no finding")
	}
	if !strings.Contains(text, "app.kubernetes.io/instance=traefik-traefik") || !strings.Contains(text, "app.kubernetes.io/name=traefik-proxy") || !strings.HasPrefix(text, "error: Ingress") {
		t.Errorf("finding = %s, want an error on the Ingress naming the labels the pods carry", text)
	}
	if n, text := count(right, true); n != 0 {
		t.Errorf("the right live controller: %d findings, e.g. %s", n, text)
	}
	if n, _ := count(helm, false); n != 0 {
		t.Errorf("files: %d live findings, want none", n)
	}
}
