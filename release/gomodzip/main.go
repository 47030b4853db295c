// Command gomodzip writes the module zip of the Go binding the way the Go module proxy makes it
// from a tagged commit: golang.org/x/mod/zip.CreateFromVCS over the git repository at the tag,
// restricted to the module's folder. release/dist-go.sh runs it in a temporary clone whose
// release commit (never on main) adds the prebuilt static library.
//
//	gomodzip -repo DIR -rev TAG -subdir bindings/go -module PATH -version vX.Y.Z -out FILE.zip
package main

import (
	"flag"
	"log"
	"os"

	"golang.org/x/mod/module"
	"golang.org/x/mod/zip"
)

func main() {
	repo := flag.String("repo", "", "the git repository (a work tree)")
	rev := flag.String("rev", "", "the tag or commit to zip")
	subdir := flag.String("subdir", "", "the module's folder inside the repository")
	path := flag.String("module", "", "the module path")
	version := flag.String("version", "", "the module version (vX.Y.Z)")
	out := flag.String("out", "", "the zip file to write")
	flag.Parse()
	if *repo == "" || *rev == "" || *path == "" || *version == "" || *out == "" {
		flag.Usage()
		os.Exit(2)
	}
	f, err := os.Create(*out)
	if err != nil {
		log.Fatal(err)
	}
	mv := module.Version{Path: *path, Version: *version}
	if err := zip.CreateFromVCS(f, mv, *repo, *rev, *subdir); err != nil {
		f.Close()
		os.Remove(*out)
		log.Fatalf("zip of %s@%s: %v", *path, *version, err)
	}
	if err := f.Close(); err != nil {
		log.Fatal(err)
	}
	// The zip must pass the checks the go command applies when it downloads a module.
	if _, err := zip.CheckZip(mv, *out); err != nil {
		log.Fatalf("check of %s: %v", *out, err)
	}
}
