package basedir_test

import (
	"errors"
	"fmt"
	"io/fs"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/kubenetgen/kubenetgen/generate"
	"github.com/kubenetgen/kubenetgen/internal/basedir"
	"github.com/kubenetgen/kubenetgen/spec"
)

// The proofs that a write is one transaction: whatever call fails, or
// wherever the writer is killed, the folder is afterwards exactly the old
// base or exactly the new one, with nothing left over. The counts are
// printed (go test -v) for the README's fault table.

// fixedNow names the backup folder the same in every run of a case.
var fixedNow = time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)

// chainApp is an app of n tiers, each called by the one before; version
// changes every image. Only tiers from..from+n-1 are in it, so two
// versions with different from remove and add tier files.
func chainApp(n, from, version int) *spec.App {
	a := &spec.App{APIVersion: spec.APIVersion, Kind: spec.Kind, Name: "chain"}
	for i := from; i < from+n; i++ {
		t := spec.Tier{
			Name:   fmt.Sprintf("t%04d", i),
			Image:  fmt.Sprintf("ghcr.io/acme/t%04d:%d", i, version),
			Ports:  []spec.Port{{Name: "http", Port: 8080}},
			Expose: spec.Expose{Type: spec.ExposeClusterIP},
		}
		if i > from {
			t.AllowFrom = []string{fmt.Sprintf("t%04d", i-1)}
		}
		a.Tiers = append(a.Tiers, t)
	}
	spec.Default(a)
	if ps := spec.Validate(a); ps != nil {
		panic(ps)
	}
	return a
}

// rewrite is a write of a new base over an old one that does every kind
// of step: files replaced, added and removed, an edited file replaced
// with --force (and kept as a copy), a spec file written with the base.
type rewrite struct {
	files []generate.File
	opts  basedir.Options
	old   map[string]string // the folder before
	new   map[string]string // the folder after
	tmpl  string            // a folder holding the old base
}

// newChain is the new base of a rewrite of n tiers.
func newChain(n int) *spec.App { return chainApp(n, 1, 2) }

func rewriteOptions() basedir.Options {
	return basedir.Options{Force: true, Now: fixedNow, LockWait: time.Minute}
}

func newRewrite(t *testing.T, n int) *rewrite {
	t.Helper()
	rw := &rewrite{tmpl: t.TempDir()}
	specPath := filepath.Join(rw.tmpl, "kubenetgen.yaml")
	if _, err := basedir.Write(rw.tmpl, render(t, chainApp(n, 0, 1)), basedir.Options{Also: []generate.File{{Path: specPath, Data: []byte("old spec\n")}}}); err != nil {
		t.Fatal(err)
	}
	edited := filepath.Join(rw.tmpl, "tiers", "t0001.yaml")
	if err := os.WriteFile(edited, append(mustRead(t, edited), "# tuned by hand\n"...), 0o644); err != nil {
		t.Fatal(err)
	}
	rw.old = snapshot(t, rw.tmpl)
	rw.files = render(t, newChain(n))
	rw.opts = rewriteOptions()
	dir := rw.copy(t)
	rw.opts.Also = []generate.File{{Path: filepath.Join(dir, "kubenetgen.yaml"), Data: []byte("new spec\n")}}
	if _, err := basedir.Write(dir, rw.files, rw.opts); err != nil {
		t.Fatal(err)
	}
	rw.new = snapshot(t, dir)
	return rw
}

// copy makes a new folder holding the old base, and points the spec file
// of the write into it.
func (rw *rewrite) copy(t testing.TB) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "base")
	if err := os.CopyFS(dir, os.DirFS(rw.tmpl)); err != nil {
		t.Fatal(err)
	}
	if len(rw.opts.Also) > 0 {
		rw.opts.Also[0].Path = filepath.Join(dir, "kubenetgen.yaml")
	}
	return dir
}

// outcome says whether dir holds exactly the old or the new base.
func (rw *rewrite) outcome(t *testing.T, dir string) string {
	t.Helper()
	got := snapshot(t, dir)
	switch {
	case cmp.Equal(got, rw.old):
		return "old"
	case cmp.Equal(got, rw.new):
		return "new"
	}
	return "mixed or with leftovers:\n" + cmp.Diff(rw.new, got)
}

// visible is what a reader of the base sees: the folder without
// kubenetgen's temporary files and journal.
func visible(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := snapshot(t, dir)
	for k := range out {
		if strings.Contains(k, basedir.TempPrefix) || strings.HasSuffix(k, basedir.JournalFile) {
			delete(out, k)
		}
	}
	return out
}

// TestEveryFailingCallLeavesOldOrNew makes each call the write makes on
// the disk fail in turn (as an I/O error, and as a full disk), and wants
// the folder, right after the failed run, to read as the old base or the
// new one, and after Recover to be exactly one of them.
func TestEveryFailingCallLeavesOldOrNew(t *testing.T) {
	rw := newRewrite(t, 4)
	// The calls of the write, in order.
	var ops []string
	_, restore := basedir.Fail(func(n int, op string) error { ops = append(ops, op); return nil })
	if _, err := basedir.Write(rw.copy(t), rw.files, rw.opts); err != nil {
		t.Fatal(err)
	}
	restore()
	// A full disk fails the calls that take space; anything may fail with
	// an I/O error.
	fails := map[error]func(op string) bool{
		syscall.EIO: func(string) bool { return true },
		syscall.ENOSPC: func(op string) bool {
			return op == "Create" || op == "Write" || op == "Mkdir" || op == "Link" || op == "Close"
		},
	}
	for _, injected := range []error{syscall.EIO, syscall.ENOSPC} {
		counts := map[string]int{}
		for n := 1; ; n++ {
			if n <= len(ops) && !fails[injected](ops[n-1]) {
				continue
			}
			dir := rw.copy(t)
			calls, restore := basedir.FailCall(n, &fs.PathError{Op: "injected", Path: "call " + strconv.Itoa(n), Err: injected})
			_, err := basedir.Write(dir, rw.files, rw.opts)
			restore()
			if calls() < n {
				if err != nil {
					t.Fatalf("no call failed, yet: %v", err)
				}
				break
			}
			v := visible(t, dir)
			seen := "mixed"
			if cmp.Equal(v, rw.old) {
				seen = "old"
			} else if cmp.Equal(v, rw.new) {
				seen = "new"
			}
			if seen == "mixed" || (err == nil && seen != "new") {
				t.Fatalf("%v at call %d: the folder reads as %s (err %v):\n%s", injected, n, seen, err, cmp.Diff(rw.new, v))
			}
			if err := basedir.Recover(dir); err != nil {
				t.Fatalf("%v at call %d: Recover: %v", injected, n, err)
			}
			if o := rw.outcome(t, dir); o != seen {
				t.Fatalf("%v at call %d: after Recover the folder is %s, was %s", injected, n, o, seen)
			}
			counts[seen]++
			if _, err := basedir.Write(dir, rw.files, rw.opts); err != nil {
				t.Fatalf("%v at call %d: the next run: %v", injected, n, err)
			}
			if o := rw.outcome(t, dir); o != "new" {
				t.Fatalf("%v at call %d: after the next run the folder is %s", injected, n, o)
			}
		}
		t.Logf("%v: %d of the write's %d calls failed one at a time: %d left the old base, %d the new, 0 mixed, 0 leftovers after Recover", injected, counts["old"]+counts["new"], len(ops), counts["old"], counts["new"])
	}
}

// TestReadOnlyFolder: a folder where nothing may change (every call that
// would change the disk fails, as on a read-only mount) is left as it
// was, with an error.
func TestReadOnlyFolder(t *testing.T) {
	rw := newRewrite(t, 3)
	dir := rw.copy(t)
	_, restore := basedir.Fail(func(n int, op string) error {
		switch op {
		case "Lstat", "ReadFile", "ReadDir":
			return nil
		}
		return &fs.PathError{Op: op, Path: dir, Err: syscall.EROFS}
	})
	_, err := basedir.Write(dir, rw.files, rw.opts)
	restore()
	if !errors.Is(err, syscall.EROFS) {
		t.Errorf("Write on a read-only folder = %v, want EROFS", err)
	}
	if o := rw.outcome(t, dir); o != "old" {
		t.Errorf("the folder is %s", o)
	}
}

// The kill test re-runs this test binary as the writer and kills it with
// SIGKILL at a random call of the write. KUBENETGEN_KILLS and
// KUBENETGEN_KILL_TIERS raise the count and the size (the README's figure:
// 200 kills over a 1,000-tier rewrite).
const (
	envKillAt  = "KUBENETGEN_TEST_KILL_AT"
	envKillDir = "KUBENETGEN_TEST_KILL_DIR"
)

func envInt(name string, def int) int {
	if n, err := strconv.Atoi(os.Getenv(name)); err == nil && n > 0 {
		return n
	}
	return def
}

// sameID is the id of every write of the kill test: as in a container
// where kubenetgen always has the same PID, the next run's temporary
// names are the killed run's.
const sameID = "0000000000000001"

func TestKillAtRandomPoints(t *testing.T) {
	tiers := envInt("KUBENETGEN_KILL_TIERS", 20)
	kills := envInt("KUBENETGEN_KILLS", 10)
	defer basedir.SetID(sameID)()
	if at := os.Getenv(envKillAt); at != "" {
		// The writer: the same write as the parent's, dying at call n. It
		// makes no folder of its own, which a kill would leave behind.
		n, _ := strconv.Atoi(at)
		dir := os.Getenv(envKillDir)
		rw := &rewrite{files: render(t, newChain(tiers)), opts: rewriteOptions()}
		rw.opts.Also = []generate.File{{Path: filepath.Join(dir, "kubenetgen.yaml"), Data: []byte("new spec\n")}}
		basedir.Fail(func(k int, op string) error {
			if k == n {
				syscall.Kill(os.Getpid(), syscall.SIGKILL)
				select {}
			}
			return nil
		})
		if _, err := basedir.Write(dir, rw.files, rw.opts); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(3)
		}
		os.Exit(0)
	}
	rw := newRewrite(t, tiers)
	// Where the write starts changing the disk, and how many calls it makes.
	first, total := 0, 0
	dir := rw.copy(t)
	calls, restore := basedir.Fail(func(n int, op string) error {
		if first == 0 && op == "Create" {
			first = n
		}
		return nil
	})
	if _, err := basedir.Write(dir, rw.files, rw.opts); err != nil {
		t.Fatal(err)
	}
	total = calls()
	restore()

	rng := rand.New(rand.NewSource(int64(tiers*1000 + kills)))
	counts := map[string]int{}
	for range kills {
		n := first + rng.Intn(total-first+1)
		dir := rw.copy(t)
		cmd := exec.Command(os.Args[0], "-test.run=^TestKillAtRandomPoints$")
		cmd.Env = append(os.Environ(), envKillAt+"="+strconv.Itoa(n), envKillDir+"="+dir)
		out, err := cmd.CombinedOutput()
		var ee *exec.ExitError
		if !errors.As(err, &ee) || ee.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL {
			t.Fatalf("kill at call %d of %d: the writer was not killed (%v):\n%s", n, total, err, out)
		}
		if err := basedir.Recover(dir); err != nil {
			t.Fatalf("kill at call %d: Recover: %v", n, err)
		}
		o := rw.outcome(t, dir)
		if o != "old" && o != "new" {
			t.Fatalf("kill at call %d of %d: after Recover the folder is %s", n, total, o)
		}
		counts[o]++
		if _, err := basedir.Write(dir, rw.files, rw.opts); err != nil {
			t.Fatalf("kill at call %d: the next run: %v", n, err)
		}
		if o := rw.outcome(t, dir); o != "new" {
			t.Fatalf("kill at call %d: after the next run the folder is %s", n, o)
		}
	}
	t.Logf("%d tiers, %d kills at random calls %d..%d of the write (same temporary names for every run): %d left the old base, %d the new, 0 mixed, 0 leftovers after the next run",
		tiers, kills, first, total, counts["old"], counts["new"])
}

// TestSameIDLeftovers: temporary files that a killed run with the same id
// left (beside the base's files, and beside a spec file outside the
// folder) do not stop the next run.
func TestSameIDLeftovers(t *testing.T) {
	defer basedir.SetID(sameID)()
	rw := newRewrite(t, 3)
	dir := rw.copy(t)
	for _, p := range []string{
		filepath.Join(dir, basedir.TempPrefix+sameID+"-0"),
		filepath.Join(dir, "tiers", basedir.TempPrefix+sameID+"-1"),
		filepath.Join(dir, "tiers", basedir.TempPrefix+sameID+"-1.old"),
		filepath.Join(dir, basedir.TempPrefix+sameID+".journal"),
	} {
		if err := os.WriteFile(p, []byte("left by a killed run\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := basedir.Write(dir, rw.files, rw.opts); err != nil {
		t.Fatalf("Write after a same-id run left files: %v", err)
	}
	if o := rw.outcome(t, dir); o != "new" {
		t.Errorf("the folder is %s", o)
	}
	// Outside the folder, no scan finds it: the write replaces its own
	// name.
	outside := filepath.Join(t.TempDir(), "spec")
	if err := os.MkdirAll(outside, 0o755); err != nil {
		t.Fatal(err)
	}
	d2 := rw.copy(t)
	specPath := filepath.Join(outside, "kubenetgen.yaml")
	opts := rw.opts
	opts.Also = []generate.File{{Path: specPath, Data: []byte("new spec\n")}}
	// The spec file is the last step of the write: its staged name ends in
	// the number of steps before it.
	for i := range 4000 {
		os.WriteFile(filepath.Join(outside, fmt.Sprintf("%s%s-%d", basedir.TempPrefix, sameID, i)), nil, 0o644)
	}
	if _, err := basedir.Write(d2, rw.files, opts); err != nil {
		t.Fatalf("Write with a same-id leftover beside the spec file: %v", err)
	}
	if got := string(mustRead(t, specPath)); got != "new spec\n" {
		t.Errorf("spec = %q", got)
	}
}

// TestConcurrentWritesNeverInterleave starts two writes of different
// bases into the same folder at once, 50 times, and wants each folder to
// be exactly one of the two bases, and both runs to succeed.
func TestConcurrentWritesNeverInterleave(t *testing.T) {
	pairs := envInt("KUBENETGEN_CONCURRENT_PAIRS", 50)
	tiers := 8
	base := render(t, chainApp(tiers, 0, 1))
	a, b := render(t, chainApp(tiers, 5, 2)), render(t, chainApp(tiers, 10, 3))
	want := map[string]map[string]string{}
	for name, files := range map[string][]generate.File{"a": a, "b": b} {
		dir := filepath.Join(t.TempDir(), "base")
		mustWrite(t, dir, base, basedir.Options{})
		mustWrite(t, dir, files, basedir.Options{})
		want[name] = snapshot(t, dir)
	}
	counts := map[string]int{}
	for i := range pairs {
		dir := filepath.Join(t.TempDir(), "base")
		mustWrite(t, dir, base, basedir.Options{})
		var wg sync.WaitGroup
		start := make(chan struct{})
		errs := make([]error, 2)
		for k, files := range [][]generate.File{a, b} {
			wg.Go(func() {
				<-start
				_, errs[k] = basedir.Write(dir, files, basedir.Options{LockWait: time.Minute})
			})
		}
		close(start)
		wg.Wait()
		if err := errors.Join(errs...); err != nil {
			t.Fatalf("pair %d: %v", i, err)
		}
		got := snapshot(t, dir)
		switch {
		case cmp.Equal(got, want["a"]):
			counts["a"]++
		case cmp.Equal(got, want["b"]):
			counts["b"]++
		default:
			t.Fatalf("pair %d: the folder is neither base:\n%s", i, cmp.Diff(want["b"], got))
		}
	}
	t.Logf("%d concurrent pairs: %d ended as the first base, %d as the second, 0 interleaved", pairs, counts["a"], counts["b"])
}

// TestLockedFolderFailsClearly: a run that cannot get the folder's lock in
// time writes nothing and says why.
func TestLockedFolderFailsClearly(t *testing.T) {
	dir := t.TempDir()
	files := render(t, threeTier(t))
	mustWrite(t, dir, files, basedir.Options{})
	before := snapshot(t, dir)
	d, err := os.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if err := syscall.Flock(int(d.Fd()), syscall.LOCK_EX); err != nil {
		t.Fatal(err)
	}
	a := threeTier(t)
	*a.Tiers[0].Replicas = 7
	_, err = basedir.Write(dir, render(t, a), basedir.Options{LockWait: 50 * time.Millisecond})
	if err == nil || !strings.Contains(err.Error(), "another kubenetgen is writing "+dir) || !strings.Contains(err.Error(), "nothing was written") {
		t.Errorf("Write into a locked folder = %v, want it to say another kubenetgen is writing", err)
	}
	if diff := cmp.Diff(before, snapshot(t, dir)); diff != "" {
		t.Errorf("folder changed:\n%s", diff)
	}
}
