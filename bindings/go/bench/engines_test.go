// engines_test.go: the same small key-value interface over ScaloDB, bbolt, badger and pebble, each
// opened on disk in a temporary directory with per-write fsync off (the peers' defaults for
// throughput; ScaloDB with SyncNever), so that the benchmarks compare like with like.

package bench

import (
	"testing"

	"github.com/cockroachdb/pebble"
	"github.com/dgraph-io/badger/v4"
	scalodb "github.com/scalodb/scalodb/bindings/go"
	bolt "go.etcd.io/bbolt"
)

type engine interface {
	put(key string, value []byte) error
	get(key string) ([]byte, error)
	close()
}

var engines = []struct {
	name string
	open func(tb testing.TB) engine
}{
	{"scalodb", openScalo},
	{"bbolt", openBolt},
	{"badger", openBadger},
	{"pebble", openPebble},
}

type scaloEngine struct{ db *scalodb.DB }

func openScalo(tb testing.TB) engine {
	db, err := scalodb.New(&scalodb.Config{WALPath: tb.TempDir() + "/scalodb", Sync: scalodb.SyncNever})
	if err != nil {
		tb.Fatal(err)
	}
	return scaloEngine{db}
}
func (e scaloEngine) put(k string, v []byte) error { return e.db.Put(k, v) }
func (e scaloEngine) get(k string) ([]byte, error) { return e.db.Get(k) }
func (e scaloEngine) close()                       { e.db.Close() }

var bucket = []byte("b")

type boltEngine struct{ db *bolt.DB }

func openBolt(tb testing.TB) engine {
	db, err := bolt.Open(tb.TempDir()+"/bolt.db", 0o600, &bolt.Options{NoSync: true})
	if err != nil {
		tb.Fatal(err)
	}
	db.Update(func(tx *bolt.Tx) error { _, err := tx.CreateBucketIfNotExists(bucket); return err })
	return boltEngine{db}
}
func (e boltEngine) put(k string, v []byte) error {
	return e.db.Update(func(tx *bolt.Tx) error { return tx.Bucket(bucket).Put([]byte(k), v) })
}
func (e boltEngine) get(k string) (out []byte, err error) {
	err = e.db.View(func(tx *bolt.Tx) error {
		out = append([]byte(nil), tx.Bucket(bucket).Get([]byte(k))...)
		return nil
	})
	return
}
func (e boltEngine) close() { e.db.Close() }

type badgerEngine struct{ db *badger.DB }

func openBadger(tb testing.TB) engine {
	db, err := badger.Open(badger.DefaultOptions(tb.TempDir()).WithLogger(nil).WithSyncWrites(false))
	if err != nil {
		tb.Fatal(err)
	}
	return badgerEngine{db}
}
func (e badgerEngine) put(k string, v []byte) error {
	return e.db.Update(func(tx *badger.Txn) error { return tx.Set([]byte(k), v) })
}
func (e badgerEngine) get(k string) (out []byte, err error) {
	err = e.db.View(func(tx *badger.Txn) error {
		item, err := tx.Get([]byte(k))
		if err != nil {
			return err
		}
		out, err = item.ValueCopy(nil)
		return err
	})
	return
}
func (e badgerEngine) close() { e.db.Close() }

type pebbleEngine struct{ db *pebble.DB }

func openPebble(tb testing.TB) engine {
	db, err := pebble.Open(tb.TempDir(), &pebble.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	return pebbleEngine{db}
}
func (e pebbleEngine) put(k string, v []byte) error { return e.db.Set([]byte(k), v, pebble.NoSync) }
func (e pebbleEngine) get(k string) ([]byte, error) {
	v, closer, err := e.db.Get([]byte(k))
	if err != nil {
		return nil, err
	}
	out := append([]byte(nil), v...)
	closer.Close()
	return out, nil
}
func (e pebbleEngine) close() { e.db.Close() }
