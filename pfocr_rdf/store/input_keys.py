"""What a record's inputs digest to, for reuse.py: the options that change output (a fingerprint), the
record's own file (its key) and its sidecar tables (by their bytes, not where they are)."""

from __future__ import annotations

import hashlib
import os
from dataclasses import astuple
from pathlib import Path
from typing import TYPE_CHECKING

from .. import __version__
from ..check.validate import shapes_text
from ..read.mentions import KINDS, TABLE_SUFFIX, find_table
from ..run.pipeline import ConvertOptions

if TYPE_CHECKING:
    from ..read.sources import RecordSource

_READ_BLOCK = 1 << 20
# The layout of a replay: part of every record's key, so a replay is only ever read by the code that wrote it
# (2: the terms are named by the key of their set, the linkset counts are a list; 3: what the dataset
# description's summaries count of the record's own nodes; 4: the counts are a share of the state's tally,
# the replay only what the summary reports).
REPLAY_FORMAT = 4


def _digest() -> hashlib.blake2b:
    return hashlib.blake2b(digest_size=16)


def options_fingerprint(options: ConvertOptions) -> bytes:
    """Everything besides a record's own files that changes what it converts to (or whether it is rejected)."""
    found = _digest()

    def add(*parts: object) -> None:
        found.update(repr(parts).encode("utf-8", "surrogateescape"))

    add("pfocr-rdf", __version__, REPLAY_FORMAT, options.max_file_bytes, astuple(options.yaml_limits), options.reference)
    add(options.max_table_rows)
    table = options.organisms
    while table is not None:
        add(table.label, sorted(table.taxids.items()))
        table = table.base
    if options.validation is not None:
        shapes = options.validation.shapes
        add("shapes", options.validation.engine, shapes_text(Path(shapes) if shapes else None))
    if options.taxonomy is not None:
        add("taxonomy", options.taxonomy.source, options.taxonomy.index)  # the index is named after the file's identity
    return found.digest()


def record_key(source: RecordSource, fingerprint: bytes) -> bytes | None:
    """The digest of a record's own inputs; None when the file cannot be read (the conversion says why)."""
    found = _digest()
    found.update(fingerprint)
    found.update(repr((source.stem, source.explicit)).encode("utf-8", "surrogateescape"))
    if source.text is not None:
        found.update(source.text.encode("utf-8", "surrogateescape"))
        return found.digest()
    try:
        with open(source.path, "rb") as handle:
            while block := handle.read(_READ_BLOCK):
                found.update(block)
    except OSError:
        return None
    return found.digest()


class TableFolders:
    """The names in each table folder, listed once: a load checks every record's tables, and a listing
    costs less than a look-up of each kind of table of each record in each folder."""

    def __init__(self) -> None:
        self._names: dict[str, frozenset[str]] = {}

    def find(self, figid: str, kind: str, folders: tuple[str, ...]) -> str | None:
        """The path `find_table` finds (a folder that cannot be listed is asked as it does)."""
        name = figid + TABLE_SUFFIX[kind]
        for folder in folders:
            names = self._names.get(folder)
            if names is None:
                try:
                    names = self._names[folder] = frozenset(os.listdir(folder))
                except OSError:
                    found = find_table(figid, kind, (folder,))
                    if found is not None:
                        return found
                    continue
            if name in names:
                return os.path.join(folder, name)
        return None


def tables_digest(figid: str, table_dirs: tuple[str, ...], folders: TableFolders | None = None) -> bytes | None:
    """The digest of the sidecar tables the conversion of `figid` reads: which kinds exist, and their bytes
    (not where they are: a release checked out in another folder is the same input)."""
    found = _digest()
    for kind in KINDS:
        path = folders.find(figid, kind, table_dirs) if folders is not None else find_table(figid, kind, table_dirs)
        found.update(repr((kind, path is not None)).encode("utf-8"))
        if path is None:
            continue
        try:
            with open(path, "rb") as handle:
                while block := handle.read(_READ_BLOCK):
                    found.update(block)
        except OSError:
            return None
    return found.digest()
