// types_test.go: the typed operations against plain Go models under random operations from a
// seeded generator: hashes (a map) and lists (a slice) here, sets and sorted sets in
// types_sets_test.go; plus wrong types, invalid arguments, a closed database and the iterators.

package scalodb_test

import (
	"bytes"
	"errors"
	"fmt"
	"maps"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"testing"

	scalodb "github.com/scalodb/scalodb/bindings/go"
)

const typesSeed = 20261202

func newRand(t *testing.T) *rand.Rand {
	t.Logf("seed %d", typesSeed)
	return rand.New(rand.NewPCG(typesSeed, uint64(len(t.Name()))))
}

// word is a short random string over a small alphabet, so that operations collide often; about
// half of them are decimal integers.
func word(r *rand.Rand) string {
	const alphabet = "ab12"
	b := make([]byte, r.IntN(3))
	for i := range b {
		b[i] = alphabet[r.IntN(len(alphabet))]
	}
	return string(b)
}

func check(t *testing.T, step int, what string, got, want any) {
	t.Helper()
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("step %d, %s: got %v, want %v", step, what, got, want)
	}
}

func TestHashesAgainstAMap(t *testing.T) {
	db := openMemory(t)
	r := newRand(t)
	model := map[string]map[string][]byte{}
	keys := []string{"h1", "h2"}
	for step := range 1500 {
		key := keys[r.IntN(len(keys))]
		h := model[key]
		switch r.IntN(7) {
		case 6:
			f := word(r)
			ok, err := db.HExists(key, f)
			must(t, err)
			_, want := h[f]
			check(t, step, "HExists", ok, want)
		case 0, 1:
			fields := map[string][]byte{}
			for range 1 + r.IntN(3) {
				fields[word(r)] = []byte(word(r))
			}
			added, err := db.HSet(key, fields)
			must(t, err)
			want := 0
			if h == nil {
				h = map[string][]byte{}
				model[key] = h
			}
			for f, v := range fields {
				if _, ok := h[f]; !ok {
					want++
				}
				h[f] = v
			}
			check(t, step, "HSet", added, want)
		case 2:
			fields := []string{word(r), word(r)}
			removed, err := db.HDel(key, fields...)
			must(t, err)
			want := 0
			for _, f := range slices.Compact(slices.Sorted(slices.Values(fields))) {
				if _, ok := h[f]; ok {
					want++
					delete(h, f)
				}
			}
			if len(h) == 0 {
				delete(model, key)
			}
			check(t, step, "HDel", removed, want)
		case 3:
			f := word(r)
			v, err := db.HGet(key, f)
			if want, ok := h[f]; ok {
				must(t, err)
				check(t, step, "HGet", string(v), string(want))
			} else if !errors.Is(err, scalodb.ErrNotFound) {
				t.Fatalf("step %d: HGet of an absent field: %v", step, err)
			}
		case 4:
			f, delta := word(r), int64(r.IntN(21)-10)
			got, err := db.HIncrBy(key, f, delta)
			old, parseErr := int64(0), error(nil)
			if v, ok := h[f]; ok {
				old, parseErr = strconv.ParseInt(string(v), 10, 64)
			}
			if parseErr != nil {
				if !errors.Is(err, scalodb.ErrWrongType) {
					t.Fatalf("step %d: HIncrBy of %q: %v, want ErrWrongType", step, h[f], err)
				}
				break
			}
			must(t, err)
			check(t, step, "HIncrBy", got, old+delta)
			if h == nil {
				h = map[string][]byte{}
				model[key] = h
			}
			h[f] = []byte(strconv.FormatInt(old+delta, 10))
		case 5:
			n, err := db.HLen(key)
			must(t, err)
			check(t, step, "HLen", n, len(h))
		}
		all, err := db.HGetAll(key)
		must(t, err)
		if !maps.EqualFunc(all, h, bytes.Equal) {
			t.Fatalf("step %d: HGetAll %q = %q, want %q", step, key, all, h)
		}
		fields, err := db.HKeys(key)
		must(t, err)
		check(t, step, "HKeys", fields, slices.Sorted(maps.Keys(h)))
		vals, err := db.HVals(key)
		must(t, err)
		var wantVals [][]byte
		for _, f := range slices.Sorted(maps.Keys(h)) {
			wantVals = append(wantVals, h[f])
		}
		check(t, step, "HVals", fmt.Sprintf("%q", vals), fmt.Sprintf("%q", wantVals))
		typ, err := db.Type(key)
		must(t, err)
		check(t, step, "Type", typ, map[bool]string{true: "hash", false: "none"}[len(h) > 0])
	}
}

// clamp is Redis's start..stop (inclusive, negative from the end) as a slice range.
func clamp(n int, start, stop int64) (int, int) {
	if start < 0 {
		start += int64(n)
	}
	if stop < 0 {
		stop += int64(n)
	}
	start = max(start, 0)
	stop = min(stop, int64(n)-1)
	if start > stop {
		return 0, 0
	}
	return int(start), int(stop) + 1
}

func TestListsAgainstASlice(t *testing.T) {
	db := openMemory(t)
	r := newRand(t)
	model := map[string][][]byte{}
	keys := []string{"l1", "l2"}
	index := func() int64 { return int64(r.IntN(13) - 6) }
	for step := range 2000 {
		key := keys[r.IntN(len(keys))]
		l := model[key]
		switch r.IntN(10) {
		case 9:
			dst := keys[r.IntN(len(keys))]
			from, to := scalodb.End(r.IntN(2)), scalodb.End(r.IntN(2))
			v, err := db.LMove(key, dst, from, to)
			if len(l) == 0 {
				if !errors.Is(err, scalodb.ErrNotFound) {
					t.Fatalf("step %d: LMove from an empty list: %v", step, err)
				}
				break
			}
			must(t, err)
			var want []byte
			if from == scalodb.Left {
				want, l = l[0], l[1:]
			} else {
				want, l = l[len(l)-1], l[:len(l)-1]
			}
			check(t, step, "LMove", string(v), string(want))
			if dst == key {
				if to == scalodb.Left {
					l = append([][]byte{want}, l...)
				} else {
					l = append(l, want)
				}
			} else {
				d := model[dst]
				if to == scalodb.Left {
					d = append([][]byte{want}, d...)
				} else {
					d = append(d, want)
				}
				model[dst] = d
			}
		case 0, 1:
			var values [][]byte
			for range r.IntN(4) {
				values = append(values, []byte(word(r)))
			}
			var n int
			var err error
			if r.IntN(2) == 0 {
				n, err = db.LPush(key, values...)
				for _, v := range values {
					l = append([][]byte{v}, l...)
				}
			} else {
				n, err = db.RPush(key, values...)
				l = append(l, values...)
			}
			must(t, err)
			check(t, step, "push length", n, len(l))
		case 2:
			count := r.IntN(4)
			var got [][]byte
			var err error
			k := min(count, len(l))
			var want [][]byte
			if r.IntN(2) == 0 {
				got, err = db.LPop(key, count)
				want, l = l[:k], l[k:]
			} else {
				got, err = db.RPop(key, count)
				want = slices.Clone(l[len(l)-k:])
				slices.Reverse(want)
				l = l[:len(l)-k]
			}
			must(t, err)
			check(t, step, "pop", fmt.Sprintf("%q", got), fmt.Sprintf("%q", want))
		case 3:
			i := index()
			v, err := db.LIndex(key, i)
			j := int(i)
			if i < 0 {
				j += len(l)
			}
			if j >= 0 && j < len(l) {
				must(t, err)
				check(t, step, "LIndex", string(v), string(l[j]))
			} else if !errors.Is(err, scalodb.ErrNotFound) {
				t.Fatalf("step %d: LIndex %d of %d elements: %v", step, i, len(l), err)
			}
		case 4:
			i, v := index(), []byte(word(r))
			err := db.LSet(key, i, v)
			j := int(i)
			if i < 0 {
				j += len(l)
			}
			if j >= 0 && j < len(l) {
				must(t, err)
				l[j] = v
			} else if !errors.Is(err, scalodb.ErrInvalidArgument) {
				t.Fatalf("step %d: LSet %d of %d elements: %v", step, i, len(l), err)
			}
		case 5:
			start, stop := index(), index()
			must(t, db.LTrim(key, start, stop))
			lo, hi := clamp(len(l), start, stop)
			l = l[lo:hi]
		case 6:
			count, v := int64(r.IntN(5)-2), []byte(word(r))
			n, err := db.LRem(key, count, v)
			must(t, err)
			want := 0
			if count >= 0 {
				var kept [][]byte
				for _, e := range l {
					if bytes.Equal(e, v) && (count == 0 || int64(want) < count) {
						want++
						continue
					}
					kept = append(kept, e)
				}
				l = kept
			} else {
				for i := len(l) - 1; i >= 0; i-- {
					if bytes.Equal(l[i], v) && int64(want) < -count {
						want++
						l = slices.Delete(l, i, i+1)
					}
				}
			}
			check(t, step, "LRem", n, want)
		case 7:
			start, stop := index(), index()
			got, err := db.LRange(key, start, stop)
			must(t, err)
			lo, hi := clamp(len(l), start, stop)
			check(t, step, "LRange", fmt.Sprintf("%q", got), fmt.Sprintf("%q", l[lo:hi]))
		case 8:
			n, err := db.LLen(key)
			must(t, err)
			check(t, step, "LLen", n, len(l))
		}
		if len(l) == 0 {
			delete(model, key)
		} else {
			model[key] = l
		}
		for _, k := range keys {
			all, err := db.LRange(k, 0, -1)
			must(t, err)
			check(t, step, "whole list "+k, fmt.Sprintf("%q", all), fmt.Sprintf("%q", model[k]))
		}
	}
}

func TestTypesWrongTypeAndType(t *testing.T) {
	db := openMemory(t)
	must(t, db.Put("str", []byte("x")))
	_, err := db.HSet("h", map[string][]byte{"f": []byte("1")})
	must(t, err)
	_, err = db.RPush("l", []byte("a"))
	must(t, err)
	_, err = db.SAdd("s", "a")
	must(t, err)
	_, err = db.ZAdd("z", scalodb.ZMember{Member: "a", Score: 1})
	must(t, err)
	for key, want := range map[string]string{"str": "string", "h": "hash", "l": "list", "s": "set", "z": "zset", "no": "none"} {
		got, err := db.Type(key)
		must(t, err)
		check(t, 0, "Type "+key, got, want)
	}
	type op struct {
		family string
		run    func(key string) error
	}
	min, max := scalodb.MinusInf, scalodb.PlusInf
	ops := []op{
		{"hash", func(k string) error { return second(db.HSet(k, map[string][]byte{"f": nil})) }},
		{"hash", func(k string) error { return second(db.HGet(k, "f")) }},
		{"hash", func(k string) error { return second(db.HDel(k, "f")) }},
		{"hash", func(k string) error { return second(db.HLen(k)) }},
		{"hash", func(k string) error { return second(db.HGetAll(k)) }},
		{"hash", func(k string) error { return second(db.HIncrBy(k, "f", 1)) }},
		{"hash", func(k string) error { return second(db.HExists(k, "f")) }},
		{"hash", func(k string) error { return second(db.HKeys(k)) }},
		{"hash", func(k string) error { return second(db.HVals(k)) }},
		{"list", func(k string) error { return second(db.LPush(k, []byte("v"))) }},
		{"list", func(k string) error { return second(db.RPush(k, []byte("v"))) }},
		{"list", func(k string) error { return second(db.LPop(k, 1)) }},
		{"list", func(k string) error { return second(db.RPop(k, 1)) }},
		{"list", func(k string) error { return second(db.LLen(k)) }},
		{"list", func(k string) error { return second(db.LRange(k, 0, -1)) }},
		{"list", func(k string) error { return second(db.LRangeSeq(k, 0, -1)) }},
		{"list", func(k string) error { return second(db.LIndex(k, 0)) }},
		{"list", func(k string) error { return db.LSet(k, 0, nil) }},
		{"list", func(k string) error { return db.LTrim(k, 0, 1) }},
		{"list", func(k string) error { return second(db.LRem(k, 0, nil)) }},
		{"list", func(k string) error { return second(db.LMove(k, "lx", scalodb.Left, scalodb.Right)) }},
		{"list", func(k string) error { return second(db.LMove("l", k, scalodb.Left, scalodb.Right)) }},
		{"set", func(k string) error { return second(db.SAdd(k, "m")) }},
		{"set", func(k string) error { return second(db.SRem(k, "m")) }},
		{"set", func(k string) error { return second(db.SIsMember(k, "m")) }},
		{"set", func(k string) error { return second(db.SCard(k)) }},
		{"set", func(k string) error { return second(db.SMembers(k)) }},
		{"set", func(k string) error { return second(db.SPop(k, 1)) }},
		{"set", func(k string) error { return second(db.SInter(k)) }},
		{"set", func(k string) error { return second(db.SUnion("s", k)) }},
		{"set", func(k string) error { return second(db.SDiff("s", k)) }},
		{"set", func(k string) error { return second(db.SInterStore("dst", k)) }},
		{"set", func(k string) error { return second(db.SUnionStore("dst", k)) }},
		{"set", func(k string) error { return second(db.SDiffStore("dst", "s", k)) }},
		{"set", func(k string) error { return second(db.SRandMember(k, 1)) }},
		{"set", func(k string) error { return second(db.SMove(k, "sx", "a")) }},
		{"set", func(k string) error { return second(db.SMove("s", k, "a")) }},
		{"zset", func(k string) error { return second(db.ZAdd(k, scalodb.ZMember{Member: "m"})) }},
		{"zset", func(k string) error { return second(db.ZIncrBy(k, 1, "m")) }},
		{"zset", func(k string) error { return second(db.ZRem(k, "m")) }},
		{"zset", func(k string) error { return second(db.ZScore(k, "m")) }},
		{"zset", func(k string) error { return second(db.ZCard(k)) }},
		{"zset", func(k string) error { return second(db.ZRank(k, "m")) }},
		{"zset", func(k string) error { return second(db.ZRevRank(k, "m")) }},
		{"zset", func(k string) error { return second(db.ZRange(k, 0, -1)) }},
		{"zset", func(k string) error { return second(db.ZRevRange(k, 0, -1)) }},
		{"zset", func(k string) error { return second(db.ZRangeSeq(k, 0, -1)) }},
		{"zset", func(k string) error { return second(db.ZRangeByScore(k, min, max)) }},
		{"zset", func(k string) error { return second(db.ZRevRangeByScore(k, min, max)) }},
		{"zset", func(k string) error { return second(db.ZRangeByScoreSeq(k, min, max)) }},
		{"zset", func(k string) error { return second(db.ZPopMin(k, 1)) }},
		{"zset", func(k string) error { return second(db.ZPopMax(k, 1)) }},
		{"zset", func(k string) error { return second(db.ZCount(k, min, max)) }},
		{"zset", func(k string) error { return second(db.ZRemRangeByScore(k, min, max)) }},
		{"zset", func(k string) error { return second(db.ZRemRangeByRank(k, 0, -1)) }},
	}
	// On a string every typed operation fails; on a collection, those of the other families.
	for key, family := range map[string]string{"str": "", "h": "hash", "l": "list", "s": "set", "z": "zset"} {
		for i, o := range ops {
			if o.family == family {
				continue
			}
			if err := o.run(key); !errors.Is(err, scalodb.ErrWrongType) {
				t.Fatalf("operation %d (%s) on %q: %v, want ErrWrongType", i, o.family, key, err)
			}
		}
		typ, err := db.Type(key)
		must(t, err)
		check(t, 0, "type kept", typ, map[string]string{"": "string"}[family]+family)
	}
	for _, k := range []string{"dst", "lx", "sx"} {
		if typ, _ := db.Type(k); typ != "none" {
			t.Fatalf("a refused operation wrote %s: %s", k, typ)
		}
	}
	v, err := db.Get("str")
	must(t, err)
	check(t, 0, "string untouched", string(v), "x")
	_, err = db.HIncrBy("h", "f", math.MaxInt64)
	if !errors.Is(err, scalodb.ErrInvalidArgument) {
		t.Fatalf("HIncrBy overflow: %v", err)
	}
}

func TestTypesInvalidArgumentsAndClosed(t *testing.T) {
	db := openMemory(t)
	for i, err := range []error{
		second(db.LPop("l", -1)),
		second(db.RPop("l", -1)),
		second(db.SPop("s", -1)),
		second(db.ZPopMin("z", -1)),
		second(db.ZPopMax("z", -1)),
		second(db.ZAdd("z", scalodb.ZMember{Member: "m", Score: math.NaN()})),
		second(db.ZAddWithOptions("z", scalodb.ZAddOptions{NX: true, XX: true}, scalodb.ZMember{Member: "m"})),
		second(db.ZAddWithOptions("z", scalodb.ZAddOptions{GT: true, LT: true}, scalodb.ZMember{Member: "m"})),
		second(db.ZRangeByScore("z", scalodb.Incl(math.NaN()), scalodb.PlusInf)),
		second(db.SInter()),
		second(db.SUnionStore("d")),
		db.LSet("absent", 0, []byte("v")),
	} {
		if !errors.Is(err, scalodb.ErrInvalidArgument) {
			t.Fatalf("case %d: %v, want ErrInvalidArgument", i, err)
		}
	}
	typ, err := db.Type("z")
	must(t, err)
	check(t, 0, "nothing was created", typ, "none")
	must(t, db.Close())
	for i, err := range []error{
		second(db.Type("k")),
		second(db.HSet("k", map[string][]byte{"f": nil})),
		second(db.HGetAll("k")),
		second(db.RPush("k", nil)),
		second(db.LRange("k", 0, -1)),
		second(db.SAdd("k", "m")),
		second(db.SMembers("k")),
		second(db.ZAdd("k", scalodb.ZMember{Member: "m"})),
		second(db.ZRangeByScore("k", scalodb.MinusInf, scalodb.PlusInf)),
	} {
		if !errors.Is(err, scalodb.ErrClosed) {
			t.Fatalf("closed, case %d: %v, want ErrClosed", i, err)
		}
	}
}

func second[T any](_ T, err error) error { return err }

func TestTypesIteratorsAndLargeResults(t *testing.T) {
	db := openMemory(t)
	var values [][]byte
	var members []scalodb.ZMember
	for i := range 3000 {
		values = append(values, bytes.Repeat([]byte{byte('a' + i%26)}, i%40))
		members = append(members, scalodb.ZMember{Member: fmt.Sprintf("m%04d", i), Score: float64(i % 10)})
	}
	n, err := db.RPush("l", values...)
	must(t, err)
	check(t, 0, "RPush", n, len(values))
	seq, err := db.LRangeSeq("l", 0, -1)
	must(t, err)
	count := 0
	for i, v := range seq {
		if i != count || !bytes.Equal(v, values[i]) {
			t.Fatalf("LRangeSeq %d: %q", i, v)
		}
		count++
	}
	check(t, 0, "LRangeSeq count", count, len(values))
	n, err = db.ZAdd("z", members...)
	must(t, err)
	check(t, 0, "ZAdd", n, len(members))
	zs, err := db.ZRangeByScoreSeq("z", scalodb.Excl(8), scalodb.PlusInf)
	must(t, err)
	var got []string
	for m, s := range zs {
		if s != 9 {
			t.Fatalf("%s has score %v", m, s)
		}
		got = append(got, m)
		if len(got) == 5 {
			break // an early break is fine
		}
	}
	check(t, 0, "ZRangeByScoreSeq", got, []string{"m0009", "m0019", "m0029", "m0039", "m0049"})
	zr, err := db.ZRangeSeq("z", -1, -1)
	must(t, err)
	for m, s := range zr {
		check(t, 0, "ZRangeSeq last", []any{m, s}, []any{"m2999", 9})
	}
	// A returned value belongs to the caller: changing it changes nothing stored.
	all, err := db.LRange("l", 0, 1)
	must(t, err)
	all[1][0] = 'Z'
	again, err := db.LIndex("l", 1)
	must(t, err)
	check(t, 0, "copy", string(again), "b")
	fields := map[string][]byte{}
	for i := range 500 {
		fields[fmt.Sprint(i)] = bytes.Repeat([]byte("v"), i)
	}
	_, err = db.HSet("h", fields)
	must(t, err)
	h, err := db.HGetAll("h")
	must(t, err)
	if !maps.EqualFunc(h, fields, bytes.Equal) {
		t.Fatal("HGetAll of a large hash differs")
	}
}
