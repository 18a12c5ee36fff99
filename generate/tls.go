package generate

import (
	"bytes"
	"crypto"
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
	"strings"
	"time"

	"github.com/kubenetgen/kubenetgen/spec"
)

// TLSDir holds the self-signed certificates of a base and their keys.
const TLSDir = "tls"

const (
	// selfSignedOrg marks a certificate as kubenetgen's own, which it may
	// renew; any other certificate in tls/ is the user's.
	selfSignedOrg = "kubenetgen self-signed"
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
// ingress.tlsSelfSigned, one per TLS secret of the rules, for the hosts
// that secret serves, in the order the rules name them.
func SelfSignedCerts(a *spec.App) []SelfSigned {
	if a.Ingress == nil || !a.Ingress.TLSSelfSigned {
		return nil
	}
	var out []SelfSigned
	for _, r := range a.Ingress.Rules {
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
// valid from now for CertLifetime, both PEM-encoded.
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
		Subject:               pkix.Name{Organization: []string{selfSignedOrg}, CommonName: c.Hosts[0]},
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

// certState is what Write makes of a certificate and key found in a base.
type certState int

const (
	// certKeep: kubenetgen's certificate, still right, or the user's own
	// that serves the hosts; left as it is.
	certKeep certState = iota
	// certRenew: kubenetgen's certificate, but for other hosts or near its
	// expiry; replaced.
	certRenew
	// certForeign: not a usable certificate of kubenetgen for the hosts;
	// replaced only with --force.
	certForeign
)

// check judges an existing certificate and key for c at now, and says why
// when they are to be replaced.
func (c *SelfSigned) check(certPEM, keyPEM []byte, now time.Time) (certState, string) {
	cert, err := parseCert(certPEM)
	if err != nil {
		return certForeign, err.Error()
	}
	if err := keyMatches(cert, keyPEM); err != nil {
		return certForeign, err.Error()
	}
	ours := isOurs(cert)
	var missing []string
	for _, h := range c.Hosts {
		// A wildcard host is served by the same wildcard, or by one of
		// the certificate's names that its every name matches.
		if cert.VerifyHostname(strings.Replace(h, "*", "kubenetgen-any-name", 1)) != nil {
			missing = append(missing, h)
		}
	}
	expired := !now.Before(cert.NotAfter)
	switch {
	case ours && !slices.Equal(cert.DNSNames, c.Hosts):
		return certRenew, "serves other hosts"
	case ours && now.Add(CertRenewBefore).After(cert.NotAfter):
		return certRenew, "expires soon"
	case len(missing) > 0:
		return certForeign, "a certificate not made by kubenetgen that does not serve " + strings.Join(missing, ", ")
	case expired:
		return certForeign, "a certificate not made by kubenetgen that expired on " + cert.NotAfter.Format(time.DateOnly)
	}
	return certKeep, ""
}

func parseCert(data []byte) (*x509.Certificate, error) {
	block, _ := pem.Decode(data)
	if block == nil || block.Type != "CERTIFICATE" {
		return nil, fmt.Errorf("not a PEM certificate")
	}
	cert, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		return nil, fmt.Errorf("not a valid certificate: %v", err)
	}
	return cert, nil
}

// keyMatches checks that keyPEM is the private key of cert.
func keyMatches(cert *x509.Certificate, keyPEM []byte) error {
	block, _ := pem.Decode(keyPEM)
	if block == nil {
		return fmt.Errorf("its key is not PEM")
	}
	var key any
	var err error
	switch block.Type {
	case "PRIVATE KEY":
		key, err = x509.ParsePKCS8PrivateKey(block.Bytes)
	case "EC PRIVATE KEY":
		key, err = x509.ParseECPrivateKey(block.Bytes)
	case "RSA PRIVATE KEY":
		key, err = x509.ParsePKCS1PrivateKey(block.Bytes)
	default:
		return fmt.Errorf("its key is a PEM %q block, not a private key", block.Type)
	}
	if err != nil {
		return fmt.Errorf("its key is not a valid private key: %v", err)
	}
	pub, ok := key.(crypto.Signer)
	if !ok {
		return fmt.Errorf("its key is of an unsupported kind")
	}
	type equaler interface{ Equal(crypto.PublicKey) bool }
	if eq, ok := pub.Public().(equaler); !ok || !eq.Equal(cert.PublicKey) {
		return fmt.Errorf("its key does not belong to it")
	}
	return nil
}

func isOurs(cert *x509.Certificate) bool {
	return slices.Equal(cert.Subject.Organization, []string{selfSignedOrg}) && bytes.Equal(cert.RawIssuer, cert.RawSubject)
}

// OurCertificate reports whether data is a certificate kubenetgen made.
func OurCertificate(data []byte) bool {
	cert, err := parseCert(data)
	return err == nil && isOurs(cert)
}
