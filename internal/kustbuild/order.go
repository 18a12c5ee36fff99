// Package kustbuild does what `kustomize build` does to a kustomization of
// the shape kubenetgen writes (local resource files, the labels it adds,
// secretGenerator for self-signed TLS), in time linear in the objects.
//
// kustomize's own build checks every appended object against all the
// others and fixes name references by scanning all of them: quadratic, a
// 1,000-tier base takes most of a minute. kustomize exports the parts
// (resource parsing, the labels filter, the Secret generator, the YAML
// output) but not its legacy output order, which this package mirrors.
// Both generate (for `generate -o -`) and verify (for a folder holding only
// kubenetgen's untouched files) use it; tests hold each byte-equal to
// kustomize's build.
package kustbuild

import (
	"sort"

	"sigs.k8s.io/kustomize/kyaml/resid"
)

// orderFirst and orderLast are kustomize's legacy output order: the kinds
// it prints first, and last, in this order; all others in between. They
// are kustomize's defaults (api/internal/builtins/SortOrderTransformer.go),
// which are not exported.
var (
	orderFirst = []string{
		"Namespace", "ResourceQuota", "StorageClass", "CustomResourceDefinition",
		"ServiceAccount", "PodSecurityPolicy", "Role", "ClusterRole", "RoleBinding",
		"ClusterRoleBinding", "ConfigMap", "Secret", "Endpoints", "Service",
		"LimitRange", "PriorityClass", "PersistentVolume", "PersistentVolumeClaim",
		"Deployment", "StatefulSet", "CronJob", "PodDisruptionBudget",
	}
	orderLast = []string{"MutatingWebhookConfiguration", "ValidatingWebhookConfiguration"}
	kindRank  = func() map[string]int {
		m := map[string]int{}
		for i, k := range orderFirst {
			m[k] = -len(orderFirst) + i
		}
		for i, k := range orderLast {
			m[k] = 1 + i
		}
		return m
	}()
)

// Sort orders items by their ids as `kustomize build` prints them by
// default (its legacy order): by kind rank, then group, version and kind,
// then namespace and name. ids[i] is the id of item i; both are reordered.
func Sort[T any](ids []resid.ResId, items []T) {
	keys := make([]string, len(ids))
	for i, id := range ids {
		keys[i] = idKey(id)
	}
	sort.Sort(sorter[T]{ids, keys, items})
}

type sorter[T any] struct {
	ids   []resid.ResId
	keys  []string
	items []T
}

func (s sorter[T]) Len() int { return len(s.ids) }
func (s sorter[T]) Swap(i, j int) {
	s.ids[i], s.ids[j] = s.ids[j], s.ids[i]
	s.keys[i], s.keys[j] = s.keys[j], s.keys[i]
	s.items[i], s.items[j] = s.items[j], s.items[i]
}
func (s sorter[T]) Less(i, j int) bool {
	a, b := s.ids[i].Gvk, s.ids[j].Gvk
	if !a.Equals(b) {
		ra, rb := kindRank[a.Kind], kindRank[b.Kind]
		if ra != rb {
			return ra < rb
		}
		if a.Kind == "Namespace" && b.Kind == "Namespace" && (a.Group == "" || b.Group == "") {
			return gvkKey(a) > gvkKey(b)
		}
		return gvkKey(a) < gvkKey(b)
	}
	return s.keys[i] < s.keys[j]
}

func gvkKey(g resid.Gvk) string {
	gr, v, k := g.Group, g.Version, g.Kind
	if gr == "" {
		gr = "~G"
	}
	if v == "" {
		v = "~V"
	}
	if k == "" {
		k = "~K"
	}
	return gr + "_" + v + "_" + k
}

func idKey(id resid.ResId) string {
	ns, n := id.Namespace, id.Name
	if ns == "" {
		ns = "~X"
	}
	if n == "" {
		n = "~N"
	}
	return id.Gvk.String() + "|" + ns + "|" + n
}
