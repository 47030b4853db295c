// zset.go: sorted sets (Redis's Z* commands): a key holding members with scores, ordered by
// score and then by member. Score ranges take ScoreBounds (Incl, Excl, MinusInf, PlusInf). An
// operation on a key of another type returns an error wrapping ErrWrongType.

package scalodb

/*
#include "bridge_types.h"
*/
import "C"

import (
	"iter"
	"math"
	"runtime"
)

// ZMember is a member of a sorted set with its score.
type ZMember struct {
	Member string
	Score  float64
}

// ZAddOptions are ZADD's conditions; the zero value adds or updates every member.
type ZAddOptions struct {
	NX bool // only add new members
	XX bool // only update existing members
	GT bool // only update a member when the new score is greater
	LT bool // only update a member when the new score is less
	CH bool // count changed members (added or given a new score), not only added ones
}

// ScoreBound is one end of a score range: Score itself is in the range unless Exclusive
// (Redis's "(1.5").
type ScoreBound struct {
	Score     float64
	Exclusive bool
}

// Incl is the bound that includes score; Excl the one that leaves it out.
func Incl(score float64) ScoreBound { return ScoreBound{Score: score} }

// Excl is the bound that leaves score out.
func Excl(score float64) ScoreBound { return ScoreBound{Score: score, Exclusive: true} }

// MinusInf and PlusInf are the open ends of a score range ("-inf", "+inf").
var (
	MinusInf = ScoreBound{Score: math.Inf(-1)}
	PlusInf  = ScoreBound{Score: math.Inf(1)}
)

func (b ScoreBound) c() C.scalodb_score_bound {
	return C.scalodb_score_bound{value: C.double(b.Score), exclusive: C.bool(b.Exclusive)}
}

// ZAdd adds members to the sorted set at key (created if absent) or updates their scores, and
// returns how many were added (ZADD). A NaN score is ErrInvalidArgument.
func (db *DB) ZAdd(key string, members ...ZMember) (int, error) {
	return db.ZAddWithOptions(key, ZAddOptions{}, members...)
}

// ZAddWithOptions is ZAdd under opts (ZADD NX|XX GT|LT CH). With CH it returns how many members
// were added or changed. NX with XX, GT or LT, and GT with LT, are ErrInvalidArgument.
func (db *DB) ZAddWithOptions(key string, opts ZAddOptions, members ...ZMember) (int, error) {
	var flags C.uint32_t
	for _, f := range []struct {
		on   bool
		flag C.uint32_t
	}{{opts.NX, C.SCALODB_ZADD_NX}, {opts.XX, C.SCALODB_ZADD_XX}, {opts.GT, C.SCALODB_ZADD_GT},
		{opts.LT, C.SCALODB_ZADD_LT}, {opts.CH, C.SCALODB_ZADD_CH}} {
		if f.on {
			flags |= f.flag
		}
	}
	names := make([]string, len(members))
	scores := make([]C.double, len(members))
	for i, m := range members {
		names[i], scores[i] = m.Member, C.double(m.Score)
	}
	p := packStrings(names...)
	var sp *C.double
	if len(scores) > 0 {
		sp = &scores[0]
	}
	var n C.size_t
	var cerr *C.scalodb_error
	st := C.sdb_zadd(db.c, strPtr(key), csize(len(key)), sp, p.dataPtr(), p.lensPtr(), C.size_t(len(members)), flags, &n, &cerr)
	runtime.KeepAlive(db)
	runtime.KeepAlive(p)
	runtime.KeepAlive(scores)
	if st != C.SCALODB_OK {
		return 0, failure(st, cerr)
	}
	return int(n), nil
}

// ZIncrBy adds delta to the score of member (absent counts as 0) and returns the new score
// (ZINCRBY).
func (db *DB) ZIncrBy(key string, delta float64, member string) (float64, error) {
	var s C.double
	var cerr *C.scalodb_error
	st := C.scalodb_zincrby(db.c, strPtr(key), csize(len(key)), C.double(delta), strPtr(member), csize(len(member)), &s, &cerr)
	runtime.KeepAlive(db)
	if st != C.SCALODB_OK {
		return 0, failure(st, cerr)
	}
	return float64(s), nil
}

// ZRem removes members from the sorted set at key and returns how many were there (ZREM).
func (db *DB) ZRem(key string, members ...string) (int, error) {
	return db.members(C.SDB_ZREM, key, packStrings(members...))
}

// ZScore returns the score of member, or ErrNotFound when the member or the key is absent
// (ZSCORE).
func (db *DB) ZScore(key, member string) (float64, error) {
	var s C.double
	var cerr *C.scalodb_error
	st := C.scalodb_zscore(db.c, strPtr(key), csize(len(key)), strPtr(member), csize(len(member)), &s, &cerr)
	runtime.KeepAlive(db)
	switch st {
	case C.SCALODB_OK:
		return float64(s), nil
	case C.SCALODB_NOT_FOUND:
		return 0, ErrNotFound
	default:
		return 0, failure(st, cerr)
	}
}

// ZCard returns the number of members of the sorted set at key, 0 if absent (ZCARD).
func (db *DB) ZCard(key string) (int, error) {
	var n C.size_t
	var cerr *C.scalodb_error
	st := C.scalodb_zcard(db.c, strPtr(key), csize(len(key)), &n, &cerr)
	runtime.KeepAlive(db)
	if st != C.SCALODB_OK {
		return 0, failure(st, cerr)
	}
	return int(n), nil
}

// ZRank returns the rank (from 0) of member by ascending score, or ErrNotFound (ZRANK).
func (db *DB) ZRank(key, member string) (int, error) { return db.zrank(key, member, false) }

// ZRevRank returns the rank of member by descending score, or ErrNotFound (ZREVRANK).
func (db *DB) ZRevRank(key, member string) (int, error) { return db.zrank(key, member, true) }

func (db *DB) zrank(key, member string, rev bool) (int, error) {
	var r C.size_t
	var cerr *C.scalodb_error
	st := C.scalodb_zrank(db.c, strPtr(key), csize(len(key)), strPtr(member), csize(len(member)), C.bool(rev), &r, nil, &cerr)
	runtime.KeepAlive(db)
	switch st {
	case C.SCALODB_OK:
		return int(r), nil
	case C.SCALODB_NOT_FOUND:
		return 0, ErrNotFound
	default:
		return 0, failure(st, cerr)
	}
}

// takeScored finishes a call that returned a list of scored members.
func takeScored(st C.scalodb_status, cerr *C.scalodb_error, l *C.scalodb_list) ([]ZMember, error) {
	if st != C.SCALODB_OK {
		return nil, failure(st, cerr)
	}
	var out []ZMember
	readList(l, func(m, _ []byte, s float64) { out = append(out, ZMember{Member: string(m), Score: s}) })
	return out, nil
}

// ZRange returns the members from rank start to stop, both included (negative ranks count from
// the end), by ascending score (ZRANGE).
func (db *DB) ZRange(key string, start, stop int64) ([]ZMember, error) {
	return db.zrange(key, start, stop, false)
}

// ZRevRange is ZRange by descending score (ZREVRANGE).
func (db *DB) ZRevRange(key string, start, stop int64) ([]ZMember, error) {
	return db.zrange(key, start, stop, true)
}

func (db *DB) zrange(key string, start, stop int64, rev bool) ([]ZMember, error) {
	var l *C.scalodb_list
	var cerr *C.scalodb_error
	st := C.scalodb_zrange(db.c, strPtr(key), csize(len(key)), C.int64_t(start), C.int64_t(stop), C.bool(rev), &l, &cerr)
	runtime.KeepAlive(db)
	return takeScored(st, cerr, l)
}

// ZRangeByScore returns the members with a score between min and max, by ascending score
// (ZRANGEBYSCORE): db.ZRangeByScore("z", scalodb.Excl(1), scalodb.PlusInf).
func (db *DB) ZRangeByScore(key string, min, max ScoreBound) ([]ZMember, error) {
	return db.zrangeByScore(key, min, max, false)
}

// ZRevRangeByScore is ZRangeByScore by descending score (ZREVRANGEBYSCORE). min is still the low
// end of the range.
func (db *DB) ZRevRangeByScore(key string, min, max ScoreBound) ([]ZMember, error) {
	return db.zrangeByScore(key, min, max, true)
}

func (db *DB) zrangeByScore(key string, min, max ScoreBound, rev bool) ([]ZMember, error) {
	var l *C.scalodb_list
	var cerr *C.scalodb_error
	st := C.scalodb_zrangebyscore(db.c, strPtr(key), csize(len(key)), min.c(), max.c(), C.bool(rev), 0, -1, &l, &cerr)
	runtime.KeepAlive(db)
	return takeScored(st, cerr, l)
}

// ZRangeSeq is ZRange as an iterator over (member, score): `seq, err := db.ZRangeSeq("z", 0, -1);
// for m, s := range seq { ... }`. The range is read when ZRangeSeq is called, as one consistent
// version, so that an error is returned here rather than lost inside the loop.
func (db *DB) ZRangeSeq(key string, start, stop int64) (iter.Seq2[string, float64], error) {
	ms, err := db.ZRange(key, start, stop)
	return scoredSeq(ms), err
}

// ZRangeByScoreSeq is ZRangeByScore as an iterator over (member, score), read as ZRangeSeq is.
func (db *DB) ZRangeByScoreSeq(key string, min, max ScoreBound) (iter.Seq2[string, float64], error) {
	ms, err := db.ZRangeByScore(key, min, max)
	return scoredSeq(ms), err
}

func scoredSeq(ms []ZMember) iter.Seq2[string, float64] {
	return func(yield func(string, float64) bool) {
		for _, m := range ms {
			if !yield(m.Member, m.Score) {
				return
			}
		}
	}
}

// ZPopMin removes and returns up to count members with the lowest scores, lowest first (ZPOPMIN).
func (db *DB) ZPopMin(key string, count int) ([]ZMember, error) { return db.zpop(key, false, count) }

// ZPopMax removes and returns up to count members with the highest scores, highest first
// (ZPOPMAX).
func (db *DB) ZPopMax(key string, count int) ([]ZMember, error) { return db.zpop(key, true, count) }

func (db *DB) zpop(key string, max bool, count int) ([]ZMember, error) {
	n, err := countArg(count)
	if err != nil {
		return nil, err
	}
	var l *C.scalodb_list
	var cerr *C.scalodb_error
	st := C.scalodb_zpop(db.c, strPtr(key), csize(len(key)), C.bool(max), n, &l, &cerr)
	runtime.KeepAlive(db)
	return takeScored(st, cerr, l)
}

// ZCount returns how many members of the sorted set at key have a score between min and max
// (ZCOUNT).
func (db *DB) ZCount(key string, min, max ScoreBound) (int, error) {
	var n C.size_t
	var cerr *C.scalodb_error
	st := C.scalodb_zcount(db.c, strPtr(key), csize(len(key)), min.c(), max.c(), &n, &cerr)
	runtime.KeepAlive(db)
	if st != C.SCALODB_OK {
		return 0, failure(st, cerr)
	}
	return int(n), nil
}

// ZRemRangeByScore removes the members with a score between min and max and returns how many
// went (ZREMRANGEBYSCORE).
func (db *DB) ZRemRangeByScore(key string, min, max ScoreBound) (int, error) {
	var n C.size_t
	var cerr *C.scalodb_error
	st := C.scalodb_zremrangebyscore(db.c, strPtr(key), csize(len(key)), min.c(), max.c(), &n, &cerr)
	runtime.KeepAlive(db)
	if st != C.SCALODB_OK {
		return 0, failure(st, cerr)
	}
	return int(n), nil
}

// ZRemRangeByRank removes the members from rank start to stop, both included (negative ranks
// count from the end), by ascending score, and returns how many went (ZREMRANGEBYRANK).
func (db *DB) ZRemRangeByRank(key string, start, stop int64) (int, error) {
	var n C.size_t
	var cerr *C.scalodb_error
	st := C.scalodb_zremrangebyrank(db.c, strPtr(key), csize(len(key)), C.int64_t(start), C.int64_t(stop), &n, &cerr)
	runtime.KeepAlive(db)
	if st != C.SCALODB_OK {
		return 0, failure(st, cerr)
	}
	return int(n), nil
}
