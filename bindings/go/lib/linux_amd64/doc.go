// Package linux_amd64 holds libscalodb.a for linux/amd64: staged by `make test-go` in a checkout
// (gitignored there), committed only on the release commit that release/dist-go.sh makes. It is
// a package only so that `go mod vendor` copies the folder.
package linux_amd64
