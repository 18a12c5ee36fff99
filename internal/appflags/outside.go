package appflags

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/kubenetgen/kubenetgen/spec"
)

// placeIn returns the tier named tier, or nil after keeping a problem of
// the flag's value, which has nowhere to go.
func placeIn(v *Values, a *spec.App, flag, value, tier string) *spec.Tier {
	t := a.Tier(tier)
	if t == nil {
		v.Unplaced = append(v.Unplaced, spec.Problem{Field: "--" + flag + " " + value, Message: spec.NotATier(a, tier)})
	}
	return t
}

// addOrMerge appends item to *list, or merges it into the first entry
// that match accepts: the same pods given again.
func addOrMerge[T any](list *[]T, item T, match func(T) bool, merge func(*T)) {
	if i := slices.IndexFunc(*list, match); i >= 0 {
		merge(&(*list)[i])
		return
	}
	*list = append(*list, item)
}

// appendNew appends the elements of add that dst lacks.
func appendNew[E comparable](dst []E, add ...E) []E {
	for _, e := range add {
		if !slices.Contains(dst, e) {
			dst = append(dst, e)
		}
	}
	return dst
}

// applyCallers adds each --allow-from caller to its tier; the same pods
// given again add their ports to the entry.
func applyCallers(v *Values, _ func(string) bool, a *spec.App) error {
	for _, s := range v.Callers {
		tier, c, err := spec.ParseCaller(s)
		if err != nil {
			return fmt.Errorf("--%s %w", FlagAllowFrom, err)
		}
		t := placeIn(v, a, FlagAllowFrom, s, tier)
		if t == nil {
			continue
		}
		addOrMerge(&t.AllowFromNamespaces, c, func(x spec.Caller) bool {
			return x.Preset == "" && x.Namespace == c.Namespace && maps.Equal(x.PodLabels, c.PodLabels)
		}, func(x *spec.Caller) { x.Ports = appendNew(x.Ports, c.Ports...) })
	}
	return nil
}

// applyCallees adds each --egress-to callee to its tier; the same pods
// given again add their ports to the entry.
func applyCallees(v *Values, _ func(string) bool, a *spec.App) error {
	for _, s := range v.Callees {
		tier, c, err := spec.ParseCallee(s)
		if err != nil {
			return fmt.Errorf("--%s %w", FlagEgressTo, err)
		}
		t := placeIn(v, a, FlagEgressTo, s, tier)
		if t == nil {
			continue
		}
		addOrMerge(&t.Egress.Namespaces, c, func(x spec.Callee) bool {
			return x.Namespace == c.Namespace && maps.Equal(x.PodLabels, c.PodLabels)
		}, func(x *spec.Callee) { x.Ports = appendNew(x.Ports, c.Ports...) })
	}
	return nil
}

// applyScrapes lets each --scrape's Prometheus reach its tier's port.
func applyScrapes(v *Values, _ func(string) bool, a *spec.App) error {
	for _, s := range v.Scrapes {
		sc, err := spec.ParseScrape(s)
		if err != nil {
			return fmt.Errorf("--%s %w", FlagScrape, err)
		}
		if t := placeIn(v, a, FlagScrape, s, sc.Tier); t != nil {
			t.AddScrape(sc.Preset, sc.Namespace, sc.Port)
		}
	}
	return nil
}

// callerOrigin names --scrape for a problem of a scraper preset's entry
// and --allow-from for one of pods given by labels, when given.
func callerOrigin(o *origins, field string) string {
	var i, j int
	if _, err := fmt.Sscanf(field, "tiers[%d].allowFromNamespaces[%d]", &i, &j); err == nil && i < len(o.app.Tiers) && j < len(o.app.Tiers[i].AllowFromNamespaces) {
		if o.app.Tiers[i].AllowFromNamespaces[j].Preset != "" {
			return o.given(FlagScrape)
		}
	}
	return o.given(FlagAllowFrom)
}

// completeScrape offers TIER:PORT=PRESET once TIER:PORT is typed.
func completeScrape(_ *cobra.Command, _ []string, toComplete string) ([]string, cobra.ShellCompDirective) {
	ref, _, _ := strings.Cut(toComplete, "=")
	if !strings.Contains(ref, ":") {
		return nil, cobra.ShellCompDirectiveNoFileComp | cobra.ShellCompDirectiveNoSpace
	}
	var out []string
	for _, p := range spec.ScraperPresetNames {
		out = append(out, ref+"="+p)
	}
	return out, cobra.ShellCompDirectiveNoFileComp
}
