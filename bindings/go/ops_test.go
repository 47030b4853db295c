// ops_test.go: time-to-live (PutTTL, Expire, Persist, TTL), conditional writes (PutIfAbsent,
// CompareAndSwap, Increment), Contains, Clear, Remove and batches.

package scalodb_test

import (
	"errors"
	"testing"
	"time"

	scalodb "github.com/scalodb/scalodb/bindings/go"
)

func TestTTL(t *testing.T) {
	db := openMemory(t)
	must(t, db.PutTTL("short", []byte("v"), 30*time.Millisecond))
	must(t, db.PutTTL("long", []byte("v"), time.Hour))
	must(t, db.Put("forever", []byte("v")))
	if d, err := db.TTL("long"); err != nil || d <= 59*time.Minute || d > time.Hour {
		t.Fatalf("TTL(long) = %v, %v", d, err)
	}
	if d, err := db.TTL("forever"); err != nil || d != scalodb.NoTTL {
		t.Fatalf("TTL(forever) = %v, %v", d, err)
	}
	time.Sleep(80 * time.Millisecond)
	if _, err := db.Get("short"); !errors.Is(err, scalodb.ErrNotFound) {
		t.Fatalf("expired key: %v", err)
	}
	if _, err := db.TTL("short"); !errors.Is(err, scalodb.ErrNotFound) {
		t.Fatalf("TTL of expired key: %v", err)
	}
	if ok, err := db.Expire("short", time.Second); ok || err != nil {
		t.Fatalf("Expire(absent) = %v, %v", ok, err)
	}
	if ok, err := db.Expire("forever", 30*time.Millisecond); !ok || err != nil {
		t.Fatalf("Expire = %v, %v", ok, err)
	}
	if ok, err := db.Persist("long"); !ok || err != nil {
		t.Fatalf("Persist = %v, %v", ok, err)
	}
	if ok, _ := db.Persist("long"); ok {
		t.Fatal("Persist twice")
	}
	time.Sleep(80 * time.Millisecond)
	if ok, _ := db.Contains("forever"); ok {
		t.Fatal("Expire did not expire")
	}
	if d, _ := db.TTL("long"); d != scalodb.NoTTL {
		t.Fatalf("TTL after Persist = %v", d)
	}
}

func TestConditionalWrites(t *testing.T) {
	db := openMemory(t)
	if ok, err := db.PutIfAbsent("lock", []byte("w1")); !ok || err != nil {
		t.Fatalf("PutIfAbsent = %v, %v", ok, err)
	}
	if ok, _ := db.PutIfAbsent("lock", []byte("w2")); ok {
		t.Fatal("PutIfAbsent overwrote")
	}
	steps := []struct {
		old, new []byte
		want     bool
		after    string // "" = absent
	}{
		{nil, []byte("x"), false, "w1"},
		{[]byte("w2"), []byte("x"), false, "w1"},
		{[]byte("w1"), []byte{}, true, "\x00empty"},
		{nil, []byte("x"), false, "\x00empty"}, // empty is not absent
		{[]byte{}, nil, true, ""},              // nil new deletes
		{nil, []byte("w3"), true, "w3"},
	}
	for i, s := range steps {
		ok, err := db.CompareAndSwap("lock", s.old, s.new)
		if err != nil || ok != s.want {
			t.Fatalf("step %d: %v, %v", i, ok, err)
		}
		v, err := db.Get("lock")
		switch s.after {
		case "":
			if !errors.Is(err, scalodb.ErrNotFound) {
				t.Fatalf("step %d: key present: %q", i, v)
			}
		case "\x00empty":
			if err != nil || len(v) != 0 {
				t.Fatalf("step %d: %q, %v", i, v, err)
			}
		default:
			if err != nil || string(v) != s.after {
				t.Fatalf("step %d: %q, %v", i, v, err)
			}
		}
	}
	if n, err := db.Increment("hits", 5); n != 5 || err != nil {
		t.Fatalf("Increment = %d, %v", n, err)
	}
	if n, _ := db.Increment("hits", -7); n != -2 {
		t.Fatalf("Increment = %d", n)
	}
	must(t, db.Put("max", []byte("9223372036854775807")))
	if _, err := db.Increment("max", 1); !errors.Is(err, scalodb.ErrInvalidArgument) {
		t.Fatalf("overflow: %v", err)
	}
}

func TestContainsClearRemove(t *testing.T) {
	db := openMemory(t)
	must(t, db.Put("a", []byte("1")))
	if ok, _ := db.Contains("a"); !ok {
		t.Fatal("Contains(a)")
	}
	if existed, _ := db.Remove("a"); !existed {
		t.Fatal("Remove(a)")
	}
	if existed, _ := db.Remove("a"); existed {
		t.Fatal("Remove twice")
	}
	must(t, db.Put("a", []byte("1")))
	must(t, db.Put("b", []byte("2")))
	must(t, db.Clear())
	if st := db.Stats(); st.TotalKeys != 0 || st.TotalSize != 0 {
		t.Fatalf("after Clear: %+v", st)
	}
}

func TestBatch(t *testing.T) {
	db := openMemory(t)
	must(t, db.Put("gone", []byte("x")))
	b := scalodb.NewBatch().Put("acct:a", []byte("90")).Put("acct:b", []byte("110"))
	b.PutTTL("acct:tmp", []byte("t"), 30*time.Millisecond).Delete("gone").Put("empty", nil)
	if b.Len() != 5 {
		t.Fatalf("Len = %d", b.Len())
	}
	must(t, db.Write(b))
	for k, want := range map[string]string{"acct:a": "90", "acct:b": "110", "acct:tmp": "t", "empty": ""} {
		if v, err := db.Get(k); err != nil || string(v) != want {
			t.Fatalf("%s = %q, %v", k, v, err)
		}
	}
	if _, err := db.Get("gone"); !errors.Is(err, scalodb.ErrNotFound) {
		t.Fatal("batch delete")
	}
	time.Sleep(80 * time.Millisecond)
	if ok, _ := db.Contains("acct:tmp"); ok {
		t.Fatal("batch TTL")
	}
	// All or nothing: a key over the limit fails the whole batch.
	b.Reset()
	b.Put("acct:a", []byte("0")).Put(string(make([]byte, 70<<10)), []byte("v"))
	if err := db.Write(b); !errors.Is(err, scalodb.ErrKeyTooLarge) {
		t.Fatalf("oversized batch: %v", err)
	}
	if v, _ := db.Get("acct:a"); string(v) != "90" {
		t.Fatalf("partial batch applied: %q", v)
	}
	must(t, db.Write(scalodb.NewBatch())) // empty: a no-op
	must(t, db.Batch(func(b *scalodb.Batch) error {
		b.Put("via", []byte("fn"))
		return nil
	}))
	stop := errors.New("changed my mind")
	if err := db.Batch(func(b *scalodb.Batch) error { b.Put("never", nil); return stop }); err != stop {
		t.Fatalf("Batch error: %v", err)
	}
	if ok, _ := db.Contains("never"); ok {
		t.Fatal("a failed Batch wrote")
	}
	if v, _ := db.Get("via"); string(v) != "fn" {
		t.Fatal("Batch did not write")
	}
}
