// types_sets_test.go: sets against a Go map and sorted sets against a sorted slice, under random
// operations from a seeded generator (the helpers are in types_test.go).

package scalodb_test

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"sort"
	"testing"

	scalodb "github.com/scalodb/scalodb/bindings/go"
)

func TestSetsAgainstAMap(t *testing.T) {
	db := openMemory(t)
	r := newRand(t)
	model := map[string]map[string]bool{}
	keys := []string{"s1", "s2", "s3"}
	members := func(key string) []string { return slices.Sorted(maps.Keys(model[key])) }
	for step := range 1500 {
		key := keys[r.IntN(len(keys))]
		if model[key] == nil {
			model[key] = map[string]bool{}
		}
		s := model[key]
		switch r.IntN(9) {
		case 7:
			dst, m := keys[r.IntN(len(keys))], word(r)
			moved, err := db.SMove(key, dst, m)
			must(t, err)
			check(t, step, "SMove", moved, s[m])
			if s[m] {
				delete(s, m)
				if model[dst] == nil {
					model[dst] = map[string]bool{}
				}
				model[dst][m] = true
			}
		case 8:
			count := r.IntN(7) - 3
			got, err := db.SRandMember(key, count)
			must(t, err)
			want := min(count, len(s))
			if count < 0 {
				want = -count
				if len(s) == 0 {
					want = 0
				}
			}
			check(t, step, "SRandMember count", len(got), want)
			for _, m := range got {
				if !s[m] {
					t.Fatalf("step %d: SRandMember gave %q, not a member", step, m)
				}
			}
			if count > 0 && len(slices.Compact(slices.Sorted(slices.Values(got)))) != len(got) {
				t.Fatalf("step %d: SRandMember %d repeated a member: %q", step, count, got)
			}
		case 0, 1:
			ms := []string{word(r), word(r), word(r)}
			n, err := db.SAdd(key, ms...)
			must(t, err)
			want := 0
			for _, m := range ms {
				if !s[m] {
					want++
					s[m] = true
				}
			}
			check(t, step, "SAdd", n, want)
		case 2:
			ms := []string{word(r), word(r)}
			n, err := db.SRem(key, ms...)
			must(t, err)
			want := 0
			for _, m := range ms {
				if s[m] {
					want++
					delete(s, m)
				}
			}
			check(t, step, "SRem", n, want)
		case 3:
			m := word(r)
			is, err := db.SIsMember(key, m)
			must(t, err)
			check(t, step, "SIsMember", is, s[m])
		case 4:
			got, err := db.SPop(key, r.IntN(3))
			must(t, err)
			for _, m := range got {
				if !s[m] {
					t.Fatalf("step %d: SPop gave %q, not a member", step, m)
				}
				delete(s, m)
			}
		case 5:
			srcs := []string{keys[r.IntN(3)], keys[r.IntN(3)]}
			inter, union, diff := map[string]bool{}, map[string]bool{}, map[string]bool{}
			for m := range model[srcs[0]] {
				union[m] = true
				if model[srcs[1]][m] {
					inter[m] = true
				} else {
					diff[m] = true
				}
			}
			for m := range model[srcs[1]] {
				union[m] = true
			}
			sorted := func(m map[string]bool) []string { return slices.Sorted(maps.Keys(m)) }
			got, err := db.SInter(srcs...)
			must(t, err)
			check(t, step, "SInter", got, sorted(inter))
			got, err = db.SUnion(srcs...)
			must(t, err)
			check(t, step, "SUnion", got, sorted(union))
			got, err = db.SDiff(srcs...)
			must(t, err)
			check(t, step, "SDiff", got, sorted(diff))
			var n int
			var want map[string]bool
			switch r.IntN(3) {
			case 0:
				n, err = db.SInterStore(key, srcs...)
				want = inter
			case 1:
				n, err = db.SUnionStore(key, srcs...)
				want = union
			default:
				n, err = db.SDiffStore(key, srcs...)
				want = diff
			}
			must(t, err)
			check(t, step, "S*Store", n, len(want))
			model[key] = want
		case 6:
			n, err := db.SCard(key)
			must(t, err)
			check(t, step, "SCard", n, len(s))
		}
		for _, k := range keys {
			got, err := db.SMembers(k)
			must(t, err)
			check(t, step, "SMembers "+k, got, members(k))
		}
	}
}

// zmodel is a sorted set as a map, and its members sorted by (score, member).
type zmodel map[string]float64

func (z zmodel) sorted() []scalodb.ZMember {
	out := make([]scalodb.ZMember, 0, len(z))
	for m, s := range z {
		out = append(out, scalodb.ZMember{Member: m, Score: s})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Score != out[j].Score {
			return out[i].Score < out[j].Score
		}
		return out[i].Member < out[j].Member
	})
	return out
}

func inBounds(s float64, lo, hi scalodb.ScoreBound) bool {
	above := s > lo.Score || (!lo.Exclusive && s == lo.Score)
	below := s < hi.Score || (!hi.Exclusive && s == hi.Score)
	return above && below
}

func TestSortedSetsAgainstASortedSlice(t *testing.T) {
	db := openMemory(t)
	r := newRand(t)
	model := map[string]zmodel{}
	keys := []string{"z1", "z2"}
	score := func() float64 { return float64(r.IntN(11)-5) / 2 }
	bound := func() scalodb.ScoreBound {
		switch r.IntN(6) {
		case 0:
			return scalodb.MinusInf
		case 1:
			return scalodb.PlusInf
		case 2:
			return scalodb.Excl(score())
		default:
			return scalodb.Incl(score())
		}
	}
	for step := range 2000 {
		key := keys[r.IntN(len(keys))]
		if model[key] == nil {
			model[key] = zmodel{}
		}
		z := model[key]
		sorted := z.sorted()
		switch r.IntN(12) {
		case 10:
			lo, hi := bound(), bound()
			n, err := db.ZRemRangeByScore(key, lo, hi)
			must(t, err)
			want := 0
			for m, s := range z {
				if inBounds(s, lo, hi) {
					want++
					delete(z, m)
				}
			}
			check(t, step, "ZRemRangeByScore", n, want)
		case 11:
			start, stop := int64(r.IntN(9)-4), int64(r.IntN(9)-4)
			n, err := db.ZRemRangeByRank(key, start, stop)
			must(t, err)
			lo, hi := clamp(len(sorted), start, stop)
			for _, e := range sorted[lo:hi] {
				delete(z, e.Member)
			}
			check(t, step, "ZRemRangeByRank", n, hi-lo)
		case 0, 1:
			var opts scalodb.ZAddOptions
			switch r.IntN(4) {
			case 1:
				opts.NX = true
			case 2:
				opts.XX = true
			}
			if !opts.NX {
				switch r.IntN(3) {
				case 1:
					opts.GT = true
				case 2:
					opts.LT = true
				}
			}
			opts.CH = r.IntN(2) == 0
			var ms []scalodb.ZMember
			for range 1 + r.IntN(3) {
				ms = append(ms, scalodb.ZMember{Member: word(r), Score: score()})
			}
			n, err := db.ZAddWithOptions(key, opts, ms...)
			must(t, err)
			want := 0
			for _, m := range ms {
				old, ok := z[m.Member]
				switch {
				case !ok && opts.XX, ok && opts.NX, ok && opts.GT && m.Score <= old, ok && opts.LT && m.Score >= old:
				case !ok:
					want++
					z[m.Member] = m.Score
				default:
					if opts.CH && old != m.Score {
						want++
					}
					z[m.Member] = m.Score
				}
			}
			check(t, step, fmt.Sprintf("ZAdd %+v", opts), n, want)
		case 2:
			m, d := word(r), score()
			got, err := db.ZIncrBy(key, d, m)
			must(t, err)
			z[m] += d
			check(t, step, "ZIncrBy", got, z[m])
		case 3:
			ms := []string{word(r), word(r)}
			n, err := db.ZRem(key, ms...)
			must(t, err)
			want := 0
			for _, m := range ms {
				if _, ok := z[m]; ok {
					want++
					delete(z, m)
				}
			}
			check(t, step, "ZRem", n, want)
		case 4:
			m := word(r)
			s, err := db.ZScore(key, m)
			rank, rerr := db.ZRank(key, m)
			rev, reverr := db.ZRevRank(key, m)
			if want, ok := z[m]; ok {
				must(t, errors.Join(err, rerr, reverr))
				i := slices.IndexFunc(sorted, func(e scalodb.ZMember) bool { return e.Member == m })
				check(t, step, "ZScore/ZRank/ZRevRank", []any{s, rank, rev}, []any{want, i, len(z) - 1 - i})
			} else if !errors.Is(err, scalodb.ErrNotFound) || !errors.Is(rerr, scalodb.ErrNotFound) ||
				!errors.Is(reverr, scalodb.ErrNotFound) {
				t.Fatalf("step %d: an absent member: %v %v %v", step, err, rerr, reverr)
			}
		case 5:
			start, stop := int64(r.IntN(9)-4), int64(r.IntN(9)-4)
			got, err := db.ZRange(key, start, stop)
			must(t, err)
			lo, hi := clamp(len(sorted), start, stop)
			check(t, step, "ZRange", got, sorted[lo:hi])
			got, err = db.ZRevRange(key, start, stop)
			must(t, err)
			rev := slices.Clone(sorted)
			slices.Reverse(rev)
			check(t, step, "ZRevRange", got, rev[lo:hi])
		case 6, 7:
			lo, hi := bound(), bound()
			var want []scalodb.ZMember
			for _, e := range sorted {
				if inBounds(e.Score, lo, hi) {
					want = append(want, e)
				}
			}
			got, err := db.ZRangeByScore(key, lo, hi)
			must(t, err)
			check(t, step, fmt.Sprintf("ZRangeByScore %v %v", lo, hi), got, want)
			n, err := db.ZCount(key, lo, hi)
			must(t, err)
			check(t, step, "ZCount", n, len(want))
			got, err = db.ZRevRangeByScore(key, lo, hi)
			must(t, err)
			slices.Reverse(want)
			check(t, step, "ZRevRangeByScore", got, want)
		case 8:
			count := r.IntN(3)
			k := min(count, len(sorted))
			var got, want []scalodb.ZMember
			var err error
			if r.IntN(2) == 0 {
				got, err = db.ZPopMin(key, count)
				want = sorted[:k]
			} else {
				got, err = db.ZPopMax(key, count)
				want = slices.Clone(sorted[len(sorted)-k:])
				slices.Reverse(want)
			}
			must(t, err)
			check(t, step, "ZPop", got, want)
			for _, e := range want {
				delete(z, e.Member)
			}
		case 9:
			n, err := db.ZCard(key)
			must(t, err)
			check(t, step, "ZCard", n, len(z))
		}
		all, err := db.ZRange(key, 0, -1)
		must(t, err)
		check(t, step, "whole sorted set", all, z.sorted())
	}
}
