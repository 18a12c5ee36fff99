//go:build e2e

package packets

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/netip"
	"os"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/kubenetgen/kubenetgen/e2e/cluster"
	"github.com/kubenetgen/kubenetgen/verify"
)

const (
	// attemptTimeout bounds one connection attempt: the connect (or the
	// UDP exchange) and reading the answer. Denials are immediate refusals
	// (REJECT, no ICMP rate limit); a timeout is a DROP or a fault.
	attemptTimeout = time.Second
	// parallel attempts at once: enough to finish a case's matrix in about
	// a second, few enough for a 2-core machine.
	parallel = 16
)

// Outcomes of one attempt.
const (
	connected   = "connected"
	refused     = "refused"
	timedOut    = "timed out"
	unreachable = "unreachable"
	wrongAnswer = "wrong answer"
)

// attempt is one connection from a pod to a port of another.
type attempt struct {
	from, to *pod
	proto    string
	port     int32
	// dial, when set, is where to connect instead of the pod (a Service
	// address), answers the pods whose answer counts, and via names the
	// Service for the log.
	dial    netip.AddrPort
	answers map[string]bool
	via     string
	// lookup, when set, makes the attempt a DNS lookup of that name at
	// dial (the kube-dns Service), which must answer want; resolved is
	// what it answered.
	lookup   string
	want     netip.Addr
	resolved netip.Addr
	// service is the DNS name of the Service an attempt through a Service
	// calls, and resolvers the caller's lookups of it: the attempt dials
	// the address they resolved.
	service   string
	resolvers []*attempt
	outcome   string
	detail    string
}

// target is the address dialled and the answers that count.
func (a *attempt) target() (string, map[string]bool) {
	if a.dial.IsValid() {
		return a.dial.String(), a.answers
	}
	return net.JoinHostPort(a.to.ip.String(), fmt.Sprint(a.port)), map[string]bool{a.to.key(): true}
}

// String names the attempt in the log.
func (a *attempt) String() string {
	if a.via != "" {
		return fmt.Sprintf("%s → %s (%s) %d/%s", a.from.key(), a.via, a.to.peer.ID, a.port, a.proto)
	}
	return fmt.Sprintf("%s → %s %d/%s", a.from.key(), a.to.key(), a.port, a.proto)
}

// listed reports whether verify's matrix lists a pod's flows: a workload
// of the base, cert-manager's HTTP-01 solver pods, which run in the app's
// namespace under its policies, or an own Gateway's data plane that runs
// there too.
func listed(p *pod) bool {
	return p.peer.Kind == verify.PeerWorkload || p.peer.Kind == verify.PeerACMESolver || p.isolated
}

// attempts lists every connection to try: each pod to each container port
// number of every other pod, over TCP and UDP, when either end is listed
// (verify's matrix has no flows between the other pseudo-peers).
func attempts(pods []*pod) []*attempt {
	var out []*attempt
	for _, from := range pods {
		for _, to := range pods {
			if from == to || (!listed(from) && !listed(to)) {
				continue
			}
			seen := map[int32]bool{}
			for _, cp := range to.ports {
				if seen[cp.Port] {
					continue
				}
				seen[cp.Port] = true
				for _, proto := range []string{"TCP", "UDP"} {
					out = append(out, &attempt{from: from, to: to, proto: proto, port: cp.Port})
				}
			}
		}
	}
	return out
}

// targetAddr is the address the attempt dials.
func (a *attempt) targetAddr() string {
	addr, _ := a.target()
	return addr
}

// dialer dials from the source's own address: the outside namespace holds
// several, one per client range.
func (a *attempt) dialer() *net.Dialer {
	d := &net.Dialer{Timeout: attemptTimeout}
	if a.proto == "UDP" {
		d.LocalAddr = &net.UDPAddr{IP: a.from.ip.AsSlice()}
	} else {
		d.LocalAddr = &net.TCPAddr{IP: a.from.ip.AsSlice()}
	}
	return d
}

// UDP source ports are handed out in turn from this range, below the
// kernel's ephemeral ports, so that no UDP attempt reuses the addresses
// and ports of a recent one. The nodes' connection tracking would take such
// a packet for part of the earlier exchange (kube-router accepts
// established flows before its policy rules), and an exchange the policies
// now deny would get through because the baseline allowed it a moment ago.
const (
	udpPortFirst = 10000
	udpPorts     = 22768
)

var udpPortSeq atomic.Uint32

// connect dials addr from inside the current network namespace: over UDP
// from the next source port of the range (skipping one a listener of the
// pod holds), over TCP from a port of the kernel's choosing.
func (a *attempt) connect(ctx context.Context, addr string) (net.Conn, error) {
	d := a.dialer()
	if a.proto != "UDP" {
		return d.DialContext(ctx, "tcp", addr)
	}
	for range 10 {
		port := udpPortFirst + int(udpPortSeq.Add(1)%udpPorts)
		d.LocalAddr = &net.UDPAddr{IP: a.from.ip.AsSlice(), Port: port}
		c, err := d.DialContext(ctx, "udp", addr)
		if !errors.Is(err, syscall.EADDRINUSE) {
			return c, err
		}
	}
	return nil, fmt.Errorf("no free UDP source port in ten tries")
}

// run makes the attempt from inside the source pod's network namespace.
func (a *attempt) run() {
	if a.servesDNS() {
		a.runDNS()
		return
	}
	if len(a.resolvers) > 0 {
		resolved := false
		for _, r := range a.resolvers {
			if r.resolved.IsValid() {
				a.dial, resolved = netip.AddrPortFrom(r.resolved, a.dial.Port()), true
				break
			}
		}
		if !resolved {
			a.detail = "(" + a.service + " did not resolve: dialled the Service's address as the apiserver gives it) "
		}
	}
	addr := a.targetAddr()
	var answer string
	err := cluster.InNetns(a.from.netns, func() error {
		deadline := time.Now().Add(attemptTimeout)
		conn, err := a.connect(context.Background(), addr)
		if err != nil {
			return err
		}
		defer conn.Close()
		_ = conn.SetDeadline(deadline)
		if a.proto == "UDP" {
			if _, err := conn.Write([]byte("who?")); err != nil {
				return err
			}
			buf := make([]byte, 512)
			n, err := conn.Read(buf)
			answer = string(buf[:n])
			return err
		}
		data, err := io.ReadAll(conn)
		answer = string(data)
		return err
	})
	a.classify(err, answer)
}

// classify sets the outcome from the error and the answer of an exchange.
func (a *attempt) classify(err error, answer string) {
	_, answers := a.target()
	note := a.detail
	switch {
	case err == nil && answers[answer]:
		a.outcome = connected
	case err == nil:
		a.outcome, a.detail = wrongAnswer, note+fmt.Sprintf("answered %q", answer)
	case errors.Is(err, syscall.ECONNREFUSED):
		a.outcome = refused
	case errors.Is(err, os.ErrDeadlineExceeded) || isTimeout(err):
		a.outcome = timedOut
	default:
		a.outcome, a.detail = unreachable, note+err.Error()
	}
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// measurement is the outcome of every attempt of one pass.
type measurement struct {
	attempts []*attempt
	took     time.Duration
}

// measure makes every attempt between the pods, a few at a time.
func measure(pods []*pod) *measurement { return runAll(attempts(pods)) }

// runAll makes the given attempts, a few at a time: the DNS lookups first,
// since the attempts through Services dial what they resolved.
func runAll(as []*attempt) *measurement {
	m := &measurement{attempts: as}
	start := time.Now()
	lookups := slices.DeleteFunc(slices.Clone(as), func(a *attempt) bool { return a.lookup == "" })
	rest := slices.DeleteFunc(slices.Clone(as), func(a *attempt) bool { return a.lookup != "" })
	for _, batch := range [][]*attempt{lookups, rest} {
		work := make(chan *attempt)
		var wg sync.WaitGroup
		for range parallel {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for a := range work {
					a.run()
				}
			}()
		}
		for _, a := range batch {
			work <- a
		}
		close(work)
		wg.Wait()
	}
	m.took = time.Since(start)
	return m
}

// counts sums the outcomes: "80 attempts: 23 connected, 57 refused".
func (m *measurement) counts() string {
	n := map[string]int{}
	for _, a := range m.attempts {
		n[a.outcome]++
	}
	parts := []string{}
	for _, o := range []string{connected, refused, timedOut, unreachable, wrongAnswer} {
		if n[o] > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n[o], o))
		}
	}
	return fmt.Sprintf("%d attempts in %s: %s", len(m.attempts), m.took.Round(time.Millisecond), strings.Join(parts, ", "))
}

// notConnected lists the attempts that did not reach the pod meant, for the
// baseline, where everything must.
func (m *measurement) notConnected() []string {
	var out []string
	for _, a := range m.attempts {
		if a.outcome != connected {
			out = append(out, fmt.Sprintf("%s: %s %s", a, a.outcome, a.detail))
		}
	}
	return out
}

// verdict is the comparison of a measurement with the declared flows.
type verdict struct {
	// report holds the measured flows and their difference from the
	// declared ones, for verify.WriteText.
	report *verify.Report
	// mixed are flows whose pods disagreed: some attempts connected and
	// some did not, or a wrong pod answered.
	mixed []string
	// wrong counts the flows (peer pair, protocol, port) that differ.
	wrong int
}

// compare turns the attempts into flows between peers (a port is allowed
// when every attempt on it connected) and compares them with want, the
// flows verify.Expected declares, on the ports that were tried.
func compare(m *measurement, peers []*verify.Peer, want []verify.Flow) *verdict {
	type key struct{ from, to string }
	type portKey struct {
		proto string
		port  int32
	}
	tried := map[key]*verify.PortSet{}
	// ok and bad hold, per flow port, the first attempt that connected
	// and the first that did not.
	ok := map[key]map[portKey]*attempt{}
	bad := map[key]map[portKey]*attempt{}
	v := &verdict{}
	for _, a := range m.attempts {
		k := key{a.from.peer.ID, a.to.peer.ID}
		if tried[k] == nil {
			tried[k], ok[k], bad[k] = &verify.PortSet{}, map[portKey]*attempt{}, map[portKey]*attempt{}
		}
		tried[k].Add(a.proto, a.port, a.port)
		pk := portKey{a.proto, a.port}
		if a.outcome == connected {
			if ok[k][pk] == nil {
				ok[k][pk] = a
			}
		} else if bad[k][pk] == nil {
			bad[k][pk] = a
		}
		if a.outcome == wrongAnswer {
			v.mixed = append(v.mixed, fmt.Sprintf("%s: %s", a, a.detail))
		}
	}
	byID := map[string]*verify.Peer{}
	for _, p := range peers {
		byID[p.ID] = p
	}
	var got, wanted []verify.Flow
	for _, s := range peers {
		for _, d := range peers {
			k := key{s.ID, d.ID}
			if tried[k] == nil {
				continue
			}
			var allowed verify.PortSet
			for pk, a := range ok[k] {
				if b := bad[k][pk]; b != nil {
					v.mixed = append(v.mixed, fmt.Sprintf("%s → %s %d/%s: some attempts connected, some did not (%s connected; %s: %s)", s.ID, d.ID, pk.port, pk.proto, a, b, b.outcome))
					continue
				}
				allowed.Add(pk.proto, pk.port, pk.port)
			}
			if !allowed.Empty() {
				got = append(got, verify.Flow{From: s.ID, To: d.ID, Ports: allowed.Ranges(d.Ports)})
			}
		}
	}
	for _, f := range want {
		t := tried[key{f.From, f.To}]
		if t == nil {
			continue // an end that is no pod: not measured here
		}
		var s verify.PortSet
		for _, r := range f.Ports {
			s.Add(r.Protocol, r.Port, max(r.Port, r.EndPort))
		}
		if in := s.Intersect(*t); !in.Empty() {
			wanted = append(wanted, verify.Flow{From: f.From, To: f.To, Ports: in.Ranges(byID[f.To].Ports)})
		}
	}
	slices.Sort(v.mixed)
	d := verify.Compare(peers, wanted, got)
	v.report = &verify.Report{Flows: got, Expect: &d}
	for _, fs := range [][]verify.Flow{d.Missing, d.Extra} {
		for _, f := range fs {
			for _, r := range f.Ports {
				v.wrong += int(max(r.Port, r.EndPort)-r.Port) + 1
			}
		}
	}
	v.wrong += len(v.mixed)
	return v
}

// table renders the verdict as verify does: the measured matrix, then the
// difference from the declared flows.
func (v *verdict) table() string {
	var b strings.Builder
	_ = verify.WriteText(&b, v.report)
	for _, m := range v.mixed {
		b.WriteString("  inconsistent: " + m + "\n")
	}
	return b.String()
}
