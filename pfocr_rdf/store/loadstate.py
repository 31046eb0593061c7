"""What pfocr-rdf wrote into an embedded store: each graph's content digest, and the graphs being written.

Kept in the store folder beside Oxigraph's own files, in a small SQLite database, so SPARQL never sees
it and the store's quads stay exactly the data. Its tables:
- `graph`: the digest (BLAKE2b of the graph's N-Quads) and triple count of every graph a load completed,
  so a later load skips the figures whose content did not change;
- `in_flight`: the graphs a load has started to write and not yet confirmed. Rows are committed before
  the data can reach the store and removed once it is there, so after a crash (kill -9, power loss of
  the process) the next load knows exactly which graphs may hold half a figure, and removes them;
- `input`: for each record written whole, the digest of its inputs and what a later load needs to skip
  its conversion (reuse.py), with its share of the dataset description's counts (tally.py). A row is
  removed when its graph is written again or removed, so every row holds for the graph as it is;
- `term_set`: the sets of terms (predicates and classes) that `input` rows name by key, each kept once;
- `tally`: the sum of the `input` rows' shares, changed in the same transactions as the rows, so the
  description of the store is read from it, not from every record (a load changing 1% of the records
  changes about 1% of it).
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import threading
import zlib
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .reuse import InputEntry

STATE_FILE = "pfocr-rdf-load.sqlite"
_LOOKUP_BATCH = 500  # SQLite allows 999 parameters per statement in older builds
# PRAGMA user_version of the layout; an older state's records are dropped (converted again next time, their
# graphs' digests kept): 2 gave `input` its share of the description's counts and added `tally`.
_LAYOUT = 2


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
        with self._transaction():
            if db.execute("PRAGMA user_version").fetchone()[0] < _LAYOUT:
                for table in ("input", "term_set", "tally"):
                    db.execute(f"DROP TABLE IF EXISTS {table}")
                db.execute(f"PRAGMA user_version = {_LAYOUT}")
            db.execute(
                "CREATE TABLE IF NOT EXISTS input (key BLOB PRIMARY KEY, graph TEXT NOT NULL, digest BLOB NOT NULL, "
                "figid TEXT NOT NULL, tables BLOB NOT NULL, replay BLOB NOT NULL, terms TEXT NOT NULL, "
                "tally BLOB NOT NULL) WITHOUT ROWID"
            )
            db.execute("CREATE INDEX IF NOT EXISTS input_graph ON input (graph)")
            db.execute("CREATE TABLE IF NOT EXISTS term_set (key TEXT PRIMARY KEY, terms TEXT NOT NULL) WITHOUT ROWID")
            db.execute("CREATE TABLE IF NOT EXISTS tally (key TEXT PRIMARY KEY, count INTEGER NOT NULL) WITHOUT ROWID")
        self._term_sets: dict[str, list[str]] | None = None

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

    def tally(self) -> dict[str, int]:
        """The description's counts over every record the state holds (tally.py)."""
        return dict(self._db.execute("SELECT key, count FROM tally"))

    def begin(self, names: Iterable[str]) -> None:
        """These graphs are about to be written: committed before any of their data is."""
        with self._transaction():
            self._db.executemany("INSERT OR IGNORE INTO in_flight VALUES (?)", ((name,) for name in names))

    def done(self, written: Iterable[tuple[str, bytes | None, int]], inputs: Iterable[tuple[InputEntry, bytes]] = ()) -> None:
        """These graphs are in the store, whole: record their digests (None: keep none) and counts, and the
        inputs of the records they came from (with the graph digest they hold for). A graph written
        without a record's inputs (an RDF file's, one that came in parts) no longer holds any record."""
        inputs = list(inputs)
        recorded = {entry.graph for entry, _ in inputs}
        shift: Counter[str] = Counter()
        with self._transaction():
            for name, digest, triples in written:
                if digest is None:
                    self._db.execute("DELETE FROM graph WHERE name = ?", (name,))
                else:
                    self._db.execute("INSERT OR REPLACE INTO graph VALUES (?, ?, ?)", (name, digest, triples))
                self._db.execute("DELETE FROM in_flight WHERE name = ?", (name,))
                if name not in recorded:
                    self._drop_inputs(name, shift)
            self._record_inputs(inputs, shift)
            self._shift(shift)

    def record_inputs(self, inputs: Iterable[tuple[InputEntry, bytes]]) -> None:
        """Records whose graphs the store already held as they convert to now: skip them next time."""
        shift: Counter[str] = Counter()
        with self._transaction():
            self._record_inputs(inputs, shift)
            self._shift(shift)

    def _record_inputs(self, inputs: Iterable[tuple[InputEntry, bytes]], shift: Counter[str]) -> None:
        for entry, digest in inputs:
            self._drop_inputs(entry.graph, shift)  # earlier versions of the record
            terms_key, terms = entry.terms
            self._db.execute(
                "INSERT OR REPLACE INTO input VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (entry.key, entry.graph, digest, entry.figid, entry.tables, entry.replay, terms_key, entry.tally),
            )
            self._db.execute("INSERT OR IGNORE INTO term_set VALUES (?, ?)", entry.terms)
            if self._term_sets is not None:
                self._term_sets.setdefault(terms_key, json.loads(terms))
            shift.update(entry.counts)

    def _drop_inputs(self, graph: str, shift: Counter[str]) -> None:
        """Forget the records held for `graph`, their shares of the counts taken out of `shift`."""
        rows = self._db.execute("SELECT tally, terms FROM input WHERE graph = ?", (graph,)).fetchall()
        if not rows:
            return
        for tally, terms_key in rows:
            shift.subtract(json.loads(zlib.decompress(tally)))
            shift.subtract(dict.fromkeys(("t" + term for term in self._terms(terms_key)), 1))
        self._db.execute("DELETE FROM input WHERE graph = ?", (graph,))

    def _terms(self, key: str) -> list[str]:
        if self._term_sets is None:
            self._term_sets = {k: json.loads(terms) for k, terms in self._db.execute("SELECT key, terms FROM term_set")}
        return self._term_sets.get(key, [])

    def _shift(self, shift: Counter[str]) -> None:
        """Add `shift` to the tally (in the caller's transaction); counts that reach zero go."""
        changed = [(key, count) for key, count in shift.items() if count]
        if not changed:
            return
        self._db.executemany(
            "INSERT INTO tally VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET count = count + excluded.count", changed
        )
        if any(count < 0 for _, count in changed):
            self._db.execute("DELETE FROM tally WHERE count = 0")

    def in_flight(self) -> list[str]:
        return [name for (name,) in self._db.execute("SELECT name FROM in_flight ORDER BY name")]

    def forget(self, names: Iterable[str]) -> None:
        """These graphs were removed from the store: nothing is known of them any more."""
        shift: Counter[str] = Counter()
        with self._transaction():
            for name in names:
                self._db.execute("DELETE FROM graph WHERE name = ?", (name,))
                self._db.execute("DELETE FROM in_flight WHERE name = ?", (name,))
                self._drop_inputs(name, shift)
            self._shift(shift)

    def clear(self) -> None:
        """The store is empty (made anew, or emptied by another tool): no digest holds any more."""
        with self._transaction():
            self._db.execute("DELETE FROM graph")
            self._db.execute("DELETE FROM input")
            self._db.execute("DELETE FROM term_set")
            self._db.execute("DELETE FROM tally")
        self._term_sets = None

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
