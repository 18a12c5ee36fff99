package basedir

import (
	"io"
	"io/fs"
	"os"
	"syscall"
)

// fileSystem is every call the writer makes on the disk. The real one is
// osFS; tests put one in its place that fails, or kills the process, at a
// chosen call, to show that any single failing call leaves the folder
// old or new.
type fileSystem interface {
	Lstat(name string) (fs.FileInfo, error)
	// ReadFile reads a regular file without following a symbolic link.
	ReadFile(name string) ([]byte, error)
	ReadDir(name string) ([]fs.DirEntry, error)
	Mkdir(name string, perm fs.FileMode) error
	Remove(name string) error
	Rename(from, to string) error
	Link(from, to string) error
	// Create makes a new file (never an existing one, never through a
	// symbolic link) with exactly the mode perm, whatever the umask.
	Create(name string, perm fs.FileMode) (file, error)
	// SyncDir makes the entries of a folder durable.
	SyncDir(name string) error
	// SyncFS makes durable every file and folder written on the file
	// system that holds name.
	SyncFS(name string) error
}

// file is a file being written.
type file interface {
	Write(p []byte) (int, error)
	Sync() error
	Close() error
}

type osFS struct{}

func (osFS) Lstat(name string) (fs.FileInfo, error)     { return os.Lstat(name) }
func (osFS) ReadDir(name string) ([]fs.DirEntry, error) { return os.ReadDir(name) }
func (osFS) Mkdir(name string, perm fs.FileMode) error  { return os.Mkdir(name, perm) }
func (osFS) Remove(name string) error                   { return os.Remove(name) }
func (osFS) Rename(from, to string) error               { return os.Rename(from, to) }
func (osFS) Link(from, to string) error                 { return os.Link(from, to) }

func (osFS) ReadFile(name string) ([]byte, error) {
	f, err := os.OpenFile(name, os.O_RDONLY|syscall.O_NOFOLLOW, 0)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(f)
}

func (osFS) Create(name string, perm fs.FileMode) (file, error) {
	f, err := os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL|syscall.O_NOFOLLOW, perm)
	if err != nil {
		return nil, err
	}
	// The umask may have narrowed the mode.
	if err := f.Chmod(perm); err != nil {
		f.Close()
		os.Remove(name)
		return nil, err
	}
	return f, nil
}

func (osFS) SyncFS(name string) error { return syncFS(name) }

func (osFS) SyncDir(name string) error {
	d, err := os.Open(name)
	if err != nil {
		return err
	}
	err = d.Sync()
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	return err
}

// disk is the file system the writer uses; tests replace it.
var disk fileSystem = osFS{}
