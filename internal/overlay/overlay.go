// Package overlay scaffolds kustomize overlays over a base: one folder per
// environment with what commonly differs between them (replicas, host
// names, the TLS source). An overlay is written once and is then the
// user's: kubenetgen never writes over it.
package overlay

import (
	"fmt"
	"path"
	"slices"
	"strings"
	"time"

	"k8s.io/apimachinery/pkg/util/validation"
	ktypes "sigs.k8s.io/kustomize/api/types"
	"sigs.k8s.io/kustomize/kyaml/resid"
	"sigs.k8s.io/yaml"

	gen "github.com/kubenetgen/kubenetgen/generate"
	"github.com/kubenetgen/kubenetgen/spec"
)

// Dir is the folder beside the base that holds the overlays.
const Dir = "overlays"

// Dev is the environment that gets local-cluster settings: one replica,
// dev. host names and self-signed TLS; every other environment gets the
// production settings.
const Dev = "dev"

// ParseEnvs checks the environment names of --overlays: DNS-1123 labels,
// each once.
func ParseEnvs(envs []string) ([]string, error) {
	var out []string
	for _, e := range envs {
		e = strings.TrimSpace(e)
		if errs := validation.IsDNS1123Label(e); len(errs) > 0 {
			return nil, fmt.Errorf("%q is not an environment name: %s", e, strings.Join(errs, "; "))
		}
		if slices.Contains(out, e) {
			return nil, fmt.Errorf("%q is given twice", e)
		}
		out = append(out, e)
	}
	return out, nil
}

// Files returns the files of the overlay of env over the base in the
// folder baseName beside overlays/, paths relative to the overlays'
// parent: overlays/<env>/kustomization.yaml, and on dev the self-signed
// pairs its TLS secrets need.
func Files(a *spec.App, env, baseName string, now time.Time) ([]gen.File, error) {
	o := gen.BuildObjects(a)
	dir := path.Join(Dir, env)
	dev := env == Dev
	k := ktypes.Kustomization{
		TypeMeta:  ktypes.TypeMeta{APIVersion: ktypes.KustomizationVersion, Kind: ktypes.KustomizationKind},
		Resources: []string{path.Join("..", "..", baseName)},
	}
	var notes []string
	for _, t := range o.Tiers {
		if t.Deployment == nil {
			continue
		}
		n := int64(*t.Deployment.Spec.Replicas)
		if dev {
			n = min(n, 1)
		} else {
			n = max(n, 2)
		}
		k.Replicas = append(k.Replicas, ktypes.Replica{Name: t.Deployment.Name, Count: n})
	}
	// Resources: the base's values, to edit per environment.
	for _, t := range o.Tiers {
		if t.Deployment == nil {
			continue
		}
		c := t.Deployment.Spec.Template.Spec.Containers[0]
		patch := map[string]any{
			"apiVersion": "apps/v1", "kind": "Deployment",
			"metadata": map[string]any{"name": t.Deployment.Name, "namespace": a.Namespace},
			"spec": map[string]any{"template": map[string]any{"spec": map[string]any{"containers": []any{
				map[string]any{"name": c.Name, "resources": c.Resources},
			}}}},
		}
		b, err := yaml.Marshal(patch)
		if err != nil {
			return nil, err
		}
		k.Patches = append(k.Patches, ktypes.Patch{Patch: string(b)})
	}
	var certs []gen.File
	if in := o.Ingress; in != nil {
		var ops []string
		if dev {
			// Hosts: dev.<host>, so dev never answers for production's names.
			for i, r := range in.Spec.Rules {
				if r.Host != "" {
					ops = append(ops, fmt.Sprintf("- op: replace\n  path: /spec/rules/%d/host\n  value: %s\n", i, quote(devHost(r.Host))))
				}
			}
			for i, tl := range in.Spec.TLS {
				for j, h := range tl.Hosts {
					ops = append(ops, fmt.Sprintf("- op: replace\n  path: /spec/tls/%d/hosts/%d\n  value: %s\n", i, j, quote(devHost(h))))
				}
			}
			if _, ok := in.Annotations[gen.AnnotationIssuer]; ok {
				// The dev certificates are self-signed, not cert-manager's.
				ops = append(ops, "- op: remove\n  path: /metadata/annotations/cert-manager.io~1cluster-issuer\n")
			}
			// TLS: a self-signed pair per secret, for the dev hosts.
			devApp := a.Clone()
			devApp.Ingress.TLSSelfSigned, devApp.Ingress.TLSIssuer = true, ""
			for i := range devApp.Ingress.Rules {
				if r := &devApp.Ingress.Rules[i]; r.Host != "" {
					r.Host = devHost(r.Host)
				}
			}
			for _, c := range gen.SelfSignedCerts(devApp) {
				crt, key, err := c.New(now)
				if err != nil {
					return nil, err
				}
				certs = append(certs, gen.File{Path: path.Join(dir, c.CertPath()), Data: crt}, gen.File{Path: path.Join(dir, c.KeyPath()), Data: key})
				behavior := "create"
				if a.Ingress.TLSSelfSigned {
					behavior = "replace"
				}
				k.SecretGenerator = append(k.SecretGenerator, ktypes.SecretArgs{
					GeneratorArgs: ktypes.GeneratorArgs{
						Namespace: a.Namespace, Name: c.Secret, Behavior: behavior,
						KvPairSources: ktypes.KvPairSources{FileSources: []string{"tls.crt=" + c.CertPath(), "tls.key=" + c.KeyPath()}},
						Options:       &ktypes.GeneratorOptions{DisableNameSuffixHash: true},
					},
					Type: "kubernetes.io/tls",
				})
			}
		} else if a.Ingress.TLSSelfSigned || a.Ingress.TLSIssuer == "" {
			notes = append(notes, "TLS: for certificates from cert-manager, set ingress.tlsIssuer in kubenetgen.yaml",
				"(kubenetgen then also admits cert-manager's HTTP-01 solver through the NetworkPolicies).")
		}
		if len(ops) > 0 {
			k.Patches = append(k.Patches, ktypes.Patch{
				Target: &ktypes.Selector{ResId: resIDIngress(in.Name, a.Namespace)},
				Patch:  strings.Join(ops, ""),
			})
		}
	}
	b, err := yaml.Marshal(k)
	if err != nil {
		return nil, err
	}
	head := fmt.Sprintf("# The %s overlay over ../../%s, written once by kubenetgen generate --overlays.\n"+
		"# It is yours: kubenetgen never writes over it. kubectl apply -k %s\n", env, baseName, dir)
	for _, n := range notes {
		head += "# " + n + "\n"
	}
	return append([]gen.File{{Path: path.Join(dir, gen.KustomizationFile), Data: append([]byte(head), b...)}}, certs...), nil
}

func devHost(h string) string {
	if strings.HasPrefix(h, "*.") {
		return "*.dev." + h[2:]
	}
	return "dev." + h
}

func quote(s string) string {
	b, _ := yaml.Marshal(s)
	return strings.TrimSpace(string(b))
}

func resIDIngress(name, ns string) resid.ResId {
	return resid.ResId{Gvk: resid.Gvk{Group: "networking.k8s.io", Version: "v1", Kind: "Ingress"}, Name: name, Namespace: ns}
}
