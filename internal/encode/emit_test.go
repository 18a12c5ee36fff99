package encode

import (
	"encoding/json"
	"math/rand"
	"strings"
	"testing"

	goyaml "go.yaml.in/yaml/v2"
)

// hardStrings are strings whose YAML is not what they read: words and
// numbers of YAML 1.1, indicators, document markers, spaces, line
// breaks, quotes, non-ASCII, long ones, and keys the library orders by
// the numbers in them.
var hardStrings = []string{
	"", "y", "Y", "yes", "No", "NO", "on", "Off", "true", "False", "null", "Null", "~", "<<",
	"nope", "onion", "tRue", "trueish", "yesterday", "n1", "Y2",
	"0", "7", "-1", "+1", "007", "0x1F", "0o17", "0b101", "-0b1", "1_000", "1e3", "1.5", ".5", "-.5",
	".inf", "-.Inf", ".nan", ".", "..", "...", "---", "--- a", "-", "-a", "- a", "a-",
	"1:20", "190:20:30", "2001-12-14", "2001-12-14t21:59:43.10-05:00", "12:30",
	"a:b", "a: b", "a:", ":a", "#a", "a#b", "a #b", "?", "?a", "? a", "!a", "&a", "*a", "|", ">", "%a", "@a", "`a",
	"'a'", `"a"`, "a'b", `a"b`, `a\b`, "[a]", "{a}", "a,b", "a, b",
	" a", "a ", "a b", "a  b", "a\tb", "\ta", "a\nb", "a\n", "\n", "a\r\nb",
	"é", "naïve", "日本", "a\u0085b", "a\u2028b", "\x7f", "\x01", "a\x00b",
	"svc-0001", "ghcr.io/acme/svc-0001:1.0.3", "app.kubernetes.io/name", "kubernetes.io/metadata.name",
	"10.244.0.0/16", "203.0.113.0/24", "0.0.0.0/0", "::/0", "fe80::1/64", "http", "TCP", "UDP",
	"a1", "a01", "a001", "a10", "a2", "a1b", "a1a", "a_1", "a.1", "A1", "Z", "_", "a", "B", "b", "ab", "a0", "a00",
	strings.Repeat("x", 127), strings.Repeat("x", 128), strings.Repeat("x", 129), strings.Repeat("a b ", 40),
	strings.Repeat("long-name", 20) + ":v1",
}

// easyStrings are what kubenetgen's objects are made of.
var easyStrings = []string{
	"svc-0001", "api", "web", "metadata", "name", "namespace", "kubernetes.io/metadata.name", "app.kubernetes.io/part-of",
	"ghcr.io/acme/svc-0001:1.0.3", "10.244.0.0/16", "http", "TCP", "UDP", "Ingress", "Egress", "ClusterIP", "RuntimeDefault",
	"nginx:1.27", "/healthz", "IfNotPresent", "a", "b", "port9100", "metrics", "kube-dns", "k8s-app",
}

// randomTree returns a mapping of random depth and width whose keys and
// string values come from strs, with numbers, booleans, nulls and empty
// collections among them.
func randomTree(r *rand.Rand, strs []string, nums []json.Number, depth int) map[string]any {
	m := map[string]any{}
	for range r.Intn(6) {
		m[strs[r.Intn(len(strs))]] = randomValue(r, strs, nums, depth)
	}
	return m
}

var (
	// hardNumbers are numbers toJSONValue may give, of which the library
	// writes some otherwise; intNumbers those of the integers it writes.
	hardNumbers = []json.Number{"0", "8080", "-3", "9223372036854775807", "1.5", "1e3", "007", "-0", "18446744073709551615"}
	intNumbers  = []json.Number{"0", "8080", "-3", "9223372036854775807", "-9223372036854775808"}
)

func randomValue(r *rand.Rand, strs []string, nums []json.Number, depth int) any {
	n := 9
	if depth <= 0 {
		n = 6
	}
	switch r.Intn(n) {
	case 0, 1, 2:
		return strs[r.Intn(len(strs))]
	case 3:
		return nums[r.Intn(len(nums))]
	case 4:
		return r.Intn(2) == 0
	case 5:
		if r.Intn(3) == 0 {
			return []any{}
		}
		if r.Intn(2) == 0 {
			return map[string]any{}
		}
		return nil
	case 6, 7:
		return randomTree(r, strs, nums, depth-1)
	}
	l := make([]any, 1+r.Intn(4))
	for i := range l {
		l[i] = randomValue(r, strs, nums, depth-1)
	}
	return l
}

// emit appends the document of mapping x, as the emitter writes it, and
// reports whether it could.
func emit(buf []byte, x any) ([]byte, bool) {
	m, ok := x.(map[string]any)
	if !ok {
		return buf, false
	}
	if len(m) == 0 {
		return append(buf, "{}\n"...), true
	}
	return emitMapping(buf, m, 0, false)
}

// sameAsLibrary fails when emit writes x, but not as the library does.
func sameAsLibrary(t *testing.T, x map[string]any) bool {
	t.Helper()
	want, err := goyaml.Marshal(x)
	if err != nil {
		t.Fatalf("library: %v", err)
	}
	got, ok := emit([]byte("prefix"), x)
	if ok && string(got) != "prefix"+string(want) {
		t.Fatalf("emit of %#v:\n%s\nthe library:\n%s", x, got[len("prefix"):], want)
	}
	return ok
}

// TestEmitAsTheLibrary holds emit to the library on random trees: of hard
// strings, where it must write what it writes exactly as the library
// does, and of the strings kubenetgen's objects are made of, which it must
// write itself.
func TestEmitAsTheLibrary(t *testing.T) {
	r := rand.New(rand.NewSource(1))
	written := 0
	const n = 20000
	for range n {
		if sameAsLibrary(t, randomTree(r, hardStrings, hardNumbers, 4)) {
			written++
		}
	}
	// Not a vacuous comparison: a good share of the hard trees (those
	// whose every string has a representation free of context) is written
	// by emit, so compared.
	if written < n/10 {
		t.Errorf("emit wrote %d of %d trees of hard strings, want at least a tenth", written, n)
	}
	for range 2000 {
		if x := randomTree(r, easyStrings, intNumbers, 5); !sameAsLibrary(t, x) {
			t.Fatalf("emit left to the library a tree of plain strings: %#v", x)
		}
	}
}

// TestEmitOneString puts each hard string in every position emit knows:
// key, value, sequence item, in nested mappings and sequences.
func TestEmitOneString(t *testing.T) {
	for _, s := range hardStrings {
		for _, x := range []map[string]any{
			{s: "v"},
			{"k": s},
			{"k": []any{s, s}},
			{"k": []any{map[string]any{s: s, "a": 1}}},
			{"k": []any{[]any{s}, []any{map[string]any{"x": s}}}},
			{"a": map[string]any{"b": map[string]any{s: []any{s}}}},
		} {
			sameAsLibrary(t, x)
		}
	}
}

// TestKeyOrder holds keyLess to the library's order on every pair of hard
// strings as keys of one mapping.
func TestKeyOrder(t *testing.T) {
	for _, a := range hardStrings {
		for _, b := range hardStrings {
			sameAsLibrary(t, map[string]any{a: 1, b: 2, "m": 3})
		}
	}
}

// FuzzEmit compares emit with the library on trees made of the fuzzer's
// strings.
func FuzzEmit(f *testing.F) {
	for _, s := range hardStrings {
		f.Add(s, "v")
	}
	f.Fuzz(func(t *testing.T, a, b string) {
		for _, x := range []map[string]any{
			{a: b},
			{a: []any{b, map[string]any{b: a, a: nil}}},
			{"k": map[string]any{a: 1, b: 2}},
		} {
			sameAsLibrary(t, x)
		}
	})
}
