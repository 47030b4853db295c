"""redis-py against `scalodb serve` (port in $SCALODB_PORT): the client library's own helpers
(pipelines, transactions with WATCH, scan_iter, RESP3) must work unchanged."""

import os
import time
import unittest

import redis

PORT = int(os.environ["SCALODB_PORT"])


class RedisPyTest(unittest.TestCase):
    def setUp(self):
        self.r = redis.Redis(host="127.0.0.1", port=PORT, decode_responses=True)
        self.r.flushdb()

    def test_strings_and_ttl(self):
        r = self.r
        self.assertTrue(r.set("k", "v"))
        self.assertEqual(r.get("k"), "v")
        self.assertIsNone(r.get("missing"))
        self.assertIsNone(r.set("k", "w", nx=True))
        self.assertEqual(r.set("k", "w", xx=True, get=True), "v")
        self.assertTrue(r.set("t", "1", ex=100))
        self.assertEqual(r.ttl("t"), 100)
        self.assertTrue(r.set("p", "1", px=50))
        time.sleep(0.1)
        self.assertFalse(r.exists("p"))
        self.assertEqual(r.incr("n"), 1)
        self.assertEqual(r.incrby("n", 9), 10)
        self.assertAlmostEqual(r.incrbyfloat("f", 2.5), 2.5)
        self.assertTrue(r.mset({"a": "1", "b": "2"}))
        self.assertEqual(r.mget("a", "b", "zz"), ["1", "2", None])
        self.assertEqual(r.getdel("a"), "1")
        self.assertEqual(r.type("b"), "string")
        self.assertTrue(r.expire("b", 30))
        self.assertTrue(r.persist("b"))
        self.assertEqual(r.ttl("b"), -1)
        self.assertTrue(r.rename("b", "c"))
        self.assertEqual(r.dbsize(), 5)

    def test_errors_are_response_errors(self):
        self.r.set("s", "text")
        with self.assertRaises(redis.ResponseError) as e:
            self.r.incr("s")
        self.assertIn("not an integer", str(e.exception))
        with self.assertRaises(redis.ResponseError):
            self.r.execute_command("NOSUCHCOMMAND")

    def test_pipeline(self):
        p = self.r.pipeline(transaction=False)
        for i in range(500):
            p.set(f"k{i}", i)
        for i in range(500):
            p.get(f"k{i}")
        out = p.execute()
        self.assertEqual(out[:500], [True] * 500)
        self.assertEqual(out[500:], [str(i) for i in range(500)])

    def test_transaction_with_watch(self):
        r = self.r
        r.set("balance", 100)

        def spend(pipe):
            bal = int(pipe.get("balance"))
            pipe.multi()
            pipe.set("balance", bal - 30)

        r.transaction(spend, "balance")
        self.assertEqual(r.get("balance"), "70")

        other = redis.Redis(host="127.0.0.1", port=PORT, decode_responses=True)
        with r.pipeline() as pipe:
            pipe.watch("balance")
            other.set("balance", 0)
            pipe.multi()
            pipe.set("balance", 999)
            with self.assertRaises(redis.WatchError):
                pipe.execute()
        self.assertEqual(r.get("balance"), "0")

    def test_scan_iter(self):
        for i in range(300):
            self.r.set(f"user:{i}", i)
        self.r.set("other", 1)
        keys = set(self.r.scan_iter(match="user:*", count=50))
        self.assertEqual(len(keys), 300)
        self.assertEqual(sorted(self.r.keys("user:1?")), [f"user:{i}" for i in range(10, 20)])

    def test_resp3_and_client_info(self):
        r3 = redis.Redis(host="127.0.0.1", port=PORT, protocol=3, decode_responses=True)
        self.assertTrue(r3.ping())
        self.assertIsNone(r3.get("nothing"))
        r3.set("x", "1")
        self.assertEqual(r3.get("x"), "1")
        self.assertIn("redis_version", r3.info("server"))
        self.r.client_setname("pytest")
        self.assertEqual(self.r.client_getname(), "pytest")
        self.assertTrue(any(c.get("name") == "pytest" for c in self.r.client_list()))
        self.assertEqual(self.r.info("keyspace")["db0"]["keys"], 1)


if __name__ == "__main__":
    unittest.main(verbosity=1)
