"""Server mode from Python: DB.serve() answers the Redis protocol on a socket, sees the same data
as the embedded handle, and stops gracefully."""

from __future__ import annotations

import socket
import threading
from pathlib import Path

import pytest

import scalodb


def command(sock: socket.socket, *args: bytes) -> bytes:
    """Sends one RESP command and returns the raw reply (these replies fit in one read)."""
    frame = b"*%d\r\n" % len(args) + b"".join(b"$%d\r\n%s\r\n" % (len(a), a) for a in args)
    sock.sendall(frame)
    return sock.recv(65536)


def test_serve_shares_the_store_and_stops(tmp_path: Path) -> None:
    with scalodb.open(tmp_path / "db") as db:
        db.put("embedded", b"from python")
        with db.serve("127.0.0.1:0") as server:
            assert server.port > 0 and server.address.endswith(":%d" % server.port)
            with socket.create_connection(("127.0.0.1", server.port), timeout=5) as sock:
                assert command(sock, b"PING") == b"+PONG\r\n"
                assert command(sock, b"GET", b"embedded") == b"$11\r\nfrom python\r\n"
                assert command(sock, b"SET", b"remote", b"v") == b"+OK\r\n"
            assert db.get("remote") == b"v"
        # Stopped: new connections are refused.
        with pytest.raises(OSError):
            socket.create_connection(("127.0.0.1", server.port), timeout=1).close()
        server.stop()  # stopping twice is fine


def test_wait_returns_after_stop_from_another_thread() -> None:
    with scalodb.open() as db:
        server = db.serve("127.0.0.1:0", password="secret")
        with socket.create_connection(("127.0.0.1", server.port), timeout=5) as sock:
            assert command(sock, b"GET", b"k").startswith(b"-NOAUTH")
            assert command(sock, b"AUTH", b"secret") == b"+OK\r\n"
        stopper = threading.Timer(0.2, server.stop)
        stopper.start()
        server.wait()
        stopper.join()


def test_a_busy_address_is_an_error() -> None:
    with scalodb.open() as db, db.serve("127.0.0.1:0") as server:
        with pytest.raises(scalodb.Error):
            db.serve(server.address)
    with scalodb.open() as db:
        with pytest.raises(ValueError):
            db.serve("127.0.0.1:0", idle_timeout=-1)


def test_serve_with_metrics_addr_answers_prometheus_scrapes() -> None:
    import urllib.request

    with scalodb.open() as db:
        db.put("a", b"1")
        with db.serve("127.0.0.1:0", metrics_addr="127.0.0.1:0") as server:
            addr = server.metrics_address
            assert addr is not None and not addr.endswith(":0")
            with urllib.request.urlopen(f"http://{addr}/metrics", timeout=10) as resp:
                body = resp.read().decode()
            assert resp.status == 200
            assert 'redis_db_keys{db="db0"} 1\n' in body
        with db.serve("127.0.0.1:0") as plain:
            assert plain.metrics_address is None
