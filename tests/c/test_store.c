/* test_store.c: the store's basic functions of scalodb.h (version and status names, options,
 * open, put/get/delete, pinned values, TTL puts, batches, iterators, snapshots, stats, on disk and
 * in memory), their results and their error paths, single-threaded. Run plain, under valgrind and
 * with ASan+UBSan by `make test-ffi`. */
#define _XOPEN_SOURCE 700
#include "check.h"

#include <stddef.h>

/* Collects an iterator's keys into `out` ("a,b,c"), from the front or the back, and frees it. */
static void drain(scalodb_iterator *it, int from_back, char *out, size_t cap) {
    const uint8_t *k = NULL, *v = NULL;
    size_t klen = 0, vlen = 0;
    out[0] = 0;
    for (;;) {
        scalodb_status st = from_back ? scalodb_iterator_next_back(it, &k, &klen, &v, &vlen, NULL)
                                      : scalodb_iterator_next(it, &k, &klen, &v, &vlen, NULL);
        if (st == SCALODB_END) {
            CHECK(k == NULL && v == NULL && klen == 0 && vlen == 0);
            break;
        }
        CHECK(st == SCALODB_OK);
        CHECK(strlen(out) + klen + 2 < cap);
        if (out[0]) strcat(out, ",");
        strncat(out, (const char *)k, klen);
    }
    /* The end is sticky. */
    CHECK_STATUS(SCALODB_END, scalodb_iterator_next(it, NULL, NULL, NULL, NULL, ERR));
    scalodb_iterator_free(it);
}

static void test_version_and_status_names(void) {
    CHECK(strcmp(scalodb_version(), SCALODB_VERSION_STRING) == 0);
    char composed[64];
    snprintf(composed, sizeof composed, "%d.%d.%d", SCALODB_VERSION_MAJOR, SCALODB_VERSION_MINOR,
             SCALODB_VERSION_PATCH);
    CHECK(strcmp(composed, SCALODB_VERSION_STRING) == 0);
    CHECK(SCALODB_ABI_VERSION == 0);
    CHECK(strcmp(scalodb_status_name(SCALODB_OK), "SCALODB_OK") == 0);
    CHECK(strcmp(scalodb_status_name(SCALODB_NOT_FOUND), "SCALODB_NOT_FOUND") == 0);
    CHECK(strcmp(scalodb_status_name(SCALODB_PANIC), "SCALODB_PANIC") == 0);
    CHECK(strcmp(scalodb_status_name(SCALODB_KEY_TOO_LARGE), "SCALODB_KEY_TOO_LARGE") == 0);
    CHECK(strcmp(scalodb_status_name(-1), "SCALODB_UNKNOWN") == 0);
    CHECK(strcmp(scalodb_status_name(1000), "SCALODB_UNKNOWN") == 0);
    CHECK(sizeof(scalodb_status) == 4 && sizeof(scalodb_sync_mode) == 4);
}

static void test_null_arguments_of_small_objects(void) {
    CHECK(scalodb_error_status(NULL) == SCALODB_INVALID_ARGUMENT);
    CHECK(strcmp(scalodb_error_message(NULL), "") == 0);
    scalodb_error_free(NULL);
    scalodb_free(NULL);
    scalodb_value_free(NULL);
    CHECK(scalodb_value_data(NULL) == NULL && scalodb_value_len(NULL) == 0);
    scalodb_options_free(NULL);
    scalodb_batch_free(NULL);
    scalodb_iterator_free(NULL);
    scalodb_snapshot_free(NULL);
    scalodb_db_free(NULL);
    CHECK(scalodb_batch_count(NULL) == 0);

    /* err is always written: NULL on success, even if it held junk. */
    scalodb_options *o = scalodb_options_new();
    CHECK(o != NULL);
    scalodb_error *err = (scalodb_error *)&err;
    CHECK(scalodb_options_set_wal(o, true, &err) == SCALODB_OK && err == NULL);
    /* Status only, no error object wanted. */
    CHECK(scalodb_options_set_wal(NULL, true, NULL) == SCALODB_INVALID_ARGUMENT);
    scalodb_options_free(o);
}

static void test_options(void) {
    scalodb_options *o = scalodb_options_new();
    CHECK_STATUS(SCALODB_OK, scalodb_options_set_wal(o, false, ERR));
    CHECK_STATUS(SCALODB_OK, scalodb_options_set_sync(o, SCALODB_SYNC_ALWAYS, 0, ERR));
    CHECK_STATUS(SCALODB_OK, scalodb_options_set_sync(o, SCALODB_SYNC_NEVER, 0, ERR));
    CHECK_STATUS(SCALODB_OK, scalodb_options_set_sync(o, SCALODB_SYNC_INTERVAL, 50, ERR));
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_options_set_sync(o, 7, 0, ERR));
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_options_set_sync(o, -1, 0, ERR));
    CHECK_STATUS(SCALODB_OK, scalodb_options_set_max_key_size(o, 16, ERR));
    CHECK_STATUS(SCALODB_OK, scalodb_options_set_max_value_size(o, 32, ERR));
    CHECK_STATUS(SCALODB_OK, scalodb_options_set_wal_segment_size(o, 1 << 16, ERR));
    CHECK_STATUS(SCALODB_OK, scalodb_options_set_checkpoint_threshold(o, 1 << 20, 1.5, ERR));
    CHECK_STATUS(SCALODB_OK, scalodb_options_set_auto_checkpoint(o, false, ERR));

    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_options_set_sync(NULL, SCALODB_SYNC_ALWAYS, 0, ERR));
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_options_set_max_key_size(NULL, 1, ERR));
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_options_set_max_value_size(NULL, 1, ERR));
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_options_set_wal_segment_size(NULL, 1, ERR));
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_options_set_checkpoint_threshold(NULL, 1, 1, ERR));
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_options_set_auto_checkpoint(NULL, true, ERR));

    /* The limits set above are in force in a store opened with these options. */
    scalodb_db *db = NULL;
    CHECK_STATUS(SCALODB_OK, scalodb_open_memory(o, &db, ERR));
    CHECK_STATUS(SCALODB_OK, scalodb_put(db, "0123456789abcdef", 16, "v", 1, ERR));
    CHECK_STATUS(SCALODB_KEY_TOO_LARGE, scalodb_put(db, "0123456789abcdefg", 17, "v", 1, ERR));
    char big[33] = {0};
    CHECK_STATUS(SCALODB_VALUE_TOO_LARGE, scalodb_put(db, "k", 1, big, sizeof big, ERR));
    CHECK_STATUS(SCALODB_OK, scalodb_put(db, "k", 1, big, 32, ERR));
    scalodb_db_free(db);

    /* Bad values are refused when the database is opened, and *db is left alone. */
    scalodb_db *untouched = (scalodb_db *)&untouched;
    CHECK_STATUS(SCALODB_OK, scalodb_options_set_sync(o, SCALODB_SYNC_INTERVAL, 0, ERR));
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_open_memory(o, &untouched, ERR));
    CHECK(untouched == (scalodb_db *)&untouched);
    CHECK_STATUS(SCALODB_OK, scalodb_options_set_sync(o, SCALODB_SYNC_NEVER, 0, ERR));
    CHECK_STATUS(SCALODB_OK, scalodb_options_set_max_key_size(o, 0, ERR));
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_open_memory(o, &db, ERR));
    CHECK_STATUS(SCALODB_OK, scalodb_options_set_max_key_size(o, 16, ERR));
    CHECK_STATUS(SCALODB_OK, scalodb_options_set_checkpoint_threshold(o, 1, -1.0, ERR));
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_open_memory(o, &db, ERR));
    CHECK_STATUS(SCALODB_OK, scalodb_options_set_checkpoint_threshold(o, 1, 2.0, ERR));
    CHECK_STATUS(SCALODB_OK, scalodb_options_set_wal_segment_size(o, 100, ERR));
    char *dir = make_temp_dir();
    CHECK_STATUS(SCALODB_OK, scalodb_options_set_wal(o, true, ERR));
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_open(dir, o, &db, ERR));
    rm_tree(dir);
    scalodb_options_free(o);
}

static void test_open_errors(void) {
    scalodb_db *db = NULL;
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_open(NULL, NULL, &db, ERR));
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_open("", NULL, &db, ERR));
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_open("/tmp/x", NULL, NULL, ERR));
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_open_memory(NULL, NULL, ERR));
    CHECK(db == NULL);
    /* A path that cannot be a directory. */
    CHECK_STATUS(SCALODB_IO, scalodb_open("/dev/null/sub", NULL, &db, ERR));
    CHECK(db == NULL);
}

static void test_put_get_delete(scalodb_db *db) {
    CHECK_STATUS(SCALODB_OK, scalodb_put(db, "user:1", 6, "alice", 5, ERR));
    expect_value(db, "user:1", "alice");
    CHECK_STATUS(SCALODB_OK, scalodb_put(db, "user:1", 6, "alicia", 6, ERR));
    expect_value(db, "user:1", "alicia");
    expect_value(db, "user:404", NULL);

    /* Binary keys and values, with NUL bytes inside. */
    const uint8_t bkey[] = {0, 1, 0, 255}, bval[] = {9, 0, 9};
    CHECK_STATUS(SCALODB_OK, scalodb_put(db, bkey, sizeof bkey, bval, sizeof bval, ERR));
    uint8_t *value = NULL;
    size_t len = 0;
    CHECK_STATUS(SCALODB_OK, scalodb_get(db, bkey, sizeof bkey, &value, &len, ERR));
    CHECK(len == 3 && memcmp(value, bval, 3) == 0);
    scalodb_free(value);
    /* A different length is a different key. */
    CHECK_STATUS(SCALODB_NOT_FOUND, scalodb_get(db, bkey, 3, &value, &len, ERR));

    /* Empty values are values; NULL with length 0 is the empty string. */
    CHECK_STATUS(SCALODB_OK, scalodb_put(db, "empty", 5, NULL, 0, ERR));
    CHECK_STATUS(SCALODB_OK, scalodb_get(db, "empty", 5, &value, &len, ERR));
    CHECK(value != NULL && len == 0 && value[0] == 0);
    scalodb_free(value);

    /* Null pointers and impossible lengths. */
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_put(NULL, "k", 1, "v", 1, ERR));
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_put(db, NULL, 1, "v", 1, ERR));
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_put(db, "k", 1, NULL, 5, ERR));
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_put(db, "k", SIZE_MAX, "v", 1, ERR));
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_get(NULL, "k", 1, &value, &len, ERR));
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_get(db, NULL, 2, &value, &len, ERR));
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_get(db, "k", 1, NULL, &len, ERR));
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_get(db, "k", 1, &value, NULL, ERR));
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_delete(NULL, "k", 1, NULL, ERR));
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_delete(db, NULL, 1, NULL, ERR));

    bool existed = false;
    CHECK_STATUS(SCALODB_OK, scalodb_delete(db, "user:1", 6, &existed, ERR));
    CHECK(existed);
    CHECK_STATUS(SCALODB_OK, scalodb_delete(db, "user:1", 6, &existed, ERR));
    CHECK(!existed);
    CHECK_STATUS(SCALODB_OK, scalodb_delete(db, "never", 5, NULL, ERR));
    expect_value(db, "user:1", NULL);
    CHECK_STATUS(SCALODB_OK, scalodb_delete(db, bkey, sizeof bkey, NULL, ERR));
    CHECK_STATUS(SCALODB_OK, scalodb_delete(db, "empty", 5, NULL, ERR));
}

static void test_pinned_values(scalodb_db *db) {
    CHECK_STATUS(SCALODB_OK, scalodb_put(db, "pin", 3, "first", 5, ERR));
    scalodb_value *v = NULL;
    CHECK_STATUS(SCALODB_OK, scalodb_get_pinned(db, "pin", 3, &v, ERR));
    CHECK(scalodb_value_len(v) == 5 && memcmp(scalodb_value_data(v), "first", 5) == 0);
    /* The pinned bytes do not change when the key does. */
    CHECK_STATUS(SCALODB_OK, scalodb_put(db, "pin", 3, "second!", 7, ERR));
    CHECK(scalodb_value_len(v) == 5 && memcmp(scalodb_value_data(v), "first", 5) == 0);
    scalodb_value_free(v);
    scalodb_value *missing = (scalodb_value *)&missing;
    CHECK_STATUS(SCALODB_NOT_FOUND, scalodb_get_pinned(db, "nope", 4, &missing, ERR));
    CHECK(missing == NULL);
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_get_pinned(db, "pin", 3, NULL, ERR));
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_get_pinned(NULL, "pin", 3, &v, ERR));
    CHECK_STATUS(SCALODB_OK, scalodb_delete(db, "pin", 3, NULL, ERR));
}

static void test_ttl(scalodb_db *db) {
    CHECK_STATUS(SCALODB_OK, scalodb_put_with_ttl(db, "short", 5, "v", 1, 60, ERR));
    CHECK_STATUS(SCALODB_OK, scalodb_put_with_ttl(db, "long", 4, "v", 1, 3600 * 1000, ERR));
    expect_value(db, "short", "v");
    sleep_ms(150);
    expect_value(db, "short", NULL);
    expect_value(db, "long", "v");
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_put_with_ttl(NULL, "k", 1, "v", 1, 1, ERR));
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_put_with_ttl(db, NULL, 1, "v", 1, 1, ERR));
    CHECK_STATUS(SCALODB_OK, scalodb_delete(db, "long", 4, NULL, ERR));
}

static void test_batches(scalodb_db *db) {
    scalodb_batch *b = scalodb_batch_new();
    CHECK(b != NULL && scalodb_batch_count(b) == 0);
    CHECK_STATUS(SCALODB_OK, scalodb_put(db, "gone", 4, "x", 1, ERR));
    CHECK_STATUS(SCALODB_OK, scalodb_batch_put(b, "acct:a", 6, "90", 2, ERR));
    CHECK_STATUS(SCALODB_OK, scalodb_batch_put(b, "acct:b", 6, "110", 3, ERR));
    CHECK_STATUS(SCALODB_OK, scalodb_batch_put_with_ttl(b, "acct:tmp", 8, "t", 1, 60, ERR));
    CHECK_STATUS(SCALODB_OK, scalodb_batch_delete(b, "gone", 4, ERR));
    CHECK(scalodb_batch_count(b) == 4);
    CHECK_STATUS(SCALODB_OK, scalodb_write(db, b, ERR));
    CHECK(scalodb_batch_count(b) == 4); /* the batch is left as it was */
    expect_value(db, "acct:a", "90");
    expect_value(db, "acct:b", "110");
    expect_value(db, "acct:tmp", "t");
    expect_value(db, "gone", NULL);
    sleep_ms(150);
    expect_value(db, "acct:tmp", NULL);

    /* All or nothing: one write over a limit and none is applied. */
    CHECK_STATUS(SCALODB_OK, scalodb_batch_clear(b, ERR));
    CHECK(scalodb_batch_count(b) == 0);
    CHECK_STATUS(SCALODB_OK, scalodb_write(db, b, ERR)); /* empty: a no-op */
    CHECK_STATUS(SCALODB_OK, scalodb_batch_put(b, "acct:a", 6, "0", 1, ERR));
    char huge_key[70 * 1024];
    memset(huge_key, 'k', sizeof huge_key);
    CHECK_STATUS(SCALODB_OK, scalodb_batch_put(b, huge_key, sizeof huge_key, "v", 1, ERR));
    CHECK_STATUS(SCALODB_KEY_TOO_LARGE, scalodb_write(db, b, ERR));
    expect_value(db, "acct:a", "90");

    /* Later writes to a key win. */
    CHECK_STATUS(SCALODB_OK, scalodb_batch_clear(b, ERR));
    CHECK_STATUS(SCALODB_OK, scalodb_batch_put(b, "acct:c", 6, "1", 1, ERR));
    CHECK_STATUS(SCALODB_OK, scalodb_batch_put(b, "acct:c", 6, "2", 1, ERR));
    CHECK_STATUS(SCALODB_OK, scalodb_write(db, b, ERR));
    expect_value(db, "acct:c", "2");

    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_batch_put(NULL, "k", 1, "v", 1, ERR));
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_batch_put(b, NULL, 1, "v", 1, ERR));
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_batch_put(b, "k", 1, NULL, 1, ERR));
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_batch_put_with_ttl(NULL, "k", 1, "v", 1, 1, ERR));
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_batch_put_with_ttl(b, "k", 1, NULL, 2, 1, ERR));
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_batch_delete(NULL, "k", 1, ERR));
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_batch_delete(b, NULL, 1, ERR));
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_batch_clear(NULL, ERR));
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_write(NULL, b, ERR));
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_write(db, NULL, ERR));
    CHECK(scalodb_batch_count(b) == 2); /* failed calls changed nothing */
    scalodb_batch_free(b);

    b = scalodb_batch_new();
    CHECK_STATUS(SCALODB_OK, scalodb_batch_delete(b, "acct:a", 6, ERR));
    CHECK_STATUS(SCALODB_OK, scalodb_batch_delete(b, "acct:b", 6, ERR));
    CHECK_STATUS(SCALODB_OK, scalodb_batch_delete(b, "acct:c", 6, ERR));
    CHECK_STATUS(SCALODB_OK, scalodb_write(db, b, ERR));
    scalodb_batch_free(b);
}

static void test_iterators(scalodb_db *db) {
    const char *keys[] = {"a", "b", "ba", "bb", "c", "d", "p\xff", "p\xff\xff", "q"};
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
        CHECK_STATUS(SCALODB_OK, scalodb_put(db, keys[i], strlen(keys[i]), "v", 1, ERR));
    char got[256];
    scalodb_iterator *it = NULL;

    CHECK_STATUS(SCALODB_OK, scalodb_scan(db, "b", 1, "d", 1, &it, ERR));
    drain(it, 0, got, sizeof got);
    CHECK(strcmp(got, "b,ba,bb,c") == 0);
    CHECK_STATUS(SCALODB_OK, scalodb_scan(db, "b", 1, "d", 1, &it, ERR));
    drain(it, 1, got, sizeof got);
    CHECK(strcmp(got, "c,bb,ba,b") == 0);
    CHECK_STATUS(SCALODB_OK, scalodb_scan(db, NULL, 0, "b", 1, &it, ERR));
    drain(it, 0, got, sizeof got);
    CHECK(strcmp(got, "a") == 0);
    CHECK_STATUS(SCALODB_OK, scalodb_scan(db, "d", 1, NULL, 0, &it, ERR));
    drain(it, 0, got, sizeof got);
    CHECK(strcmp(got, "d,p\xff,p\xff\xff,q") == 0);
    CHECK_STATUS(SCALODB_OK, scalodb_scan(db, NULL, 0, NULL, 0, &it, ERR));
    drain(it, 1, got, sizeof got);
    CHECK(strcmp(got, "q,p\xff\xff,p\xff,d,c,bb,ba,b,a") == 0);
    /* An empty or inverted range is empty. */
    CHECK_STATUS(SCALODB_OK, scalodb_scan(db, "c", 1, "c", 1, &it, ERR));
    drain(it, 0, got, sizeof got);
    CHECK(strcmp(got, "") == 0);

    CHECK_STATUS(SCALODB_OK, scalodb_scan_prefix(db, "b", 1, &it, ERR));
    drain(it, 0, got, sizeof got);
    CHECK(strcmp(got, "b,ba,bb") == 0);
    CHECK_STATUS(SCALODB_OK, scalodb_scan_prefix(db, "p\xff", 2, &it, ERR));
    drain(it, 1, got, sizeof got);
    CHECK(strcmp(got, "p\xff\xff,p\xff") == 0);
    CHECK_STATUS(SCALODB_OK, scalodb_scan_prefix(db, "zz", 2, &it, ERR));
    drain(it, 0, got, sizeof got);
    CHECK(strcmp(got, "") == 0);
    CHECK_STATUS(SCALODB_OK, scalodb_scan_prefix(db, NULL, 0, &it, ERR));
    drain(it, 0, got, sizeof got);
    CHECK(strcmp(got, "a,b,ba,bb,c,d,p\xff,p\xff\xff,q") == 0);

    /* Front and back meet in the middle; an iterator does not see later writes; the entry's
     * pointers stay valid until the next call even if the key is overwritten meanwhile. */
    CHECK_STATUS(SCALODB_OK, scalodb_scan(db, "a", 1, "c", 1, &it, ERR));
    CHECK_STATUS(SCALODB_OK, scalodb_put(db, "aa", 2, "late", 4, ERR));
    const uint8_t *k, *v;
    size_t klen, vlen;
    CHECK_STATUS(SCALODB_OK, scalodb_iterator_next(it, &k, &klen, &v, &vlen, ERR));
    CHECK(klen == 1 && k[0] == 'a' && vlen == 1 && v[0] == 'v');
    CHECK_STATUS(SCALODB_OK, scalodb_put(db, "a", 1, "changed", 7, ERR));
    CHECK(klen == 1 && k[0] == 'a' && vlen == 1 && v[0] == 'v');
    CHECK_STATUS(SCALODB_OK, scalodb_iterator_next_back(it, &k, &klen, NULL, NULL, ERR));
    CHECK(klen == 2 && memcmp(k, "bb", 2) == 0);
    CHECK_STATUS(SCALODB_OK, scalodb_iterator_next(it, NULL, &klen, NULL, &vlen, ERR));
    CHECK(klen == 1 && vlen == 1); /* "b" */
    CHECK_STATUS(SCALODB_OK, scalodb_iterator_next_back(it, &k, &klen, NULL, NULL, ERR));
    CHECK(klen == 2 && memcmp(k, "ba", 2) == 0);
    CHECK_STATUS(SCALODB_END, scalodb_iterator_next(it, &k, &klen, NULL, NULL, ERR));
    CHECK_STATUS(SCALODB_END, scalodb_iterator_next_back(it, &k, &klen, NULL, NULL, ERR));
    scalodb_iterator_free(it);

    /* More entries than one internal chunk, in both directions. */
    char key[16];
    for (int i = 0; i < 300; i++) {
        snprintf(key, sizeof key, "n:%04d", i);
        CHECK_STATUS(SCALODB_OK, scalodb_put(db, key, strlen(key), key, strlen(key), ERR));
    }
    for (int back = 0; back < 2; back++) {
        CHECK_STATUS(SCALODB_OK, scalodb_scan_prefix(db, "n:", 2, &it, ERR));
        int n = 0;
        scalodb_status st;
        while ((st = (back ? scalodb_iterator_next_back : scalodb_iterator_next)(it, &k, &klen, &v, &vlen, NULL)) ==
               SCALODB_OK) {
            snprintf(key, sizeof key, "n:%04d", back ? 299 - n : n);
            CHECK(klen == 6 && memcmp(k, key, 6) == 0 && vlen == 6 && memcmp(v, key, 6) == 0);
            n++;
        }
        CHECK(st == SCALODB_END && n == 300);
        scalodb_iterator_free(it);
    }

    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_scan(NULL, NULL, 0, NULL, 0, &it, ERR));
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_scan(db, NULL, 0, NULL, 0, NULL, ERR));
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_scan(db, NULL, 3, NULL, 0, &it, ERR));
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_scan(db, NULL, 0, NULL, 3, &it, ERR));
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_scan_prefix(NULL, "a", 1, &it, ERR));
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_scan_prefix(db, NULL, 1, &it, ERR));
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_scan_prefix(db, "a", 1, NULL, ERR));
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_iterator_next(NULL, &k, &klen, &v, &vlen, ERR));
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_iterator_next_back(NULL, &k, &klen, &v, &vlen, ERR));

    scalodb_batch *b = scalodb_batch_new();
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
        scalodb_batch_delete(b, keys[i], strlen(keys[i]), NULL);
    scalodb_batch_delete(b, "aa", 2, NULL);
    for (int i = 0; i < 300; i++) {
        snprintf(key, sizeof key, "n:%04d", i);
        scalodb_batch_delete(b, key, strlen(key), NULL);
    }
    CHECK_STATUS(SCALODB_OK, scalodb_write(db, b, ERR));
    scalodb_batch_free(b);
}

static void test_snapshots(scalodb_db *db) {
    CHECK_STATUS(SCALODB_OK, scalodb_put(db, "s:1", 3, "old", 3, ERR));
    CHECK_STATUS(SCALODB_OK, scalodb_put(db, "s:2", 3, "old", 3, ERR));
    scalodb_snapshot *snap = NULL;
    CHECK_STATUS(SCALODB_OK, scalodb_snapshot_new(db, &snap, ERR));
    uint64_t seq = 0;
    CHECK_STATUS(SCALODB_OK, scalodb_snapshot_sequence(snap, &seq, ERR));
    scalodb_stats stats = {.struct_size = sizeof stats};
    CHECK_STATUS(SCALODB_OK, scalodb_get_stats(db, &stats, ERR));
    /* Not equal: a background sweep of expired keys may commit in between. */
    CHECK(seq > 0 && seq <= stats.sequence);
    CHECK(stats.open_views >= 1);

    CHECK_STATUS(SCALODB_OK, scalodb_put(db, "s:1", 3, "new", 3, ERR));
    CHECK_STATUS(SCALODB_OK, scalodb_delete(db, "s:2", 3, NULL, ERR));
    CHECK_STATUS(SCALODB_OK, scalodb_put(db, "s:3", 3, "new", 3, ERR));

    uint8_t *value = NULL;
    size_t len = 0;
    CHECK_STATUS(SCALODB_OK, scalodb_snapshot_get(snap, "s:1", 3, &value, &len, ERR));
    CHECK(len == 3 && memcmp(value, "old", 3) == 0 && value[3] == 0);
    scalodb_free(value);
    CHECK_STATUS(SCALODB_OK, scalodb_snapshot_get(snap, "s:2", 3, &value, &len, ERR));
    scalodb_free(value);
    CHECK_STATUS(SCALODB_NOT_FOUND, scalodb_snapshot_get(snap, "s:3", 3, &value, &len, ERR));
    CHECK(value == NULL && len == 0);
    scalodb_value *pinned = NULL;
    CHECK_STATUS(SCALODB_OK, scalodb_snapshot_get_pinned(snap, "s:1", 3, &pinned, ERR));
    CHECK(scalodb_value_len(pinned) == 3 && memcmp(scalodb_value_data(pinned), "old", 3) == 0);
    scalodb_value_free(pinned);
    CHECK_STATUS(SCALODB_NOT_FOUND, scalodb_snapshot_get_pinned(snap, "s:3", 3, &pinned, ERR));
    CHECK(pinned == NULL);
    expect_value(db, "s:1", "new");

    char got[64];
    scalodb_iterator *it = NULL;
    CHECK_STATUS(SCALODB_OK, scalodb_snapshot_scan(snap, "s:", 2, "s:9", 3, &it, ERR));
    drain(it, 0, got, sizeof got);
    CHECK(strcmp(got, "s:1,s:2") == 0);
    CHECK_STATUS(SCALODB_OK, scalodb_snapshot_scan_prefix(snap, "s:", 2, &it, ERR));
    /* The iterator outlives the snapshot it came from. */
    scalodb_snapshot_free(snap);
    drain(it, 1, got, sizeof got);
    CHECK(strcmp(got, "s:2,s:1") == 0);
    CHECK_STATUS(SCALODB_OK, scalodb_scan_prefix(db, "s:", 2, &it, ERR));
    drain(it, 0, got, sizeof got);
    CHECK(strcmp(got, "s:1,s:3") == 0);

    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_snapshot_new(NULL, &snap, ERR));
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_snapshot_new(db, NULL, ERR));
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_snapshot_get(NULL, "k", 1, &value, &len, ERR));
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_snapshot_get_pinned(NULL, "k", 1, &pinned, ERR));
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_snapshot_scan(NULL, NULL, 0, NULL, 0, &it, ERR));
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_snapshot_scan_prefix(NULL, NULL, 0, &it, ERR));
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_snapshot_sequence(NULL, &seq, ERR));
    CHECK_STATUS(SCALODB_OK, scalodb_snapshot_new(db, &snap, ERR));
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_snapshot_get(snap, "k", 1, NULL, &len, ERR));
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_snapshot_get(snap, NULL, 1, &value, &len, ERR));
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_snapshot_get_pinned(snap, "k", 1, NULL, ERR));
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_snapshot_scan(snap, NULL, 1, NULL, 0, &it, ERR));
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_snapshot_scan_prefix(snap, "s", 1, NULL, ERR));
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_snapshot_sequence(snap, NULL, ERR));
    scalodb_snapshot_free(snap);
    for (int i = 1; i <= 3; i++) {
        char key[4] = {'s', ':', (char)('0' + i), 0};
        CHECK_STATUS(SCALODB_OK, scalodb_delete(db, key, 3, NULL, ERR));
    }
}

/* On a fresh store of its own: a background sweep of expired keys elsewhere would move the counts. */
static void test_stats(void) {
    scalodb_db *db = NULL;
    CHECK_STATUS(SCALODB_OK, scalodb_open_memory(NULL, &db, ERR));
    CHECK_STATUS(SCALODB_OK, scalodb_put(db, "st:1", 4, "12345", 5, ERR));
    CHECK_STATUS(SCALODB_OK, scalodb_put(db, "st:2", 4, "678", 3, ERR));
    CHECK_STATUS(SCALODB_OK, scalodb_delete(db, "st:0", 4, NULL, ERR));
    expect_value(db, "st:1", "12345");
    scalodb_batch *b = scalodb_batch_new();
    CHECK_STATUS(SCALODB_OK, scalodb_write(db, b, ERR)); /* empty: not counted */
    CHECK_STATUS(SCALODB_OK, scalodb_batch_put(b, "st:3", 4, "", 0, ERR));
    CHECK_STATUS(SCALODB_OK, scalodb_write(db, b, ERR));
    CHECK_STATUS(SCALODB_OK, scalodb_delete(db, "st:3", 4, NULL, ERR));
    scalodb_batch_free(b);
    scalodb_iterator *it = NULL;
    CHECK_STATUS(SCALODB_OK, scalodb_scan(db, NULL, 0, NULL, 0, &it, ERR));
    scalodb_stats full;
    memset(&full, 0, sizeof full);
    full.struct_size = sizeof full;
    CHECK_STATUS(SCALODB_OK, scalodb_get_stats(db, &full, ERR));
    CHECK(full.struct_size == sizeof full);
    CHECK(full.keys == 2 && full.key_bytes == 8 && full.value_bytes == 8);
    CHECK(full.puts == 2 && full.gets == 1 && full.deletes == 2 && full.batches == 1 && full.scans == 1);
    CHECK(full.open_views == 1 && full.sequence >= 4);
    CHECK(full.wal_bytes == 0 && full.wal_segments == 0 && full.last_checkpoint_seq == 0 && full.fsyncs == 0);
    CHECK(full.memory_bytes > 0 && full.torn_records_truncated == 0);
    scalodb_iterator_free(it);

    /* A caller built with an older, smaller struct gets only the fields it knows. */
    scalodb_stats small;
    memset(&small, 0xAB, sizeof small);
    small.struct_size = offsetof(scalodb_stats, key_bytes);
    CHECK_STATUS(SCALODB_OK, scalodb_get_stats(db, &small, ERR));
    CHECK(small.struct_size == offsetof(scalodb_stats, key_bytes));
    CHECK(small.keys == full.keys);
    uint64_t junk;
    memset(&junk, 0xAB, sizeof junk);
    CHECK(small.key_bytes == junk && small.open_views == junk);

    scalodb_stats bad = {.struct_size = 0};
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_get_stats(db, &bad, ERR));
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_get_stats(db, NULL, ERR));
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_get_stats(NULL, &full, ERR));
    scalodb_db_free(db);
}

/* Every operation on a closed handle (and on iterators and snapshots of it) is SCALODB_CLOSED. */
static void check_closed(scalodb_db *db, scalodb_iterator *it, scalodb_snapshot *snap) {
    uint8_t *value = NULL;
    size_t len = 0;
    scalodb_value *pinned = NULL;
    scalodb_iterator *it2 = NULL;
    scalodb_snapshot *snap2 = NULL;
    scalodb_stats stats = {.struct_size = sizeof stats};
    scalodb_batch *b = scalodb_batch_new();
    scalodb_batch_put(b, "k", 1, "v", 1, NULL);
    CHECK_STATUS(SCALODB_CLOSED, scalodb_close(db, ERR));
    CHECK_STATUS(SCALODB_CLOSED, scalodb_put(db, "k", 1, "v", 1, ERR));
    CHECK_STATUS(SCALODB_CLOSED, scalodb_put_with_ttl(db, "k", 1, "v", 1, 10, ERR));
    CHECK_STATUS(SCALODB_CLOSED, scalodb_get(db, "k", 1, &value, &len, ERR));
    CHECK_STATUS(SCALODB_CLOSED, scalodb_get_pinned(db, "k", 1, &pinned, ERR));
    CHECK_STATUS(SCALODB_CLOSED, scalodb_delete(db, "k", 1, NULL, ERR));
    CHECK_STATUS(SCALODB_CLOSED, scalodb_write(db, b, ERR));
    CHECK_STATUS(SCALODB_CLOSED, scalodb_scan(db, NULL, 0, NULL, 0, &it2, ERR));
    CHECK_STATUS(SCALODB_CLOSED, scalodb_scan_prefix(db, "k", 1, &it2, ERR));
    CHECK_STATUS(SCALODB_CLOSED, scalodb_snapshot_new(db, &snap2, ERR));
    CHECK_STATUS(SCALODB_CLOSED, scalodb_get_stats(db, &stats, ERR));
    CHECK_STATUS(SCALODB_CLOSED, scalodb_sync(db, ERR));
    CHECK_STATUS(SCALODB_CLOSED, scalodb_checkpoint(db, ERR));
    CHECK(it2 == NULL && snap2 == NULL && value == NULL && pinned == NULL);
    CHECK_STATUS(SCALODB_CLOSED, scalodb_iterator_next(it, NULL, NULL, NULL, NULL, ERR));
    CHECK_STATUS(SCALODB_END, scalodb_iterator_next(it, NULL, NULL, NULL, NULL, ERR));
    CHECK_STATUS(SCALODB_CLOSED, scalodb_snapshot_get(snap, "k", 1, &value, &len, ERR));
    CHECK_STATUS(SCALODB_CLOSED, scalodb_snapshot_get_pinned(snap, "k", 1, &pinned, ERR));
    CHECK_STATUS(SCALODB_CLOSED, scalodb_snapshot_scan(snap, NULL, 0, NULL, 0, &it2, ERR));
    CHECK_STATUS(SCALODB_CLOSED, scalodb_snapshot_scan_prefix(snap, NULL, 0, &it2, ERR));
    scalodb_batch_free(b);
}

static void test_on_disk(void) {
    char *dir = make_temp_dir();
    scalodb_options *o = scalodb_options_new();
    CHECK_STATUS(SCALODB_OK, scalodb_options_set_sync(o, SCALODB_SYNC_ALWAYS, 0, ERR));
    scalodb_db *db = NULL;
    CHECK_STATUS(SCALODB_OK, scalodb_open(dir, o, &db, ERR));
    scalodb_options_free(o);

    /* The directory is locked while open. */
    scalodb_db *second = NULL;
    CHECK_STATUS(SCALODB_LOCKED, scalodb_open(dir, NULL, &second, ERR));
    CHECK(second == NULL);

    char *path = NULL;
    CHECK_STATUS(SCALODB_OK, scalodb_path(db, &path, ERR));
    CHECK(strcmp(path, dir) == 0);
    scalodb_free(path);
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_path(db, NULL, ERR));
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_path(NULL, &path, ERR));

    test_put_get_delete(db);
    test_batches(db);
    test_snapshots(db);

    CHECK_STATUS(SCALODB_OK, scalodb_put(db, "keep", 4, "me", 2, ERR));
    CHECK_STATUS(SCALODB_OK, scalodb_put_with_ttl(db, "brief", 5, "x", 1, 60, ERR));
    CHECK_STATUS(SCALODB_OK, scalodb_sync(db, ERR));
    scalodb_stats stats = {.struct_size = sizeof stats};
    CHECK_STATUS(SCALODB_OK, scalodb_get_stats(db, &stats, ERR));
    CHECK(stats.wal_bytes > 0 && stats.wal_segments >= 1 && stats.last_checkpoint_seq == 0);
    CHECK_STATUS(SCALODB_OK, scalodb_checkpoint(db, ERR));
    CHECK_STATUS(SCALODB_OK, scalodb_get_stats(db, &stats, ERR));
    CHECK(stats.last_checkpoint_seq > 0 && stats.last_checkpoint_seq <= stats.sequence);
    CHECK(stats.last_checkpoint_keys >= 1);
    CHECK(stats.last_checkpoint_unix_ms > 0);
    CHECK_STATUS(SCALODB_OK, scalodb_put(db, "after", 5, "checkpoint", 10, ERR));
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_sync(NULL, ERR));
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_checkpoint(NULL, ERR));

    /* Close with an iterator and a snapshot still open: they fail cleanly afterwards. */
    scalodb_iterator *it = NULL;
    scalodb_snapshot *snap = NULL;
    CHECK_STATUS(SCALODB_OK, scalodb_scan(db, NULL, 0, NULL, 0, &it, ERR));
    CHECK_STATUS(SCALODB_OK, scalodb_snapshot_new(db, &snap, ERR));
    CHECK_STATUS(SCALODB_OK, scalodb_close(db, ERR));
    check_closed(db, it, snap);
    CHECK_STATUS(SCALODB_OK, scalodb_path(db, &path, ERR)); /* still answers */
    scalodb_free(path);
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_close(NULL, ERR));
    scalodb_iterator_free(it);
    scalodb_snapshot_free(snap);
    scalodb_db_free(db);

    /* Reopen: the data is back, the expired key is not. */
    sleep_ms(100);
    CHECK_STATUS(SCALODB_OK, scalodb_open(dir, NULL, &db, ERR));
    expect_value(db, "keep", "me");
    expect_value(db, "after", "checkpoint");
    expect_value(db, "brief", NULL);
    /* Freeing without closing closes too (the directory is released), even with an iterator left:
     * the iterator then reports SCALODB_CLOSED. */
    CHECK_STATUS(SCALODB_OK, scalodb_scan(db, NULL, 0, NULL, 0, &it, ERR));
    scalodb_db_free(db);
    CHECK_STATUS(SCALODB_CLOSED, scalodb_iterator_next(it, NULL, NULL, NULL, NULL, ERR));
    scalodb_iterator_free(it);
    CHECK_STATUS(SCALODB_OK, scalodb_open(dir, NULL, &db, ERR));
    scalodb_db_free(db);
    rm_tree(dir);
}

static void test_in_memory(void) {
    scalodb_db *db = NULL;
    CHECK_STATUS(SCALODB_OK, scalodb_open_memory(NULL, &db, ERR));
    char *path = (char *)&path;
    CHECK_STATUS(SCALODB_NOT_FOUND, scalodb_path(db, &path, ERR));
    CHECK(path == NULL);
    test_put_get_delete(db);
    test_pinned_values(db);
    test_ttl(db);
    test_batches(db);
    test_iterators(db);
    test_snapshots(db);
    CHECK_STATUS(SCALODB_OK, scalodb_checkpoint(db, ERR)); /* a no-op in memory */
    CHECK_STATUS(SCALODB_OK, scalodb_sync(db, ERR));
    CHECK_STATUS(SCALODB_OK, scalodb_close(db, ERR));
    CHECK_STATUS(SCALODB_CLOSED, scalodb_close(db, ERR));
    scalodb_db_free(db);
}

int main(void) {
    test_version_and_status_names();
    test_null_arguments_of_small_objects();
    test_options();
    test_open_errors();
    test_in_memory();
    test_stats();
    test_on_disk();
    printf("test_store: %ld passed, 0 failed\n", (long)checks_passed);
    return 0;
}
