package basedir

import (
	"bytes"
	"crypto"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/kubenetgen/kubenetgen/generate"
)

// planPair decides what Write does with a self-signed certificate and its
// key: keep them, make a new pair (none there, or kubenetgen's own gone
// stale), or, for anything else there, stop (Force: keep a copy and make
// a new pair).
func (p *planner) planPair(c *generate.SelfSigned) error {
	crtPath, keyPath := c.CertPath(), c.KeyPath()
	if !p.parentOK(crtPath) {
		return nil
	}
	var found [2][]byte
	blocked := false
	for i, rel := range []string{crtPath, keyPath} {
		switch p.lstat(rel) {
		case absent:
		case regular:
			data, err := p.read(rel)
			if err != nil {
				return err
			}
			found[i] = data
		case folder:
			p.conflict(rel, reasonFolder, InTheWay)
			blocked = true
		case symlink:
			p.conflict(rel, reasonSymlink, InTheWay)
			blocked = true
		default:
			p.conflict(rel, "is not a regular file", InTheWay)
			blocked = true
		}
	}
	if blocked {
		return nil
	}
	oldCrt, oldKey := found[0], found[1]
	var conflict Conflict
	switch {
	case oldCrt == nil && oldKey == nil:
		return p.newPair(c, false, false)
	case oldKey == nil:
		conflict = Conflict{Path: crtPath, Reason: "a certificate without its key " + keyPath}
	case oldCrt == nil:
		conflict = Conflict{Path: keyPath, Reason: "a key without its certificate " + crtPath}
	default:
		switch st, why := checkPair(c, oldCrt, oldKey, p.opts.Now); st {
		case certKeep:
			p.res.Unchanged = append(p.res.Unchanged, crtPath, keyPath)
			return nil
		case certRenew:
			return p.newPair(c, true, true)
		default:
			conflict = Conflict{Path: crtPath, Reason: why + "; --force replaces it and its key with a new self-signed pair"}
		}
	}
	if !p.opts.Force {
		conflict.Kind = Edited
		p.conflict(conflict.Path, conflict.Reason, conflict.Kind)
		return nil
	}
	// Not kubenetgen's, or broken: kept as a copy before it is replaced.
	if oldCrt != nil {
		p.keepCopy(crtPath, oldCrt, p.mode(crtPath, 0o644))
	}
	if oldKey != nil {
		p.keepCopy(keyPath, oldKey, 0o600)
	}
	return p.newPair(c, oldCrt != nil, oldKey != nil)
}

// newPair plans a new certificate and key for c. A dry run only names
// them: making a key is of no use there.
func (p *planner) newPair(c *generate.SelfSigned, hasCrt, hasKey bool) error {
	var crt, key []byte
	if !p.opts.DryRun {
		var err error
		if crt, key, err = c.New(p.opts.Now); err != nil {
			return err
		}
	}
	p.put(c.CertPath(), crt, p.mode(c.CertPath(), 0o644), hasCrt)
	// A key is readable by its owner only, also when it replaces one
	// others could read.
	p.put(c.KeyPath(), key, 0o600, hasKey)
	return nil
}

// staleCerts plans the removal of the self-signed certificates in tls/
// that kubenetgen made and the base no longer uses, with their keys. A
// certificate or key kubenetgen did not make is left alone.
func (p *planner) staleCerts() error {
	if p.lstat(generate.TLSDir) != folder {
		return nil
	}
	entries, err := p.fs.ReadDir(filepath.Join(p.root, generate.TLSDir))
	if err != nil {
		return fmt.Errorf("reading %s: %w", filepath.Join(p.dir, generate.TLSDir), err)
	}
	for _, e := range entries {
		name, ok := strings.CutSuffix(e.Name(), ".crt")
		rel := generate.TLSDir + "/" + e.Name()
		if !ok || !e.Type().IsRegular() || p.want[rel] {
			continue
		}
		data, err := p.read(rel)
		if err != nil {
			return err
		}
		cert, err := parseCert(data)
		if err != nil || !isOurs(cert) {
			continue
		}
		p.remove(rel)
		keyRel := generate.TLSDir + "/" + name + ".key"
		if p.lstat(keyRel) != regular || p.want[keyRel] {
			continue
		}
		if key, err := p.read(keyRel); err == nil && keyMatches(cert, key) == nil {
			p.remove(keyRel)
		}
	}
	return nil
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

// checkPair judges an existing certificate and key for c at now, and says why
// when they are to be replaced.
func checkPair(c *generate.SelfSigned, certPEM, keyPEM []byte, now time.Time) (certState, string) {
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
	case ours && now.Add(generate.CertRenewBefore).After(cert.NotAfter):
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
	return slices.Equal(cert.Subject.Organization, []string{generate.SelfSignedOrg}) && bytes.Equal(cert.RawIssuer, cert.RawSubject)
}

// OurCertificate reports whether data is a certificate kubenetgen made.
func OurCertificate(data []byte) bool {
	cert, err := parseCert(data)
	return err == nil && isOurs(cert)
}
