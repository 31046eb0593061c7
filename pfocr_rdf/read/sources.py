"""Find record files (files, folders, PFOCR site checkouts, stdin) and RDF files in folders; text_files.py reads them.

Order is deterministic: arguments in the order given, folders walked with sorted names, and a
file reached twice is read once. A PFOCR site checkout is recognised by its `_figures/` folder;
its `_data/` (sidecar TSVs) and `_organisms/` (organism table) are then used without being named.
"""

from __future__ import annotations

import os
import sys
from array import array
from bisect import bisect_right
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import overload

from ..errors import UsageError
from ..rdf.formats import format_for_path, split_gzip

RECORD_SUFFIXES = (".md", ".txt", ".md.gz", ".txt.gz")
STDIN = "-"
STDIN_NAME = "<stdin>"


@dataclass(frozen=True, slots=True)
class RecordSource:
    """Where one record comes from and where its sidecar tables may be."""

    path: str
    display: str
    table_dirs: tuple[str, ...] = ()
    explicit: bool = True
    text: str | None = None  # the record itself when it came on stdin

    @property
    def stem(self) -> str:
        """The file name without its suffix (a record file is usually named after its figid)."""
        name = os.path.basename(self.path)
        if name.lower().endswith(".gz"):
            name = name[:-3]
        return os.path.splitext(name)[0]


@dataclass(frozen=True, slots=True)
class _Folder:
    """The record files of one folder, as a run of consecutive sources: names packed in one string."""

    folder: str
    tables: tuple[str, ...]
    names: str  # NUL-separated (NUL cannot occur in a file name)
    ends: array[int]  # where each name ends in `names`

    def source(self, index: int) -> RecordSource:
        start = self.ends[index - 1] + 1 if index else 0
        path = os.path.join(self.folder, self.names[start : self.ends[index]])
        return RecordSource(path, path, self.tables, False)

    def __len__(self) -> int:
        return len(self.ends)


class SourceList(Sequence[RecordSource]):
    """Record sources in run order, stored compactly: about 50 bytes a walked file instead of the 250 of a
    RecordSource and its path, so a corpus of 100,000 files costs 5 MB, not 25. Items are built on demand."""

    def __init__(self) -> None:
        self._parts: list[_Folder | RecordSource] = []
        self._starts: list[int] = []  # index of each part's first source
        self._size = 0

    def append(self, source: RecordSource) -> None:
        self._add(source, 1)

    def add_folder(self, folder: str, tables: tuple[str, ...], names: list[str]) -> None:
        if names:
            ends, end = array("L"), -1
            for name in names:
                end += len(name) + 1
                ends.append(end)
            self._add(_Folder(folder, tables, "\0".join(names), ends), len(names))

    def _add(self, part: _Folder | RecordSource, size: int) -> None:
        self._parts.append(part)
        self._starts.append(self._size)
        self._size += size

    def __len__(self) -> int:
        return self._size

    @overload
    def __getitem__(self, index: int) -> RecordSource: ...
    @overload
    def __getitem__(self, index: slice) -> list[RecordSource]: ...
    def __getitem__(self, index: int | slice) -> RecordSource | list[RecordSource]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(self._size))]
        if index < 0:
            index += self._size
        if not 0 <= index < self._size:
            raise IndexError("source index out of range")
        position = bisect_right(self._starts, index) - 1
        part = self._parts[position]
        return part if isinstance(part, RecordSource) else part.source(index - self._starts[position])

    def __iter__(self) -> Iterator[RecordSource]:
        for part in self._parts:
            if isinstance(part, RecordSource):
                yield part
            else:
                for index in range(len(part)):
                    yield part.source(index)


def _walkable(name: str) -> bool:
    """Whether a folder walk picks up a file of this name as a record."""
    return name.endswith(RECORD_SUFFIXES) and not name.startswith(".")


def rdf_walkable(name: str) -> bool:
    """Whether a folder walk picks up a file of this name as RDF: an RDF extension, optionally .gz (not .json,
    which names too many other things, a shard folder's manifest.json among them)."""
    base, _ = split_gzip(name)
    return format_for_path(name) is not None and not base.lower().endswith(".json") and not name.startswith(".")


@dataclass
class _Reached:
    """What a search has reached, by real path: the folders it walked whole, and single files it reached
    otherwise (named, or through a symbolic link). Folders, not each of their files: memory stays small."""

    folders: set[str] = field(default_factory=set)
    files: set[str] = field(default_factory=set)

    def has_file(self, real: str) -> bool:
        folder, name = os.path.split(real)
        return real in self.files or (folder in self.folders and _walkable(name))


@dataclass(frozen=True, slots=True)
class SourceSet:
    """Everything `find_sources` found: the records, and the site folders that came with them."""

    records: SourceList
    organism_dirs: tuple[str, ...]
    reached: _Reached = field(default_factory=_Reached)
    rdf_files: tuple[str, ...] = ()  # RDF files found in the folders walked (inputs of validate, load, query)

    def includes(self, path: str) -> bool:
        """Whether the file at `path` is one of the records (so writing to it would destroy an input)."""
        if path == STDIN or not os.path.isfile(path):
            return False
        return self.reached.has_file(os.path.realpath(path))


def _site_parts(figures_dir: str) -> tuple[str | None, str | None]:
    """The `_data` and `_organisms` folders beside a `_figures` folder, where they exist."""
    parent = os.path.dirname(os.path.abspath(figures_dir))
    data = os.path.join(parent, "_data")
    organisms = os.path.join(parent, "_organisms")
    return (data if os.path.isdir(data) else None, organisms if os.path.isdir(organisms) else None)


@dataclass
class _Listing:
    """The visible entries of a folder that a walk uses, each list sorted by name. Plain names, not
    DirEntry objects or tuples: a folder of 100,000 records costs a third of the memory while listed."""

    files: list[str] = field(default_factory=list)  # walkable regular files, links to them included
    rdf: list[str] = field(default_factory=list)  # RDF files (rdf_walkable), links to them included
    folders: list[str] = field(default_factory=list)  # links to folders included
    links: set[str] = field(default_factory=set)  # which of the files are symbolic links


def _listing(folder: str) -> _Listing:
    listing = _Listing()
    try:
        with os.scandir(folder) as scan:
            for entry in scan:
                name = entry.name
                if name.startswith("."):
                    continue
                if entry.is_dir():
                    listing.folders.append(name)
                elif _walkable(name) and entry.is_file():
                    listing.files.append(name)
                    if entry.is_symlink():
                        listing.links.add(name)
                elif rdf_walkable(name) and entry.is_file():
                    listing.rdf.append(name)
    except OSError as exc:
        raise UsageError(f"cannot read folder {folder}: {exc.strerror}") from None
    listing.files.sort()
    listing.folders.sort()
    listing.rdf.sort()
    return listing


def _beside(folder: str) -> tuple[str, ...]:
    """Where a record's own tables may be: its folder, and a `_data/` folder in it (as the seeds have)."""
    data = os.path.join(folder, "_data")
    return (folder, data) if os.path.isdir(data) else (folder,)


def find_sources(
    paths: Iterable[str], table_dirs: Iterable[str] = (), stdin_text: str | None = None, rdf: bool = False
) -> SourceSet:
    """Expand the user's arguments into record sources, in a stable order; a file reached twice (named
    twice, inside a folder also named, through a link) is read once, and a folder walked twice is walked once.
    The RDF files of the folders walked are listed too; with `rdf` (commands that read them) they are inputs,
    which an output may not overwrite."""
    extra_tables = tuple(table_dirs)
    for folder in extra_tables:
        if not os.path.isdir(folder):
            raise UsageError(f"--tables {folder}: no such folder")
    records = SourceList()
    organism_dirs: dict[str, None] = {}
    reached = _Reached()
    rdf_files: dict[str, str] = {}  # real path -> path as found

    def site_tables(folder: str) -> tuple[str, ...]:
        """A site checkout's `_data/` for the records of its `_figures/` (and its `_organisms/` noted)."""
        if os.path.basename(os.path.abspath(folder)) != "_figures":
            return ()
        data, organisms = _site_parts(folder)
        if organisms:
            organism_dirs[organisms] = None
        return (data,) if data else ()

    def walk(folder: str) -> None:
        """Depth first, names sorted, hidden entries skipped; consecutive files are stored as one run."""
        real_folder = os.path.realpath(folder)
        if real_folder in reached.folders:
            return
        reached.folders.add(real_folder)
        tables = (*extra_tables, *_beside(folder), *site_tables(folder))
        listing = _listing(folder)
        for name in listing.rdf:
            path = os.path.join(folder, name)
            real = os.path.realpath(path)
            rdf_files.setdefault(real, path)
            if rdf:
                reached.files.add(real)
        run: list[str] = []
        subfolders = iter(listing.folders)
        following = next(subfolders, None)
        for name in listing.files:
            while following is not None and following < name:  # the folders that sort before this file
                records.add_folder(folder, tables, run)
                run = []
                walk(os.path.join(folder, following))
                following = next(subfolders, None)
            if name in listing.links:
                real = os.path.realpath(os.path.join(folder, name))
                if reached.has_file(real):  # its target is (or was) read where it lives
                    continue
                reached.files.add(real)
                run.append(name)
            elif not (reached.files and os.path.join(real_folder, name) in reached.files):
                run.append(name)
        records.add_folder(folder, tables, run)
        while following is not None:
            walk(os.path.join(folder, following))
            following = next(subfolders, None)

    for path in paths:
        if path == STDIN:
            text = stdin_text if stdin_text is not None else sys.stdin.read()
            records.append(RecordSource(STDIN, STDIN_NAME, (*extra_tables, "."), True, text))
        elif os.path.isdir(path):
            figures = os.path.join(path, "_figures")
            walk(figures if os.path.isdir(figures) else path)
        elif os.path.isfile(path):
            real = os.path.realpath(path)
            if reached.has_file(real):
                continue
            reached.files.add(real)
            parent = os.path.dirname(path) or "."
            records.append(RecordSource(path, path, (*extra_tables, *_beside(parent), *site_tables(parent)), True))
        else:
            raise UsageError(f"{path}: no such file or folder")
    return SourceSet(records, tuple(organism_dirs), reached, tuple(rdf_files.values()))
