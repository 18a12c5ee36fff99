package shared

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kubenetgen/kubenetgen/internal/cmdutil"
	"github.com/kubenetgen/kubenetgen/spec"
)

// TestFromFile reads standard input for -, and names the flag and what to
// do when the file is missing.
func TestFromFile(t *testing.T) {
	st, err := FromFile(SpecFile{Flag: "-f", Path: "-", Stdin: strings.NewReader("apiVersion: kubenetgen.dev/v1alpha1\nkind: App\nname: x\ntiers: []\n")})
	if err != nil || st.App.Name != "x" || st.Source != "standard input" || !st.FromFile {
		t.Errorf("FromFile(-) = %+v, %v", st, err)
	}
	missing := filepath.Join(t.TempDir(), "nope.yaml")
	for _, tt := range []struct{ hint, want string }{
		{"", "--expect " + missing + ": no such file"},
		{"create one", "--expect " + missing + ": no such file (create one)"},
	} {
		if _, err := FromFile(SpecFile{Flag: "--expect", Path: missing, Hint: tt.hint}); err == nil || err.Error() != tt.want {
			t.Errorf("FromFile(missing) = %v, want %q", err, tt.want)
		}
	}
}

// TestResolve reports every problem in the one style, naming the flags,
// and leaves the given app as it was.
func TestResolve(t *testing.T) {
	st := Blank()
	st.App.Name = "Shop"
	st.App.Tiers = []spec.Tier{{Name: "web", Image: "w"}}
	_, err := st.Resolve(nil, nil)
	want := "flags: 1 problem, nothing was written:\n  name: \"Shop\" is not a valid app name: "
	if err == nil || !strings.HasPrefix(err.Error(), want) {
		t.Fatalf("Resolve = %v, want %q…", err, want)
	}
	var ps spec.Problems
	if !errors.As(err, &ps) || len(ps) != 1 || cmdutil.ExitCode(err) != cmdutil.ExitError {
		t.Errorf("Resolve's error does not unwrap to its problems, or is a usage error: %#v", err)
	}
	st.App.Name = "shop"
	app, err := st.Resolve(nil, nil)
	if err != nil || app.Namespace != "shop" || st.App.Namespace != "" {
		t.Errorf("Resolve = %+v, %v; the given app's namespace became %q", app, err, st.App.Namespace)
	}
}
