//go:build !race

// memory_test.go: memory stays bounded in long loops: scans read in part and left (the range loop
// broken) or read to their end, snapshots closed or dropped and left to the garbage collector's
// cleanups, batched writes, and single puts as their control. Each loop runs in a child process
// (this test binary run again, see TestMain), so its resident set size is its own, and reports
// VmRSS samples taken after a warm-up part; the growth past the first sample must stay under a
// limit. A Go scan has no handle to drop: its C iterator is freed when its range loop ends, however
// it ends.
//
// Not built with -race: the race detector's runtime keeps about 600 bytes for every cleanup that
// runs (runtime.AddCleanup, even on a plain Go object), which the snapshot loop would count as
// ours. go.mk runs these tests in a `go test` of their own, without -race.

package scalodb_test

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"testing"

	scalodb "github.com/scalodb/scalodb/bindings/go"
)

// rssChildEnv names the loop a child process runs, and its limit: "SCENARIO LIMIT_MIB".
const rssChildEnv = "SCALODB_RSS_CHILD"

const (
	// Reads hold nothing once closed or collected: a tight limit, which the 200 000 iterations
	// would pass by several times if each one left even 300 bytes behind.
	readsMiB = 16
	// The bound for writes: the store is in memory, but its 1 000 keys take about 200 KB.
	writesMiB = 64
	keySpace  = 1000
	batchSize = 16
	// The prefix of ten keys: each scan reads ahead ten entries.
	scanPrefix = "key:000"
)

// TestMain runs one memory loop instead of the tests when started as a child by rssBounded.
func TestMain(m *testing.M) {
	if spec := os.Getenv(rssChildEnv); spec != "" {
		os.Exit(rssChild(spec))
	}
	os.Exit(m.Run())
}

func key(i int) string { return fmt.Sprintf("key:%04d", i%keySpace) }

var value = []byte(strings.Repeat("a", 100))

var vmRSS = regexp.MustCompile(`(?m)^VmRSS:\s+(\d+) kB$`)

func rssMiB() (float64, error) {
	status, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0, err
	}
	m := vmRSS.FindSubmatch(status)
	if m == nil {
		return 0, fmt.Errorf("no VmRSS in /proc/self/status")
	}
	kb, err := strconv.Atoi(string(m[1]))
	return float64(kb) / 1024, err
}

type loopSize struct{ total, warmup, sampleEvery, gcEvery int }

// Reads collect every 500 iterations: cleanups of dropped snapshots run after a collection.
var reads = loopSize{total: 200_000, warmup: 50_000, sampleEvery: 10_000, gcEvery: 500}

// loop runs step(i) for i in [0, total), with runtime.GC() every gcEvery steps (if not 0) and
// before each RSS sample, taken every sampleEvery steps from warmup on; it stops early once RSS
// has grown more than limit past the first sample, so that a leak fails fast.
func loop(size loopSize, limit float64, step func(i int) error) ([]float64, error) {
	var samples []float64
	for i := range size.total {
		if err := step(i); err != nil {
			return samples, err
		}
		done := i + 1
		if size.gcEvery > 0 && done%size.gcEvery == 0 {
			runtime.GC()
		}
		if done >= size.warmup && (done-size.warmup)%size.sampleEvery == 0 {
			runtime.GC()
			rss, err := rssMiB()
			if err != nil {
				return samples, err
			}
			samples = append(samples, rss)
			if rss-samples[0] > limit {
				break
			}
		}
	}
	return samples, nil
}

func filled() (*scalodb.DB, error) {
	db, err := scalodb.New(&scalodb.Config{InMemory: true})
	if err != nil {
		return nil, err
	}
	for i := range keySpace {
		if err := db.Put(key(i), value); err != nil {
			return nil, err
		}
	}
	return db, nil
}

var errLost = fmt.Errorf("a read lost a key")

var rssScenarios = map[string]func(db *scalodb.DB, limit float64) ([]float64, error){
	"scan-break": func(db *scalodb.DB, limit float64) ([]float64, error) {
		return loop(reads, limit, func(int) error {
			for k := range db.ScanPrefix(scanPrefix) {
				if k != key(0) {
					return errLost
				}
				break
			}
			return nil
		})
	},
	"scan-end": func(db *scalodb.DB, limit float64) ([]float64, error) {
		return loop(reads, limit, func(int) error {
			n := 0
			for range db.ScanPrefix(scanPrefix) {
				n++
			}
			if n != 10 {
				return errLost
			}
			return nil
		})
	},
	"snapshot-close": func(db *scalodb.DB, limit float64) ([]float64, error) {
		return loop(reads, limit, func(i int) error {
			snap, err := db.Snapshot()
			if err != nil {
				return err
			}
			defer snap.Close()
			_, err = snap.Get(key(i))
			return err
		})
	},
	"snapshot-drop": func(db *scalodb.DB, limit float64) ([]float64, error) {
		return loop(reads, limit, func(i int) error {
			snap, err := db.Snapshot()
			if err != nil {
				return err
			}
			_, err = snap.Get(key(i))
			return err
		})
	},
	// 2 000 000 puts over the key space, 16 to a batch.
	"batch": func(db *scalodb.DB, limit float64) ([]float64, error) {
		size := loopSize{total: 2_000_000 / batchSize, warmup: 12_500, sampleEvery: 6_250}
		return loop(size, limit, func(i int) error {
			b := scalodb.NewBatch()
			for j := range batchSize {
				b.Put(key(i*batchSize+j), value)
			}
			return db.Write(b)
		})
	},
	// The same 2 000 000 puts one by one: the control for "batch".
	"single": func(db *scalodb.DB, limit float64) ([]float64, error) {
		size := loopSize{total: 2_000_000, warmup: 200_000, sampleEvery: 100_000}
		return loop(size, limit, func(i int) error { return db.Put(key(i), value) })
	},
}

// rssChild runs the loop spec names and prints its samples as JSON; it returns the exit code.
func rssChild(spec string) int {
	name, limitText, _ := strings.Cut(spec, " ")
	limit, err := strconv.ParseFloat(limitText, 64)
	run, ok := rssScenarios[name]
	if err != nil || !ok {
		fmt.Fprintf(os.Stderr, "bad %s=%q\n", rssChildEnv, spec)
		return 2
	}
	db, err := filled()
	if err == nil {
		var samples []float64
		samples, err = run(db, limit)
		if err == nil {
			err = json.NewEncoder(os.Stdout).Encode(samples)
		}
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return 0
}

// rssBounded runs scenario in a child process and checks that its RSS grew less than limit MiB.
func rssBounded(t *testing.T, scenario string, limit float64) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), fmt.Sprintf("%s=%s %g", rssChildEnv, scenario, limit))
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s: child failed: %v", scenario, err)
	}
	var samples []float64
	if err := json.Unmarshal(out, &samples); err != nil || len(samples) < 2 {
		t.Fatalf("%s: bad samples %q: %v", scenario, out, err)
	}
	first, peak := samples[0], samples[0]
	for _, s := range samples {
		peak = max(peak, s)
	}
	if peak-first >= limit {
		t.Errorf("%s: RSS grew %.1f MiB (limit %g): %.1f MiB", scenario, peak-first, limit, samples)
	}
}

func TestRSSBoundedScans(t *testing.T) {
	rssBounded(t, "scan-break", readsMiB)
	rssBounded(t, "scan-end", readsMiB)
}

func TestRSSBoundedSnapshots(t *testing.T) {
	rssBounded(t, "snapshot-close", readsMiB)
	rssBounded(t, "snapshot-drop", readsMiB)
}

func TestRSSBoundedSinglePuts(t *testing.T) { rssBounded(t, "single", writesMiB) }

func TestRSSBoundedBatchedPuts(t *testing.T) { rssBounded(t, "batch", writesMiB) }
