package iostreams

import (
	"strings"
	"testing"
)

func TestWrap(t *testing.T) {
	tests := []struct {
		name  string
		in    string
		width int
		want  string
	}{
		{"short lines stay", "a b c\nd", 10, "a b c\nd"},
		{"no terminal", strings.Repeat("word ", 40), 0, strings.Repeat("word ", 40)},
		{"between words", "runAsNonRoot without runAsUser makes the kubelet refuse", 20,
			"runAsNonRoot without\nrunAsUser makes the\nkubelet refuse"},
		{"an item keeps its indentation", "  ! tier web admits 0.0.0.0/0 except 10.244.0.0/16", 24,
			"  ! tier web admits\n    0.0.0.0/0 except\n    10.244.0.0/16"},
		{"a table row continues under its last column", "  web  api  http, grpc, metrics, admin", 24,
			"  web  api  http, grpc,\n            metrics,\n            admin"},
		{"a flag's help continues under the help", "      --pod-cidr string   the cluster's pod network, excepted", 40,
			"      --pod-cidr string   the cluster's\n                          pod network,\n                          excepted"},
		{"a word too long breaks after a comma", "see 10.244.0.0/16,fd00:10:244::/56 now", 16,
			"see\n10.244.0.0/16,\nfd00:10:244::/56\nnow"},
		{"a word too long without commas stays whole", "see fd00:10:244:1234::/56 now", 12,
			"see\nfd00:10:244:1234::/56\nnow"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Wrap(tt.in, tt.width); got != tt.want {
				t.Errorf("Wrap(%q, %d) =\n%s\nwant\n%s", tt.in, tt.width, got, tt.want)
			}
			for _, l := range strings.Split(Wrap(tt.in, tt.width), "\n") {
				if tt.width > 0 && cols(l) > tt.width && !strings.Contains(l, "fd00:10:244:1234") {
					t.Errorf("line %q is wider than %d", l, tt.width)
				}
			}
		})
	}
}
