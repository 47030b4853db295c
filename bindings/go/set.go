// set.go: sets (Redis's S* commands): a key holding distinct members, and the algebra over
// several keys (SInter, SUnion, SDiff and their Store forms). Members are returned in byte order.
// An operation on a key of another type returns an error wrapping ErrWrongType.

package scalodb

/*
#include "bridge_types.h"
*/
import "C"

import (
	"runtime"
)

// SAdd adds members to the set at key (created if absent) and returns how many were new (SADD).
func (db *DB) SAdd(key string, members ...string) (int, error) {
	return db.members(C.SDB_SADD, key, packStrings(members...))
}

// SRem removes members from the set at key and returns how many were there (SREM). A set left
// empty is deleted.
func (db *DB) SRem(key string, members ...string) (int, error) {
	return db.members(C.SDB_SREM, key, packStrings(members...))
}

// SIsMember reports whether member is in the set at key; false for an absent key (SISMEMBER).
func (db *DB) SIsMember(key, member string) (bool, error) {
	var is C.bool
	var cerr *C.scalodb_error
	st := C.scalodb_sismember(db.c, strPtr(key), csize(len(key)), strPtr(member), csize(len(member)), &is, &cerr)
	runtime.KeepAlive(db)
	if st != C.SCALODB_OK {
		return false, failure(st, cerr)
	}
	return bool(is), nil
}

// SCard returns the number of members of the set at key, 0 if absent (SCARD).
func (db *DB) SCard(key string) (int, error) {
	var n C.size_t
	var cerr *C.scalodb_error
	st := C.scalodb_scard(db.c, strPtr(key), csize(len(key)), &n, &cerr)
	runtime.KeepAlive(db)
	if st != C.SCALODB_OK {
		return 0, failure(st, cerr)
	}
	return int(n), nil
}

// SMembers returns every member of the set at key, in byte order (SMEMBERS).
func (db *DB) SMembers(key string) ([]string, error) {
	var l *C.scalodb_list
	var cerr *C.scalodb_error
	st := C.scalodb_smembers(db.c, strPtr(key), csize(len(key)), &l, &cerr)
	runtime.KeepAlive(db)
	return takeStrings(st, cerr, l)
}

// SPop removes and returns up to count random members of the set at key (SPOP with a count).
func (db *DB) SPop(key string, count int) ([]string, error) {
	n, err := countArg(count)
	if err != nil {
		return nil, err
	}
	var l *C.scalodb_list
	var cerr *C.scalodb_error
	st := C.scalodb_spop(db.c, strPtr(key), csize(len(key)), n, &l, &cerr)
	runtime.KeepAlive(db)
	return takeStrings(st, cerr, l)
}

// SInter returns the members in every one of the sets at keys (SINTER); an absent key is an empty
// set. All keys are read at one consistent version.
func (db *DB) SInter(keys ...string) ([]string, error) {
	return db.setAlgebra(C.SCALODB_SET_INTER, keys)
}

// SUnion returns the members in any of the sets at keys (SUNION).
func (db *DB) SUnion(keys ...string) ([]string, error) {
	return db.setAlgebra(C.SCALODB_SET_UNION, keys)
}

// SDiff returns the members of the first set that are in none of the others (SDIFF).
func (db *DB) SDiff(keys ...string) ([]string, error) {
	return db.setAlgebra(C.SCALODB_SET_DIFF, keys)
}

// SInterStore stores SInter(keys...) as a set at dst, replacing what it held (deleting it if the
// result is empty), in one atomic step, and returns its size (SINTERSTORE).
func (db *DB) SInterStore(dst string, keys ...string) (int, error) {
	return db.setAlgebraStore(C.SCALODB_SET_INTER, dst, keys)
}

// SUnionStore is SUnion stored at dst (SUNIONSTORE).
func (db *DB) SUnionStore(dst string, keys ...string) (int, error) {
	return db.setAlgebraStore(C.SCALODB_SET_UNION, dst, keys)
}

// SDiffStore is SDiff stored at dst (SDIFFSTORE).
func (db *DB) SDiffStore(dst string, keys ...string) (int, error) {
	return db.setAlgebraStore(C.SCALODB_SET_DIFF, dst, keys)
}

func (db *DB) setAlgebra(op C.int32_t, keys []string) ([]string, error) {
	p := packStrings(keys...)
	var l *C.scalodb_list
	var cerr *C.scalodb_error
	st := C.sdb_set_algebra(db.c, op, nil, 0, 0, p.dataPtr(), p.lensPtr(), C.size_t(len(keys)), &l, nil, &cerr)
	runtime.KeepAlive(db)
	runtime.KeepAlive(p)
	return takeStrings(st, cerr, l)
}

func (db *DB) setAlgebraStore(op C.int32_t, dst string, keys []string) (int, error) {
	p := packStrings(keys...)
	var n C.size_t
	var cerr *C.scalodb_error
	st := C.sdb_set_algebra(db.c, op, strPtr(dst), csize(len(dst)), 1, p.dataPtr(), p.lensPtr(), C.size_t(len(keys)),
		nil, &n, &cerr)
	runtime.KeepAlive(db)
	runtime.KeepAlive(p)
	if st != C.SCALODB_OK {
		return 0, failure(st, cerr)
	}
	return int(n), nil
}

// SMove moves member from the set at src to the set at dst in one atomic step and reports whether
// src held it (SMOVE).
func (db *DB) SMove(src, dst, member string) (bool, error) {
	var moved C.bool
	var cerr *C.scalodb_error
	st := C.scalodb_smove(db.c, strPtr(src), csize(len(src)), strPtr(dst), csize(len(dst)), strPtr(member),
		csize(len(member)), &moved, &cerr)
	runtime.KeepAlive(db)
	if st != C.SCALODB_OK {
		return false, failure(st, cerr)
	}
	return bool(moved), nil
}

// SRandMember returns random members of the set at key without removing them (SRANDMEMBER): up
// to count distinct ones if count > 0, exactly -count, possibly repeated, if count < 0.
func (db *DB) SRandMember(key string, count int) ([]string, error) {
	var l *C.scalodb_list
	var cerr *C.scalodb_error
	st := C.scalodb_srandmember(db.c, strPtr(key), csize(len(key)), C.int64_t(count), &l, &cerr)
	runtime.KeepAlive(db)
	return takeStrings(st, cerr, l)
}
