package cluster

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// process is one running component. It leads its own process group, so that
// stopping it also stops anything it forked.
type process struct {
	name    string
	pid     int
	logPath string
	cmd     *exec.Cmd
	done    chan struct{} // closed when the process has exited and been reaped
	waitErr error         // valid after done is closed
}

// exited reports whether the process has ended.
func (p *process) exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

// logTail returns the last lines of the component's log, which is what a
// person needs to see when the component failed.
func (p *process) logTail() string {
	return tailFile(p.logPath, 40)
}

// failure describes a process that ended before it should have, with its log
// tail.
func (p *process) failure() error {
	return fmt.Errorf("%s exited (%v); last lines of %s:\n%s", p.name, p.waitErr, p.logPath, p.logTail())
}

// spawner starts processes from one OS thread that stays alive until the
// cluster stops. Linux delivers the parent-death signal when the thread that
// forked a child ends, not the process; a Go program may retire threads, so
// forking from a locked, long-lived thread keeps the signal meaning "the test
// binary died".
type spawner struct {
	requests chan spawnRequest
	quit     chan struct{}
}

type spawnRequest struct {
	cmd   *exec.Cmd
	reply chan error
}

func newSpawner() *spawner {
	s := &spawner{requests: make(chan spawnRequest), quit: make(chan struct{})}
	go func() {
		runtime.LockOSThread()
		// Never unlocked: when this goroutine returns, the thread is
		// discarded, which is only right once every child is gone.
		for {
			select {
			case r := <-s.requests:
				r.reply <- r.cmd.Start()
			case <-s.quit:
				return
			}
		}
	}()
	return s
}

func (s *spawner) start(cmd *exec.Cmd) error {
	reply := make(chan error, 1)
	s.requests <- spawnRequest{cmd: cmd, reply: reply}
	return <-reply
}

func (s *spawner) close() { close(s.quit) }

// startProcess starts bin with args, its output appended to logPath. When
// detach is false the process is killed if the calling process dies, even by
// SIGKILL; when true it outlives the caller (make cluster-up).
func (s *spawner) startProcess(name, bin string, args []string, env []string, logPath string, detach bool) (*process, error) {
	logFile, err := os.OpenFile(logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return nil, fmt.Errorf("opening the log of %s: %w", name, err)
	}
	defer logFile.Close() // the child holds its own descriptor
	fmt.Fprintf(logFile, "=== %s %s\n", bin, strings.Join(args, " "))

	cmd := exec.Command(bin, args...)
	cmd.Env = env
	// A file, not a pipe: a detached component must not die of SIGPIPE when
	// the process that started it exits.
	cmd.Stdout = logFile
	cmd.Stderr = logFile
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if !detach {
		cmd.SysProcAttr.Pdeathsig = syscall.SIGKILL
	}
	if err := s.start(cmd); err != nil {
		return nil, fmt.Errorf("starting %s: %w", name, err)
	}
	p := &process{name: name, pid: cmd.Process.Pid, logPath: logPath, cmd: cmd, done: make(chan struct{})}
	go func() {
		p.waitErr = cmd.Wait()
		close(p.done)
	}()
	return p, nil
}

// stopProcesses asks every process group to terminate, gives them grace to
// exit, then kills what is left. It returns once every group is gone.
func stopProcesses(procs []*process, grace time.Duration) error {
	for i := len(procs) - 1; i >= 0; i-- {
		_ = syscall.Kill(-procs[i].pid, syscall.SIGTERM)
	}
	deadline := time.Now().Add(grace)
	for _, p := range procs {
		select {
		case <-p.done:
		case <-time.After(time.Until(deadline)):
		}
	}
	var errs []error
	for _, p := range procs {
		// Kill the whole group even when the leader has exited: a child it
		// forked may still hold the group.
		_ = syscall.Kill(-p.pid, syscall.SIGKILL)
		select {
		case <-p.done:
		case <-time.After(10 * time.Second):
			errs = append(errs, fmt.Errorf("%s (pid %d) did not exit after SIGKILL", p.name, p.pid))
		}
		if err := waitGroupGone(p.pid, 10*time.Second); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", p.name, err))
		}
	}
	return errors.Join(errs...)
}

// stopGroups stops process groups this process did not start (and so cannot
// wait for), as recorded by a detached cluster.
func stopGroups(pgids []int, grace time.Duration) error {
	for i := len(pgids) - 1; i >= 0; i-- {
		_ = syscall.Kill(-pgids[i], syscall.SIGTERM)
	}
	deadline := time.Now().Add(grace)
	for _, g := range pgids {
		_ = waitGroupGone(g, time.Until(deadline))
	}
	var errs []error
	for _, g := range pgids {
		_ = syscall.Kill(-g, syscall.SIGKILL)
		if err := waitGroupGone(g, 10*time.Second); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// waitGroupGone waits until no live process is in process group pgid.
func waitGroupGone(pgid int, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for {
		live, err := GroupMembers(pgid)
		if err != nil {
			return err
		}
		if len(live) == 0 {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("process group %d still has live processes %v", pgid, live)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// GroupMembers lists the live (not zombie) processes whose process group is
// pgid, read from /proc. A zombie holds no resources and is only waiting for
// its parent to collect it, so it does not count.
func GroupMembers(pgid int) ([]int, error) {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return nil, fmt.Errorf("listing processes: %w", err)
	}
	var live []int
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		stat, err := os.ReadFile("/proc/" + e.Name() + "/stat")
		if err != nil {
			continue // it exited while we looked
		}
		// The command name is in parentheses and may hold spaces; the
		// fields after its closing parenthesis are: state ppid pgrp ...
		rest := stat[bytes.LastIndexByte(stat, ')')+1:]
		fields := strings.Fields(string(rest))
		if len(fields) < 3 {
			continue
		}
		if fields[0] == "Z" || fields[0] == "X" {
			continue
		}
		if g, err := strconv.Atoi(fields[2]); err == nil && g == pgid {
			live = append(live, pid)
		}
	}
	return live, nil
}

// tailFile returns about the last n lines of the file at path.
func tailFile(path string, n int) string {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Sprintf("(no log: %v)", err)
	}
	defer f.Close()
	const window = 16 << 10
	if st, err := f.Stat(); err == nil && st.Size() > window {
		if _, err := f.Seek(st.Size()-window, io.SeekStart); err != nil {
			return fmt.Sprintf("(reading the log: %v)", err)
		}
	}
	data, err := io.ReadAll(f)
	if err != nil {
		return fmt.Sprintf("(reading the log: %v)", err)
	}
	lines := strings.Split(strings.TrimRight(string(data), "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
