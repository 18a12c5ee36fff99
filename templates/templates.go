// Package templates holds kubenetgen's embedded starting points: the preset
// specs the wizard offers, and the text of the human-facing files written
// beside a base. Manifests are never templated; they are typed objects.
package templates

import (
	"embed"
	"fmt"
	"io/fs"
	"strings"
)

//go:embed presets/*.yaml base-readme.md.tmpl
var files embed.FS

// Preset is one starting point of the wizard.
type Preset struct {
	// Name is the preset's key, e.g. three-tier.
	Name string
	// Title is the one-line description shown in the wizard.
	Title string
	// Spec is the kubenetgen.yaml text.
	Spec []byte
}

// presetOrder lists the presets in the order they are offered, with their
// titles.
var presetOrder = []struct{ name, title string }{
	{"three-tier", "three-tier web app: web → api → postgres, behind an Ingress with TLS"},
	{"api-worker-cache", "api + worker + cache: a public API, a background worker, Redis"},
	{"single-service", "single service: one HTTP tier inside the cluster"},
	{"gateway-shop", "Gateway API: the same web app behind a shared Gateway (Envoy Gateway)"},
	{"blank", "blank: start from nothing"},
}

// Presets returns every preset in the order the wizard offers them.
func Presets() []Preset {
	out := make([]Preset, 0, len(presetOrder))
	for _, p := range presetOrder {
		b, err := fs.ReadFile(files, "presets/"+p.name+".yaml")
		if err != nil {
			panic(fmt.Sprintf("templates: embedded preset %s missing: %v", p.name, err)) // a build defect, caught by tests
		}
		out = append(out, Preset{Name: p.name, Title: p.title, Spec: b})
	}
	return out
}

// PresetByName returns the named preset.
func PresetByName(name string) (Preset, error) {
	var names []string
	for _, p := range Presets() {
		if p.Name == name {
			return p, nil
		}
		names = append(names, p.Name)
	}
	return Preset{}, fmt.Errorf("%q is not a preset: use one of %s", name, strings.Join(names, ", "))
}

// BaseReadme is the text/template of the README.md written into a base.
func BaseReadme() string {
	b, err := fs.ReadFile(files, "base-readme.md.tmpl")
	if err != nil {
		panic("templates: embedded base-readme.md.tmpl missing: " + err.Error())
	}
	return string(b)
}
