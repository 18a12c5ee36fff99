package generate_test

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/kubenetgen/kubenetgen/generate"
	"github.com/kubenetgen/kubenetgen/internal/basedir"
	"github.com/kubenetgen/kubenetgen/spec"
)

// synthApp returns an app of n tiers in which every tier may be called by
// the three tiers before it (3n edges), with a mix of exposures and an
// Ingress route to every tenth tier: the shape of a large real system.
func synthApp(n int) *spec.App {
	a := &spec.App{APIVersion: spec.APIVersion, Kind: spec.Kind, Name: "big", Ingress: &spec.Ingress{Class: "traefik"}}
	exposures := []string{spec.ExposeClusterIP, spec.ExposeClusterIP, spec.ExposeClusterIP, spec.ExposeNodePort, spec.ExposeLoadBalancer}
	for i := range n {
		r := int32(1 + i%3)
		t := spec.Tier{
			Name:     fmt.Sprintf("svc-%04d", i),
			Image:    fmt.Sprintf("ghcr.io/acme/svc-%04d:1.0.%d", i, i%7),
			Ports:    []spec.Port{{Name: "http", Port: 8080}, {Name: "metrics", Port: 9100}},
			Replicas: &r,
			Expose:   spec.Expose{Type: exposures[i%len(exposures)]},
		}
		if t.Expose.Type == spec.ExposeLoadBalancer {
			t.Expose.SourceRanges = []string{"203.0.113.0/24"}
		}
		for k := 1; k <= 3 && n > 3; k++ {
			t.AllowFrom = append(t.AllowFrom, fmt.Sprintf("svc-%04d", (i-k+n)%n))
		}
		a.Tiers = append(a.Tiers, t)
		if i%10 == 0 {
			a.Ingress.Rules = append(a.Ingress.Rules, spec.Rule{Host: "big.example.com", Path: fmt.Sprintf("/svc-%04d", i), Tier: t.Name, Port: "http", TLS: "big-tls"})
		}
	}
	return a
}

// specFile writes synthApp(n) as kubenetgen.yaml and returns its bytes.
func specBytes(b *testing.B, n int) []byte {
	b.Helper()
	data, err := spec.Marshal(synthApp(n))
	if err != nil {
		b.Fatal(err)
	}
	return data
}

// BenchmarkGenerate is the pipeline in memory, spec bytes to the files of
// the base: load, default, validate, build, render. Disk writes are
// measured apart (BenchmarkWrite): on a virtual disk their cost varies
// more than everything else together.
func BenchmarkGenerate(b *testing.B) {
	benchPipeline(b, func(a *spec.App) error {
		_, err := generate.Render(a, "out")
		return err
	})
}

// BenchmarkStream is `generate -o -` in memory: load, default, validate,
// build and print kustomize's build of the base (StreamBytes).
func BenchmarkStream(b *testing.B) {
	benchPipeline(b, func(a *spec.App) error {
		_, err := generate.StreamBytes(a, nil)
		return err
	})
}

// benchPipeline loads, defaults and validates the spec of 3, 100 and
// 1,000 tiers and hands the app to last.
func benchPipeline(b *testing.B, last func(*spec.App) error) {
	for _, n := range []int{3, 100, 1000} {
		b.Run(fmt.Sprintf("tiers=%d", n), func(b *testing.B) {
			data := specBytes(b, n)
			b.ReportAllocs()
			for b.Loop() {
				a, err := spec.Load(data)
				if err != nil {
					b.Fatal(err)
				}
				spec.Default(a)
				if ps := spec.Validate(a); ps != nil {
					b.Fatal(ps)
				}
				if err := last(a); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkWrite writes a rendered base into a fresh folder (fresh) and
// over an up-to-date copy of itself (unchanged, the usual regeneration).
func BenchmarkWrite(b *testing.B) {
	for _, n := range []int{3, 1000} {
		a := synthApp(n)
		spec.Default(a)
		files, err := generate.Render(a, "out")
		if err != nil {
			b.Fatal(err)
		}
		b.Run(fmt.Sprintf("tiers=%d/fresh", n), func(b *testing.B) {
			root := b.TempDir()
			i := 0
			for b.Loop() {
				i++
				if _, err := basedir.Write(filepath.Join(root, fmt.Sprint(i)), files, basedir.Options{}); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(fmt.Sprintf("tiers=%d/unchanged", n), func(b *testing.B) {
			dir := b.TempDir()
			if _, err := basedir.Write(dir, files, basedir.Options{}); err != nil {
				b.Fatal(err)
			}
			for b.Loop() {
				if _, err := basedir.Write(dir, files, basedir.Options{}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkProcess runs the kubenetgen binary as a user would, one process
// per iteration, regenerating a base in place (fresh=false) or into a new
// folder (fresh=true), and reports the peak memory of the process
// (maxrss-MiB). The binary is built once per run into a temporary folder.
// Run it on its own: a child's maxrss counts at least the memory of the
// process that started it.
func BenchmarkProcess(b *testing.B) {
	// KUBENETGEN_BENCH_BIN names another build to measure (an earlier
	// version, for before-and-after runs interleaved on a busy machine).
	bin := os.Getenv("KUBENETGEN_BENCH_BIN")
	if bin == "" {
		bin = filepath.Join(b.TempDir(), "kubenetgen")
		if out, err := exec.Command("go", "build", "-o", bin, "../cmd/kubenetgen").CombinedOutput(); err != nil {
			b.Fatalf("building kubenetgen: %v\n%s", err, out)
		}
	}
	// The floor: starting the same binary to print its version.
	b.Run("version", func(b *testing.B) {
		var cpu time.Duration
		for b.Loop() {
			cmd := exec.Command(bin, "version")
			if out, err := cmd.CombinedOutput(); err != nil {
				b.Fatalf("kubenetgen version: %v\n%s", err, out)
			}
			cpu += cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
		}
		b.ReportMetric(float64(cpu.Microseconds())/1000/float64(b.N), "cpu-ms/op")
	})
	// -o -: the base's kustomize build on standard output.
	for _, n := range []int{3, 100, 1000} {
		b.Run(fmt.Sprintf("tiers=%d/stdout", n), func(b *testing.B) {
			specPath := filepath.Join(b.TempDir(), "kubenetgen.yaml")
			if err := os.WriteFile(specPath, specBytes(b, n), 0o644); err != nil {
				b.Fatal(err)
			}
			runEach(b, bin, "generate", "-f", specPath, "-o", "-")
		})
	}
	// verify --expect of the base generate wrote, as CI would run it:
	// kustomize's build of the folder (the fast path: kubenetgen's own
	// untouched files), the checks and the comparison with the spec.
	for _, n := range []int{3, 100, 400, 1000} {
		b.Run(fmt.Sprintf("tiers=%d/verify", n), func(b *testing.B) {
			dir := b.TempDir()
			specPath, base := filepath.Join(dir, "kubenetgen.yaml"), filepath.Join(dir, "base")
			if err := os.WriteFile(specPath, specBytes(b, n), 0o644); err != nil {
				b.Fatal(err)
			}
			if out, err := exec.Command(bin, "generate", "-f", specPath, "-o", base).CombinedOutput(); err != nil {
				b.Fatalf("kubenetgen generate: %v\n%s", err, out)
			}
			runEach(b, bin, "verify", base, "--expect", specPath)
		})
	}
	for _, n := range []int{3, 1000} {
		for _, fresh := range []bool{false, true} {
			b.Run(fmt.Sprintf("tiers=%d/fresh=%v", n, fresh), func(b *testing.B) {
				dir := b.TempDir()
				specPath := filepath.Join(dir, "kubenetgen.yaml")
				if err := os.WriteFile(specPath, specBytes(b, n), 0o644); err != nil {
					b.Fatal(err)
				}
				run := func(out string) int64 {
					cmd := exec.Command(bin, "generate", "-f", specPath, "-o", out)
					if out, err := cmd.CombinedOutput(); err != nil {
						b.Fatalf("kubenetgen: %v\n%s", err, out)
					}
					if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
						return ru.Maxrss
					}
					return 0
				}
				out := filepath.Join(dir, "base")
				run(out)
				var maxRSS int64
				i := 0
				for b.Loop() {
					if fresh {
						i++
						out = filepath.Join(dir, fmt.Sprint(i))
					}
					maxRSS = max(maxRSS, run(out))
				}
				b.ReportMetric(float64(maxRSS)/1024, "maxrss-MiB")
			})
		}
	}
}

// runEach runs bin with args once per iteration, its output discarded,
// and reports the peak memory of the processes (maxrss-MiB) and their CPU
// time (cpu-ms/op), which varies less than wall time when other work
// shares the machine.
func runEach(b *testing.B, bin string, args ...string) {
	b.Helper()
	var maxRSS int64
	var cpu time.Duration
	for b.Loop() {
		cmd := exec.Command(bin, args...)
		var stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = io.Discard, &stderr
		if err := cmd.Run(); err != nil {
			b.Fatalf("kubenetgen %s: %v\n%s", args[0], err, stderr.Bytes())
		}
		if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
			maxRSS = max(maxRSS, ru.Maxrss)
		}
		cpu += cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
	}
	b.ReportMetric(float64(maxRSS)/1024, "maxrss-MiB")
	b.ReportMetric(float64(cpu.Microseconds())/1000/float64(b.N), "cpu-ms/op")
}
