// scan_test.go: ScanPrefix and Range, forward and reverse, on the DB, a Snapshot and a Tx: order,
// bounds, early break, binary keys, entries larger than a chunk, and values that stay valid.

package scalodb_test

import (
	"bytes"
	"fmt"
	"reflect"
	"testing"

	scalodb "github.com/scalodb/scalodb/bindings/go"
)

func TestPrefixAndRange(t *testing.T) {
	db := openMemory(t)
	for _, k := range []string{"a", "b", "ba", "bb", "c", "d", "p\xff", "p\xff\xff", "q"} {
		must(t, db.Put(k, []byte("v:"+k)))
	}
	cases := []struct {
		name string
		got  []entry
		want []string
	}{
		{"prefix", collect(db.ScanPrefix("b")), []string{"b", "ba", "bb"}},
		{"prefix reverse", collect(db.ScanPrefixReverse("b")), []string{"bb", "ba", "b"}},
		{"prefix 0xff", collect(db.ScanPrefix("p\xff")), []string{"p\xff", "p\xff\xff"}},
		{"prefix none", collect(db.ScanPrefix("zz")), nil},
		{"everything", collect(db.ScanPrefix("")), []string{"a", "b", "ba", "bb", "c", "d", "p\xff", "p\xff\xff", "q"}},
		{"range", collect(db.Range("b", "d")), []string{"b", "ba", "bb", "c"}},
		{"range reverse", collect(db.RangeReverse("b", "d")), []string{"c", "bb", "ba", "b"}},
		{"open start", collect(db.Range("", "b")), []string{"a"}},
		{"open end", collect(db.Range("d", "")), []string{"d", "p\xff", "p\xff\xff", "q"}},
		{"empty range", collect(db.Range("c", "c")), nil},
	}
	for _, c := range cases {
		if !reflect.DeepEqual(keys(c.got), c.want) && !(len(c.got) == 0 && len(c.want) == 0) {
			t.Errorf("%s: got %q, want %q", c.name, keys(c.got), c.want)
		}
		for _, e := range c.got {
			if e.v != "v:"+e.k {
				t.Errorf("%s: %q = %q", c.name, e.k, e.v)
			}
		}
	}

	// Breaking out early frees the iterator (no open view is left).
	n := 0
	for range db.Range("", "") {
		n++
		if n == 2 {
			break
		}
	}
	if n != 2 || db.Stats().OpenViews != 0 {
		t.Fatalf("break: n=%d, open views %d", n, db.Stats().OpenViews)
	}
}

// Many entries, large and small, across chunk boundaries, in both directions; the values handed
// out stay intact after the iteration moves on.
func TestIterationAcrossChunks(t *testing.T) {
	db := openMemory(t)
	want := map[string][]byte{}
	for i := range 600 {
		k := fmt.Sprintf("k:%04d", i)
		size := 10
		switch i % 100 {
		case 7:
			size = 100 << 10 // larger than the largest chunk
		case 8:
			size = 0
		}
		v := bytes.Repeat([]byte{byte(i)}, size)
		want[k] = v
		must(t, db.Put(k, v))
	}
	must(t, db.Put("\x00binary\x00key", []byte{0, 1, 2}))
	for _, reverse := range []bool{false, true} {
		seq := db.ScanPrefix("k:")
		if reverse {
			seq = db.ScanPrefixReverse("k:")
		}
		var got []string
		kept := map[string][]byte{}
		for k, v := range seq {
			got = append(got, k)
			kept[k] = v
		}
		if len(got) != 600 {
			t.Fatalf("reverse=%v: %d entries", reverse, len(got))
		}
		for i, k := range got {
			j := i
			if reverse {
				j = 599 - i
			}
			if k != fmt.Sprintf("k:%04d", j) {
				t.Fatalf("reverse=%v: entry %d is %q", reverse, i, k)
			}
			if !bytes.Equal(kept[k], want[k]) {
				t.Fatalf("reverse=%v: value of %q changed", reverse, k)
			}
		}
	}
	all, err := db.Scan()
	must(t, err)
	if len(all) != 601 || !bytes.Equal(all["\x00binary\x00key"], []byte{0, 1, 2}) {
		t.Fatalf("Scan: %d entries", len(all))
	}
}

func TestSnapshotIsFixed(t *testing.T) {
	db := openMemory(t)
	must(t, db.Put("s:1", []byte("old")))
	must(t, db.Put("s:2", []byte("old")))
	snap, err := db.Snapshot()
	must(t, err)
	must(t, db.Put("s:1", []byte("new")))
	must(t, db.Delete("s:2"))
	must(t, db.Put("s:3", []byte("new")))
	if v, err := snap.Get("s:1"); err != nil || string(v) != "old" {
		t.Fatalf("snapshot get: %q, %v", v, err)
	}
	if _, err := snap.Get("s:3"); err != scalodb.ErrNotFound {
		t.Fatalf("snapshot sees a later key: %v", err)
	}
	if got := keys(collect(snap.ScanPrefix("s:"))); !reflect.DeepEqual(got, []string{"s:1", "s:2"}) {
		t.Fatalf("snapshot scan: %q", got)
	}
	if got := keys(collect(snap.RangeReverse("", ""))); !reflect.DeepEqual(got, []string{"s:2", "s:1"}) {
		t.Fatalf("snapshot reverse: %q", got)
	}
	if got := keys(collect(snap.Range("s:2", ""))); !reflect.DeepEqual(got, []string{"s:2"}) {
		t.Fatalf("snapshot range: %q", got)
	}
	if got := keys(collect(snap.ScanPrefixReverse("s:"))); !reflect.DeepEqual(got, []string{"s:2", "s:1"}) {
		t.Fatalf("snapshot prefix reverse: %q", got)
	}
	if snap.Sequence() == 0 || snap.Sequence() >= db.Stats().Sequence {
		t.Fatalf("sequence %d vs %d", snap.Sequence(), db.Stats().Sequence)
	}
	if db.Stats().OpenViews != 1 {
		t.Fatal("the snapshot is not counted as an open view")
	}
	must(t, snap.Close())
	must(t, snap.Close())
	if _, err := snap.Get("s:1"); err != scalodb.ErrClosed {
		t.Fatalf("get after close: %v", err)
	}
	if len(collect(snap.ScanPrefix(""))) != 0 || snap.Sequence() != 0 {
		t.Fatal("a closed snapshot still iterates")
	}
	if db.Stats().OpenViews != 0 {
		t.Fatal("the closed snapshot still holds a view")
	}
}
