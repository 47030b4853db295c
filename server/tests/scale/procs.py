"""Child processes of the scale tests: `scalodb serve` and nutcracker on loopback ports picked at
run time. $SCALE_WORK/pids lists the children still running, so that run_tests.sh's trap can kill
what a crashed test left behind (and only that: an ended child's id may belong to another process
later); `Children.close` kills them in the normal case."""

import os
import re
import signal
import socket
import subprocess
import time

BIN = os.environ["SCALODB_BIN"]
WORK = os.environ["SCALE_WORK"]


def free_port():
    """A loopback port nobody listens on now. Another process could take it before our child
    binds it; on a test machine that window is small, and the child's start then fails loudly."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_listening(port, proc, what, timeout=10.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{what} exited with {proc.returncode} before listening")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"{what} is not listening on port {port} after {timeout} s")


class Children:
    def __init__(self):
        self.procs = []

    def spawn(self, args, log_name):
        log = open(os.path.join(WORK, log_name), "ab")
        proc = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        log.close()
        self.procs.append(proc)
        self._record()
        return proc

    def _record(self):
        running = [p.pid for p in self.procs if p.poll() is None]
        with open(os.path.join(WORK, "pids"), "w") as f:
            f.writelines(f"{pid}\n" for pid in running)

    def kill(self, proc):
        """SIGKILL, as a crash or the OOM killer would end it; returns once it has ended."""
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
        self._record()

    def scalodb(self, name, port=0, extra=(), host="127.0.0.1"):
        """Starts `scalodb serve` on DIR=$SCALE_WORK/NAME, bound to HOST:PORT; returns (process,
        port). Port 0 lets the server pick one, read back from the line it prints."""
        log_name = f"{name}.log"
        log_path = os.path.join(WORK, log_name)
        start = os.path.getsize(log_path) if os.path.exists(log_path) else 0
        proc = self.spawn(
            [BIN, "serve", "--addr", f"{host}:{port}", "--dir", os.path.join(WORK, name), *extra], log_name
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with open(log_path, "rb") as f:
                f.seek(start)
                m = re.search(rb"redis-cli -h \S+ -p (\d+)", f.read())
            if m:
                return proc, int(m.group(1))
            if proc.poll() is not None:
                raise RuntimeError(f"scalodb {name} exited with {proc.returncode}; see {log_path}")
            time.sleep(0.05)
        raise RuntimeError(f"scalodb {name} did not start; see {log_path}")

    def close(self):
        for p in self.procs:
            if p.poll() is None:
                p.send_signal(signal.SIGKILL)
        for p in self.procs:
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                pass
        self._record()
