/* smoke.c: the C program release/check-c.sh builds against the unpacked release tarball, four
 * ways. It writes a key, closes the store, reopens it, reads the key back, and checks that the
 * library and the header it was compiled against both carry the release version. */
#include <scalodb.h>

#include <stdio.h>
#include <string.h>

static int fail(const char *what, scalodb_error *err) {
    fprintf(stderr, "%s failed: %s\n", what, err ? scalodb_error_message(err) : "(no error object)");
    scalodb_error_free(err);
    return 1;
}

static int open_store(const char *dir, scalodb_db **db, scalodb_error **err) {
    scalodb_options *opts = scalodb_options_new();
    scalodb_options_set_sync(opts, SCALODB_SYNC_ALWAYS, 0, NULL);
    scalodb_status st = scalodb_open(dir, opts, db, err);
    scalodb_options_free(opts);
    return st == SCALODB_OK;
}

int main(int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: smoke DIR EXPECTED_VERSION\n");
        return 2;
    }
    if (strcmp(scalodb_version(), argv[2]) != 0 || strcmp(SCALODB_VERSION_STRING, argv[2]) != 0) {
        fprintf(stderr, "version: library %s, header %s, expected %s\n", scalodb_version(),
                SCALODB_VERSION_STRING, argv[2]);
        return 1;
    }
    scalodb_error *err = NULL;
    scalodb_db *db = NULL;
    if (!open_store(argv[1], &db, &err)) return fail("open", err);
    if (scalodb_put(db, "release", 7, "tarball", 7, &err) != SCALODB_OK) return fail("put", err);
    if (scalodb_close(db, &err) != SCALODB_OK) return fail("close", err);
    scalodb_db_free(db);

    if (!open_store(argv[1], &db, &err)) return fail("reopen", err);
    uint8_t *value = NULL;
    size_t len = 0;
    if (scalodb_get(db, "release", 7, &value, &len, &err) != SCALODB_OK) return fail("get", err);
    int same = len == 7 && memcmp(value, "tarball", 7) == 0;
    scalodb_free(value);
    if (scalodb_close(db, &err) != SCALODB_OK) return fail("close", err);
    scalodb_db_free(db);
    if (!same) {
        fprintf(stderr, "read back the wrong value\n");
        return 1;
    }
    printf("scalodb %s: wrote, reopened and read back\n", scalodb_version());
    return 0;
}
