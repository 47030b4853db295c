// cgo_bench_test.go: the fixed cost of calling into the C library from Go (one bare cgo round
// trip) beside the cost of the package's cheapest real operations, in memory, so that the cgo
// share of each call can be read off (`make bench-go` prints it).

package scalodb

import (
	"fmt"
	"testing"
)

func BenchmarkCgoRoundTrip(b *testing.B) {
	for range b.N {
		if cgoRoundTrip() != 0 {
			b.Fatal("scalodb_value_len(NULL) is not 0")
		}
	}
}

func benchDB(b *testing.B) *DB {
	db, err := New(&Config{InMemory: true})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	for i := range 1000 {
		db.Put(fmt.Sprintf("key:%04d", i), make([]byte, 100))
	}
	return db
}

func BenchmarkMemoryGet(b *testing.B) {
	db := benchDB(b)
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		if _, err := db.Get(fmt.Sprintf("key:%04d", i%1000)); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkMemoryContains(b *testing.B) {
	db := benchDB(b)
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		if ok, _ := db.Contains("key:0042"); !ok {
			b.Fatal("missing")
		}
	}
}

func BenchmarkMemoryPut(b *testing.B) {
	db := benchDB(b)
	v := make([]byte, 100)
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		if err := db.Put(fmt.Sprintf("key:%04d", i%1000), v); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkMemoryScan1000(b *testing.B) {
	db := benchDB(b)
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		n := 0
		for range db.ScanPrefix("key:") {
			n++
		}
		if n != 1000 {
			b.Fatal(n)
		}
	}
}
