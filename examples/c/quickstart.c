/* quickstart.c: open a ScaloDB store, write, read, iterate a prefix, take stats, close.
 * Build it against the installed library (see the Makefile beside it) and run it with a directory:
 *   ./quickstart ./data                                                                         */
#include <scalodb.h>

#include <stdio.h>
#include <string.h>

/* Prints the error, frees it, and makes main return 1. */
static int fail(const char *what, scalodb_error *err) {
    fprintf(stderr, "%s failed: %s\n", what, scalodb_error_message(err));
    scalodb_error_free(err);
    return 1;
}

int main(int argc, char **argv) {
    const char *dir = argc > 1 ? argv[1] : "./scalodb-example";
    scalodb_error *err = NULL;
    printf("libscalodb %s (header %s)\n", scalodb_version(), SCALODB_VERSION_STRING);

    /* Options are set through functions, so new ones never break this program. */
    scalodb_options *opts = scalodb_options_new();
    scalodb_options_set_sync(opts, SCALODB_SYNC_ALWAYS, 0, NULL); /* durable when put returns */
    scalodb_db *db = NULL;
    scalodb_status st = scalodb_open(dir, opts, &db, &err);
    scalodb_options_free(opts); /* open copied them */
    if (st != SCALODB_OK) return fail("open", err);

    if (scalodb_put(db, "user:1", 6, "alice", 5, &err) != SCALODB_OK) return fail("put", err);
    if (scalodb_put(db, "user:2", 6, "bob", 3, &err) != SCALODB_OK) return fail("put", err);
    if (scalodb_put_with_ttl(db, "session:9", 9, "token", 5, 3600 * 1000, &err) != SCALODB_OK)
        return fail("put_with_ttl", err);

    /* A batch is applied atomically. */
    scalodb_batch *batch = scalodb_batch_new();
    scalodb_batch_put(batch, "account:a", 9, "90", 2, NULL);
    scalodb_batch_put(batch, "account:b", 9, "110", 3, NULL);
    st = scalodb_write(db, batch, &err);
    scalodb_batch_free(batch);
    if (st != SCALODB_OK) return fail("write", err);

    /* A returned buffer is yours: free it with scalodb_free. It ends with a NUL, so text prints. */
    uint8_t *value = NULL;
    size_t len = 0;
    st = scalodb_get(db, "user:1", 6, &value, &len, &err);
    if (st == SCALODB_OK) {
        printf("user:1 = %s (%zu bytes)\n", (const char *)value, len);
        scalodb_free(value);
    } else if (st == SCALODB_NOT_FOUND) {
        printf("user:1 is absent\n");
    } else {
        return fail("get", err);
    }

    /* Iterate a prefix; the entry pointers are valid until the next call on the iterator. */
    scalodb_iterator *it = NULL;
    if (scalodb_scan_prefix(db, "user:", 5, &it, &err) != SCALODB_OK) return fail("scan", err);
    const uint8_t *k, *v;
    size_t klen, vlen;
    while ((st = scalodb_iterator_next(it, &k, &klen, &v, &vlen, &err)) == SCALODB_OK)
        printf("  %.*s = %.*s\n", (int)klen, (const char *)k, (int)vlen, (const char *)v);
    scalodb_iterator_free(it);
    if (st != SCALODB_END) return fail("iterate", err);

    scalodb_stats stats;
    memset(&stats, 0, sizeof stats);
    stats.struct_size = sizeof stats;
    if (scalodb_get_stats(db, &stats, &err) != SCALODB_OK) return fail("stats", err);
    printf("%llu keys, sequence %llu\n", (unsigned long long)stats.keys, (unsigned long long)stats.sequence);

    st = scalodb_close(db, &err); /* reports a failed final sync; the handle stays until freed */
    scalodb_db_free(db);
    if (st != SCALODB_OK) return fail("close", err);
    return 0;
}
