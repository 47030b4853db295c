// A program outside the repository that uses the package as the README shows: `make test` copies
// it into a temporary module with a replace directive, builds it and runs it.
package main

import (
	"errors"
	"fmt"
	"log"
	"os"
	"path/filepath"

	"github.com/scalodb/scalodb/bindings/go"
)

func main() {
	dir, err := os.MkdirTemp("", "scalodb-external-")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	db, err := scalodb.New(&scalodb.Config{WALPath: filepath.Join(dir, "app.wal")})
	if err != nil {
		log.Fatal(err)
	}
	if err := db.Put("greeting", []byte("hello from an external module")); err != nil {
		log.Fatal(err)
	}
	v, err := db.Get("greeting")
	if err != nil {
		log.Fatal(err)
	}
	if _, err := db.Get("missing"); !errors.Is(err, scalodb.ErrNotFound) {
		log.Fatalf("missing key: %v", err)
	}
	if err := db.Close(); err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%s (scalodb %s)\n", v, scalodb.Version())
}
