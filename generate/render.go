package generate

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"path"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"text/template"

	corev1 "k8s.io/api/core/v1"
	kruntime "k8s.io/apimachinery/pkg/runtime"
	ktypes "sigs.k8s.io/kustomize/api/types"

	"github.com/kubenetgen/kubenetgen/internal/encode"
	"github.com/kubenetgen/kubenetgen/spec"
	"github.com/kubenetgen/kubenetgen/templates"
)

// File is one file of a rendered base, its path relative to the base.
type File struct {
	Path string
	Data []byte
}

// Paths of the files of a base. Namespace-wide objects sit at the root,
// each tier's objects in one file under tiers/, so a reviewer finds
// everything about a tier in one place and a new tier is one new file.
const (
	KustomizationFile = "kustomization.yaml"
	ReadmeFile        = "README.md"
	NamespaceFile     = "namespace.yaml"
	PoliciesFile      = "network-policies.yaml"
	IngressFile       = "ingress.yaml"
	TiersDir          = "tiers"
)

// TierFile is the path of a tier's file within the base.
func TierFile(tier string) string { return path.Join(TiersDir, tier+".yaml") }

// ChecksumKey marks the line that records what kubenetgen wrote, so that a
// later run can tell an untouched file from one a user edited.
const ChecksumKey = "kubenetgen-sha256:"

// Render returns the files of the base for a defaulted, valid App, in a
// stable order, each YAML file headed by a comment with its checksum.
// dir is the base's folder as the user named it, for the README's commands.
//
// Render is pure: the same App and dir give the same bytes, always. The
// self-signed pairs the kustomization names (SelfSignedCerts) are not
// among the files: they are made, not rendered, by whoever writes the base
// (which keeps a usable pair) or streams it (see NewPairs).
func Render(a *spec.App, dir string) ([]File, error) {
	o := BuildObjects(a)
	type job struct {
		path  string
		objs  []kruntime.Object
		notes []string
	}
	jobs := []job{
		{NamespaceFile, []kruntime.Object{o.Namespace}, nil},
		{PoliciesFile, objects(o.Policies()), nil},
	}
	if o.Gateway != nil {
		jobs[1].notes = gatewayPolicyNotes(a, o.Gateway)
	}
	for i := range o.Tiers {
		t := &o.Tiers[i]
		var notes []string
		if t.AnySource {
			notes = append(notes, fmt.Sprintf("NOTE: %s is a %s without sourceRanges: its NetworkPolicy admits any address outside", t.Tier.Name, t.Tier.Expose.Type),
				fmt.Sprintf("the pod network (%s). Set expose.sourceRanges in the spec to narrow it.", a.Network.AnySourceText()))
		}
		jobs = append(jobs, job{TierFile(t.Tier.Name), t.List(), notes})
	}
	if o.Ingress != nil {
		jobs = append(jobs, job{IngressFile, []kruntime.Object{o.Ingress}, nil})
	}
	if o.Gateway != nil {
		jobs = append(jobs, job{GatewayFile, o.Gateway.List(), nil})
	}
	// Encoding dominates rendering and the files are independent: spread
	// them over the cores, keeping their order.
	files := make([]File, len(jobs))
	errs := make([]error, len(jobs))
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(jobs)) {
		wg.Go(func() {
			for {
				i := int(next.Add(1)) - 1
				if i >= len(jobs) {
					return
				}
				body, err := encode.YAML(jobs[i].objs...)
				if err != nil {
					errs[i] = fmt.Errorf("rendering %s: %w", jobs[i].path, err)
					continue
				}
				files[i] = File{Path: jobs[i].path, Data: withHeader(jobs[i].path, body, jobs[i].notes...)}
			}
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	certs := SelfSignedCerts(a)
	resources := make([]string, len(files))
	for i, f := range files {
		resources[i] = f.Path
	}
	k := ktypes.Kustomization{
		TypeMeta: ktypes.TypeMeta{APIVersion: ktypes.KustomizationVersion, Kind: ktypes.KustomizationKind},
		Labels: []ktypes.Label{{
			Pairs:            map[string]string{LabelPartOf: a.Name, LabelManagedBy: ManagedBy},
			IncludeSelectors: false,
			IncludeTemplates: true,
		}},
		Resources:       resources,
		SecretGenerator: secretGenerators(a, certs),
	}
	kb, err := encode.YAML(k)
	if err != nil {
		return nil, fmt.Errorf("rendering %s: %w", KustomizationFile, err)
	}
	readme, err := renderReadme(a, o, files, certs, dir)
	if err != nil {
		return nil, err
	}
	out := make([]File, 0, len(files)+2)
	out = append(out, File{Path: KustomizationFile, Data: withHeader(KustomizationFile, kb)})
	out = append(out, files...)
	out = append(out, File{Path: ReadmeFile, Data: withHeader(ReadmeFile, readme)})
	return out, nil
}

// secretGenerators makes a kubernetes.io/tls Secret of each self-signed
// certificate and its key. The Secret keeps the name the rules give it
// (no hash suffix), so it is the one the Ingress and kubectl name; an
// ingress controller picks up a renewed certificate from the Secret.
func secretGenerators(a *spec.App, certs []SelfSigned) []ktypes.SecretArgs {
	var out []ktypes.SecretArgs
	for _, c := range certs {
		out = append(out, ktypes.SecretArgs{
			GeneratorArgs: ktypes.GeneratorArgs{
				Namespace: a.Namespace,
				Name:      c.Secret,
				KvPairSources: ktypes.KvPairSources{FileSources: []string{
					"tls.crt=" + c.CertPath(),
					"tls.key=" + c.KeyPath(),
				}},
				Options: &ktypes.GeneratorOptions{DisableNameSuffixHash: true},
			},
			Type: "kubernetes.io/tls",
		})
	}
	return out
}

// withHeader prefixes a file with kubenetgen's comment and any notes for
// its reader, and records a checksum of everything else in the file (the
// comment and the body), so that any edit, also one in the comment, marks
// the file as the user's.
func withHeader(p string, body []byte, notes ...string) []byte {
	var h string
	if strings.HasSuffix(p, ".md") {
		h = "<!-- Generated by kubenetgen. Edits are kept: kubenetgen generate will not replace this file once it changes. -->\n"
	} else {
		h = "# Generated by kubenetgen from kubenetgen.yaml; regenerate with: kubenetgen generate\n" +
			"# Edits are kept: kubenetgen generate will not replace this file once it changes (--force does).\n"
		for _, n := range notes {
			h += "# " + n + "\n"
		}
	}
	rest := make([]byte, 0, len(h)+len(body))
	rest = append(append(rest, h...), body...)
	line := fmt.Sprintf("# %s %s\n", ChecksumKey, checksum(rest))
	if strings.HasSuffix(p, ".md") {
		line = fmt.Sprintf("<!-- %s %s -->\n", ChecksumKey, checksum(rest))
	}
	// The checksum line closes the comment, before the body.
	out := make([]byte, 0, len(rest)+len(line))
	out = append(out, h...)
	out = append(out, line...)
	return append(out, body...)
}

func checksum(data []byte) string {
	s := sha256.Sum256(data)
	return hex.EncodeToString(s[:])
}

// Pristine reports whether data is a file kubenetgen wrote and nobody has
// changed since: it carries kubenetgen's checksum line, and everything
// else in it matches that checksum.
func Pristine(data []byte) bool {
	rest, sum, ok := splitChecksum(data)
	return ok && checksum(rest) == sum
}

// Generated reports whether data carries kubenetgen's checksum line at all.
func Generated(data []byte) bool {
	_, _, ok := splitChecksum(data)
	return ok
}

// splitChecksum finds the checksum line among the first lines of data and
// returns data without it, and the checksum it records.
func splitChecksum(data []byte) (rest []byte, sum string, ok bool) {
	off := 0
	for range 12 {
		nl := bytes.IndexByte(data[off:], '\n')
		if nl < 0 {
			return nil, "", false
		}
		line := string(data[off : off+nl])
		if i := strings.Index(line, ChecksumKey); i >= 0 {
			f := strings.Fields(line[i+len(ChecksumKey):])
			if len(f) == 0 {
				return nil, "", false
			}
			rest = make([]byte, 0, len(data)-nl-1)
			rest = append(append(rest, data[:off]...), data[off+nl+1:]...)
			return rest, f[0], true
		}
		off += nl + 1
	}
	return nil, "", false
}

type fileDoc struct{ Path, What string }

type flowDoc struct{ From, To, Ports, Why string }

type certDoc struct{ Secret, Hosts, FirstHost, Cert, Key string }

func renderReadme(a *spec.App, o *Objects, files []File, certs []SelfSigned, dir string) ([]byte, error) {
	data := struct {
		App       *spec.App
		Dir       string
		Files     []fileDoc
		Certs     []certDoc
		Flows     []flowDoc
		AnySource []string
		Warnings  []string
		HasPDB    bool
		// SolverPolicy names the policy admitting cert-manager's HTTP-01
		// solver pods, when the base has one.
		SolverPolicy string
		// Diagram is the Mermaid picture of the flows, or "".
		Diagram string
		// Outside are the pods of other namespaces the policies admit
		// or reach.
		Outside []Peer
	}{App: a, Dir: dir, Warnings: spec.Warnings(a)}
	if o.ACMESolver != nil {
		data.SolverPolicy = o.ACMESolver.Name
	}
	if data.Dir == "" || data.Dir == "-" {
		data.Dir = "."
	}
	data.Files = append(data.Files, fileDoc{KustomizationFile, "the kustomization: the files below, plus the labels " + LabelPartOf + " and " + LabelManagedBy + " on every object"})
	byFile := make(map[string]*TierObjects, len(o.Tiers))
	for i := range o.Tiers {
		byFile[TierFile(o.Tiers[i].Tier.Name)] = &o.Tiers[i]
	}
	for _, f := range files {
		data.Files = append(data.Files, fileDoc{f.Path, fileWhat(f.Path, o, byFile[f.Path])})
	}
	for _, c := range certs {
		data.Files = append(data.Files, fileDoc{c.CertPath() + "`, `" + c.KeyPath(), "Secret `" + c.Secret + "` (kubernetes.io/tls, from the kustomization's secretGenerator): a self-signed certificate and its key"})
		data.Certs = append(data.Certs, certDoc{c.Secret, "`" + strings.Join(c.Hosts, "`, `") + "`", c.Hosts[0], c.CertPath(), c.KeyPath()})
	}
	flows := Flows(o)
	for _, f := range flows {
		data.Flows = append(data.Flows, flowDoc{f.From.String(), f.To.String(), f.Ports, f.Why})
	}
	data.Outside = OutsidePeers(flows)
	for _, t := range o.Tiers {
		if t.AnySource {
			data.AnySource = append(data.AnySource, t.Tier.Name)
		}
		data.HasPDB = data.HasPDB || t.PDB != nil
	}
	var err error
	if data.Diagram, err = flowDiagram(o, flows); err != nil {
		return nil, fmt.Errorf("rendering %s: %w", ReadmeFile, err)
	}
	tmpl, err := template.New("README.md").Parse(templates.BaseReadme())
	if err != nil {
		return nil, fmt.Errorf("rendering %s: %w", ReadmeFile, err)
	}
	var buf bytes.Buffer
	if err := tmpl.Execute(&buf, data); err != nil {
		return nil, fmt.Errorf("rendering %s: %w", ReadmeFile, err)
	}
	return buf.Bytes(), nil
}

func fileWhat(p string, o *Objects, t *TierObjects) string {
	switch {
	case p == NamespaceFile:
		return "Namespace `" + o.App.Namespace + "`, Pod Security `restricted` enforced"
	case p == PoliciesFile:
		var ps []string
		for _, np := range o.Policies() {
			purpose := PolicyPurpose(np.Name)
			if np.Name == PolicyACMESolver && o.App.Gateway != nil {
				purpose = "the Gateway data plane into cert-manager's HTTP-01 solver pods"
			}
			ps = append(ps, "`"+np.Name+"` ("+purpose+")")
		}
		return "NetworkPolicies " + joinAnd(ps)
	case p == IngressFile:
		return "Ingress `" + o.App.Name + "` (class `" + o.App.Ingress.Class + "`)"
	case p == GatewayFile:
		return gatewayFileWhat(o.App, o.Gateway)
	case t == nil:
		return ""
	}
	var kinds []string
	for _, obj := range t.List() {
		k := obj.GetObjectKind().GroupVersionKind().Kind
		if svc, ok := obj.(*corev1.Service); ok {
			k += " (" + string(svc.Spec.Type) + ")"
		}
		kinds = append(kinds, k)
	}
	return "tier `" + t.Tier.Name + "`: " + strings.Join(kinds, ", ")
}
