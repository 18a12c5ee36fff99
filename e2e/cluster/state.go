package cluster

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// stateFile is where a detached cluster records what Down must stop.
const stateFile = "state.json"

// State is what a detached cluster records in its directory so that another
// process can find it and stop it.
type State struct {
	// Kubeconfig is the path of the cluster's admin kubeconfig.
	Kubeconfig string `json:"kubeconfig"`
	// Server is the URL of kube-apiserver.
	Server string `json:"server"`
	// Processes maps component names to the id of the process group each
	// leads.
	Processes map[string]int `json:"processes"`
}

// SaveState records the cluster's processes in Dir/state.json, for Down.
func (c *Cluster) SaveState() error {
	data, err := json.MarshalIndent(State{Kubeconfig: c.Kubeconfig, Server: c.Server, Processes: c.PIDs()}, "", "  ")
	if err != nil {
		return fmt.Errorf("encoding the cluster state: %w", err)
	}
	path := filepath.Join(c.Dir, stateFile)
	if err := os.WriteFile(path, data, 0o600); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return nil
}

// LoadState reads the state a detached cluster saved in dir. It returns an
// error wrapping os.ErrNotExist when no cluster was recorded there.
func LoadState(dir string) (*State, error) {
	path := filepath.Join(dir, stateFile)
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading the cluster state: %w", err)
	}
	var s State
	if err := json.Unmarshal(data, &s); err != nil {
		return nil, fmt.Errorf("decoding %s: %w", path, err)
	}
	return &s, nil
}

// Down stops the detached cluster recorded in dir and removes dir. A
// directory with no recorded cluster is not an error: there is nothing to
// stop.
func Down(dir string) error {
	s, err := LoadState(dir)
	if errors.Is(err, os.ErrNotExist) {
		return os.RemoveAll(dir)
	}
	if err != nil {
		return err
	}
	// Stop in reverse start order: clients before the apiserver, the
	// apiserver before etcd.
	order := []string{Etcd, KubeAPIServer, KubeControllerManager, KubeScheduler, Kwok}
	var pgids []int
	for _, name := range order {
		pid, ok := s.Processes[name]
		// A recorded process that has since died may have had its id
		// reused by an unrelated program: only a process whose command
		// line names this cluster's directory is ours to stop.
		if ok && commandLineMentions(pid, dir) {
			pgids = append(pgids, pid)
		}
	}
	if err := stopGroups(pgids, 5*time.Second); err != nil {
		return fmt.Errorf("stopping the cluster in %s: %w", dir, err)
	}
	if err := os.RemoveAll(dir); err != nil {
		return fmt.Errorf("removing %s: %w", dir, err)
	}
	return nil
}

// commandLineMentions reports whether process pid is alive and its command
// line contains s.
func commandLineMentions(pid int, s string) bool {
	cmdline, err := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid))
	return err == nil && strings.Contains(string(cmdline), s)
}
