package generate_test

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/kubenetgen/kubenetgen/internal/cli/root"
	"github.com/kubenetgen/kubenetgen/internal/cmdutil"
	"github.com/kubenetgen/kubenetgen/internal/iostreams"
)

// run executes kubenetgen in-process and returns its exit code, stdout and
// stderr.
func run(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	ios, _, stdout, stderr := iostreams.Test()
	code := root.Run(context.Background(), &cmdutil.Factory{IOStreams: ios, Version: "test"}, args)
	return code, stdout.String(), stderr.String()
}

// tree reads every file and folder under dir.
func tree(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		if d.IsDir() {
			out[rel+"/"] = ""
			return nil
		}
		data, _ := os.ReadFile(p)
		out[rel] = string(data)
		return nil
	})
	return out
}

const okTier = "name=api,image=ghcr.io/acme/api:1.4,port=http:9090"

const validSpec = `apiVersion: kubenetgen.dev/v1alpha1
kind: App
name: shop
tiers:
  - name: web
    image: ghcr.io/acme/web:1.4
    ports: [{name: http, port: 8080}]
  - name: api
    image: ghcr.io/acme/api:1.4
    ports: [{name: http, port: 9090}]
    allowFrom: [web]
`

// edit returns validSpec with old replaced by new, once.
func edit(old, new string) string {
	if !strings.Contains(validSpec, old) {
		panic("edit: " + old + " is not in validSpec")
	}
	return strings.Replace(validSpec, old, new, 1)
}

// TestBadInput runs kubenetgen generate on rejected inputs, spec files and
// flags alike, and wants the exact message, the exit code (2 for usage, 1
// for validation) and the output folder byte-for-byte unchanged. $DIR in a
// message is the case's folder.
func TestBadInput(t *testing.T) {
	ingress := "ingress:\n  class: traefik\n  rules:\n"
	cases := []struct {
		name string
		spec string   // written to $DIR/kubenetgen.yaml and passed with -f when set
		args []string // after "generate"
		code int
		want string
	}{
		// Spec files.
		{name: "misspelt field", spec: edit("    image: ghcr.io/acme/web:1.4", "    imgae: ghcr.io/acme/web:1.4"), code: 1, want: "Error: $DIR/kubenetgen.yaml: 1 problem, nothing was written:\n  tiers[0].imgae: is not a known field: did you mean \"image\"?\n"},
		{name: "unknown top-level field", spec: validSpec + "ingres:\n  class: traefik\n", code: 1, want: "Error: $DIR/kubenetgen.yaml: 1 problem, nothing was written:\n  ingres: is not a known field: did you mean \"ingress\"?\n"},
		{name: "wrong type", spec: edit("allowFrom: [web]", "allowFrom: [web]\n    replicas: two"), code: 1, want: "Error: $DIR/kubenetgen.yaml: 1 problem, nothing was written:\n  tiers[1].replicas: \"two\" is a string, want a whole number\n"},
		{name: "not YAML", spec: "tiers: [a, b\n", code: 1, want: "Error: $DIR/kubenetgen.yaml: 1 problem, nothing was written:\n  (document): yaml: line 1: did not find expected ',' or ']'\n"},
		{name: "a key given twice", spec: validSpec + "name: shop2\n", code: 1, want: "Error: $DIR/kubenetgen.yaml: 1 problem, nothing was written:\n  (document): line 12: key \"name\" already set in map\n"},
		{name: "empty file", spec: "\n", code: 1, want: "Error: $DIR/kubenetgen.yaml: 1 problem, nothing was written:\n  (document): is empty: want a kubenetgen.yaml with apiVersion kubenetgen.dev/v1alpha1, kind App, name and tiers\n"},
		{name: "a list, not a mapping", spec: "- name: shop\n", code: 1, want: "Error: $DIR/kubenetgen.yaml: 1 problem, nothing was written:\n  (document): is a list: want a mapping with apiVersion, kind, name and tiers\n"},
		{name: "wrong apiVersion", spec: edit("kubenetgen.dev/v1alpha1", "kubenetgen.dev/v1"), code: 1, want: "Error: $DIR/kubenetgen.yaml: 1 problem, nothing was written:\n  apiVersion: \"kubenetgen.dev/v1\" is not supported: use kubenetgen.dev/v1alpha1\n"},
		{name: "nodePort outside the range", spec: edit("ports: [{name: http, port: 9090}]", "ports: [{name: http, port: 9090, nodePort: 3000}]\n    expose: NodePort"), code: 1, want: "Error: $DIR/kubenetgen.yaml: 1 problem, nothing was written:\n  tiers[1].ports[0].nodePort: 3000 is outside the NodePort range 30000-32767\n"},
		{name: "duplicate nodePorts", spec: strings.Replace(edit("ports: [{name: http, port: 8080}]", "ports: [{name: http, port: 8080, nodePort: 30080}]\n    expose: NodePort"),
			"ports: [{name: http, port: 9090}]", "ports: [{name: http, port: 9090, nodePort: 30080}]\n    expose: LoadBalancer", 1), code: 1, want: "Error: $DIR/kubenetgen.yaml: 1 problem, nothing was written:\n  tiers[1].ports[0].nodePort: 30080 is already used by tiers[0].ports[0]: nodePorts must be unique in the cluster\n"},
		{name: "duplicate tier names", spec: edit("  - name: api", "  - name: web"), code: 1, want: "Error: $DIR/kubenetgen.yaml: 1 problem, nothing was written:\n  tiers[1].name: \"web\" is already the name of tiers[0]: tier names must be unique\n"},
		{name: "allowFrom names no tier", spec: edit("allowFrom: [web]", "allowFrom: [web, frontend]"), code: 1, want: "Error: $DIR/kubenetgen.yaml: 1 problem, nothing was written:\n  tiers[1].allowFrom[1]: \"frontend\" is not a tier: use one of web, api\n"},
		{name: "port names and numbers", spec: edit("ports: [{name: http, port: 9090}]", "ports: [{name: http, port: 9090}, {name: http, port: 9090}, {name: Metrics_1, port: 0}]"), code: 1, want: "Error: $DIR/kubenetgen.yaml: 4 problems, nothing was written:\n  tiers[1].ports[1].name: \"http\" is already the name of ports[0]: port names must be unique within a tier\n  tiers[1].ports[1].port: 9090/TCP is already used by ports[0]: container ports must be unique within a tier\n  tiers[1].ports[2].name: \"Metrics_1\" is not a valid port name (IANA service name): must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)\n  tiers[1].ports[2].port: 0 is not a port number: use 1-65535\n"},
		{name: "ingress to a tier without a Service", spec: edit("allowFrom: [web]", "allowFrom: [web]\n    expose: none") + ingress + "    - {host: shop.example.com, tier: api, port: http}\n", code: 1, want: "Error: $DIR/kubenetgen.yaml: 1 problem, nothing was written:\n  ingress.rules[0].tier: \"api\" has expose.type none, so no Service to route to: expose it as ClusterIP, NodePort or LoadBalancer\n"},
		{name: "TLS host not a rule host", spec: validSpec + ingress + "    - {path: /, tier: web, port: http, tls: shop-tls}\n", code: 1, want: "Error: $DIR/kubenetgen.yaml: 1 problem, nothing was written:\n  ingress.rules[0].tls: \"shop-tls\" is set on a rule without a host: TLS hosts must be rule hosts, so give the rule a host\n"},
		{name: "source range not a CIDR", spec: edit("ports: [{name: http, port: 8080}]", "ports: [{name: http, port: 8080}]\n    expose: {type: LoadBalancer, sourceRanges: [10.0.0.0/33, office]}"), code: 1, want: "Error: $DIR/kubenetgen.yaml: 2 problems, nothing was written:\n  tiers[0].expose.sourceRanges[0]: \"10.0.0.0/33\" is not a CIDR: want ADDRESS/BITS such as 203.0.113.0/24 or 2001:db8::/32\n  tiers[0].expose.sourceRanges[1]: \"office\" is not a CIDR: want ADDRESS/BITS such as 203.0.113.0/24 or 2001:db8::/32\n"},
		{name: "missing spec file", args: []string{"-f", "$DIR/nope.yaml"}, code: 1, want: "Error: -f $DIR/nope.yaml: no such file (create one with kubenetgen init, or describe the app with flags)\n"},

		{name: "a system namespace", spec: edit("name: shop\n", "name: shop\nnamespace: kube-system\n"), code: 1, want: "Error: $DIR/kubenetgen.yaml: 1 problem, nothing was written:\n  namespace: \"kube-system\" is a system namespace: its default-deny would isolate the cluster's own components; choose the app's own namespace\n"},
		{name: "a source range inside the pod network", spec: edit("ports: [{name: http, port: 8080}]", "ports: [{name: http, port: 8080}]\n    expose: {type: NodePort, sourceRanges: [10.244.1.0/24]}"), code: 1, want: "Error: $DIR/kubenetgen.yaml: 1 problem, nothing was written:\n  tiers[0].expose.sourceRanges[0]: \"10.244.1.0/24\" lies within the pod network 10.244.0.0/16: pods are reached through allowFrom edges, not address ranges; give addresses outside the cluster\n"},
		{name: "a reserved tier name", spec: edit("  - name: api", "  - name: allow-dns"), code: 1, want: "Error: $DIR/kubenetgen.yaml: 1 problem, nothing was written:\n  tiers[1].name: \"allow-dns\" is the name of a namespace-wide NetworkPolicy kubenetgen writes: choose another tier name\n"},
		{name: "negative resources and a bad path", spec: edit("allowFrom: [web]", "allowFrom: [web]\n    resources: {cpuRequest: -1}") + ingress + "    - {host: shop.example.com, path: /a//b, tier: web, port: http}\n", code: 1, want: "Error: $DIR/kubenetgen.yaml: 2 problems, nothing was written:\n  tiers[1].resources.cpuRequest: \"-1\" is negative: give 0 or more\n  ingress.rules[0].path: \"/a//b\" contains \"//\", which Kubernetes refuses in Prefix paths\n"},
		{name: "two callees, one variable", spec: edit("ports: [{name: http, port: 9090}]", "ports: [{name: http, port: 9090}, {name: x-yz, port: 9091}]") + "  - {name: api-x, image: x, ports: [{name: yz, port: 1}], allowFrom: [web]}\n", code: 1, want: "Error: $DIR/kubenetgen.yaml: 1 problem, nothing was written:\n  tiers[0].name: web calls api and api-x, whose addresses would both be given as API_X_YZ_PORT: rename a tier or a port\n"},
		{name: "self-signed and an issuer", spec: validSpec + strings.Replace(ingress, "  rules:\n", "  tlsIssuer: letsencrypt\n  tlsSelfSigned: true\n  rules:\n", 1) + "    - {host: shop.example.com, tier: web, port: http, tls: shop-tls}\n", code: 1, want: "Error: $DIR/kubenetgen.yaml: 1 problem, nothing was written:\n  ingress.tlsSelfSigned: true, but tlsIssuer \"letsencrypt\" already provides the TLS secrets: choose one of them\n"},

		{name: "an IPv6 range without an IPv6 pod network", spec: edit("ports: [{name: http, port: 8080}]", "ports: [{name: http, port: 8080}]\n    expose: {type: LoadBalancer, sourceRanges: [\"2001:db8::/32\"]}"), code: 1, want: "Error: $DIR/kubenetgen.yaml: 1 problem, nothing was written:\n  tiers[0].expose.sourceRanges[0]: \"2001:db8::/32\" is IPv6, but network.podCIDR 10.244.0.0/16 names no IPv6 pod network to keep out of it: on a dual-stack cluster give both, e.g. 10.244.0.0/16,fd00:10:244::/56\n"},
		{name: "root and bad writable paths", spec: edit("allowFrom: [web]", "allowFrom: [web]\n    runAsUser: 0\n    writablePaths: [data, /var/lib/../run, /tmp, /data, /data]"), code: 1, want: "Error: $DIR/kubenetgen.yaml: 5 problems, nothing was written:\n  tiers[1].runAsUser: 0 is root, which Pod Security \"restricted\" refuses: give a non-root user ID, or leave it out for 10001\n  tiers[1].writablePaths[0]: \"data\" is not absolute: start it with /\n  tiers[1].writablePaths[1]: \"/var/lib/../run\" is not in clean form: use /var/run\n  tiers[1].writablePaths[2]: \"/tmp\" is always writable: leave it out\n  tiers[1].writablePaths[4]: \"/data\" is already writablePaths[3]\n"},

		// Flags.
		{name: "tier: runAsUser not a number", args: []string{"--name", "shop", "--tier", okTier + ",runAsUser=postgres"}, code: 2, want: "Error: --tier \"name=api,image=ghcr.io/acme/api:1.4,port=http:9090,runAsUser=postgres\": runAsUser=\"postgres\" is not a user ID such as 10001\nRun 'kubenetgen generate --help' for usage.\n"},
		{name: "pod networks of one family", args: []string{"--name", "shop", "--tier", okTier, "--pod-cidr", "10.244.0.0/16,10.96.0.0/12"}, code: 1, want: "Error: flags: 1 problem, nothing was written:\n  network.podCIDR (--pod-cidr): \"10.244.0.0/16,10.96.0.0/12\" gives two networks of one family: give one IPv4 and one IPv6 network\n"},
		{name: "self-signed without a TLS rule", args: []string{"--name", "shop", "--tier", okTier, "--ingress-class", "traefik", "--rule", "shop.example.com/=api:http", "--tls-self-signed"}, code: 1, want: "Error: flags: 1 problem, nothing was written:\n  ingress.tlsSelfSigned (--tls-self-signed): true, but no rule has tls: add tls=SECRET to the rules it should serve\n"},
		{name: "acme-solver: not a solver", args: []string{"--name", "shop", "--tier", okTier, "--ingress-class", "traefik", "--rule", "shop.example.com/=api:http,tls=shop-tls", "--tls-issuer", "le", "--acme-solver", "http"}, code: 1, want: "Error: flags: 1 problem, nothing was written:\n  ingress.acmeSolver (--acme-solver): \"http\" is not supported: use one of http01, dns01, none\n"},
		{name: "acme-solver without an issuer", args: []string{"--name", "shop", "--tier", okTier, "--ingress-class", "traefik", "--rule", "shop.example.com/=api:http,tls=shop-tls", "--tls-self-signed", "--acme-solver", "dns01"}, code: 1, want: "Error: flags: 1 problem, nothing was written:\n  ingress.acmeSolver (--acme-solver): \"dns01\" is set but tlsIssuer is not: it says how a cert-manager issuer proves the hosts, so set tlsIssuer or remove it\n"},
		{name: "self-signed without an Ingress", args: []string{"--name", "shop", "--tier", okTier, "--ingress-class", "none", "--tls-self-signed"}, code: 2, want: "Error: --ingress-class none drops the Ingress: give no --rule, --tls-issuer, --tls-self-signed, --acme-solver, --ingress-namespace or --ingress-pod-labels with it\nRun 'kubenetgen generate --help' for usage.\n"},
		{name: "empty output", args: []string{"--name", "shop", "--tier", okTier, "-o", ""}, code: 2, want: "Error: -o is empty: give a folder for the base, or - for standard output\nRun 'kubenetgen generate --help' for usage.\n"},
		{name: "tier: bad probe", args: []string{"--name", "shop", "--tier", okTier + ",probe=tcpfoo"}, code: 2, want: "Error: --tier \"name=api,image=ghcr.io/acme/api:1.4,port=http:9090,probe=tcpfoo\": probe=\"tcpfoo\": want /PATH, http:PORT:/PATH, tcp or tcp:PORT\nRun 'kubenetgen generate --help' for usage.\n"},
		{name: "tier: unknown key", args: []string{"--name", "shop", "--tier", okTier + ",prot=http:1"}, code: 2, want: "Error: --tier \"name=api,image=ghcr.io/acme/api:1.4,port=http:9090,prot=http:1\": unknown key \"prot\": did you mean \"port\"? keys are name, image, imagePullPolicy, port, servicePort, replicas, expose, nodePort, sourceRanges, externalTrafficPolicy, probe, cpu, memory, cpuLimit, memoryLimit, ephemeralStorage, ephemeralStorageLimit, env, runAsUser, runAsGroup, fsGroup, writablePaths, apiServer, egressCIDR\nRun 'kubenetgen generate --help' for usage.\n"},
		{name: "tier: bad port", args: []string{"--name", "shop", "--tier", "name=api,image=x,port=http"}, code: 2, want: "Error: --tier \"name=api,image=x,port=http\": port=\"http\": want NAME:PORT[/PROTOCOL], e.g. http:8080 or dns:53/UDP\nRun 'kubenetgen generate --help' for usage.\n"},
		{name: "tier: bad exposure", args: []string{"--name", "shop", "--tier", okTier + ",expose=Public"}, code: 2, want: "Error: --tier \"name=api,image=ghcr.io/acme/api:1.4,port=http:9090,expose=Public\": expose=\"Public\" is not supported: use one of none, ClusterIP, NodePort, LoadBalancer\nRun 'kubenetgen generate --help' for usage.\n"},
		{name: "tier: given twice", args: []string{"--name", "shop", "--tier", okTier, "--tier", okTier}, code: 2, want: "Error: --tier \"name=api,image=ghcr.io/acme/api:1.4,port=http:9090\": tier \"api\" is given twice: give each tier once\nRun 'kubenetgen generate --help' for usage.\n"},
		{name: "tier: invalid values", args: []string{"--name", "shop", "--tier", "name=API,port=http:99999,replicas=-1"}, code: 1, want: "Error: flags: 4 problems, nothing was written:\n  tiers[0].name (--tier API): \"API\" is not a valid tier name: did you mean \"api\"? use at most 63 lowercase letters, digits and '-', starting with a letter and ending with a letter or digit\n  tiers[0].image (--tier API): is required: a container image such as ghcr.io/acme/api:1.4\n  tiers[0].replicas (--tier API): -1 is negative: give 0 or more\n  tiers[0].ports[0].port (--tier API): 99999 is not a port number: use 1-65535\n"},
		{name: "allow: bad syntax", args: []string{"--name", "shop", "--tier", okTier, "--allow", "web-api"}, code: 2, want: "Error: --allow \"web-api\": want FROM->TO or FROM->TO:PORT, e.g. web->api\nRun 'kubenetgen generate --help' for usage.\n"},
		{name: "tier: source ranges with commas", args: []string{"--name", "shop", "--tier", okTier + ",expose=NodePort,sourceRanges=203.0.113.0/24,198.51.100.0/24"}, code: 2, want: "Error: --tier \"name=api,image=ghcr.io/acme/api:1.4,port=http:9090,expose=NodePort,sourceRanges=203.0.113.0/24,198.51.100.0/24\": \"198.51.100.0/24\" is not KEY=VALUE: separate the values of sourceRanges with ';', e.g. sourceRanges=203.0.113.0/24;198.51.100.0/24\nRun 'kubenetgen generate --help' for usage.\n"},
		{name: "a near-miss ingress class", args: []string{"--name", "shop", "--tier", okTier, "--ingress-class", "traefk", "--rule", "h/=api:http"}, code: 1, want: "Error: flags: 1 problem, nothing was written:\n  ingress.controller (--ingress-class): is required for class \"traefk\": did you mean \"traefik\"? give the controller's namespace and pod labels, or use one of nginx, traefik, istio\n"},
		{name: "a host with capitals", args: []string{"--name", "shop", "--tier", okTier, "--ingress-class", "traefik", "--rule", "Shop.Example.com/=api:http"}, code: 1, want: "Error: flags: 1 problem, nothing was written:\n  ingress.rules[0].host (--rule #1): \"Shop.Example.com\" is not a valid host: did you mean \"shop.example.com\"? use at most 253 lowercase letters, digits, '-' and '.', each part between dots starting and ending with a letter or digit\n"},
		{name: "allow: unknown tier", args: []string{"--name", "shop", "--tier", okTier, "--allow", "web->api", "--allow", "api->apx", "--rule", "h/=wbe:http"}, code: 1, want: "Error: flags: 4 problems, nothing was written:\n  tiers[0].allowFrom[0] (--allow): \"web\" is not a tier: use one of api\n  ingress.class: is required: one of nginx, traefik, istio, or the IngressClass name of another controller\n  ingress.rules[0].tier (--rule #1): \"wbe\" is not a tier: use one of api\n  --allow api->apx: \"apx\" is not a tier: did you mean \"api\"? use one of api\n"},
		{name: "rule: no path", args: []string{"--name", "shop", "--tier", okTier, "--ingress-class", "traefik", "--rule", "shop.example.com=api:http"}, code: 2, want: "Error: --rule \"shop.example.com\": the path is missing: write HOST/PATH, e.g. shop.example.com/\nRun 'kubenetgen generate --help' for usage.\n"},
		{name: "rule: unknown port", args: []string{"--name", "shop", "--tier", okTier, "--ingress-class", "traefik", "--rule", "shop.example.com/=api:grpc"}, code: 1, want: "Error: flags: 1 problem, nothing was written:\n  ingress.rules[0].port (--rule #1): \"grpc\" names no port of api: use one of http\n"},
		{name: "custom class without controller", args: []string{"--name", "shop", "--tier", okTier, "--ingress-class", "haproxy", "--rule", "shop.example.com/=api:http"}, code: 1, want: "Error: flags: 1 problem, nothing was written:\n  ingress.controller (--ingress-class): is required for class \"haproxy\": give the controller's namespace and pod labels, or use one of nginx, traefik, istio\n"},
		{name: "invalid app name", args: []string{"--name", "Shop", "--tier", okTier}, code: 1, want: "Error: flags: 1 problem, nothing was written:\n  name (--name): \"Shop\" is not a valid app name: did you mean \"shop\"? use at most 63 lowercase letters, digits and '-', starting with a letter and ending with a letter or digit\n"},
		{name: "missing --name", args: []string{"--tier", okTier}, code: 2, want: "Error: missing --name: describe the app with --name NAME and at least one --tier 'name=NAME,image=IMAGE,port=NAME:PORT'\nRun 'kubenetgen generate --help' for usage.\n"},
		{name: "nothing to generate", args: []string{}, code: 2, want: "Error: nothing to generate: give the spec with -f kubenetgen.yaml, or describe the app with --name and --tier (see --help)\nRun 'kubenetgen generate --help' for usage.\n"},
		{name: "unknown flag", args: []string{"--name", "shop", "--tier", okTier, "--tiers", "x"}, code: 2, want: "Error: unknown flag: --tiers\nRun 'kubenetgen generate --help' for usage.\n"},
		{name: "extra argument", args: []string{"--name", "shop", "--tier", okTier, "deploy"}, code: 2, want: "Error: generate takes no arguments, got \"deploy\": give the spec with -f FILE and the output with -o DIR\nRun 'kubenetgen generate --help' for usage.\n"},
		{name: "write-spec over a different file", args: []string{"--name", "shop", "--tier", okTier, "--write-spec", "$DIR/base/README.md"}, code: 1, want: "Error: --write-spec $DIR/base/README.md: the file exists with other content; nothing was written (--force replaces it)\n"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			out := filepath.Join(dir, "base")
			// A base from an earlier run, which a refused run must leave
			// exactly as it is.
			if code, _, stderr := run(t, "generate", "--name", "prev", "--tier", okTier, "-o", out); code != 0 {
				t.Fatalf("preparing the output folder: %s", stderr)
			}
			args := []string{"generate"}
			if c.spec != "" {
				os.WriteFile(filepath.Join(dir, "kubenetgen.yaml"), []byte(c.spec), 0o644)
				args = append(args, "-f", filepath.Join(dir, "kubenetgen.yaml"))
			}
			for _, a := range c.args {
				args = append(args, strings.ReplaceAll(a, "$DIR", dir))
			}
			if !slices.Contains(c.args, "-o") {
				args = append(args, "-o", out)
			}
			before := tree(t, dir)
			code, stdout, stderr := run(t, args...)
			stderr = strings.ReplaceAll(stderr, dir, "$DIR")
			if code != c.code {
				t.Errorf("exit code = %d, want %d; stderr:\n%s", code, c.code, stderr)
			}
			if c.want == "" {
				t.Errorf("stderr:\n%s", stderr)
			} else if diff := cmp.Diff(c.want, stderr); diff != "" {
				t.Errorf("stderr (-want +got):\n%s", diff)
			}
			if stdout != "" {
				t.Errorf("stdout = %q, want nothing", stdout)
			}
			if diff := cmp.Diff(before, tree(t, dir)); diff != "" {
				t.Errorf("the folder changed (-before +after):\n%s", diff)
			}
		})
	}
	if len(cases) < 20 {
		t.Errorf("%d bad inputs, want at least 20", len(cases))
	}
}
