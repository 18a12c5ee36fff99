package spec

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// TierKeys are the keys ParseTier accepts, in the order the help lists them.
var TierKeys = []string{
	"name", "image", "imagePullPolicy", "port", "servicePort", "replicas", "expose", "nodePort",
	"sourceRanges", "externalTrafficPolicy", "probe", "cpu", "memory",
	"cpuLimit", "memoryLimit", "ephemeralStorage", "ephemeralStorageLimit", "env",
	"runAsUser", "runAsGroup", "fsGroup", "writablePaths", "apiServer", "egressCIDR",
}

// parseID parses the user or group ID of key, such as runAsUser=10001.
func parseID(key, v, what string) (*int64, error) {
	id, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		return nil, fmt.Errorf("%s=%q is not a %s ID such as %d", key, v, what, DefaultRunAsUser)
	}
	return &id, nil
}

// ParseTier parses the --tier flag form of a tier:
//
//	name=api,image=ghcr.io/acme/api:1.4,port=http:9090,replicas=2,expose=ClusterIP
//
// port (NAME:PORT[/PROTOCOL]), servicePort (NAME:PORT), nodePort ([NAME:]PORT),
// sourceRanges (CIDR[;CIDR…]), writablePaths (PATH[;PATH…]), env (KEY=VALUE)
// and egressCIDR may repeat.
// It checks syntax only; Validate judges the values.
func ParseTier(s string) (Tier, error) {
	var t Tier
	if strings.TrimSpace(s) == "" {
		return t, fmt.Errorf("is empty: want name=NAME,image=IMAGE[,port=NAME:PORT…]")
	}
	seen := map[string]bool{}
	var nodePorts []string
	var servicePorts []string
	last := ""
	for _, kv := range strings.Split(s, ",") {
		k, v, ok := strings.Cut(kv, "=")
		k = strings.TrimSpace(k)
		if !ok {
			if last == "sourceRanges" || last == "writablePaths" {
				// A list value given with commas, as elsewhere.
				return t, fmt.Errorf("%q is not KEY=VALUE: separate the values of %s with ';', e.g. %s=%s", kv, last, last, listExample[last])
			}
			return t, fmt.Errorf("%q is not KEY=VALUE: keys are %s", kv, strings.Join(TierKeys, ", "))
		}
		last = k
		if !slices.Contains(TierKeys, k) {
			hint := ""
			if c := closestKey(k, TierKeys); c != "" {
				hint = fmt.Sprintf("did you mean %q? ", c)
			}
			return t, fmt.Errorf("unknown key %q: %skeys are %s", k, hint, strings.Join(TierKeys, ", "))
		}
		repeatable := k == "port" || k == "servicePort" || k == "nodePort" || k == "sourceRanges" || k == "env" || k == "egressCIDR"
		if seen[k] && !repeatable {
			return t, fmt.Errorf("key %q is given twice", k)
		}
		seen[k] = true
		var err error
		switch k {
		case "name":
			t.Name = v
		case "image":
			t.Image = v
		case "port":
			var p Port
			p, err = ParsePort(v)
			t.Ports = append(t.Ports, p)
		case "servicePort":
			servicePorts = append(servicePorts, v)
		case "replicas":
			var n int64
			n, err = strconv.ParseInt(v, 10, 32)
			if err != nil {
				err = fmt.Errorf("replicas=%q is not a whole number", v)
			}
			r := int32(n)
			t.Replicas = &r
		case "expose":
			t.Expose.Type = v
			if i := slices.IndexFunc(Exposures, func(e string) bool { return strings.EqualFold(e, v) }); i >= 0 {
				t.Expose.Type = Exposures[i]
			} else {
				err = fmt.Errorf("expose=%q is not supported: use one of %s", v, strings.Join(Exposures, ", "))
			}
		case "nodePort":
			nodePorts = append(nodePorts, v)
		case "sourceRanges":
			for _, r := range strings.Split(v, ";") {
				if r = strings.TrimSpace(r); r != "" {
					t.Expose.SourceRanges = append(t.Expose.SourceRanges, r)
				}
			}
		case "externalTrafficPolicy":
			t.Expose.ExternalTrafficPolicy = v
		case "probe":
			err = parseProbe(&t, v)
		case "cpu":
			t.Resources.CPURequest = Quantity(v)
		case "memory":
			t.Resources.MemoryRequest = Quantity(v)
		case "cpuLimit":
			t.Resources.CPULimit = Quantity(v)
		case "memoryLimit":
			t.Resources.MemoryLimit = Quantity(v)
		case "env":
			name, val, ok := strings.Cut(v, "=")
			if !ok {
				err = fmt.Errorf("env=%q is not KEY=VALUE", v)
			}
			t.Env = append(t.Env, EnvVar{Name: name, Value: val})
		case "runAsUser":
			t.RunAsUser, err = parseID(k, v, "user")
		case "runAsGroup":
			t.RunAsGroup, err = parseID(k, v, "group")
		case "fsGroup":
			t.FSGroup, err = parseID(k, v, "group")
		case "imagePullPolicy":
			t.ImagePullPolicy = v
		case "ephemeralStorage":
			t.Resources.EphemeralStorageRequest = Quantity(v)
		case "ephemeralStorageLimit":
			t.Resources.EphemeralStorageLimit = Quantity(v)
		case "writablePaths":
			for _, p := range strings.Split(v, ";") {
				if p = strings.TrimSpace(p); p != "" {
					t.WritablePaths = append(t.WritablePaths, p)
				}
			}
		case "apiServer":
			t.Egress.APIServer, err = strconv.ParseBool(v)
			if err != nil {
				err = fmt.Errorf("apiServer=%q is not true or false", v)
			}
		case "egressCIDR":
			t.Egress.CIDRs = append(t.Egress.CIDRs, v)
		}
		if err != nil {
			return t, err
		}
	}
	if t.Name == "" {
		return t, fmt.Errorf("has no name: add name=NAME")
	}
	for _, v := range servicePorts {
		name, num, ok := strings.Cut(v, ":")
		i := slices.IndexFunc(t.Ports, func(p Port) bool { return p.Name == name })
		if !ok || i < 0 {
			return t, fmt.Errorf("servicePort=%q: want NAME:PORT naming one of the tier's ports (%s)", v, strings.Join(t.PortNames(), ", "))
		}
		n, err := strconv.ParseInt(num, 10, 32)
		if err != nil {
			return t, fmt.Errorf("servicePort=%q: %q is not a port number: use 1-65535", v, num)
		}
		t.Ports[i].ServicePort = int32(n)
	}
	for _, v := range nodePorts {
		name, num, named := strings.Cut(v, ":")
		if !named {
			name, num = "", v
		}
		n, err := strconv.ParseInt(num, 10, 32)
		if err != nil {
			return t, fmt.Errorf("nodePort=%q: want PORT or NAME:PORT, a number in the NodePort range (30000-32767 by default)", v)
		}
		i := 0
		if named {
			i = slices.IndexFunc(t.Ports, func(p Port) bool { return p.Name == name })
		}
		if i < 0 || len(t.Ports) == 0 {
			return t, fmt.Errorf("nodePort=%q names no port of the tier: its ports are %s", v, strings.Join(t.PortNames(), ", "))
		}
		t.Ports[i].NodePort = int32(n)
	}
	return t, nil
}

// listExample shows the ';'-separated values of a list key of --tier.
var listExample = map[string]string{"sourceRanges": "203.0.113.0/24;198.51.100.0/24", "writablePaths": "/data;/cache"}

// ParsePort parses NAME:PORT[/PROTOCOL], or a bare PORT[/PROTOCOL] named
// as Default would name it (tcp-8080), so that the spec written from it
// names the port every other field refers to.
func ParsePort(v string) (Port, error) {
	var p Port
	name, rest, named := strings.Cut(v, ":")
	if !named {
		name, rest = "", v
	}
	num, proto, hasProto := strings.Cut(rest, "/")
	n, err := strconv.ParseInt(num, 10, 32)
	if err != nil || (hasProto && proto == "") {
		return p, fmt.Errorf("port=%q: want NAME:PORT[/PROTOCOL], e.g. http:8080 or dns:53/UDP", v)
	}
	p.Name, p.Port, p.Protocol = name, int32(n), strings.ToUpper(proto)
	if !named && n > 0 {
		p.Name = fmt.Sprintf("%s-%d", strings.ToLower(cmp.Or(p.Protocol, DefaultProtocol)), n)
	}
	return p, nil
}

func parseProbe(t *Tier, v string) error {
	bad := fmt.Errorf("probe=%q: want /PATH, http:PORT:/PATH, tcp or tcp:PORT", v)
	switch {
	case strings.HasPrefix(v, "/"):
		t.Probe = &Probe{HTTPPath: v}
	case v == "tcp":
		t.Probe = &Probe{}
	case strings.HasPrefix(v, "tcp:"):
		port := strings.TrimPrefix(v, "tcp:")
		if port == "" {
			return bad
		}
		t.Probe = &Probe{Port: port}
	case strings.HasPrefix(v, "http:"):
		port, path, ok := strings.Cut(strings.TrimPrefix(v, "http:"), ":")
		if !ok || port == "" || path == "" {
			return bad
		}
		t.Probe = &Probe{HTTPPath: path, Port: port}
	default:
		return bad
	}
	return nil
}

// Allow is one --allow flag: From may call To, on Port when given.
type Allow struct {
	From, To, Port string
}

// ParseAllow parses FROM->TO[:PORT]; several may be separated by commas.
func ParseAllow(s string) ([]Allow, error) {
	var out []Allow
	for _, part := range strings.Split(s, ",") {
		from, to, ok := strings.Cut(strings.TrimSpace(part), "->")
		from, to = strings.TrimSpace(from), strings.TrimSpace(to)
		if !ok || from == "" || to == "" {
			return nil, fmt.Errorf("%q: want FROM->TO or FROM->TO:PORT, e.g. web->api", part)
		}
		to, port, hasPort := strings.Cut(to, ":")
		if to == "" || (hasPort && port == "") {
			return nil, fmt.Errorf("%q: want FROM->TO or FROM->TO:PORT, e.g. web->api:http", part)
		}
		out = append(out, Allow{From: from, To: to, Port: port})
	}
	return out, nil
}

// ruleOptions are the options a rule takes after its backend.
const ruleOptions = "tls=SECRET, pathType=Prefix|Exact|ImplementationSpecific, timeout=DURATION or backendTimeout=DURATION (Gateway routes)"

// ParseRule parses kubectl's --rule form, HOST/PATH=TIER:PORT[,tls=SECRET]
// [,pathType=TYPE], and for a Gateway route [,timeout=D][,backendTimeout=D].
// A trailing * on the path means Prefix, as in kubectl; unlike kubectl a
// plain path is Prefix too, kubenetgen's default, and pathType=Exact asks
// for an exact match.
func ParseRule(s string) (Rule, error) {
	var r Rule
	parts := strings.Split(s, ",")
	route := parts[0]
	i := strings.LastIndex(route, "=")
	if i < 0 {
		return r, fmt.Errorf("%q: want HOST/PATH=TIER:PORT[,tls=SECRET], e.g. shop.example.com/=web:http,tls=shop-tls", s)
	}
	hostPath, backend := route[:i], route[i+1:]
	slash := strings.Index(hostPath, "/")
	if slash < 0 {
		return r, fmt.Errorf("%q: the path is missing: write HOST/PATH, e.g. %s/", hostPath, hostPath)
	}
	r.Host, r.Path = hostPath[:slash], hostPath[slash:]
	if strings.HasSuffix(r.Path, "*") {
		r.Path = strings.TrimSuffix(r.Path, "*")
		r.PathType = "Prefix"
	}
	tier, port, ok := strings.Cut(backend, ":")
	if !ok || tier == "" || port == "" {
		return r, fmt.Errorf("%q: want TIER:PORT after =, with the tier's port name or Service port number, e.g. web:http", backend)
	}
	r.Tier, r.Port = tier, port
	for _, opt := range parts[1:] {
		k, v, hasValue := strings.Cut(opt, "=")
		if !hasValue && k != "tls" {
			return r, fmt.Errorf("%q: unknown option, want %s", opt, ruleOptions)
		}
		switch k {
		case "tls":
			if v == "" {
				return r, fmt.Errorf("%q: give the TLS secret's name, tls=SECRET", opt)
			}
			r.TLS = v
		case "pathType":
			r.PathType = v
		case "timeout":
			r.Timeout = v
		case "backendTimeout":
			r.BackendTimeout = v
		default:
			return r, fmt.Errorf("%q: unknown option, want %s", opt, ruleOptions)
		}
	}
	return r, nil
}

// ParseLabels parses k=v[,k=v…].
func ParseLabels(s string) (map[string]string, error) {
	out := map[string]string{}
	for _, kv := range strings.Split(s, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(kv), "=")
		if !ok || k == "" {
			return nil, fmt.Errorf("%q: want KEY=VALUE[,KEY=VALUE…]", kv)
		}
		out[k] = v
	}
	return out, nil
}

func closestKey(k string, keys []string) string {
	m := map[string]bool{}
	for _, x := range keys {
		m[x] = true
	}
	return closest(k, m)
}
