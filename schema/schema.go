// Package schema makes the JSON Schema of kubenetgen.yaml from the spec's
// Go types, so that editors complete and check the file. The schema is
// published as schema/kubenetgen.schema.json; its test regenerates it
// with -update and fails when the published copy is stale.
//
// Descriptions come from the spec's doc comments; enums, patterns and
// bounds come from the same lists and rules spec.Validate applies, so the
// schema never refuses what Validate accepts. Validate stays the judge: it
// also checks what a schema cannot say (a tier that allowFrom names exists,
// nodePorts are unique, …).
package schema

import (
	"encoding/json"
	"fmt"
	"reflect"

	"github.com/invopop/jsonschema"

	"github.com/kubenetgen/kubenetgen/spec"
)

// ID is where the schema is published, and what the modeline names.
const ID = "https://raw.githubusercontent.com/kubenetgen/kubenetgen/main/schema/kubenetgen.schema.json"

// Modeline is the comment that tells YAML editors (through the YAML
// language server) which schema kubenetgen.yaml follows.
const Modeline = "# yaml-language-server: $schema=" + ID

// File is the published schema's name within this package's folder.
const File = "kubenetgen.schema.json"

// specPackage is the import path of the spec, whose doc comments become
// the schema's descriptions.
const specPackage = "github.com/kubenetgen/kubenetgen/spec"

// Patterns that spec.Validate's checks accept (k8s.io/apimachinery's
// validation), with their lengths.
const (
	dns1035Label = `^[a-z]([-a-z0-9]*[a-z0-9])?$`
	dns1123Label = `^[a-z0-9]([-a-z0-9]*[a-z0-9])?$`
	// dns1123Subdomain: dot-separated DNS-1123 labels.
	dns1123Subdomain = `^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$`
	// ianaSvcName: a port name; Validate also refuses "--" and names
	// without a letter.
	ianaSvcName = `^[a-z0-9]([-a-z0-9]*[a-z0-9])?$`
	// quantity is Kubernetes' resource quantity syntax, without the
	// negative numbers Validate refuses.
	quantity = `^\+?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eEinumkKMGTP]*[-+]?[0-9]*)$`
)

// Generate returns the schema of kubenetgen.yaml, indented JSON with a
// final newline. specDir is the spec package's source folder, whose last
// element is spec, for the descriptions.
func Generate(specDir string) ([]byte, error) {
	r := &jsonschema.Reflector{
		ExpandedStruct: true,
		// spec.Load refuses unknown fields; so does the schema.
		AllowAdditionalProperties: false,
		Mapper:                    mapper,
	}
	// The comments are keyed by import path: base joined with the folder
	// of each file, which for specDir ../spec is the spec's own path.
	if err := r.AddGoComments(specPackage, specDir); err != nil {
		return nil, fmt.Errorf("reading the spec's doc comments in %s: %w", specDir, err)
	}
	s := r.Reflect(&spec.App{})
	s.ID = jsonschema.ID(ID)
	s.Title = "kubenetgen.yaml"
	s.Description = "The spec of an app for kubenetgen: its tiers, who may call whom, how it is reached from outside, and the cluster facts its NetworkPolicies depend on."
	if err := refine(s); err != nil {
		return nil, err
	}
	b, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}

// mapper gives the schema of the spec's types that decode from more than
// one JSON form.
func mapper(t reflect.Type) *jsonschema.Schema {
	switch t {
	case reflect.TypeFor[spec.Quantity]():
		return &jsonschema.Schema{
			Description: "A Kubernetes resource quantity (250m, 1, 1.5, 256Mi), as a string or a bare number.",
			OneOf: []*jsonschema.Schema{
				{Type: "string", Pattern: quantity},
				{Type: "number", Minimum: "0"},
			},
		}
	}
	return nil
}

// refine adds to the reflected schema what the Go types do not say: the
// allowed values and the forms of names, as spec.Validate checks them.
func refine(s *jsonschema.Schema) error {
	type edit struct {
		def, prop string
		fn        func(*jsonschema.Schema)
	}
	enum := func(vals ...string) func(*jsonschema.Schema) {
		return func(p *jsonschema.Schema) {
			for _, v := range vals {
				p.Enum = append(p.Enum, v)
			}
		}
	}
	pattern := func(re string, max uint64, desc string) func(*jsonschema.Schema) {
		return func(p *jsonschema.Schema) {
			p.Pattern, p.MaxLength = re, &max
			if p.Description == "" {
				p.Description = desc
			}
		}
	}
	port := func(p *jsonschema.Schema) { p.Minimum, p.Maximum = "1", "65535" }
	edits := []edit{
		{"", "apiVersion", func(p *jsonschema.Schema) {
			p.Const = spec.APIVersion
			p.Description = "Always " + spec.APIVersion + "."
		}},
		{"", "kind", func(p *jsonschema.Schema) { p.Const = spec.Kind; p.Description = "Always " + spec.Kind + "." }},
		{"", "name", pattern(dns1035Label, 63, "The app's name, a DNS-1035 label such as shop: the prefix of its objects and the default namespace.")},
		{"", "namespace", pattern(dns1123Label, 63, "The namespace the app runs in; defaults to its name.")},
		{"", "tiers", func(p *jsonschema.Schema) {
			if p.Description == "" {
				p.Description = "The app's tiers, each a Deployment with its Service and NetworkPolicy."
			}
		}},
		{"Tier", "name", pattern(dns1035Label, 63, "The tier's name, a DNS-1035 label such as api.")},
		{"Tier", "image", func(p *jsonschema.Schema) {
			p.Pattern = `^\S+$`
			p.Description = "The container image, such as ghcr.io/acme/api:1.4."
		}},
		{"Tier", "replicas", func(p *jsonschema.Schema) { p.Minimum = "0" }},
		{"Tier", "imagePullPolicy", enum(spec.PullPolicies...)},
		{"Port", "name", pattern(ianaSvcName, 15, "An IANA service name such as http.")},
		{"Port", "port", port},
		{"Port", "servicePort", port},
		{"Port", "nodePort", port},
		{"Port", "protocol", enum(spec.Protocols...)},
		{"Expose", "type", enum(spec.Exposures...)},
		{"Expose", "externalTrafficPolicy", enum("Local", "Cluster")},
		{"Ingress", "class", pattern(dns1123Subdomain, 253, "")},
		{"Ingress", "tlsIssuer", pattern(dns1123Subdomain, 253, "")},
		{"Controller", "namespace", pattern(dns1123Label, 63, "The namespace of the controller's pods.")},
		{"Rule", "pathType", enum(spec.PathTypes...)},
		{"Rule", "tls", pattern(dns1123Subdomain, 253, "")},
		{"DNS", "namespace", pattern(dns1123Label, 63, "")},
		{"DNS", "port", port},
		{"APIServer", "port", port},
		{"PolicyEngine", "enforced", enum(spec.Enforcements...)},
		{"Egress", "ports", func(p *jsonschema.Schema) { port(p.Items) }},
	}
	for _, e := range edits {
		owner := s
		if e.def != "" {
			owner = s.Definitions[e.def]
			if owner == nil {
				return fmt.Errorf("schema: no definition %s", e.def)
			}
		}
		p, ok := owner.Properties.Get(e.prop)
		if !ok {
			return fmt.Errorf("schema: %s has no property %s", e.def, e.prop)
		}
		e.fn(p)
	}
	// expose takes the short form `expose: NodePort` too.
	ex := s.Definitions["Expose"]
	typ, _ := ex.Properties.Get("type")
	obj := *ex
	*ex = jsonschema.Schema{
		Description: obj.Description,
		OneOf: []*jsonschema.Schema{
			{Type: "string", Enum: typ.Enum, Description: "The short form: the Service type alone."},
			&obj,
		},
	}
	obj.Description = ""
	return nil
}
