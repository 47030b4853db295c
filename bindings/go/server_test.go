// server_test.go: server mode driven by a real Redis client (go-redis): Start, commands both ways
// between the client and the Go API, StartAndWait until Stop, MaxConns, and the error paths.

package scalodb_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	scalodb "github.com/scalodb/scalodb/bindings/go"
)

func TestServerWithRedisClient(t *testing.T) {
	db, _ := openDisk(t, scalodb.Config{Addr: "127.0.0.1:0", MaxConns: 4})
	must(t, db.Put("from-go", []byte("hello")))
	if err := db.Stop(); !errors.Is(err, scalodb.ErrServerNotRunning) {
		t.Fatalf("Stop before Start: %v", err)
	}
	must(t, db.Start())
	if err := db.Start(); !errors.Is(err, scalodb.ErrServerRunning) {
		t.Fatalf("second Start: %v", err)
	}
	addr := db.ServerAddr()
	if addr == "" || addr == "127.0.0.1:0" {
		t.Fatalf("ServerAddr = %q", addr)
	}
	ctx := context.Background()
	rdb := redis.NewClient(&redis.Options{Addr: addr, Protocol: 2})
	defer rdb.Close()
	if got, err := rdb.Get(ctx, "from-go").Result(); err != nil || got != "hello" {
		t.Fatalf("GET = %q, %v", got, err)
	}
	must(t, rdb.Set(ctx, "from-redis", "hi", 0).Err())
	if v, err := db.Get("from-redis"); err != nil || string(v) != "hi" {
		t.Fatalf("Go sees %q, %v", v, err)
	}
	if n, err := rdb.IncrBy(ctx, "counter", 5).Result(); err != nil || n != 5 {
		t.Fatalf("INCRBY = %d, %v", n, err)
	}
	if n, _ := db.Increment("counter", 1); n != 6 {
		t.Fatalf("Increment after INCRBY = %d", n)
	}
	must(t, rdb.Set(ctx, "session", "x", time.Hour).Err())
	if d, err := db.TTL("session"); err != nil || d < 59*time.Minute {
		t.Fatalf("TTL set by the client: %v, %v", d, err)
	}
	if _, err := rdb.Get(ctx, "absent").Result(); err != redis.Nil {
		t.Fatalf("GET absent: %v", err)
	}

	must(t, db.Stop())
	if db.ServerAddr() != "" {
		t.Fatal("ServerAddr after Stop")
	}
	if err := rdb.Ping(ctx).Err(); err == nil {
		t.Fatal("the server still answers after Stop")
	}
	// The database stays open after Stop, and the server can start again.
	must(t, db.Put("after", []byte("stop")))
	must(t, db.Start())
	rdb2 := redis.NewClient(&redis.Options{Addr: db.ServerAddr(), Protocol: 2})
	defer rdb2.Close()
	if got, _ := rdb2.Get(ctx, "after").Result(); got != "stop" {
		t.Fatalf("after restart: %q", got)
	}
	must(t, db.Close()) // stops the server too
	if err := rdb2.Ping(ctx).Err(); err == nil {
		t.Fatal("the server still answers after Close")
	}
}

func TestStartAndWaitReturnsOnStop(t *testing.T) {
	db, err := scalodb.New(&scalodb.Config{InMemory: true, Addr: "127.0.0.1:0", Password: "pw"})
	must(t, err)
	defer db.Close()
	result := make(chan error, 1)
	go func() { result <- db.StartAndWait() }()
	deadline := time.Now().Add(5 * time.Second)
	for db.ServerAddr() == "" && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	ctx := context.Background()
	rdb := redis.NewClient(&redis.Options{Addr: db.ServerAddr(), Password: "pw", Protocol: 2})
	defer rdb.Close()
	must(t, rdb.Set(ctx, "k", "v", 0).Err())
	noAuth := redis.NewClient(&redis.Options{Addr: db.ServerAddr(), Protocol: 2})
	defer noAuth.Close()
	if err := noAuth.Get(ctx, "k").Err(); err == nil || err == redis.Nil {
		t.Fatalf("a client without the password was served: %v", err)
	}
	select {
	case err := <-result:
		t.Fatalf("StartAndWait returned early: %v", err)
	case <-time.After(50 * time.Millisecond):
	}
	must(t, db.Stop())
	select {
	case err := <-result:
		must(t, err)
	case <-time.After(5 * time.Second):
		t.Fatal("StartAndWait did not return after Stop")
	}
}

func TestServerErrors(t *testing.T) {
	embedded := openMemory(t)
	if err := embedded.Start(); !errors.Is(err, scalodb.ErrNoAddr) {
		t.Fatalf("Start without Addr: %v", err)
	}
	if err := embedded.StartAndWait(); !errors.Is(err, scalodb.ErrNoAddr) {
		t.Fatalf("StartAndWait without Addr: %v", err)
	}
	first, err := scalodb.New(&scalodb.Config{InMemory: true, Addr: "127.0.0.1:0"})
	must(t, err)
	defer first.Close()
	must(t, first.Start())
	second, err := scalodb.New(&scalodb.Config{InMemory: true, Addr: first.ServerAddr()})
	must(t, err)
	defer second.Close()
	if err := second.Start(); !errors.Is(err, scalodb.ErrIO) {
		t.Fatalf("Start on a busy address: %v", err)
	}
	closed, err := scalodb.New(&scalodb.Config{InMemory: true, Addr: "127.0.0.1:0"})
	must(t, err)
	must(t, closed.Close())
	if err := closed.Start(); !errors.Is(err, scalodb.ErrClosed) {
		t.Fatalf("Start after Close: %v", err)
	}
}

func TestServerServesPrometheusMetrics(t *testing.T) {
	db, _ := openDisk(t, scalodb.Config{Addr: "127.0.0.1:0", MetricsAddr: "127.0.0.1:0"})
	if db.MetricsAddr() != "" {
		t.Fatal("MetricsAddr before Start")
	}
	must(t, db.Put("a", []byte("1")))
	must(t, db.Put("b", []byte("2")))
	must(t, db.Start())
	defer db.Stop()
	addr := db.MetricsAddr()
	if addr == "" || strings.HasSuffix(addr, ":0") {
		t.Fatalf("MetricsAddr = %q", addr)
	}
	resp, err := http.Get("http://" + addr + "/metrics")
	must(t, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	must(t, err)
	if resp.StatusCode != 200 || !strings.Contains(string(body), `redis_db_keys{db="db0"} 2`+"\n") {
		t.Fatalf("GET /metrics: %d\n%s", resp.StatusCode, body)
	}
}

func TestServerWithoutMetricsAddrHasNone(t *testing.T) {
	db, _ := openDisk(t, scalodb.Config{Addr: "127.0.0.1:0"})
	must(t, db.Start())
	defer db.Stop()
	if addr := db.MetricsAddr(); addr != "" {
		t.Fatalf("MetricsAddr = %q without Config.MetricsAddr", addr)
	}
}
