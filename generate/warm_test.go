package generate

import (
	"testing"

	"github.com/kubenetgen/kubenetgen/spec"
)

// TestWarmApp keeps Warm's app valid: Warm skips an invalid one, and
// would then warm nothing.
func TestWarmApp(t *testing.T) {
	a := warmApp()
	spec.Default(a)
	if ps := spec.Validate(a); ps != nil {
		t.Fatal(ps)
	}
}
