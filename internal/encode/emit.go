package encode

import (
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
	"unsafe"

	goyaml "go.yaml.in/yaml/v2"
)

// The emitter of block mappings and sequences below writes the values of
// toJSONValue as go.yaml.in/yaml/v2 (the encoder of sigs.k8s.io/yaml, and
// so of kustomize's output) writes them, and reports false where it cannot
// be sure to: a string whose representation depends on where it stands
// (see scalar), a number the library writes as a float, keys its order
// cannot tell apart. The library's emitter is a general state machine that
// analyses every scalar character by character and allocates for every
// event; most of the time of printing a large base went there. The shapes
// of the documents are few, and the library stays the judge of every
// scalar that is not trivially plain: it is asked once per such string.
// direct writes objects with it; tests hold both to the library on random
// trees and on every kind kubenetgen writes, and the golden files hold the
// bytes.

// emitMapping writes the block mapping m at indent; inline says the first
// key goes on the current line (after a sequence's "- ").
func emitMapping(buf []byte, m map[string]any, indent int, inline bool) ([]byte, bool) {
	var arr [16]string
	keys := arr[:0]
	for k := range m {
		keys = append(keys, k)
	}
	if !sortKeys(keys, func(k string) string { return k }) {
		return buf, false
	}
	for i, k := range keys {
		if i > 0 || !inline {
			buf = appendIndent(buf, indent)
		}
		r, ok := scalar(k, true)
		if !ok {
			return buf, false
		}
		buf = append(buf, r...)
		buf = append(buf, ':')
		switch v := m[k].(type) {
		case map[string]any:
			if len(v) == 0 {
				buf = append(buf, " {}\n"...)
				continue
			}
			buf = append(buf, '\n')
			if buf, ok = emitMapping(buf, v, indent+2, false); !ok {
				return buf, false
			}
		case []any:
			if len(v) == 0 {
				buf = append(buf, " []\n"...)
				continue
			}
			buf = append(buf, '\n')
			// The library writes a sequence under a key at the key's
			// own indentation.
			if buf, ok = emitSequence(buf, v, indent, false); !ok {
				return buf, false
			}
		default:
			buf = append(buf, ' ')
			if buf, ok = emitScalar(buf, v); !ok {
				return buf, false
			}
		}
	}
	return buf, true
}

// emitSequence writes the block sequence s at indent; inline as for
// emitMapping.
func emitSequence(buf []byte, s []any, indent int, inline bool) ([]byte, bool) {
	ok := true
	for i, e := range s {
		if i > 0 || !inline {
			buf = appendIndent(buf, indent)
		}
		buf = append(buf, "- "...)
		switch v := e.(type) {
		case map[string]any:
			if len(v) == 0 {
				buf = append(buf, "{}\n"...)
				continue
			}
			buf, ok = emitMapping(buf, v, indent+2, true)
		case []any:
			if len(v) == 0 {
				buf = append(buf, "[]\n"...)
				continue
			}
			buf, ok = emitSequence(buf, v, indent+2, true)
		default:
			buf, ok = emitScalar(buf, v)
		}
		if !ok {
			return buf, false
		}
	}
	return buf, true
}

// emitScalar writes a scalar value and its line's end.
func emitScalar(buf []byte, x any) ([]byte, bool) {
	switch v := x.(type) {
	case nil:
		buf = append(buf, "null"...)
	case bool:
		buf = strconv.AppendBool(buf, v)
	case string:
		r, ok := scalar(v, false)
		if !ok {
			return buf, false
		}
		buf = append(buf, r...)
	case json.Number:
		// The library writes a number that reads as an int64 as
		// strconv.FormatInt does; toJSONValue writes integers so.
		n, err := v.Int64()
		if err != nil || strconv.FormatInt(n, 10) != string(v) {
			return buf, false
		}
		buf = append(buf, v...)
	default:
		return buf, false
	}
	return append(buf, '\n'), true
}

func appendIndent(buf []byte, n int) []byte {
	for n > len(spaces) {
		buf = append(buf, spaces...)
		n -= len(spaces)
	}
	return append(buf, spaces[:n]...)
}

const spaces = "                                "

// scalar returns how the library writes the string s as a mapping key
// (key) or value, when that does not depend on the column it starts at
// or the structure around it: s is printable ASCII without a space (the
// library breaks long scalars only at spaces, and writes one with a line
// break as a block), and a key is short enough (128 bytes) to be a simple
// key. A
// string that is trivially plain is written as it is; any other is given
// to the library, once.
func scalar(s string, key bool) (string, bool) {
	if len(s) == 0 {
		return `""`, true
	}
	if key && len(s) > 128 {
		return "", false
	}
	if trivialPlain(s) {
		return s, true
	}
	for i := 0; i < len(s); i++ {
		if s[i] <= ' ' || s[i] > '~' {
			return "", false
		}
	}
	return asked(s, key)
}

// trivialPlain reports whether s is a string the library writes plain
// without a doubt: it starts with a letter and holds nothing but letters,
// digits and ". _ / -". Such a string reads back as a string unless it is
// one of YAML 1.1's words for booleans and null (y, yes, on, off, true,
// false, null and their capitalised forms), and those are of at most five
// letters and start with one of "yYnNtTfFoO"; its characters are no
// indicator of YAML anywhere in a scalar.
func trivialPlain(s string) bool {
	c := s[0]
	if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z') {
		return false
	}
	if len(s) <= 5 && strings.IndexByte("yYnNtTfFoO", c) >= 0 {
		return false
	}
	for i := 1; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '.' || c == '_' || c == '/' || c == '-') {
			return false
		}
	}
	return true
}

// asked holds the library's answers: how it writes a string as a value
// (key false) or key (true). At most askedMax answers are kept; past that
// the library is asked every time.
var asked = func() func(s string, key bool) (string, bool) {
	type answer struct {
		repr string
		ok   bool
	}
	type q struct {
		s   string
		key bool
	}
	const askedMax = 1 << 14
	var (
		mu      sync.Mutex
		answers = map[q]answer{}
	)
	return func(s string, key bool) (string, bool) {
		mu.Lock()
		a, found := answers[q{s, key}]
		mu.Unlock()
		if found {
			return a.repr, a.ok
		}
		a.repr, a.ok = ask(s, key)
		mu.Lock()
		if len(answers) < askedMax {
			answers[q{s, key}] = a
		}
		mu.Unlock()
		return a.repr, a.ok
	}
}()

// ask has the library write s as a key or value of a one-entry mapping and
// returns what stands for s, if that is one line.
func ask(s string, key bool) (string, bool) {
	var out []byte
	var err error
	if key {
		out, err = goyaml.Marshal(map[string]int{s: 0})
	} else {
		out, err = goyaml.Marshal(map[string]string{"k": s})
	}
	if err != nil {
		return "", false
	}
	r := string(out)
	if key {
		r, _ = strings.CutSuffix(r, ": 0\n")
	} else {
		r, _ = strings.CutPrefix(r, "k: ")
		r, _ = strings.CutSuffix(r, "\n")
	}
	if r == "" || strings.ContainsAny(r, "\n") || strings.HasPrefix(r, "? ") {
		return "", false
	}
	return r, true
}

// sortKeys sorts s by key(s[i]) in the library's order of mapping keys,
// and reports false when two keys are distinct but that order cannot tell
// them apart, or when it is not transitive on the keys of s: the order
// the library writes them in would then depend on the order its sort
// meets them in, which is a map's.
func sortKeys[T any](s []T, key func(T) string) bool {
	tie, digits := false, false
	slices.SortFunc(s, func(a, b T) int {
		ka, kb := key(a), key(b)
		switch {
		case keyLess(ka, kb):
			return -1
		case keyLess(kb, ka):
			return 1
		}
		tie = tie || ka != kb
		return 0
	})
	if tie {
		return false
	}
	for _, e := range s {
		digits = digits || strings.ContainsFunc(key(e), func(r rune) bool { return r >= '0' && r <= '9' || r >= utf8.RuneSelf })
	}
	if !digits {
		// Without a digit (nor a character past ASCII, which may be a
		// digit of another script) the order is that of strings by a ranking of
		// characters (any other character before a letter), which is
		// transitive.
		return true
	}
	// Runs of digits compare by their value, then their length, then
	// their first digit, and a digit before a letter: "a0a" < "a1" <
	// "a01" < "a0a". The order the sort gave holds only if every pair
	// of keys stands in it.
	for i := range s {
		for j := i + 1; j < len(s); j++ {
			if !keyLess(key(s[i]), key(s[j])) {
				return false
			}
		}
	}
	return true
}

// keyLess is the library's order of mapping keys (its keyList.Less for
// two strings): letters by code point, a non-letter before a letter, and
// runs of digits by their value. Keys are nearly always ASCII, and are
// then compared byte by byte without a copy.
func keyLess(a, b string) bool {
	if ascii(a) && ascii(b) {
		return natLess(unsafe.Slice(unsafe.StringData(a), len(a)), unsafe.Slice(unsafe.StringData(b), len(b)))
	}
	return natLess([]rune(a), []rune(b))
}

func ascii(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// natLess is keyLess over runes, or over the bytes of ASCII strings (where
// each byte is its rune). Only read: the bytes may be a string's.
func natLess[E byte | rune](ar, br []E) bool {
	for i := 0; i < len(ar) && i < len(br); i++ {
		if ar[i] == br[i] {
			continue
		}
		al := unicode.IsLetter(rune(ar[i]))
		bl := unicode.IsLetter(rune(br[i]))
		if al && bl {
			return ar[i] < br[i]
		}
		if al || bl {
			return bl
		}
		var ai, bi int
		var an, bn int64
		if ar[i] == '0' || br[i] == '0' {
			for j := i - 1; j >= 0 && unicode.IsDigit(rune(ar[j])); j-- {
				if ar[j] != '0' {
					an = 1
					bn = 1
					break
				}
			}
		}
		for ai = i; ai < len(ar) && unicode.IsDigit(rune(ar[ai])); ai++ {
			an = an*10 + int64(ar[ai]-'0')
		}
		for bi = i; bi < len(br) && unicode.IsDigit(rune(br[bi])); bi++ {
			bn = bn*10 + int64(br[bi]-'0')
		}
		if an != bn {
			return an < bn
		}
		if ai != bi {
			return ai < bi
		}
		return ar[i] < br[i]
	}
	return len(ar) < len(br)
}
