package generate

import (
	"fmt"
	"io"
	"path"

	"sigs.k8s.io/kustomize/api/krusty"
	"sigs.k8s.io/kustomize/kyaml/filesys"
)

// KustomizeBuild runs kustomize in-process over the base's files and returns the
// objects as multi-document YAML, exactly what `kubectl kustomize` of the
// written base prints.
func KustomizeBuild(files []File) ([]byte, error) {
	const root = "/base"
	fSys := filesys.MakeFsInMemory()
	for _, f := range files {
		if err := fSys.WriteFile(path.Join(root, f.Path), f.Data); err != nil {
			return nil, fmt.Errorf("staging %s: %w", f.Path, err)
		}
	}
	m, err := krusty.MakeKustomizer(krusty.MakeDefaultOptions()).Run(fSys, root)
	if err != nil {
		return nil, fmt.Errorf("kustomize build: %w", err)
	}
	out, err := m.AsYaml()
	if err != nil {
		return nil, fmt.Errorf("kustomize build: %w", err)
	}
	return out, nil
}

// Stream writes the built base to w as multi-document YAML.
func Stream(w io.Writer, files []File) error {
	out, err := KustomizeBuild(files)
	if err != nil {
		return err
	}
	_, err = w.Write(out)
	return err
}
