package verify

import (
	"errors"
	"fmt"
	"path/filepath"
	"regexp"
	"strings"

	"sigs.k8s.io/kustomize/api/konfig"
	"sigs.k8s.io/kustomize/api/krusty"
	"sigs.k8s.io/kustomize/api/resource"
	"sigs.k8s.io/kustomize/kyaml/filesys"
	kyaml "sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/kubenetgen/kubenetgen/internal/kustbuild"
)

// krusty has no option to turn off remote loading: its loader fetches an
// http(s) resource with the default HTTP client and clones a git URL by
// running git. It does read every kustomization file, and every builtin
// generator or transformer configuration, through the FileSystem it is
// given, before it acts on what they name. guardedFS is that FileSystem:
// it counts every read against the load's limits, checks aliases before
// kustomize parses (kustomize expands them all, unbounded), and refuses a
// kustomization or configuration that names anything remote — so that
// kustomize stops before it fetches it. What it refused is kept, since
// kustomize wraps errors into text.
type guardedFS struct {
	filesys.FileSystem
	budget      *budget
	allowRemote bool
	// onDisk: the files are the real ones, and a path that is not a
	// regular file is refused before it is opened (a FIFO would block).
	onDisk bool
	// lean: the reader is kustbuild, which takes nothing but objects of
	// the kinds kubenetgen writes and follows no path named inside one,
	// and which parses each file itself: a file other than the
	// kustomization is not parsed here too (its objects are counted
	// once built) nor searched for builtin configurations.
	lean bool

	refused error
	remote  []Finding
}

var errRemote = errors.New("remote reference refused")

// ReadFile reads through the budget and the checks.
func (g *guardedFS) ReadFile(path string) ([]byte, error) {
	if g.refused != nil {
		return nil, g.refused
	}
	if g.IsDir(path) {
		return g.FileSystem.ReadFile(path) // its own error, as kustomize expects
	}
	var data []byte
	var err error
	if g.onDisk {
		data, err = g.budget.readFile(path, false)
	} else {
		var f filesys.File
		if f, err = g.Open(path); err != nil {
			return nil, err
		}
		data, err = g.budget.read(path, f)
		f.Close()
	}
	if err != nil {
		var le *LimitError
		if errors.As(err, &le) {
			g.refused = err
		}
		return nil, err
	}
	if err := g.check(path, data); err != nil {
		g.refused = err
		return nil, err
	}
	return data, nil
}

// check applies the alias limit, counts resource documents against the
// object limit and looks for remote references.
func (g *guardedFS) check(path string, data []byte) error {
	if err := g.budget.checkAliases(path, data); err != nil {
		return err
	}
	isKustomization := false
	for _, k := range konfig.RecognizedKustomizationFileNames() {
		isKustomization = isKustomization || filepath.Base(path) == k
	}
	if g.lean && !isKustomization {
		return nil
	}
	docs, err := yamlNodes(data)
	if err != nil {
		return nil // not YAML, or broken: kustomize says which
	}
	if !isKustomization {
		if err := g.budget.addObjects(path, len(docs)); err != nil {
			return err
		}
	}
	if g.allowRemote {
		return nil
	}
	before := len(g.remote)
	for _, d := range docs {
		if isKustomization || isBuiltinConfig(d) {
			g.findRemote(path, "", d)
		}
	}
	if len(g.remote) > before {
		return errRemote
	}
	return nil
}

// isBuiltinConfig reports whether a document configures one of
// kustomize's builtin generators or transformers (apiVersion builtin), the
// only plugins verify lets kustomize run.
func isBuiltinConfig(d *kyaml.Node) bool {
	n := d
	if n.Kind == kyaml.DocumentNode && len(n.Content) == 1 {
		n = n.Content[0]
	}
	if n.Kind != kyaml.MappingNode {
		return false
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == "apiVersion" {
			return n.Content[i+1].Value == konfig.BuiltinPluginApiVersion
		}
	}
	return false
}

// pathKeys are the fields of a kustomization, and of builtin plugin
// configurations, whose values kustomize loads: as a file (an http(s) URL
// is fetched) or as a base or component (a git URL is cloned).
var pathKeys = map[string]bool{
	"resources": true, "bases": true, "components": true, "crds": true,
	"configurations": true, "generators": true, "transformers": true,
	"validators": true, "patchesStrategicMerge": true, "path": true,
	"paths": true, "files": true, "envs": true, "env": true,
}

// findRemote records a finding for every remote reference under a path
// key of n. A string holding YAML (an inline generator, transformer or
// patch) is searched too.
func (g *guardedFS) findRemote(file, field string, n *kyaml.Node) {
	switch n.Kind {
	case kyaml.DocumentNode:
		for _, c := range n.Content {
			g.findRemote(file, field, c)
		}
	case kyaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i].Value, n.Content[i+1]
			f := joinField(field, k)
			if pathKeys[k] {
				g.remoteValue(file, f, k, v)
			}
			g.findRemote(file, f, v)
		}
	case kyaml.SequenceNode:
		for i, c := range n.Content {
			g.findRemote(file, fmt.Sprintf("%s[%d]", field, i), c)
		}
	case kyaml.ScalarNode:
		if strings.Contains(n.Value, "\n") {
			if docs, err := yamlNodes([]byte(n.Value)); err == nil {
				for _, d := range docs {
					g.findRemote(file, field, d)
				}
			}
		}
	}
}

// remoteValue checks the value of a path key: a string or a list of them.
func (g *guardedFS) remoteValue(file, field, key string, v *kyaml.Node) {
	check := func(f, s string) {
		if key == "files" {
			// files: [key=path] names the key of the data.
			if _, p, ok := strings.Cut(s, "="); ok {
				s = p
			}
		}
		// A string holding YAML is an inline configuration, not a
		// path: findRemote searches it.
		if !strings.Contains(s, "\n") && isRemote(s) {
			g.remote = append(g.remote, Finding{
				Severity: Error, Object: file, Field: f, Source: file,
				Problem: fmt.Sprintf("names the remote %q: verify does not fetch anything, so it is refused", s),
				Fix:     "vendor it into the repository and name the local copy, or, for input you trust, run verify with --allow-remote to let kustomize fetch it (over the network, running git)",
			})
		}
	}
	switch v.Kind {
	case kyaml.ScalarNode:
		check(field, v.Value)
	case kyaml.SequenceNode:
		for i, c := range v.Content {
			if c.Kind == kyaml.ScalarNode {
				check(fmt.Sprintf("%s[%d]", field, i), c.Value)
			}
		}
	}
}

func joinField(parent, k string) string {
	if parent == "" {
		return k
	}
	return parent + "." + k
}

// scpLike is git's "user@host:path" form, which kustomize clones.
var scpLike = regexp.MustCompile(`^[^/@:\s]+@[^/:\s]+:`)

// isRemote reports whether kustomize would fetch s rather than read it
// from the folder: any URL (http, https, ssh, file, git…: file:// too
// runs git), the go-getter "git::" prefix, git's scp-like form, and
// github.com paths, which kustomize clones without a scheme. It errs on
// the side of refusing.
func isRemote(s string) bool {
	s = strings.TrimSpace(s)
	l := strings.ToLower(s)
	return strings.Contains(s, "://") || strings.HasPrefix(l, "git::") ||
		scpLike.MatchString(s) || strings.HasPrefix(l, "github.com/") || strings.HasPrefix(l, "github.com:")
}

// LoadKustomize builds the kustomization at dir in fs, as `kustomize build`
// would, and loads the result. A failed build is one error finding; a
// remote reference (unless o.AllowRemote) is one finding each, and nothing
// is fetched. Input past a limit of o is a *LimitError.
func LoadKustomize(fs filesys.FileSystem, dir string, o LoadOptions) (*Bundle, error) {
	return loadKustomize(&guardedFS{FileSystem: fs, budget: newBudget(o), allowRemote: o.AllowRemote}, dir)
}

func loadKustomize(g *guardedFS, dir string) (*Bundle, error) {
	// A folder of kubenetgen's own untouched files is built without
	// kustomize's engine (quadratic in the objects), with kustomize's
	// parts and the same reads through g: every limit and the no-remote
	// rule hold as they do for kustomize. Each object goes to JSON as
	// soon as it is built, so that the parsed objects are not all held at
	// once. Anything else goes to kustomize from a fresh budget, since the
	// fast path may have read files.
	g.lean = true
	fast, ok, err := kustbuild.Map(g, dir, func(r *resource.Resource) encoded {
		j, err := kustbuild.JSON(r)
		return encoded{j, err}
	})
	g.lean = false
	switch {
	case g.refused != nil:
		return refusedBundle(g)
	case err != nil:
		return &Bundle{Findings: []Finding{buildFailed(dir, err)}}, nil
	case ok:
		return bundleOf(g, dir, len(fast), func(i int) ([]byte, error) {
			e := fast[i]
			fast[i] = encoded{}
			return e.json, e.err
		})
	}
	g = &guardedFS{FileSystem: g.FileSystem, budget: newBudget(g.budget.o), allowRemote: g.allowRemote, onDisk: g.onDisk}
	rm, err := krusty.MakeKustomizer(krusty.MakeDefaultOptions()).Run(g, dir)
	switch {
	case g.refused != nil:
		return refusedBundle(g)
	case err != nil:
		return &Bundle{Findings: []Finding{buildFailed(dir, err)}}, nil
	}
	rs := rm.Resources()
	return bundleOf(g, dir, len(rs), func(i int) ([]byte, error) { return rs[i].MarshalJSON() })
}

// encoded is one object of the fast path as JSON.
type encoded struct {
	json []byte
	err  error
}

// refusedBundle is what a load refused by g gives: a finding for each
// remote reference, or the limit's error.
func refusedBundle(g *guardedFS) (*Bundle, error) {
	if errors.Is(g.refused, errRemote) {
		return &Bundle{Findings: SortFindings(g.remote)}, nil
	}
	return nil, g.refused
}

func buildFailed(dir string, err error) Finding {
	return Finding{
		Severity: Error, Object: dir, Source: dir,
		Problem: "kustomize build failed: " + err.Error(),
		Fix:     "fix the kustomization so that `kustomize build " + dir + "` succeeds",
	}
}

// bundleOf decodes the n built objects, within the object limit. toJSON
// gives the i-th as JSON: kustomize's MarshalJSON, or for kubenetgen's own
// objects (the fast path) kustbuild.JSON, held equal to it on them by a
// test.
func bundleOf(g *guardedFS, dir string, n int, toJSON func(i int) ([]byte, error)) (*Bundle, error) {
	if n > g.budget.o.MaxObjects {
		return nil, g.budget.objectsError(dir)
	}
	// No YAML text in between. The objects are independent: they are
	// decoded over the cores, each into its own bundle, joined in order.
	parts := make([]Bundle, n)
	kustbuild.Each(n, func(i int) {
		src := Source{File: dir, Doc: i + 1}
		j, err := toJSON(i)
		if err != nil {
			parts[i].Findings = append(parts[i].Findings, loadFinding(Error, src, "cannot be encoded: "+err.Error(), ""))
			return
		}
		parts[i].decodeJSON(src, j)
	})
	b := &Bundle{}
	for i := range parts {
		b.Objects = append(b.Objects, parts[i].Objects...)
		b.Findings = append(b.Findings, parts[i].Findings...)
	}
	b.dedupe()
	return b, nil
}
