//go:build race

package sandbox

// raceEnabled: the race detector's shadow memory counts against a child's
// memory limit, so tests of that limit cannot run under -race.
const raceEnabled = true
