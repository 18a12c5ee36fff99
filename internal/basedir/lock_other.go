//go:build !unix

package basedir

import "os"

// tryLock is a no-op where flock does not exist: concurrent runs are then
// not kept apart.
func tryLock(d *os.File) (busy bool, err error) { return false, nil }

func sameFile(d *os.File, path string) bool { return true }
