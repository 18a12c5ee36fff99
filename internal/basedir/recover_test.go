package basedir_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kubenetgen/kubenetgen/internal/basedir"
)

// TestHostileJournal: a journal that kubenetgen did not write (a folder
// checked out from someone else's repository) never gets recovery to
// remove or replace anything outside the folder, or through a link.
func TestHostileJournal(t *testing.T) {
	outside := t.TempDir()
	precious := filepath.Join(outside, "precious")
	must(t, os.WriteFile(precious, []byte("mine\n"), 0o644))
	type op struct {
		Target string `json:"target"`
		Stage  string `json:"stage,omitempty"`
		Old    string `json:"old,omitempty"`
		Remove bool   `json:"remove,omitempty"`
	}
	cases := []struct {
		name    string
		state   string
		ops     []op
		dirs    []string
		link    bool
		refused bool
	}{
		{name: "a new file outside to take back", state: "rollback", ops: []op{{Target: precious, Stage: filepath.Join(outside, basedir.TempPrefix+"x-0")}}, dirs: []string{outside}},
		{name: "a removal outside", state: "commit", ops: []op{{Target: precious, Old: filepath.Join(outside, basedir.TempPrefix+"x-0.old"), Remove: true}}, refused: true},
		{name: "a path out of the folder", state: "commit", ops: []op{{Target: "../precious", Old: "../" + basedir.TempPrefix + "x-0.old", Remove: true}}, refused: true},
		{name: "a name not kubenetgen's", state: "rollback", ops: []op{{Target: "kustomization.yaml", Stage: "other"}}, refused: true},
		{name: "through a link", state: "commit", ops: []op{{Target: "tiers/precious", Old: "tiers/" + basedir.TempPrefix + "x-0.old", Remove: true}}, link: true, refused: true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			if c.link {
				must(t, os.Symlink(outside, filepath.Join(dir, "tiers")))
			}
			data, err := json.Marshal(map[string]any{"state": c.state, "id": "x", "ops": c.ops, "dirs": c.dirs})
			must(t, err)
			must(t, os.WriteFile(filepath.Join(dir, basedir.JournalFile), data, 0o644))
			err = basedir.Recover(dir)
			if c.refused != (err != nil) || (err != nil && !strings.Contains(err.Error(), "is not a journal kubenetgen can finish")) {
				t.Errorf("Recover = %v, refused want %v", err, c.refused)
			}
			if got, err := os.ReadFile(precious); err != nil || string(got) != "mine\n" {
				t.Fatalf("the file outside the folder is gone or changed: %q, %v", got, err)
			}
		})
	}
}
