// Package include holds scalodb.h, an exact copy of the repository's include/scalodb.h (checked
// by `make version-check`), so that the module compiles without the rest of the repository.
// It is a package only so that `go mod vendor` copies the folder.
package include
