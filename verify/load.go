package verify

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"

	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	policyv1 "k8s.io/api/policy/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	kjson "k8s.io/apimachinery/pkg/runtime/serializer/json"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	gwv1 "sigs.k8s.io/gateway-api/apis/v1"
	"sigs.k8s.io/kustomize/api/konfig"
	"sigs.k8s.io/kustomize/kyaml/filesys"
	"sigs.k8s.io/yaml"
)

// Source says where an object was read: the file ("-" for stdin, the
// directory for a kustomize build) and the 1-based index of its document.
type Source struct {
	File string `json:"file"`
	Doc  int    `json:"document"`
}

// String is "file#document", or the file alone when the index is unknown.
func (s Source) String() string {
	if s.Doc == 0 {
		return s.File
	}
	return fmt.Sprintf("%s#%d", s.File, s.Doc)
}

// Object is one decoded Kubernetes object and where it came from.
type Object struct {
	Source Source
	// Kind is the object's kind (Deployment, Service…).
	Kind string
	// Obj is the typed object: *appsv1.Deployment, *corev1.Service…
	Obj runtime.Object
}

// Meta returns the object's metadata.
func (o *Object) Meta() metav1.Object {
	m, err := metaOf(o.Obj)
	if err != nil {
		return &metav1.ObjectMeta{}
	}
	return m
}

// Ref names the object as findings show it: "Service shop/api".
func (o *Object) Ref() string {
	m := o.Meta()
	if m.GetNamespace() == "" {
		return o.Kind + " " + m.GetName()
	}
	return o.Kind + " " + m.GetNamespace() + "/" + m.GetName()
}

func metaOf(obj runtime.Object) (metav1.Object, error) {
	a, ok := obj.(metav1.ObjectMetaAccessor)
	if !ok {
		return nil, fmt.Errorf("%T has no metadata", obj)
	}
	return a.GetObjectMeta(), nil
}

// Bundle is what was loaded: the objects that decoded, and a finding for
// every document that did not (with its file and document index).
type Bundle struct {
	Objects  []*Object
	Findings []Finding
}

// scheme knows the kinds verify reads. Kinds it does not know are reported
// as not checked, not as errors: a base may carry a CRD's objects. It is
// built on first use, not at start-up, so that other commands do not pay
// for it.
var scheme = sync.OnceValue(func() *runtime.Scheme {
	s := runtime.NewScheme()
	for _, add := range []func(*runtime.Scheme) error{
		corev1.AddToScheme, appsv1.AddToScheme, batchv1.AddToScheme,
		networkingv1.AddToScheme, policyv1.AddToScheme, rbacv1.AddToScheme,
		autoscalingv2.AddToScheme, gwv1.Install,
	} {
		if err := add(s); err != nil {
			panic(fmt.Sprintf("building the verify scheme: %v", err))
		}
	}
	return s
})

// decoder decodes JSON strictly: unknown and duplicate fields are errors.
var decoder = sync.OnceValue(func() *kjson.Serializer {
	return kjson.NewSerializerWithOptions(kjson.DefaultMetaFactory, scheme(), scheme(), kjson.SerializerOptions{Strict: true})
})

// clusterScoped are the kinds that have no namespace.
var clusterScoped = map[string]bool{
	"Namespace": true, "ClusterRole": true, "ClusterRoleBinding": true,
	"IngressClass": true, "PersistentVolume": true, "Node": true,
}

// Load reads path: "-" is multi-document YAML on stdin, a directory with a
// kustomization file is built in-process with kustomize, any other
// directory is read as its *.yaml, *.yml and *.json files, and a file is
// multi-document YAML. Every path reads within the limits of o (a
// *LimitError past one) and nothing is fetched unless o.AllowRemote. The
// error is for input that cannot be read at all or breaks a limit;
// documents that do not decode become findings and the rest still load.
func Load(path string, stdin io.Reader, o LoadOptions) (*Bundle, error) {
	bud := newBudget(o)
	if path == "-" {
		data, err := bud.read("-", stdin)
		if err != nil {
			return nil, fmt.Errorf("reading stdin: %w", err)
		}
		return bud.loadYAML("-", data)
	}
	fi, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("reading manifests: %w", err)
	}
	if !fi.IsDir() {
		data, err := bud.readFile(path, true)
		if err != nil {
			return nil, fmt.Errorf("reading manifests: %w", err)
		}
		return bud.loadYAML(path, data)
	}
	for _, k := range konfig.RecognizedKustomizationFileNames() {
		if _, err := os.Stat(filepath.Join(path, k)); err == nil {
			return loadKustomize(&guardedFS{FileSystem: filesys.MakeFsOnDisk(), budget: bud, allowRemote: o.AllowRemote, onDisk: true}, path)
		}
	}
	return bud.loadPlainDir(path)
}

func (bud *budget) loadPlainDir(dir string) (*Bundle, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("reading manifests: %w", err)
	}
	b := &Bundle{}
	for _, e := range entries {
		ext := strings.ToLower(filepath.Ext(e.Name()))
		if e.IsDir() || (ext != ".yaml" && ext != ".yml" && ext != ".json") {
			continue
		}
		p := filepath.Join(dir, e.Name())
		data, err := bud.readFile(p, false)
		if err != nil {
			return nil, fmt.Errorf("reading manifests: %w", err)
		}
		sub, err := bud.loadYAML(p, data)
		if err != nil {
			return nil, err
		}
		b.Objects = append(b.Objects, sub.Objects...)
		b.Findings = append(b.Findings, sub.Findings...)
	}
	if len(b.Objects) == 0 && len(b.Findings) == 0 {
		return nil, fmt.Errorf("reading manifests: %s has no kustomization.yaml and no *.yaml, *.yml or *.json files", dir)
	}
	b.dedupe()
	return b, nil
}

// LoadYAML decodes multi-document YAML (or JSON) read from name, within
// the limits of o (a *LimitError past one). Every document that does not
// decode, has an unknown kind or no name becomes a finding naming name and
// the document's index.
func LoadYAML(name string, data []byte, o LoadOptions) (*Bundle, error) {
	bud := newBudget(o)
	if int64(len(data)) > bud.o.MaxBytes {
		return nil, bud.bytesError(name)
	}
	return bud.loadYAML(name, data)
}

func (bud *budget) loadYAML(name string, data []byte) (*Bundle, error) {
	if err := bud.checkAliases(name, data); err != nil {
		return nil, err
	}
	b := &Bundle{}
	r := utilyaml.NewYAMLReader(bufio.NewReader(bytes.NewReader(data)))
	for doc := 1; ; doc++ {
		chunk, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		src := Source{File: name, Doc: doc}
		if err != nil {
			b.Findings = append(b.Findings, loadFinding(Error, src, "cannot be split into YAML documents: "+err.Error(), "fix the YAML; documents are separated by lines of ---"))
			break
		}
		// Findings count too: a million documents of an unknown kind
		// cost as much as a million objects.
		before := len(b.Objects) + len(b.Findings)
		b.decodeDoc(src, chunk)
		if err := bud.addObjects(name, len(b.Objects)+len(b.Findings)-before); err != nil {
			return nil, err
		}
	}
	b.dedupe()
	return b, nil
}

func loadFinding(sev Severity, src Source, problem, fix string) Finding {
	return Finding{Severity: sev, Object: src.String(), Source: src.String(), Problem: problem, Fix: fix}
}

// decodeDoc decodes one document, a v1 List's items one by one.
func (b *Bundle) decodeDoc(src Source, chunk []byte) {
	j, err := yaml.YAMLToJSONStrict(chunk)
	if err != nil {
		b.Findings = append(b.Findings, loadFinding(Error, src, "is not valid YAML: "+cleanErr(err), "fix the YAML syntax of this document"))
		return
	}
	b.decodeJSON(src, j)
}

// decodeJSON decodes one document already in JSON form.
func (b *Bundle) decodeJSON(src Source, j []byte) {
	j = bytes.TrimSpace(j)
	if len(j) == 0 || string(j) == "null" {
		return // an empty document, as between two ---
	}
	if j[0] != '{' {
		b.Findings = append(b.Findings, loadFinding(Error, src, "is not a mapping: want a Kubernetes object with apiVersion, kind and metadata", "make the document a single object"))
		return
	}
	var tm struct {
		APIVersion string            `json:"apiVersion"`
		Kind       string            `json:"kind"`
		Items      []json.RawMessage `json:"items"`
	}
	if err := json.Unmarshal(j, &tm); err != nil {
		b.Findings = append(b.Findings, loadFinding(Error, src, "has a malformed apiVersion, kind or items: "+cleanErr(err), "give apiVersion and kind as strings"))
		return
	}
	if tm.APIVersion == "" || tm.Kind == "" {
		b.Findings = append(b.Findings, loadFinding(Error, src, "has no apiVersion or kind", "give every object its apiVersion and kind, e.g. apiVersion: apps/v1, kind: Deployment"))
		return
	}
	if tm.Kind == "List" && tm.APIVersion == "v1" {
		for _, item := range tm.Items {
			b.decodeObject(src, item)
		}
		return
	}
	b.decodeObject(src, j)
}

func (b *Bundle) decodeObject(src Source, j []byte) {
	obj, gvk, err := decoder().Decode(j, nil, nil)
	if err != nil && !runtime.IsStrictDecodingError(err) {
		if runtime.IsNotRegisteredError(err) || runtime.IsMissingKind(err) || runtime.IsMissingVersion(err) {
			kind := "an object"
			if gvk != nil && gvk.Kind != "" {
				kind = gvk.GroupVersion().String() + " " + gvk.Kind
			}
			b.Findings = append(b.Findings, loadFinding(Warning, src, kind+" is not a kind verify knows; it was not checked", "verify checks core/v1, apps/v1, batch/v1, networking.k8s.io/v1, policy/v1 and gateway.networking.k8s.io/v1 objects"))
			return
		}
		b.Findings = append(b.Findings, loadFinding(Error, src, "does not decode: "+cleanErr(err), "fix the field named in the message"))
		return
	}
	if obj == nil || gvk == nil {
		b.Findings = append(b.Findings, loadFinding(Error, src, "does not decode", "fix the document"))
		return
	}
	o := &Object{Source: src, Kind: gvk.Kind, Obj: obj}
	if err != nil {
		// Strict errors (unknown or duplicate fields) leave a usable
		// object: report them and check the rest.
		b.Findings = append(b.Findings, Finding{Severity: Error, Object: o.Ref(), Source: src.String(), Problem: "has fields Kubernetes does not know: " + cleanErr(err), Fix: "remove or correct the misspelt fields; the API server would drop them or reject the object"})
	}
	m, merr := metaOf(obj)
	if merr != nil {
		b.Findings = append(b.Findings, loadFinding(Warning, src, gvk.Kind+" is not a kind verify knows; it was not checked", ""))
		return
	}
	if m.GetName() == "" {
		b.Findings = append(b.Findings, loadFinding(Error, src, gvk.Kind+" has no metadata.name; it was not checked", "give the object a name"))
		return
	}
	if !clusterScoped[gvk.Kind] && m.GetNamespace() == "" {
		m.SetNamespace(metav1.NamespaceDefault)
	}
	b.Objects = append(b.Objects, o)
}

// dedupe reports objects defined twice (same kind, namespace and name) and
// keeps the first: the second would overwrite it on apply.
func (b *Bundle) dedupe() {
	seen := map[string]Source{}
	kept := b.Objects[:0]
	for _, o := range b.Objects {
		key := o.Ref()
		if first, dup := seen[key]; dup {
			b.Findings = append(b.Findings, Finding{Severity: Error, Object: key, Source: o.Source.String(), Problem: "is defined twice (first at " + first.String() + ")", Fix: "keep one definition; applying both makes the last one win"})
			continue
		}
		seen[key] = o.Source
		kept = append(kept, o)
	}
	b.Objects = kept
}

// cleanErr drops decoder prefixes so the message reads as one sentence.
func cleanErr(err error) string {
	s := err.Error()
	for _, p := range []string{"error converting YAML to JSON: ", "error unmarshaling JSON: ", "while decoding JSON: ", "json: "} {
		s = strings.ReplaceAll(s, p, "")
	}
	return s
}

// Merge appends the objects and findings of other bundles, reporting
// duplicates across them.
func Merge(bs ...*Bundle) *Bundle {
	out := &Bundle{}
	for _, b := range bs {
		out.Objects = append(out.Objects, b.Objects...)
		out.Findings = append(out.Findings, b.Findings...)
	}
	out.dedupe()
	return out
}

// FromObjects wraps typed objects (such as a generator's output) as a
// bundle, as if read from source in this order. Objects of kinds the
// scheme does not know, and nameless ones, become findings.
func FromObjects(source string, objs []runtime.Object) *Bundle {
	b := &Bundle{}
	for i, obj := range objs {
		src := Source{File: source, Doc: i + 1}
		if obj == nil || reflect.ValueOf(obj).IsNil() {
			continue
		}
		kind := obj.GetObjectKind().GroupVersionKind().Kind
		if kind == "" {
			if gvks, _, err := scheme().ObjectKinds(obj); err == nil && len(gvks) > 0 {
				kind = gvks[0].Kind
			}
		}
		m, err := metaOf(obj)
		if kind == "" || err != nil {
			b.Findings = append(b.Findings, loadFinding(Warning, src, fmt.Sprintf("%T is not a kind verify knows; it was not checked", obj), ""))
			continue
		}
		if m.GetName() == "" {
			b.Findings = append(b.Findings, loadFinding(Error, src, kind+" has no metadata.name; it was not checked", "give the object a name"))
			continue
		}
		if !clusterScoped[kind] && m.GetNamespace() == "" {
			obj = obj.DeepCopyObject()
			m, _ = metaOf(obj)
			m.SetNamespace(metav1.NamespaceDefault)
		}
		b.Objects = append(b.Objects, &Object{Source: src, Kind: kind, Obj: obj})
	}
	b.dedupe()
	return b
}
