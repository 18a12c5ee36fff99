package iostreams

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"testing"
	"text/tabwriter"

	"github.com/google/go-cmp/cmp"

	"github.com/kubenetgen/kubenetgen/internal/iostreams/tabletest"
)

// flows is a table as the init summary draws it.
var flows = [][]string{
	{"FROM", "TO", "PORTS"},
	{"every pod", "cluster DNS (kube-system, k8s-app=kube-dns)", "53/UDP, 53/TCP"},
	{"web", "api", "http (9090/TCP)"},
	{"api", "db", "postgres (5432/TCP)"},
	{"ingress controller (traefik)", "web", "http (8080/TCP)"},
	{"ingress controller (traefik)", "cert-manager HTTP-01 solver", "8089/TCP"},
}

func flowsTable() *Table {
	t := NewTable("  ")
	t.Header(flows[0]...)
	for _, r := range flows[1:] {
		t.Row(r...)
	}
	return t
}

// TestTableFitsAsTabwriter: a table that fits, or with no terminal, is
// drawn byte for byte as text/tabwriter draws it, so wide screens stay
// as they were.
func TestTableFitsAsTabwriter(t *testing.T) {
	var b bytes.Buffer
	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	for _, r := range flows {
		fmt.Fprintf(tw, "  %s\n", strings.Join(r, "\t"))
	}
	tw.Flush()
	for _, width := range []int{0, 96, 119} {
		if got := flowsTable().Render(width); got != b.String() {
			t.Errorf("Render(%d) differs from tabwriter (-want +got):\n%s", width, cmp.Diff(b.String(), got))
		}
	}
}

// TestTableNarrowed: at 60 columns the columns are narrowed where that
// adds the fewest lines, and at 80 only TO is, the row names staying
// whole.
func TestTableNarrowed(t *testing.T) {
	want := `  FROM                TO                 PORTS
  every pod           cluster DNS        53/UDP, 53/TCP
                      (kube-system,
                      k8s-app=kube-dns)
  web                 api                http (9090/TCP)
  api                 db                 postgres
                                         (5432/TCP)
  ingress controller  web                http (8080/TCP)
    (traefik)
  ingress controller  cert-manager       8089/TCP
    (traefik)         HTTP-01 solver
`
	if got := flowsTable().Render(59); got != want {
		t.Errorf("Render(59) =\n%s\nwant\n%s", got, want)
	}
	want = `  FROM                          TO                         PORTS
  every pod                     cluster DNS (kube-system,  53/UDP, 53/TCP
                                k8s-app=kube-dns)
  web                           api                        http (9090/TCP)
  api                           db                         postgres (5432/TCP)
  ingress controller (traefik)  web                        http (8080/TCP)
  ingress controller (traefik)  cert-manager HTTP-01       8089/TCP
                                solver
`
	if got := flowsTable().Render(79); got != want {
		t.Errorf("Render(79) =\n%s\nwant\n%s", got, want)
	}
}

func TestTableStacked(t *testing.T) {
	want := `  every pod
    TO     cluster DNS (kube-system,
           k8s-app=kube-dns)
    PORTS  53/UDP, 53/TCP
  web
    TO     api
    PORTS  http (9090/TCP)
  api
    TO     db
    PORTS  postgres (5432/TCP)
  ingress controller (traefik)
    TO     web
    PORTS  http (8080/TCP)
  ingress controller (traefik)
    TO     cert-manager HTTP-01 solver
    PORTS  8089/TCP
`
	if got := flowsTable().Render(40); got != want {
		t.Errorf("Render(40) =\n%s\nwant\n%s", got, want)
	}
	// Without a header, the cells follow the first one alone.
	tb := NewTable("  ")
	tb.Row("web", "ServiceAccount, Deployment (3 replicas), NetworkPolicy")
	want = "  web\n    ServiceAccount,\n    Deployment (3\n    replicas),\n    NetworkPolicy\n"
	if got := tb.Render(20); got != want {
		t.Errorf("Render(20) =\n%s\nwant\n%s", got, want)
	}
}

// TestTableIntact draws the table at every width from 28 columns (the
// widest word stacked after its column's name) to 130: no line is wider
// than the terminal, and where the columns fit at all, every row reads
// back whole, each cell in its own column.
func TestTableIntact(t *testing.T) {
	columns := 0
	for width := 28; width <= 130; width++ {
		got := flowsTable().Render(width)
		lines := strings.Split(strings.TrimSuffix(got, "\n"), "\n")
		for _, l := range lines {
			if cols(l) > width {
				t.Errorf("Render(%d): line %q is wider than %d", width, l, width)
			}
		}
		if strings.Contains(got, "FROM") {
			columns++
			rows, err := tabletest.Read(lines)
			if err != nil {
				t.Errorf("Render(%d): %v\n%s", width, err, got)
			} else if diff := cmp.Diff(flows, rows); diff != "" {
				t.Errorf("Render(%d) reads back otherwise (-want +got):\n%s\n%s", width, diff, got)
			}
		} else if !slices.Contains(lines, "  every pod") {
			t.Errorf("Render(%d) is neither in columns nor stacked:\n%s", width, got)
		}
	}
	// The indentation, two gaps and the longest words: 2+4+(2+10)+17+10,
	// so columns from 45 on.
	if want := 130 - 45 + 1; columns != want {
		t.Errorf("the table is in columns at %d widths, want %d (from 45 columns on)", columns, want)
	}
}
