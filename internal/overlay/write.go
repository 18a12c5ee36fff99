package overlay

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	gen "github.com/kubenetgen/kubenetgen/generate"
	"github.com/kubenetgen/kubenetgen/internal/basedir"
	"github.com/kubenetgen/kubenetgen/spec"
)

// Result says what Scaffold did with each overlay.
type Result struct {
	// Written and Kept are overlay folders (overlays/<env>).
	Written, Kept []string
}

// Scaffold writes the overlay of each env beside the base folder baseDir
// (into filepath.Dir(baseDir)/overlays/<env>) unless that overlay's
// kustomization.yaml exists: an overlay is written once and is then the
// user's, never written over.
func Scaffold(a *spec.App, baseDir string, envs []string, dryRun bool) (*Result, error) {
	abs, err := filepath.Abs(baseDir)
	if err != nil {
		return nil, err
	}
	root, baseName := filepath.Dir(abs), filepath.Base(abs)
	res := &Result{}
	now := time.Now()
	for _, env := range envs {
		rel := filepath.Join(filepath.Dir(baseDir), Dir, env)
		k := filepath.Join(root, Dir, env, gen.KustomizationFile)
		if _, err := os.Stat(k); err == nil {
			res.Kept = append(res.Kept, rel)
			continue
		} else if !errors.Is(err, fs.ErrNotExist) {
			return nil, err
		}
		files, err := Files(a, env, filepath.ToSlash(baseName), now)
		if err != nil {
			return nil, fmt.Errorf("overlay %s: %w", env, err)
		}
		res.Written = append(res.Written, rel)
		if dryRun {
			continue
		}
		// The kustomization last: its presence marks the overlay written.
		for _, f := range append(files[1:], files[0]) {
			p := filepath.Join(root, filepath.FromSlash(f.Path))
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				return nil, err
			}
			if err := basedir.WriteFile(p, f.Data); err != nil {
				return nil, err
			}
			if filepath.Ext(p) == ".key" {
				// A private key is its owner's only.
				if err := os.Chmod(p, 0o600); err != nil {
					return nil, err
				}
			}
		}
	}
	return res, nil
}

// Report tells the user what Scaffold did.
func Report(w io.Writer, r *Result, dryRun bool) {
	verb := "wrote"
	if dryRun {
		verb = "would write"
	}
	for _, d := range r.Written {
		fmt.Fprintf(w, "%s the overlay %s (yours from now on: kubenetgen never writes over it)\n", verb, d)
	}
	for _, d := range r.Kept {
		fmt.Fprintf(w, "kept the overlay %s as it is (yours)\n", d)
	}
}
