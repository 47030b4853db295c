"""A hypothesis state machine drives a store and a dict with the same operations, including
closing and reopening the store, and checks they always agree."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Optional

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

import scalodb

# A small alphabet makes prefixes, overwrites and deletes of existing keys common.
keys = st.binary(min_size=0, max_size=4).map(lambda b: bytes(x % 4 + 0x61 for x in b))
values = st.binary(max_size=32)
bounds = st.none() | keys


class StoreMatchesDict(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.dir = Path(tempfile.mkdtemp(prefix="scalodb-model-"))
        self.db = scalodb.open(self.dir, sync="never")
        self.model: dict[bytes, bytes] = {}
        self.snap: Optional[tuple[scalodb.Snapshot, dict[bytes, bytes]]] = None

    def teardown(self) -> None:
        if self.snap is not None:
            self.snap[0].release()
        self.db.close()
        shutil.rmtree(self.dir, ignore_errors=True)

    @rule(k=keys, v=values)
    def put(self, k: bytes, v: bytes) -> None:
        self.db[k] = v
        self.model[k] = v

    @rule(k=keys)
    def get(self, k: bytes) -> None:
        assert self.db.get(k) == self.model.get(k)

    @rule(k=keys)
    def delete(self, k: bytes) -> None:
        assert self.db.delete(k) == (k in self.model)
        self.model.pop(k, None)

    @rule(items=st.lists(st.tuples(keys, st.none() | values), max_size=6))
    def batch(self, items: list[tuple[bytes, Optional[bytes]]]) -> None:
        with self.db.batch() as b:
            for k, v in items:
                if v is None:
                    b.delete(k)
                else:
                    b.put(k, v)
        for k, v in items:
            if v is None:
                self.model.pop(k, None)
            else:
                self.model[k] = v

    @rule(prefix=keys, reverse=st.booleans())
    def scan_prefix(self, prefix: bytes, reverse: bool) -> None:
        want = sorted(((k, v) for k, v in self.model.items() if k.startswith(prefix)), reverse=reverse)
        assert list(self.db.scan(prefix, reverse=reverse)) == want

    @rule(start=bounds, end=bounds, reverse=st.booleans())
    def scan_range(self, start: Optional[bytes], end: Optional[bytes], reverse: bool) -> None:
        want = sorted(
            (
                (k, v)
                for k, v in self.model.items()
                if (start is None or k >= start) and (end is None or k < end)
            ),
            reverse=reverse,
        )
        assert list(self.db.scan(start=start, end=end, reverse=reverse)) == want

    @precondition(lambda self: self.snap is None)
    @rule()
    def take_snapshot(self) -> None:
        self.snap = (self.db.snapshot(), dict(self.model))

    @precondition(lambda self: self.snap is not None)
    @rule(k=keys)
    def check_snapshot(self, k: bytes) -> None:
        assert self.snap is not None
        snap, frozen = self.snap
        assert snap.get(k) == frozen.get(k)
        assert list(snap.scan()) == sorted(frozen.items())
        snap.release()
        self.snap = None

    @precondition(lambda self: self.snap is None)
    @rule(checkpoint=st.booleans())
    def reopen(self, checkpoint: bool) -> None:
        if checkpoint:
            self.db.checkpoint()
        self.db.close()
        self.db = scalodb.open(self.dir, sync="never")

    @invariant()
    def same_size(self) -> None:
        assert len(self.db) == len(self.model)


StoreMatchesDict.TestCase.settings = settings(max_examples=60, stateful_step_count=40, deadline=None)
TestStoreMatchesDict = StoreMatchesDict.TestCase
