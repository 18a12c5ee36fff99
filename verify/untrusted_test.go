package verify

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"

	"sigs.k8s.io/kustomize/kyaml/filesys"
)

func TestIsRemote(t *testing.T) {
	for s, want := range map[string]bool{
		"svc.yaml": false, "../base": false, "./overlays/prod": false, "/abs/base": false,
		"gitlab.com/org/repo": false, "github.com-notes/x.yaml": false, "a@b.yaml": false,
		"http://example.com/x.yaml": true, "https://github.com/org/repo//base?ref=v1": true,
		"ssh://git@example.com/org/repo": true, "file:///srv/repo": true,
		"git::https://example.com/org/repo": true, "GIT::git@example.com:org/repo": true,
		"git@github.com:org/repo.git": true, "user@host.example:org/repo": true,
		"github.com/org/repo/base": true, "GitHub.com/org/repo": true, " https://x/y ": true,
	} {
		if got := isRemote(s); got != want {
			t.Errorf("isRemote(%q) = %v, want %v", s, got, want)
		}
	}
}

// recorder is a loopback HTTP listener and a fake git on PATH that record
// any use: what verify must never cause without AllowRemote.
type recorder struct {
	url      string
	requests atomic.Int64
	gitLog   string
}

func newRecorder(t *testing.T) *recorder {
	t.Helper()
	r := &recorder{}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		r.requests.Add(1)
		fmt.Fprint(w, "apiVersion: v1\nkind: Service\nmetadata: {name: fetched}\n")
	})}
	go srv.Serve(l)
	t.Cleanup(func() { srv.Close() })
	r.url = "http://" + l.Addr().String()

	bin := t.TempDir()
	r.gitLog = filepath.Join(bin, "git-called")
	script := "#!/bin/sh\necho \"$@\" >> " + r.gitLog + "\nexit 1\n"
	if err := os.WriteFile(filepath.Join(bin, "git"), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", bin+string(os.PathListSeparator)+os.Getenv("PATH"))
	return r
}

// used says what was reached: requests to the listener, runs of git.
func (r *recorder) used() string {
	var s []string
	if n := r.requests.Load(); n > 0 {
		s = append(s, fmt.Sprintf("%d HTTP requests", n))
	}
	if data, err := os.ReadFile(r.gitLog); err == nil {
		s = append(s, "git run: "+strings.TrimSpace(string(data)))
	}
	return strings.Join(s, "; ")
}

// writeTree writes files (path → content) under a new folder.
func writeTree(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for p, s := range files {
		p = filepath.Join(dir, p)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

const svcYAML = "apiVersion: v1\nkind: Service\nmetadata: {name: a}\n"

// TestLoadRefusesRemote: every field through which kustomize fetches is
// refused with a finding naming the field, and nothing is fetched or run.
func TestLoadRefusesRemote(t *testing.T) {
	rec := newRecorder(t)
	u := rec.url + "/x.yaml"
	git := "ssh://git@127.0.0.1:1/org/repo"
	tests := []struct {
		name  string
		files map[string]string
		field string
	}{
		{"http resource", map[string]string{"kustomization.yaml": "resources: [svc.yaml, " + u + "]\n"}, "resources[1]"},
		{"git resource", map[string]string{"kustomization.yaml": "resources: [" + git + "]\n"}, "resources[0]"},
		{"scp-like resource", map[string]string{"kustomization.yaml": "resources: ['git@127.0.0.1:org/repo.git']\n"}, "resources[0]"},
		{"github shorthand", map[string]string{"kustomization.yaml": "resources: [github.com/org/repo/base]\n"}, "resources[0]"},
		{"go-getter prefix", map[string]string{"kustomization.yaml": "resources: ['git::" + u + "']\n"}, "resources[0]"},
		{"local git by file URL", map[string]string{"kustomization.yaml": "resources: ['file:///srv/repo']\n"}, "resources[0]"},
		{"bases", map[string]string{"kustomization.yaml": "bases: [" + git + "]\n"}, "bases[0]"},
		{"components", map[string]string{"kustomization.yaml": "components: [" + git + "]\n"}, "components[0]"},
		{"crds", map[string]string{"kustomization.yaml": "crds: [" + u + "]\n"}, "crds[0]"},
		{"configurations", map[string]string{"kustomization.yaml": "configurations: [" + u + "]\n"}, "configurations[0]"},
		{"patches path", map[string]string{"kustomization.yaml": "resources: [svc.yaml]\npatches: [{path: '" + u + "'}]\n"}, "patches[0].path"},
		{"patchesStrategicMerge", map[string]string{"kustomization.yaml": "resources: [svc.yaml]\npatchesStrategicMerge: ['" + u + "']\n"}, "patchesStrategicMerge[0]"},
		{"patchesJson6902", map[string]string{"kustomization.yaml": "resources: [svc.yaml]\npatchesJson6902: [{target: {kind: Service, name: a}, path: '" + u + "'}]\n"}, "patchesJson6902[0].path"},
		{"replacements", map[string]string{"kustomization.yaml": "resources: [svc.yaml]\nreplacements: [{path: '" + u + "'}]\n"}, "replacements[0].path"},
		{"configMapGenerator files", map[string]string{"kustomization.yaml": "configMapGenerator: [{name: c, files: ['k=" + u + "']}]\n"}, "configMapGenerator[0].files[0]"},
		{"secretGenerator envs", map[string]string{"kustomization.yaml": "secretGenerator: [{name: s, envs: ['" + u + "']}]\n"}, "secretGenerator[0].envs[0]"},
		{"configMapGenerator env", map[string]string{"kustomization.yaml": "configMapGenerator: [{name: c, env: '" + u + "'}]\n"}, "configMapGenerator[0].env"},
		{"openapi", map[string]string{"kustomization.yaml": "resources: [svc.yaml]\nopenapi: {path: '" + u + "'}\n"}, "openapi.path"},
		{"generator as a remote base", map[string]string{"kustomization.yaml": "generators: [" + git + "]\n"}, "generators[0]"},
		{"transformer as a remote base", map[string]string{"kustomization.yaml": "resources: [svc.yaml]\ntransformers: [" + git + "]\n"}, "transformers[0]"},
		{"validator as a remote base", map[string]string{"kustomization.yaml": "resources: [svc.yaml]\nvalidators: [" + git + "]\n"}, "validators[0]"},
		{
			"inline generator configuration",
			map[string]string{"kustomization.yaml": "generators:\n- |\n  apiVersion: builtin\n  kind: ConfigMapGenerator\n  metadata: {name: c}\n  files: ['" + u + "']\n"},
			"generators[0].files[0]",
		},
		{
			"transformer configuration file",
			map[string]string{
				"kustomization.yaml": "resources: [svc.yaml]\ntransformers: [patch.yaml]\n",
				"patch.yaml":         "apiVersion: builtin\nkind: PatchTransformer\nmetadata: {name: p}\npath: '" + u + "'\ntarget: {kind: Service}\n",
			},
			"path",
		},
		{
			"remote resource of a local base",
			map[string]string{"kustomization.yaml": "resources: [base]\n", "base/kustomization.yaml": "resources: [" + u + "]\n"},
			"resources[0]",
		},
		{
			"remote component of a local component",
			map[string]string{
				"kustomization.yaml":      "resources: [svc.yaml]\ncomponents: [comp]\n",
				"comp/kustomization.yaml": "apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\ncomponents: [" + git + "]\n",
			},
			"components[0]",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, ok := tt.files["svc.yaml"]; !ok {
				tt.files["svc.yaml"] = svcYAML
			}
			dir := writeTree(t, tt.files)
			b, err := Load(dir, nil, LoadOptions{})
			if err != nil {
				t.Fatalf("Load = %v, want findings", err)
			}
			if len(b.Objects) != 0 || len(b.Findings) != 1 {
				objs, fs := loadResult(b)
				t.Fatalf("Load = objects %v, findings %v; want one finding and no object", objs, fs)
			}
			f := b.Findings[0]
			if f.Severity != Error || f.Field != tt.field || !strings.Contains(f.Problem, "remote") || !strings.Contains(f.Fix, "--allow-remote") {
				t.Errorf("finding = %+v, want an error on %s naming the remote and --allow-remote", f, tt.field)
			}
			if used := rec.used(); used != "" {
				t.Errorf("verify reached out: %s", used)
			}
		})
	}

	// The recorder sees what kustomize does when allowed: without this,
	// a recorder that saw nothing would prove nothing.
	for _, res := range []string{u, git} {
		dir := writeTree(t, map[string]string{"kustomization.yaml": "resources: ['" + res + "']\n"})
		if _, err := Load(dir, nil, LoadOptions{AllowRemote: true}); err != nil {
			t.Fatal(err)
		}
	}
	if used := rec.used(); !strings.Contains(used, "1 HTTP requests") || !strings.Contains(used, "git run: init") {
		t.Errorf("with AllowRemote: %q, want one HTTP request and git run", used)
	}
}

// bomb is a YAML alias bomb of the given depth: each level repeats the
// one below nine times, 9^depth strings from a few hundred bytes.
func bomb(depth int) string {
	var b strings.Builder
	b.WriteString("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: bomb}\nbomb:\n  a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n")
	for i := 1; i <= depth; i++ {
		a := fmt.Sprintf("*a%d", i-1)
		fmt.Fprintf(&b, "  a%d: &a%d [%s]\n", i, i, strings.Repeat(a+", ", 8)+a)
	}
	return b.String()
}

// loadEveryWay loads the same document as a file, on stdin, in a plain
// folder, as a kustomize resource on disk and in memory, and as a resource
// of a base of a kustomization.
func loadEveryWay(t *testing.T, doc string, o LoadOptions) map[string]error {
	t.Helper()
	dir := writeTree(t, map[string]string{
		"file.yaml":                       doc,
		"plain/a.yaml":                    doc,
		"kust/kustomization.yaml":         "resources: [a.yaml]\n",
		"kust/a.yaml":                     doc,
		"overlay/kustomization.yaml":      "resources: [base]\n",
		"overlay/base/kustomization.yaml": "resources: [a.yaml]\n",
		"overlay/base/a.yaml":             doc,
	})
	errs := map[string]error{}
	_, errs["file"] = Load(filepath.Join(dir, "file.yaml"), nil, o)
	_, errs["stdin"] = Load("-", strings.NewReader(doc), o)
	_, errs["plain folder"] = Load(filepath.Join(dir, "plain"), nil, o)
	_, errs["kustomize"] = Load(filepath.Join(dir, "kust"), nil, o)
	_, errs["kustomize base"] = Load(filepath.Join(dir, "overlay"), nil, o)
	mem := filesys.MakeFsInMemory()
	if err := mem.WriteFile("/k/kustomization.yaml", []byte("resources: [a.yaml]\n")); err != nil {
		t.Fatal(err)
	}
	if err := mem.WriteFile("/k/a.yaml", []byte(doc)); err != nil {
		t.Fatal(err)
	}
	_, errs["kustomize in memory"] = LoadKustomize(mem, "/k", o)
	return errs
}

// wantLimit checks that every way refused the input for flag's limit.
func wantLimit(t *testing.T, errs map[string]error, flag string) {
	t.Helper()
	for way, err := range errs {
		var le *LimitError
		if !errors.As(err, &le) || le.Flag != flag || !strings.Contains(err.Error(), "raise the limit with "+flag) {
			t.Errorf("%s: error = %v, want a limit error naming %s", way, err, flag)
		}
	}
}

func TestLimitsOnEveryPath(t *testing.T) {
	// Six levels: 531,441 nodes once expanded, past the limit, and cheap
	// enough should the limit fail in this process (the nine-level bomb
	// runs in a capped process: internal/cli/verify).
	t.Run("alias bomb", func(t *testing.T) {
		wantLimit(t, loadEveryWay(t, bomb(6), LoadOptions{}), "--max-alias-nodes")
	})
	t.Run("alias cycle", func(t *testing.T) {
		// Should the check fail, kustomize recurses without end: let the
		// stack overflow early.
		defer debug.SetMaxStack(debug.SetMaxStack(64 << 20))
		wantLimit(t, loadEveryWay(t, "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\nx: &a [*a]\n", LoadOptions{}), "--max-alias-nodes")
	})
	t.Run("alias bomb behind a broken document", func(t *testing.T) {
		_, err := LoadYAML("in.yaml", []byte("a: [\n---\n"+bomb(6)), LoadOptions{})
		wantLimit(t, map[string]error{"LoadYAML": err}, "--max-alias-nodes")
	})
	t.Run("bytes", func(t *testing.T) {
		wantLimit(t, loadEveryWay(t, svcYAML, LoadOptions{MaxBytes: int64(len(svcYAML)) - 1}), "--max-input-bytes")
	})
	t.Run("objects", func(t *testing.T) {
		doc := svcYAML + "---\n" + strings.ReplaceAll(svcYAML, "name: a", "name: b") + "---\n" + strings.ReplaceAll(svcYAML, "name: a", "name: c")
		wantLimit(t, loadEveryWay(t, doc, LoadOptions{MaxObjects: 2}), "--max-objects")
	})
	t.Run("within the limits", func(t *testing.T) {
		// Aliases as people use them, a byte and an object to spare.
		doc := "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d, labels: &l {app: d}}\nspec:\n  selector: {matchLabels: *l}\n  template:\n    metadata: {labels: *l}\n    spec: {containers: [{name: c, image: x}]}\n"
		for way, err := range loadEveryWay(t, doc, LoadOptions{MaxBytes: int64(len(doc)) + 40, MaxObjects: 1, MaxAliasNodes: 6}) {
			if err != nil {
				t.Errorf("%s: %v", way, err)
			}
		}
	})
}

// TestLoadBytesCountEveryRead: a base included many times (under name
// prefixes) costs its bytes each time, so a small tree cannot make
// kustomize read, and hold, far more than the limit.
func TestLoadBytesCountEveryRead(t *testing.T) {
	files := map[string]string{"l0/kustomization.yaml": "resources: [a.yaml]\n", "l0/a.yaml": svcYAML}
	for i := 1; i <= 6; i++ {
		files[fmt.Sprintf("l%d/kustomization.yaml", i)] = "resources: [p, q]\n"
		for _, p := range []string{"p", "q"} {
			files[fmt.Sprintf("l%d/%s/kustomization.yaml", i, p)] = fmt.Sprintf("namePrefix: %s-\nresources: [../../l%d]\n", p, i-1)
		}
	}
	dir := writeTree(t, files)
	if b, err := Load(filepath.Join(dir, "l6"), nil, LoadOptions{}); err != nil || len(b.Objects) != 64 {
		t.Fatalf("within the default limits: %v objects, %v; want 64", len(b.Objects), err)
	}
	_, err := Load(filepath.Join(dir, "l6"), nil, LoadOptions{MaxBytes: 4 << 10})
	wantLimit(t, map[string]error{"doubling bases": err}, "--max-input-bytes")
}

// TestLoadRefusesSpecialFiles: a FIFO in a plain folder or a kustomize
// base would block the run forever, a device never end; they are refused
// without being opened.
func TestLoadRefusesSpecialFiles(t *testing.T) {
	dir := writeTree(t, map[string]string{"kust/kustomization.yaml": "resources: [a.yaml]\n"})
	for _, p := range []string{"plain/a.yaml", "kust/a.yaml"} {
		if err := os.MkdirAll(filepath.Dir(filepath.Join(dir, p)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := syscall.Mkfifo(filepath.Join(dir, p), 0o644); err != nil {
			t.Skip("no FIFOs here:", err)
		}
	}
	if _, err := Load(filepath.Join(dir, "plain"), nil, LoadOptions{}); err == nil || !strings.Contains(err.Error(), "not a regular file") {
		t.Errorf("plain folder with a FIFO: %v, want not a regular file", err)
	}
	if err := os.Symlink(os.DevNull, filepath.Join(dir, "device.yaml")); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(dir, nil, LoadOptions{}); err == nil || !strings.Contains(err.Error(), "device.yaml is not a regular file") {
		t.Errorf("plain folder with a symlink to a device: %v, want not a regular file", err)
	}
	b, err := Load(filepath.Join(dir, "kust"), nil, LoadOptions{})
	if err != nil || len(b.Findings) != 1 || !strings.Contains(b.Findings[0].Problem, "not a regular file") {
		t.Errorf("kustomization with a FIFO: %v, %v; want one finding: not a regular file", b, err)
	}
}

// BenchmarkAliasBombKustomize measures the refusal of a 9-level alias bomb
// given as a kustomize resource (9^9 strings once expanded).
//
//	go test ./verify -run XXX -bench AliasBomb -benchmem
func BenchmarkAliasBombKustomize(b *testing.B) {
	fs := filesys.MakeFsInMemory()
	if err := fs.WriteFile("/k/kustomization.yaml", []byte("resources: [bomb.yaml]\n")); err != nil {
		b.Fatal(err)
	}
	if err := fs.WriteFile("/k/bomb.yaml", []byte(bomb(9))); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := LoadKustomize(fs, "/k", LoadOptions{}); err == nil {
			b.Fatal("the bomb was not refused")
		}
	}
}
