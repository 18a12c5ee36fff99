//go:build race

package verify

// raceEnabled: the race detector's shadow memory cannot start under the
// data-segment cap of TestAliasBombProcess.
const raceEnabled = true
