/* test_transactions_and_limits.c: transactions (commit, conflicts, rollback, scans inside), backup
 * and verify, the memory limit with eviction, and the counters of scalodb_stats that count them
 * (including a caller built against an older, smaller struct). Results and error paths,
 * single-threaded. Run plain, under valgrind and with ASan+UBSan by `make test-ffi`. */
#define _XOPEN_SOURCE 700
#include "check.h"

#include <stddef.h>

/* Collects an iterator's "key=value" entries into `out` and frees it. */
static void drain(scalodb_iterator *it, int from_back, char *out, size_t cap) {
    const uint8_t *k, *v;
    size_t klen, vlen;
    out[0] = 0;
    scalodb_status st;
    while ((st = (from_back ? scalodb_iterator_next_back : scalodb_iterator_next)(it, &k, &klen, &v, &vlen, NULL)) ==
           SCALODB_OK) {
        CHECK(strlen(out) + klen + vlen + 3 < cap);
        if (out[0]) strcat(out, ",");
        strncat(out, (const char *)k, klen);
        strcat(out, "=");
        strncat(out, (const char *)v, vlen);
    }
    CHECK(st == SCALODB_END);
    scalodb_iterator_free(it);
}

static void test_transactions(void) {
    scalodb_db *db = open_memory();
    put(db, "acct:a", "100");
    put(db, "acct:b", "0");
    put(db, "other", "x");

    /* Reads see the snapshot plus the transaction's own writes; nothing shows outside until commit. */
    scalodb_txn *tx = NULL;
    CHECK_STATUS(SCALODB_OK, scalodb_txn_begin(db, &tx, ERR));
    uint8_t *value = NULL;
    size_t len = 0;
    CHECK_STATUS(SCALODB_OK, scalodb_txn_get(tx, "acct:a", 6, &value, &len, ERR));
    CHECK(len == 3 && memcmp(value, "100", 3) == 0 && value[3] == 0);
    scalodb_free(value);
    CHECK_STATUS(SCALODB_OK, scalodb_txn_put(tx, "acct:a", 6, "70", 2, ERR));
    CHECK_STATUS(SCALODB_OK, scalodb_txn_put(tx, "acct:b", 6, "30", 2, ERR));
    CHECK_STATUS(SCALODB_OK, scalodb_txn_put(tx, "acct:c", 6, "new", 3, ERR));
    CHECK_STATUS(SCALODB_OK, scalodb_txn_delete(tx, "other", 5, ERR));
    CHECK_STATUS(SCALODB_OK, scalodb_txn_get(tx, "acct:a", 6, &value, &len, ERR));
    CHECK(len == 2 && memcmp(value, "70", 2) == 0);
    scalodb_free(value);
    CHECK_STATUS(SCALODB_NOT_FOUND, scalodb_txn_get(tx, "other", 5, &value, &len, ERR));
    CHECK(value == NULL && len == 0);
    expect_value(db, "acct:a", "100");
    expect_value(db, "acct:c", NULL);
    char got[256];
    scalodb_iterator *it = NULL;
    CHECK_STATUS(SCALODB_OK, scalodb_txn_scan_prefix(tx, "acct:", 5, &it, ERR));
    drain(it, 0, got, sizeof got);
    CHECK(strcmp(got, "acct:a=70,acct:b=30,acct:c=new") == 0);
    CHECK_STATUS(SCALODB_OK, scalodb_txn_scan(tx, "acct:b", 6, NULL, 0, &it, ERR));
    drain(it, 1, got, sizeof got);
    CHECK(strcmp(got, "acct:c=new,acct:b=30") == 0);
    uint64_t seq = 0;
    CHECK_STATUS(SCALODB_OK, scalodb_txn_sequence(tx, &seq, ERR));
    CHECK(seq >= 3);
    CHECK_STATUS(SCALODB_OK, scalodb_txn_commit(tx, ERR));
    expect_value(db, "acct:a", "70");
    expect_value(db, "acct:b", "30");
    expect_value(db, "acct:c", "new");
    expect_value(db, "other", NULL);
    /* A finished transaction refuses everything but free. */
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_txn_commit(tx, ERR));
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_txn_rollback(tx, ERR));
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_txn_put(tx, "k", 1, "v", 1, ERR));
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_txn_delete(tx, "k", 1, ERR));
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_txn_get(tx, "k", 1, &value, &len, ERR));
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_txn_scan(tx, NULL, 0, NULL, 0, &it, ERR));
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_txn_scan_prefix(tx, NULL, 0, &it, ERR));
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_txn_sequence(tx, &seq, ERR));
    scalodb_txn_free(tx);

    /* A conflict: another commit changes a key the transaction read; nothing is written. */
    scalodb_txn *t1 = NULL;
    CHECK_STATUS(SCALODB_OK, scalodb_txn_begin(db, &t1, ERR));
    CHECK_STATUS(SCALODB_OK, scalodb_txn_get(t1, "acct:a", 6, &value, &len, ERR));
    scalodb_free(value);
    CHECK_STATUS(SCALODB_OK, scalodb_txn_put(t1, "acct:b", 6, "999", 3, ERR));
    put(db, "acct:a", "71");
    CHECK_STATUS(SCALODB_CONFLICT, scalodb_txn_commit(t1, ERR));
    expect_value(db, "acct:b", "30");
    scalodb_txn_free(t1);

    /* A scanned range conflicts when a key is added to it. */
    CHECK_STATUS(SCALODB_OK, scalodb_txn_begin(db, &t1, ERR));
    CHECK_STATUS(SCALODB_OK, scalodb_txn_scan_prefix(t1, "acct:", 5, &it, ERR));
    scalodb_iterator_free(it);
    CHECK_STATUS(SCALODB_OK, scalodb_txn_put(t1, "summary", 7, "3", 1, ERR));
    put(db, "acct:d", "1");
    CHECK_STATUS(SCALODB_CONFLICT, scalodb_txn_commit(t1, ERR));
    scalodb_txn_free(t1);
    expect_value(db, "summary", NULL);

    /* Writes elsewhere do not conflict. */
    CHECK_STATUS(SCALODB_OK, scalodb_txn_begin(db, &t1, ERR));
    CHECK_STATUS(SCALODB_OK, scalodb_txn_get(t1, "acct:a", 6, &value, &len, ERR));
    scalodb_free(value);
    CHECK_STATUS(SCALODB_OK, scalodb_txn_put(t1, "acct:b", 6, "31", 2, ERR));
    put(db, "unrelated", "1");
    CHECK_STATUS(SCALODB_OK, scalodb_txn_commit(t1, ERR));
    scalodb_txn_free(t1);
    expect_value(db, "acct:b", "31");

    /* Rollback drops the writes; free without commit rolls back too. */
    CHECK_STATUS(SCALODB_OK, scalodb_txn_begin(db, &t1, ERR));
    CHECK_STATUS(SCALODB_OK, scalodb_txn_put(t1, "ghost", 5, "1", 1, ERR));
    CHECK_STATUS(SCALODB_OK, scalodb_txn_rollback(t1, ERR));
    scalodb_txn_free(t1);
    CHECK_STATUS(SCALODB_OK, scalodb_txn_begin(db, &t1, ERR));
    CHECK_STATUS(SCALODB_OK, scalodb_txn_put(t1, "ghost", 5, "2", 1, ERR));
    scalodb_txn_free(t1);
    expect_value(db, "ghost", NULL);

    /* Size limits are checked at commit, and a failed commit writes nothing. */
    char huge_key[70 * 1024];
    memset(huge_key, 'k', sizeof huge_key);
    CHECK_STATUS(SCALODB_OK, scalodb_txn_begin(db, &t1, ERR));
    CHECK_STATUS(SCALODB_OK, scalodb_txn_put(t1, "acct:a", 6, "0", 1, ERR));
    CHECK_STATUS(SCALODB_OK, scalodb_txn_put(t1, huge_key, sizeof huge_key, "v", 1, ERR));
    CHECK_STATUS(SCALODB_KEY_TOO_LARGE, scalodb_txn_commit(t1, ERR));
    scalodb_txn_free(t1);
    expect_value(db, "acct:a", "71");

    scalodb_stats stats = {.struct_size = sizeof stats};
    CHECK_STATUS(SCALODB_OK, scalodb_get_stats(db, &stats, ERR));
    CHECK(stats.transactions == 2); /* the two commits that wrote */

    /* Null and bad arguments. */
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_txn_begin(NULL, &t1, ERR));
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_txn_begin(db, NULL, ERR));
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_txn_get(NULL, "k", 1, &value, &len, ERR));
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_txn_put(NULL, "k", 1, "v", 1, ERR));
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_txn_delete(NULL, "k", 1, ERR));
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_txn_scan(NULL, NULL, 0, NULL, 0, &it, ERR));
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_txn_scan_prefix(NULL, NULL, 0, &it, ERR));
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_txn_sequence(NULL, &seq, ERR));
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_txn_commit(NULL, ERR));
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_txn_rollback(NULL, ERR));
    scalodb_txn_free(NULL);
    CHECK_STATUS(SCALODB_OK, scalodb_txn_begin(db, &t1, ERR));
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_txn_get(t1, "k", 1, NULL, &len, ERR));
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_txn_get(t1, "k", 1, &value, NULL, ERR));
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_txn_get(t1, NULL, 1, &value, &len, ERR));
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_txn_put(t1, NULL, 1, "v", 1, ERR));
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_txn_put(t1, "k", 1, NULL, 1, ERR));
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_txn_delete(t1, NULL, 1, ERR));
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_txn_scan(t1, NULL, 1, NULL, 0, &it, ERR));
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_txn_scan(t1, NULL, 0, NULL, 0, NULL, ERR));
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_txn_scan_prefix(t1, NULL, 1, &it, ERR));
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_txn_scan_prefix(t1, "a", 1, NULL, ERR));
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_txn_sequence(t1, NULL, ERR));

    /* A transaction outlives a closed database: reads and commit then fail cleanly. */
    CHECK_STATUS(SCALODB_OK, scalodb_txn_put(t1, "late", 4, "1", 1, ERR));
    CHECK_STATUS(SCALODB_OK, scalodb_close(db, ERR));
    CHECK_STATUS(SCALODB_CLOSED, scalodb_txn_get(t1, "acct:a", 6, &value, &len, ERR));
    CHECK_STATUS(SCALODB_CLOSED, scalodb_txn_scan_prefix(t1, NULL, 0, &it, ERR));
    CHECK_STATUS(SCALODB_CLOSED, scalodb_txn_commit(t1, ERR));
    CHECK_STATUS(SCALODB_CLOSED, scalodb_txn_begin(db, &tx, ERR));
    scalodb_txn_free(t1);
    scalodb_db_free(db);
}

static void test_backup_and_verify(void) {
    char *dir = make_temp_dir();
    char *out = make_temp_dir();
    char dest[512];
    snprintf(dest, sizeof dest, "%s/copy", out);
    scalodb_db *db = NULL;
    CHECK_STATUS(SCALODB_OK, scalodb_open(dir, NULL, &db, ERR));
    put(db, "a", "1");
    put(db, "b", "2");
    CHECK_STATUS(SCALODB_OK, scalodb_backup(db, dest, ERR));
    put(db, "c", "after the backup");
    /* The destination must be empty. */
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_backup(db, dest, ERR));
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_backup(db, NULL, ERR));
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_backup(db, "", ERR));
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_backup(NULL, dest, ERR));

    scalodb_verify_report report;
    memset(&report, 0, sizeof report);
    report.struct_size = sizeof report;
    CHECK_STATUS(SCALODB_OK, scalodb_verify(dest, &report, ERR));
    CHECK(report.struct_size == sizeof report);
    CHECK(report.has_checkpoint && report.checkpoint_entries == 2 && report.checkpoint_seq >= 2);
    CHECK(report.last_seq >= report.checkpoint_seq && !report.torn_tail);
    CHECK_STATUS(SCALODB_OK, scalodb_close(db, ERR));
    scalodb_db_free(db);
    CHECK_STATUS(SCALODB_OK, scalodb_verify(dir, &report, ERR));
    CHECK(!report.has_checkpoint && report.checkpoint_seq == 0 && report.records >= 3 && report.segments >= 1);
    /* An older, smaller struct gets only the fields it knows. */
    scalodb_verify_report small;
    memset(&small, 0xAB, sizeof small);
    small.struct_size = offsetof(scalodb_verify_report, checkpoint_entries);
    CHECK_STATUS(SCALODB_OK, scalodb_verify(dest, &small, ERR));
    CHECK(small.checkpoint_seq > 0 && small.struct_size == offsetof(scalodb_verify_report, checkpoint_entries));
    uint64_t junk;
    memset(&junk, 0xAB, sizeof junk);
    CHECK(small.checkpoint_entries == junk && small.last_seq == junk);

    /* The copy opens on its own and holds the data as of the backup. */
    scalodb_db *copy = NULL;
    CHECK_STATUS(SCALODB_OK, scalodb_open(dest, NULL, &copy, ERR));
    expect_value(copy, "a", "1");
    expect_value(copy, "b", "2");
    expect_value(copy, "c", NULL);
    scalodb_db_free(copy);

    /* Damage is found and named. */
    char ckpt[600] = "";
    char cmd[1200];
    snprintf(cmd, sizeof cmd, "ls %s/checkpoint-*.ckpt", dest);
    FILE *ls = popen(cmd, "r");
    CHECK(ls != NULL && fgets(ckpt, sizeof ckpt, ls) != NULL);
    pclose(ls);
    ckpt[strcspn(ckpt, "\n")] = 0;
    FILE *f = fopen(ckpt, "r+b");
    CHECK(f != NULL);
    CHECK(fseek(f, -6, SEEK_END) == 0);
    int c = fgetc(f);
    CHECK(fseek(f, -6, SEEK_END) == 0);
    fputc(c ^ 0x5a, f);
    fclose(f);
    scalodb_error *err = NULL;
    CHECK(scalodb_verify(dest, &report, &err) == SCALODB_CORRUPTION);
    CHECK(strstr(scalodb_error_message(err), "checkpoint") != NULL);
    scalodb_error_free(err);

    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_verify(NULL, &report, ERR));
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_verify("", &report, ERR));
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_verify(dir, NULL, ERR));
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_verify("/dev/null", &report, ERR)); /* not a directory */
    scalodb_verify_report bad = {.struct_size = 0};
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_verify(dir, &bad, ERR));

    /* An in-memory database backs up to a store that opens from disk. */
    scalodb_db *mem = open_memory();
    put(mem, "m", "1");
    snprintf(dest, sizeof dest, "%s/from-memory", out);
    CHECK_STATUS(SCALODB_OK, scalodb_backup(mem, dest, ERR));
    CHECK_STATUS(SCALODB_OK, scalodb_close(mem, ERR));
    CHECK_STATUS(SCALODB_CLOSED, scalodb_backup(mem, dest, ERR));
    scalodb_db_free(mem);
    CHECK_STATUS(SCALODB_OK, scalodb_open(dest, NULL, &copy, ERR));
    expect_value(copy, "m", "1");
    scalodb_db_free(copy);
    rm_tree(dir);
    rm_tree(out);
}

static void test_memory_limit(void) {
    scalodb_options *o = scalodb_options_new();
    CHECK_STATUS(SCALODB_OK, scalodb_options_set_max_memory(o, 64 * 1024, ERR));
    CHECK_STATUS(SCALODB_OK, scalodb_options_set_eviction(o, SCALODB_EVICTION_NONE, ERR));
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_options_set_eviction(o, 3, ERR));
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_options_set_eviction(o, -1, ERR));
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_options_set_eviction(NULL, 0, ERR));
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_options_set_max_memory(NULL, 1, ERR));
    CHECK(sizeof(scalodb_eviction) == 4);

    /* No eviction: writes past the limit fail, reads and deletes go on. */
    scalodb_db *db = NULL;
    CHECK_STATUS(SCALODB_OK, scalodb_open_memory(o, &db, ERR));
    char key[32], value[512];
    memset(value, 'v', sizeof value);
    int written = 0;
    scalodb_status st = SCALODB_OK;
    while (written < 10000) {
        int klen = snprintf(key, sizeof key, "k%05d", written);
        st = scalodb_put(db, key, klen, value, sizeof value, NULL);
        if (st != SCALODB_OK) break;
        written++;
    }
    CHECK(st == SCALODB_OUT_OF_MEMORY && written > 10);
    CHECK_STATUS(SCALODB_OUT_OF_MEMORY, scalodb_put(db, "more", 4, value, sizeof value, ERR));
    expect_value(db, "more", NULL);
    CHECK_STATUS(SCALODB_OK, scalodb_delete(db, "k00000", 6, NULL, ERR));
    scalodb_db_free(db);

    /* All-keys LRU: writes go on and old keys are evicted. */
    CHECK_STATUS(SCALODB_OK, scalodb_options_set_eviction(o, SCALODB_EVICTION_ALL_KEYS_LRU, ERR));
    CHECK_STATUS(SCALODB_OK, scalodb_open_memory(o, &db, ERR));
    for (int i = 0; i < 1000; i++) {
        int klen = snprintf(key, sizeof key, "k%05d", i);
        CHECK_STATUS(SCALODB_OK, scalodb_put(db, key, klen, value, sizeof value, ERR));
    }
    scalodb_stats stats = {.struct_size = sizeof stats};
    CHECK_STATUS(SCALODB_OK, scalodb_get_stats(db, &stats, ERR));
    CHECK(stats.evictions > 0 && stats.keys < 1000 && stats.keys + stats.evictions == 1000);
    scalodb_db_free(db);

    /* Volatile LRU evicts only keys with a time-to-live: without any, writes fail. */
    CHECK_STATUS(SCALODB_OK, scalodb_options_set_eviction(o, SCALODB_EVICTION_VOLATILE_LRU, ERR));
    CHECK_STATUS(SCALODB_OK, scalodb_open_memory(o, &db, ERR));
    st = SCALODB_OK;
    for (int i = 0; i < 1000 && st == SCALODB_OK; i++) {
        int klen = snprintf(key, sizeof key, "k%05d", i);
        st = scalodb_put(db, key, klen, value, sizeof value, NULL);
    }
    CHECK(st == SCALODB_OUT_OF_MEMORY);
    scalodb_db_free(db);

    /* 0 means no limit again. */
    CHECK_STATUS(SCALODB_OK, scalodb_options_set_max_memory(o, 0, ERR));
    CHECK_STATUS(SCALODB_OK, scalodb_open_memory(o, &db, ERR));
    for (int i = 0; i < 1000; i++) {
        int klen = snprintf(key, sizeof key, "k%05d", i);
        CHECK_STATUS(SCALODB_OK, scalodb_put(db, key, klen, value, sizeof value, ERR));
    }
    scalodb_db_free(db);
    scalodb_options_free(o);
}

static void test_stats_counters(void) {
    scalodb_db *db = open_memory();
    CHECK_STATUS(SCALODB_OK, scalodb_put_with_ttl(db, "t", 1, "x", 1, 20, ERR));
    sleep_ms(60);
    scalodb_stats stats;
    memset(&stats, 0xAB, sizeof stats);
    stats.struct_size = sizeof stats;
    CHECK_STATUS(SCALODB_OK, scalodb_get_stats(db, &stats, ERR));
    /* Stats bury expired keys before counting. */
    CHECK(stats.keys == 0 && stats.expired_keys == 1);
    CHECK(stats.evictions == 0 && stats.transactions == 0 && stats.conflicts == 0);
    /* A caller compiled before these fields existed does not get them. */
    scalodb_stats old;
    memset(&old, 0xAB, sizeof old);
    old.struct_size = offsetof(scalodb_stats, evictions);
    CHECK_STATUS(SCALODB_OK, scalodb_get_stats(db, &old, ERR));
    uint64_t junk;
    memset(&junk, 0xAB, sizeof junk);
    CHECK(old.open_views == 0 && old.evictions == junk && old.conflicts == junk);
    scalodb_db_free(db);
}

int main(void) {
    test_transactions();
    test_backup_and_verify();
    test_memory_limit();
    test_stats_counters();
    printf("test_transactions_and_limits: %ld passed, 0 failed\n", (long)checks_passed);
    return 0;
}
