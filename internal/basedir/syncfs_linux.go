package basedir

import (
	"os"

	"golang.org/x/sys/unix"
)

// syncFS makes durable everything written to the file system that holds
// name: one call for all the files of a write, where a sync per file would
// cost a disk flush each.
func syncFS(name string) error {
	d, err := os.Open(name)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := unix.Syncfs(int(d.Fd())); err != nil {
		return &os.PathError{Op: "syncfs", Path: name, Err: err}
	}
	return nil
}
