"""`scalodb serve --cluster-mode emulated` with redis-py's RedisCluster, a cluster-aware client
that refuses servers without cluster support: it must discover one node owning every slot and
work through it; CLUSTER KEYSLOT must agree with two independent computations of the Redis hash
slot (Python's binascii.crc_hqx, which is CRC16-XMODEM, and redis-py's own key_slot)."""

import binascii
import random
import sys
import unittest

import redis
from redis.cluster import RedisCluster
from redis.crc import key_slot as redis_py_key_slot
from redis.exceptions import RedisClusterException

from procs import Children


def spec_slot(key: bytes) -> int:
    """The slot as the Redis cluster specification defines it, written independently of the
    server: CRC16-XMODEM of the hash tag (first `{` to the next `}`, if not empty) or the key."""
    start = key.find(b"{")
    if start >= 0:
        end = key.find(b"}", start + 1)
        if end > start + 1:
            key = key[start + 1 : end]
    return binascii.crc_hqx(key, 0) % 16384


class ClusterModeTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.children = Children()
        _, cls.port = cls.children.scalodb("cluster", extra=["--cluster-mode", "emulated"])
        _, cls.plain_port = cls.children.scalodb("plain")
        # Bound to every interface: the node must announce an address a client can dial.
        _, cls.wild_port = cls.children.scalodb("wild", host="0.0.0.0", extra=["--cluster-mode", "emulated"])

    @classmethod
    def tearDownClass(cls):
        cls.children.close()

    def test_redis_cluster_client_discovers_one_node_and_works(self):
        rc = RedisCluster(host="127.0.0.1", port=self.port, decode_responses=True)
        nodes = rc.get_nodes()
        self.assertEqual([(n.host, n.port) for n in nodes], [("127.0.0.1", self.port)])
        self.assertEqual(nodes[0].server_type, "primary")
        for slot in (0, 5000, 16383):
            self.assertEqual(rc.nodes_manager.get_node_from_slot(slot).port, self.port)
        rc.flushdb()
        for i in range(500):
            self.assertTrue(rc.set(f"user:{i}", i))
        self.assertEqual(rc.get("user:42"), "42")
        self.assertEqual(rc.mget_nonatomic([f"user:{i}" for i in range(10)]), [str(i) for i in range(10)])
        # Keys that share a hash tag can go in one multi-key command.
        self.assertTrue(rc.mset({"{cart7}.items": "3", "{cart7}.total": "99"}))
        self.assertEqual(rc.mget("{cart7}.items", "{cart7}.total"), ["3", "99"])
        pipe = rc.pipeline()
        for i in range(100):
            pipe.incr(f"counter:{i % 10}")
        self.assertEqual(pipe.execute()[-1], 10)
        self.assertEqual(rc.dbsize(), 512)
        info = rc.cluster_info()
        self.assertEqual(info["cluster_state"], "ok")
        self.assertEqual(int(info["cluster_slots_assigned"]), 16384)
        self.assertEqual(int(info["cluster_known_nodes"]), 1)
        self.assertEqual(rc.info("cluster")["cluster_enabled"], 1)
        rc.close()

    def test_node_id_is_40_hex_digits_and_the_same_in_every_reply(self):
        r = redis.Redis(host="127.0.0.1", port=self.port, decode_responses=True)
        my_id = r.execute_command("CLUSTER MYID")
        self.assertRegex(my_id, r"^[0-9a-f]{40}$")
        slots = r.execute_command("CLUSTER SLOTS")
        self.assertEqual(slots[0][:2], [0, 16383])
        self.assertEqual(slots[0][2][:3], ["127.0.0.1", self.port, my_id])
        nodes = r.execute_command("CLUSTER NODES")
        self.assertEqual(list(nodes), [f"127.0.0.1:{self.port}"])
        line = nodes[f"127.0.0.1:{self.port}"]
        self.assertEqual(line["node_id"], my_id)
        self.assertEqual(line["slots"], [["0", "16383"]])
        # RESP2 sends maps as flat [name, value, ...] lists.
        shards = r.execute_command("CLUSTER SHARDS")
        self.assertEqual(len(shards), 1)
        shard = dict(zip(shards[0][::2], shards[0][1::2]))
        self.assertEqual(shard["slots"], [0, 16383])
        node = dict(zip(shard["nodes"][0][::2], shard["nodes"][0][1::2]))
        self.assertEqual((node["id"], node["ip"], node["port"], node["role"]), (my_id, "127.0.0.1", self.port, "master"))

    def test_keyslot_matches_the_spec_and_redis_py(self):
        r = redis.Redis(host="127.0.0.1", port=self.port)
        rng = random.Random(7)
        keys = [b"123456789", b"somekey", b"foo{hash_tag}", b"{}", b"{a}{b}", b"x{}y{z}", b"\xff\x00{\x01}"]
        for _ in range(300):
            body = bytes(rng.randrange(256) for _ in range(rng.randrange(0, 24)))
            tagged = body[: len(body) // 2] + b"{" + body[len(body) // 2 :] + b"}" + body[:3]
            keys += [body, tagged]
        pipe = r.pipeline(transaction=False)
        for k in keys:
            pipe.execute_command("CLUSTER KEYSLOT", k)
        for k, slot in zip(keys, pipe.execute()):
            self.assertEqual(slot, spec_slot(k), k)
            self.assertEqual(slot, redis_py_key_slot(k), k)

    def test_wildcard_bind_announces_a_dialable_address(self):
        port = self.wild_port
        r = redis.Redis(host="127.0.0.1", port=port, decode_responses=True)
        announced = r.execute_command("CLUSTER SLOTS")[0][2][0]
        self.assertNotEqual(announced, "0.0.0.0")
        rc = RedisCluster(host="127.0.0.1", port=port, decode_responses=True)
        self.assertEqual([(n.host, n.port) for n in rc.get_nodes()], [("127.0.0.1", port)])
        self.assertTrue(rc.set("k", "v"))
        self.assertEqual(rc.get("k"), "v")
        rc.close()

    def test_without_cluster_mode_cluster_commands_are_disabled(self):
        r = redis.Redis(host="127.0.0.1", port=self.plain_port)
        for cmd in ("CLUSTER SLOTS", "CLUSTER INFO", "CLUSTER KEYSLOT x", "READONLY"):
            with self.assertRaises(redis.ResponseError) as e:
                r.execute_command(cmd)
            self.assertEqual(str(e.exception), "This instance has cluster support disabled", cmd)
        self.assertEqual(r.info("cluster")["cluster_enabled"], 0)
        # redis-py recognises Redis's wording and says why it cannot connect.
        with self.assertRaisesRegex(RedisClusterException, "Cluster mode is not enabled on this node"):
            RedisCluster(host="127.0.0.1", port=self.plain_port)


if __name__ == "__main__":
    result = unittest.main(exit=False, verbosity=2).result
    sys.exit(0 if result.wasSuccessful() else 1)
