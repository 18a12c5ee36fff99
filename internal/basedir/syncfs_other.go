//go:build !linux

package basedir

import "syscall"

// syncFS makes durable everything written, where syncfs(2) is missing.
func syncFS(name string) error {
	syscall.Sync()
	return nil
}
