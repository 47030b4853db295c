// helpers_test.go: small helpers shared by the tests: opening a store in a temporary directory
// or in memory, and collecting an iterator.

package scalodb_test

import (
	"iter"
	"path/filepath"
	"testing"

	scalodb "github.com/scalodb/scalodb/bindings/go"
)

func openDisk(t *testing.T, cfg scalodb.Config) (*scalodb.DB, string) {
	t.Helper()
	if cfg.WALPath == "" {
		cfg.WALPath = filepath.Join(t.TempDir(), "data.wal")
	}
	db, err := scalodb.New(&cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	return db, cfg.WALPath
}

func openMemory(t *testing.T) *scalodb.DB {
	t.Helper()
	db, err := scalodb.New(&scalodb.Config{InMemory: true})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

type entry struct{ k, v string }

func collect(s iter.Seq2[string, []byte]) []entry {
	var out []entry
	for k, v := range s {
		out = append(out, entry{k, string(v)})
	}
	return out
}

func keys(es []entry) []string {
	out := make([]string, len(es))
	for i, e := range es {
		out[i] = e.k
	}
	return out
}
