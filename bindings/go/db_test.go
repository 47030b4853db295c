// db_test.go: the original API (New, Put, Get, Delete, Scan, Stats, Close), Config defaults and
// the WAL settings, and the sentinel errors.

package scalodb_test

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	scalodb "github.com/scalodb/scalodb/bindings/go"
)

func TestOriginalAPI(t *testing.T) {
	db, _ := openDisk(t, scalodb.Config{})
	must(t, db.Put("user:1", []byte("alice")))
	must(t, db.Put("user:2", []byte("bob")))
	must(t, db.Put("empty", []byte{}))
	v, err := db.Get("user:1")
	if err != nil || string(v) != "alice" {
		t.Fatalf("Get = %q, %v", v, err)
	}
	if v, err := db.Get("empty"); err != nil || v == nil || len(v) != 0 {
		t.Fatalf("empty value: %v, %v", v, err)
	}
	if _, err := db.Get("nope"); !errors.Is(err, scalodb.ErrNotFound) {
		t.Fatalf("missing key: %v", err)
	}
	must(t, db.Delete("user:2"))
	must(t, db.Delete("never-there"))
	if _, err := db.Get("user:2"); !errors.Is(err, scalodb.ErrNotFound) {
		t.Fatalf("deleted key: %v", err)
	}
	all, err := db.Scan()
	must(t, err)
	want := map[string][]byte{"user:1": []byte("alice"), "empty": {}}
	if !reflect.DeepEqual(all, want) {
		t.Fatalf("Scan = %q", all)
	}
	st := db.Stats()
	if st.TotalKeys != 2 || st.TotalSize != int64(len("user:1alice")+len("empty")) {
		t.Fatalf("Stats = %+v", st)
	}
	if st.WALBytes == 0 || st.Puts != 3 {
		t.Fatalf("Stats = %+v", st)
	}

	// A returned value is the caller's: changing it changes nothing stored.
	v[0] = 'X'
	if again, _ := db.Get("user:1"); string(again) != "alice" {
		t.Fatalf("value aliased the store: %q", again)
	}

	must(t, db.Close())
	must(t, db.Close()) // again: nothing to do
	if err := db.Put("k", nil); !errors.Is(err, scalodb.ErrClosed) {
		t.Fatalf("Put after Close: %v", err)
	}
	if _, err := db.Get("user:1"); !errors.Is(err, scalodb.ErrClosed) {
		t.Fatalf("Get after Close: %v", err)
	}
	if _, err := db.Scan(); !errors.Is(err, scalodb.ErrClosed) {
		t.Fatalf("Scan after Close: %v", err)
	}
	if st := db.Stats(); st != (scalodb.Stats{}) {
		t.Fatalf("Stats after Close: %+v", st)
	}
	if _, err := db.StatsErr(); !errors.Is(err, scalodb.ErrClosed) {
		t.Fatalf("StatsErr after Close: %v", err)
	}
}

// The defaults of the original package: WALPath "scalodb.wal" in the working directory.
func TestDefaultConfig(t *testing.T) {
	dir := t.TempDir()
	old, err := os.Getwd()
	must(t, err)
	must(t, os.Chdir(dir))
	defer os.Chdir(old)
	db, err := scalodb.New(nil)
	must(t, err)
	defer db.Close()
	must(t, db.Put("k", []byte("v")))
	if info, err := os.Stat(filepath.Join(dir, scalodb.DefaultWALPath)); err != nil || !info.IsDir() {
		t.Fatalf("scalodb.wal is not a directory: %v", err)
	}
	if got, _ := filepath.EvalSymlinks(db.Path()); filepath.Base(got) != scalodb.DefaultWALPath {
		t.Fatalf("Path = %q", db.Path())
	}
	// The directory is locked while open.
	if _, err := scalodb.New(nil); !errors.Is(err, scalodb.ErrLocked) {
		t.Fatalf("second open: %v", err)
	}
	must(t, db.Close())
	// Everything ScaloDB wrote is inside WALPath.
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 || entries[0].Name() != scalodb.DefaultWALPath {
		t.Fatalf("files outside WALPath: %v", entries)
	}
}

// EnableWAL: false no longer means "no log": only InMemory does.
func TestEnableWALFalseStillPersists(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sessions.wal")
	db, err := scalodb.New(&scalodb.Config{WALPath: path, EnableWAL: false})
	must(t, err)
	must(t, db.Put("session:1", []byte("alice")))
	must(t, db.Close())
	db, err = scalodb.New(&scalodb.Config{WALPath: path})
	must(t, err)
	defer db.Close()
	if v, err := db.Get("session:1"); err != nil || string(v) != "alice" {
		t.Fatalf("after reopen: %q, %v", v, err)
	}

	mem, err := scalodb.New(&scalodb.Config{WALPath: filepath.Join(t.TempDir(), "unused"), InMemory: true})
	must(t, err)
	must(t, mem.Put("k", []byte("v")))
	if mem.Path() != "" || mem.Stats().WALBytes != 0 {
		t.Fatalf("in-memory store touched disk: %q", mem.Path())
	}
	must(t, mem.Close())
}

func TestWALPathThatIsAFileIsRefused(t *testing.T) {
	path := filepath.Join(t.TempDir(), "old.wal")
	must(t, os.WriteFile(path, []byte("a log of the original package"), 0o644))
	_, err := scalodb.New(&scalodb.Config{WALPath: path})
	if !errors.Is(err, scalodb.ErrInvalidArgument) {
		t.Fatalf("New on a file: %v", err)
	}
	if data, _ := os.ReadFile(path); string(data) != "a log of the original package" {
		t.Fatal("the file was changed")
	}
}

func TestErrorsCarryMessagesAndSentinels(t *testing.T) {
	db, err := scalodb.New(&scalodb.Config{InMemory: true, MaxKeySize: 8, MaxValueSize: 16})
	must(t, err)
	defer db.Close()
	err = db.Put("a-very-long-key", []byte("v"))
	var e *scalodb.Error
	if !errors.Is(err, scalodb.ErrKeyTooLarge) || !errors.As(err, &e) || e.Error() == "" {
		t.Fatalf("key too large: %v", err)
	}
	if err := db.Put("k", make([]byte, 17)); !errors.Is(err, scalodb.ErrValueTooLarge) {
		t.Fatalf("value too large: %v", err)
	}
	if _, err := scalodb.New(&scalodb.Config{InMemory: true, MaxMemory: 1 << 16, Eviction: 7}); !errors.Is(err, scalodb.ErrInvalidArgument) {
		t.Fatalf("bad eviction: %v", err)
	}
	must(t, db.Put("n", []byte("text")))
	if _, err := db.Increment("n", 1); !errors.Is(err, scalodb.ErrWrongType) {
		t.Fatalf("increment text: %v", err)
	}
}

func TestSyncModesAndMaintenance(t *testing.T) {
	for _, mode := range []scalodb.SyncMode{scalodb.SyncAlways, scalodb.SyncNever, scalodb.SyncInterval} {
		db, path := openDisk(t, scalodb.Config{Sync: mode})
		must(t, db.Put("k", []byte("v")))
		must(t, db.Sync())
		must(t, db.Checkpoint())
		if st := db.Stats(); st.LastCheckpointSeq == 0 || st.LastCheckpointKeys != 1 {
			t.Fatalf("mode %d: checkpoint not recorded: %+v", mode, st)
		}
		backup := filepath.Join(t.TempDir(), "backup")
		must(t, db.Backup(backup))
		if err := db.Backup(backup); !errors.Is(err, scalodb.ErrInvalidArgument) {
			t.Fatalf("backup into a non-empty directory: %v", err)
		}
		must(t, db.Close())
		for _, dir := range []string{path, backup} {
			r, err := scalodb.Verify(dir)
			if err != nil || !r.HasCheckpoint || r.CheckpointEntries != 1 || r.TornTail {
				t.Fatalf("Verify(%s) = %+v, %v", dir, r, err)
			}
		}
		copyDB, err := scalodb.New(&scalodb.Config{WALPath: backup})
		must(t, err)
		if v, err := copyDB.Get("k"); err != nil || string(v) != "v" {
			t.Fatalf("backup content: %q, %v", v, err)
		}
		must(t, copyDB.Close())
	}
	if _, err := scalodb.Verify(filepath.Join(t.TempDir(), "missing")); !errors.Is(err, scalodb.ErrInvalidArgument) {
		t.Fatalf("Verify of a missing directory: %v", err)
	}
}

func TestMemoryLimitEvicts(t *testing.T) {
	db, err := scalodb.New(&scalodb.Config{InMemory: true, MaxMemory: 64 << 10, Eviction: scalodb.AllKeysLRU})
	must(t, err)
	defer db.Close()
	value := make([]byte, 512)
	for i := range 500 {
		must(t, db.Put(string(rune('a'+i%26))+string(rune(i)), value))
	}
	if st := db.Stats(); st.Evictions == 0 || st.TotalKeys+int64(st.Evictions) != 500 {
		t.Fatalf("no eviction: %+v", st)
	}
	strict, err := scalodb.New(&scalodb.Config{InMemory: true, MaxMemory: 64 << 10})
	must(t, err)
	defer strict.Close()
	var last error
	for i := 0; i < 500 && last == nil; i++ {
		last = strict.Put(string(rune(i)), value)
	}
	if !errors.Is(last, scalodb.ErrOutOfMemory) {
		t.Fatalf("NoEviction: %v", last)
	}
}
