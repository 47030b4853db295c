/* test_types_sets.c: the set and sorted-set operations of scalodb.h (scalodb_sadd ...
 * scalodb_set_algebra_store, scalodb_zadd ... scalodb_zcount): results, flags and score bounds,
 * SCALODB_WRONG_TYPE, NULL and invalid arguments, and ownership of the lists they return.
 * Single-threaded. Run plain, under valgrind and with ASan+UBSan by `make test-ffi`. */
#define _XOPEN_SOURCE 700
#include "types.h"

static void test_sets(void) {
    scalodb_db *db = open_memory();
    scalodb_slice m[] = {S("c"), S("a"), S("b"), S("a")};
    size_t n = 99;
    CHECK_STATUS(SCALODB_OK, scalodb_sadd(db, K("s1"), m, 4, &n, ERR));
    CHECK(n == 3);
    CHECK_STATUS(SCALODB_OK, scalodb_sadd(db, K("s1"), m, 2, &n, ERR));
    CHECK(n == 0);
    CHECK_STATUS(SCALODB_OK, scalodb_scard(db, K("s1"), &n, ERR));
    CHECK(n == 3);
    bool is = false;
    CHECK_STATUS(SCALODB_OK, scalodb_sismember(db, K("s1"), K("b"), &is, ERR));
    CHECK(is);
    CHECK_STATUS(SCALODB_OK, scalodb_sismember(db, K("s1"), K("z"), &is, ERR));
    CHECK(!is);
    CHECK_STATUS(SCALODB_OK, scalodb_sismember(db, K("absent"), K("z"), &is, ERR));
    CHECK(!is);
    scalodb_list *l = NULL;
    CHECK_STATUS(SCALODB_OK, scalodb_smembers(db, K("s1"), &l, ERR));
    expect_items(l, (const char *[]){"a", "b", "c", NULL}); /* byte order */

    scalodb_slice m2[] = {S("b"), S("c"), S("d")};
    CHECK_STATUS(SCALODB_OK, scalodb_sadd(db, K("s2"), m2, 3, NULL, ERR));
    scalodb_slice keys[] = {S("s1"), S("s2"), S("absent")};
    CHECK_STATUS(SCALODB_OK, scalodb_set_algebra(db, SCALODB_SET_INTER, keys, 2, &l, ERR));
    expect_items(l, (const char *[]){"b", "c", NULL});
    CHECK_STATUS(SCALODB_OK, scalodb_set_algebra(db, SCALODB_SET_INTER, keys, 3, &l, ERR)); /* absent: empty */
    expect_items(l, (const char *[]){NULL});
    CHECK_STATUS(SCALODB_OK, scalodb_set_algebra(db, SCALODB_SET_UNION, keys, 3, &l, ERR));
    expect_items(l, (const char *[]){"a", "b", "c", "d", NULL});
    CHECK_STATUS(SCALODB_OK, scalodb_set_algebra(db, SCALODB_SET_DIFF, keys, 3, &l, ERR));
    expect_items(l, (const char *[]){"a", NULL});
    CHECK_STATUS(SCALODB_OK, scalodb_set_algebra_store(db, SCALODB_SET_UNION, K("u"), keys, 2, &n, ERR));
    CHECK(n == 4);
    CHECK_STATUS(SCALODB_OK, scalodb_smembers(db, K("u"), &l, ERR));
    expect_items(l, (const char *[]){"a", "b", "c", "d", NULL});
    put(db, "dst", "a string");
    CHECK_STATUS(SCALODB_OK, scalodb_set_algebra_store(db, SCALODB_SET_DIFF, K("dst"), keys, 2, &n, ERR));
    CHECK(n == 1); /* replaced whatever it held */
    expect_kind(db, "dst", SCALODB_KIND_SET);
    CHECK_STATUS(SCALODB_OK, scalodb_set_algebra_store(db, SCALODB_SET_INTER, K("dst"), keys, 3, NULL, ERR));
    expect_kind(db, "dst", SCALODB_KIND_NONE); /* an empty result deletes it */
    scalodb_slice self[] = {S("s1"), S("s2")};
    CHECK_STATUS(SCALODB_OK, scalodb_set_algebra_store(db, SCALODB_SET_INTER, K("s1"), self, 2, &n, ERR));
    CHECK(n == 2);

    /* SRANDMEMBER: distinct members for a positive count, -count with repeats for a negative one. */
    for (int round = 0; round < 2; round++) {
        int64_t count = round == 0 ? 10 : -7;
        CHECK_STATUS(SCALODB_OK, scalodb_srandmember(db, K("s2"), count, &l, ERR));
        CHECK(scalodb_list_len(l) == (round == 0 ? 3 : 7)); /* at most all of them; or -count */
        int seen[3] = {0, 0, 0};
        for (size_t i = 0; i < scalodb_list_len(l); i++) {
            const uint8_t *p;
            size_t len;
            CHECK_STATUS(SCALODB_OK, scalodb_list_get(l, i, &p, &len, NULL, NULL, NULL, ERR));
            CHECK(len == 1 && p[0] >= 'b' && p[0] <= 'd');
            seen[p[0] - 'b']++;
        }
        if (round == 0) CHECK(seen[0] == 1 && seen[1] == 1 && seen[2] == 1); /* distinct */
        scalodb_list_free(l);
    }
    CHECK_STATUS(SCALODB_OK, scalodb_srandmember(db, K("s2"), 0, &l, ERR));
    expect_items(l, (const char *[]){NULL});
    CHECK_STATUS(SCALODB_OK, scalodb_srandmember(db, K("absent"), 3, &l, ERR));
    expect_items(l, (const char *[]){NULL});
    CHECK_STATUS(SCALODB_OK, scalodb_scard(db, K("s2"), &n, ERR));
    CHECK(n == 3); /* nothing was removed */

    /* SMOVE. */
    bool moved = false;
    CHECK_STATUS(SCALODB_OK, scalodb_smove(db, K("s2"), K("mv"), K("d"), &moved, ERR));
    CHECK(moved);
    CHECK_STATUS(SCALODB_OK, scalodb_smove(db, K("s2"), K("mv"), K("d"), &moved, ERR));
    CHECK(!moved);
    CHECK_STATUS(SCALODB_OK, scalodb_sismember(db, K("mv"), K("d"), &is, ERR));
    CHECK(is);
    CHECK_STATUS(SCALODB_OK, scalodb_smove(db, K("mv"), K("s2"), K("d"), NULL, ERR));
    expect_kind(db, "mv", SCALODB_KIND_NONE); /* emptied */
    CHECK_STATUS(SCALODB_OK, scalodb_smove(db, K("s2"), K("s2"), K("d"), &moved, ERR));
    CHECK(moved); /* the same key: a member stays where it is */
    CHECK_STATUS(SCALODB_OK, scalodb_scard(db, K("s2"), &n, ERR));
    CHECK(n == 3);

    scalodb_slice rm[] = {S("b"), S("zz")};
    CHECK_STATUS(SCALODB_OK, scalodb_srem(db, K("s1"), rm, 2, &n, ERR));
    CHECK(n == 1);
    CHECK_STATUS(SCALODB_OK, scalodb_spop(db, K("s2"), 2, &l, ERR));
    CHECK(scalodb_list_len(l) == 2);
    for (size_t i = 0; i < 2; i++) {
        const uint8_t *p;
        size_t len;
        CHECK_STATUS(SCALODB_OK, scalodb_list_get(l, i, &p, &len, NULL, NULL, NULL, ERR));
        CHECK(len == 1 && (p[0] == 'b' || p[0] == 'c' || p[0] == 'd'));
        CHECK_STATUS(SCALODB_OK, scalodb_sismember(db, K("s2"), p, len, &is, ERR));
        CHECK(!is); /* popped means removed */
    }
    scalodb_list_free(l);
    CHECK_STATUS(SCALODB_OK, scalodb_spop(db, K("s2"), 5, &l, ERR));
    CHECK(scalodb_list_len(l) == 1);
    scalodb_list_free(l);
    expect_kind(db, "s2", SCALODB_KIND_NONE);
    CHECK_STATUS(SCALODB_OK, scalodb_spop(db, K("s2"), 5, &l, ERR));
    CHECK(scalodb_list_len(l) == 0);
    scalodb_list_free(l);

    /* Wrong type. */
    put(db, "str", "x");
    scalodb_slice with_str[] = {S("s1"), S("str")};
    CHECK_STATUS(SCALODB_WRONG_TYPE, scalodb_sadd(db, K("str"), m, 1, &n, ERR));
    CHECK_STATUS(SCALODB_WRONG_TYPE, scalodb_srem(db, K("str"), m, 1, &n, ERR));
    CHECK_STATUS(SCALODB_WRONG_TYPE, scalodb_sismember(db, K("str"), K("a"), &is, ERR));
    CHECK_STATUS(SCALODB_WRONG_TYPE, scalodb_scard(db, K("str"), &n, ERR));
    CHECK_STATUS(SCALODB_WRONG_TYPE, scalodb_smembers(db, K("str"), &l, ERR));
    CHECK_STATUS(SCALODB_WRONG_TYPE, scalodb_spop(db, K("str"), 1, &l, ERR));
    CHECK_STATUS(SCALODB_WRONG_TYPE, scalodb_srandmember(db, K("str"), 1, &l, ERR));
    CHECK_STATUS(SCALODB_WRONG_TYPE, scalodb_smove(db, K("str"), K("s1"), K("x"), &is, ERR));
    CHECK_STATUS(SCALODB_WRONG_TYPE, scalodb_smove(db, K("s1"), K("str"), K("c"), &is, ERR));
    CHECK_STATUS(SCALODB_OK, scalodb_sismember(db, K("s1"), K("c"), &is, ERR));
    CHECK(is); /* the refused move took nothing */
    CHECK_STATUS(SCALODB_WRONG_TYPE, scalodb_set_algebra(db, SCALODB_SET_UNION, with_str, 2, &l, ERR));
    CHECK_STATUS(SCALODB_WRONG_TYPE, scalodb_set_algebra_store(db, SCALODB_SET_UNION, K("d2"), with_str, 2, &n, ERR));
    CHECK_STATUS(SCALODB_OK, scalodb_push(db, K("list"), SCALODB_LEFT, m, 1, NULL, ERR));
    CHECK_STATUS(SCALODB_WRONG_TYPE, scalodb_sadd(db, K("list"), m, 1, &n, ERR));
    expect_kind(db, "d2", SCALODB_KIND_NONE);

    /* NULL and invalid arguments. */
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_sadd(NULL, K("s"), m, 1, &n, ERR));
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_sadd(db, K("s"), NULL, 1, &n, ERR));
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_sadd(db, NULL, 1, m, 1, &n, ERR));
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_srem(NULL, K("s"), m, 1, &n, ERR));
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_srem(db, K("s"), NULL, 1, &n, ERR));
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_sismember(NULL, K("s"), K("a"), &is, ERR));
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_sismember(db, K("s"), K("a"), NULL, ERR));
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_sismember(db, K("s"), NULL, 1, &is, ERR));
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_scard(NULL, K("s"), &n, ERR));
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_scard(db, K("s"), NULL, ERR));
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_smembers(NULL, K("s"), &l, ERR));
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_smembers(db, K("s"), NULL, ERR));
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_spop(NULL, K("s"), 1, &l, ERR));
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_spop(db, K("s"), 1, NULL, ERR));
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_srandmember(NULL, K("s"), 1, &l, ERR));
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_srandmember(db, K("s"), 1, NULL, ERR));
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_smove(NULL, K("s1"), K("s"), K("a"), &is, ERR));
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_smove(db, NULL, 1, K("s"), K("a"), &is, ERR));
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_smove(db, K("s1"), NULL, 1, K("a"), &is, ERR));
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_smove(db, K("s1"), K("s"), NULL, 1, &is, ERR));
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_set_algebra(NULL, SCALODB_SET_UNION, keys, 2, &l, ERR));
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_set_algebra(db, 3, keys, 2, &l, ERR)); /* not an op */
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_set_algebra(db, SCALODB_SET_UNION, keys, 0, &l, ERR));
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_set_algebra(db, SCALODB_SET_UNION, NULL, 2, &l, ERR));
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_set_algebra(db, SCALODB_SET_UNION, keys, 2, NULL, ERR));
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_set_algebra_store(NULL, SCALODB_SET_UNION, K("d"), keys, 2, &n, ERR));
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_set_algebra_store(db, -1, K("d"), keys, 2, &n, ERR));
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_set_algebra_store(db, SCALODB_SET_UNION, NULL, 1, keys, 2, &n, ERR));
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_set_algebra_store(db, SCALODB_SET_UNION, K("d"), keys, 0, &n, ERR));
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_set_algebra_store(db, SCALODB_SET_UNION, K("d"), NULL, 2, &n, ERR));
    expect_kind(db, "d", SCALODB_KIND_NONE);
    scalodb_db_free(db);
}

static void test_sorted_sets(void) {
    scalodb_db *db = open_memory();
    scalodb_slice m[] = {S("b"), S("a"), S("c"), S("d")};
    double s[] = {2, 1, 3, -INFINITY};
    size_t n = 99;
    CHECK_STATUS(SCALODB_OK, scalodb_zadd(db, K("z"), s, m, 4, 0, &n, ERR));
    CHECK(n == 4);
    CHECK_STATUS(SCALODB_OK, scalodb_zcard(db, K("z"), &n, ERR));
    CHECK(n == 4);
    scalodb_list *l = NULL;
    CHECK_STATUS(SCALODB_OK, scalodb_zrange(db, K("z"), 0, -1, false, &l, ERR));
    expect_scored(l, (const char *[]){"d", "a", "b", "c"}, (double[]){-INFINITY, 1, 2, 3}, 4);
    CHECK_STATUS(SCALODB_OK, scalodb_zrange(db, K("z"), 0, 1, true, &l, ERR));
    expect_scored(l, (const char *[]){"c", "b"}, (double[]){3, 2}, 2);

    /* Flags: NX adds only, XX updates only, GT/LT update in one direction, CH counts changes. */
    double up[] = {10, 10};
    scalodb_slice ae[] = {S("a"), S("e")};
    CHECK_STATUS(SCALODB_OK, scalodb_zadd(db, K("z"), up, ae, 2, SCALODB_ZADD_NX, &n, ERR));
    CHECK(n == 1); /* e added, a untouched */
    double score = 0;
    CHECK_STATUS(SCALODB_OK, scalodb_zscore(db, K("z"), K("a"), &score, ERR));
    CHECK(score == 1);
    double up2[] = {5, 5};
    scalodb_slice af[] = {S("a"), S("f")};
    CHECK_STATUS(SCALODB_OK, scalodb_zadd(db, K("z"), up2, af, 2, SCALODB_ZADD_XX | SCALODB_ZADD_CH, &n, ERR));
    CHECK(n == 1); /* a changed, f not added */
    CHECK_STATUS(SCALODB_NOT_FOUND, scalodb_zscore(db, K("z"), K("f"), &score, ERR));
    CHECK(score == 0);
    double lower = 4;
    CHECK_STATUS(SCALODB_OK, scalodb_zadd(db, K("z"), &lower, ae, 1, SCALODB_ZADD_GT | SCALODB_ZADD_CH, &n, ERR));
    CHECK(n == 0); /* 4 < 5: not updated */
    CHECK_STATUS(SCALODB_OK, scalodb_zadd(db, K("z"), &lower, ae, 1, SCALODB_ZADD_LT | SCALODB_ZADD_CH, &n, ERR));
    CHECK(n == 1);
    CHECK_STATUS(SCALODB_OK, scalodb_zscore(db, K("z"), K("a"), &score, ERR));
    CHECK(score == 4);
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_zadd(db, K("z"), up, ae, 1, SCALODB_ZADD_NX | SCALODB_ZADD_XX, &n, ERR));
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_zadd(db, K("z"), up, ae, 1, SCALODB_ZADD_GT | SCALODB_ZADD_LT, &n, ERR));
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_zadd(db, K("z"), up, ae, 1, 32, &n, ERR)); /* unknown flag */
    double nan = NAN;
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_zadd(db, K("z"), &nan, ae, 1, 0, &n, ERR));

    /* Now: d -inf, b 2, c 3, a 4, e 10. */
    CHECK_STATUS(SCALODB_OK, scalodb_zincrby(db, K("z"), 0.5, K("b"), &score, ERR));
    CHECK(score == 2.5);
    CHECK_STATUS(SCALODB_OK, scalodb_zincrby(db, K("z2"), -1, K("x"), &score, ERR)); /* creates */
    CHECK(score == -1);
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_zincrby(db, K("z"), INFINITY, K("d"), &score, ERR)); /* NaN */

    size_t rank = 99;
    CHECK_STATUS(SCALODB_OK, scalodb_zrank(db, K("z"), K("c"), false, &rank, &score, ERR));
    CHECK(rank == 2 && score == 3);
    CHECK_STATUS(SCALODB_OK, scalodb_zrank(db, K("z"), K("c"), true, &rank, NULL, ERR));
    CHECK(rank == 2);
    CHECK_STATUS(SCALODB_OK, scalodb_zrank(db, K("z"), K("e"), true, &rank, NULL, ERR));
    CHECK(rank == 0);
    CHECK_STATUS(SCALODB_NOT_FOUND, scalodb_zrank(db, K("z"), K("nope"), false, &rank, &score, ERR));
    CHECK(rank == 0 && score == 0);
    CHECK_STATUS(SCALODB_NOT_FOUND, scalodb_zrank(db, K("absent"), K("a"), false, &rank, NULL, ERR));

    CHECK_STATUS(SCALODB_OK, scalodb_zrangebyscore(db, K("z"), incl(2.5), incl(4), false, 0, -1, &l, ERR));
    expect_scored(l, (const char *[]){"b", "c", "a"}, (double[]){2.5, 3, 4}, 3);
    CHECK_STATUS(SCALODB_OK, scalodb_zrangebyscore(db, K("z"), excl(2.5), excl(4), false, 0, -1, &l, ERR));
    expect_scored(l, (const char *[]){"c"}, (double[]){3}, 1);
    CHECK_STATUS(SCALODB_OK, scalodb_zrangebyscore(db, K("z"), incl(-INFINITY), incl(INFINITY), true, 1, 2, &l, ERR));
    expect_scored(l, (const char *[]){"a", "c"}, (double[]){4, 3}, 2); /* rev, LIMIT 1 2 */
    CHECK_STATUS(SCALODB_OK, scalodb_zrangebyscore(db, K("z"), excl(-INFINITY), incl(3), false, 0, -1, &l, ERR));
    expect_scored(l, (const char *[]){"b", "c"}, (double[]){2.5, 3}, 2); /* (-inf leaves out -inf */
    CHECK_STATUS(SCALODB_OK, scalodb_zrangebyscore(db, K("z"), incl(5), incl(1), false, 0, -1, &l, ERR));
    expect_scored(l, NULL, NULL, 0);
    CHECK_STATUS(SCALODB_OK, scalodb_zrangebyscore(db, K("z"), incl(-INFINITY), incl(INFINITY), false, 3, 0, &l, ERR));
    expect_scored(l, NULL, NULL, 0); /* count 0 */
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_zrangebyscore(db, K("z"), incl(NAN), incl(1), false, 0, -1, &l, ERR));

    CHECK_STATUS(SCALODB_OK, scalodb_zcount(db, K("z"), incl(-INFINITY), incl(INFINITY), &n, ERR));
    CHECK(n == 5);
    CHECK_STATUS(SCALODB_OK, scalodb_zcount(db, K("z"), excl(3), incl(10), &n, ERR));
    CHECK(n == 2);
    CHECK_STATUS(SCALODB_OK, scalodb_zcount(db, K("absent"), incl(0), incl(1), &n, ERR));
    CHECK(n == 0);
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_zcount(db, K("z"), incl(0), incl(NAN), &n, ERR));

    /* ZREMRANGEBYSCORE / ZREMRANGEBYRANK on a copy: r holds 1..6. */
    scalodb_slice six[] = {S("1"), S("2"), S("3"), S("4"), S("5"), S("6")};
    double sixs[] = {1, 2, 3, 4, 5, 6};
    CHECK_STATUS(SCALODB_OK, scalodb_zadd(db, K("r"), sixs, six, 6, 0, NULL, ERR));
    CHECK_STATUS(SCALODB_OK, scalodb_zremrangebyscore(db, K("r"), excl(1), incl(3), &n, ERR));
    CHECK(n == 2);
    CHECK_STATUS(SCALODB_OK, scalodb_zremrangebyrank(db, K("r"), -2, -1, &n, ERR));
    CHECK(n == 2);
    CHECK_STATUS(SCALODB_OK, scalodb_zrange(db, K("r"), 0, -1, false, &l, ERR));
    expect_scored(l, (const char *[]){"1", "4"}, (double[]){1, 4}, 2);
    CHECK_STATUS(SCALODB_OK, scalodb_zremrangebyrank(db, K("r"), 5, 9, &n, ERR));
    CHECK(n == 0);
    CHECK_STATUS(SCALODB_OK, scalodb_zremrangebyscore(db, K("r"), incl(-INFINITY), incl(INFINITY), NULL, ERR));
    expect_kind(db, "r", SCALODB_KIND_NONE);
    CHECK_STATUS(SCALODB_OK, scalodb_zremrangebyrank(db, K("r"), 0, -1, &n, ERR));
    CHECK(n == 0);
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_zremrangebyscore(db, K("r"), incl(NAN), incl(1), &n, ERR));

    scalodb_slice rm[] = {S("c"), S("zz")};
    CHECK_STATUS(SCALODB_OK, scalodb_zrem(db, K("z"), rm, 2, &n, ERR));
    CHECK(n == 1);
    CHECK_STATUS(SCALODB_OK, scalodb_zpop(db, K("z"), false, 2, &l, ERR));
    expect_scored(l, (const char *[]){"d", "b"}, (double[]){-INFINITY, 2.5}, 2);
    CHECK_STATUS(SCALODB_OK, scalodb_zpop(db, K("z"), true, 1, &l, ERR));
    expect_scored(l, (const char *[]){"e"}, (double[]){10}, 1);
    CHECK_STATUS(SCALODB_OK, scalodb_zpop(db, K("z"), true, 9, &l, ERR));
    expect_scored(l, (const char *[]){"a"}, (double[]){4}, 1);
    expect_kind(db, "z", SCALODB_KIND_NONE);
    CHECK_STATUS(SCALODB_OK, scalodb_zpop(db, K("z"), true, 9, &l, ERR));
    expect_scored(l, NULL, NULL, 0);
    CHECK_STATUS(SCALODB_OK, scalodb_zrem(db, K("z"), rm, 2, NULL, ERR));

    /* Wrong type. */
    put(db, "str", "x");
    CHECK_STATUS(SCALODB_WRONG_TYPE, scalodb_zadd(db, K("str"), s, m, 1, 0, &n, ERR));
    CHECK_STATUS(SCALODB_WRONG_TYPE, scalodb_zincrby(db, K("str"), 1, K("a"), &score, ERR));
    CHECK_STATUS(SCALODB_WRONG_TYPE, scalodb_zrem(db, K("str"), m, 1, &n, ERR));
    CHECK_STATUS(SCALODB_WRONG_TYPE, scalodb_zscore(db, K("str"), K("a"), &score, ERR));
    CHECK_STATUS(SCALODB_WRONG_TYPE, scalodb_zcard(db, K("str"), &n, ERR));
    CHECK_STATUS(SCALODB_WRONG_TYPE, scalodb_zrank(db, K("str"), K("a"), false, &rank, NULL, ERR));
    CHECK_STATUS(SCALODB_WRONG_TYPE, scalodb_zrange(db, K("str"), 0, -1, false, &l, ERR));
    CHECK_STATUS(SCALODB_WRONG_TYPE, scalodb_zrangebyscore(db, K("str"), incl(0), incl(1), false, 0, -1, &l, ERR));
    CHECK_STATUS(SCALODB_WRONG_TYPE, scalodb_zpop(db, K("str"), false, 1, &l, ERR));
    CHECK_STATUS(SCALODB_WRONG_TYPE, scalodb_zcount(db, K("str"), incl(0), incl(1), &n, ERR));
    CHECK_STATUS(SCALODB_WRONG_TYPE, scalodb_zremrangebyscore(db, K("str"), incl(0), incl(1), &n, ERR));
    CHECK_STATUS(SCALODB_WRONG_TYPE, scalodb_zremrangebyrank(db, K("str"), 0, -1, &n, ERR));
    CHECK_STATUS(SCALODB_OK, scalodb_sadd(db, K("set"), m, 1, NULL, ERR));
    CHECK_STATUS(SCALODB_WRONG_TYPE, scalodb_zadd(db, K("set"), s, m, 1, 0, &n, ERR));
    CHECK_STATUS(SCALODB_WRONG_TYPE, scalodb_sadd(db, K("z2"), m, 1, &n, ERR)); /* and the other way */
    expect_value(db, "str", "x");

    /* NULL and invalid arguments. */
    scalodb_score_bound lo = incl(0), hi = incl(1);
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_zadd(NULL, K("z"), s, m, 1, 0, &n, ERR));
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_zadd(db, K("z"), NULL, m, 1, 0, &n, ERR));
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_zadd(db, K("z"), s, NULL, 1, 0, &n, ERR));
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_zadd(db, NULL, 1, s, m, 1, 0, &n, ERR));
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_zincrby(NULL, K("z"), 1, K("a"), &score, ERR));
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_zincrby(db, K("z"), 1, K("a"), NULL, ERR));
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_zincrby(db, K("z"), NAN, K("a"), &score, ERR));
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_zrem(NULL, K("z"), m, 1, &n, ERR));
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_zrem(db, K("z"), NULL, 1, &n, ERR));
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_zscore(NULL, K("z"), K("a"), &score, ERR));
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_zscore(db, K("z"), K("a"), NULL, ERR));
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_zscore(db, K("z"), NULL, 1, &score, ERR));
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_zcard(NULL, K("z"), &n, ERR));
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_zcard(db, K("z"), NULL, ERR));
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_zrank(NULL, K("z"), K("a"), false, &rank, NULL, ERR));
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_zrank(db, K("z"), K("a"), false, NULL, &score, ERR));
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_zrange(NULL, K("z"), 0, 1, false, &l, ERR));
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_zrange(db, K("z"), 0, 1, false, NULL, ERR));
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_zrangebyscore(NULL, K("z"), lo, hi, false, 0, -1, &l, ERR));
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_zrangebyscore(db, K("z"), lo, hi, false, 0, -1, NULL, ERR));
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_zpop(NULL, K("z"), false, 1, &l, ERR));
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_zpop(db, K("z"), false, 1, NULL, ERR));
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_zcount(NULL, K("z"), lo, hi, &n, ERR));
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_zcount(db, K("z"), lo, hi, NULL, ERR));
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_zremrangebyscore(NULL, K("z"), lo, hi, &n, ERR));
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_zremrangebyscore(db, NULL, 1, lo, hi, &n, ERR));
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_zremrangebyrank(NULL, K("z"), 0, 1, &n, ERR));
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_zremrangebyrank(db, NULL, 1, 0, 1, &n, ERR));
    expect_kind(db, "z", SCALODB_KIND_NONE);
    scalodb_db_free(db);
}

int main(void) {
    test_sets();
    test_sorted_sets();
    printf("test_types_sets: %ld passed, 0 failed\n", (long)checks_passed);
    return 0;
}
