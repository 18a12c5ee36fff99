package basedir

import (
	"io/fs"
	"sync"
)

// faultFS passes every call to the disk, counting them, and fails the
// one numbered failAt (from 1) with err, or hands it to onCall.
type faultFS struct {
	inner  fileSystem
	mu     sync.Mutex
	calls  int
	failAt int
	err    error
	onCall func(n int)
}

func (f *faultFS) hit() error {
	f.mu.Lock()
	f.calls++
	n := f.calls
	f.mu.Unlock()
	if f.onCall != nil {
		f.onCall(n)
	}
	if n == f.failAt {
		return f.err
	}
	return nil
}

func (f *faultFS) Lstat(name string) (fs.FileInfo, error) {
	if err := f.hit(); err != nil {
		return nil, err
	}
	return f.inner.Lstat(name)
}

func (f *faultFS) ReadFile(name string) ([]byte, error) {
	if err := f.hit(); err != nil {
		return nil, err
	}
	return f.inner.ReadFile(name)
}

func (f *faultFS) ReadDir(name string) ([]fs.DirEntry, error) {
	if err := f.hit(); err != nil {
		return nil, err
	}
	return f.inner.ReadDir(name)
}

func (f *faultFS) Mkdir(name string, perm fs.FileMode) error {
	if err := f.hit(); err != nil {
		return err
	}
	return f.inner.Mkdir(name, perm)
}

func (f *faultFS) Remove(name string) error {
	if err := f.hit(); err != nil {
		return err
	}
	return f.inner.Remove(name)
}

func (f *faultFS) Rename(from, to string) error {
	if err := f.hit(); err != nil {
		return err
	}
	return f.inner.Rename(from, to)
}

func (f *faultFS) Link(from, to string) error {
	if err := f.hit(); err != nil {
		return err
	}
	return f.inner.Link(from, to)
}

func (f *faultFS) SyncDir(name string) error {
	if err := f.hit(); err != nil {
		return err
	}
	return f.inner.SyncDir(name)
}

func (f *faultFS) Create(name string, perm fs.FileMode) (file, error) {
	if err := f.hit(); err != nil {
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
	if err := w.f.hit(); err != nil {
		return 0, err
	}
	return w.file.Write(p)
}

func (w *faultFile) Sync() error {
	if err := w.f.hit(); err != nil {
		return err
	}
	return w.file.Sync()
}

func (w *faultFile) Close() error {
	if err := w.f.hit(); err != nil {
		w.file.Close()
		return err
	}
	return w.file.Close()
}

// FailCall makes the n-th call on the disk fail with err, from now until
// restore is called; calls reports how many calls were made.
func FailCall(n int, err error) (calls func() int, restore func()) {
	f := &faultFS{inner: osFS{}, failAt: n, err: err}
	disk = f
	return func() int { f.mu.Lock(); defer f.mu.Unlock(); return f.calls }, func() { disk = osFS{} }
}

// OnCall calls fn before each call on the disk (with its number, from 1),
// until restore is called: a test kills the process there.
func OnCall(fn func(n int)) (restore func()) {
	disk = &faultFS{inner: osFS{}, onCall: fn}
	return func() { disk = osFS{} }
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
