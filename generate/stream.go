package generate

import (
	"errors"
	"fmt"
	"io"
	"maps"
	"path"
	"strings"

	appsv1 "k8s.io/api/apps/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	kruntime "k8s.io/apimachinery/pkg/runtime"
	"sigs.k8s.io/kustomize/api/ifc"
	"sigs.k8s.io/kustomize/api/krusty"
	"sigs.k8s.io/kustomize/api/provider"
	"sigs.k8s.io/kustomize/api/resource"
	ktypes "sigs.k8s.io/kustomize/api/types"
	"sigs.k8s.io/kustomize/kyaml/filesys"
	"sigs.k8s.io/kustomize/kyaml/resid"

	"github.com/kubenetgen/kubenetgen/internal/encode"
	"github.com/kubenetgen/kubenetgen/internal/kustbuild"
	"github.com/kubenetgen/kubenetgen/spec"
)

// KustomizeOptions are the options of `kubectl kustomize` and `kustomize
// build` without flags. They differ from krusty.MakeDefaultOptions, which
// keeps the objects in the order read: the commands print them in
// kustomize's legacy order (namespaces first, then by kind).
func KustomizeOptions() *krusty.Options {
	o := krusty.MakeDefaultOptions()
	o.Reorder = krusty.ReorderOptionUnspecified
	return o
}

// KustomizeBuild runs kustomize in-process over the base's files and returns the
// objects as multi-document YAML, exactly what `kubectl kustomize` of the
// written base prints.
func KustomizeBuild(files []File) ([]byte, error) {
	const root = "/base"
	fSys := filesys.MakeFsInMemory()
	for _, f := range files {
		if err := fSys.WriteFile(path.Join(root, f.Path), f.Data); err != nil {
			return nil, fmt.Errorf("staging %s: %w", f.Path, err)
		}
	}
	m, err := krusty.MakeKustomizer(KustomizeOptions()).Run(fSys, root)
	if err != nil {
		return nil, fmt.Errorf("kustomize build: %w", err)
	}
	out, err := m.AsYaml()
	if err != nil {
		return nil, fmt.Errorf("kustomize build: %w", err)
	}
	return out, nil
}

// Stream writes to w what `kubectl kustomize` prints for the base Render
// writes for a, with pairs (NewPairs) as its self-signed files, without
// running kustomize: kubenetgen made every object, so it applies the
// kustomization's effects itself — the labels it adds (to every object and
// to pod templates), the Secret its secretGenerator makes of each pair,
// kustomize's output order — and encodes each object as kustomize prints
// it (sorted keys, the YAML of sigs.k8s.io/yaml). kustomize's own build is
// quadratic in the objects (most of a minute for 1,000 tiers); this is
// linear. Tests hold it byte-equal to kustomize's build of the written
// base (KustomizeBuild) for every golden case and random apps.
func Stream(w io.Writer, a *spec.App, pairs []File) error {
	out, err := StreamBytes(a, pairs)
	if err != nil {
		return err
	}
	_, err = w.Write(out)
	return err
}

// StreamBytes is Stream into a byte slice.
func StreamBytes(a *spec.App, pairs []File) ([]byte, error) {
	var items []streamItem
	for _, obj := range Build(a) {
		m, ok := obj.(metav1.ObjectMetaAccessor)
		if !ok {
			return nil, fmt.Errorf("streaming: %T has no metadata", obj)
		}
		// The kustomization's labels: metadata.labels of every object,
		// and the pod template of a Deployment (includeTemplates; the
		// selectors are left alone). The objects are this call's own.
		om := m.GetObjectMeta()
		om.SetLabels(withBaseLabels(om.GetLabels(), a.Name))
		if d, ok := obj.(*appsv1.Deployment); ok {
			d.Spec.Template.Labels = withBaseLabels(d.Spec.Template.Labels, a.Name)
		}
		gvk := obj.GetObjectKind().GroupVersionKind()
		id := resid.NewResIdWithNamespace(resid.Gvk{Group: gvk.Group, Version: gvk.Version, Kind: gvk.Kind}, om.GetName(), om.GetNamespace())
		items = append(items, streamItem{id: id, obj: obj})
	}
	secrets, err := tlsSecrets(a, pairs)
	if err != nil {
		return nil, err
	}
	for _, r := range secrets {
		items = append(items, streamItem{id: r.CurId(), res: r})
	}
	ids := make([]resid.ResId, len(items))
	for i := range items {
		ids[i] = items[i].id
	}
	kustbuild.Sort(ids, items)
	docs, err := encodeEach(items)
	if err != nil {
		return nil, err
	}
	n := 0
	for _, d := range docs {
		n += len(d) + 4
	}
	out := make([]byte, 0, n)
	for i, d := range docs {
		if i > 0 {
			out = append(out, "---\n"...)
		}
		out = append(out, d...)
	}
	return out, nil
}

// streamItem is one object of a streamed base: a typed object kubenetgen
// built, or a Secret kustomize's generator made.
type streamItem struct {
	id  resid.ResId
	obj kruntime.Object
	res *resource.Resource
}

func (it *streamItem) yaml() ([]byte, error) {
	if it.res != nil {
		return it.res.AsYAML()
	}
	return encode.YAML(it.obj)
}

// withBaseLabels returns l with the labels the kustomization adds.
func withBaseLabels(l map[string]string, app string) map[string]string {
	out := make(map[string]string, len(l)+2)
	maps.Copy(out, l)
	out[LabelPartOf] = app
	out[LabelManagedBy] = ManagedBy
	return out
}

// tlsSecrets are the Secrets the kustomization's secretGenerator makes of
// the self-signed pairs (secretGenerators), made by kustomize's own
// generator (which sets the type and wraps the base64 of the data), with
// the kustomization's labels.
func tlsSecrets(a *spec.App, pairs []File) ([]*resource.Resource, error) {
	certs := SelfSignedCerts(a)
	if len(certs) == 0 {
		return nil, nil
	}
	byPath := make(map[string][]byte, len(pairs))
	for _, p := range pairs {
		byPath[p.Path] = p.Data
	}
	dp := provider.NewDefaultDepProvider()
	var out []*resource.Resource
	for _, args := range secretGenerators(a, certs) {
		kv := &pairLoader{v: dp.GetFieldValidator(), files: byPath}
		r, err := dp.GetResourceFactory().MakeSecret(kv, &args)
		if err != nil {
			return nil, fmt.Errorf("streaming Secret %s: %w", args.Name, err)
		}
		if err := r.SetLabels(withBaseLabels(r.GetLabels(), a.Name)); err != nil {
			return nil, fmt.Errorf("streaming Secret %s: %w", args.Name, err)
		}
		// As kustomize does before it prints.
		r.RemoveBuildAnnotations()
		out = append(out, r)
	}
	return out, nil
}

// pairLoader gives kustomize's Secret generator the files its sources
// name ("key=path") from memory.
type pairLoader struct {
	v     ifc.Validator
	files map[string][]byte
}

func (l *pairLoader) Validator() ifc.Validator { return l.v }

func (l *pairLoader) Load(args ktypes.KvPairSources) ([]ktypes.Pair, error) {
	if len(args.LiteralSources)+len(args.EnvSources) > 0 {
		return nil, errors.New("only file sources are streamed")
	}
	var out []ktypes.Pair
	for _, s := range args.FileSources {
		k, p, ok := strings.Cut(s, "=")
		data, found := l.files[p]
		if !ok || !found {
			return nil, fmt.Errorf("no file for %q", s)
		}
		out = append(out, ktypes.Pair{Key: k, Value: string(data)})
	}
	return out, nil
}

// encodeEach encodes each item as its own document, spread over the
// cores (encoding dominates), keeping their order.
func encodeEach(items []streamItem) ([][]byte, error) {
	docs := make([][]byte, len(items))
	errs := make([]error, len(items))
	kustbuild.Each(len(items), func(i int) { docs[i], errs[i] = items[i].yaml() })
	if err := errors.Join(errs...); err != nil {
		return nil, fmt.Errorf("streaming: %w", err)
	}
	return docs, nil
}
