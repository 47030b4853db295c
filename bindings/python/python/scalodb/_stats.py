"""``Stats``: the typed picture of a store that ``DB.stats()`` returns."""

from __future__ import annotations

import dataclasses
from typing import Mapping


@dataclasses.dataclass(frozen=True)
class Stats:
    """Counts and sizes of a store at one moment (see the engine's ``Stats``)."""

    keys: int
    """Live keys."""
    key_bytes: int
    """Bytes of the live keys."""
    value_bytes: int
    """Bytes of the live values."""
    memory_bytes: int
    """Memory held for data: items, versions kept for readers, the indexes, and memory unlinked
    that waits for readers to move on (``pending_free_bytes``)."""
    wal_bytes: int
    """Bytes in the log segments on disk."""
    wal_segments: int
    """Log segment files on disk."""
    last_checkpoint_seq: int
    """Sequence number covered by the last checkpoint (0 if none)."""
    last_checkpoint_unix_ms: int
    """When the last checkpoint was written, in ms since the Unix epoch (0 if none)."""
    last_checkpoint_keys: int
    """Keys written by the last checkpoint."""
    sequence: int
    """Sequence number of the last commit."""
    gets: int
    puts: int
    deletes: int
    batches: int
    scans: int
    fsyncs: int
    """fsync calls on the log (group commit makes them fewer than durable writes)."""
    torn_records_truncated: int
    """Torn records cut off the end of the log when the store was opened."""
    open_views: int
    """Open snapshots, scans and checkpoints holding old versions."""
    evictions: int
    """Keys deleted to stay under ``max_memory``."""
    expired_keys: int
    """Keys removed because their TTL passed."""
    transactions: int
    """Transactions committed."""
    conflicts: int
    """Transaction commits refused with a conflict (counted by the engine's own retry loop)."""
    pending_free_objects: int
    """Versions, items and index nodes unlinked but not yet freed (waiting for readers)."""
    pending_free_bytes: int
    """Bytes of those, counted in ``memory_bytes``."""

    @classmethod
    def _from_native(cls, d: Mapping[str, int]) -> Stats:
        # Ignore counters this Python package does not know yet, so an engine that reports more
        # still works with an older package.
        names = {f.name for f in dataclasses.fields(cls)}
        return cls(**{k: v for k, v in d.items() if k in names})
