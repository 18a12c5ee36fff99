package generate

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"path"
	"slices"
	"time"

	"github.com/kubenetgen/kubenetgen/spec"
)

// TLSDir holds the self-signed certificates of a base and their keys.
const TLSDir = "tls"

const (
	// SelfSignedOrg marks a certificate as kubenetgen's own, which it may
	// renew; any other certificate in tls/ is the user's.
	SelfSignedOrg = "kubenetgen self-signed"
	// CertLifetime is how long a self-signed certificate is valid.
	CertLifetime = 365 * 24 * time.Hour
	// CertRenewBefore is how long before its expiry kubenetgen renews a
	// self-signed certificate it made.
	CertRenewBefore = 30 * 24 * time.Hour
)

// SelfSigned is one self-signed certificate of a base: the TLS secret it
// becomes and the hosts it serves.
type SelfSigned struct {
	Secret string
	Hosts  []string
}

// CertPath is where the certificate sits in the base.
func (c *SelfSigned) CertPath() string { return path.Join(TLSDir, c.Secret+".crt") }

// KeyPath is where the certificate's private key sits in the base.
func (c *SelfSigned) KeyPath() string { return path.Join(TLSDir, c.Secret+".key") }

// SelfSignedCerts lists the certificates kubenetgen makes for an app: with
// ingress.tlsSelfSigned (or gateway.tlsSelfSigned), one per TLS secret of the rules, for the hosts
// that secret serves, in the order the rules name them.
func SelfSignedCerts(a *spec.App) []SelfSigned {
	if !a.TLSSelfSigned() {
		return nil
	}
	var out []SelfSigned
	for _, r := range a.EntryRules() {
		if r.TLS == "" || r.Host == "" {
			continue
		}
		i := slices.IndexFunc(out, func(c SelfSigned) bool { return c.Secret == r.TLS })
		if i < 0 {
			out = append(out, SelfSigned{Secret: r.TLS})
			i = len(out) - 1
		}
		if !slices.Contains(out[i].Hosts, r.Host) {
			out[i].Hosts = append(out[i].Hosts, r.Host)
		}
	}
	return out
}

// New makes a P-256 key and a certificate signed by it for c's hosts,
// valid from now for CertLifetime, both PEM-encoded. Each call makes a new
// key: the base's writer calls it only where no usable pair is kept, and
// -o - on every run.
func (c *SelfSigned) New(now time.Time) (certPEM, keyPEM []byte, err error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, nil, fmt.Errorf("making a key for %s: %w", c.Secret, err)
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 128))
	if err != nil {
		return nil, nil, fmt.Errorf("making a certificate for %s: %w", c.Secret, err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               pkix.Name{Organization: []string{SelfSignedOrg}, CommonName: c.Hosts[0]},
		DNSNames:              c.Hosts,
		NotBefore:             now.Add(-time.Hour), // clocks of a local cluster drift
		NotAfter:              now.Add(CertLifetime),
		KeyUsage:              x509.KeyUsageDigitalSignature,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, nil, fmt.Errorf("making a certificate for %s: %w", c.Secret, err)
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil, nil, fmt.Errorf("making a key for %s: %w", c.Secret, err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}),
		pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER}), nil
}

// NewPairs makes a new certificate and key for each of certs, as the files
// of the base they are, for a base that is streamed rather than written:
// kustomize reads them to make the Secrets.
func NewPairs(certs []SelfSigned, now time.Time) ([]File, error) {
	var out []File
	for i := range certs {
		crt, key, err := certs[i].New(now)
		if err != nil {
			return nil, err
		}
		out = append(out, File{Path: certs[i].CertPath(), Data: crt}, File{Path: certs[i].KeyPath(), Data: key})
	}
	return out, nil
}
