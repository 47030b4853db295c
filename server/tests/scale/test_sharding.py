"""Sharding ScaloDB behind nutcracker (twemproxy): three `scalodb serve` processes and one
nutcracker on loopback ports picked at run time, driven with redis-py.

What it shows (docs/SCALING.md describes the same):
1. 100 000 keys written through the proxy all read back through it, and each server holds
   between 20% and 45% of them.
2. One server is killed (SIGKILL). Through the recommended pool (auto_eject_hosts: false), reads
   of its keys fail with an error and every other key still reads its own value: no key is
   answered with a wrong value or as missing. Through the ejecting pool (auto_eject_hosts: true),
   after a few errors the dead server leaves the ring and its keys read as missing: that is why
   a store must not eject.
3. MULTI through the proxy is refused (nutcracker does not forward transactions).
4. The server is restarted on the same port and directory: its keys are back from its log, and
   the proxy serves every key again."""

import os
import string
import sys
import time

import redis

from procs import WORK, Children, free_port, wait_listening

NUTCRACKER = os.environ.get("NUTCRACKER", "nutcracker")
KEYS = 100_000
BATCH = 2000
NAMES = ["scalodb1", "scalodb2", "scalodb3"]


def key(i):
    return f"key:{i}"


def value(i):
    return f"value-{i}"


def pipelined(client, keys, op):
    """Runs `op(pipe, key)` for every key in pipelined batches; returns the replies in order,
    errors as exception objects rather than raised."""
    out = []
    for start in range(0, len(keys), BATCH):
        pipe = client.pipeline(transaction=False)
        for k in keys[start : start + BATCH]:
            op(pipe, k)
        out.extend(pipe.execute(raise_on_error=False))
    return out


def proxy_client(port):
    """A client for the proxy. redis-py 5 sends CLIENT SETINFO when it connects, a command
    nutcracker does not know (it closes the connection); lib_name=None turns that off."""
    return redis.Redis(
        host="127.0.0.1", port=port, decode_responses=True, socket_timeout=10, lib_name=None, lib_version=None
    )


def check(cond, msg):
    if not cond:
        raise AssertionError(msg)


def classify(keys, replies, expected):
    """Counts replies that are right, errors, missing (None), and wrong values."""
    right = errors = missing = wrong = 0
    error_texts = set()
    for k, r in zip(keys, replies):
        if isinstance(r, Exception):
            errors += 1
            error_texts.add(f"{type(r).__name__}: {r}")
        elif r is None:
            missing += 1
        elif r == expected[k]:
            right += 1
        else:
            wrong += 1
    return right, errors, missing, wrong, error_texts


def main():
    t0 = time.monotonic()
    children = Children()
    try:
        servers = {}
        for name in NAMES:
            servers[name] = children.scalodb(name)
        ports = {name: port for name, (_, port) in servers.items()}
        proxy_port, eject_port, stats_port = free_port(), free_port(), free_port()
        template = string.Template(open(os.path.join(os.path.dirname(__file__), "nutcracker.yml.tmpl")).read())
        conf = os.path.join(WORK, "nutcracker.yml")
        with open(conf, "w") as f:
            f.write(
                template.substitute(
                    proxy_port=proxy_port,
                    eject_port=eject_port,
                    port1=ports["scalodb1"],
                    port2=ports["scalodb2"],
                    port3=ports["scalodb3"],
                )
            )
        # -s/-a: the stats port defaults to 22222 on every interface; pick a free loopback one.
        proxy = children.spawn(
            [NUTCRACKER, "-c", conf, "-s", str(stats_port), "-a", "127.0.0.1", "-v", "4"], "nutcracker.log"
        )
        wait_listening(proxy_port, proxy, "nutcracker")
        wait_listening(eject_port, proxy, "nutcracker")
        print(f"servers on ports {ports}; nutcracker on {proxy_port} (no eject) and {eject_port} (eject)")

        r = proxy_client(proxy_port)
        keys = [key(i) for i in range(KEYS)]
        expected = {key(i): value(i) for i in range(KEYS)}

        # 1. Write and read back through the proxy.
        t = time.monotonic()
        acks = pipelined(r, keys, lambda p, k: p.set(k, expected[k]))
        check(acks == [True] * KEYS, f"not every SET through the proxy was acknowledged: {set(map(str, acks))}")
        t_write = time.monotonic() - t
        t = time.monotonic()
        right, errors, missing, wrong, texts = classify(keys, pipelined(r, keys, lambda p, k: p.get(k)), expected)
        check(right == KEYS, f"read back {right} of {KEYS} (errors {errors} {texts}, missing {missing}, wrong {wrong})")
        t_read = time.monotonic() - t
        print(f"wrote {KEYS} keys through nutcracker in {t_write:.2f} s, read all back in {t_read:.2f} s")

        # Where each key went, asked of each server directly.
        owner = {}
        for name in NAMES:
            direct = redis.Redis(host="127.0.0.1", port=ports[name], decode_responses=True)
            held = list(direct.scan_iter(match="key:*", count=5000))
            check(direct.dbsize() == len(held), f"{name}: DBSIZE {direct.dbsize()} but SCAN found {len(held)}")
            for k in held:
                check(k not in owner, f"{k} is on both {owner.get(k)} and {name}")
                owner[k] = name
            share = len(held) / KEYS
            print(f"{name} holds {len(held)} keys ({share:.1%})")
            check(0.20 <= share <= 0.45, f"{name} holds {share:.1%} of the keys, outside 20%..45%")
        check(len(owner) == KEYS, f"the servers hold {len(owner)} distinct keys, not {KEYS}")

        # 2. Kill one server.
        victim = "scalodb2"
        victim_keys = [k for k in keys if owner[k] == victim]
        other_keys = [k for k in keys if owner[k] != victim]
        proc, _ = servers[victim]
        children.kill(proc)
        print(f"killed {victim} (SIGKILL) holding {len(victim_keys)} keys")

        right, errors, missing, wrong, texts = classify(keys, pipelined(r, keys, lambda p, k: p.get(k)), expected)
        print(
            f"no-eject pool after the kill: {right} right, {errors} errors, {missing} missing, {wrong} wrong; "
            f"errors seen: {sorted(texts)}"
        )
        check(wrong == 0 and missing == 0, "the no-eject pool answered a key wrongly or as missing")
        check(errors == len(victim_keys), f"{errors} errors, but the dead server holds {len(victim_keys)} keys")
        check(right == len(other_keys), "a key of a live server did not read back")
        # Writes for the dead server fail too; writes for live servers go on.
        w = pipelined(r, [victim_keys[0], other_keys[0]], lambda p, k: p.set(k, expected[k]))
        check(isinstance(w[0], Exception) and w[1] is True, f"writes after the kill: {w}")

        e = proxy_client(eject_port)
        # One key at a time, so that the proxy sees each failure before the next request.
        ej_keys = victim_keys[:200]
        ej = []
        for k in ej_keys:
            try:
                ej.append(e.get(k))
            except redis.RedisError as err:
                ej.append(err)
        right, errors, missing, wrong, texts = classify(ej_keys, ej, expected)
        print(
            f"eject pool, {len(ej_keys)} keys of the dead server: {errors} errors then ejection: "
            f"{missing} read as missing, {right} right, {wrong} wrong; errors seen: {sorted(texts)}"
        )
        check(errors >= 1, "the eject pool never reported the dead server")
        check(missing >= 1, "the eject pool never ejected the dead server (no key read as missing)")
        check(right == 0 and wrong == 0, "a key of the dead server read as a value through the eject pool")
        sample = other_keys[:: max(1, len(other_keys) // 2000)]
        right, errors, missing, wrong, _ = classify(sample, pipelined(e, sample, lambda p, k: p.get(k)), expected)
        check(right == len(sample), f"eject pool: live servers' keys {right}/{len(sample)} right")

        # 3. MULTI through the proxy.
        try:
            multi_reply = r.execute_command("MULTI")
        except redis.RedisError as err:
            multi_reply = err
        print(f"MULTI through nutcracker: {type(multi_reply).__name__}: {multi_reply}")
        check(isinstance(multi_reply, Exception), f"MULTI through nutcracker was accepted: {multi_reply}")
        r = proxy_client(proxy_port)

        # 4. Restart the killed server on its port and directory.
        t = time.monotonic()
        servers[victim] = children.scalodb(victim, port=ports[victim])
        direct = redis.Redis(host="127.0.0.1", port=ports[victim], decode_responses=True)
        check(direct.dbsize() == len(victim_keys), f"after restart {victim} has {direct.dbsize()} keys")
        # The proxy reconnects on the next request for the server.
        deadline = time.monotonic() + 10
        while True:
            try:
                if r.get(victim_keys[0]) == expected[victim_keys[0]]:
                    break
            except redis.RedisError:
                pass
            check(time.monotonic() < deadline, "the proxy did not reach the restarted server within 10 s")
            time.sleep(0.1)
        right, errors, missing, wrong, texts = classify(keys, pipelined(r, keys, lambda p, k: p.get(k)), expected)
        print(f"after the restart ({time.monotonic() - t:.2f} s): {right} of {KEYS} keys right through the proxy")
        check(right == KEYS, f"after restart: {errors} errors {texts}, {missing} missing, {wrong} wrong")
        # The ejecting pool takes the server back after server_retry_timeout.
        deadline = time.monotonic() + 10
        while True:
            try:
                if e.get(victim_keys[0]) == expected[victim_keys[0]]:
                    break
            except redis.RedisError:
                pass
            check(time.monotonic() < deadline, "the eject pool did not take the server back within 10 s")
            time.sleep(0.2)
        print(f"test_sharding: all passed in {time.monotonic() - t0:.1f} s")
    finally:
        children.close()


if __name__ == "__main__":
    try:
        main()
    except AssertionError as err:
        print(f"FAIL: {err}")
        sys.exit(1)
