// example_test.go: the original package's README examples, run by `go test`: the session store,
// the cache layer and the REST backend; plus the iterators and transactions.

package scalodb_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"time"

	scalodb "github.com/scalodb/scalodb/bindings/go"
)

// exampleDir gives each example a fresh directory for its data.
func exampleDir() (string, func()) {
	dir, err := os.MkdirTemp("", "scalodb-example-")
	if err != nil {
		log.Fatal(err)
	}
	return dir, func() { os.RemoveAll(dir) }
}

// A session store: sessions survive a restart of the program.
func Example_sessionStore() {
	dir, cleanup := exampleDir()
	defer cleanup()
	path := filepath.Join(dir, "sessions.wal")

	db, err := scalodb.New(&scalodb.Config{WALPath: path})
	if err != nil {
		log.Fatal(err)
	}
	session, _ := json.Marshal(map[string]string{"user": "alice", "role": "admin"})
	if err := db.Put("session:abc123", session); err != nil {
		log.Fatal(err)
	}
	// Sessions expire on their own.
	db.PutTTL("session:tmp", []byte(`{"user":"guest"}`), 30*time.Minute)
	db.Close()

	// After a restart the sessions are still there.
	db, err = scalodb.New(&scalodb.Config{WALPath: path})
	if err != nil {
		log.Fatal(err)
	}
	defer db.Close()
	data, err := db.Get("session:abc123")
	if err != nil {
		log.Fatal(err)
	}
	var s map[string]string
	json.Unmarshal(data, &s)
	fmt.Println(s["user"], s["role"])
	if _, err := db.Get("session:missing"); errors.Is(err, scalodb.ErrNotFound) {
		fmt.Println("no such session")
	}
	fmt.Println(db.Stats().TotalKeys, "sessions")
	// Output:
	// alice admin
	// no such session
	// 2 sessions
}

// A cache layer in front of a slow source. The original wrote EnableWAL: false for this; it is
// now InMemory: true (EnableWAL: false alone no longer turns the log off).
func Example_cacheLayer() {
	cache, err := scalodb.New(&scalodb.Config{InMemory: true, MaxMemory: 64 << 20, Eviction: scalodb.AllKeysLRU})
	if err != nil {
		log.Fatal(err)
	}
	defer cache.Close()

	loads := 0
	slowLookup := func(id string) []byte {
		loads++
		return []byte("profile of " + id)
	}
	getProfile := func(id string) []byte {
		key := "profile:" + id
		if v, err := cache.Get(key); err == nil {
			return v
		}
		v := slowLookup(id)
		cache.PutTTL(key, v, 5*time.Minute)
		return v
	}
	for range 3 {
		fmt.Println(string(getProfile("42")))
	}
	fmt.Println("loads from the source:", loads)
	fmt.Println("on disk:", cache.Path() == "")
	// Output:
	// profile of 42
	// profile of 42
	// profile of 42
	// loads from the source: 1
	// on disk: true
}

// A REST backend: PUT, GET, DELETE and a listing over HTTP, served by net/http.
func Example_restBackend() {
	dir, cleanup := exampleDir()
	defer cleanup()
	db, err := scalodb.New(&scalodb.Config{WALPath: filepath.Join(dir, "api.wal")})
	if err != nil {
		log.Fatal(err)
	}
	defer db.Close()

	mux := http.NewServeMux()
	mux.HandleFunc("GET /items/{key}", func(w http.ResponseWriter, r *http.Request) {
		v, err := db.Get(r.PathValue("key"))
		if errors.Is(err, scalodb.ErrNotFound) {
			http.Error(w, "not found", http.StatusNotFound)
			return
		}
		w.Write(v)
	})
	mux.HandleFunc("PUT /items/{key}", func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if err := db.Put(r.PathValue("key"), body); err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		w.WriteHeader(http.StatusCreated)
	})
	mux.HandleFunc("DELETE /items/{key}", func(w http.ResponseWriter, r *http.Request) {
		db.Delete(r.PathValue("key"))
		w.WriteHeader(http.StatusNoContent)
	})
	mux.HandleFunc("GET /items", func(w http.ResponseWriter, r *http.Request) {
		all, _ := db.Scan()
		out := map[string]string{}
		for k, v := range all {
			out[k] = string(v)
		}
		json.NewEncoder(w).Encode(out)
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()

	do := func(method, path, body string) {
		req, _ := http.NewRequest(method, srv.URL+path, strings.NewReader(body))
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			log.Fatal(err)
		}
		defer resp.Body.Close()
		got, _ := io.ReadAll(resp.Body)
		fmt.Println(strings.TrimSpace(fmt.Sprint(method, " ", path, " ", resp.StatusCode, " ", string(got))))
	}
	do("PUT", "/items/apple", "red")
	do("PUT", "/items/pear", "green")
	do("GET", "/items/apple", "")
	do("DELETE", "/items/apple", "")
	do("GET", "/items/apple", "")
	do("GET", "/items", "")
	// Output:
	// PUT /items/apple 201
	// PUT /items/pear 201
	// GET /items/apple 200 red
	// DELETE /items/apple 204
	// GET /items/apple 404 not found
	// GET /items 200 {"pear":"green"}
}

// Ordered iteration with Go iterators, and a transaction.
func ExampleDB_ScanPrefix() {
	db, _ := scalodb.New(&scalodb.Config{InMemory: true})
	defer db.Close()
	for _, u := range []string{"carol", "alice", "bob"} {
		db.Put("user:"+u, []byte(strings.ToUpper(u)))
	}
	for k, v := range db.ScanPrefix("user:") {
		fmt.Println(k, string(v))
	}
	for k := range db.ScanPrefixReverse("user:") {
		fmt.Println(k)
		break
	}
	// Output:
	// user:alice ALICE
	// user:bob BOB
	// user:carol CAROL
	// user:carol
}

func ExampleDB_Update() {
	db, _ := scalodb.New(&scalodb.Config{InMemory: true})
	defer db.Close()
	db.Put("acct:a", []byte("100"))
	err := db.Update(func(tx *scalodb.Tx) error {
		if _, err := tx.Get("acct:a"); err != nil {
			return err
		}
		tx.Put("acct:a", []byte("70"))
		return tx.Put("acct:b", []byte("30"))
	})
	fmt.Println(err)
	db.View(func(tx *scalodb.Tx) error {
		for k, v := range tx.ScanPrefix("acct:") {
			fmt.Println(k, string(v))
		}
		return nil
	})
	// Output:
	// <nil>
	// acct:a 70
	// acct:b 30
}
