package verify

import (
	"errors"
	"io"
	"net/http"
	"os"
	"sync"

	lib "github.com/kubenetgen/kubenetgen/verify"
)

// load loads the manifests; unless remote loading is allowed, with the
// process unable to reach the network or start a program while it does.
func load(path string, stdin io.Reader, o lib.LoadOptions) (*lib.Bundle, error) {
	if !o.AllowRemote {
		defer offline()()
	}
	return lib.Load(path, stdin, o)
}

// offlineMu serialises the offline spells, since what they change belongs
// to the whole process.
var offlineMu sync.Mutex

// offline takes the process off the network and stops it from finding
// programs to run, until the returned function restores both. The library
// already refuses every remote reference kustomize would fetch, before
// kustomize acts on it; this is the second wall, for a way in that a
// later kustomize may add: kustomize fetches over HTTP with the default
// transport and looks git up on PATH.
func offline() (restore func()) {
	offlineMu.Lock()
	transport := http.DefaultTransport
	http.DefaultTransport = refuseTransport{}
	path, hadPath := os.LookupEnv("PATH")
	os.Setenv("PATH", "")
	return func() {
		http.DefaultTransport = transport
		if hadPath {
			os.Setenv("PATH", path)
		} else {
			os.Unsetenv("PATH")
		}
		offlineMu.Unlock()
	}
}

// refuseTransport fails every request before any name is resolved.
type refuseTransport struct{}

var errOffline = errors.New("verify does not reach the network; for trusted input, --allow-remote lets kustomize fetch remote resources")

func (refuseTransport) RoundTrip(*http.Request) (*http.Response, error) { return nil, errOffline }
