package basedir_test

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"math/big"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/kubenetgen/kubenetgen/generate"
	"github.com/kubenetgen/kubenetgen/internal/basedir"
	"github.com/kubenetgen/kubenetgen/spec"
)

// selfSignedApp is the golden self-signed case: secret shop-tls serves
// shop.localhost and api.shop.localhost, preview-tls a wildcard host.
func selfSignedApp(t *testing.T) *spec.App {
	t.Helper()
	return loadApp(t, "../../golden/self-signed-tls/kubenetgen.yaml")
}

func readCert(t *testing.T, p string) *x509.Certificate {
	t.Helper()
	b, _ := pem.Decode(mustRead(t, p))
	if b == nil {
		t.Fatalf("%s: no PEM block", p)
	}
	c, err := x509.ParseCertificate(b.Bytes)
	if err != nil {
		t.Fatalf("%s: %v", p, err)
	}
	return c
}

// verifies wants cert to be trusted, as its own root, for TLS to each
// name, as a client that was told to trust it would.
func verifies(t *testing.T, cert *x509.Certificate, now time.Time, names ...string) {
	t.Helper()
	roots := x509.NewCertPool()
	roots.AddCert(cert)
	for _, n := range names {
		if _, err := cert.Verify(x509.VerifyOptions{DNSName: n, Roots: roots, CurrentTime: now, KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}); err != nil {
			t.Errorf("certificate %v does not verify for %s: %v", cert.DNSNames, n, err)
		}
	}
}

func TestSelfSignedWrittenOnceAndValid(t *testing.T) {
	dir := t.TempDir()
	a := selfSignedApp(t)
	res := mustWriteApp(t, dir, a, basedir.Options{})
	for _, p := range []string{"tls/shop-tls.crt", "tls/shop-tls.key", "tls/preview-tls.crt", "tls/preview-tls.key"} {
		if !slices.Contains(res.Written, p) {
			t.Errorf("Written = %v, want it to hold %s", res.Written, p)
		}
	}
	now := time.Now()
	shop := readCert(t, filepath.Join(dir, "tls/shop-tls.crt"))
	verifies(t, shop, now, "shop.localhost", "api.shop.localhost")
	verifies(t, readCert(t, filepath.Join(dir, "tls/preview-tls.crt")), now, "pr-12.preview.shop.localhost")
	if d := shop.NotAfter.Sub(now); d < generate.CertLifetime-time.Hour || d > generate.CertLifetime {
		t.Errorf("certificate is valid for %v more, want about %v", d, generate.CertLifetime)
	}
	if !slices.Equal(shop.Subject.Organization, []string{generate.SelfSignedOrg}) {
		t.Error("the new certificate is not recognised as kubenetgen's")
	}
	for _, p := range []string{"tls/shop-tls.key", "tls/preview-tls.key"} {
		fi, err := os.Stat(filepath.Join(dir, p))
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm() != 0o600 {
			t.Errorf("%s has mode %v, want 0600: it is a private key", p, fi.Mode().Perm())
		}
	}

	// A second run makes new certificates in memory and keeps the pair on disk.
	before := snapshot(t, dir)
	res = mustWriteApp(t, dir, a, basedir.Options{})
	if len(res.Written) > 0 {
		t.Errorf("second run wrote %v, want nothing", res.Written)
	}
	if len(res.Unchanged) != len(render(t, a))+4 {
		t.Errorf("Unchanged = %v, want every file", res.Unchanged)
	}
	if after := snapshot(t, dir); !equalSnapshots(before, after) {
		t.Error("the second run changed the folder")
	}
}

func mustRead(t *testing.T, p string) []byte {
	t.Helper()
	data, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func equalSnapshots(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

func TestSelfSignedRenewedForNewHostsAndNearExpiry(t *testing.T) {
	dir := t.TempDir()
	a := selfSignedApp(t)
	mustWriteApp(t, dir, a, basedir.Options{})
	first := readCert(t, filepath.Join(dir, "tls/shop-tls.crt"))

	// Near its expiry kubenetgen's own certificate is renewed, the other
	// one too only if it is as old.
	late := first.NotAfter.Add(-generate.CertRenewBefore + time.Hour)
	res := mustWriteApp(t, dir, a, basedir.Options{Now: late})
	if !slices.Contains(res.Written, "tls/shop-tls.crt") || !slices.Contains(res.Written, "tls/shop-tls.key") {
		t.Fatalf("Written = %v, want the certificate near its expiry renewed with its key", res.Written)
	}
	if renewed := readCert(t, filepath.Join(dir, "tls/shop-tls.crt")); renewed.SerialNumber.Cmp(first.SerialNumber) == 0 {
		t.Error("the certificate was not replaced")
	}

	// A new host for the secret: a new certificate that serves it.
	a.Ingress.Rules = append(a.Ingress.Rules, spec.Rule{Host: "admin.shop.localhost", Path: "/", PathType: "Prefix", Tier: "web", Port: "http", TLS: "shop-tls"})
	res = mustWriteApp(t, dir, a, basedir.Options{})
	if !slices.Contains(res.Written, "tls/shop-tls.crt") || slices.Contains(res.Written, "tls/preview-tls.crt") {
		t.Fatalf("Written = %v, want shop-tls renewed and preview-tls kept", res.Written)
	}
	verifies(t, readCert(t, filepath.Join(dir, "tls/shop-tls.crt")), time.Now(), "shop.localhost", "api.shop.localhost", "admin.shop.localhost")
}

// userCert writes a certificate and key that kubenetgen did not make, as
// a local CA tool would, for the given names.
func userCert(t *testing.T, dir, secret string, names ...string) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(7),
		Subject:      pkix.Name{Organization: []string{"local development CA"}, CommonName: names[0]},
		DNSNames:     names,
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(90 * 24 * time.Hour),
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(dir, "tls"), 0o755); err != nil {
		t.Fatal(err)
	}
	must(t, os.WriteFile(filepath.Join(dir, "tls", secret+".crt"), pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o644))
	must(t, os.WriteFile(filepath.Join(dir, "tls", secret+".key"), pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER}), 0o600))
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func TestSelfSignedKeepsTheUsersCertificate(t *testing.T) {
	dir := t.TempDir()
	a := selfSignedApp(t)
	mustWriteApp(t, dir, a, basedir.Options{})

	// A certificate of the user's own that serves the hosts (and more,
	// here through a wildcard) is kept, even near its expiry.
	userCert(t, dir, "shop-tls", "*.shop.localhost", "shop.localhost")
	mine := mustRead(t, filepath.Join(dir, "tls/shop-tls.crt"))
	res := mustWriteApp(t, dir, a, basedir.Options{Now: time.Now().Add(80 * 24 * time.Hour)})
	if len(res.Written) > 0 || !bytes.Equal(mine, mustRead(t, filepath.Join(dir, "tls/shop-tls.crt"))) {
		t.Fatalf("the user's certificate was replaced (Written = %v)", res.Written)
	}

	// One that does not serve a host stops the run, naming the host.
	userCert(t, dir, "shop-tls", "shop.localhost")
	before := snapshot(t, dir)
	_, err := writeApp(dir, a, basedir.Options{})
	var ce *basedir.ConflictError
	if !errors.As(err, &ce) || len(ce.Files) != 1 || ce.Files[0].Path != "tls/shop-tls.crt" || !strings.Contains(ce.Files[0].Reason, "does not serve api.shop.localhost") {
		t.Fatalf("err = %v, want a conflict on tls/shop-tls.crt naming api.shop.localhost", err)
	}
	if !equalSnapshots(before, snapshot(t, dir)) {
		t.Error("a refused run changed the folder")
	}

	// --force replaces it and its key with kubenetgen's pair.
	res = mustWriteApp(t, dir, a, basedir.Options{Force: true})
	if !slices.Contains(res.Written, "tls/shop-tls.crt") || !slices.Contains(res.Written, "tls/shop-tls.key") {
		t.Fatalf("Written = %v, want the pair replaced", res.Written)
	}
	verifies(t, readCert(t, filepath.Join(dir, "tls/shop-tls.crt")), time.Now(), "shop.localhost", "api.shop.localhost")
}

func TestSelfSignedBrokenPairs(t *testing.T) {
	cases := []struct {
		name   string
		break_ func(t *testing.T, dir string)
		path   string
		reason string
	}{
		{"key removed", func(t *testing.T, dir string) { must(t, os.Remove(filepath.Join(dir, "tls/shop-tls.key"))) }, "tls/shop-tls.crt", "without its key"},
		{"certificate removed", func(t *testing.T, dir string) { must(t, os.Remove(filepath.Join(dir, "tls/shop-tls.crt"))) }, "tls/shop-tls.key", "without its certificate"},
		{"certificate edited", func(t *testing.T, dir string) {
			must(t, os.WriteFile(filepath.Join(dir, "tls/shop-tls.crt"), []byte("not a certificate\n"), 0o644))
		}, "tls/shop-tls.crt", "not a PEM certificate"},
		{"keys swapped", func(t *testing.T, dir string) {
			must(t, os.WriteFile(filepath.Join(dir, "tls/shop-tls.key"), mustRead(t, filepath.Join(dir, "tls/preview-tls.key")), 0o600))
		}, "tls/shop-tls.crt", "its key does not belong to it"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			a := selfSignedApp(t)
			mustWriteApp(t, dir, a, basedir.Options{})
			c.break_(t, dir)
			before := snapshot(t, dir)
			_, err := writeApp(dir, a, basedir.Options{})
			var ce *basedir.ConflictError
			if !errors.As(err, &ce) || len(ce.Files) != 1 || ce.Files[0].Path != c.path || !strings.Contains(ce.Files[0].Reason, c.reason) {
				t.Fatalf("err = %v, want a conflict on %s: %s", err, c.path, c.reason)
			}
			if !equalSnapshots(before, snapshot(t, dir)) {
				t.Error("a refused run changed the folder")
			}
			mustWriteApp(t, dir, a, basedir.Options{Force: true})
			verifies(t, readCert(t, filepath.Join(dir, "tls/shop-tls.crt")), time.Now(), "shop.localhost")
			if res := mustWriteApp(t, dir, a, basedir.Options{}); len(res.Written) > 0 {
				t.Errorf("after --force the pair is still not accepted: Written = %v", res.Written)
			}
		})
	}
}

func TestSelfSignedDroppedRemovesOnlyKubenetgensPairs(t *testing.T) {
	dir := t.TempDir()
	a := selfSignedApp(t)
	mustWriteApp(t, dir, a, basedir.Options{})
	userCert(t, dir, "preview-tls", "x.preview.shop.localhost", "*.preview.shop.localhost")

	// Back to an existing Secret of the user's: the base no longer makes
	// certificates.
	a.Ingress.TLSSelfSigned = false
	res := mustWriteApp(t, dir, a, basedir.Options{})
	if want := []string{"tls/shop-tls.crt", "tls/shop-tls.key"}; !slices.Equal(res.Removed, want) {
		t.Errorf("Removed = %v, want %v", res.Removed, want)
	}
	for p, exists := range map[string]bool{"tls/shop-tls.crt": false, "tls/shop-tls.key": false, "tls/preview-tls.crt": true, "tls/preview-tls.key": true} {
		if _, err := os.Stat(filepath.Join(dir, p)); (err == nil) != exists {
			t.Errorf("%s exists = %v, want %v", p, err == nil, exists)
		}
	}
	if k := string(mustRead(t, filepath.Join(dir, generate.KustomizationFile))); strings.Contains(k, "secretGenerator") {
		t.Errorf("the kustomization still generates secrets:\n%s", k)
	}
}

func TestSelfSignedFolderInTheWay(t *testing.T) {
	dir := t.TempDir()
	must(t, os.MkdirAll(filepath.Join(dir, "tls/shop-tls.key"), 0o755))
	_, err := writeApp(dir, selfSignedApp(t), basedir.Options{Force: true})
	var ce *basedir.ConflictError
	if !errors.As(err, &ce) || !ce.Folders || ce.Files[0].Path != "tls/shop-tls.key" {
		t.Fatalf("err = %v, want the folder named, even with --force", err)
	}
}
