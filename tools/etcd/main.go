// Command etcd runs the etcd server of go.etcd.io/etcd/server/v3, the same
// entry point as the upstream etcd binary, so that the end-to-end control
// plane is built from the Go module proxy rather than downloaded.
package main

import (
	"os"

	"go.etcd.io/etcd/server/v3/etcdmain"
)

func main() {
	etcdmain.Main(os.Args)
}
