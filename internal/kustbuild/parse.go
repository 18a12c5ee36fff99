package kustbuild

import (
	"bytes"
	"strings"

	"sigs.k8s.io/kustomize/api/konfig"
	"sigs.k8s.io/kustomize/api/resource"
	"sigs.k8s.io/kustomize/kyaml/kio"
	kyaml "sigs.k8s.io/kustomize/kyaml/yaml"
)

// parse is rf.SliceFromBytes(data) for the files Build takes, without its
// most expensive step when that step changes nothing. kustomize reads with
// kio.FromBytes, which "de-anchors" every document: it replaces aliases
// by copies, merges "<<" keys, and to do so copies every mapping at every
// depth, whatever the document holds (most of the time of parsing a large
// base). On a document with no anchor, alias or merge key, and no mapping
// with two keys of the same value, that copy equals the original, node for
// node. Any document that is not so, and anything else that
// rf.SliceFromBytes would treat specially (an empty document, a List to
// inline, an incomplete object, a local configuration), is left to
// rf.SliceFromBytes itself. A test holds the two equal on such documents.
func parse(rf *resource.Factory, data []byte) ([]*resource.Resource, error) {
	nodes, err := (&kio.ByteReader{OmitReaderAnnotations: true, Reader: bytes.NewReader(data)}).Read()
	if err != nil {
		return rf.SliceFromBytes(data)
	}
	for _, n := range nodes {
		if !plainObject(n) {
			return rf.SliceFromBytes(data)
		}
	}
	return rf.ResourcesFromRNodes(nodes)
}

// plainObject reports whether kustomize takes n as it is: an object with
// a kind (not a List) and a name, no local-configuration annotation, no
// null item in a list, and a tree that de-anchoring leaves unchanged.
func plainObject(n *kyaml.RNode) bool {
	if n.IsNilOrEmpty() || !plainTree(n.YNode()) {
		return false
	}
	m, err := n.GetValidatedMetadata()
	if err != nil || strings.HasSuffix(m.Kind, "List") {
		return false
	}
	if _, local := m.Annotations[konfig.IgnoredByKustomizeAnnotation]; local {
		return false
	}
	nilEntry, _ := n.HasNilEntryInList()
	return !nilEntry
}

// plainTree reports whether n and everything under it has no anchor, no
// alias and no merge key, and every mapping's keys are scalars of
// distinct values: what de-anchoring copies without a change.
func plainTree(n *kyaml.Node) bool {
	if n == nil {
		return true
	}
	if n.Anchor != "" || n.Kind == kyaml.AliasNode {
		return false
	}
	if n.Kind == kyaml.MappingNode && !distinctKeys(n.Content) {
		return false
	}
	for _, c := range n.Content {
		if !plainTree(c) {
			return false
		}
	}
	return true
}

// distinctKeys reports whether the keys of a mapping's content (key,
// value, key, value…) are plain scalars of distinct values. (kustomize's
// de-anchoring keeps the first of two equal keys as it is today; a
// mapping with two is left to it all the same, in case that changes.) A small
// mapping is searched, a large one hashed, so that a mapping of many keys
// costs linear time.
func distinctKeys(content []*kyaml.Node) bool {
	var seen map[string]bool
	if len(content) > 32 {
		seen = make(map[string]bool, len(content)/2)
	}
	for i := 0; i < len(content); i += 2 {
		k := content[i]
		if k.Kind != kyaml.ScalarNode || k.Tag == kyaml.MergeTag || k.Anchor != "" {
			return false
		}
		if seen != nil {
			if seen[k.Value] {
				return false
			}
			seen[k.Value] = true
			continue
		}
		for j := 0; j < i; j += 2 {
			if content[j].Value == k.Value {
				return false
			}
		}
	}
	return true
}
