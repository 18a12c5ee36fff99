package verify

import (
	"fmt"
	"slices"
	"strings"
)

// Protocols are the protocols a NetworkPolicy port can name, in the order
// flows list them.
var Protocols = []string{"TCP", "UDP", "SCTP"}

func protoIndex(p string) int {
	switch strings.ToUpper(p) {
	case "", "TCP":
		return 0
	case "UDP":
		return 1
	case "SCTP":
		return 2
	}
	return -1
}

type span struct{ lo, hi int32 }

// PortSet is a set of (protocol, port) pairs, kept per protocol as sorted,
// disjoint, non-adjacent ranges so that equal sets compare equal.
type PortSet [3][]span

// AllPorts is every port of every protocol: what an unisolated pod admits
// and what a rule without ports allows.
func AllPorts() PortSet {
	var s PortSet
	for i := range s {
		s[i] = []span{{1, 65535}}
	}
	return s
}

// Add adds ports lo..hi of protocol proto (TCP when empty).
func (s *PortSet) Add(proto string, lo, hi int32) {
	i := protoIndex(proto)
	if i < 0 || lo > hi || hi < 1 || lo > 65535 {
		return
	}
	lo, hi = max(lo, 1), min(hi, 65535)
	s[i] = normalize(append(slices.Clone(s[i]), span{lo, hi}))
}

// AddAll adds every port of protocol proto.
func (s *PortSet) AddAll(proto string) { s.Add(proto, 1, 65535) }

// Union adds every port of o to s.
func (s *PortSet) Union(o PortSet) {
	for i := range s {
		if len(o[i]) > 0 {
			s[i] = normalize(append(slices.Clone(s[i]), o[i]...))
		}
	}
}

// Intersect returns the ports in both s and o.
func (s PortSet) Intersect(o PortSet) PortSet {
	var out PortSet
	for i := range s {
		a, b := s[i], o[i]
		for x, y := 0, 0; x < len(a) && y < len(b); {
			lo, hi := max(a[x].lo, b[y].lo), min(a[x].hi, b[y].hi)
			if lo <= hi {
				out[i] = append(out[i], span{lo, hi})
			}
			if a[x].hi < b[y].hi {
				x++
			} else {
				y++
			}
		}
	}
	return out
}

// Empty reports whether s holds no port.
func (s PortSet) Empty() bool { return len(s[0])+len(s[1])+len(s[2]) == 0 }

// IsAll reports whether s holds every port of every protocol.
func (s PortSet) IsAll() bool {
	for i := range s {
		if !fullSpan(s[i]) {
			return false
		}
	}
	return true
}

// Contains reports whether s holds port of protocol proto.
func (s PortSet) Contains(proto string, port int32) bool {
	i := protoIndex(proto)
	if i < 0 {
		return false
	}
	for _, r := range s[i] {
		if r.lo <= port && port <= r.hi {
			return true
		}
	}
	return false
}

// Equal reports whether s and o hold the same ports.
func (s PortSet) Equal(o PortSet) bool {
	for i := range s {
		if !slices.Equal(s[i], o[i]) {
			return false
		}
	}
	return true
}

// Minus returns the ports of s that are not in o.
func (s PortSet) Minus(o PortSet) PortSet {
	var out PortSet
	for i := range s {
		for _, r := range s[i] {
			rest := []span{r}
			for _, cut := range o[i] {
				var next []span
				for _, x := range rest {
					if cut.hi < x.lo || cut.lo > x.hi {
						next = append(next, x)
						continue
					}
					if x.lo < cut.lo {
						next = append(next, span{x.lo, cut.lo - 1})
					}
					if cut.hi < x.hi {
						next = append(next, span{cut.hi + 1, x.hi})
					}
				}
				rest = next
			}
			out[i] = append(out[i], rest...)
		}
	}
	return out
}

func fullSpan(r []span) bool { return len(r) == 1 && r[0] == span{1, 65535} }

func normalize(r []span) []span {
	slices.SortFunc(r, func(a, b span) int { return int(a.lo) - int(b.lo) })
	out := r[:0]
	for _, x := range r {
		if n := len(out); n > 0 && x.lo <= out[n-1].hi+1 {
			out[n-1].hi = max(out[n-1].hi, x.hi)
			continue
		}
		out = append(out, x)
	}
	return out
}

// PortRange is one item of a flow's ports: a single port (EndPort zero) or
// a range of one protocol. Name is the destination's container port name
// when the range is exactly that port.
type PortRange struct {
	Protocol string `json:"protocol"`
	Port     int32  `json:"port"`
	EndPort  int32  `json:"endPort,omitempty"`
	Name     string `json:"name,omitempty"`
}

// Key is the canonical form of the range, without the name: 8080/TCP,
// 1-65535/UDP. Flows compare by keys.
func (r PortRange) Key() string {
	if r.EndPort != 0 && r.EndPort != r.Port {
		return fmt.Sprintf("%d-%d/%s", r.Port, r.EndPort, r.Protocol)
	}
	return fmt.Sprintf("%d/%s", r.Port, r.Protocol)
}

// String is the range as the matrix shows it: "http 8080/TCP", "all UDP".
func (r PortRange) String() string {
	if r.Port == 1 && r.EndPort == 65535 {
		return "all " + r.Protocol
	}
	if r.Name != "" {
		return r.Name + " " + r.Key()
	}
	return r.Key()
}

// Ranges lists s as port ranges in protocol then port order, naming single
// ports after the container ports in names.
func (s PortSet) Ranges(names []ContainerPort) []PortRange {
	var out []PortRange
	for i, proto := range Protocols {
		for _, r := range s[i] {
			pr := PortRange{Protocol: proto, Port: r.lo}
			if r.hi != r.lo {
				pr.EndPort = r.hi
			} else {
				for _, c := range names {
					if c.Port == r.lo && c.Protocol == proto && c.Name != "" {
						pr.Name = c.Name
						break
					}
				}
			}
			out = append(out, pr)
		}
	}
	return out
}

// FormatPorts renders ranges for the matrix: "all ports" when they are
// everything, else the ranges joined with commas.
func FormatPorts(rs []PortRange) string {
	var s PortSet
	for _, r := range rs {
		s.Add(r.Protocol, r.Port, max(r.Port, r.EndPort))
	}
	if s.IsAll() {
		return "all ports"
	}
	parts := make([]string, len(rs))
	for i, r := range rs {
		parts[i] = r.String()
	}
	return strings.Join(parts, ", ")
}
