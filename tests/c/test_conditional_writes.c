/* test_conditional_writes.c: the operations of scalodb.h that look before they write: contains
 * and clear, put_if_absent, compare_and_swap, increment, expire/persist/ttl, and each of them on a
 * closed handle. Results and error paths, single-threaded. Run plain, under valgrind and with
 * ASan+UBSan by `make test-ffi`. */
#define _XOPEN_SOURCE 700
#include "check.h"

#include <stddef.h>

static void test_contains_and_clear(void) {
    scalodb_db *db = open_memory();
    bool found = true;
    CHECK_STATUS(SCALODB_OK, scalodb_contains(db, "a", 1, &found, ERR));
    CHECK(!found);
    put(db, "a", "1");
    put(db, "b", "");
    CHECK_STATUS(SCALODB_OK, scalodb_contains(db, "a", 1, &found, ERR));
    CHECK(found);
    CHECK_STATUS(SCALODB_OK, scalodb_contains(db, "b", 1, &found, ERR)); /* empty is present */
    CHECK(found);
    CHECK_STATUS(SCALODB_OK, scalodb_put_with_ttl(db, "t", 1, "x", 1, 30, ERR));
    sleep_ms(80);
    CHECK_STATUS(SCALODB_OK, scalodb_contains(db, "t", 1, &found, ERR)); /* expired is absent */
    CHECK(!found);
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_contains(NULL, "a", 1, &found, ERR));
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_contains(db, "a", 1, NULL, ERR));
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_contains(db, NULL, 1, &found, ERR));

    /* Clear removes everything at once; a snapshot taken before still sees it all. */
    scalodb_snapshot *snap = NULL;
    CHECK_STATUS(SCALODB_OK, scalodb_snapshot_new(db, &snap, ERR));
    CHECK_STATUS(SCALODB_OK, scalodb_clear(db, ERR));
    expect_value(db, "a", NULL);
    expect_value(db, "b", NULL);
    scalodb_stats stats = {.struct_size = sizeof stats};
    CHECK_STATUS(SCALODB_OK, scalodb_get_stats(db, &stats, ERR));
    CHECK(stats.keys == 0 && stats.key_bytes == 0 && stats.value_bytes == 0);
    scalodb_value *v = NULL;
    CHECK_STATUS(SCALODB_OK, scalodb_snapshot_get_pinned(snap, "a", 1, &v, ERR));
    CHECK(scalodb_value_len(v) == 1);
    scalodb_value_free(v);
    scalodb_snapshot_free(snap);
    CHECK_STATUS(SCALODB_OK, scalodb_clear(db, ERR)); /* clearing an empty store is fine */
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_clear(NULL, ERR));
    scalodb_db_free(db);
}

static void test_put_if_absent(void) {
    scalodb_db *db = open_memory();
    bool written = false;
    CHECK_STATUS(SCALODB_OK, scalodb_put_if_absent(db, "lock", 4, "w1", 2, &written, ERR));
    CHECK(written);
    CHECK_STATUS(SCALODB_OK, scalodb_put_if_absent(db, "lock", 4, "w2", 2, &written, ERR));
    CHECK(!written);
    expect_value(db, "lock", "w1");
    CHECK_STATUS(SCALODB_OK, scalodb_put_if_absent(db, "lock", 4, "w3", 2, NULL, ERR)); /* optional out */
    expect_value(db, "lock", "w1");
    /* An expired key is absent. */
    CHECK_STATUS(SCALODB_OK, scalodb_put_with_ttl(db, "lease", 5, "old", 3, 30, ERR));
    sleep_ms(80);
    CHECK_STATUS(SCALODB_OK, scalodb_put_if_absent(db, "lease", 5, "new", 3, &written, ERR));
    CHECK(written);
    expect_value(db, "lease", "new");
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_put_if_absent(NULL, "k", 1, "v", 1, &written, ERR));
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_put_if_absent(db, NULL, 1, "v", 1, &written, ERR));
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_put_if_absent(db, "k", 1, NULL, 1, &written, ERR));
    char huge_key[70 * 1024];
    memset(huge_key, 'k', sizeof huge_key);
    CHECK_STATUS(SCALODB_KEY_TOO_LARGE, scalodb_put_if_absent(db, huge_key, sizeof huge_key, "v", 1, &written, ERR));
    scalodb_db_free(db);
}

static void test_compare_and_swap(void) {
    scalodb_db *db = open_memory();
    bool swapped = false;
    uint8_t *current = (uint8_t *)&current;
    size_t current_len = 99;
    /* Absent -> "1": expected absent. */
    CHECK_STATUS(SCALODB_OK, scalodb_compare_and_swap(db, "k", 1, NULL, 0, false, "1", 1, true, &swapped, &current,
                                                      &current_len, ERR));
    CHECK(swapped && current == NULL && current_len == 0);
    expect_value(db, "k", "1");
    /* Expected absent but present: fails and reports the current value. */
    CHECK_STATUS(SCALODB_OK, scalodb_compare_and_swap(db, "k", 1, NULL, 0, false, "2", 1, true, &swapped, &current,
                                                      &current_len, ERR));
    CHECK(!swapped && current_len == 1 && current[0] == '1' && current[1] == 0);
    scalodb_free(current);
    /* Wrong expected value. */
    CHECK_STATUS(SCALODB_OK, scalodb_compare_and_swap(db, "k", 1, "9", 1, true, "2", 1, true, &swapped, &current,
                                                      &current_len, ERR));
    CHECK(!swapped && current_len == 1 && current[0] == '1');
    scalodb_free(current);
    expect_value(db, "k", "1");
    /* Right expected value; the current value is not wanted. */
    CHECK_STATUS(SCALODB_OK,
                 scalodb_compare_and_swap(db, "k", 1, "1", 1, true, "2", 1, true, &swapped, NULL, NULL, ERR));
    CHECK(swapped);
    expect_value(db, "k", "2");
    /* The empty value is not absent. */
    CHECK_STATUS(SCALODB_OK,
                 scalodb_compare_and_swap(db, "k", 1, "2", 1, true, NULL, 0, true, &swapped, NULL, NULL, ERR));
    CHECK(swapped);
    expect_value(db, "k", "");
    CHECK_STATUS(SCALODB_OK, scalodb_compare_and_swap(db, "k", 1, NULL, 0, false, "x", 1, true, &swapped, &current,
                                                      &current_len, ERR));
    CHECK(!swapped && current != NULL && current_len == 0);
    scalodb_free(current);
    /* new_exists false deletes. */
    CHECK_STATUS(SCALODB_OK,
                 scalodb_compare_and_swap(db, "k", 1, NULL, 0, true, NULL, 0, false, &swapped, NULL, NULL, ERR));
    CHECK(swapped);
    expect_value(db, "k", NULL);
    /* Failing against an absent key: current is NULL. */
    CHECK_STATUS(SCALODB_OK, scalodb_compare_and_swap(db, "k", 1, "a", 1, true, "b", 1, true, &swapped, &current,
                                                      &current_len, ERR));
    CHECK(!swapped && current == NULL && current_len == 0);
    /* Deleting an absent key that is expected absent is a successful no-op. */
    CHECK_STATUS(SCALODB_OK,
                 scalodb_compare_and_swap(db, "k", 1, NULL, 0, false, NULL, 0, false, &swapped, NULL, NULL, ERR));
    CHECK(swapped);

    CHECK_STATUS(SCALODB_INVALID_ARGUMENT,
                 scalodb_compare_and_swap(NULL, "k", 1, NULL, 0, false, "1", 1, true, &swapped, NULL, NULL, ERR));
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT,
                 scalodb_compare_and_swap(db, "k", 1, NULL, 0, false, "1", 1, true, NULL, NULL, NULL, ERR));
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT,
                 scalodb_compare_and_swap(db, "k", 1, NULL, 0, false, "1", 1, true, &swapped, &current, NULL, ERR));
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_compare_and_swap(db, "k", 1, NULL, 0, false, "1", 1, true,
                                                                    &swapped, NULL, &current_len, ERR));
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT,
                 scalodb_compare_and_swap(db, NULL, 1, NULL, 0, false, "1", 1, true, &swapped, NULL, NULL, ERR));
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT,
                 scalodb_compare_and_swap(db, "k", 1, NULL, 3, true, "1", 1, true, &swapped, NULL, NULL, ERR));
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT,
                 scalodb_compare_and_swap(db, "k", 1, NULL, 0, false, NULL, 1, true, &swapped, NULL, NULL, ERR));
    /* Unused pointers are ignored, whatever their length. */
    CHECK_STATUS(SCALODB_OK,
                 scalodb_compare_and_swap(db, "k", 1, NULL, 7, false, NULL, 7, false, &swapped, NULL, NULL, ERR));
    CHECK(swapped);
    scalodb_db_free(db);
}

static void test_increment(void) {
    scalodb_db *db = open_memory();
    int64_t n = 0;
    CHECK_STATUS(SCALODB_OK, scalodb_increment(db, "hits", 4, 5, &n, ERR));
    CHECK(n == 5);
    CHECK_STATUS(SCALODB_OK, scalodb_increment(db, "hits", 4, -7, &n, ERR));
    CHECK(n == -2);
    expect_value(db, "hits", "-2");
    /* The time-to-live is kept. */
    CHECK_STATUS(SCALODB_OK, scalodb_put_with_ttl(db, "ctr", 3, "10", 2, 60 * 1000, ERR));
    CHECK_STATUS(SCALODB_OK, scalodb_increment(db, "ctr", 3, 1, &n, ERR));
    CHECK(n == 11);
    bool expires = false;
    uint64_t left = 0;
    CHECK_STATUS(SCALODB_OK, scalodb_ttl(db, "ctr", 3, &expires, &left, ERR));
    CHECK(expires && left > 0 && left <= 60 * 1000);

    put(db, "text", "abc");
    CHECK_STATUS(SCALODB_WRONG_TYPE, scalodb_increment(db, "text", 4, 1, &n, ERR));
    expect_value(db, "text", "abc");
    put(db, "max", "9223372036854775807");
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_increment(db, "max", 3, 1, &n, ERR));
    expect_value(db, "max", "9223372036854775807");
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_increment(NULL, "k", 1, 1, &n, ERR));
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_increment(db, "k", 1, 1, NULL, ERR));
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_increment(db, NULL, 1, 1, &n, ERR));
    scalodb_db_free(db);
}

static void test_expire_persist_ttl(void) {
    scalodb_db *db = open_memory();
    bool applied = false, expires = true;
    uint64_t left = 99;
    CHECK_STATUS(SCALODB_NOT_FOUND, scalodb_ttl(db, "k", 1, &expires, &left, ERR));
    CHECK(!expires && left == 0);
    CHECK_STATUS(SCALODB_OK, scalodb_expire(db, "k", 1, 1000, &applied, ERR));
    CHECK(!applied); /* absent: nothing to expire */
    put(db, "k", "v");
    CHECK_STATUS(SCALODB_OK, scalodb_ttl(db, "k", 1, &expires, &left, ERR));
    CHECK(!expires && left == 0); /* forever */
    CHECK_STATUS(SCALODB_OK, scalodb_persist(db, "k", 1, &applied, ERR));
    CHECK(!applied); /* had no time-to-live */
    CHECK_STATUS(SCALODB_OK, scalodb_expire(db, "k", 1, 60 * 1000, &applied, ERR));
    CHECK(applied);
    CHECK_STATUS(SCALODB_OK, scalodb_ttl(db, "k", 1, &expires, &left, ERR));
    CHECK(expires && left > 50 * 1000 && left <= 60 * 1000);
    CHECK_STATUS(SCALODB_OK, scalodb_persist(db, "k", 1, &applied, ERR));
    CHECK(applied);
    CHECK_STATUS(SCALODB_OK, scalodb_ttl(db, "k", 1, &expires, &left, ERR));
    CHECK(!expires);
    /* A short expiry really removes the key; optional outputs may be NULL. */
    CHECK_STATUS(SCALODB_OK, scalodb_expire(db, "k", 1, 30, NULL, ERR));
    sleep_ms(80);
    expect_value(db, "k", NULL);
    CHECK_STATUS(SCALODB_NOT_FOUND, scalodb_ttl(db, "k", 1, &expires, &left, ERR));
    CHECK_STATUS(SCALODB_OK, scalodb_persist(db, "k", 1, NULL, ERR));

    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_expire(NULL, "k", 1, 1, &applied, ERR));
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_expire(db, NULL, 1, 1, &applied, ERR));
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_persist(NULL, "k", 1, &applied, ERR));
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_persist(db, NULL, 1, &applied, ERR));
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_ttl(NULL, "k", 1, &expires, &left, ERR));
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_ttl(db, "k", 1, NULL, &left, ERR));
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_ttl(db, "k", 1, &expires, NULL, ERR));
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_ttl(db, NULL, 1, &expires, &left, ERR));
    scalodb_db_free(db);
}

/* Every operation of this file (and beginning a transaction) on a closed handle is SCALODB_CLOSED. */
static void test_closed(void) {
    scalodb_db *db = open_memory();
    CHECK_STATUS(SCALODB_OK, scalodb_close(db, ERR));
    bool b = false;
    int64_t n = 0;
    uint64_t left = 0;
    scalodb_txn *tx = NULL;
    CHECK_STATUS(SCALODB_CLOSED, scalodb_contains(db, "k", 1, &b, ERR));
    CHECK_STATUS(SCALODB_CLOSED, scalodb_clear(db, ERR));
    CHECK_STATUS(SCALODB_CLOSED, scalodb_put_if_absent(db, "k", 1, "v", 1, &b, ERR));
    CHECK_STATUS(SCALODB_CLOSED,
                 scalodb_compare_and_swap(db, "k", 1, NULL, 0, false, "v", 1, true, &b, NULL, NULL, ERR));
    CHECK_STATUS(SCALODB_CLOSED, scalodb_increment(db, "k", 1, 1, &n, ERR));
    CHECK_STATUS(SCALODB_CLOSED, scalodb_expire(db, "k", 1, 1, &b, ERR));
    CHECK_STATUS(SCALODB_CLOSED, scalodb_persist(db, "k", 1, &b, ERR));
    CHECK_STATUS(SCALODB_CLOSED, scalodb_ttl(db, "k", 1, &b, &left, ERR));
    CHECK_STATUS(SCALODB_CLOSED, scalodb_txn_begin(db, &tx, ERR));
    CHECK(tx == NULL);
    scalodb_db_free(db);
}

int main(void) {
    test_contains_and_clear();
    test_put_if_absent();
    test_compare_and_swap();
    test_increment();
    test_expire_persist_ttl();
    test_closed();
    printf("test_conditional_writes: %ld passed, 0 failed\n", (long)checks_passed);
    return 0;
}
