// test_cpp.cpp: the header used from C++17: it compiles with g++ -Wall -Wextra -Werror, the enums
// keep their fixed size, and the handles work with RAII (std::unique_ptr with the _free
// functions as deleters).
#include <scalodb.h>

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

static_assert(sizeof(scalodb_status) == 4, "scalodb_status is an int32_t");
static_assert(std::is_same_v<std::underlying_type_t<scalodb_status>, int32_t>, "fixed underlying type");
static_assert(std::is_standard_layout_v<scalodb_stats>, "scalodb_stats is a plain C struct");

namespace {

int passed = 0;

void check(bool ok, const char *what) {
    if (!ok) {
        std::fprintf(stderr, "test_cpp: check failed: %s\n", what);
        std::exit(1);
    }
    passed++;
}

template <auto Free>
struct Deleter {
    template <typename T>
    void operator()(T *p) const { Free(p); }
};
using Db = std::unique_ptr<scalodb_db, Deleter<scalodb_db_free>>;
using Batch = std::unique_ptr<scalodb_batch, Deleter<scalodb_batch_free>>;
using Iterator = std::unique_ptr<scalodb_iterator, Deleter<scalodb_iterator_free>>;
using Snapshot = std::unique_ptr<scalodb_snapshot, Deleter<scalodb_snapshot_free>>;
using Value = std::unique_ptr<scalodb_value, Deleter<scalodb_value_free>>;
using Error = std::unique_ptr<scalodb_error, Deleter<scalodb_error_free>>;
using Txn = std::unique_ptr<scalodb_txn, Deleter<scalodb_txn_free>>;

// Turns a failed status into an exception carrying the library's message. `raw` is taken by
// reference so that it is read after the call in the first argument has set it.
void ok(scalodb_status st, scalodb_error *&raw) {
    Error err(raw);
    raw = nullptr;
    if (st != SCALODB_OK) throw std::runtime_error(scalodb_error_message(err.get()));
}

std::string get(const Db &db, const std::string &key) {
    uint8_t *value = nullptr;
    size_t len = 0;
    scalodb_error *err = nullptr;
    scalodb_status st = scalodb_get(db.get(), key.data(), key.size(), &value, &len, &err);
    if (st == SCALODB_NOT_FOUND) return "<absent>";
    ok(st, err);
    std::string out(reinterpret_cast<const char *>(value), len);
    scalodb_free(value);
    return out;
}

}  // namespace

int main() {
    check(std::string(scalodb_version()) == SCALODB_VERSION_STRING, "version");
    scalodb_db *raw = nullptr;
    scalodb_error *err = nullptr;
    ok(scalodb_open_memory(nullptr, &raw, &err), err);
    Db db(raw);

    std::vector<uint8_t> key{'k', 0, '1'};
    ok(scalodb_put(db.get(), key.data(), key.size(), "v1", 2, &err), err);
    std::string k2 = "k2";
    ok(scalodb_put(db.get(), k2.data(), k2.size(), "v2", 2, &err), err);
    check(get(db, k2) == "v2", "get");
    check(get(db, "missing") == "<absent>", "missing key");

    Batch batch(scalodb_batch_new());
    ok(scalodb_batch_put(batch.get(), "k3", 2, "v3", 2, &err), err);
    ok(scalodb_batch_delete(batch.get(), "k2", 2, &err), err);
    ok(scalodb_write(db.get(), batch.get(), &err), err);
    check(get(db, "k2") == "<absent>" && get(db, "k3") == "v3", "batch");

    scalodb_snapshot *snap_raw = nullptr;
    ok(scalodb_snapshot_new(db.get(), &snap_raw, &err), err);
    Snapshot snap(snap_raw);
    ok(scalodb_put(db.get(), "k3", 2, "changed", 7, &err), err);
    scalodb_value *value_raw = nullptr;
    ok(scalodb_snapshot_get_pinned(snap.get(), "k3", 2, &value_raw, &err), err);
    Value value(value_raw);
    check(std::string(reinterpret_cast<const char *>(scalodb_value_data(value.get())), scalodb_value_len(value.get())) ==
              "v3",
          "snapshot");

    scalodb_iterator *it_raw = nullptr;
    ok(scalodb_scan(db.get(), nullptr, 0, nullptr, 0, &it_raw, &err), err);
    Iterator it(it_raw);
    std::vector<std::string> keys;
    const uint8_t *k = nullptr;
    size_t klen = 0;
    scalodb_status st;
    while ((st = scalodb_iterator_next_back(it.get(), &k, &klen, nullptr, nullptr, &err)) == SCALODB_OK)
        keys.emplace_back(reinterpret_cast<const char *>(k), klen);
    check(st == SCALODB_END && err == nullptr, "iterator end");
    check(keys.size() == 2 && keys[0] == "k3" && keys[1] == std::string("k\0" "1", 3), "reverse order");

    // A transaction through RAII: freed without commit, it writes nothing; committed, it does.
    for (bool commit : {false, true}) {
        scalodb_txn *tx_raw = nullptr;
        ok(scalodb_txn_begin(db.get(), &tx_raw, &err), err);
        Txn tx(tx_raw);
        ok(scalodb_txn_put(tx.get(), "k4", 2, "v4", 2, &err), err);
        if (commit) ok(scalodb_txn_commit(tx.get(), &err), err);
    }
    check(get(db, "k4") == "v4", "transaction");
    bool swapped = false;
    ok(scalodb_compare_and_swap(db.get(), "k4", 2, "v4", 2, true, nullptr, 0, false, &swapped, nullptr, nullptr, &err),
       err);
    check(swapped && get(db, "k4") == "<absent>", "compare and swap");

    scalodb_stats stats{};
    stats.struct_size = sizeof stats;
    ok(scalodb_get_stats(db.get(), &stats, &err), err);
    check(stats.keys == 2, "stats");

    // Errors come back as exceptions through the wrapper, with the library's message.
    bool threw = false;
    try {
        ok(scalodb_put(nullptr, "k", 1, "v", 1, &err), err);
    } catch (const std::runtime_error &e) {
        threw = std::string(e.what()).find("db is NULL") != std::string::npos;
    }
    check(threw, "error message");
    ok(scalodb_close(db.get(), &err), err);
    check(scalodb_put(db.get(), "k", 1, "v", 1, nullptr) == SCALODB_CLOSED, "closed");
    std::printf("test_cpp: %d passed, 0 failed\n", passed);
    return 0;
}
