package initcmd

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/kubenetgen/kubenetgen/internal/iostreams"
	"github.com/kubenetgen/kubenetgen/internal/iostreams/tabletest"
	"github.com/kubenetgen/kubenetgen/spec"
)

// summaryAt draws the summary of the three-tier case, with a second,
// long host left on plain HTTP, as a terminal width columns wide shows
// it (0: no terminal).
func summaryAt(t *testing.T, width int) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "three-tier", SpecFile))
	if err != nil {
		t.Fatal(err)
	}
	a, err := spec.Load(data)
	if err != nil {
		t.Fatal(err)
	}
	a.Ingress.Rules = append(a.Ingress.Rules, spec.Rule{Host: "admin.internal.shop.example.com", Path: "/", Tier: "api", Port: "http"})
	pl, err := newPlan(&InitOptions{Dir: t.TempDir()}, a)
	if err != nil {
		t.Fatal(err)
	}
	return iostreams.Wrap(summary(pl, width), width)
}

// section returns the lines after the line title up to a blank line or
// a line starting with stop.
func section(t *testing.T, s, title, stop string) []string {
	t.Helper()
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		if l != title {
			continue
		}
		var out []string
		for _, l := range lines[i+1:] {
			if l == "" || stop != "" && strings.HasPrefix(l, stop) {
				break
			}
			out = append(out, l)
		}
		return out
	}
	t.Fatalf("no section %q in\n%s", title, s)
	return nil
}

const (
	objectsTitle = "Objects"
	flowsTitle   = "Allowed flows (everything else is denied)"
	routesTitle  = "Routes"
	acmeNote     = "  cert-manager answers"
)

// TestSummaryTablesIntact draws the summary at 60, 80 and 120 columns:
// no line is wider than the terminal, and each table (objects, flows,
// routes) reads back with the rows it has with no terminal, every cell
// on the lines of its row and within its own column.
func TestSummaryTablesIntact(t *testing.T) {
	plain := summaryAt(t, 0)
	flows, err := tabletest.Read(section(t, plain, flowsTitle, acmeNote))
	if err != nil {
		t.Fatal(err)
	}
	wantFlows := [][]string{
		{"FROM", "TO", "PORTS"},
		{"every pod", "cluster DNS (kube-system, k8s-app=kube-dns)", "53/UDP, 53/TCP"},
		{"web", "api", "http (9090/TCP)"},
		{"api", "db", "postgres (5432/TCP)"},
		{"api", "cache", "redis (6379/TCP)"},
		{"ingress controller (traefik)", "web", "http (8080/TCP)"},
		{"ingress controller (traefik)", "api", "http (9090/TCP)"},
		{"ingress controller (traefik)", "cert-manager HTTP-01 solver", "8089/TCP"},
	}
	if diff := cmp.Diff(wantFlows, flows); diff != "" {
		t.Fatalf("flows with no terminal (-want +got):\n%s", diff)
	}
	for _, width := range []int{59, 79, 119} { // terminals of 60, 80 and 120 columns
		got := summaryAt(t, width)
		for _, l := range strings.Split(got, "\n") {
			if len([]rune(l)) > width {
				t.Errorf("at %d columns, line %q is wider", width, l)
			}
		}
		for _, title := range []string{objectsTitle, flowsTitle, routesTitle} {
			want, _ := tabletest.Read(section(t, plain, title, acmeNote))
			rows, err := tabletest.Read(section(t, got, title, acmeNote))
			if err != nil {
				t.Errorf("at %d columns, %s: %v\n%s", width, title, err, got)
				continue
			}
			if diff := cmp.Diff(want, rows); diff != "" {
				t.Errorf("at %d columns, %s reads back otherwise (-want +got):\n%s\n%s", width, title, diff, got)
			}
		}
	}
}

// TestSummaryFlowsStacked: on a terminal too narrow for the flows'
// columns, each flow is a block of its own.
func TestSummaryFlowsStacked(t *testing.T) {
	got := strings.Join(section(t, summaryAt(t, 43), flowsTitle, acmeNote), "\n")
	want := "  web\n    TO     api\n    PORTS  http (9090/TCP)\n"
	if !strings.Contains(got+"\n", want) {
		t.Errorf("flows at 44 columns lack the block\n%s\nin\n%s", want, got)
	}
}

// TestSummaryACMENoteFlows: the note on the ACME solver is one paragraph,
// filled at the terminal's width: no line could have taken the next
// line's first word.
func TestSummaryACMENoteFlows(t *testing.T) {
	var text string
	for _, width := range []int{0, 59, 79, 119} {
		var note []string
		for _, l := range strings.Split(summaryAt(t, width), "\n") {
			if strings.HasPrefix(l, acmeNote) || note != nil && strings.HasPrefix(l, "  ") && !strings.HasPrefix(l, "   ") {
				note = append(note, l)
			} else if note != nil {
				break
			}
		}
		for i := 0; i+1 < len(note); i++ {
			next := strings.Fields(note[i+1])[0]
			if width > 0 && len(note[i])+1+len(next) <= width {
				t.Errorf("at %d columns, line %q could have taken %q:\n%s", width, note[i], next, strings.Join(note, "\n"))
			}
		}
		joined := strings.Join(strings.Fields(strings.Join(note, " ")), " ")
		if width == 0 {
			text = joined
			if len(note) != 1 {
				t.Errorf("with no terminal the note is %d lines, want one:\n%s", len(note), strings.Join(note, "\n"))
			}
		} else if joined != text {
			t.Errorf("at %d columns the note reads %q, want %q", width, joined, text)
		}
	}
}
