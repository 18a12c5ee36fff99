package initcmd

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/kubenetgen/kubenetgen/internal/krm"
	"github.com/kubenetgen/kubenetgen/schema"
)

// TestKRM writes, with --krm, the spec annotated as the function's config
// and a kustomization listing it under generators: (and the self-signed
// pair the function reads), instead of the base's files; a second run
// changes nothing.
func TestKRM(t *testing.T) {
	inTemp(t)
	args := []string{"out", "--krm", "--no-prompt", "--preset", "three-tier", "--tls-self-signed", "--rule", "shop.localhost/=web:http,tls=shop-tls"}
	stderr, err := run(t, nil, false, args...)
	if err != nil {
		t.Fatalf("init --krm: %v\n%s", err, stderr)
	}
	var files []string
	filepath.WalkDir("out", func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			files = append(files, filepath.ToSlash(p))
		}
		return err
	})
	want := []string{"out/kubenetgen.yaml", "out/kustomization.yaml", "out/tls/shop-tls.crt", "out/tls/shop-tls.key"}
	if !slices.Equal(files, want) {
		t.Errorf("init --krm wrote %q, want %q", files, want)
	}
	if s := readFile(t, "out/kubenetgen.yaml"); !strings.HasPrefix(s, schema.Modeline+"\n") {
		t.Errorf("the spec does not start with the schema modeline:\n%s", s)
	}
	a := loadWritten(t, "out")
	if a.Metadata == nil || a.Metadata.Name != a.Name || a.Metadata.Annotations[krm.FunctionAnnotation] != krm.FunctionSpec("kubenetgen") {
		t.Errorf("spec metadata = %+v, want the function annotation", a.Metadata)
	}
	if k := readFile(t, "out/kustomization.yaml"); !strings.Contains(k, "generators:\n- kubenetgen.yaml\n") {
		t.Errorf("kustomization does not list the spec under generators:\n%s", k)
	}
	if !strings.Contains(stderr, "kustomize build --enable-alpha-plugins --enable-exec out") {
		t.Errorf("next steps do not say how to build:\n%s", stderr)
	}
	stderr, err = run(t, nil, false, args...)
	if err != nil || !strings.Contains(stderr, "out is up to date") {
		t.Errorf("second init --krm: %v\n%s", err, stderr)
	}
}
