"""Load for the server power-cut rounds: CLIENTS threads, each with its own redis-py connection
and its own keys, run the ops below until the server goes away (or LIMIT seconds pass), printing
`ack CLIENT J` once op J of CLIENT was answered. The harness models the same ops
(tests/power_cut_server.rs), so the two must stay in step.

Op J of client C, on keys PREFIX:cC:kN and the counter PREFIX:cC:n:
  J % 4 == 0: SET k(J % 20) vC-J
  J % 4 == 1: SET k(J*3 % 20) vC-J EX 3600
  J % 4 == 2: DEL k(J*7 % 20)
  J % 4 == 3: MULTI; SET k(J % 20) vC-J; INCR n; EXEC

usage: redis_clients.py HOST PORT PREFIX CLIENTS LIMIT
"""

import sys
import threading
import time

import redis


def key(prefix: str, c: int, k: int) -> str:
    return f"{prefix}:c{c}:k{k}"


def run(host: str, port: int, prefix: str, c: int, deadline: float, out: threading.Lock) -> None:
    r = redis.Redis(host=host, port=port, socket_timeout=30, retry_on_timeout=False)
    j = 0
    try:
        while time.monotonic() < deadline:
            v = f"v{c}-{j}"
            m = j % 4
            if m == 0:
                r.set(key(prefix, c, j % 20), v)
            elif m == 1:
                r.set(key(prefix, c, j * 3 % 20), v, ex=3600)
            elif m == 2:
                r.delete(key(prefix, c, j * 7 % 20))
            else:
                p = r.pipeline(transaction=True)
                p.set(key(prefix, c, j % 20), v)
                p.incr(f"{prefix}:c{c}:n")
                p.execute()
            with out:
                sys.stdout.write(f"ack {c} {j}\n")
                sys.stdout.flush()
            j += 1
    except (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError, OSError):
        pass  # the server was killed: the harness expects this


def main() -> None:
    host, port, prefix, clients, limit = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4]), float(sys.argv[5])
    out = threading.Lock()
    deadline = time.monotonic() + limit
    threads = [threading.Thread(target=run, args=(host, port, prefix, c, deadline, out)) for c in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


if __name__ == "__main__":
    main()
