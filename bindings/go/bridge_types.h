/* bridge_types.h: C helpers for the typed operations (hashes, lists, sets, sorted sets). Go passes
 * an array of byte strings as one buffer holding them end to end plus an array of their lengths
 * (memory without Go pointers, as cgo requires); the helpers build the scalodb_slice array the C
 * ABI takes, on the C stack when it is small, call the function and free it. sdb_list_take copies
 * a scalodb_list into a Go buffer in one call. No Go pointer is kept after a helper returns. */
#ifndef SCALODB_GO_BRIDGE_TYPES_H
#define SCALODB_GO_BRIDGE_TYPES_H

#include <scalodb.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define SDB_STACK_SLICES 32

typedef struct {
    scalodb_slice stack[SDB_STACK_SLICES];
    scalodb_slice *s;
} sdb_slices;

/* Points `out->s[i]` at the i-th of `count` byte strings laid end to end in `data`. Returns 0 if
 * the array could not be allocated. */
static inline int sdb_slices_make(sdb_slices *out, const uint8_t *data, const size_t *lens, size_t count) {
    out->s = count <= SDB_STACK_SLICES ? out->stack : (scalodb_slice *)malloc(count * sizeof(scalodb_slice));
    if (out->s == NULL) return 0;
    size_t at = 0;
    for (size_t i = 0; i < count; i++) {
        out->s[i].data = data != NULL ? data + at : NULL;
        out->s[i].len = lens[i];
        at += lens[i];
    }
    return 1;
}

static inline void sdb_slices_free(sdb_slices *s) {
    if (s->s != s->stack) free(s->s);
}

/* `data` holds `count` fields, then `count` values. */
static inline scalodb_status sdb_hset(const scalodb_db *db, const void *key, size_t key_len, const uint8_t *data,
                                      const size_t *lens, size_t count, size_t *added, scalodb_error **err) {
    sdb_slices s;
    if (!sdb_slices_make(&s, data, lens, 2 * count)) return SCALODB_OUT_OF_MEMORY;
    scalodb_status st = scalodb_hset(db, key, key_len, s.s, s.s + count, count, added, err);
    sdb_slices_free(&s);
    return st;
}

enum { SDB_HDEL = 0, SDB_SADD = 1, SDB_SREM = 2, SDB_ZREM = 3 };

/* The operations that take a key and an array of fields or members and count them. */
static inline scalodb_status sdb_members(int op, const scalodb_db *db, const void *key, size_t key_len,
                                         const uint8_t *data, const size_t *lens, size_t count, size_t *n,
                                         scalodb_error **err) {
    sdb_slices s;
    if (!sdb_slices_make(&s, data, lens, count)) return SCALODB_OUT_OF_MEMORY;
    scalodb_status st;
    switch (op) {
    case SDB_HDEL: st = scalodb_hdel(db, key, key_len, s.s, count, n, err); break;
    case SDB_SADD: st = scalodb_sadd(db, key, key_len, s.s, count, n, err); break;
    case SDB_SREM: st = scalodb_srem(db, key, key_len, s.s, count, n, err); break;
    default: st = scalodb_zrem(db, key, key_len, s.s, count, n, err); break;
    }
    sdb_slices_free(&s);
    return st;
}

static inline scalodb_status sdb_push(const scalodb_db *db, const void *key, size_t key_len, int32_t end,
                                      const uint8_t *data, const size_t *lens, size_t count, size_t *len,
                                      scalodb_error **err) {
    sdb_slices s;
    if (!sdb_slices_make(&s, data, lens, count)) return SCALODB_OUT_OF_MEMORY;
    scalodb_status st = scalodb_push(db, key, key_len, end, s.s, count, len, err);
    sdb_slices_free(&s);
    return st;
}

static inline scalodb_status sdb_zadd(const scalodb_db *db, const void *key, size_t key_len, const double *scores,
                                      const uint8_t *data, const size_t *lens, size_t count, uint32_t flags,
                                      size_t *counted, scalodb_error **err) {
    sdb_slices s;
    if (!sdb_slices_make(&s, data, lens, count)) return SCALODB_OUT_OF_MEMORY;
    scalodb_status st = scalodb_zadd(db, key, key_len, scores, s.s, count, flags, counted, err);
    sdb_slices_free(&s);
    return st;
}

/* SINTER & co: `list` receives the result. With a non-null `dst` it is the STORE form instead,
 * and `len` receives the size. */
static inline scalodb_status sdb_set_algebra(const scalodb_db *db, int32_t op, const void *dst, size_t dst_len,
                                             int store, const uint8_t *data, const size_t *lens, size_t count,
                                             scalodb_list **list, size_t *len, scalodb_error **err) {
    sdb_slices s;
    if (!sdb_slices_make(&s, data, lens, count)) return SCALODB_OUT_OF_MEMORY;
    scalodb_status st = store ? scalodb_set_algebra_store(db, op, dst, dst_len, s.s, count, len, err)
                              : scalodb_set_algebra(db, op, s.s, count, list, err);
    sdb_slices_free(&s);
    return st;
}

/* Copies every entry of `l` into `buf` as [item_len u64][value_len u64][score f64][item][value]
 * and frees the list, when that fits in `cap` bytes (returns 1); otherwise leaves the list as it
 * is (returns 0) for a second call with a buffer of `*need` bytes. `*count` is the number of
 * entries either way. */
static inline int sdb_list_take(scalodb_list *l, uint8_t *buf, size_t cap, size_t *need, size_t *count) {
    size_t n = scalodb_list_len(l), size = 0;
    for (size_t i = 0; i < n; i++) {
        size_t il = 0, vl = 0;
        scalodb_list_get(l, i, NULL, &il, NULL, &vl, NULL, NULL);
        size += 24 + il + vl;
    }
    *need = size;
    *count = n;
    if (size > cap) return 0;
    uint8_t *p = buf;
    for (size_t i = 0; i < n; i++) {
        const uint8_t *item = NULL, *value = NULL;
        size_t il = 0, vl = 0;
        double score = 0;
        scalodb_list_get(l, i, &item, &il, &value, &vl, &score, NULL);
        uint64_t lens[2] = {il, vl};
        memcpy(p, lens, 16);
        memcpy(p + 16, &score, 8);
        p += 24;
        if (il) memcpy(p, item, il);
        p += il;
        if (vl) memcpy(p, value, vl);
        p += vl;
    }
    scalodb_list_free(l);
    return 1;
}

#endif
