"""What an operator relies on, against a `scalodb serve` this file starts ($SCALODB_BIN) with
`--loglevel verbose --logfile` and `--metrics-addr`: the log lines of each server event, SLOWLOG
and LATENCY in Redis's reply shapes, INFO figures after a known workload, `/metrics` checked by
`promtool check metrics`, and a real `prometheus` on loopback scraping the live server.

No assertion is about how long something took: the slow log runs with a threshold of 0, and the
latency monitor is given DEBUG SLEEP, which lasts at least what it is asked."""

import json
import os
import re
import shutil
import socket
import subprocess
import tempfile
import time
import unittest
import urllib.error
import urllib.parse
import urllib.request
from typing import Callable, Dict, List, Optional, Tuple

import redis

BIN = os.environ["SCALODB_BIN"]


def wait_for(what: str, check: Callable[[], bool], timeout: float = 30.0) -> None:
    """Polls `check` (bounded): the server and prometheus run at their own pace."""
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def http(url: str, method: str = "GET") -> Tuple[int, str]:
    req = urllib.request.Request(url, method=method)
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:
            return resp.status, resp.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()


class Server:
    """`scalodb serve` on free ports, its log in a file."""

    def __init__(self, work: str) -> None:
        self.data = os.path.join(work, "data")
        self.logfile = os.path.join(work, "server.log")
        self.stdout = open(os.path.join(work, "stdout.log"), "w+")
        self.proc = subprocess.Popen(
            [BIN, "serve", "--addr", "127.0.0.1:0", "--dir", self.data, "--loglevel", "verbose",
             "--logfile", self.logfile, "--metrics-addr", "127.0.0.1:0", "--sync", "always",
             "--enable-debug-command", "local"],
            stdout=self.stdout, stderr=subprocess.STDOUT)
        found: Dict[str, int] = {}

        def started() -> bool:
            if self.proc.poll() is not None:
                with open(self.stdout.name) as f:
                    raise AssertionError("scalodb serve exited: " + f.read())
            with open(self.stdout.name) as f:
                text = f.read()
            port = re.search(r"redis-cli -h 127\.0\.0\.1 -p (\d+)", text)
            metrics = re.search(r"metrics at http://127\.0\.0\.1:(\d+)/metrics", text)
            if port and metrics:
                found["port"], found["metrics"] = int(port.group(1)), int(metrics.group(1))
                return True
            return False

        wait_for("scalodb serve to start", started)
        self.port, self.metrics_port = found["port"], found["metrics"]

    def log(self) -> str:
        with open(self.logfile) as f:
            return f.read()

    def wait_log(self, pattern: str) -> None:
        wait_for(f"{pattern!r} in the log", lambda: re.search(pattern, self.log()) is not None)

    def client(self) -> "redis.Redis[str]":
        return redis.Redis(host="127.0.0.1", port=self.port, decode_responses=True)

    def metrics(self) -> str:
        status, body = http(f"http://127.0.0.1:{self.metrics_port}/metrics")
        assert status == 200, status
        return body

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.stdout.close()


class OperationsTest(unittest.TestCase):
    server: Server
    work: str

    @classmethod
    def setUpClass(cls) -> None:
        cls.work = tempfile.mkdtemp(prefix="scalodb-ops-")
        cls.server = Server(cls.work)

    @classmethod
    def tearDownClass(cls) -> None:
        cls.server.stop()
        shutil.rmtree(cls.work, ignore_errors=True)

    def setUp(self) -> None:
        self.r = self.server.client()
        self.r.flushdb()
        self.r.config_set("slowlog-log-slower-than", 10000)
        self.r.config_set("latency-monitor-threshold", 0)

    def tearDown(self) -> None:
        self.r.close()

    def test_log_has_startup_recovery_checkpoint_and_client_events(self) -> None:
        s = self.server
        s.wait_log(r"ScaloDB \d+\.\d+\.\d+ serving the Redis protocol on 127\.0\.0\.1:%d: data directory %s, "
                   r"sync mode always" % (s.port, re.escape(s.data)))
        s.wait_log(r"store opened in [\d.]+s: 0 keys from the checkpoint, 0 log records replayed, 0 torn")
        for i in range(100):
            self.r.set(f"ck{i}", "v")
        self.assertTrue(self.r.execute_command("SAVE"))
        s.wait_log(r"checkpoint started at sequence \d+")
        s.wait_log(r"checkpoint finished at sequence \d+: 100 keys, \d+ bytes in [\d.]+s")
        # Verbose: the hash index growing past its first 1024 slots, the log moving past its
        # first 16 MiB segment.
        pipe = self.r.pipeline(transaction=False)
        for i in range(5000):
            pipe.set(f"grow{i}", "v")
        pipe.execute()
        s.wait_log(r"hash index growing to \d+ slots")
        big = "x" * (1 << 20)
        for i in range(20):
            self.r.set(f"big{i}", big)
        s.wait_log(r"log moved to segment \d+")
        # A protocol error (verbose), a kill and a refusal at maxclients (notice).
        with socket.create_connection(("127.0.0.1", s.port)) as raw:
            raw.sendall(b"*1\r\n$abc\r\n")
            raw.recv(1000)
        s.wait_log(r"closing client 127\.0\.0\.1:\d+ after a protocol error")
        victim = s.client()
        victim.client_setname("victim")
        vid = victim.client_id()
        self.assertEqual(self.r.client_kill_filter(_id=vid), 1)
        s.wait_log(r"client id=%d addr=127\.0\.0\.1:\d+ killed by CLIENT KILL" % vid)
        victim.close()
        self.r.config_set("maxclients", 1)
        try:
            with socket.create_connection(("127.0.0.1", s.port)) as extra:
                self.assertIn(b"max number of clients reached", extra.recv(1000))
        finally:
            self.r.config_set("maxclients", 1000)
        s.wait_log(r"refused client 127\.0\.0\.1:\d+: max number of clients reached \(1\)")
        # Never a line per command.
        self.assertNotIn("ck99", s.log())
        self.assertLess(len(s.log().splitlines()), 200)

    def test_slowlog_replies_and_config(self) -> None:
        r = self.r
        with self.assertRaises(redis.ResponseError) as e:
            r.config_set("slowlog-max-len", -1)
        self.assertEqual(str(e.exception), "CONFIG SET failed (possibly related to argument 'slowlog-max-len') - "
                                           "argument must be between 0 and 9223372036854775807 inclusive")
        with self.assertRaises(redis.ResponseError) as e:
            r.config_set("slowlog-log-slower-than", "soon")
        self.assertIn("argument couldn't be parsed into an integer", str(e.exception))
        self.assertEqual(r.config_get("slowlog-*"),
                         {"slowlog-log-slower-than": "10000", "slowlog-max-len": "128"})
        r.config_set("slowlog-log-slower-than", 0)
        r.slowlog_reset()
        r.client_setname("ops-test")
        r.set("k", "A" * 200)
        r.execute_command("MSET", *[str(i) for i in range(40)])
        raw = r.execute_command("SLOWLOG", "GET", "-1", NEVER_DECODE=True)
        entries = {e[3][0].decode().lower(): e for e in raw}
        mset, setcmd = entries["mset"], entries["set"]
        self.assertEqual(len(setcmd), 6)
        ident, at, micros, argv, addr, name = setcmd
        self.assertIsInstance(ident, int)
        self.assertLess(abs(at - time.time()), 600)
        self.assertGreaterEqual(micros, 0)
        self.assertEqual(argv, [b"SET", b"k", b"A" * 128 + b"... (72 more bytes)"])
        self.assertRegex(addr.decode(), r"^127\.0\.0\.1:\d+$")
        self.assertEqual(name, b"ops-test")
        self.assertEqual(len(mset[3]), 32)
        self.assertEqual(mset[3][-1], b"... (10 more arguments)")
        # Newest first; GET's count; LEN; errors; RESET.
        ids = [e[0] for e in raw]
        self.assertEqual(ids, sorted(ids, reverse=True))
        self.assertEqual(len(r.execute_command("SLOWLOG", "GET", "2")), 2)
        with self.assertRaises(redis.ResponseError) as e:
            r.execute_command("SLOWLOG", "GET", "-5")
        self.assertEqual(str(e.exception), "count should be greater than or equal to -1")
        self.assertGreaterEqual(r.slowlog_len(), 3)
        r.config_set("slowlog-max-len", 2)
        self.assertEqual(r.slowlog_len(), 2)
        r.config_set("slowlog-log-slower-than", -1)
        r.slowlog_reset()
        r.get("k")
        self.assertEqual(r.slowlog_len(), 0)
        r.config_set("slowlog-max-len", 128)

    def test_latency_monitor(self) -> None:
        r = self.r
        r.latency_reset()
        r.execute_command("DEBUG", "SLEEP", "0.02")
        self.assertEqual(r.execute_command("LATENCY", "LATEST"), [], "threshold 0 records nothing")
        r.config_set("latency-monitor-threshold", 5)
        self.assertEqual(r.config_get("latency-monitor-threshold"), {"latency-monitor-threshold": "5"})
        r.execute_command("DEBUG", "SLEEP", "0.02")
        latest = r.execute_command("LATENCY", "LATEST")
        self.assertEqual(len(latest), 1)
        name, at, last_ms, max_ms = latest[0]
        self.assertEqual(name, "command")
        self.assertGreaterEqual(last_ms, 20)
        self.assertGreaterEqual(max_ms, last_ms)
        history = r.execute_command("LATENCY", "HISTORY", "command")
        self.assertEqual(len(history[-1]), 2)
        self.assertEqual(history[-1][0], at)
        self.assertEqual(r.execute_command("LATENCY", "HISTORY", "nosuch"), [])
        self.assertEqual(r.execute_command("LATENCY", "RESET", "command"), 1)
        self.assertEqual(r.execute_command("LATENCY", "LATEST"), [])

    def test_info_after_a_known_workload(self) -> None:
        r = self.r
        r.config_resetstat()
        for i in range(3):
            r.set(f"plain{i}", "v")
        r.set("ttl1", "v", ex=100)
        r.set("ttl2", "v", ex=200)
        for _ in range(3):
            self.assertEqual(r.get("plain0"), "v")
        self.assertIsNone(r.get("missing1"))
        self.assertIsNone(r.get("missing2"))
        ks = r.info("keyspace")["db0"]
        self.assertEqual((ks["keys"], ks["expires"]), (5, 2))
        self.assertTrue(100_000 < ks["avg_ttl"] <= 150_000, ks)
        stats = r.info("stats")
        self.assertEqual((stats["keyspace_hits"], stats["keyspace_misses"]), (3, 2))
        for field in ["total_commands_processed", "instantaneous_ops_per_sec", "total_net_input_bytes",
                      "total_net_output_bytes", "expired_keys", "evicted_keys", "rejected_connections",
                      "total_connections_received"]:
            self.assertIn(field, stats)
        self.assertGreater(stats["total_net_input_bytes"], 0)
        persistence = r.info("persistence")
        for field in ["rdb_last_save_time", "rdb_changes_since_last_save", "aof_enabled", "aof_current_size"]:
            self.assertIn(field, persistence)
        cmd = r.info("commandstats")["cmdstat_get"]
        self.assertEqual((cmd["calls"], cmd["failed_calls"], cmd["rejected_calls"]), (5, 0, 0))
        with self.assertRaises(redis.ResponseError):
            r.execute_command("GET")
        self.assertEqual(r.info("commandstats")["cmdstat_get"]["rejected_calls"], 1)
        lat = r.info("latencystats")["latency_percentiles_usec_get"]
        self.assertEqual(set(lat), {"p50", "p99", "p99.9"})
        self.assertNotIn("cmdstat_get", r.info())  # not a default section, as in Redis

    def test_metrics_endpoint_and_promtool(self) -> None:
        r = self.r
        r.set("m1", "v")
        r.set("m2", "v", ex=100)
        r.get("m1")
        body = self.server.metrics()
        self.assertIn('redis_db_keys{db="db0"} 2\n', body)
        self.assertIn('redis_db_keys_expiring{db="db0"} 1\n', body)
        self.assertRegex(body, r'redis_commands_total\{cmd="get"\} [1-9]')
        self.assertRegex(body, r'scalodb_command_duration_seconds_bucket\{cmd="get",le="\+Inf"\} [1-9]')
        for name in ["redis_memory_used_bytes", "redis_memory_used_rss_bytes", "redis_connected_clients",
                     "redis_commands_processed_total", "scalodb_fsyncs_total", "scalodb_log_bytes"]:
            self.assertRegex(body, rf"\n{name} \d")
        check = subprocess.run(["promtool", "check", "metrics"], input=body, capture_output=True, text=True)
        self.assertEqual(check.returncode, 0, check.stdout + check.stderr)
        base = f"http://127.0.0.1:{self.server.metrics_port}"
        self.assertEqual(http(base + "/nothing")[0], 404)
        self.assertEqual(http(base + "/metrics", method="POST")[0], 405)
        with socket.create_connection(("127.0.0.1", self.server.metrics_port)) as raw:
            raw.sendall(b"garbage\r\n\r\n")
            self.assertTrue(raw.recv(100).startswith(b"HTTP/1.1 400"))
        self.assertEqual(http(base + "/metrics")[0], 200, "still serving after bad requests")

    def test_prometheus_scrapes_the_live_server(self) -> None:
        r = self.r
        for i in range(7):
            r.set(f"p{i}", "v", ex=1000)
        web = free_port()
        pdir = os.path.join(self.work, "prometheus")
        os.makedirs(pdir)
        config = os.path.join(pdir, "prometheus.yml")
        with open(config, "w") as f:
            f.write("global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\n"
                    "scrape_configs:\n  - job_name: scalodb\n    static_configs:\n"
                    f"      - targets: ['127.0.0.1:{self.server.metrics_port}']\n")
        log = open(os.path.join(pdir, "prometheus.log"), "w")
        prom = subprocess.Popen(["prometheus", f"--config.file={config}", f"--storage.tsdb.path={pdir}/data",
                                 f"--web.listen-address=127.0.0.1:{web}"], stdout=log, stderr=subprocess.STDOUT)
        try:
            def query(q: str) -> Optional[List[Dict[str, object]]]:
                url = f"http://127.0.0.1:{web}/api/v1/query?" + urllib.parse.urlencode({"query": q})
                try:
                    status, body = http(url)
                except OSError:
                    return None
                if status != 200:
                    return None
                data = json.loads(body)
                result: List[Dict[str, object]] = data["data"]["result"]
                return result

            def value(q: str) -> Optional[str]:
                res = query(q)
                if not res:
                    return None
                v = res[0]["value"]
                assert isinstance(v, list)
                return str(v[1])

            wait_for("prometheus to scrape 7 expiring keys",
                     lambda: value('redis_db_keys_expiring{job="scalodb",db="db0"}') == "7", timeout=90)
            self.assertEqual(value('redis_db_keys{db="db0"}'), "7")
            self.assertEqual(value('up{job="scalodb"}'), "1")
            r.set("p7", "v")
            wait_for("prometheus to see the 8th key", lambda: value('redis_db_keys{db="db0"}') == "8", timeout=60)
            self.assertIsNotNone(value('redis_commands_total{cmd="set"}'))
        finally:
            prom.terminate()
            try:
                prom.wait(timeout=20)
            except subprocess.TimeoutExpired:
                prom.kill()
                prom.wait()
            log.close()


if __name__ == "__main__":
    unittest.main()
