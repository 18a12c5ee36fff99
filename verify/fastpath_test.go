package verify_test

import (
	"errors"
	"path/filepath"
	"testing"

	"github.com/kubenetgen/kubenetgen/verify"
)

// TestFastPathKeepsLimits: a folder of kubenetgen's untouched files is
// built without kustomize's engine, but within the same limits: past
// each, the same *LimitError as kustomize's path gives.
func TestFastPathKeepsLimits(t *testing.T) {
	dir := filepath.Join("..", "golden", "self-signed-tls", "base")
	full, err := verify.Load(dir, nil, verify.LoadOptions{})
	if err != nil || len(full.Objects) == 0 {
		t.Fatalf("Load(%s) = %v, %v", dir, full, err)
	}
	for name, o := range map[string]verify.LoadOptions{
		"bytes":   {MaxBytes: 2000},
		"objects": {MaxObjects: 3},
	} {
		_, err := verify.Load(dir, nil, o)
		var le *verify.LimitError
		if !errors.As(err, &le) {
			t.Errorf("%s: Load past the limit = %v, want a *LimitError", name, err)
		}
	}
}
