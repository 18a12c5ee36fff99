package spec_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/kubenetgen/kubenetgen/spec"
)

func i32(v int32) *int32 { return &v }

func TestParseTier(t *testing.T) {
	got, err := spec.ParseTier("name=api,image=ghcr.io/acme/api:1.4,port=http:9090,port=dns:53/udp,servicePort=http:80," +
		"replicas=2,expose=nodeport,nodePort=http:30080,sourceRanges=10.0.0.0/8;192.168.0.0/16,sourceRanges=172.16.0.0/12," +
		"probe=http:http:/healthz,cpu=250m,memoryLimit=1Gi,env=MODE=fast,apiServer=true,egressCIDR=0.0.0.0/0")
	if err != nil {
		t.Fatal(err)
	}
	want := spec.Tier{
		Name:  "api",
		Image: "ghcr.io/acme/api:1.4",
		Ports: []spec.Port{
			{Name: "http", Port: 9090, ServicePort: 80, NodePort: 30080},
			{Name: "dns", Port: 53, Protocol: "UDP"},
		},
		Replicas:  i32(2),
		Expose:    spec.Expose{Type: "NodePort", SourceRanges: []string{"10.0.0.0/8", "192.168.0.0/16", "172.16.0.0/12"}},
		Probe:     &spec.Probe{HTTPPath: "/healthz", Port: "http"},
		Resources: spec.Resources{CPURequest: "250m", MemoryLimit: "1Gi"},
		Env:       []spec.EnvVar{{Name: "MODE", Value: "fast"}},
		Egress:    spec.Egress{APIServer: true, CIDRs: []string{"0.0.0.0/0"}},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("ParseTier (-want +got):\n%s", diff)
	}
}

func TestParseTierErrors(t *testing.T) {
	for in, want := range map[string]string{
		"":                      "is empty: want name=NAME,image=IMAGE[,port=NAME:PORT…]",
		"image=x":               "has no name: add name=NAME",
		"name=a,name=b":         `key "name" is given twice`,
		"name=a,imag=x":         `unknown key "imag": did you mean "image"? keys are name, image, imagePullPolicy, port, servicePort, replicas, expose, nodePort, sourceRanges, externalTrafficPolicy, probe, cpu, memory, cpuLimit, memoryLimit, ephemeralStorage, ephemeralStorageLimit, env, runAsUser, runAsGroup, fsGroup, writablePaths, apiServer, egressCIDR`,
		"name=a,port":           `"port" is not KEY=VALUE: keys are name, image, imagePullPolicy, port, servicePort, replicas, expose, nodePort, sourceRanges, externalTrafficPolicy, probe, cpu, memory, cpuLimit, memoryLimit, ephemeralStorage, ephemeralStorageLimit, env, runAsUser, runAsGroup, fsGroup, writablePaths, apiServer, egressCIDR`,
		"name=a,port=http:x":    `port="http:x": want NAME:PORT[/PROTOCOL], e.g. http:8080 or dns:53/UDP`,
		"name=a,replicas=many":  `replicas="many" is not a whole number`,
		"name=a,nodePort=30000": `nodePort="30000" names no port of the tier: its ports are (none)`,
		"name=a,port=http:80,nodePort=grpc:30000": `nodePort="grpc:30000" names no port of the tier: its ports are http`,
		"name=a,servicePort=http:80":              `servicePort="http:80": want NAME:PORT naming one of the tier's ports ((none))`,
		"name=a,probe=ftp":                        `probe="ftp": want /PATH, http:PORT:/PATH, tcp or tcp:PORT`,
		"name=a,env=NOVALUE":                      `env="NOVALUE" is not KEY=VALUE`,
		"name=a,apiServer=maybe":                  `apiServer="maybe" is not true or false`,
	} {
		if _, err := spec.ParseTier(in); err == nil || err.Error() != want {
			t.Errorf("ParseTier(%q) = %v, want %q", in, err, want)
		}
	}
}

func TestParseRule(t *testing.T) {
	for in, want := range map[string]spec.Rule{
		"shop.example.com/=web:http,tls=shop-tls":       {Host: "shop.example.com", Path: "/", Tier: "web", Port: "http", TLS: "shop-tls"},
		"shop.example.com/api*=api:9090":                {Host: "shop.example.com", Path: "/api", PathType: "Prefix", Tier: "api", Port: "9090"},
		"/healthz=web:http,pathType=Exact":              {Path: "/healthz", PathType: "Exact", Tier: "web", Port: "http"},
		"*.example.com/a=b/c=web:http":                  {Host: "*.example.com", Path: "/a=b/c", Tier: "web", Port: "http"},
		"a.com/=web:http,timeout=10s,backendTimeout=2s": {Host: "a.com", Path: "/", Tier: "web", Port: "http", Timeout: "10s", BackendTimeout: "2s"},
	} {
		got, err := spec.ParseRule(in)
		if err != nil {
			t.Errorf("ParseRule(%q): %v", in, err)
			continue
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("ParseRule(%q) (-want +got):\n%s", in, diff)
		}
	}
	for in, want := range map[string]string{
		"shop.example.com":               `"shop.example.com": want HOST/PATH=TIER:PORT[,tls=SECRET], e.g. shop.example.com/=web:http,tls=shop-tls`,
		"shop.example.com=web:http":      `"shop.example.com": the path is missing: write HOST/PATH, e.g. shop.example.com/`,
		"shop.example.com/=web":          `"web": want TIER:PORT after =, with the tier's port name or Service port number, e.g. web:http`,
		"shop.example.com/=web:http,tls": `"tls": give the TLS secret's name, tls=SECRET`,
		"a.com/=web:http,cert=x":         `"cert=x": unknown option, want tls=SECRET, pathType=Prefix|Exact|ImplementationSpecific, timeout=DURATION or backendTimeout=DURATION (Gateway routes)`,
	} {
		if _, err := spec.ParseRule(in); err == nil || err.Error() != want {
			t.Errorf("ParseRule(%q) = %v, want %q", in, err, want)
		}
	}
}

func TestParseAllow(t *testing.T) {
	got, err := spec.ParseAllow("web->api, worker->cache:redis")
	if err != nil {
		t.Fatal(err)
	}
	want := []spec.Allow{{From: "web", To: "api"}, {From: "worker", To: "cache", Port: "redis"}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("ParseAllow (-want +got):\n%s", diff)
	}
	for _, in := range []string{"web", "web->", "->api", "web=>api", "web->api,"} {
		if _, err := spec.ParseAllow(in); err == nil {
			t.Errorf("ParseAllow(%q) succeeded, want an error", in)
		}
	}
}
