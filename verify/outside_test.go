package verify

import (
	"net/netip"
	"testing"
)

// TestOutsideAddress: the [outside] peer stands for a client no source
// range admits: never in the documentation ranges a spec's examples use,
// and moved past any range that would contain it.
func TestOutsideAddress(t *testing.T) {
	docs := []netip.Prefix{netip.MustParsePrefix("192.0.2.0/24"), netip.MustParsePrefix("198.51.100.0/24"), netip.MustParsePrefix("203.0.113.0/24")}
	for _, d := range docs {
		if d.Contains(OutsideAddress) {
			t.Errorf("OutsideAddress %s lies in the documentation range %s", OutsideAddress, d)
		}
	}
	tests := []struct {
		ranges []netip.Prefix
		want   string
	}{
		{docs, OutsideAddress.String()},
		{[]netip.Prefix{netip.MustParsePrefix("0.0.0.0/0")}, OutsideAddress.String()},
		{[]netip.Prefix{netip.MustParsePrefix("198.18.0.0/28")}, "198.18.0.16"},
		{[]netip.Prefix{netip.MustParsePrefix("198.18.0.10/32"), netip.MustParsePrefix("198.18.0.11/32")}, "198.18.0.12"},
	}
	for _, tt := range tests {
		if got := outsideAddress(tt.ranges); got.String() != tt.want {
			t.Errorf("outsideAddress(%v) = %s, want %s", tt.ranges, got, tt.want)
		}
	}
}
