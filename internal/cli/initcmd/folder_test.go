package initcmd

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kubenetgen/kubenetgen/internal/cmdutil"
	"github.com/kubenetgen/kubenetgen/internal/prompter/prompttest"
)

func writeFiles(t *testing.T, files map[string]string) {
	t.Helper()
	for p, data := range files {
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// TestProposesSubfolder: init without DIR in a folder that holds other
// files proposes deploy/ before anything else, and writes there.
func TestProposesSubfolder(t *testing.T) {
	inTemp(t)
	writeFiles(t, map[string]string{"go.mod": "module x\n", "main.go": "package main\n", ".gitignore": "bin/\n"})
	f := prompttest.New(t).Answer("Folder for kubenetgen.yaml and the base", D).
		Answer("Start from", "single").Answer("App name", D).Answer("Namespace", D).Answer("Pod network of the cluster", D).Answer("Tiers", D).
		Answer("External HTTP(S) access", D).Answer("Write deploy/kubenetgen.yaml and the base into deploy?", D)
	stderr, err := run(t, f, true)
	if err != nil {
		t.Fatalf("init: %v\n%s", err, stderr)
	}
	if f.Asked[0].Message != "Folder for kubenetgen.yaml and the base" || f.Asked[0].Default != "deploy" {
		t.Errorf("first question = %+v, want the folder, deploy proposed", f.Asked[0])
	}
	if !strings.Contains(stderr, "This folder already holds other files (go.mod, main.go).") {
		t.Errorf("stderr does not name the other files:\n%s", stderr)
	}
	loadWritten(t, "deploy")
	if _, err := os.Stat(SpecFile); !os.IsNotExist(err) {
		t.Errorf("%s written beside the other files (err %v)", SpecFile, err)
	}
}

// TestNoSubfolderForOwnFolder: an empty folder, or one with a spec, is the
// base's own: nothing is proposed.
func TestNoSubfolderForOwnFolder(t *testing.T) {
	inTemp(t)
	writeFiles(t, map[string]string{".git/HEAD": "ref: refs/heads/main\n"})
	f := prompttest.New(t).Answer("Start from", "single").Answer("App name", D).Answer("Namespace", D).Answer("Pod network of the cluster", D).Answer("Tiers", D).
		Answer("External HTTP(S) access", D).Answer("Write kubenetgen.yaml and the base into .?", D)
	if stderr, err := run(t, f, true); err != nil {
		t.Fatalf("init: %v\n%s", err, stderr)
	}
	f = prompttest.New(t).Answer("kubenetgen.yaml exists: what now?", "edit").Answer("App name", D).Answer("Namespace", D).Answer("Pod network of the cluster", D).Answer("Tiers", D).
		Answer("External HTTP(S) access", D).Answer("Write kubenetgen.yaml and the base into .?", D)
	if stderr, err := run(t, f, true); err != nil {
		t.Fatalf("init again: %v\n%s", err, stderr)
	}
}

// TestNoPromptOtherFiles: without a terminal nothing can be proposed, so
// init without DIR beside other files names the way out; "." writes there.
func TestNoPromptOtherFiles(t *testing.T) {
	inTemp(t)
	writeFiles(t, map[string]string{"main.go": "package main\n"})
	_, err := run(t, nil, false, "--preset", "single-service")
	var fe *cmdutil.FlagError
	if !errors.As(err, &fe) || !strings.Contains(err.Error(), "main.go") || !strings.Contains(err.Error(), "kubenetgen init deploy") {
		t.Fatalf("err = %v, want a usage error naming main.go and kubenetgen init deploy", err)
	}
	if _, err := os.Stat(SpecFile); !os.IsNotExist(err) {
		t.Errorf("%s written (err %v)", SpecFile, err)
	}
	if _, err := run(t, nil, false, ".", "--preset", "single-service"); err != nil {
		t.Fatalf("init . : %v", err)
	}
}

// TestConflictFirstQuit: refusing to go on at the early conflict asks
// nothing more and writes nothing.
func TestConflictFirstQuit(t *testing.T) {
	inTemp(t)
	writeFiles(t, map[string]string{"out/kustomization.yaml": "resources: [mine.yaml]\n"})
	f := prompttest.New(t).Answer(anywayOut, D)
	stderr, err := run(t, f, true, "out")
	if !errors.Is(err, cmdutil.ErrCanceled) {
		t.Fatalf("err = %v, want ErrCanceled", err)
	}
	if !strings.Contains(stderr, "out/kustomization.yaml: not written by kubenetgen") {
		t.Errorf("stderr does not name the file in the way:\n%s", stderr)
	}
	if got := readFile(t, "out/kustomization.yaml"); got != "resources: [mine.yaml]\n" {
		t.Errorf("kustomization.yaml changed: %q", got)
	}
}
