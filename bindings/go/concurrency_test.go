// concurrency_test.go: many goroutines writing and reading one DB at once (batches seen whole,
// counters that never go back, ordered scans), Close while others are busy, and restart recovery.

package scalodb_test

import (
	"errors"
	"fmt"
	"strconv"
	"sync"
	"testing"
	"time"

	scalodb "github.com/scalodb/scalodb/bindings/go"
)

func TestManyGoroutines(t *testing.T) {
	db, _ := openDisk(t, scalodb.Config{Sync: scalodb.SyncNever})
	const writers, readers, rounds = 4, 4, 300
	var wg sync.WaitGroup
	done := make(chan struct{})
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range rounds {
				v := []byte(strconv.Itoa(i))
				b := scalodb.NewBatch().Put(fmt.Sprintf("pair:a:%d", w), v).Put(fmt.Sprintf("pair:b:%d", w), v)
				if err := db.Write(b); err != nil {
					t.Error(err)
					return
				}
				if _, err := db.Increment("hits", 1); err != nil {
					t.Error(err)
					return
				}
				must(t, db.Put(fmt.Sprintf("w%d:%03d", w, i%50), v))
			}
		}()
	}
	var rg sync.WaitGroup
	for r := range readers {
		rg.Add(1)
		go func() {
			defer rg.Done()
			seen := map[int]int{}
			for n := 0; ; n++ {
				select {
				case <-done:
					return
				default:
				}
				w := (r + n) % writers
				snap, err := db.Snapshot()
				if err != nil {
					t.Error(err)
					return
				}
				a, errA := snap.Get(fmt.Sprintf("pair:a:%d", w))
				b, errB := snap.Get(fmt.Sprintf("pair:b:%d", w))
				snap.Close()
				if (errA == nil) != (errB == nil) || string(a) != string(b) {
					t.Errorf("torn batch: %q/%v vs %q/%v", a, errA, b, errB)
					return
				}
				if v, err := db.Get(fmt.Sprintf("pair:a:%d", w)); err == nil {
					now, _ := strconv.Atoi(string(v))
					if now < seen[w] {
						t.Errorf("writer %d went back from %d to %d", w, seen[w], now)
						return
					}
					seen[w] = now
				}
				last := ""
				for k := range db.ScanPrefix(fmt.Sprintf("w%d:", w)) {
					if k <= last {
						t.Errorf("scan out of order: %q after %q", k, last)
						return
					}
					last = k
				}
			}
		}()
	}
	wg.Wait()
	close(done)
	rg.Wait()
	if v, _ := db.Get("hits"); string(v) != strconv.Itoa(writers*rounds) {
		t.Fatalf("hits = %q", v)
	}
	if st := db.Stats(); st.Batches != writers*rounds || st.OpenViews != 0 {
		t.Fatalf("stats: %+v", st)
	}
}

func TestCloseWhileBusy(t *testing.T) {
	db := openMemory(t)
	must(t, db.Put("k", []byte("v")))
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				if _, err := db.Get("k"); err != nil {
					if !errors.Is(err, scalodb.ErrClosed) {
						t.Errorf("reader: %v", err)
					}
					return
				}
				if err := db.Put("k", []byte("v")); err != nil && !errors.Is(err, scalodb.ErrClosed) {
					t.Errorf("writer: %v", err)
					return
				}
			}
		}()
	}
	time.Sleep(20 * time.Millisecond)
	must(t, db.Close())
	wg.Wait()
}

func TestRestartRecovery(t *testing.T) {
	db, path := openDisk(t, scalodb.Config{Sync: scalodb.SyncAlways})
	for i := range 200 {
		must(t, db.Put(fmt.Sprintf("k:%03d", i), []byte(strconv.Itoa(i))))
	}
	must(t, db.Checkpoint())
	for i := range 50 {
		must(t, db.Delete(fmt.Sprintf("k:%03d", i)))
	}
	must(t, db.Write(scalodb.NewBatch().Put("after", []byte("checkpoint")).Delete("k:199")))
	must(t, db.PutTTL("lease", []byte("x"), time.Hour))
	must(t, db.PutTTL("brief", []byte("x"), 30*time.Millisecond))
	must(t, db.Update(func(tx *scalodb.Tx) error { return tx.Put("tx", []byte("committed")) }))
	must(t, db.Close())
	time.Sleep(60 * time.Millisecond)

	db, err := scalodb.New(&scalodb.Config{WALPath: path})
	must(t, err)
	defer db.Close()
	all, err := db.Scan()
	must(t, err)
	if len(all) != 149+3 {
		t.Fatalf("%d keys after restart", len(all))
	}
	if string(all["k:100"]) != "100" || string(all["after"]) != "checkpoint" || string(all["tx"]) != "committed" {
		t.Fatal("values after restart")
	}
	if _, ok := all["k:199"]; ok {
		t.Fatal("a deleted key came back")
	}
	if d, err := db.TTL("lease"); err != nil || d < 59*time.Minute {
		t.Fatalf("TTL after restart: %v, %v", d, err)
	}
	if _, ok := all["brief"]; ok {
		t.Fatal("an expired key came back")
	}
}
