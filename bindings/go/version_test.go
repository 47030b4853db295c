// version_test.go: the package runs with the library it was built against.

package scalodb_test

import (
	"testing"

	scalodb "github.com/scalodb/scalodb/bindings/go"
)

func TestVersion(t *testing.T) {
	if v := scalodb.Version(); len(v) < 5 || v[0] < '0' || v[0] > '9' {
		t.Fatalf("Version = %q", v)
	}
}
