/* test_types.c: the typed operations of scalodb.h: scalodb_type, the scalodb_list results, hashes
 * and lists (sets and sorted sets are in test_types_sets.c); every function's results,
 * SCALODB_WRONG_TYPE on a key of another type, NULL and invalid arguments, a reopen, a closed
 * handle (every family), and ownership (every list and buffer is freed, which valgrind and ASan
 * check). Single-threaded. Run plain, under valgrind and with ASan+UBSan by `make test-ffi`. */
#define _XOPEN_SOURCE 700
#include "types.h"

static void test_type_and_kind_names(void) {
    scalodb_db *db = open_memory();
    expect_kind(db, "nothing", SCALODB_KIND_NONE);
    put(db, "s", "v");
    expect_kind(db, "s", SCALODB_KIND_STRING);
    scalodb_slice one[] = {S("a")};
    scalodb_slice val[] = {S("1")};
    double score = 1;
    CHECK_STATUS(SCALODB_OK, scalodb_hset(db, K("h"), one, val, 1, NULL, ERR));
    CHECK_STATUS(SCALODB_OK, scalodb_push(db, K("l"), SCALODB_RIGHT, one, 1, NULL, ERR));
    CHECK_STATUS(SCALODB_OK, scalodb_sadd(db, K("st"), one, 1, NULL, ERR));
    CHECK_STATUS(SCALODB_OK, scalodb_zadd(db, K("z"), &score, one, 1, 0, NULL, ERR));
    expect_kind(db, "h", SCALODB_KIND_HASH);
    expect_kind(db, "l", SCALODB_KIND_LIST);
    expect_kind(db, "st", SCALODB_KIND_SET);
    expect_kind(db, "z", SCALODB_KIND_ZSET);
    const char *names[] = {"none", "string", "hash", "list", "set", "zset"};
    for (int i = 0; i < 6; i++) CHECK(strcmp(scalodb_kind_name(i), names[i]) == 0);
    CHECK(strcmp(scalodb_kind_name(6), "unknown") == 0);
    CHECK(strcmp(scalodb_kind_name(-1), "unknown") == 0);
    /* A deleted collection is absent again, and the key takes another type. */
    CHECK_STATUS(SCALODB_OK, scalodb_delete(db, K("h"), NULL, ERR));
    expect_kind(db, "h", SCALODB_KIND_NONE);
    scalodb_kind kind;
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_type(NULL, K("h"), &kind, ERR));
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_type(db, K("h"), NULL, ERR));
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_type(db, NULL, 1, &kind, ERR));
    scalodb_db_free(db);
}

static void test_lists_of_results(void) {
    scalodb_db *db = open_memory();
    scalodb_list *l = NULL;
    CHECK_STATUS(SCALODB_OK, scalodb_smembers(db, K("absent"), &l, ERR));
    CHECK(l != NULL && scalodb_list_len(l) == 0);
    const uint8_t *p = NULL;
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_list_get(l, 0, &p, NULL, NULL, NULL, NULL, ERR));
    scalodb_list_free(l);
    CHECK(scalodb_list_len(NULL) == 0);
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_list_get(NULL, 0, &p, NULL, NULL, NULL, NULL, ERR));
    scalodb_list_free(NULL);
    /* An empty element has a pointer that is not NULL; every output is optional. */
    scalodb_slice members[] = {S(""), S("b")};
    CHECK_STATUS(SCALODB_OK, scalodb_sadd(db, K("s"), members, 2, NULL, ERR));
    CHECK_STATUS(SCALODB_OK, scalodb_smembers(db, K("s"), &l, ERR));
    size_t n = 99;
    CHECK_STATUS(SCALODB_OK, scalodb_list_get(l, 0, &p, &n, NULL, NULL, NULL, ERR));
    CHECK(p != NULL && n == 0);
    CHECK_STATUS(SCALODB_OK, scalodb_list_get(l, 1, NULL, NULL, NULL, NULL, NULL, ERR));
    /* A list stays as it was whatever is written after it was made. */
    CHECK_STATUS(SCALODB_OK, scalodb_delete(db, K("s"), NULL, ERR));
    expect_items(l, (const char *[]){"", "b", NULL});
    scalodb_db_free(db);
}

static void test_hashes(void) {
    scalodb_db *db = open_memory();
    scalodb_slice fields[] = {S("name"), S("age"), S("name")};
    scalodb_slice values[] = {S("ann"), S("41"), S("anna")};
    size_t added = 99, n = 99;
    CHECK_STATUS(SCALODB_OK, scalodb_hset(db, K("u"), fields, values, 3, &added, ERR));
    CHECK(added == 2);
    CHECK_STATUS(SCALODB_OK, scalodb_hset(db, K("u"), fields, values, 2, &added, ERR)); /* name: back to ann */
    CHECK(added == 0);
    CHECK_STATUS(SCALODB_OK, scalodb_hset(db, K("u"), NULL, NULL, 0, NULL, ERR)); /* nothing to set */
    CHECK_STATUS(SCALODB_OK, scalodb_hlen(db, K("u"), &n, ERR));
    CHECK(n == 2);
    uint8_t *v = (uint8_t *)&v;
    size_t vlen = 99;
    CHECK_STATUS(SCALODB_OK, scalodb_hget(db, K("u"), K("name"), &v, &vlen, ERR));
    CHECK(vlen == 3 && memcmp(v, "ann", 3) == 0 && v[3] == 0);
    scalodb_free(v);
    CHECK_STATUS(SCALODB_NOT_FOUND, scalodb_hget(db, K("u"), K("nope"), &v, &vlen, ERR));
    CHECK(v == NULL && vlen == 0);
    CHECK_STATUS(SCALODB_NOT_FOUND, scalodb_hget(db, K("absent"), K("name"), &v, &vlen, ERR));

    scalodb_list *l = NULL;
    CHECK_STATUS(SCALODB_OK, scalodb_hgetall(db, K("u"), &l, ERR));
    CHECK(scalodb_list_len(l) == 2);
    expect_entry(l, 0, "age", "41"); /* field order */
    expect_entry(l, 1, "name", "ann");
    scalodb_list_free(l);
    CHECK_STATUS(SCALODB_OK, scalodb_hgetall(db, K("absent"), &l, ERR));
    CHECK(scalodb_list_len(l) == 0);
    scalodb_list_free(l);

    bool exists = false;
    CHECK_STATUS(SCALODB_OK, scalodb_hexists(db, K("u"), K("age"), &exists, ERR));
    CHECK(exists);
    CHECK_STATUS(SCALODB_OK, scalodb_hexists(db, K("u"), K("nope"), &exists, ERR));
    CHECK(!exists);
    CHECK_STATUS(SCALODB_OK, scalodb_hexists(db, K("absent"), K("age"), &exists, ERR));
    CHECK(!exists);
    CHECK_STATUS(SCALODB_OK, scalodb_hkeys(db, K("u"), &l, ERR));
    expect_items(l, (const char *[]){"age", "name", NULL});
    CHECK_STATUS(SCALODB_OK, scalodb_hvals(db, K("u"), &l, ERR));
    expect_items(l, (const char *[]){"41", "ann", NULL});
    CHECK_STATUS(SCALODB_OK, scalodb_hkeys(db, K("absent"), &l, ERR));
    expect_items(l, (const char *[]){NULL});
    CHECK_STATUS(SCALODB_OK, scalodb_hvals(db, K("absent"), &l, ERR));
    expect_items(l, (const char *[]){NULL});

    int64_t r = 0;
    CHECK_STATUS(SCALODB_OK, scalodb_hincrby(db, K("u"), K("age"), 1, &r, ERR));
    CHECK(r == 42);
    CHECK_STATUS(SCALODB_OK, scalodb_hincrby(db, K("u"), K("visits"), -5, &r, ERR)); /* absent: 0 */
    CHECK(r == -5);
    CHECK_STATUS(SCALODB_WRONG_TYPE, scalodb_hincrby(db, K("u"), K("name"), 1, &r, ERR)); /* not a number */
    CHECK_STATUS(SCALODB_OK, scalodb_hincrby(db, K("u"), K("big"), INT64_MAX, &r, ERR));
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_hincrby(db, K("u"), K("big"), 1, &r, ERR)); /* overflow */
    CHECK(r == INT64_MAX);

    scalodb_slice del[] = {S("visits"), S("big"), S("nope")};
    size_t removed = 99;
    CHECK_STATUS(SCALODB_OK, scalodb_hdel(db, K("u"), del, 3, &removed, ERR));
    CHECK(removed == 2);
    scalodb_slice rest[] = {S("age"), S("name")};
    CHECK_STATUS(SCALODB_OK, scalodb_hdel(db, K("u"), rest, 2, NULL, ERR));
    expect_kind(db, "u", SCALODB_KIND_NONE); /* an emptied hash is deleted */
    CHECK_STATUS(SCALODB_OK, scalodb_hlen(db, K("u"), &n, ERR));
    CHECK(n == 0);

    /* Wrong type: a string key, and a list key; nothing is changed. */
    put(db, "str", "x");
    CHECK_STATUS(SCALODB_WRONG_TYPE, scalodb_hset(db, K("str"), fields, values, 1, &added, ERR));
    CHECK_STATUS(SCALODB_WRONG_TYPE, scalodb_hget(db, K("str"), K("name"), &v, &vlen, ERR));
    CHECK_STATUS(SCALODB_WRONG_TYPE, scalodb_hdel(db, K("str"), fields, 1, NULL, ERR));
    CHECK_STATUS(SCALODB_WRONG_TYPE, scalodb_hlen(db, K("str"), &n, ERR));
    CHECK_STATUS(SCALODB_WRONG_TYPE, scalodb_hgetall(db, K("str"), &l, ERR));
    CHECK_STATUS(SCALODB_WRONG_TYPE, scalodb_hincrby(db, K("str"), K("n"), 1, &r, ERR));
    CHECK_STATUS(SCALODB_WRONG_TYPE, scalodb_hexists(db, K("str"), K("n"), &exists, ERR));
    CHECK_STATUS(SCALODB_WRONG_TYPE, scalodb_hkeys(db, K("str"), &l, ERR));
    CHECK_STATUS(SCALODB_WRONG_TYPE, scalodb_hvals(db, K("str"), &l, ERR));
    expect_value(db, "str", "x");
    CHECK_STATUS(SCALODB_OK, scalodb_push(db, K("list"), SCALODB_LEFT, values, 1, NULL, ERR));
    CHECK_STATUS(SCALODB_WRONG_TYPE, scalodb_hset(db, K("list"), fields, values, 1, NULL, ERR));

    /* NULL and invalid arguments. */
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_hset(NULL, K("u"), fields, values, 1, &added, ERR));
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_hset(db, NULL, 1, fields, values, 1, &added, ERR));
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_hset(db, K("u"), NULL, values, 1, &added, ERR));
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_hset(db, K("u"), fields, NULL, 1, &added, ERR));
    scalodb_slice bad[] = {{NULL, 4}};
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_hset(db, K("u"), bad, values, 1, &added, ERR));
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_hget(NULL, K("u"), K("a"), &v, &vlen, ERR));
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_hget(db, K("u"), K("a"), NULL, &vlen, ERR));
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_hget(db, K("u"), K("a"), &v, NULL, ERR));
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_hget(db, K("u"), NULL, 1, &v, &vlen, ERR));
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_hdel(NULL, K("u"), fields, 1, NULL, ERR));
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_hdel(db, K("u"), NULL, 1, NULL, ERR));
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_hlen(NULL, K("u"), &n, ERR));
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_hlen(db, K("u"), NULL, ERR));
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_hgetall(NULL, K("u"), &l, ERR));
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_hgetall(db, K("u"), NULL, ERR));
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_hincrby(NULL, K("u"), K("a"), 1, &r, ERR));
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_hincrby(db, K("u"), K("a"), 1, NULL, ERR));
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_hexists(NULL, K("u"), K("a"), &exists, ERR));
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_hexists(db, K("u"), K("a"), NULL, ERR));
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_hexists(db, K("u"), NULL, 1, &exists, ERR));
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_hkeys(NULL, K("u"), &l, ERR));
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_hkeys(db, K("u"), NULL, ERR));
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_hvals(NULL, K("u"), &l, ERR));
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_hvals(db, K("u"), NULL, ERR));
    expect_kind(db, "u", SCALODB_KIND_NONE); /* none of the refused calls created it */
    /* Sizes: a key over max_key_size, a value over max_value_size. */
    static char huge[70 * 1024];
    memset(huge, 'k', sizeof huge);
    CHECK_STATUS(SCALODB_KEY_TOO_LARGE, scalodb_hset(db, huge, sizeof huge, fields, values, 1, NULL, ERR));
    scalodb_db_free(db);
}

static void test_lists(void) {
    scalodb_db *db = open_memory();
    scalodb_slice abc[] = {S("a"), S("b"), S("c")};
    size_t len = 99;
    CHECK_STATUS(SCALODB_OK, scalodb_push(db, K("l"), SCALODB_LEFT, abc, 3, &len, ERR)); /* c b a */
    CHECK(len == 3);
    CHECK_STATUS(SCALODB_OK, scalodb_push(db, K("l"), SCALODB_RIGHT, abc, 3, &len, ERR)); /* c b a a b c */
    CHECK(len == 6);
    CHECK_STATUS(SCALODB_OK, scalodb_llen(db, K("l"), &len, ERR));
    CHECK(len == 6);
    scalodb_list *l = NULL;
    CHECK_STATUS(SCALODB_OK, scalodb_lrange(db, K("l"), 0, -1, &l, ERR));
    expect_items(l, (const char *[]){"c", "b", "a", "a", "b", "c", NULL});
    CHECK_STATUS(SCALODB_OK, scalodb_lrange(db, K("l"), -2, 100, &l, ERR));
    expect_items(l, (const char *[]){"b", "c", NULL});
    CHECK_STATUS(SCALODB_OK, scalodb_lrange(db, K("l"), 4, 2, &l, ERR));
    expect_items(l, (const char *[]){NULL});

    uint8_t *v = NULL;
    size_t vlen = 0;
    CHECK_STATUS(SCALODB_OK, scalodb_lindex(db, K("l"), -1, &v, &vlen, ERR));
    CHECK(vlen == 1 && v[0] == 'c' && v[1] == 0);
    scalodb_free(v);
    CHECK_STATUS(SCALODB_NOT_FOUND, scalodb_lindex(db, K("l"), 6, &v, &vlen, ERR));
    CHECK(v == NULL && vlen == 0);
    CHECK_STATUS(SCALODB_NOT_FOUND, scalodb_lindex(db, K("absent"), 0, &v, &vlen, ERR));

    CHECK_STATUS(SCALODB_OK, scalodb_lset(db, K("l"), 1, K("B"), ERR));
    CHECK_STATUS(SCALODB_OK, scalodb_lset(db, K("l"), -1, K("C"), ERR));
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_lset(db, K("l"), 6, K("x"), ERR)); /* out of range */
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_lset(db, K("absent"), 0, K("x"), ERR)); /* no such key */
    expect_kind(db, "absent", SCALODB_KIND_NONE);

    size_t removed = 99;
    CHECK_STATUS(SCALODB_OK, scalodb_lrem(db, K("l"), 1, K("a"), &removed, ERR)); /* c B a b C */
    CHECK(removed == 1);
    CHECK_STATUS(SCALODB_OK, scalodb_lrem(db, K("l"), 0, K("zz"), &removed, ERR));
    CHECK(removed == 0);
    CHECK_STATUS(SCALODB_OK, scalodb_lrange(db, K("l"), 0, -1, &l, ERR));
    expect_items(l, (const char *[]){"c", "B", "a", "b", "C", NULL});
    CHECK_STATUS(SCALODB_OK, scalodb_ltrim(db, K("l"), 1, -2, ERR)); /* B a b */
    CHECK_STATUS(SCALODB_OK, scalodb_lrange(db, K("l"), 0, -1, &l, ERR));
    expect_items(l, (const char *[]){"B", "a", "b", NULL});

    CHECK_STATUS(SCALODB_OK, scalodb_pop(db, K("l"), SCALODB_RIGHT, 2, &l, ERR));
    expect_items(l, (const char *[]){"b", "a", NULL}); /* in the order popped */
    CHECK_STATUS(SCALODB_OK, scalodb_pop(db, K("l"), SCALODB_LEFT, 10, &l, ERR));
    expect_items(l, (const char *[]){"B", NULL});
    expect_kind(db, "l", SCALODB_KIND_NONE); /* an emptied list is deleted */
    CHECK_STATUS(SCALODB_OK, scalodb_pop(db, K("l"), SCALODB_LEFT, 1, &l, ERR));
    expect_items(l, (const char *[]){NULL});
    /* LMOVE: between two lists, then a rotation of one; an empty source moves nothing. */
    CHECK_STATUS(SCALODB_OK, scalodb_push(db, K("m1"), SCALODB_RIGHT, abc, 3, NULL, ERR)); /* a b c */
    CHECK_STATUS(SCALODB_OK, scalodb_lmove(db, K("m1"), K("m2"), SCALODB_LEFT, SCALODB_RIGHT, &v, &vlen, ERR));
    CHECK(vlen == 1 && v[0] == 'a');
    scalodb_free(v);
    CHECK_STATUS(SCALODB_OK, scalodb_lmove(db, K("m1"), K("m2"), SCALODB_RIGHT, SCALODB_LEFT, &v, &vlen, ERR));
    CHECK(vlen == 1 && v[0] == 'c');
    scalodb_free(v);
    CHECK_STATUS(SCALODB_OK, scalodb_lrange(db, K("m2"), 0, -1, &l, ERR));
    expect_items(l, (const char *[]){"c", "a", NULL});
    CHECK_STATUS(SCALODB_OK, scalodb_lmove(db, K("m2"), K("m2"), SCALODB_LEFT, SCALODB_RIGHT, &v, &vlen, ERR));
    scalodb_free(v);
    CHECK_STATUS(SCALODB_OK, scalodb_lrange(db, K("m2"), 0, -1, &l, ERR));
    expect_items(l, (const char *[]){"a", "c", NULL});
    CHECK_STATUS(SCALODB_OK, scalodb_lmove(db, K("m1"), K("m3"), SCALODB_LEFT, SCALODB_LEFT, &v, &vlen, ERR));
    scalodb_free(v); /* b: m1 is now empty, so deleted */
    expect_kind(db, "m1", SCALODB_KIND_NONE);
    CHECK_STATUS(SCALODB_NOT_FOUND, scalodb_lmove(db, K("m1"), K("m3"), SCALODB_LEFT, SCALODB_LEFT, &v, &vlen, ERR));
    CHECK(v == NULL && vlen == 0);

    CHECK_STATUS(SCALODB_OK, scalodb_push(db, K("t"), SCALODB_RIGHT, abc, 3, NULL, ERR));
    CHECK_STATUS(SCALODB_OK, scalodb_ltrim(db, K("t"), 5, 10, ERR)); /* empty range: deleted */
    expect_kind(db, "t", SCALODB_KIND_NONE);
    CHECK_STATUS(SCALODB_OK, scalodb_ltrim(db, K("t"), 0, 1, ERR));
    CHECK_STATUS(SCALODB_OK, scalodb_lrem(db, K("t"), 0, K("a"), NULL, ERR));

    /* Wrong type. */
    put(db, "str", "x");
    CHECK_STATUS(SCALODB_WRONG_TYPE, scalodb_push(db, K("str"), SCALODB_LEFT, abc, 1, &len, ERR));
    CHECK_STATUS(SCALODB_WRONG_TYPE, scalodb_pop(db, K("str"), SCALODB_LEFT, 1, &l, ERR));
    CHECK_STATUS(SCALODB_WRONG_TYPE, scalodb_llen(db, K("str"), &len, ERR));
    CHECK_STATUS(SCALODB_WRONG_TYPE, scalodb_lrange(db, K("str"), 0, -1, &l, ERR));
    CHECK_STATUS(SCALODB_WRONG_TYPE, scalodb_lindex(db, K("str"), 0, &v, &vlen, ERR));
    CHECK_STATUS(SCALODB_WRONG_TYPE, scalodb_lset(db, K("str"), 0, K("y"), ERR));
    CHECK_STATUS(SCALODB_WRONG_TYPE, scalodb_ltrim(db, K("str"), 0, 1, ERR));
    CHECK_STATUS(SCALODB_WRONG_TYPE, scalodb_lrem(db, K("str"), 0, K("x"), NULL, ERR));
    CHECK_STATUS(SCALODB_WRONG_TYPE, scalodb_lmove(db, K("str"), K("m2"), SCALODB_LEFT, SCALODB_LEFT, &v, &vlen, ERR));
    CHECK_STATUS(SCALODB_WRONG_TYPE, scalodb_lmove(db, K("m2"), K("str"), SCALODB_LEFT, SCALODB_LEFT, &v, &vlen, ERR));
    CHECK_STATUS(SCALODB_OK, scalodb_llen(db, K("m2"), &len, ERR));
    CHECK(len == 2); /* the refused move took nothing */
    expect_value(db, "str", "x");

    /* NULL and invalid arguments. */
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_push(NULL, K("l"), SCALODB_LEFT, abc, 1, &len, ERR));
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_push(db, K("l"), 2, abc, 1, &len, ERR)); /* not an end */
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_push(db, K("l"), -1, abc, 1, &len, ERR));
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_push(db, K("l"), SCALODB_LEFT, NULL, 1, &len, ERR));
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_push(db, NULL, 1, SCALODB_LEFT, abc, 1, &len, ERR));
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_pop(NULL, K("l"), SCALODB_LEFT, 1, &l, ERR));
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_pop(db, K("l"), 7, 1, &l, ERR));
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_pop(db, K("l"), SCALODB_LEFT, 1, NULL, ERR));
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_llen(NULL, K("l"), &len, ERR));
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_llen(db, K("l"), NULL, ERR));
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_lrange(NULL, K("l"), 0, 1, &l, ERR));
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_lrange(db, K("l"), 0, 1, NULL, ERR));
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_lindex(NULL, K("l"), 0, &v, &vlen, ERR));
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_lindex(db, K("l"), 0, NULL, &vlen, ERR));
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_lindex(db, K("l"), 0, &v, NULL, ERR));
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_lset(NULL, K("l"), 0, K("x"), ERR));
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_lset(db, K("l"), 0, NULL, 1, ERR));
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_ltrim(NULL, K("l"), 0, 1, ERR));
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_lrem(NULL, K("l"), 0, K("x"), NULL, ERR));
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_lrem(db, K("l"), 0, NULL, 1, NULL, ERR));
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_lmove(NULL, K("m2"), K("x"), SCALODB_LEFT, SCALODB_LEFT, &v, &vlen, ERR));
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_lmove(db, K("m2"), K("x"), 2, SCALODB_LEFT, &v, &vlen, ERR));
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_lmove(db, K("m2"), K("x"), SCALODB_LEFT, -1, &v, &vlen, ERR));
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_lmove(db, K("m2"), NULL, 1, SCALODB_LEFT, SCALODB_LEFT, &v, &vlen, ERR));
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_lmove(db, K("m2"), K("x"), SCALODB_LEFT, SCALODB_LEFT, NULL, &vlen, ERR));
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_lmove(db, K("m2"), K("x"), SCALODB_LEFT, SCALODB_LEFT, &v, NULL, ERR));
    expect_kind(db, "x", SCALODB_KIND_NONE);
    expect_kind(db, "l", SCALODB_KIND_NONE);
    scalodb_db_free(db);
}

/* Collections survive a reopen (the log replays their edits), and a checkpoint. */
static void test_persistence(void) {
    char *dir = make_temp_dir();
    for (int round = 0; round < 3; round++) {
        scalodb_db *db = NULL;
        CHECK_STATUS(SCALODB_OK, scalodb_open(dir, NULL, &db, ERR));
        if (round == 0) {
            scalodb_slice f[] = {S("f")}, v[] = {S("v")}, e[] = {S("x"), S("y")};
            double sc = 7;
            CHECK_STATUS(SCALODB_OK, scalodb_hset(db, K("h"), f, v, 1, NULL, ERR));
            CHECK_STATUS(SCALODB_OK, scalodb_push(db, K("l"), SCALODB_RIGHT, e, 2, NULL, ERR));
            CHECK_STATUS(SCALODB_OK, scalodb_sadd(db, K("s"), e, 2, NULL, ERR));
            CHECK_STATUS(SCALODB_OK, scalodb_zadd(db, K("z"), &sc, e, 1, 0, NULL, ERR));
        } else {
            scalodb_list *l = NULL;
            CHECK_STATUS(SCALODB_OK, scalodb_hgetall(db, K("h"), &l, ERR));
            CHECK(scalodb_list_len(l) == 1);
            expect_entry(l, 0, "f", "v");
            scalodb_list_free(l);
            CHECK_STATUS(SCALODB_OK, scalodb_lrange(db, K("l"), 0, -1, &l, ERR));
            expect_items(l, (const char *[]){"x", "y", NULL});
            CHECK_STATUS(SCALODB_OK, scalodb_smembers(db, K("s"), &l, ERR));
            expect_items(l, (const char *[]){"x", "y", NULL});
            CHECK_STATUS(SCALODB_OK, scalodb_zrange(db, K("z"), 0, -1, false, &l, ERR));
            expect_scored(l, (const char *[]){"x"}, (double[]){7}, 1);
            if (round == 1) CHECK_STATUS(SCALODB_OK, scalodb_checkpoint(db, ERR));
        }
        CHECK_STATUS(SCALODB_OK, scalodb_close(db, ERR));
        scalodb_db_free(db);
    }
    rm_tree(dir);
}

/* Every typed function on a closed handle is SCALODB_CLOSED, and gives no list. */
static void test_closed(void) {
    scalodb_db *db = open_memory();
    CHECK_STATUS(SCALODB_OK, scalodb_close(db, ERR));
    scalodb_slice a[] = {S("a")};
    double sc = 1;
    size_t n;
    bool b;
    int64_t r;
    double d;
    uint8_t *v;
    scalodb_kind kind;
    scalodb_list *l = NULL;
    scalodb_score_bound lo = incl(0), hi = incl(1);
    CHECK_STATUS(SCALODB_CLOSED, scalodb_type(db, K("k"), &kind, ERR));
    CHECK_STATUS(SCALODB_CLOSED, scalodb_hset(db, K("k"), a, a, 1, &n, ERR));
    CHECK_STATUS(SCALODB_CLOSED, scalodb_hget(db, K("k"), K("a"), &v, &n, ERR));
    CHECK_STATUS(SCALODB_CLOSED, scalodb_hdel(db, K("k"), a, 1, &n, ERR));
    CHECK_STATUS(SCALODB_CLOSED, scalodb_hlen(db, K("k"), &n, ERR));
    CHECK_STATUS(SCALODB_CLOSED, scalodb_hgetall(db, K("k"), &l, ERR));
    CHECK_STATUS(SCALODB_CLOSED, scalodb_hincrby(db, K("k"), K("a"), 1, &r, ERR));
    CHECK_STATUS(SCALODB_CLOSED, scalodb_hexists(db, K("k"), K("a"), &b, ERR));
    CHECK_STATUS(SCALODB_CLOSED, scalodb_hkeys(db, K("k"), &l, ERR));
    CHECK_STATUS(SCALODB_CLOSED, scalodb_hvals(db, K("k"), &l, ERR));
    CHECK_STATUS(SCALODB_CLOSED, scalodb_lmove(db, K("k"), K("d"), SCALODB_LEFT, SCALODB_LEFT, &v, &n, ERR));
    CHECK_STATUS(SCALODB_CLOSED, scalodb_smove(db, K("k"), K("d"), K("a"), &b, ERR));
    CHECK_STATUS(SCALODB_CLOSED, scalodb_srandmember(db, K("k"), 1, &l, ERR));
    CHECK_STATUS(SCALODB_CLOSED, scalodb_zremrangebyscore(db, K("k"), lo, hi, &n, ERR));
    CHECK_STATUS(SCALODB_CLOSED, scalodb_zremrangebyrank(db, K("k"), 0, -1, &n, ERR));
    CHECK_STATUS(SCALODB_CLOSED, scalodb_push(db, K("k"), SCALODB_LEFT, a, 1, &n, ERR));
    CHECK_STATUS(SCALODB_CLOSED, scalodb_pop(db, K("k"), SCALODB_LEFT, 1, &l, ERR));
    CHECK_STATUS(SCALODB_CLOSED, scalodb_llen(db, K("k"), &n, ERR));
    CHECK_STATUS(SCALODB_CLOSED, scalodb_lrange(db, K("k"), 0, -1, &l, ERR));
    CHECK_STATUS(SCALODB_CLOSED, scalodb_lindex(db, K("k"), 0, &v, &n, ERR));
    CHECK_STATUS(SCALODB_CLOSED, scalodb_lset(db, K("k"), 0, K("a"), ERR));
    CHECK_STATUS(SCALODB_CLOSED, scalodb_ltrim(db, K("k"), 0, 1, ERR));
    CHECK_STATUS(SCALODB_CLOSED, scalodb_lrem(db, K("k"), 0, K("a"), &n, ERR));
    CHECK_STATUS(SCALODB_CLOSED, scalodb_sadd(db, K("k"), a, 1, &n, ERR));
    CHECK_STATUS(SCALODB_CLOSED, scalodb_srem(db, K("k"), a, 1, &n, ERR));
    CHECK_STATUS(SCALODB_CLOSED, scalodb_sismember(db, K("k"), K("a"), &b, ERR));
    CHECK_STATUS(SCALODB_CLOSED, scalodb_scard(db, K("k"), &n, ERR));
    CHECK_STATUS(SCALODB_CLOSED, scalodb_smembers(db, K("k"), &l, ERR));
    CHECK_STATUS(SCALODB_CLOSED, scalodb_spop(db, K("k"), 1, &l, ERR));
    CHECK_STATUS(SCALODB_CLOSED, scalodb_set_algebra(db, SCALODB_SET_UNION, a, 1, &l, ERR));
    CHECK_STATUS(SCALODB_CLOSED, scalodb_set_algebra_store(db, SCALODB_SET_UNION, K("d"), a, 1, &n, ERR));
    CHECK_STATUS(SCALODB_CLOSED, scalodb_zadd(db, K("k"), &sc, a, 1, 0, &n, ERR));
    CHECK_STATUS(SCALODB_CLOSED, scalodb_zincrby(db, K("k"), 1, K("a"), &d, ERR));
    CHECK_STATUS(SCALODB_CLOSED, scalodb_zrem(db, K("k"), a, 1, &n, ERR));
    CHECK_STATUS(SCALODB_CLOSED, scalodb_zscore(db, K("k"), K("a"), &d, ERR));
    CHECK_STATUS(SCALODB_CLOSED, scalodb_zcard(db, K("k"), &n, ERR));
    CHECK_STATUS(SCALODB_CLOSED, scalodb_zrank(db, K("k"), K("a"), false, &n, &d, ERR));
    CHECK_STATUS(SCALODB_CLOSED, scalodb_zrange(db, K("k"), 0, -1, false, &l, ERR));
    CHECK_STATUS(SCALODB_CLOSED, scalodb_zrangebyscore(db, K("k"), lo, hi, false, 0, -1, &l, ERR));
    CHECK_STATUS(SCALODB_CLOSED, scalodb_zpop(db, K("k"), true, 1, &l, ERR));
    CHECK_STATUS(SCALODB_CLOSED, scalodb_zcount(db, K("k"), lo, hi, &n, ERR));
    CHECK(l == NULL);
    scalodb_db_free(db);
}

/* Many elements: lists built from big arrays and read back whole (ownership of large results). */
static void test_many(void) {
    scalodb_db *db = open_memory();
    enum { N = 2000 };
    static char text[N][8];
    static scalodb_slice items[N];
    static double scores[N];
    for (int i = 0; i < N; i++) {
        int len = snprintf(text[i], sizeof text[i], "%05d", i);
        items[i] = (scalodb_slice){text[i], (size_t)len};
        scores[i] = N - i;
    }
    size_t n = 0;
    CHECK_STATUS(SCALODB_OK, scalodb_push(db, K("l"), SCALODB_RIGHT, items, N, &n, ERR));
    CHECK(n == N);
    CHECK_STATUS(SCALODB_OK, scalodb_sadd(db, K("s"), items, N, &n, ERR));
    CHECK(n == N);
    CHECK_STATUS(SCALODB_OK, scalodb_hset(db, K("h"), items, items, N, &n, ERR));
    CHECK(n == N);
    CHECK_STATUS(SCALODB_OK, scalodb_zadd(db, K("z"), scores, items, N, 0, &n, ERR));
    CHECK(n == N);
    scalodb_list *l = NULL;
    CHECK_STATUS(SCALODB_OK, scalodb_lrange(db, K("l"), 0, -1, &l, ERR));
    CHECK(scalodb_list_len(l) == N);
    for (int i = 0; i < N; i += 97) expect_entry(l, (size_t)i, text[i], NULL);
    scalodb_list_free(l);
    CHECK_STATUS(SCALODB_OK, scalodb_hgetall(db, K("h"), &l, ERR));
    CHECK(scalodb_list_len(l) == N);
    for (int i = 0; i < N; i += 89) expect_entry(l, (size_t)i, text[i], text[i]);
    scalodb_list_free(l);
    CHECK_STATUS(SCALODB_OK, scalodb_zrange(db, K("z"), 0, 0, false, &l, ERR));
    expect_scored(l, (const char *[]){text[N - 1]}, (double[]){1}, 1);
    CHECK_STATUS(SCALODB_OK, scalodb_spop(db, K("s"), N, &l, ERR));
    CHECK(scalodb_list_len(l) == N);
    scalodb_list_free(l);
    scalodb_db_free(db); /* the remaining collections are freed with the store */
}

int main(void) {
    test_type_and_kind_names();
    test_lists_of_results();
    test_hashes();
    test_lists();
    test_persistence();
    test_closed();
    test_many();
    printf("test_types: %ld passed, 0 failed\n", (long)checks_passed);
    return 0;
}
