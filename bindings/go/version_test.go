// version_test.go: the package runs with the library of its own release.

package scalodb_test

import (
	"testing"

	scalodb "github.com/scalodb/scalodb/bindings/go"
)

func TestVersion(t *testing.T) {
	if v := scalodb.Version(); v != scalodb.ModuleVersion {
		t.Fatalf("the linked library is %q, the module %q", v, scalodb.ModuleVersion)
	}
}
