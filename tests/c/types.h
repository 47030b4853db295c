/* types.h: helpers shared by the C tests of the typed operations (test_types.c,
 * test_types_sets.c): slices of string literals, score bounds, and checks of scalodb_list
 * results that free them. */
#ifndef SCALODB_TEST_TYPES_H
#define SCALODB_TEST_TYPES_H

#include "check.h"

#include <math.h>
#include <stddef.h>

/* A scalodb_slice of a string literal (its length without the NUL). */
#define S(lit) ((scalodb_slice){(lit), sizeof(lit) - 1})
#define K(lit) (lit), (sizeof(lit) - 1)
#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static inline scalodb_score_bound incl(double v) { return (scalodb_score_bound){v, false}; }
static inline scalodb_score_bound excl(double v) { return (scalodb_score_bound){v, true}; }

/* Checks entry `i` of a list of byte strings (or pairs: then `value` is the value, else NULL). */
static inline void expect_entry(const scalodb_list *l, size_t i, const char *item, const char *value) {
    const uint8_t *p = NULL, *v = (const uint8_t *)&p;
    size_t n = 99, vn = 99;
    double score = 99;
    CHECK_STATUS(SCALODB_OK, scalodb_list_get(l, i, &p, &n, &v, &vn, &score, ERR));
    CHECK(p != NULL && n == strlen(item) && memcmp(p, item, n) == 0);
    if (value == NULL) {
        CHECK(v == NULL && vn == 0);
    } else {
        CHECK(v != NULL && vn == strlen(value) && memcmp(v, value, vn) == 0);
    }
    CHECK(score == 0);
}

/* Checks that a list holds exactly `items` (NULL-terminated) and frees it. */
static inline void expect_items(scalodb_list *l, const char *const *items) {
    size_t n = 0;
    while (items[n] != NULL) n++;
    CHECK(scalodb_list_len(l) == n);
    for (size_t i = 0; i < n; i++) expect_entry(l, i, items[i], NULL);
    scalodb_list_free(l);
}

/* Checks that a list holds the scored members `members` with `scores` and frees it. */
static inline void expect_scored(scalodb_list *l, const char *const *members, const double *scores, size_t n) {
    CHECK(scalodb_list_len(l) == n);
    for (size_t i = 0; i < n; i++) {
        const uint8_t *p = NULL, *v = (const uint8_t *)&p;
        size_t len = 0, vn = 99;
        double s = NAN;
        CHECK_STATUS(SCALODB_OK, scalodb_list_get(l, i, &p, &len, &v, &vn, &s, ERR));
        CHECK(len == strlen(members[i]) && memcmp(p, members[i], len) == 0);
        CHECK(v == NULL && vn == 0 && s == scores[i]);
    }
    scalodb_list_free(l);
}

static inline void expect_kind(const scalodb_db *db, const char *key, scalodb_kind want) {
    scalodb_kind kind = (scalodb_kind)99;
    CHECK_STATUS(want == SCALODB_KIND_NONE ? SCALODB_NOT_FOUND : SCALODB_OK,
                 scalodb_type(db, key, strlen(key), &kind, ERR));
    CHECK(kind == want);
}

#endif
