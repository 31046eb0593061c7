"""What a run has already seen, kept off the heap so memory stays flat whatever the corpus size.

A run must remember every figid (to name duplicates) and, for every paper, the triples it already
wrote (to write a paper shared by several figures once). In Python dicts that state grows by a few
hundred bytes a record; here it lives in a private temporary SQLite database (deleted when closed,
never named, in TMPDIR) behind a page cache of fixed size, as 64-bit digests: about 20 µs a record.
"""

from __future__ import annotations

import hashlib
import sqlite3
from array import array

CACHE_KIB = 2048


def digest64(text: str) -> int:
    """A signed 64-bit digest of `text` (BLAKE2b), SQLite's integer: collisions among a million keys are
    about one in 10^7."""
    return int.from_bytes(hashlib.blake2b(text.encode("utf-8"), digest_size=8).digest(), "little", signed=True)


def digest32(text: str) -> int:
    return int.from_bytes(hashlib.blake2b(text.encode("utf-8"), digest_size=4).digest(), "little")


class SeenStore:
    """Figids by digest (with the index of the source they came from) and, per shared subject, the set
    of 32-bit digests of the triples written for it."""

    def __init__(self) -> None:
        self._db = sqlite3.connect("")  # "": a private on-disk database, deleted on close
        self._db.execute("PRAGMA journal_mode = OFF")
        self._db.execute("PRAGMA synchronous = OFF")
        self._db.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
        self._db.execute("CREATE TABLE figid (digest INTEGER PRIMARY KEY, source INTEGER NOT NULL)")
        self._db.execute("CREATE TABLE subject (digest INTEGER PRIMARY KEY, triples BLOB NOT NULL)")

    def figid_source(self, figid: str) -> int | None:
        """The index of the source `figid` was first converted from, if it was."""
        row = self._db.execute("SELECT source FROM figid WHERE digest = ?", (digest64(figid),)).fetchone()
        return None if row is None else int(row[0])

    def add_figid(self, figid: str, source: int) -> None:
        self._db.execute("INSERT OR REPLACE INTO figid VALUES (?, ?)", (digest64(figid), source))

    def triples_of(self, subject: str) -> set[int] | None:
        """The digests of the triples written for `subject`, or None when it was never written."""
        row = self._db.execute("SELECT triples FROM subject WHERE digest = ?", (digest64(subject),)).fetchone()
        return None if row is None else set(array("I", row[0]))

    def set_triples_of(self, subject: str, triples: set[int]) -> None:
        packed = array("I", sorted(triples)).tobytes()
        self._db.execute("INSERT OR REPLACE INTO subject VALUES (?, ?)", (digest64(subject), packed))

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> SeenStore:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()
