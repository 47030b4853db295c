/* check.h: the small assertion, temp-directory and store helpers shared by the C tests of the C ABI.
 * A failed check prints where and why and exits with status 1; main prints the tally. */
#ifndef SCALODB_TEST_CHECK_H
#define SCALODB_TEST_CHECK_H

#include <scalodb.h>

#include <ftw.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Atomic because the thread test checks from many threads. */
static atomic_long checks_passed = 0;

#define CHECK(cond)                                                                     \
    do {                                                                                \
        if (!(cond)) {                                                                  \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);   \
            exit(1);                                                                    \
        }                                                                               \
        checks_passed++;                                                                \
    } while (0)

/* Runs a call that takes `&err` and checks its status; on a mismatch prints the error message. */
#define CHECK_STATUS(expected, call)                                                    \
    do {                                                                                \
        scalodb_error *err_ = NULL;                                                     \
        scalodb_error **errp_ = &err_;                                                  \
        (void)errp_;                                                                    \
        scalodb_status got_ = (call);                                                   \
        if (got_ != (expected)) {                                                       \
            fprintf(stderr, "%s:%d: %s returned %s, expected %s: %s\n", __FILE__,       \
                    __LINE__, #call, scalodb_status_name(got_),                         \
                    scalodb_status_name(expected), scalodb_error_message(err_));        \
            exit(1);                                                                    \
        }                                                                               \
        /* An error object comes with failures only, and carries the same status. */  \
        int is_failure_ = got_ != SCALODB_OK && got_ != SCALODB_NOT_FOUND && got_ != SCALODB_END; \
        CHECK((err_ != NULL) == is_failure_);                                           \
        if (err_ != NULL) {                                                             \
            CHECK(scalodb_error_status(err_) == got_);                                  \
            CHECK(strlen(scalodb_error_message(err_)) > 0);                             \
        }                                                                               \
        scalodb_error_free(err_);                                                       \
        checks_passed++;                                                                \
    } while (0)

/* `ERR` is what the call expressions pass as their error argument inside CHECK_STATUS. */
#define ERR errp_

static inline int remove_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw) {
    (void)sb, (void)flag, (void)ftw;
    return remove(path);
}

/* Makes a fresh directory under /tmp; `rm_tree` removes it. */
static inline char *make_temp_dir(void) {
    char *dir = strdup("/tmp/scalodb-c-test-XXXXXX");
    if (dir == NULL || mkdtemp(dir) == NULL) {
        perror("mkdtemp");
        exit(1);
    }
    return dir;
}

static inline void rm_tree(char *dir) {
    nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
    free(dir);
}

#include <time.h>

static inline void sleep_ms(long ms) {
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

static inline scalodb_db *open_memory(void) {
    scalodb_db *db = NULL;
    CHECK_STATUS(SCALODB_OK, scalodb_open_memory(NULL, &db, ERR));
    return db;
}

/* Gets `key` and checks it holds `expected` (NULL: absent). */
static inline void expect_value(const scalodb_db *db, const char *key, const char *expected) {
    uint8_t *value = (uint8_t *)&value; /* a junk pointer: the call must overwrite it */
    size_t len = 99;
    if (expected == NULL) {
        CHECK_STATUS(SCALODB_NOT_FOUND, scalodb_get(db, key, strlen(key), &value, &len, ERR));
        CHECK(value == NULL && len == 0);
        return;
    }
    CHECK_STATUS(SCALODB_OK, scalodb_get(db, key, strlen(key), &value, &len, ERR));
    CHECK(len == strlen(expected) && memcmp(value, expected, len) == 0);
    CHECK(value[len] == 0); /* buffers end with a NUL that is not counted */
    scalodb_free(value);
}

static inline void put(const scalodb_db *db, const char *key, const char *value) {
    CHECK_STATUS(SCALODB_OK, scalodb_put(db, key, strlen(key), value, strlen(value), ERR));
}

#endif
