package shared

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"

	gen "github.com/kubenetgen/kubenetgen/generate"
	"github.com/kubenetgen/kubenetgen/internal/basedir"
	"github.com/kubenetgen/kubenetgen/internal/iostreams"
	"github.com/kubenetgen/kubenetgen/spec"
)

// Report tells the user what Write did.
func Report(w io.Writer, dir string, res *basedir.Result, dryRun bool) {
	switch {
	case len(res.Written) == 0 && len(res.Removed) == 0:
		fmt.Fprintf(w, "%s is up to date (%d file(s) unchanged)\n", dir, len(res.Unchanged))
	case dryRun:
		fmt.Fprintf(w, "would write %d file(s) to %s (%d unchanged):\n", len(res.Written), dir, len(res.Unchanged))
	default:
		fmt.Fprintf(w, "wrote %d file(s) to %s (%d unchanged):\n", len(res.Written), dir, len(res.Unchanged))
	}
	for _, p := range res.Written {
		fmt.Fprintf(w, "  %s\n", filepath.Join(dir, p))
	}
	for _, p := range res.Removed {
		if dryRun {
			fmt.Fprintf(w, "would remove %s (no longer part of the base)\n", filepath.Join(dir, p))
		} else {
			fmt.Fprintf(w, "removed %s (no longer part of the base)\n", filepath.Join(dir, p))
		}
	}
	for _, p := range res.Kept {
		fmt.Fprintf(w, "warning: kept %s: no longer part of the base, but edited since kubenetgen wrote it\n", filepath.Join(dir, p))
	}
	// Each file --force replaced, and where its copy is.
	verb := "replaced"
	if dryRun {
		verb = "would replace"
	}
	for _, b := range res.Backups {
		fmt.Fprintf(w, "%s %s, after keeping a copy in %s\n", verb, filepath.Join(dir, b.Path), filepath.Join(dir, b.Copy))
	}
}

// SavedSpec tells the user where the spec was saved.
func SavedSpec(w io.Writer, path string) {
	fmt.Fprintf(w, "saved the spec to %s\n", path)
}

// NextSteps tells the user how to apply the base written into dir from the
// spec at specPath, regenerate it, and reach it over self-signed TLS.
func NextSteps(out io.Writer, dir, specPath string, app *spec.App) {
	var b bytes.Buffer
	w := &b
	defer func() { iostreams.Fprintw(out, b.String()) }()
	fmt.Fprintf(w, "\nNext steps:\n")
	fmt.Fprintf(w, "  kubectl apply -k %s\n", dir)
	fmt.Fprintf(w, "  kubenetgen generate -f %s -o %s   (after editing %s)\n", specPath, dir, filepath.Base(specPath))
	for _, c := range gen.SelfSignedCerts(app) {
		fmt.Fprintf(w, "  curl --cacert %s https://%s/   (trusts the self-signed certificate for one request)\n", filepath.Join(dir, filepath.FromSlash(c.CertPath())), c.Hosts[0])
	}
}

// Warnings tells the user what the app allows that may be unintended.
func Warnings(w io.Writer, app *spec.App) {
	for _, s := range WarningList(app) {
		iostreams.Fprintw(w, "warning: "+s+"\n")
	}
}

// WarningList is what the app allows that may be unintended: spec's
// warnings, and the hosts an Ingress that serves TLS leaves on plain HTTP.
func WarningList(app *spec.App) []string {
	ws := spec.Warnings(app)
	in := app.Ingress
	if in == nil || !slices.ContainsFunc(in.Rules, func(r spec.Rule) bool { return r.TLS != "" }) {
		return ws
	}
	var plain []string
	for _, r := range in.Rules {
		if r.Host != "" && !slices.ContainsFunc(in.Rules, func(o spec.Rule) bool { return o.Host == r.Host && o.TLS != "" }) && !slices.Contains(plain, r.Host) {
			plain = append(plain, r.Host)
		}
	}
	for _, h := range plain {
		ws = append(ws, fmt.Sprintf("host %s is served over plain HTTP while the Ingress serves TLS for others: give its rules tls=SECRET", h))
	}
	return ws
}

// CheckWriteSpec refuses, for --write-spec, to replace an existing spec
// file with different content unless force is set.
func CheckWriteSpec(path string, data []byte, force bool) error {
	old, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) || force || (err == nil && bytes.Equal(old, data)) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("--write-spec %s: %w", path, err)
	}
	return fmt.Errorf("--write-spec %s: the file exists with other content; nothing was written (--force replaces it)", path)
}

// WriteSpec writes the spec file atomically.
func WriteSpec(path string, data []byte) error {
	return basedir.WriteFile(path, data)
}
