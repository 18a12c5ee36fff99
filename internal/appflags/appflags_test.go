package appflags

import (
	"bytes"
	"reflect"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/kubenetgen/kubenetgen/spec"
)

// parse runs a command that takes the app flags on args and returns the
// values and the flag set its run function saw, as a command's runF does.
func parse(t *testing.T, args ...string) (*Values, *pflag.FlagSet) {
	t.Helper()
	var v Values
	var got *Values
	var fs *pflag.FlagSet
	cmd := &cobra.Command{Use: "x", RunE: func(cmd *cobra.Command, _ []string) error {
		c := v
		got, fs = &c, cmd.Flags()
		return nil
	}}
	AddFlags(cmd, &v)
	// A nil slice would make cobra read the test binary's own flags.
	cmd.SetArgs(append([]string{}, args...))
	cmd.SetOut(&bytes.Buffer{})
	cmd.SetErr(&bytes.Buffer{})
	if err := cmd.Execute(); err != nil {
		t.Fatalf("parsing %q: %v", args, err)
	}
	return got, fs
}

// TestFlagParsing: each flag lands in its field; nothing else changes.
func TestFlagParsing(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want Values
	}{
		{name: "defaults", want: Values{BlockMetadata: true}},
		{
			name: "app",
			args: []string{"--name", "shop", "-n", "shop-prod", "--tier", "name=web,image=w", "--tier", "name=api,image=a", "--allow", "web->api"},
			want: Values{Name: "shop", Namespace: "shop-prod", Tiers: []string{"name=web,image=w", "name=api,image=a"}, Allows: []string{"web->api"}, BlockMetadata: true},
		},
		{
			name: "ingress",
			args: []string{"--ingress-class", "haproxy", "--ingress-namespace", "edge", "--ingress-pod-labels", "app=haproxy", "--rule", "h/=web:http", "--tls-issuer", "le", "--tls-self-signed"},
			want: Values{IngressClass: "haproxy", Rules: []string{"h/=web:http"}, TLSIssuer: "le", TLSSelfSigned: true, BlockMetadata: true,
				Cluster: Cluster{IngressNamespace: "edge", IngressLabels: "app=haproxy"}},
		},
		{
			name: "network",
			args: []string{"--node-port-range", "30000-30100", "--pod-cidr", "10.42.0.0/16", "--dns-namespace", "openshift-dns", "--dns-pod-labels", "a=b",
				"--dns-cidr", "169.254.20.10/32", "--dns-port", "5353", "--api-server-cidr", "10.0.0.1/32", "--api-server-port", "443", "--block-metadata=false"},
			want: Values{Cluster: Cluster{NodePortRange: "30000-30100", PodCIDR: "10.42.0.0/16", DNSNamespace: "openshift-dns", DNSLabels: "a=b",
				DNSCIDRs: []string{"169.254.20.10/32"}, DNSPort: 5353, APIServerCIDRs: []string{"10.0.0.1/32"}, APIServerPort: 443}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, fs := parse(t, tt.args...)
			if diff := cmp.Diff(&tt.want, got); diff != "" {
				t.Errorf("Values (-want +got):\n%s", diff)
			}
			if d := Describes(fs); d != (len(tt.args) > 0) {
				t.Errorf("Describes = %v with %q", d, tt.args)
			}
		})
	}
}

// TestTableBindsEveryField: every field of Values is bound to exactly one
// flag, and the cluster flags to the fields of Cluster.
func TestTableBindsEveryField(t *testing.T) {
	var v Values
	bound := map[uintptr]string{}
	names := map[string]bool{}
	for _, f := range table {
		if names[f.Flag] {
			t.Errorf("--%s has two rows", f.Flag)
		}
		names[f.Flag] = true
		// The flags that reach the cluster set no field themselves.
		if (len(f.Paths) == 0 && f.conn == nil) || f.Usage == "" || f.apply == nil {
			t.Errorf("--%s lacks a path, a usage or a setter", f.Flag)
		}
		p := reflect.ValueOf(f.value(&v)).Pointer()
		if other, ok := bound[p]; ok {
			t.Errorf("--%s and --%s are bound to one field", f.Flag, other)
		}
		bound[p] = f.Flag
	}
	var walk func(rv reflect.Value)
	walk = func(rv reflect.Value) {
		for i := range rv.NumField() {
			if rv.Type().Field(i).Anonymous {
				walk(rv.Field(i))
				continue
			}
			if rv.Type().Field(i).Name == "Unplaced" {
				continue // what Apply found, not a flag
			}
			if _, ok := bound[rv.Field(i).Addr().Pointer()]; !ok {
				t.Errorf("Values.%s is bound to no flag", rv.Type().Field(i).Name)
			}
		}
	}
	walk(reflect.ValueOf(&v).Elem())

	var c Cluster
	cmd := &cobra.Command{Use: "verify"}
	AddClusterFlags(cmd, &c)
	n := 0
	cmd.Flags().VisitAll(func(f *pflag.Flag) { n++ })
	if want := reflect.TypeFor[Cluster]().NumField(); n != want {
		t.Errorf("AddClusterFlags registers %d flags, want one per Cluster field (%d)", n, want)
	}
	if u := cmd.Flags().Lookup(FlagDNSPort).Usage; u != "cluster DNS port (default 53)" {
		t.Errorf("verify's --dns-port usage = %q", u)
	}
}

// TestApply lays flags over apps and wants the spec they describe.
func TestApply(t *testing.T) {
	preset := func() *spec.App {
		return &spec.App{Name: "shop", Tiers: []spec.Tier{{Name: "web", Image: "w"}, {Name: "api", Image: "a", AllowFrom: []string{"web"}}},
			Ingress: &spec.Ingress{Class: "traefik", TLSIssuer: "le", Rules: []spec.Rule{{Host: "h", Tier: "web", Port: "http", TLS: "t"}}}}
	}
	yes := true
	tests := []struct {
		name    string
		start   *spec.App
		args    []string
		want    *spec.App
		wantErr string
	}{
		{
			name: "from nothing", start: &spec.App{},
			args: []string{"--name", "shop", "--tier", "name=web,image=w,port=http:80", "--tier", "name=api,image=a", "--allow", "web->api:http", "--dns-port", "5353"},
			want: &spec.App{Name: "shop", Tiers: []spec.Tier{{Name: "web", Image: "w", Ports: []spec.Port{{Name: "http", Port: 80}}}, {Name: "api", Image: "a", AllowFrom: []string{"web:http"}}},
				Network: spec.Network{DNS: &spec.DNS{Port: 5353}}},
		},
		{
			name: "a tier replaced keeps its callers", start: preset(),
			args: []string{"--tier", "name=api,image=a2"},
			want: func() *spec.App { a := preset(); a.Tiers[1].Image = "a2"; return a }(),
		},
		{
			name: "no Ingress", start: preset(), args: []string{"--ingress-class", "none", "--block-metadata"},
			want: func() *spec.App { a := preset(); a.Ingress = nil; a.Network.BlockMetadata = &yes; return a }(),
		},
		{
			name: "no Ingress, yet a rule", start: preset(), args: []string{"--ingress-class", "none", "--rule", "h/=web:http"},
			wantErr: "--ingress-class none drops the Ingress: give no --rule, --tls-issuer, --tls-self-signed, --acme-solver, --ingress-namespace or --ingress-pod-labels with it",
		},
		{
			name: "the preset's controller in another namespace", start: preset(), args: []string{"--ingress-namespace", "kube-system"},
			want: func() *spec.App {
				a := preset()
				a.Ingress.Controller = &spec.Controller{Namespace: "kube-system", PodLabels: map[string]string{"app.kubernetes.io/name": "traefik"}}
				return a
			}(),
		},
		{
			name: "self-signed replaces the issuer", start: preset(), args: []string{"--tls-self-signed"},
			want: func() *spec.App { a := preset(); a.Ingress.TLSIssuer, a.Ingress.TLSSelfSigned = "", true; return a }(),
		},
		{
			name: "an Ingress from details alone", start: &spec.App{}, args: []string{"--rule", "h/=web:http"},
			want: &spec.App{Ingress: &spec.Ingress{Rules: []spec.Rule{{Host: "h", Path: "/", Tier: "web", Port: "http"}}}},
		},
		{name: "bad labels", start: preset(), args: []string{"--dns-pod-labels", "x"}, wantErr: "--dns-pod-labels "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, fs := parse(t, tt.args...)
			err := v.Apply(fs, tt.start)
			if tt.wantErr != "" {
				if err == nil || !strings.HasPrefix(err.Error(), tt.wantErr) {
					t.Fatalf("Apply = %v, want an error starting %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, tt.start); diff != "" {
				t.Errorf("app (-want +got):\n%s", diff)
			}
		})
	}
}

// TestOrigin names the flag behind each problem's field.
func TestOrigin(t *testing.T) {
	v, fs := parse(t, "--tier", "name=api,image=a", "--allow", "web->api", "--rule", "h/=api:http", "--ingress-class", "haproxy", "--dns-port", "1")
	a := &spec.App{Tiers: []spec.Tier{{Name: "web"}, {Name: "api"}}}
	origin := v.Origin(fs, a)
	for field, want := range map[string]string{
		"tiers":                        "--tier",
		"tiers[0].image":               "",
		"tiers[1].image":               "--tier api",
		"tiers[0].allowFrom[0]":        "--allow",
		"ingress.rules[1].port":        "--rule #2",
		"ingress.controller":           "--ingress-class",
		"ingress.controller.podLabels": "",
		"network.dns.port":             "--dns-port",
		"network.dns":                  "",
		"name":                         "",
		"(document)":                   "",
	} {
		if got := origin(field); got != want {
			t.Errorf("origin(%q) = %q, want %q", field, got, want)
		}
	}
}

func TestUnder(t *testing.T) {
	for _, tt := range []struct {
		field, f string
		want     bool
	}{
		{"name", "name", true},
		{"namespace", "name", false},
		{"tiers[0].ports[1]", "tiers[0].ports", true},
		{"tiers[12].allowFrom[0]", "tiers[*].allowFrom", true},
		{"tiers[1].allowFromX", "tiers[*].allowFrom", false},
		{"tiers[x].allowFrom", "tiers[*].allowFrom", false},
		{"tiers", "tiers[*].allowFrom", false},
	} {
		if got := Under(tt.field, tt.f); got != tt.want {
			t.Errorf("Under(%q, %q) = %v, want %v", tt.field, tt.f, got, tt.want)
		}
	}
}

// TestApplyFlowToNoTier: a flow to a tier there is none of has nowhere to
// go in the app: it is kept as a problem, for the one report of every
// problem; one from such a tier is added, for Validate to judge.
func TestApplyFlowToNoTier(t *testing.T) {
	v, fs := parse(t, "--allow", "web->dbb", "--allow", "wbe->api")
	a := &spec.App{Tiers: []spec.Tier{{Name: "web"}, {Name: "api"}}}
	if err := v.Apply(fs, a); err != nil {
		t.Fatal(err)
	}
	want := spec.Problems{{Field: `--allow web->dbb`, Message: `"dbb" is not a tier: use one of web, api`}}
	if diff := cmp.Diff(want, v.Unplaced); diff != "" {
		t.Errorf("Unplaced (-want +got):\n%s", diff)
	}
	if got := a.Tier("api").AllowFrom; len(got) != 1 || got[0] != "wbe" {
		t.Errorf("api.allowFrom = %q, want [wbe] for Validate to judge", got)
	}
}

// TestAnswered: the wizard skips what flags answered, and asks a section
// again when revisited.
func TestAnswered(t *testing.T) {
	_, fs := parse(t, "--name", "shop", "--rule", "h/=web:http", "--pod-cidr", "10.42.0.0/16")
	ans := AnsweredBy(fs)
	want := Answered{AskName: true, AskPodCIDR: true, AskRoutes: true, AskTLS: true}
	if diff := cmp.Diff(want, ans); diff != "" {
		t.Errorf("AnsweredBy (-want +got):\n%s", diff)
	}
	ans.Reask(SectionIngress, SectionTLS)
	if diff := cmp.Diff(Answered{AskName: true, AskPodCIDR: true}, ans); diff != "" {
		t.Errorf("after Reask (-want +got):\n%s", diff)
	}
}

// TestMissing names each missing answer with the flag that gives it.
func TestMissing(t *testing.T) {
	got := Missing(&spec.App{Ingress: &spec.Ingress{Class: "haproxy"}})
	want := []string{
		"--name NAME: the app's name, e.g. shop",
		"--tier 'name=NAME,image=IMAGE,port=NAME:PORT': at least one tier (repeat the flag for more)",
		"--ingress-namespace NAMESPACE: where the pods of the custom ingress controller haproxy run",
		"--ingress-pod-labels KEY=VALUE,…: the labels of its pods",
		"--rule 'HOST/PATH=TIER:PORT[,tls=SECRET]': at least one Ingress rule",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Missing (-want +got):\n%s", diff)
	}
	if got := Missing(&spec.App{Name: "x", Tiers: []spec.Tier{{}}}); got != nil {
		t.Errorf("Missing of a complete app = %q", got)
	}
	_, fs := parse(t, "--tier", "name=web,image=w")
	if got := MissingRequired(fs); !cmp.Equal(got, []string{"--name"}) {
		t.Errorf("MissingRequired = %q, want [--name]", got)
	}
}

// TestCompletion offers the table's values for a flag.
func TestCompletion(t *testing.T) {
	root := &cobra.Command{Use: "kubenetgen"}
	sub := &cobra.Command{Use: "generate", RunE: func(*cobra.Command, []string) error { return nil }}
	AddFlags(sub, &Values{})
	root.AddCommand(sub)
	var out bytes.Buffer
	root.SetOut(&out)
	root.SetErr(&bytes.Buffer{})
	root.SetArgs([]string{cobra.ShellCompRequestCmd, "generate", "--ingress-class", ""})
	if err := root.Execute(); err != nil {
		t.Fatal(err)
	}
	if got, want := out.String(), "nginx\ntraefik\nistio\nnone\n:4\n"; got != want {
		t.Errorf("completions of --ingress-class = %q, want %q", got, want)
	}
}
