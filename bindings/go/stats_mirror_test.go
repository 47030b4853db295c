// stats_mirror_test.go: Stats has a field for every field of the C ABI's scalodb_stats, read
// from the committed header, so a counter the engine adds cannot be forgotten here.

package scalodb

import (
	"os"
	"reflect"
	"regexp"
	"strings"
	"testing"
)

// goFieldName is the Go name of a scalodb_stats field: CamelCase, with the package's names for
// the counters it had first.
func goFieldName(c string) string {
	switch c {
	case "keys":
		return "TotalKeys"
	}
	var b strings.Builder
	for _, part := range strings.Split(c, "_") {
		switch part {
		case "wal":
			b.WriteString("WAL")
		case "ms":
			b.WriteString("Ms")
		default:
			b.WriteString(strings.ToUpper(part[:1]) + part[1:])
		}
	}
	return b.String()
}

func TestStatsMirrorsEveryFieldOfTheCStruct(t *testing.T) {
	header, err := os.ReadFile("../../include/scalodb.h")
	if err != nil {
		t.Fatal(err)
	}
	text := string(header)
	end := strings.Index(text, "} scalodb_stats;")
	start := strings.LastIndex(text[:end], "typedef struct")
	fields := regexp.MustCompile(`(?m)^\s+\w+ (\w+);$`).FindAllStringSubmatch(text[start:end], -1)
	if len(fields) < 20 {
		t.Fatalf("found only %d fields of scalodb_stats in the header", len(fields))
	}
	goType := reflect.TypeOf(Stats{})
	for _, f := range fields {
		c := f[1]
		if c == "struct_size" {
			continue
		}
		name := goFieldName(c)
		if _, ok := goType.FieldByName(name); !ok {
			t.Errorf("scalodb_stats.%s has no Stats.%s", c, name)
		}
	}
	// TotalSize is key_bytes + value_bytes; everything else comes from one C field.
	if want := len(fields) - 1 + 1; goType.NumField() != want {
		t.Errorf("Stats has %d fields, want %d (one per C field, plus TotalSize)", goType.NumField(), want)
	}
}
