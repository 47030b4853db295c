// tx_test.go: View and Update in bbolt's style: isolation, read-your-writes, rollback on error and
// on panic, conflicts retried under contention, manual Begin/Commit/Rollback.

package scalodb_test

import (
	"errors"
	"strconv"
	"sync"
	"testing"

	scalodb "github.com/scalodb/scalodb/bindings/go"
)

func TestUpdateAndView(t *testing.T) {
	db := openMemory(t)
	must(t, db.Put("acct:a", []byte("100")))
	must(t, db.Update(func(tx *scalodb.Tx) error {
		v, err := tx.Get("acct:a")
		if err != nil {
			return err
		}
		n, _ := strconv.Atoi(string(v))
		must(t, tx.Put("acct:a", []byte(strconv.Itoa(n-30))))
		must(t, tx.Put("acct:b", []byte("30")))
		if v, _ := tx.Get("acct:a"); string(v) != "70" {
			t.Errorf("read-your-writes: %q", v)
		}
		if got := keys(collect(tx.ScanPrefix("acct:"))); len(got) != 2 {
			t.Errorf("tx scan: %q", got)
		}
		if v, _ := db.Get("acct:b"); v != nil {
			t.Error("an uncommitted write is visible outside")
		}
		return nil
	}))
	must(t, db.View(func(tx *scalodb.Tx) error {
		if v, _ := tx.Get("acct:b"); string(v) != "30" {
			t.Errorf("committed write: %q", v)
		}
		if err := tx.Put("x", nil); !errors.Is(err, scalodb.ErrTxReadOnly) {
			t.Errorf("write in View: %v", err)
		}
		if err := tx.Delete("x"); !errors.Is(err, scalodb.ErrTxReadOnly) {
			t.Errorf("delete in View: %v", err)
		}
		if got := keys(collect(tx.RangeReverse("", ""))); len(got) != 2 || got[0] != "acct:b" {
			t.Errorf("tx reverse: %q", got)
		}
		if got := keys(collect(tx.Range("acct:b", ""))); len(got) != 1 {
			t.Errorf("tx range: %q", got)
		}
		return nil
	}))

	// An error from fn rolls back; so does a panic.
	stop := errors.New("stop")
	if err := db.Update(func(tx *scalodb.Tx) error { tx.Put("ghost", nil); return stop }); err != stop {
		t.Fatalf("Update error: %v", err)
	}
	func() {
		defer func() { recover() }()
		db.Update(func(tx *scalodb.Tx) error { tx.Put("ghost", nil); panic("boom") })
	}()
	if ok, _ := db.Contains("ghost"); ok {
		t.Fatal("a failed Update wrote")
	}
	if st := db.Stats(); st.Transactions != 1 || st.OpenViews != 0 {
		t.Fatalf("stats: %+v", st)
	}
}

func TestManualTransactionsAndConflict(t *testing.T) {
	db := openMemory(t)
	must(t, db.Put("k", []byte("1")))
	tx, err := db.Begin(true)
	must(t, err)
	if _, err := tx.Get("k"); err != nil {
		t.Fatal(err)
	}
	must(t, tx.Put("other", []byte("x")))
	must(t, db.Put("k", []byte("2"))) // changes what tx read
	if err := tx.Commit(); !errors.Is(err, scalodb.ErrConflict) {
		t.Fatalf("Commit: %v", err)
	}
	if err := tx.Commit(); !errors.Is(err, scalodb.ErrTxDone) {
		t.Fatalf("second Commit: %v", err)
	}
	if err := tx.Rollback(); !errors.Is(err, scalodb.ErrTxDone) {
		t.Fatalf("Rollback after Commit: %v", err)
	}
	if _, err := tx.Get("k"); !errors.Is(err, scalodb.ErrTxDone) {
		t.Fatalf("Get after Commit: %v", err)
	}
	if err := tx.Put("k", nil); !errors.Is(err, scalodb.ErrTxDone) {
		t.Fatalf("Put after Commit: %v", err)
	}
	if ok, _ := db.Contains("other"); ok {
		t.Fatal("a conflicting commit wrote")
	}
	tx, err = db.Begin(true)
	must(t, err)
	must(t, tx.Delete("k"))
	must(t, tx.Rollback())
	if ok, _ := db.Contains("k"); !ok {
		t.Fatal("Rollback wrote")
	}
	must(t, db.Close())
	if _, err := db.Begin(false); !errors.Is(err, scalodb.ErrClosed) {
		t.Fatalf("Begin after Close: %v", err)
	}
}

// Concurrent read-modify-write through Update loses no increment: conflicts are retried.
func TestUpdateRetriesConflicts(t *testing.T) {
	db := openMemory(t)
	const workers, rounds = 4, 50
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range rounds {
				err := db.Update(func(tx *scalodb.Tx) error {
					v, err := tx.Get("counter")
					if err != nil && !errors.Is(err, scalodb.ErrNotFound) {
						return err
					}
					n, _ := strconv.Atoi(string(v))
					return tx.Put("counter", []byte(strconv.Itoa(n+1)))
				})
				if err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	if v, _ := db.Get("counter"); string(v) != strconv.Itoa(workers*rounds) {
		t.Fatalf("counter = %q", v)
	}
}
