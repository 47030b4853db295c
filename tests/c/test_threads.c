/* test_threads.c: concurrent readers and writers on one scalodb_db through pthreads.
 *   test_threads WRITERS READERS ROUNDS
 * Writers update pairs of keys atomically with batches and bump counters; readers check, through
 * snapshots, plain gets, pinned gets and iterators, that no torn batch, no step back in time and no
 * disorder is ever visible. Writers also bump two shared counters, one through transactions retried
 * on SCALODB_CONFLICT and one through scalodb_increment: neither may lose an update. A last phase
 * closes the handle while readers still use it. */
#define _XOPEN_SOURCE 700
#include "check.h"

#include <pthread.h>
#include <stdatomic.h>
#include <time.h>

enum { MAX_THREADS = 16 };

static scalodb_db *db;
static int writers, readers, rounds;
static atomic_int writers_left;
static atomic_int stop_readers;

static long parse_value(const uint8_t *p, size_t len) {
    char buf[32];
    CHECK(len > 0 && len < sizeof buf);
    memcpy(buf, p, len);
    buf[len] = 0;
    return strtol(buf, NULL, 10);
}

static atomic_long txn_conflicts;

/* Adds 1 to "txn:counter" in a transaction, beginning again after each conflict. */
static void txn_increment(void) {
    for (;;) {
        scalodb_txn *tx = NULL;
        CHECK_STATUS(SCALODB_OK, scalodb_txn_begin(db, &tx, ERR));
        uint8_t *v = NULL;
        size_t len = 0;
        scalodb_status st = scalodb_txn_get(tx, "txn:counter", 11, &v, &len, NULL);
        CHECK(st == SCALODB_OK || st == SCALODB_NOT_FOUND);
        long n = st == SCALODB_OK ? parse_value(v, len) : 0;
        scalodb_free(v);
        char text[32];
        int tlen = snprintf(text, sizeof text, "%ld", n + 1);
        CHECK_STATUS(SCALODB_OK, scalodb_txn_put(tx, "txn:counter", 11, text, tlen, ERR));
        st = scalodb_txn_commit(tx, NULL);
        scalodb_txn_free(tx);
        if (st == SCALODB_OK) return;
        CHECK(st == SCALODB_CONFLICT);
        atomic_fetch_add(&txn_conflicts, 1);
    }
}

static void *writer(void *arg) {
    long t = (long)arg;
    char a[32], b[32], w[32], v[32];
    snprintf(a, sizeof a, "pair:a:%ld", t);
    snprintf(b, sizeof b, "pair:b:%ld", t);
    scalodb_batch *batch = scalodb_batch_new();
    for (int i = 0; i < rounds; i++) {
        int vlen = snprintf(v, sizeof v, "%d", i);
        /* Both keys of a pair change together or not at all. */
        CHECK_STATUS(SCALODB_OK, scalodb_batch_clear(batch, ERR));
        CHECK_STATUS(SCALODB_OK, scalodb_batch_put(batch, a, strlen(a), v, vlen, ERR));
        CHECK_STATUS(SCALODB_OK, scalodb_batch_put(batch, b, strlen(b), v, vlen, ERR));
        CHECK_STATUS(SCALODB_OK, scalodb_write(db, batch, ERR));
        int wlen = snprintf(w, sizeof w, "w%ld:%03d", t, i % 64);
        CHECK_STATUS(SCALODB_OK, scalodb_put(db, w, wlen, v, vlen, ERR));
        if (i % 7 == 0) CHECK_STATUS(SCALODB_OK, scalodb_delete(db, w, wlen, NULL, ERR));
        if (t == 0 && i % (rounds / 4 + 1) == 0) CHECK_STATUS(SCALODB_OK, scalodb_checkpoint(db, ERR));
        if (i % 10 == 0) {
            txn_increment();
            int64_t now = 0;
            CHECK_STATUS(SCALODB_OK, scalodb_increment(db, "incr:counter", 12, 1, &now, ERR));
            CHECK(now >= 1);
        }
    }
    scalodb_batch_free(batch);
    atomic_fetch_sub(&writers_left, 1);
    return NULL;
}

/* Both keys of pair `t`, read from one snapshot, hold the same value. */
static void check_pair_in_snapshot(long t) {
    char a[32], b[32];
    snprintf(a, sizeof a, "pair:a:%ld", t);
    snprintf(b, sizeof b, "pair:b:%ld", t);
    scalodb_snapshot *snap = NULL;
    CHECK_STATUS(SCALODB_OK, scalodb_snapshot_new(db, &snap, ERR));
    uint8_t *va = NULL, *vb = NULL;
    size_t la = 0, lb = 0;
    scalodb_status sa = scalodb_snapshot_get(snap, a, strlen(a), &va, &la, NULL);
    scalodb_status sb = scalodb_snapshot_get(snap, b, strlen(b), &vb, &lb, NULL);
    CHECK(sa == sb);
    CHECK(sa == SCALODB_NOT_FOUND || (la == lb && memcmp(va, vb, la) == 0));
    scalodb_free(va);
    scalodb_free(vb);
    scalodb_snapshot_free(snap);
}

/* The keys of a prefix come out strictly ascending. */
static void check_scan_order(long t) {
    char prefix[16];
    int plen = snprintf(prefix, sizeof prefix, "w%ld:", t);
    scalodb_iterator *it = NULL;
    CHECK_STATUS(SCALODB_OK, scalodb_scan_prefix(db, prefix, plen, &it, ERR));
    char last[32] = "";
    const uint8_t *k;
    size_t klen;
    scalodb_status st;
    while ((st = scalodb_iterator_next(it, &k, &klen, NULL, NULL, NULL)) == SCALODB_OK) {
        CHECK(klen < sizeof last && klen > (size_t)plen && memcmp(k, prefix, plen) == 0);
        CHECK(memcmp(last, k, klen) < 0 || last[0] == 0);
        memcpy(last, k, klen);
        last[klen] = 0;
    }
    CHECK(st == SCALODB_END);
    scalodb_iterator_free(it);
}

static void *reader(void *arg) {
    unsigned seed = (unsigned)(long)arg * 7919u + 1;
    long seen[MAX_THREADS];
    for (int i = 0; i < MAX_THREADS; i++) seen[i] = -1;
    int n = 0;
    while (atomic_load(&writers_left) > 0 || n < 50) {
        long t = rand_r(&seed) % writers;
        check_pair_in_snapshot(t);
        /* A writer's counter never goes back, read after read. */
        char a[32];
        snprintf(a, sizeof a, "pair:a:%ld", t);
        scalodb_value *v = NULL;
        scalodb_status st = scalodb_get_pinned(db, a, strlen(a), &v, NULL);
        CHECK(st == SCALODB_OK || st == SCALODB_NOT_FOUND);
        if (st == SCALODB_OK) {
            long now = parse_value(scalodb_value_data(v), scalodb_value_len(v));
            CHECK(now >= seen[t]);
            seen[t] = now;
            scalodb_value_free(v);
        }
        if (n % 16 == 0) check_scan_order(t);
        n++;
    }
    return NULL;
}

/* Readers that run until the handle is closed under them. */
static void *reader_until_closed(void *arg) {
    (void)arg;
    for (;;) {
        uint8_t *v = NULL;
        size_t len = 0;
        scalodb_error *err = NULL;
        scalodb_status st = scalodb_get(db, "pair:a:0", 8, &v, &len, &err);
        if (st == SCALODB_CLOSED) {
            CHECK(err != NULL && scalodb_error_status(err) == SCALODB_CLOSED);
            scalodb_error_free(err);
            return NULL;
        }
        CHECK(st == SCALODB_OK && err == NULL);
        scalodb_free(v);
        if (atomic_load(&stop_readers)) return NULL;
    }
}

int main(int argc, char **argv) {
    writers = argc > 1 ? atoi(argv[1]) : 4;
    readers = argc > 2 ? atoi(argv[2]) : 4;
    rounds = argc > 3 ? atoi(argv[3]) : 2000;
    CHECK(writers >= 1 && writers <= MAX_THREADS && readers >= 1 && readers <= MAX_THREADS && rounds >= 1);
    char *dir = make_temp_dir();
    scalodb_options *o = scalodb_options_new();
    CHECK_STATUS(SCALODB_OK, scalodb_options_set_sync(o, SCALODB_SYNC_NEVER, 0, ERR));
    CHECK_STATUS(SCALODB_OK, scalodb_open(dir, o, &db, ERR));
    scalodb_options_free(o);

    pthread_t w[MAX_THREADS], r[MAX_THREADS];
    atomic_store(&writers_left, writers);
    for (long i = 0; i < writers; i++) CHECK(pthread_create(&w[i], NULL, writer, (void *)i) == 0);
    for (long i = 0; i < readers; i++) CHECK(pthread_create(&r[i], NULL, reader, (void *)i) == 0);
    for (int i = 0; i < writers; i++) CHECK(pthread_join(w[i], NULL) == 0);
    for (int i = 0; i < readers; i++) CHECK(pthread_join(r[i], NULL) == 0);

    /* Every writer's last round is what remains. */
    for (long t = 0; t < writers; t++) {
        char a[32], want[32];
        snprintf(a, sizeof a, "pair:b:%ld", t);
        snprintf(want, sizeof want, "%d", rounds - 1);
        uint8_t *v = NULL;
        size_t len = 0;
        CHECK_STATUS(SCALODB_OK, scalodb_get(db, a, strlen(a), &v, &len, ERR));
        CHECK(len == strlen(want) && memcmp(v, want, len) == 0);
        scalodb_free(v);
    }
    /* No update of either counter was lost. */
    long bumps = (long)writers * ((rounds + 9) / 10);
    const char *counters[] = {"txn:counter", "incr:counter"};
    for (int c = 0; c < 2; c++) {
        uint8_t *v = NULL;
        size_t len = 0;
        CHECK_STATUS(SCALODB_OK, scalodb_get(db, counters[c], strlen(counters[c]), &v, &len, ERR));
        CHECK(parse_value(v, len) == bumps);
        scalodb_free(v);
    }
    scalodb_stats stats = {.struct_size = sizeof stats};
    CHECK_STATUS(SCALODB_OK, scalodb_get_stats(db, &stats, ERR));
    CHECK(stats.batches == (uint64_t)writers * rounds);
    CHECK(stats.transactions == (uint64_t)bumps);
    CHECK(stats.open_views == 0); /* every snapshot and iterator was freed */

    /* Close from the main thread while readers are busy: they see SCALODB_CLOSED, nothing worse. */
    for (long i = 0; i < readers; i++) CHECK(pthread_create(&r[i], NULL, reader_until_closed, NULL) == 0);
    struct timespec pause = {0, 20 * 1000000L};
    nanosleep(&pause, NULL);
    CHECK_STATUS(SCALODB_OK, scalodb_close(db, ERR));
    atomic_store(&stop_readers, 1);
    for (int i = 0; i < readers; i++) CHECK(pthread_join(r[i], NULL) == 0);
    scalodb_db_free(db);
    rm_tree(dir);
    printf("test_threads: %ld passed, 0 failed (%d writers, %d readers, %d rounds, %ld conflicts retried)\n",
           (long)checks_passed, writers, readers, rounds, (long)atomic_load(&txn_conflicts));
    return 0;
}
