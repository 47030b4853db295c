// workload_test.go: the benchmarks, each run on every engine in the same `go test -bench` run:
// Put (new keys), Get (present keys, random order) and Mixed (80% gets, 20% puts, from 4
// goroutines). Keys are 16 bytes, values 100 bytes; the preloaded set is benchKeys keys. The
// go.mk rule prints each engine's time per operation as a ratio to ScaloDB's.

package bench

import (
	"fmt"
	"math/rand/v2"
	"sync/atomic"
	"testing"
)

const benchKeys = 50_000

var value = make([]byte, 100)

func key(i int) string { return fmt.Sprintf("key:%012d", i) }

func preload(b *testing.B, e engine) {
	for i := range benchKeys {
		if err := e.put(key(i), value); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkPut(b *testing.B) {
	for _, eng := range engines {
		b.Run(eng.name, func(b *testing.B) {
			e := eng.open(b)
			defer e.close()
			b.ResetTimer()
			for i := range b.N {
				if err := e.put(key(i), value); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkGet(b *testing.B) {
	for _, eng := range engines {
		b.Run(eng.name, func(b *testing.B) {
			e := eng.open(b)
			defer e.close()
			preload(b, e)
			r := rand.New(rand.NewPCG(1, 2))
			b.ResetTimer()
			for range b.N {
				if _, err := e.get(key(r.IntN(benchKeys))); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkMixed(b *testing.B) {
	for _, eng := range engines {
		b.Run(eng.name, func(b *testing.B) {
			e := eng.open(b)
			defer e.close()
			preload(b, e)
			var seed atomic.Uint64
			b.SetParallelism(2) // 2 goroutines per core: 4 on the 2-core reference machine
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				r := rand.New(rand.NewPCG(seed.Add(1), 7))
				for pb.Next() {
					k := key(r.IntN(benchKeys))
					var err error
					if r.IntN(10) < 8 {
						_, err = e.get(k)
					} else {
						err = e.put(k, value)
					}
					if err != nil {
						b.Error(err)
						return
					}
				}
			})
		})
	}
}
