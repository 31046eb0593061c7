"""What pfocr-rdf wrote into an embedded store: each graph's content digest, and the graphs being written.

Kept in the store folder beside Oxigraph's own files, in a small SQLite database, so SPARQL never sees
it and the store's quads stay exactly the data. Its tables:
- `graph`: the digest (BLAKE2b of the graph's N-Quads) and triple count of every graph a load completed,
  so a later load skips the figures whose content did not change;
- `in_flight`: the graphs a load has started to write and not yet confirmed. Rows are committed before
  the data can reach the store and removed once it is there, so after a crash (kill -9, power loss of
  the process) the next load knows exactly which graphs may hold half a figure, and removes them;
- `input`: for each record written whole, the digest of its inputs and what a later load needs to skip
  its conversion (reuse.py). A row holds only while its graph holds the digest recorded with it;
- `term_set`: the sets of terms (predicates and classes) that `input` rows name by key, each kept once.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import threading
from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .reuse import InputEntry

STATE_FILE = "pfocr-rdf-load.sqlite"
_LOOKUP_BATCH = 500  # SQLite allows 999 parameters per statement in older builds


def content_digest(nquads: bytes) -> bytes:
    """128-bit BLAKE2b of a graph's text: a collision (a changed figure taken as unchanged) needs ~2^64 graphs."""
    return hashlib.blake2b(nquads, digest_size=16).digest()


class LoadState:
    """The load bookkeeping of one store folder."""

    def __init__(self, folder: str) -> None:
        self.path = os.path.join(folder, STATE_FILE)
        self._local = threading.local()  # one connection per thread: the bulk loader confirms from its own
        self._connections: list[sqlite3.Connection] = []
        self._lock = threading.Lock()
        db = self._db
        db.execute("PRAGMA journal_mode = WAL")  # commits survive a killed process; readers never block
        db.execute(
            "CREATE TABLE IF NOT EXISTS graph "
            "(name TEXT PRIMARY KEY, digest BLOB NOT NULL, triples INTEGER NOT NULL) WITHOUT ROWID"
        )
        db.execute("CREATE TABLE IF NOT EXISTS in_flight (name TEXT PRIMARY KEY) WITHOUT ROWID")
        db.execute(
            "CREATE TABLE IF NOT EXISTS input (key BLOB PRIMARY KEY, graph TEXT NOT NULL, digest BLOB NOT NULL, "
            "figid TEXT NOT NULL, tables BLOB NOT NULL, replay BLOB NOT NULL) WITHOUT ROWID"
        )
        db.execute("CREATE INDEX IF NOT EXISTS input_graph ON input (graph)")
        db.execute("CREATE TABLE IF NOT EXISTS term_set (key TEXT PRIMARY KEY, terms TEXT NOT NULL) WITHOUT ROWID")

    @property
    def _db(self) -> sqlite3.Connection:
        connection: sqlite3.Connection | None = getattr(self._local, "connection", None)
        if connection is None:
            connection = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False, timeout=60)
            connection.execute("PRAGMA synchronous = NORMAL")
            self._local.connection = connection
            with self._lock:
                self._connections.append(connection)
        return connection

    def _rows_with(self, query: str, values: Sequence[object]) -> Iterator[tuple[Any, ...]]:
        """The rows of `query` whose `IN ({marks})` list takes `values`, asked a batch at a time (SQLite
        limits the number of parameters of one statement)."""
        for start in range(0, len(values), _LOOKUP_BATCH):
            batch = values[start : start + _LOOKUP_BATCH]
            yield from self._db.execute(query.format(marks=",".join("?" * len(batch))), batch)

    def digests(self, names: list[str]) -> dict[str, bytes]:
        """The recorded digest of each of these graphs that has one."""
        return dict(self._rows_with("SELECT name, digest FROM graph WHERE name IN ({marks})", names))

    def inputs(self, keys: list[bytes]) -> dict[bytes, tuple[str, str, bytes]]:
        """(graph, figid, tables digest) of each of these record keys whose graph the store still holds as it was."""
        query = (
            "SELECT input.key, input.graph, input.figid, input.tables FROM input JOIN graph "
            "ON graph.name = input.graph AND graph.digest = input.digest WHERE input.key IN ({marks})"
        )
        return {key: (graph, figid, tables) for key, graph, figid, tables in self._rows_with(query, keys)}

    def replays(self, keys: list[bytes]) -> dict[bytes, bytes]:
        """What the run needs of each of these records (reuse.py), by key."""
        return dict(self._rows_with("SELECT key, replay FROM input WHERE key IN ({marks})", keys))

    def records_held(self, besides: set[str]) -> Iterator[tuple[str, bytes]]:
        """(graph, replay) of each record graph the store holds as a load wrote it, in graph order, once
        each, but those in `besides`."""
        query = (
            "SELECT input.graph, input.replay FROM input JOIN graph "
            "ON graph.name = input.graph AND graph.digest = input.digest ORDER BY input.graph"
        )
        last = None
        for graph, replay in self._db.execute(query):
            if graph != last and graph not in besides:
                yield graph, replay
            last = graph

    def term_sets(self) -> dict[str, frozenset[str]]:
        """The sets of terms the replays name, by key (a corpus has a few hundred different ones)."""
        return {key: frozenset(json.loads(terms)) for key, terms in self._db.execute("SELECT key, terms FROM term_set")}

    def begin(self, names: Iterable[str]) -> None:
        """These graphs are about to be written: committed before any of their data is."""
        with self._transaction():
            self._db.executemany("INSERT OR IGNORE INTO in_flight VALUES (?)", ((name,) for name in names))

    def done(self, written: Iterable[tuple[str, bytes | None, int]], inputs: Iterable[tuple[InputEntry, bytes]] = ()) -> None:
        """These graphs are in the store, whole: record their digests (None: keep none) and counts, and the
        inputs of the records they came from (with the graph digest they hold for)."""
        with self._transaction():
            for name, digest, triples in written:
                if digest is None:
                    self._db.execute("DELETE FROM graph WHERE name = ?", (name,))
                else:
                    self._db.execute("INSERT OR REPLACE INTO graph VALUES (?, ?, ?)", (name, digest, triples))
                self._db.execute("DELETE FROM in_flight WHERE name = ?", (name,))
            self._record_inputs(inputs)

    def record_inputs(self, inputs: Iterable[tuple[InputEntry, bytes]]) -> None:
        """Records whose graphs the store already held as they convert to now: skip them next time."""
        with self._transaction():
            self._record_inputs(inputs)

    def _record_inputs(self, inputs: Iterable[tuple[InputEntry, bytes]]) -> None:
        for entry, digest in inputs:
            self._db.execute("DELETE FROM input WHERE graph = ?", (entry.graph,))  # earlier versions of the record
            self._db.execute(
                "INSERT OR REPLACE INTO input VALUES (?, ?, ?, ?, ?, ?)",
                (entry.key, entry.graph, digest, entry.figid, entry.tables, entry.replay),
            )
            if entry.terms is not None:
                self._db.execute("INSERT OR IGNORE INTO term_set VALUES (?, ?)", entry.terms)

    def in_flight(self) -> list[str]:
        return [name for (name,) in self._db.execute("SELECT name FROM in_flight ORDER BY name")]

    def forget(self, names: Iterable[str]) -> None:
        """These graphs were removed from the store: nothing is known of them any more."""
        with self._transaction():
            for name in names:
                self._db.execute("DELETE FROM graph WHERE name = ?", (name,))
                self._db.execute("DELETE FROM in_flight WHERE name = ?", (name,))
                self._db.execute("DELETE FROM input WHERE graph = ?", (name,))

    def clear(self) -> None:
        """The store is empty (made anew, or emptied by another tool): no digest holds any more."""
        with self._transaction():
            self._db.execute("DELETE FROM graph")
            self._db.execute("DELETE FROM input")
            self._db.execute("DELETE FROM term_set")

    def close(self) -> None:
        with self._lock:
            for connection in self._connections:
                connection.close()
            self._connections.clear()
        self._local = threading.local()

    def _transaction(self) -> _Transaction:
        return _Transaction(self._db)


class _Transaction:
    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db

    def __enter__(self) -> None:
        self.db.execute("BEGIN IMMEDIATE")

    def __exit__(self, kind: object, *_: object) -> None:
        self.db.execute("COMMIT" if kind is None else "ROLLBACK")
