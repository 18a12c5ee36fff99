package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/kubenetgen/kubenetgen/internal/cli/root"
)

// TestMain lets the test binary act as the kubenetgen command inside the
// scripts, so they run the real command line end to end.
func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"kubenetgen": func() { os.Exit(root.Main()) },
	})
}

// TestScript runs the black-box command-line scripts in testdata/script.
// Each script sees the repository's golden cases and presets as
// $GOLDEN and $PRESETS.
func TestScript(t *testing.T) {
	repo, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	testscript.Run(t, testscript.Params{
		Dir:                 "testdata/script",
		RequireExplicitExec: true,
		Setup: func(env *testscript.Env) error {
			env.Setenv("GOLDEN", filepath.Join(repo, "golden"))
			env.Setenv("PRESETS", filepath.Join(repo, "templates", "presets"))
			env.Setenv("KUBENETGEN_NO_PROMPT", "1")
			return nil
		},
	})
}
