package generate_test

import (
	"crypto/x509"
	"encoding/pem"
	"slices"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	"sigs.k8s.io/yaml"

	"github.com/kubenetgen/kubenetgen/generate"
)

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// TestSelfSignedSecretInTheBuild wants each made certificate to become a
// kubernetes.io/tls Secret in the app's namespace, under the very name the
// Ingress uses, holding a certificate for that Ingress entry's hosts.
func TestSelfSignedSecretInTheBuild(t *testing.T) {
	cases := goldenCases(t)
	i := slices.IndexFunc(cases, func(c goldenCase) bool { return c.name == "self-signed-tls" })
	if i < 0 {
		t.Fatal("no golden case self-signed-tls")
	}
	a := cases[i].app
	pairs, err := generate.NewPairs(generate.SelfSignedCerts(a), time.Now())
	must(t, err)
	out, err := generate.KustomizeBuild(append(render(t, a), pairs...))
	if err != nil {
		t.Fatal(err)
	}
	secrets := map[string]corev1.Secret{}
	var ing *networkingv1.Ingress
	for _, doc := range strings.Split(string(out), "\n---\n") {
		var tm struct{ Kind string }
		must(t, yaml.Unmarshal([]byte(doc), &tm))
		switch tm.Kind {
		case "Secret":
			var s corev1.Secret
			must(t, yaml.UnmarshalStrict([]byte(doc), &s))
			secrets[s.Name] = s
		case "Ingress":
			ing = &networkingv1.Ingress{}
			must(t, yaml.UnmarshalStrict([]byte(doc), ing))
		}
	}
	if ing == nil || len(ing.Spec.TLS) != 2 {
		t.Fatalf("want an Ingress with two TLS entries, got %+v", ing)
	}
	for _, tls := range ing.Spec.TLS {
		s, ok := secrets[tls.SecretName]
		if !ok {
			t.Errorf("Ingress TLS names Secret %s, which the build does not have (has %v)", tls.SecretName, secrets)
			continue
		}
		if s.Type != corev1.SecretTypeTLS || s.Namespace != a.Namespace {
			t.Errorf("Secret %s: type %s in %q, want %s in %q", s.Name, s.Type, s.Namespace, corev1.SecretTypeTLS, a.Namespace)
		}
		b, _ := pem.Decode(s.Data[corev1.TLSCertKey])
		if b == nil || len(s.Data[corev1.TLSPrivateKeyKey]) == 0 {
			t.Fatalf("Secret %s lacks %s or %s", s.Name, corev1.TLSCertKey, corev1.TLSPrivateKeyKey)
		}
		cert, err := x509.ParseCertificate(b.Bytes)
		must(t, err)
		if !slices.Equal(cert.DNSNames, tls.Hosts) {
			t.Errorf("Secret %s serves %v, the Ingress wants %v", s.Name, cert.DNSNames, tls.Hosts)
		}
	}
}
