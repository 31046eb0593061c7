"""NCBI Taxonomy's names as an organism source: `names.dmp`, or the taxdump archives read in place.

Every name class is used (scientific name, synonym, equivalent name, common names, ...). For each name
the scientific names win over every other class; a name that still names several taxa is ambiguous and
is reported, never guessed. The 4 million lines are indexed once into an SQLite file in the user's cache
folder, keyed on the file's identity (path, size, modification time), and later runs open it at once.

Indexing one row per name made SQLite's per-row work the bulk of the cost (a minute on a busy machine),
so the index holds sorted text instead: each run of a few hundred thousand lines is sorted in memory (at C
speed) and stored as blocks of consecutive `name key, class flag, taxid` lines, with each block's last
line as its index key. A lookup reads one block per run. Lookups read the file on demand: the index never
sits in memory, and each worker process opens its own connection.
"""

from __future__ import annotations

import hashlib
import os
import re
import sqlite3
import tarfile
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import IO

from ..errors import UsageError
from .organisms import name_key

ARCHIVE_MEMBER = "names.dmp"
SCIENTIFIC_NAME = "scientific name"
_INDEX_VERSION = "2"  # part of the cache key: a new index layout never reads an old file
_FORMAT = "tax_id\\t|\\tname_txt\\t|\\tunique name\\t|\\tname class\\t|"


@dataclass(frozen=True, slots=True)
class TaxonMatch:
    """What a name means in NCBI Taxonomy: one taxon, or several (ambiguous) in its winning class."""

    taxids: tuple[str, ...]
    scientific: bool  # whether the winning class is "scientific name"

    @property
    def taxid(self) -> str | None:
        return self.taxids[0] if len(self.taxids) == 1 else None


def cache_dir() -> str:
    """The user's cache folder for pfocr-rdf (XDG_CACHE_HOME, else ~/.cache)."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "pfocr-rdf")


def _identity(path: str) -> str:
    """A key that changes whenever the file does: its real path, size and modification time."""
    status = os.stat(path)
    text = f"{_INDEX_VERSION}\0{os.path.realpath(path)}\0{status.st_size}\0{status.st_mtime_ns}\0{status.st_ino}"
    return hashlib.sha256(text.encode("utf-8", "surrogateescape")).hexdigest()[:24]


@contextmanager
def _names_stream(path: str) -> Iterator[IO[bytes]]:
    """The bytes of names.dmp: the file itself, or its member of taxdump.tar.gz / new_taxdump.tar.gz."""
    with open(path, "rb") as handle:
        magic = handle.read(2)
    if magic != b"\x1f\x8b":
        with open(path, "rb") as handle:
            yield handle
        return
    try:
        with tarfile.open(path, "r:gz") as archive:
            for member in archive:
                if os.path.basename(member.name) == ARCHIVE_MEMBER and member.isfile():
                    stream = archive.extractfile(member)
                    assert stream is not None
                    yield stream
                    return
    except (tarfile.TarError, OSError, EOFError) as exc:
        raise UsageError(f"--taxonomy {path}: not a readable taxdump archive ({exc})") from None
    raise UsageError(f"--taxonomy {path}: the archive holds no {ARCHIVE_MEMBER}")


# One names.dmp line, after `_normalised`: tax_id, name, unique name, name class. The class is captured
# as its flag: "s" for the scientific name (alternative 1), "" for any other class.
_LINE = re.compile(r"^([0-9]+)\t\|\t([^\t\n]*)\t\|\t[^\t\n]*\t\|\t(?:(s)cientific name|[^\t\n]*)\t\|$", re.MULTILINE)
_SCIENTIFIC_FLAG = "s"
_SPACE_RUNS = re.compile(r"[^\S\t\n]+")  # white space but the field and line separators
_ODD_ASCII_SPACE = ("\v", "\f", "\r", "\x1c", "\x1d", "\x1e", "\x1f")  # white space that is not " ", as typed names see it
_PADDING = re.compile(r" (?=\t\||\n)|(?<=\|\t) ")
_CHUNK = 8 << 20


def _normalised(text: str) -> str:
    """The text with every name as `name_key` makes it (case folded, white space collapsed and
    trimmed), done on a whole chunk at C speed: names hold no tab, the field separator."""
    if "\r" in text:  # a plain search: far cheaper than the copy `replace` makes
        text = text.replace("\r\n", "\n")
    text = text.casefold()
    if not text.isascii() or "  " in text or any(space in text for space in _ODD_ASCII_SPACE):
        text = _SPACE_RUNS.sub(" ", text)
    if " \t" in text or "\t " in text:
        text = _PADDING.sub("", text)
    return text


def _chunks(stream: IO[bytes]) -> Iterator[tuple[int, str]]:
    """(first line number, text) of whole lines, about 8 MB at a time."""
    rest, line = b"", 1
    while True:
        block = stream.read(_CHUNK)
        data = rest + block
        cut = data.rfind(b"\n") + 1 if block else len(data)
        if cut:
            piece = data[:cut]
            # A stray non-UTF-8 byte spoils only its own name (U+FFFD), not the chunk around it.
            yield line, piece.decode("utf-8", errors="replace")
            line += piece.count(b"\n")
        rest = data[cut:]
        if not block:
            return


def _entries(text: str, first_line: int, path: str) -> list[str]:
    """`name key TAB flag TAB taxid` of each named line of a chunk; a line of another shape stops the indexing."""
    rows = _LINE.findall(_normalised(text))
    if len(rows) != text.count("\n") + (not text.endswith("\n")):  # blank lines, or a bad one: look closer
        for offset, line in enumerate(text.split("\n")):
            if line.strip() and not _LINE.fullmatch(_normalised(line)):
                raise UsageError(f"--taxonomy {path}:{first_line + offset}: not an NCBI names.dmp line ({_FORMAT})")
    # Names hold no tab, so sorting these lines groups each name's lines together.
    return [f"{key}\t{flag}\t{taxid}" for taxid, key, flag in rows if key]


# Lines sorted in memory at once (at least this many, whole chunks of them): a lookup reads one block per run
# (12 runs for 4 million lines, 0.1 ms in all); runs 4 times longer sort no faster and take 60 MB more.
_RUN_LINES = 1 << 18
_BLOCK_LINES = 64  # lines per stored block (about 2 KB): one page read per run and lookup


def _blocks(lines: list[str]) -> Iterator[tuple[str, str]]:
    """(last line, text) of consecutive blocks of sorted `lines`; a name's lines never straddle two."""
    start = 0
    while start < len(lines):
        end = min(start + _BLOCK_LINES, len(lines))
        name = lines[end - 1].partition("\t")[0] + "\t"
        while end < len(lines) and lines[end].startswith(name):
            end += 1
        yield lines[end - 1], "\n".join(lines[start:end])
        start = end


def _store_run(connection: sqlite3.Connection, run: int, lines: list[str]) -> None:
    """Sort one run's lines and store them as blocks."""
    lines.sort()
    connection.execute("INSERT INTO runs VALUES (?)", (run,))
    connection.executemany("INSERT INTO blocks VALUES (?, ?, ?)", ((run, last, text) for last, text in _blocks(lines)))


def _build(path: str, target: str) -> None:
    """Parse `path` into a new SQLite index at `target`: sorted runs of lines, stored in blocks."""
    connection = sqlite3.connect(target)
    try:
        # A cache built into a temporary file and renamed when complete needs no journal and no syncs.
        connection.executescript(
            """
            PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;
            CREATE TABLE runs (run INTEGER PRIMARY KEY);
            CREATE TABLE blocks (run INTEGER NOT NULL, last TEXT NOT NULL, lines TEXT NOT NULL);
            """
        )
        runs, pending = 0, []
        with _names_stream(path) as stream:
            for first_line, text in _chunks(stream):
                pending += _entries(text, first_line, path)
                if len(pending) >= _RUN_LINES:
                    _store_run(connection, runs, pending)
                    runs, pending = runs + 1, []
        if pending:
            _store_run(connection, runs, pending)
            runs += 1
        if not runs:
            raise UsageError(f"--taxonomy {path}: no names found ({_FORMAT} lines expected)")
        # Built after the inserts: one sort of the blocks' keys instead of a b-tree kept in order.
        connection.execute("CREATE INDEX blocks_by_last ON blocks (run, last)")
        connection.commit()
    finally:
        connection.close()


def _best(lines: Iterator[str]) -> TaxonMatch | None:
    """The taxa of the best class among a name's index lines (`key TAB flag TAB taxid`), in id order."""
    by_class: dict[bool, set[int]] = {True: set(), False: set()}
    for line in lines:
        _, flag, taxid = line.split("\t")
        by_class[flag == _SCIENTIFIC_FLAG].add(int(taxid))
    scientific = bool(by_class[True])
    taxids = by_class[scientific]
    return TaxonMatch(tuple(str(taxid) for taxid in sorted(taxids)), scientific) if taxids else None


class Taxonomy:
    """Name lookups in one NCBI Taxonomy names file, through its cached index."""

    def __init__(self, source: str, index: str, built: bool) -> None:
        self.source, self.index, self.built = source, index, built
        self.label = "NCBI Taxonomy (" + os.path.basename(source) + ")"
        self._connection: sqlite3.Connection | None = None
        self._pid = -1
        self._memo: dict[str, TaxonMatch | None] = {}

    def _cursor(self) -> sqlite3.Connection:
        if self._connection is None or self._pid != os.getpid():  # forked workers open their own
            self._connection = sqlite3.connect(f"file:{self.index}?mode=ro", uri=True, check_same_thread=False)
            self._pid = os.getpid()
            self._memo = {}
        return self._connection

    def match(self, name: str) -> TaxonMatch | None:
        """The taxa `name` names (case and spacing ignored), or None when NCBI does not know it."""
        key = name_key(name)
        if key in self._memo:
            return self._memo[key]
        found = _best(self._lines(key)) if key else None
        if len(self._memo) < 10_000:  # organism names repeat across records; hostile ones do not stay
            self._memo[key] = found
        return found

    def _lines(self, key: str) -> Iterator[str]:
        """The index lines of `key`: in each run, the first block whose last line is not before them."""
        prefix = key + "\t"
        blocks = self._cursor().execute(
            "SELECT (SELECT lines FROM blocks WHERE run = runs.run AND last >= ?1 ORDER BY last LIMIT 1) FROM runs",
            (prefix,),
        )
        for (block,) in blocks:
            if block is not None and prefix in block:
                yield from (line for line in block.split("\n") if line.startswith(prefix))

    def __getstate__(self) -> dict[str, object]:  # spawned workers reopen the index themselves
        return {"source": self.source, "index": self.index, "built": self.built, "label": self.label}

    def __setstate__(self, state: dict[str, object]) -> None:
        self.__dict__.update(state)
        self._connection, self._pid, self._memo = None, -1, {}


def cached_index(path: str, cache: str | None = None) -> str | None:
    """The index of `path` in the cache, when it has been built (and the file has not changed since)."""
    if not os.path.isfile(path):
        return None
    index = os.path.join(cache or cache_dir(), f"taxonomy-{_identity(path)}.sqlite")
    return index if os.path.isfile(index) else None


def open_taxonomy(path: str, cache: str | None = None) -> Taxonomy:
    """The taxonomy in `path`, its index built into the cache folder on first use (atomically)."""
    if not os.path.isfile(path):
        raise UsageError(f"--taxonomy {path}: no such file")
    index = cached_index(path, cache)
    if index is not None:
        return Taxonomy(path, index, built=False)
    folder = cache or cache_dir()
    index = os.path.join(folder, f"taxonomy-{_identity(path)}.sqlite")
    try:
        os.makedirs(folder, exist_ok=True)
        handle, partial = tempfile.mkstemp(prefix=".taxonomy-", suffix=".partial", dir=folder)
        os.close(handle)
    except OSError as exc:
        raise UsageError(f"--taxonomy: cannot write its index in {folder}: {exc.strerror}; set XDG_CACHE_HOME") from None
    try:
        _build(path, partial)
        os.replace(partial, index)
    finally:
        if os.path.exists(partial):
            os.unlink(partial)
    return Taxonomy(path, index, built=True)
