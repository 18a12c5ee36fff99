//go:build unix

package basedir

import (
	"errors"
	"os"
	"syscall"
)

// tryLock takes an exclusive advisory lock on the open folder d without
// waiting; busy reports that another process holds it.
func tryLock(d *os.File) (busy bool, err error) {
	for {
		err = syscall.Flock(int(d.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
		if !errors.Is(err, syscall.EINTR) {
			break
		}
	}
	if errors.Is(err, syscall.EWOULDBLOCK) {
		return true, nil
	}
	return false, err
}

// sameFile reports whether the open folder d is still the folder at
// path: a run that made the folder and failed removes it again, and the
// lock of a removed folder guards nothing.
func sameFile(d *os.File, path string) bool {
	a, err := d.Stat()
	if err != nil {
		return false
	}
	b, err := os.Lstat(path)
	return err == nil && os.SameFile(a, b)
}
