// Package spectest loads spec files for tests: the golden cases, presets
// and examples, which every test takes defaulted.
package spectest

import (
	"os"
	"testing"

	"github.com/kubenetgen/kubenetgen/spec"
)

// Load reads the kubenetgen.yaml at p and returns it defaulted; a file
// that does not load fails the test.
func Load(t testing.TB, p string) *spec.App {
	t.Helper()
	data, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	a, err := spec.Load(data)
	if err != nil {
		t.Fatalf("%s: %v", p, err)
	}
	return spec.Defaulted(a)
}
