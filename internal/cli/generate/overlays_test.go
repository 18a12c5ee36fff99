package generate_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestOverlays scaffolds overlays beside the base once, keeps them on the
// next run, and refuses them without a folder.
func TestOverlays(t *testing.T) {
	dir := t.TempDir()
	spec := filepath.Join(dir, "kubenetgen.yaml")
	os.WriteFile(spec, []byte(validSpec), 0o644)
	base := filepath.Join(dir, "deploy", "base")
	code, _, stderr := run(t, "generate", "-f", spec, "-o", base, "--overlays", "dev,prod")
	if code != 0 || !strings.Contains(stderr, "wrote the overlay "+filepath.Join(dir, "deploy", "overlays", "prod")) {
		t.Fatalf("generate --overlays: exit %d\n%s", code, stderr)
	}
	k := filepath.Join(dir, "deploy", "overlays", "dev", "kustomization.yaml")
	os.WriteFile(k, []byte("# mine\n"), 0o644)
	code, _, stderr = run(t, "generate", "-f", spec, "-o", base, "--overlays", "dev,prod")
	if got, _ := os.ReadFile(k); code != 0 || string(got) != "# mine\n" || !strings.Contains(stderr, "kept the overlay") {
		t.Errorf("second run: exit %d, overlay %q\n%s", code, got, stderr)
	}
	for _, c := range []struct{ args, want string }{
		{"-o - --overlays dev", "--overlays needs the base in a folder: give -o DIR"},
		{"-o " + base + " --overlays Dev", `--overlays "Dev" is not an environment name`},
	} {
		code, _, stderr = run(t, append([]string{"generate", "-f", spec}, strings.Fields(c.args)...)...)
		if code != 2 || !strings.Contains(stderr, c.want) {
			t.Errorf("generate %s: exit %d, want 2 and %q\n%s", c.args, code, c.want, stderr)
		}
	}
}
