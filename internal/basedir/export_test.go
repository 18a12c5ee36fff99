package basedir

import (
	"io/fs"
	"sync"
)

// faultFS passes every call to the disk, counting them, and asks fail
// first whether the call (numbered from 1, named by op) fails.
type faultFS struct {
	inner fileSystem
	mu    sync.Mutex
	calls int
	fail  func(n int, op string) error
}

func (f *faultFS) hit(op string) error {
	f.mu.Lock()
	f.calls++
	n := f.calls
	f.mu.Unlock()
	return f.fail(n, op)
}

func (f *faultFS) Lstat(name string) (fs.FileInfo, error) {
	if err := f.hit("Lstat"); err != nil {
		return nil, err
	}
	return f.inner.Lstat(name)
}

func (f *faultFS) ReadFile(name string) ([]byte, error) {
	if err := f.hit("ReadFile"); err != nil {
		return nil, err
	}
	return f.inner.ReadFile(name)
}

func (f *faultFS) ReadDir(name string) ([]fs.DirEntry, error) {
	if err := f.hit("ReadDir"); err != nil {
		return nil, err
	}
	return f.inner.ReadDir(name)
}

func (f *faultFS) Mkdir(name string, perm fs.FileMode) error {
	if err := f.hit("Mkdir"); err != nil {
		return err
	}
	return f.inner.Mkdir(name, perm)
}

func (f *faultFS) Remove(name string) error {
	if err := f.hit("Remove"); err != nil {
		return err
	}
	return f.inner.Remove(name)
}

func (f *faultFS) Rename(from, to string) error {
	if err := f.hit("Rename"); err != nil {
		return err
	}
	return f.inner.Rename(from, to)
}

func (f *faultFS) Link(from, to string) error {
	if err := f.hit("Link"); err != nil {
		return err
	}
	return f.inner.Link(from, to)
}

func (f *faultFS) SyncDir(name string) error {
	if err := f.hit("SyncDir"); err != nil {
		return err
	}
	return f.inner.SyncDir(name)
}

func (f *faultFS) SyncFS(name string) error {
	if err := f.hit("SyncFS"); err != nil {
		return err
	}
	return f.inner.SyncFS(name)
}

func (f *faultFS) Create(name string, perm fs.FileMode) (file, error) {
	if err := f.hit("Create"); err != nil {
		return nil, err
	}
	fl, err := f.inner.Create(name, perm)
	if err != nil {
		return nil, err
	}
	return &faultFile{fl, f}, nil
}

type faultFile struct {
	file
	f *faultFS
}

func (w *faultFile) Write(p []byte) (int, error) {
	if err := w.f.hit("Write"); err != nil {
		return 0, err
	}
	return w.file.Write(p)
}

func (w *faultFile) Sync() error {
	if err := w.f.hit("Sync"); err != nil {
		return err
	}
	return w.file.Sync()
}

func (w *faultFile) Close() error {
	if err := w.f.hit("Close"); err != nil {
		w.file.Close()
		return err
	}
	return w.file.Close()
}

// FailCall makes the n-th call on the disk fail with err, from now until
// restore is called; calls reports how many calls were made.
func FailCall(n int, err error) (calls func() int, restore func()) {
	return Fail(func(k int, op string) error {
		if k == n {
			return err
		}
		return nil
	})
}

// Fail asks fail before each call on the disk (numbered from 1, named by
// its method) whether it fails, until restore is called; a test may also
// kill the process there. calls reports how many calls were made.
func Fail(fail func(n int, op string) error) (calls func() int, restore func()) {
	f := &faultFS{inner: osFS{}, fail: fail}
	disk = f
	return func() int { f.mu.Lock(); defer f.mu.Unlock(); return f.calls }, func() { disk = osFS{} }
}

// SetID makes every write from now on have the given id, as writes of
// processes with the same PID would have had with PID-based names.
func SetID(id string) (restore func()) {
	old := newID
	newID = func() string { return id }
	return func() { newID = old }
}

// TempPrefix is how the names of temporary files begin.
const TempPrefix = tempPrefix
