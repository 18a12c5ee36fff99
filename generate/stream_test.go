package generate_test

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/kubenetgen/kubenetgen/generate"
	"github.com/kubenetgen/kubenetgen/internal/kustbuild"
	"github.com/kubenetgen/kubenetgen/internal/randapp"
	"github.com/kubenetgen/kubenetgen/spec"
)

// TestStreamEqualsKustomizeBuildRandom holds `generate -o -` byte-equal to
// kustomize's build of the written base (as `kubectl kustomize` prints
// it) for a few hundred random valid apps.
func TestStreamEqualsKustomizeBuildRandom(t *testing.T) {
	n := 300
	if testing.Short() {
		n = 60
	}
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	selfSigned := 0
	for i, a := range randapp.Valid(n, t.Fatalf) {
		files, err := generate.Render(a, "base")
		if err != nil {
			t.Fatalf("app %d: Render: %v", i, err)
		}
		pairs, err := generate.NewPairs(generate.SelfSignedCerts(a), now)
		if err != nil {
			t.Fatal(err)
		}
		if len(pairs) > 0 {
			selfSigned++
		}
		built, err := generate.KustomizeBuild(append(files, pairs...))
		if err != nil {
			t.Fatalf("app %d: %v", i, err)
		}
		got, err := generate.StreamBytes(a, pairs)
		if err != nil {
			t.Fatalf("app %d: StreamBytes: %v", i, err)
		}
		if diff := cmp.Diff(string(built), string(got)); diff != "" {
			data, _ := spec.Marshal(a)
			t.Fatalf("app %d: stream differs from kustomize build (-kustomize +stream):\n%s\nspec:\n%s", i, diff, data)
		}
	}
	if selfSigned == 0 {
		t.Error("no random app has self-signed TLS")
	}
}

// TestChecksumKeyShared: verify reads the checksum lines generate writes.
func TestChecksumKeyShared(t *testing.T) {
	if generate.ChecksumKey != kustbuild.ChecksumKey {
		t.Errorf("generate.ChecksumKey = %q, kustbuild.ChecksumKey = %q: verify would not know generate's files", generate.ChecksumKey, kustbuild.ChecksumKey)
	}
}
