package verify

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
)

// WriteText writes the report for people: the matrix (who → whom: ports),
// then the difference from the spec, then the findings.
func WriteText(w io.Writer, r *Report) error {
	var b strings.Builder
	if r.FlowCount == 0 && len(r.Flows) == 0 {
		b.WriteString("No connections are allowed.\n")
	} else if len(r.Flows) > 0 {
		tw := tabwriter.NewWriter(&b, 0, 4, 1, ' ', 0)
		fmt.Fprintln(tw, "FROM\t\tTO\tPORTS")
		for _, f := range r.Flows {
			fmt.Fprintf(tw, "%s\t→\t%s\t%s\n", f.From, f.To, FormatPorts(f.Ports))
		}
		if err := tw.Flush(); err != nil {
			return err
		}
	}
	if err := writeReach(&b, r); err != nil {
		return err
	}
	if d := r.Expect; d != nil {
		if d.Empty() {
			b.WriteString("\nThe allowed connections are exactly the declared flows.\n")
		}
		if len(d.Missing) > 0 {
			b.WriteString("\nMissing (declared in the spec, denied by the policies):\n")
			for _, f := range d.Missing {
				b.WriteString("  " + FormatFlow(f) + "\n")
			}
		}
		if len(d.Extra) > 0 {
			b.WriteString("\nExtra (allowed by the policies, not declared in the spec):\n")
			for _, f := range d.Extra {
				b.WriteString("  " + FormatFlow(f) + "\n")
			}
		}
	}
	if len(r.Findings) > 0 {
		b.WriteString("\nFindings:\n")
		for _, f := range r.Findings {
			head := f.Object
			if f.Field != "" {
				head += " " + f.Field
			}
			fmt.Fprintf(&b, "  %s: %s: %s\n", f.Severity, head, f.Problem)
			if f.Source != "" && f.Source != f.Object {
				fmt.Fprintf(&b, "    in: %s\n", f.Source)
			}
			if f.Fix != "" {
				fmt.Fprintf(&b, "    fix: %s\n", f.Fix)
			}
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// writeReach writes what stands for the connections not listed: how many,
// how to list them, and each peer's counts.
func writeReach(b *strings.Builder, r *Report) error {
	if r.Reach == nil {
		return nil
	}
	if r.MaxFlows > 0 {
		fmt.Fprintf(b, "… and %d more connections, not listed: verify lists at most %d (--max-flows); raise it to list them all.\n", r.FlowCount-len(r.Flows), r.MaxFlows)
	}
	if b.Len() > 0 {
		b.WriteString("\n")
	}
	fmt.Fprintf(b, "%d connections in all; per peer:\n", r.FlowCount)
	tw := tabwriter.NewWriter(b, 0, 4, 1, ' ', 0)
	fmt.Fprintln(tw, "PEER\tREACHES\tREACHED BY")
	for _, p := range r.Reach {
		fmt.Fprintf(tw, "%s\t%d\t%d\n", p.Peer, p.Reaches, p.ReachedBy)
	}
	return tw.Flush()
}

// WriteJSON writes the report as one indented JSON object.
func WriteJSON(w io.Writer, r *Report) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(r)
}

// Summary is the one-line outcome: "ok: 12 connections, 0 findings" or the
// counts that fail verify.
func (r *Report) Summary() string {
	errs, warns := r.Counts()
	parts := []string{fmt.Sprintf("%d connections", r.FlowCount), plural(errs, "error"), plural(warns, "warning")}
	if d := r.Expect; d != nil {
		parts = append(parts, plural(len(d.Missing), "missing flow"), plural(len(d.Extra), "extra flow"))
	}
	status := "ok"
	if r.Failed() {
		status = "failed"
	}
	return "verify " + status + ": " + strings.Join(parts, ", ")
}

func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}
