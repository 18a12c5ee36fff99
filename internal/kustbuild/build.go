package kustbuild

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"path"
	"reflect"
	"regexp"
	"strings"

	"sigs.k8s.io/kustomize/api/filters/labels"
	"sigs.k8s.io/kustomize/api/ifc"
	"sigs.k8s.io/kustomize/api/konfig"
	"sigs.k8s.io/kustomize/api/kv"
	"sigs.k8s.io/kustomize/api/provider"
	"sigs.k8s.io/kustomize/api/resource"
	"sigs.k8s.io/kustomize/api/types"
	"sigs.k8s.io/kustomize/kyaml/filesys"
	"sigs.k8s.io/kustomize/kyaml/resid"
	kyaml "sigs.k8s.io/kustomize/kyaml/yaml"
	"sigs.k8s.io/yaml"
)

// ChecksumKey marks the line of a file that records the checksum of what
// kubenetgen wrote (generate.ChecksumKey: a test holds them equal).
const ChecksumKey = "kubenetgen-sha256:"

// Pristine reports whether data carries kubenetgen's checksum line among
// its first lines and everything else in it matches that checksum: a file
// kubenetgen wrote that nobody has changed since.
func Pristine(data []byte) bool {
	off := 0
	for range 12 {
		nl := bytes.IndexByte(data[off:], '\n')
		if nl < 0 {
			return false
		}
		line := string(data[off : off+nl])
		if i := strings.Index(line, ChecksumKey); i >= 0 {
			f := strings.Fields(line[i+len(ChecksumKey):])
			if len(f) == 0 {
				return false
			}
			h := sha256.New()
			h.Write(data[:off])
			h.Write(data[off+nl+1:])
			return hex.EncodeToString(h.Sum(nil)) == f[0]
		}
		off += nl + 1
	}
	return false
}

// kinds are the kinds a kubenetgen base holds; a resource of any other
// kind sends the build to kustomize.
var kinds = map[string]bool{
	"v1/Namespace": true, "v1/ServiceAccount": true, "v1/Service": true,
	"apps/v1/Deployment": true, "policy/v1/PodDisruptionBudget": true,
	"networking.k8s.io/v1/NetworkPolicy": true, "networking.k8s.io/v1/Ingress": true,
	"gateway.networking.k8s.io/v1/Gateway": true, "gateway.networking.k8s.io/v1/HTTPRoute": true,
	"gateway.networking.k8s.io/v1/GRPCRoute": true,
}

// known reports whether g is one of kinds. (A Gvk is no map key: it
// carries a hidden cluster-scope flag.)
func known(g resid.Gvk) bool { return kinds[g.ApiVersion()+"/"+g.Kind] }

// templateLabels are the fields kustomize's labels with includeTemplates
// set (and without includeSelectors) write, in its order: its default
// templateLabels field specs (not exported by kustomize), then
// metadata/labels.
var templateLabels = types.FsSlice{
	{Path: "metadata/labels", CreateIfNotPresent: true},
	{Gvk: resid.Gvk{Version: "v1", Kind: "ReplicationController"}, Path: "spec/template/metadata/labels", CreateIfNotPresent: true},
	{Gvk: resid.Gvk{Kind: "Deployment"}, Path: "spec/template/metadata/labels", CreateIfNotPresent: true},
	{Gvk: resid.Gvk{Kind: "ReplicaSet"}, Path: "spec/template/metadata/labels", CreateIfNotPresent: true},
	{Gvk: resid.Gvk{Kind: "DaemonSet"}, Path: "spec/template/metadata/labels", CreateIfNotPresent: true},
	{Gvk: resid.Gvk{Group: "apps", Kind: "StatefulSet"}, Path: "spec/template/metadata/labels", CreateIfNotPresent: true},
	{Gvk: resid.Gvk{Group: "batch", Kind: "Job"}, Path: "spec/template/metadata/labels", CreateIfNotPresent: true},
	{Gvk: resid.Gvk{Group: "batch", Kind: "CronJob"}, Path: "spec/jobTemplate/metadata/labels", CreateIfNotPresent: true},
	{Gvk: resid.Gvk{Group: "batch", Kind: "CronJob"}, Path: "spec/jobTemplate/spec/template/metadata/labels", CreateIfNotPresent: true},
}

// plainPath is a resource or file path kubenetgen writes: relative, no
// scheme, no "..".
var plainPath = regexp.MustCompile(`^[A-Za-z0-9_][A-Za-z0-9._/-]*$`)

// Build returns the objects `kustomize build` (krusty with its default
// options: in the order read) makes of the kustomization at dir, when the
// folder is one kubenetgen wrote and nobody changed: kustomization.yaml
// (the only kustomization file) and every resource it lists carry
// kubenetgen's checksum and match it, it uses nothing but resources (local
// files), labels (without selectors or field specs) and secretGenerator
// (files, type, namespace, no hash suffix), and the resources are of the
// kinds kubenetgen writes. Otherwise ok is false, and the caller runs
// kustomize, which then also reports any error in kustomize's words.
//
// Every file is read once through fSys, and one outside dir (after
// symbolic links, as kustomize's root-only loader checks) is not read. A
// read that fails makes ok false: kustomize reports it. err is for a
// failure of kustomize's labels filter.
func Build(fSys filesys.FileSystem, dir string) (res []*resource.Resource, ok bool, err error) {
	return Map(fSys, dir, func(r *resource.Resource) *resource.Resource { return r })
}

// Map is Build with each finished resource handed to conv, and conv's
// results returned in Build's order: a caller that needs something else
// (verify needs JSON) never holds every parsed object at once. The files
// are parsed, labelled and converted over the cores, each as soon as it is
// read; what Build checks across files (an object defined twice) is
// checked after, and conv's work on a folder that then goes to kustomize
// is thrown away.
func Map[T any](fSys filesys.FileSystem, dir string, conv func(*resource.Resource) T) (out []T, ok bool, err error) {
	for _, n := range konfig.RecognizedKustomizationFileNames()[1:] {
		if fSys.Exists(path.Join(dir, n)) {
			return nil, false, nil
		}
	}
	data, err := fSys.ReadFile(path.Join(dir, konfig.DefaultKustomizationFileName()))
	if err != nil || !Pristine(data) {
		return nil, false, nil
	}
	var k types.Kustomization
	if yaml.UnmarshalStrict(data, &k) != nil || !supported(&k) {
		return nil, false, nil
	}
	root, _, err := fSys.CleanedAbs(dir)
	if err != nil {
		return nil, false, nil
	}
	ldr := &rootLoader{fSys: fSys, root: root}
	dp := provider.NewDefaultDepProvider()
	rf := dp.GetResourceFactory()
	// A read that fails is kustomize's to report (the caller's file
	// system may also have refused it: a limit, say).
	datas := make([][]byte, len(k.Resources))
	for i, p := range k.Resources {
		data, err := ldr.Load(p)
		if err != nil || !Pristine(data) {
			return nil, false, nil
		}
		datas[i] = data
	}
	filters := labelFilters(k.Labels)
	parts := make([]part[T], len(datas)+1)
	Each(len(datas), func(i int) {
		defer func() { datas[i] = nil }()
		rs, err := parse(rf, datas[i])
		if err != nil {
			return
		}
		for _, r := range rs {
			if !known(r.CurId().Gvk) {
				return
			}
		}
		parts[i].finish(rs, filters, conv)
	})
	var secrets []*resource.Resource
	kvl := kv.NewLoader(ldr, dp.GetFieldValidator())
	for i := range k.SecretGenerator {
		r, err := rf.MakeSecret(kvl, &k.SecretGenerator[i])
		if err != nil {
			return nil, false, nil
		}
		secrets = append(secrets, r)
	}
	parts[len(datas)].finish(secrets, filters, conv)
	// Build's checks, in its order: an object kustomize would not take
	// as it is, or one defined twice, sends the folder to kustomize;
	// then the first failure of the labels filter, label by label.
	seen := map[resid.ResId]bool{}
	for i := range parts {
		if !parts[i].ok {
			return nil, false, nil
		}
		for _, id := range parts[i].ids {
			if seen[id] {
				return nil, false, nil
			}
			seen[id] = true
		}
	}
	var labelErr error
	labelAt := len(filters)
	for i := range parts {
		if p := &parts[i]; p.labelErr != nil && p.labelAt < labelAt {
			labelErr, labelAt = p.labelErr, p.labelAt
		}
	}
	if labelErr != nil {
		return nil, false, fmt.Errorf("labels: %w", labelErr)
	}
	for i := range parts {
		out = append(out, parts[i].out...)
	}
	return out, true, nil
}

// part is what Map made of one file (or of the secretGenerator).
type part[T any] struct {
	ok  bool
	ids []resid.ResId
	out []T
	// labelErr is the first failure of the labels filter in the file:
	// of the earliest label (at labelAt), and of its first object.
	labelErr error
	labelAt  int
}

// finish checks rs as Build does each object, applies the labels as
// kustomize does (label by label; each object is independent) and
// converts each object.
func (p *part[T]) finish(rs []*resource.Resource, filters []labels.Filter, conv func(*resource.Resource) T) {
	for _, r := range rs {
		if _, local := r.GetAnnotations()[konfig.IgnoredByKustomizeAnnotation]; local {
			return
		}
		p.ids = append(p.ids, r.CurId())
	}
	p.ok = true
	for _, r := range rs {
		failed := false
		for j, f := range filters {
			if err := r.ApplyFilter(f); err != nil {
				if p.labelErr == nil || j < p.labelAt {
					p.labelErr, p.labelAt = err, j
				}
				failed = true
				break
			}
		}
		if failed || p.labelErr != nil {
			continue
		}
		r.RemoveBuildAnnotations()
		p.out = append(p.out, conv(r))
	}
}

// labelFilters are kustomize's filters for the kustomization's labels.
func labelFilters(ls []types.Label) []labels.Filter {
	var out []labels.Filter
	for _, l := range ls {
		fss := types.FsSlice{{Path: "metadata/labels", CreateIfNotPresent: true}}
		if l.IncludeTemplates {
			fss = templateLabels
		}
		out = append(out, labels.Filter{Labels: l.Pairs, FsSlice: fss})
	}
	return out
}

// supported reports whether k uses only what Build does as kustomize.
func supported(k *types.Kustomization) bool {
	if k.APIVersion != types.KustomizationVersion || k.Kind != types.KustomizationKind {
		return false
	}
	for _, l := range k.Labels {
		if l.IncludeSelectors || l.IncludeVolumeClaimTemplates || len(l.FieldSpecs) > 0 {
			return false
		}
	}
	for _, s := range k.SecretGenerator {
		if s.Behavior != "" || len(s.LiteralSources)+len(s.EnvSources) > 0 || s.Name == "" ||
			s.Options == nil || !reflect.DeepEqual(*s.Options, types.GeneratorOptions{DisableNameSuffixHash: true}) {
			return false
		}
		for _, f := range s.FileSources {
			if key, _, ok := strings.Cut(f, "="); !ok || key == "" {
				return false
			}
		}
	}
	rest := *k
	rest.TypeMeta, rest.Resources, rest.Labels, rest.SecretGenerator = types.TypeMeta{}, nil, nil, nil
	return reflect.DeepEqual(rest, types.Kustomization{})
}

var errNotPlain = errors.New("not a plain local file")

// rootLoader loads files below its root only, as kustomize's loader with
// its default restriction (LoadRestrictionsRootOnly) does, and only plain
// relative paths to regular files: anything else is for kustomize.
type rootLoader struct {
	fSys filesys.FileSystem
	root filesys.ConfirmedDir
}

func (l *rootLoader) Load(p string) ([]byte, error) {
	if !plainPath.MatchString(p) || path.Clean(p) != p || strings.HasPrefix(p, "../") || strings.Contains(p, "/../") {
		return nil, errNotPlain
	}
	full := l.root.Join(p)
	if l.fSys.IsDir(full) {
		return nil, errNotPlain
	}
	d, _, err := l.fSys.CleanedAbs(full)
	if err != nil || !d.HasPrefix(l.root) {
		return nil, errNotPlain
	}
	return l.fSys.ReadFile(full)
}

func (l *rootLoader) Repo() string                   { return "" }
func (l *rootLoader) Root() string                   { return string(l.root) }
func (l *rootLoader) New(string) (ifc.Loader, error) { return nil, errNotPlain }
func (l *rootLoader) Cleanup() error                 { return nil }
func (l *rootLoader) Validator() ifc.Validator       { return nil }

// JSON is r as JSON, as kustomize's r.MarshalJSON gives it, without its
// round trip through YAML text (it prints the object and parses the text
// again before it encodes the JSON): the parsed object is decoded once.
// A test holds the two equal on every object of the golden and random
// bases.
func JSON(r *resource.Resource) ([]byte, error) {
	n := r.YNode()
	if n == nil || n.Kind != kyaml.MappingNode {
		return r.MarshalJSON()
	}
	m := map[string]any{}
	if err := n.Decode(&m); err != nil {
		return nil, err
	}
	return json.Marshal(m)
}
