/* bridge.h: small C helpers compiled into the Go package, each doing in one cgo call what would
 * otherwise take several (a cgo call costs tens of nanoseconds). They only move bytes between the
 * C ABI and buffers that Go passes in and never keep a Go pointer after they return. */
#ifndef SCALODB_GO_BRIDGE_H
#define SCALODB_GO_BRIDGE_H

#include <scalodb.h>
#include <stdint.h>
#include <string.h>

/* Hands a value the library returned to Go: copied into `buf` and freed when it fits in `cap`
 * bytes, otherwise left in `*big` for Go to copy and free. */
static inline void sdb_hand_over(scalodb_status st, uint8_t *v, size_t n, void *buf, size_t cap, size_t *len,
                                 uint8_t **big) {
    *len = n;
    *big = NULL;
    if (st != SCALODB_OK) return;
    if (n <= cap) {
        if (n > 0) memcpy(buf, v, n);
        scalodb_free(v);
    } else {
        *big = v;
    }
}

static inline scalodb_status sdb_get(const scalodb_db *db, const void *key, size_t key_len, void *buf, size_t cap,
                                     size_t *len, uint8_t **big, scalodb_error **err) {
    uint8_t *v = NULL;
    size_t n = 0;
    scalodb_status st = scalodb_get(db, key, key_len, &v, &n, err);
    sdb_hand_over(st, v, n, buf, cap, len, big);
    return st;
}

static inline scalodb_status sdb_snapshot_get(const scalodb_snapshot *s, const void *key, size_t key_len, void *buf,
                                              size_t cap, size_t *len, uint8_t **big, scalodb_error **err) {
    uint8_t *v = NULL;
    size_t n = 0;
    scalodb_status st = scalodb_snapshot_get(s, key, key_len, &v, &n, err);
    sdb_hand_over(st, v, n, buf, cap, len, big);
    return st;
}

static inline scalodb_status sdb_txn_get(scalodb_txn *t, const void *key, size_t key_len, void *buf, size_t cap,
                                         size_t *len, uint8_t **big, scalodb_error **err) {
    uint8_t *v = NULL;
    size_t n = 0;
    scalodb_status st = scalodb_txn_get(t, key, key_len, &v, &n, err);
    sdb_hand_over(st, v, n, buf, cap, len, big);
    return st;
}

/* An iterator's entry that did not fit in the last buffer; it stays valid inside the iterator
 * until its next step. Lives in Go memory (it holds only C pointers). */
typedef struct {
    const uint8_t *key, *value;
    size_t key_len, value_len;
    int pending;
} sdb_cursor;

/* Fills `buf` with entries, each as [key_len u32][value_len u32][key][value], stepping from the
 * front or the back. Returns SCALODB_END once the iterator is exhausted (entries may come with it),
 * SCALODB_OK when the buffer is full, or an error. When not even the first entry fits, `*need` is
 * the size it takes and nothing is consumed. */
static inline scalodb_status sdb_fill(scalodb_iterator *it, int from_back, sdb_cursor *cur, uint8_t *buf, size_t cap,
                                      size_t *used, size_t *count, size_t *need, scalodb_error **err) {
    *used = 0;
    *count = 0;
    *need = 0;
    for (;;) {
        if (!cur->pending) {
            scalodb_status st = from_back ? scalodb_iterator_next_back(it, &cur->key, &cur->key_len, &cur->value,
                                                                       &cur->value_len, err)
                                          : scalodb_iterator_next(it, &cur->key, &cur->key_len, &cur->value,
                                                                  &cur->value_len, err);
            if (st != SCALODB_OK) return st;
            cur->pending = 1;
        }
        size_t size = 8 + cur->key_len + cur->value_len;
        if (*used + size > cap) {
            if (*count == 0) *need = size;
            return SCALODB_OK;
        }
        uint32_t lens[2] = {(uint32_t)cur->key_len, (uint32_t)cur->value_len};
        uint8_t *p = buf + *used;
        memcpy(p, lens, 8);
        if (cur->key_len) memcpy(p + 8, cur->key, cur->key_len);
        if (cur->value_len) memcpy(p + 8 + cur->key_len, cur->value, cur->value_len);
        *used += size;
        *count += 1;
        cur->pending = 0;
    }
}

/* Applies a batch encoded by Go as a sequence of [op u8][ttl_ms u64][key_len u32][value_len u32]
 * [key][value] (op 0 put, 1 put with TTL, 2 delete) in one call: builds a scalodb_batch, writes it
 * atomically and frees it. */
static inline scalodb_status sdb_write_encoded(const scalodb_db *db, const uint8_t *ops, size_t len,
                                               scalodb_error **err) {
    scalodb_batch *b = scalodb_batch_new();
    scalodb_status st = SCALODB_OK;
    size_t at = 0;
    while (st == SCALODB_OK && at + 17 <= len) {
        uint8_t op = ops[at];
        uint64_t ttl;
        uint32_t klen, vlen;
        memcpy(&ttl, ops + at + 1, 8);
        memcpy(&klen, ops + at + 9, 4);
        memcpy(&vlen, ops + at + 13, 4);
        const uint8_t *key = ops + at + 17, *value = key + klen;
        at += 17 + (size_t)klen + vlen;
        if (op == 0) st = scalodb_batch_put(b, key, klen, value, vlen, err);
        else if (op == 1) st = scalodb_batch_put_with_ttl(b, key, klen, value, vlen, ttl, err);
        else st = scalodb_batch_delete(b, key, klen, err);
    }
    if (st == SCALODB_OK) st = scalodb_write(db, b, err);
    scalodb_batch_free(b);
    return st;
}

#endif
