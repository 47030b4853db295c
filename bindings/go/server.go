// server.go: server mode, the Redis protocol (RESP2/RESP3) served on Config.Addr for at most
// Config.MaxConns clients at once, over the same data the DB reads and writes: Start, StartAndWait,
// Stop, ServerAddr, and MetricsAddr (Prometheus /metrics when Config.MetricsAddr is set).

package scalodb

/*
#include <stdlib.h>
#include <scalodb.h>
*/
import "C"

import (
	"runtime"
	"unsafe"
)

// Start starts serving the Redis protocol on Config.Addr in the background and returns at once.
// Any Redis client can then use the database while this program goes on using it directly.
// Without Config.Password only clients on this machine may connect.
func (db *DB) Start() error {
	if db.cfg.Addr == "" {
		return ErrNoAddr
	}
	s := &db.server
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.c != nil {
		return ErrServerRunning
	}
	opts := C.scalodb_server_options_new()
	defer C.scalodb_server_options_free(opts)
	C.scalodb_server_options_set_max_conns(opts, C.size_t(db.cfg.MaxConns), nil)
	if db.cfg.Password != "" {
		pw := C.CString(db.cfg.Password)
		defer C.free(unsafe.Pointer(pw))
		C.scalodb_server_options_set_password(opts, pw, nil)
	}
	if db.cfg.MetricsAddr != "" {
		m := C.CString(db.cfg.MetricsAddr)
		defer C.free(unsafe.Pointer(m))
		C.scalodb_server_options_set_metrics_addr(opts, m, nil)
	}
	addr := C.CString(db.cfg.Addr)
	defer C.free(unsafe.Pointer(addr))
	var h *C.scalodb_server
	var cerr *C.scalodb_error
	st := C.scalodb_server_start(db.c, addr, opts, &h, &cerr)
	runtime.KeepAlive(db)
	if st != C.SCALODB_OK {
		return failure(st, cerr)
	}
	s.c, s.done, s.err = h, make(chan struct{}), nil
	// A DB dropped without Close or Stop must not leave a server running.
	s.cleanup = runtime.AddCleanup(db, func(h *C.scalodb_server) { C.scalodb_server_free(h) }, h)
	return nil
}

// StartAndWait starts the server like Start, then blocks until Stop (or Close) is called from
// another goroutine, and returns what the stop returned.
func (db *DB) StartAndWait() error {
	if err := db.Start(); err != nil {
		return err
	}
	s := &db.server
	s.mu.Lock()
	done := s.done
	s.mu.Unlock()
	<-done
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.err
}

// Stop stops the server gracefully: no new clients, every connected client gets the replies to the
// commands it sent, then the connections close and the data is synced. The database stays open.
// ErrServerNotRunning if no server runs.
func (db *DB) Stop() error {
	return db.stopServer()
}

func (db *DB) stopServer() error {
	s := &db.server
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.c == nil {
		return ErrServerNotRunning
	}
	var cerr *C.scalodb_error
	st := C.scalodb_server_stop(s.c, &cerr)
	s.cleanup.Stop()
	C.scalodb_server_free(s.c)
	s.c = nil
	s.err = statusErr(st, cerr)
	close(s.done)
	return s.err
}

// ServerAddr is the address the server listens on, with the real port when Config.Addr asked for
// port 0; "" when no server runs.
func (db *DB) ServerAddr() string {
	s := &db.server
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.c == nil {
		return ""
	}
	var addr *C.char
	if C.scalodb_server_local_addr(s.c, &addr, nil, nil) != C.SCALODB_OK {
		return ""
	}
	defer C.scalodb_free(unsafe.Pointer(addr))
	return C.GoString(addr)
}

// MetricsAddr is the address Prometheus metrics are served on (http://ADDR/metrics), with the
// real port when Config.MetricsAddr asked for port 0; "" when no server runs or none was asked for.
func (db *DB) MetricsAddr() string {
	s := &db.server
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.c == nil {
		return ""
	}
	var addr *C.char
	if C.scalodb_server_metrics_addr(s.c, &addr, nil, nil) != C.SCALODB_OK || addr == nil {
		return ""
	}
	defer C.scalodb_free(unsafe.Pointer(addr))
	return C.GoString(addr)
}
