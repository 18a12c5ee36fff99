// Package clusterfacts reads, from a live cluster and read-only, the facts
// kubenetgen's policies rest on: the pod network, where the ingress
// controller and cluster DNS run and with which pod labels, the NodePort
// range, and whether the network plugin enforces NetworkPolicy at all.
//
// It reads through kubernetes.Interface, so that tests hand it a fake
// clientset; Connect makes the real one from a kubeconfig, as kubectl
// does. Every failure is one *Error that says whether the cluster could not
// be reached, refused access (naming the verb and resource) or answered
// only in part.
package clusterfacts

import (
	"context"
	"errors"
	"fmt"
	"net"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/clientcmd"
)

// DefaultTimeout bounds one reading of the cluster, every request included.
const DefaultTimeout = 15 * time.Second

// Config says how to reach the cluster: as kubectl does, from --kubeconfig
// (else $KUBECONFIG, else ~/.kube/config) and --context (else the current
// context).
type Config struct {
	Kubeconfig string
	Context    string
	// Timeout bounds each request; zero means DefaultTimeout.
	Timeout time.Duration
}

// Cluster is a connection to a cluster and what names it in messages.
type Cluster struct {
	Client kubernetes.Interface
	// Dynamic reads what kubenetgen holds no typed client for: Gateway
	// API objects.
	Dynamic dynamic.Interface
	// Context and Server name the cluster in messages.
	Context, Server string
}

// Connect makes a client from the kubeconfig. It sends no request: the
// first read tells whether the cluster answers.
func Connect(cfg Config) (*Cluster, error) {
	rules := clientcmd.NewDefaultClientConfigLoadingRules()
	if cfg.Kubeconfig != "" {
		rules.ExplicitPath = cfg.Kubeconfig
	}
	overrides := &clientcmd.ConfigOverrides{CurrentContext: cfg.Context}
	cc := clientcmd.NewNonInteractiveDeferredLoadingClientConfig(rules, overrides)
	raw, err := cc.RawConfig()
	if err != nil {
		return nil, &Error{Kind: Unreachable, Err: fmt.Errorf("reading the kubeconfig: %w", err)}
	}
	rc, err := cc.ClientConfig()
	if err != nil {
		return nil, &Error{Kind: Unreachable, Err: fmt.Errorf("the kubeconfig names no usable cluster: %w", err)}
	}
	rc.Timeout = cfg.Timeout
	if rc.Timeout == 0 {
		rc.Timeout = DefaultTimeout
	}
	// A handful of requests: no client-side throttling, and no retries
	// that would hide an unreachable cluster behind a long wait.
	rc.QPS, rc.Burst = 100, 100
	client, err := kubernetes.NewForConfig(rc)
	if err != nil {
		return nil, &Error{Kind: Unreachable, Err: err}
	}
	dyn, err := dynamic.NewForConfig(rc)
	if err != nil {
		return nil, &Error{Kind: Unreachable, Err: err}
	}
	name := cfg.Context
	if name == "" {
		name = raw.CurrentContext
	}
	return &Cluster{Client: client, Dynamic: dyn, Context: name, Server: rc.Host}, nil
}

// ErrorKind tells the three ways a reading fails.
type ErrorKind int

// The ways a reading fails.
const (
	// Unreachable: no answer (no kubeconfig, refused connection, timeout,
	// bad certificate).
	Unreachable ErrorKind = iota
	// Forbidden: the cluster refused the user a read (or did not know
	// the user).
	Forbidden
	// Partial: the cluster answered some requests and failed another.
	Partial
)

// Error is the one error of a failed reading: what failed and how.
type Error struct {
	Kind ErrorKind
	// Verb, Resource and Namespace name the refused or failed request
	// ("list", "pods", "" for every namespace).
	Verb, Resource, Namespace string
	// Cluster names the cluster: its context and server.
	Cluster string
	Err     error
}

func (e *Error) Error() string {
	where := ""
	if e.Cluster != "" {
		where = " " + e.Cluster
	}
	scope := "in every namespace"
	if e.Namespace != "" {
		scope = "in namespace " + e.Namespace
	}
	switch e.Kind {
	case Forbidden:
		return fmt.Sprintf("--from-cluster: the cluster%s refused to %s %s %s (%v): --from-cluster needs read access (get, list) to nodes, pods, services, daemonsets, deployments and ingressclasses, and for a Gateway to gatewayclasses and gateways; nothing was written",
			where, e.Verb, e.Resource, scope, e.Err)
	case Partial:
		return fmt.Sprintf("--from-cluster: the cluster%s answered only in part: %s %s %s failed (%v); its facts would be incomplete, so nothing was written: try again, or leave out --from-cluster and give the facts as flags",
			where, e.Verb, e.Resource, scope, e.Err)
	}
	if e.Resource != "" {
		return fmt.Sprintf("--from-cluster: cannot reach the cluster%s: %s %s: %v; nothing was written (check --kubeconfig and --context, or leave out --from-cluster)", where, e.Verb, e.Resource, e.Err)
	}
	return fmt.Sprintf("--from-cluster: cannot reach the cluster%s: %v; nothing was written (check --kubeconfig and --context, or leave out --from-cluster)", where, e.Err)
}

func (e *Error) Unwrap() error { return e.Err }

// classify turns the error of one request into an *Error. A request that
// got no answer at all is Unreachable while nothing has answered yet, and
// Partial once something has: then the cluster half-answered.
func classify(err error, answered bool, verb, resource, ns string) *Error {
	e := &Error{Kind: Partial, Verb: verb, Resource: resource, Namespace: ns, Err: err}
	var status apierrors.APIStatus
	switch {
	case apierrors.IsForbidden(err) || apierrors.IsUnauthorized(err):
		e.Kind = Forbidden
	case !answered && (errors.As(err, new(*net.OpError)) || errors.Is(err, context.DeadlineExceeded) || !errors.As(err, &status)):
		// No status from the API server: the request never got an
		// answer (refused, timed out, TLS failed).
		e.Kind = Unreachable
	}
	return e
}
