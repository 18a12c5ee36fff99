package encode

import (
	"encoding/json"
	"fmt"
	"math/rand"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	goyaml "go.yaml.in/yaml/v2"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
)

// libraryLess is the library's order of two distinct keys, as it writes
// a mapping of just those two.
func libraryLess(t *testing.T, a, b string) bool {
	t.Helper()
	y, err := goyaml.Marshal(map[string]int{a: 0, b: 0})
	if err != nil {
		t.Fatal(err)
	}
	ra, _ := ask(a, true)
	return strings.HasPrefix(string(y), ra+":")
}

// TestKeyOrderCycles: the library's order of keys with digits is not
// transitive ("a0a" < "a1" < "a01" < "a0a"), so the order it writes
// such keys in depends on the order its sort meets them, which is the
// map's. emit and direct must then leave the keys to the library: when
// they write a mapping, every pair of its keys stands in the library's
// order, and only then is that order the one any sort gives.
func TestKeyOrderCycles(t *testing.T) {
	cycle := map[string]any{"a0a": 1, "a1": 2, "a01": 3}
	if _, ok := emit(nil, cycle); ok {
		t.Errorf("emit wrote keys the library orders by chance: %v", cycle)
	}
	type cyclic struct {
		A int `json:"a0a"`
		B int `json:"a1"`
		C int `json:"a01"`
	}
	for _, obj := range []any{cyclic{}, struct{ M map[string]int }{map[string]int{"a0a": 1, "a1": 2, "a01": 3}}} {
		if _, ok := direct(nil, reflect.ValueOf(obj)); ok {
			t.Errorf("direct wrote keys the library orders by chance: %+v", obj)
		}
	}
	r := rand.New(rand.NewSource(7))
	alphabet := "a0a1b09-."
	written := 0
	for range 3000 {
		m := map[string]any{}
		for range 2 + r.Intn(5) {
			var b strings.Builder
			for range 1 + r.Intn(4) {
				b.WriteByte(alphabet[r.Intn(len(alphabet))])
			}
			m["k"+b.String()] = json.Number("0")
		}
		out, ok := emit(nil, m)
		if !ok {
			continue
		}
		written++
		var keys []string
		for _, line := range strings.Split(strings.TrimSuffix(string(out), "\n"), "\n") {
			keys = append(keys, strings.TrimSuffix(line, ": 0"))
		}
		for i := range keys {
			for j := i + 1; j < len(keys); j++ {
				if !libraryLess(t, keys[i], keys[j]) {
					t.Fatalf("emit wrote %q before %q, which the library orders the other way:\n%s", keys[i], keys[j], out)
				}
			}
		}
	}
	if written < 1000 {
		t.Errorf("emit wrote %d of 3000 mappings of keys with digits, want most", written)
	}
}

// TestTrivialPlainIsPlain holds trivialPlain to the library on every
// string of up to three characters of its alphabet and on longer random
// ones: a string it calls plain the library writes as it is, as a key and
// as a value.
func TestTrivialPlainIsPlain(t *testing.T) {
	const alphabet = "aeEfFinNoOtTyYxXzZ0159._/-"
	var strs []string
	var gen func(p string)
	gen = func(p string) {
		if p != "" {
			strs = append(strs, p)
		}
		if len(p) == 3 {
			return
		}
		for i := range len(alphabet) {
			gen(p + alphabet[i:i+1])
		}
	}
	gen("")
	r := rand.New(rand.NewSource(3))
	for range 3000 {
		b := make([]byte, 4+r.Intn(10))
		for i := range b {
			b[i] = alphabet[r.Intn(len(alphabet))]
		}
		strs = append(strs, string(b))
	}
	// Words of other YAML versions and languages, and numbers in forms
	// that start with a letter.
	strs = append(strs, "Infinity", "NaN", "nan", "inf", "Inf", "e1", "E10", "x1F", "b101", "o17",
		"yes-", "true.", "Null.", "NULLX", "None", "nil", "Nil", "TRUEx", "offo", "Yes1")
	// The library's own words, which trivialPlain must not take.
	for _, w := range []string{"y", "yes", "true", "on", "n", "no", "false", "off", "null"} {
		strs = append(strs, w, strings.ToUpper(w[:1])+w[1:], strings.ToUpper(w))
	}
	n := 0
	for _, s := range strs {
		if !trivialPlain(s) {
			continue
		}
		n++
		for _, key := range []bool{false, true} {
			if r, ok := ask(s, key); !ok || r != s {
				t.Errorf("trivialPlain(%q), but the library writes %q (key %v)", s, r, key)
			}
		}
	}
	if n < 1000 {
		t.Errorf("only %d strings were trivially plain", n)
	}
}

// marshals are values of the types that write themselves, with prune's
// keys inside them.
var marshals = []any{
	resource.MustParse("1.5Gi"), resource.MustParse("100m"), resource.MustParse("0"),
	metav1.Time{}, metav1.NewTime(time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)),
	&metav1.Time{}, (*metav1.Time)(nil),
	intstr.FromInt32(8080), intstr.FromString("http"), intstr.FromString("yes"),
	json.RawMessage(`{"status":1,"creationTimestamp":"x","spec":{},"a":{"creationTimestamp":null,"status":{}}}`),
	json.RawMessage(`[{"status":1,"metadata":{}},[{"status":2}],{"spec":{"creationTimestamp":1}}]`),
	json.RawMessage(`{"metadata":{"creationTimestamp":null}}`),
	json.RawMessage(`null`), json.RawMessage(`{}`), json.RawMessage(`[]`),
	json.RawMessage(`1.0`), json.RawMessage(`-0`), json.RawMessage(`1e3`), json.RawMessage(`9223372036854775808`),
	json.RawMessage(`"é"`), json.RawMessage(`"a\nb"`), json.RawMessage(`{"a":1,"a":2}`),
	json.RawMessage(`{"a0a":1,"a1":2,"a01":3}`),
}

// attackObject is a document with prune's keys at every depth, whose
// values come from one pool.
type attackObject struct {
	Status    any            `json:"status,omitempty"`
	Created   any            `json:"creationTimestamp,omitempty"`
	Metadata  map[string]any `json:"metadata,omitempty"`
	Spec      any            `json:"spec,omitempty"`
	Resources any            `json:"resources,omitempty"`
	Strategy  any            `json:"strategy,omitempty"`
	Items     []any          `json:"items,omitempty"`
	Inline    `json:",inline"`
	*Embedded
}

// Inline is embedded with a tag without a name: encoding/json promotes
// its fields, whose Status ties with Embedded's and so is not written.
type Inline struct {
	Status any `json:"status,omitempty"`
	X      any `json:"x,omitempty"`
}

// Embedded is promoted into attackObject, its Spec hidden by the outer.
type Embedded struct {
	Spec   any `json:"spec"`
	Status any `json:"status"`
	Deep   any `json:"deep"`
}

var pruneKeys = []string{"status", "creationTimestamp", "metadata", "resources", "strategy", "spec", "items", "a", "b"}

func randomAny(r *rand.Rand, strs []string, depth int) any {
	n := 16
	if depth <= 0 {
		n = 10
	}
	switch k := r.Intn(n); k {
	case 0, 1:
		return strs[r.Intn(len(strs))]
	case 2:
		return []any{int64(-3), uint64(1) << 63, uint8(7), true, nil, 2.0, 2.5}[r.Intn(7)]
	case 3:
		return marshals[r.Intn(len(marshals))]
	case 4:
		return []any{map[string]any{}, []any{}, map[string]any(nil), []any(nil), (*Inline)(nil), &Inline{}, Inline{}, []byte("hi"), []byte{}}[r.Intn(9)]
	case 5:
		return map[int]any{r.Intn(20) - 5: randomAny(r, strs, depth-1), 10: "x"}
	case 6, 7, 8, 9:
		return strs[r.Intn(len(strs))]
	case 10, 11, 12:
		m := map[string]any{}
		for range r.Intn(5) {
			k := pruneKeys[r.Intn(len(pruneKeys))]
			if r.Intn(4) == 0 {
				k = strs[r.Intn(len(strs))]
			}
			m[k] = randomAny(r, strs, depth-1)
		}
		return m
	case 13:
		return &Embedded{Spec: randomAny(r, strs, depth-1), Status: randomAny(r, strs, depth-1), Deep: randomAny(r, strs, depth-1)}
	}
	l := make([]any, r.Intn(4))
	for i := range l {
		l[i] = randomAny(r, strs, depth-1)
	}
	return l
}

func randomAttack(r *rand.Rand, strs []string) attackObject {
	pick := func() any {
		if r.Intn(3) == 0 {
			return nil
		}
		return randomAny(r, strs, 5)
	}
	o := attackObject{Status: pick(), Created: pick(), Spec: pick(), Resources: pick(), Strategy: pick()}
	if m, ok := randomAny(r, strs, 4).(map[string]any); ok {
		o.Metadata = m
	}
	for range r.Intn(3) {
		o.Items = append(o.Items, pick())
	}
	o.Inline = Inline{Status: pick(), X: pick()}
	if r.Intn(2) == 0 {
		o.Embedded = &Embedded{Spec: pick(), Status: pick(), Deep: pick()}
	}
	return o
}

// TestDirectAttack holds direct to the long way on random documents made
// of maps, lists, every scalar kind, the types that write themselves and
// prune's keys at every depth, in sequences of sequences too.
func TestDirectAttack(t *testing.T) {
	r := rand.New(rand.NewSource(11))
	strs := append(append([]string{}, easyStrings...), pruneKeys...)
	written := 0
	const n = 4000
	for i := range n {
		s := strs
		if i%4 == 0 {
			s = hardStrings
		}
		o := randomAttack(r, s)
		for _, x := range []any{o, &o} {
			if sameAsLongWay(t, x) {
				written++
			}
		}
	}
	if written < n/2 {
		t.Errorf("direct wrote %d of %d documents", written, 2*n)
	}
	t.Logf("direct wrote %d of %d documents", written, 2*n)
}

// TestDirectDeep writes mappings and sequences nested past the line's
// width of 80 columns, with a long string without spaces at the bottom.
func TestDirectDeep(t *testing.T) {
	long := strings.Repeat("x", 90)
	for _, shape := range []string{"m", "s", "ms", "sm", "mss", "ssm"} {
		var v any = long
		for i := range 60 {
			if shape[i%len(shape)] == 'm' {
				v = map[string]any{"spec": v, "status": 1, "a": []any{}}
			} else {
				v = []any{v, map[string]any{"creationTimestamp": 1, "status": 2}}
			}
		}
		obj := attackObject{Spec: v}
		if !sameAsLongWay(t, obj) {
			t.Errorf("direct did not write %s nested 60 deep", shape)
		}
	}
}

// TestDirectConcurrent writes documents of hard strings from several
// goroutines at once, the answers of the library shared among them (run
// with -race).
func TestDirectConcurrent(t *testing.T) {
	var wg sync.WaitGroup
	errs := make(chan string, 8)
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := rand.New(rand.NewSource(int64(g)))
			for range 200 {
				o := randomAttack(r, hardStrings)
				got, ok := direct(nil, reflect.ValueOf(o))
				if !ok {
					continue
				}
				x, _ := toJSONValue(reflect.ValueOf(o))
				m, _ := x.(map[string]any)
				prune(m)
				want, _ := goyaml.Marshal(m)
				if string(got) != string(want) {
					errs <- fmt.Sprintf("direct:\n%s\nthe library:\n%s", got, want)
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
}

// FuzzDirect holds direct to the long way on documents whose strings are
// the fuzzer's.
func FuzzDirect(f *testing.F) {
	f.Add("status", "a1", "a01", int64(1))
	f.Add("y", "spec", "creationTimestamp", int64(2))
	f.Fuzz(func(t *testing.T, a, b, c string, seed int64) {
		r := rand.New(rand.NewSource(seed))
		o := randomAttack(r, []string{a, b, c, "status", "spec", "metadata"})
		sameAsLongWay(t, o)
		sameAsLongWay(t, &o)
	})
}
