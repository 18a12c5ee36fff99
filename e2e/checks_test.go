//go:build e2e

package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestChecksCatchBrokenBases feeds checkBase small bases with one known
// fault each and checks that the fault is reported: checks that pass every
// base would prove nothing about the golden ones.
func TestChecksCatchBrokenBases(t *testing.T) {
	defer func(a, s time.Duration) { availableTimeout, settleTimeout = a, s }(availableTimeout, settleTimeout)
	availableTimeout, settleTimeout = 8*time.Second, 8*time.Second

	for _, tc := range []struct {
		name  string
		fault brokenBase
		want  []string
	}{
		{
			name:  "nodePort outside the range",
			fault: brokenBase{nodePort: 3000},
			want:  []string{"the API server rejected the base", "provided port is not in the valid range"},
		},
		{
			name:  "targetPort names no container port",
			fault: brokenBase{targetPort: "metrics"},
			want:  []string{`targetPort "metrics" names no TCP container port`, "EndpointSlices of Service"},
		},
		{
			name:  "Service selects nothing",
			fault: brokenBase{selector: "nothing"},
			want:  []string{"selects no pods", "selects the pods of 0 Deployments"},
		},
		{
			name:  "pod breaks Pod Security restricted",
			fault: brokenBase{privileged: true},
			want:  []string{"kubectl apply printed warnings", "violate PodSecurity", "to be Available"},
		},
		{
			name:  "PodDisruptionBudget protects nothing",
			fault: brokenBase{pdbSelector: "nothing"},
			want:  []string{"PodDisruptionBudget kubenetgen-e2e-broken/app selects the pods of no Deployment"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := tc.fault.write(t)
			spy := runSpied(t, func(tb testing.TB) { checkBase(tb, "broken", dir) })
			got := strings.Join(spy.failures, "\n")
			for _, w := range tc.want {
				if !strings.Contains(got, w) {
					t.Errorf("checkBase failures lack %q; got:\n%s", w, got)
				}
			}
			if strings.Contains(got, "deleting the base") {
				t.Errorf("the broken base was not cleaned up:\n%s", got)
			}
		})
	}
}

// TestChecksPassCorrectBase is the control of TestChecksCatchBrokenBases:
// the same base without a fault passes.
func TestChecksPassCorrectBase(t *testing.T) {
	checkBase(t, "control base", brokenBase{}.write(t))
}

// brokenBase writes a small base (Namespace under Pod Security restricted,
// Deployment, Service, PodDisruptionBudget) with at most one fault.
type brokenBase struct {
	nodePort    int    // a NodePort Service with this nodePort
	targetPort  string // the Service's targetPort, instead of "http"
	selector    string // the Service selects app=selector instead of the pods
	pdbSelector string // the PodDisruptionBudget selects app=pdbSelector
	privileged  bool   // the pod drops the restricted security settings
}

func (b brokenBase) write(t *testing.T) string {
	t.Helper()
	targetPort, selector, pdbSelector := "http", "app", "app"
	if b.targetPort != "" {
		targetPort = b.targetPort
	}
	if b.selector != "" {
		selector = b.selector
	}
	if b.pdbSelector != "" {
		pdbSelector = b.pdbSelector
	}
	svcType, nodePort := "ClusterIP", ""
	if b.nodePort != 0 {
		svcType, nodePort = "NodePort", fmt.Sprintf("\n    nodePort: %d", b.nodePort)
	}
	podSecurity := `
      securityContext:
        runAsNonRoot: true
        runAsUser: 10001
        seccompProfile:
          type: RuntimeDefault`
	containerSecurity := `
        securityContext:
          allowPrivilegeEscalation: false
          capabilities:
            drop: [ALL]`
	if b.privileged {
		podSecurity, containerSecurity = "", ""
	}
	objects := `apiVersion: v1
kind: Namespace
metadata:
  name: kubenetgen-e2e-broken
  labels:
    pod-security.kubernetes.io/enforce: restricted
    pod-security.kubernetes.io/warn: restricted
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: app
  namespace: kubenetgen-e2e-broken
spec:
  replicas: 2
  selector:
    matchLabels: {app: app}
  template:
    metadata:
      labels: {app: app}
    spec:` + podSecurity + `
      containers:
      - name: app
        image: registry.example/app:1.0
        ports:
        - name: http
          containerPort: 8080` + containerSecurity + `
---
apiVersion: v1
kind: Service
metadata:
  name: app
  namespace: kubenetgen-e2e-broken
spec:
  type: ` + svcType + `
  selector: {app: ` + selector + `}
  ports:
  - name: http
    port: 80
    targetPort: ` + targetPort + nodePort + `
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: app
  namespace: kubenetgen-e2e-broken
spec:
  maxUnavailable: 1
  selector:
    matchLabels: {app: ` + pdbSelector + `}
`
	dir := t.TempDir()
	files := map[string]string{
		"kustomization.yaml": "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n- objects.yaml\n",
		"objects.yaml":       objects,
	}
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// spyT records the failures of the code under test instead of failing the
// real test, and runs that code's cleanups when it ends. Everything else,
// logging included, goes to the real test.
type spyT struct {
	testing.TB
	mu       sync.Mutex
	failures []string
	cleanups []func()
}

func (s *spyT) Helper() {}

func (s *spyT) Errorf(format string, args ...any) { s.record(fmt.Sprintf(format, args...)) }

func (s *spyT) Error(args ...any) { s.record(fmt.Sprint(args...)) }

// Fatalf ends the goroutine of the code under test, as testing.T does.
func (s *spyT) Fatalf(format string, args ...any) {
	s.record(fmt.Sprintf(format, args...))
	runtime.Goexit()
}

func (s *spyT) Fatal(args ...any) {
	s.record(fmt.Sprint(args...))
	runtime.Goexit()
}

func (s *spyT) Failed() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.failures) > 0
}

func (s *spyT) Cleanup(f func()) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.cleanups = append(s.cleanups, f)
}

func (s *spyT) record(msg string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failures = append(s.failures, msg)
}

// runSpied runs fn with a spyT in its own goroutine, so that Fatalf can end
// it, then runs the cleanups fn registered, last first.
func runSpied(t *testing.T, fn func(testing.TB)) *spyT {
	spy := &spyT{TB: t}
	done := make(chan struct{})
	go func() {
		defer close(done)
		defer func() {
			for i := len(spy.cleanups) - 1; i >= 0; i-- {
				spy.cleanups[i]()
			}
		}()
		fn(spy)
	}()
	<-done
	return spy
}
