"""Distinct lines per graph, counted off the heap: what a store holds after the same triple arrived twice.

A store keeps a set of triples per graph; the count check must compare the store with the distinct
triples sent, not with the lines sent. Lines are canonical N-Triples/N-Quads (the tool writes every
term one way), so equal triples are equal lines. Kept as 64-bit digests in a private temporary SQLite
database, like seen.py: a collision among a million lines (a false alarm, never a missed loss) is about
one in 10^7.
"""

from __future__ import annotations

import sqlite3

from ..run.seen import digest64


class DistinctLines:
    def __init__(self) -> None:
        self._db = sqlite3.connect("")  # "": private, on disk, deleted on close
        self._db.execute("PRAGMA journal_mode = OFF")
        self._db.execute("PRAGMA synchronous = OFF")
        self._db.execute("CREATE TABLE line (graph INTEGER, digest INTEGER, PRIMARY KEY (graph, digest)) WITHOUT ROWID")
        self.totals: dict[str, int] = {}

    def add(self, graph: str, text: str) -> int:
        """Count the lines of `text` (for `graph`) not seen before; returns how many were new."""
        key = digest64(graph)
        before = self._db.total_changes
        self._db.executemany(
            "INSERT OR IGNORE INTO line VALUES (?, ?)", ((key, digest64(line)) for line in text.splitlines() if line)
        )
        new = self._db.total_changes - before
        self.totals[graph] = self.totals.get(graph, 0) + new
        return new

    def close(self) -> None:
        self._db.close()
