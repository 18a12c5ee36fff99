package spec_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/kubenetgen/kubenetgen/generate"
	"github.com/kubenetgen/kubenetgen/spec"
)

// FuzzLoad feeds arbitrary documents to the spec loader. Whatever comes in,
// nothing panics; a valid spec renders, and survives Marshal and Load.
func FuzzLoad(f *testing.F) {
	seeds, _ := filepath.Glob("../golden/*/kubenetgen.yaml")
	presets, _ := filepath.Glob("../templates/presets/*.yaml")
	for _, s := range append(seeds, presets...) {
		data, err := os.ReadFile(s)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte("tiers: [{expose: 5}]"))
	f.Add([]byte("{name: 1e400, tiers: [[]], ingress: {rules: [{}]}}"))
	f.Fuzz(func(t *testing.T, data []byte) {
		a, err := spec.Load(data)
		if err != nil {
			if err.Error() == "" {
				t.Fatal("empty error message")
			}
			return
		}
		spec.Default(a)
		if ps := spec.Validate(a); ps != nil {
			for _, p := range ps {
				if p.Field == "" || p.Message == "" {
					t.Fatalf("problem without field or message: %+v", p)
				}
			}
			return
		}
		spec.Warnings(a)
		if _, err := generate.Render(a, "out"); err != nil {
			t.Fatalf("a valid spec failed to render: %v", err)
		}
		out, err := spec.Marshal(a)
		if err != nil {
			t.Fatalf("Marshal: %v", err)
		}
		b, err := spec.Load(out)
		if err != nil {
			t.Fatalf("Load(Marshal(app)): %v\n%s", err, out)
		}
		spec.Default(b)
		// An empty list and no list mean the same to the spec.
		if diff := cmp.Diff(a, b, cmpopts.EquateEmpty()); diff != "" {
			t.Fatalf("Marshal/Load round trip changed the app (-before +after):\n%s", diff)
		}
	})
}

// FuzzParseTier feeds arbitrary --tier values: no panic, and a parsed tier
// in an otherwise valid app validates or renders without trouble.
func FuzzParseTier(f *testing.F) {
	for _, s := range []string{
		"name=api,image=ghcr.io/acme/api:1.4,port=http:9090,replicas=2,expose=ClusterIP",
		"name=gw,image=x,port=http:8080,servicePort=http:80,expose=NodePort,nodePort=http:30080,sourceRanges=10.0.0.0/8;1.2.3.0/24",
		"name=w,image=x,probe=tcp:http,env=A=B,apiServer=true,egressCIDR=0.0.0.0/0,cpu=1,memoryLimit=1Gi",
		"name=a,port=dns:53/udp,probe=http:dns:/x",
		"=,,==,port=:/",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		tier, err := spec.ParseTier(s)
		if err != nil {
			return
		}
		a := &spec.App{APIVersion: spec.APIVersion, Kind: spec.Kind, Name: "fuzz", Tiers: []spec.Tier{tier}}
		spec.Default(a)
		if spec.Validate(a) != nil {
			return
		}
		if _, err := generate.Render(a, "out"); err != nil {
			t.Fatalf("valid tier %q failed to render: %v", s, err)
		}
	})
}

// FuzzParseRule feeds arbitrary --rule values: no panic, and a parsed rule
// always has an absolute path, a tier and a port.
func FuzzParseRule(f *testing.F) {
	for _, s := range []string{"shop.example.com/=web:http,tls=shop-tls", "/api*=api:9090", "a/b=c:d,pathType=Exact", "=:", "/=,tls"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r, err := spec.ParseRule(s)
		if err != nil {
			return
		}
		if !strings.HasPrefix(r.Path, "/") || r.Tier == "" || r.Port == "" {
			t.Fatalf("ParseRule(%q) = %+v: want an absolute path, a tier and a port", s, r)
		}
	})
}

// FuzzParseAllow feeds arbitrary --allow values: no panic, and every flow
// names both ends.
func FuzzParseAllow(f *testing.F) {
	for _, s := range []string{"web->api", "web->api:http,worker->cache", "->", "a->b->c", ","} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		flows, err := spec.ParseAllow(s)
		if err != nil {
			return
		}
		for _, fl := range flows {
			if fl.From == "" || fl.To == "" {
				t.Fatalf("ParseAllow(%q) = %+v: a flow without an end", s, fl)
			}
		}
	})
}
