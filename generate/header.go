package generate

// WithHeader heads a file that kubenetgen writes outside Render (a
// kustomization wired to the KRM function, for one) with the comment and
// checksum Render gives its own files, so that Write tells an untouched
// copy from one the user edited in the same way.
func WithHeader(path string, body []byte) []byte { return withHeader(path, body) }
