package verify

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"

	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	kyaml "sigs.k8s.io/kustomize/kyaml/yaml"
)

// LoadOptions bound what Load reads, so that verify can be run on
// untrusted input (a pull request's manifests in CI): every path — a file,
// standard input, a plain folder and every file kustomize reads — counts
// against the same limits, and breaking one is a *LimitError.
type LoadOptions struct {
	// MaxBytes is the most bytes read in all. Every file kustomize reads
	// counts each time it is read, so a base included many times costs
	// what it would cost written out.
	MaxBytes int64
	// MaxAliasNodes is the most YAML nodes that aliases may add to what is
	// written: a few hundred bytes of nested aliases (a "billion laughs")
	// would otherwise expand to billions of nodes.
	MaxAliasNodes int64
	// MaxObjects is the most objects (documents and List items) loaded,
	// and the most documents kustomize may read as resources.
	MaxObjects int
	// AllowRemote lets kustomize fetch remote resources, bases and
	// components (URLs, git repositories) as `kustomize build` does. Off,
	// a remote reference is refused before anything is fetched. What is
	// fetched over HTTP is not bounded by the limits above.
	AllowRemote bool
}

// The default limits: above any application's manifests (a 1,000-tier
// kubenetgen base is about 5,000 objects), below what exhausts a CI
// runner. Objects bound time as well as memory: the matrix pairs every
// workload with every other, and 10,000 workloads take about a minute.
const (
	DefaultMaxBytes      = 64 << 20
	DefaultMaxAliasNodes = 100_000
	DefaultMaxObjects    = 10_000
)

// Defaulted returns o with each unset limit at its default.
func (o LoadOptions) Defaulted() LoadOptions {
	if o.MaxBytes <= 0 {
		o.MaxBytes = DefaultMaxBytes
	}
	if o.MaxAliasNodes <= 0 {
		o.MaxAliasNodes = DefaultMaxAliasNodes
	}
	if o.MaxObjects <= 0 {
		o.MaxObjects = DefaultMaxObjects
	}
	return o
}

// LimitError is input refused for breaking a limit of LoadOptions: it
// names what was being read, the limit, and the flag that raises it.
type LimitError struct {
	// Where is the file (or "-") being read when the limit was reached.
	Where string
	// What is what was counted: "bytes", "YAML nodes added by aliases",
	// "objects".
	What string
	// Limit is the value of the limit.
	Limit int64
	// Flag is the verify flag that sets the limit.
	Flag string
}

func (e *LimitError) Error() string {
	return fmt.Sprintf("%s: input refused: more than %d %s (the limit of %s); if the input is trusted, raise the limit with %s",
		e.Where, e.Limit, e.What, e.Flag, e.Flag)
}

// budget counts what one Load has read against its limits.
type budget struct {
	o       LoadOptions
	bytes   int64
	aliases int64
	objects int
}

func newBudget(o LoadOptions) *budget { return &budget{o: o.Defaulted()} }

func (b *budget) bytesError(where string) error {
	return &LimitError{Where: where, What: "bytes", Limit: b.o.MaxBytes, Flag: "--max-input-bytes"}
}

func (b *budget) objectsError(where string) error {
	return &LimitError{Where: where, What: "objects", Limit: int64(b.o.MaxObjects), Flag: "--max-objects"}
}

// addObjects counts n more objects read from where.
func (b *budget) addObjects(where string, n int) error {
	b.objects += n
	if b.objects > b.o.MaxObjects {
		return b.objectsError(where)
	}
	return nil
}

// read reads r to its end, refusing more than the bytes left.
func (b *budget) read(where string, r io.Reader) ([]byte, error) {
	left := b.o.MaxBytes - b.bytes
	data, err := io.ReadAll(io.LimitReader(r, left+1))
	b.bytes += int64(len(data))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > left {
		return nil, b.bytesError(where)
	}
	return data, nil
}

// readFile reads a file named on the command line or found in a plain
// folder. Only a regular file is read from a folder (a FIFO would hang the
// run, a device never end); a file named explicitly may also be a pipe, as
// in `verify <(kubectl get …)`. A file too big is refused before reading.
func (b *budget) readFile(path string, named bool) ([]byte, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() && !named {
		return nil, fmt.Errorf("%s is not a regular file", path)
	}
	if fi.Mode().IsRegular() && fi.Size() > b.o.MaxBytes-b.bytes {
		return nil, b.bytesError(path)
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return b.read(path, f)
}

// checkAliases refuses YAML whose aliases would add more nodes than the
// budget has left. Aliases are counted on the parsed node tree, where they
// are still references, so the check costs what parsing costs however
// large the expansion would be. Text without both an anchor and an alias
// character cannot use aliases and is not parsed. Text that does not parse
// is left to the real parser to report.
func (b *budget) checkAliases(where string, data []byte) error {
	if bytes.IndexByte(data, '*') < 0 || bytes.IndexByte(data, '&') < 0 {
		return nil
	}
	// Whole-stream first (as kustomize parses); if that fails, document by
	// document (as LoadYAML parses), so that a broken document cannot hide
	// a bomb in the next one.
	docs, err := yamlNodes(data)
	if err != nil {
		docs = nil
		r := utilyaml.NewYAMLReader(bufio.NewReader(bytes.NewReader(data)))
		for {
			chunk, err := r.Read()
			if err != nil {
				break
			}
			if ns, err := yamlNodes(chunk); err == nil {
				docs = append(docs, ns...)
			}
		}
	}
	for _, d := range docs {
		added, err := aliasNodes(d)
		b.aliases = min(b.aliases+added, saturated)
		if err != nil || b.aliases > b.o.MaxAliasNodes {
			return &LimitError{Where: where, What: "YAML nodes added by aliases", Limit: b.o.MaxAliasNodes, Flag: "--max-alias-nodes"}
		}
	}
	return nil
}

// yamlNodes parses every document of data into node trees, aliases
// unexpanded.
func yamlNodes(data []byte) ([]*kyaml.Node, error) {
	dec := kyaml.NewDecoder(bytes.NewReader(data))
	var out []*kyaml.Node
	for {
		n := new(kyaml.Node)
		if err := dec.Decode(n); err != nil {
			if errors.Is(err, io.EOF) {
				return out, nil
			}
			return nil, err
		}
		out = append(out, n)
	}
}

// errAliasCycle is an alias inside the node it names: endless expansion.
var errAliasCycle = errors.New("an alias refers to a node that contains it")

// aliasNodes returns how many nodes expanding root's aliases would add.
// Each node's expanded size is computed once (memoised), so the cost is
// linear in the nodes as written; sizes saturate at saturated rather than
// overflow.
func aliasNodes(root *kyaml.Node) (int64, error) {
	const inProgress = -1
	size := map[*kyaml.Node]int64{}
	var written int64
	var expanded func(n *kyaml.Node) (int64, error)
	expanded = func(n *kyaml.Node) (int64, error) {
		if s, ok := size[n]; ok {
			if s == inProgress {
				return 0, errAliasCycle
			}
			return s, nil
		}
		size[n] = inProgress
		if n.Kind == kyaml.AliasNode && n.Alias != nil {
			s, err := expanded(n.Alias)
			size[n] = s
			return s, err
		}
		written++
		s := int64(1)
		for _, c := range n.Content {
			cs, err := expanded(c)
			if err != nil {
				return 0, err
			}
			s = min(s+cs, saturated)
		}
		size[n] = s
		return s, nil
	}
	total, err := expanded(root)
	if total >= saturated {
		return saturated, err
	}
	return total - written, err
}

// saturated stands for "more nodes than any limit".
const saturated = 1 << 50
