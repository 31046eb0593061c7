"""Find record files (files, folders, PFOCR site checkouts, stdin) and read them safely.

Order is deterministic: arguments in the order given, folders walked with sorted names, and a
file reached twice is read once. A PFOCR site checkout is recognised by its `_figures/` folder;
its `_data/` (sidecar TSVs) and `_organisms/` (organism table) are then used without being named.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from .errors import RecordError, UsageError

RECORD_SUFFIXES = (".md", ".txt")
STDIN = "-"
STDIN_NAME = "<stdin>"
DEFAULT_MAX_FILE_BYTES = 16 * 1024 * 1024


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
        return os.path.splitext(name)[0]


@dataclass(frozen=True, slots=True)
class SourceSet:
    """Everything `find_sources` found: the records, and the site folders that came with them."""

    records: tuple[RecordSource, ...]
    organism_dirs: tuple[str, ...]


def _site_parts(figures_dir: str) -> tuple[str | None, str | None]:
    """The `_data` and `_organisms` folders beside a `_figures` folder, where they exist."""
    parent = os.path.dirname(os.path.abspath(figures_dir))
    data = os.path.join(parent, "_data")
    organisms = os.path.join(parent, "_organisms")
    return (data if os.path.isdir(data) else None, organisms if os.path.isdir(organisms) else None)


def _walk(folder: str) -> Iterator[str]:
    """Record-like files under `folder`, depth first, names sorted; hidden folders skipped."""
    try:
        entries = sorted(os.scandir(folder), key=lambda entry: entry.name)
    except OSError as exc:
        raise UsageError(f"cannot read folder {folder}: {exc.strerror}") from None
    for entry in entries:
        if entry.name.startswith("."):
            continue
        if entry.is_dir():
            yield from _walk(entry.path)
        elif entry.name.endswith(RECORD_SUFFIXES) and entry.is_file():
            yield entry.path


def find_sources(paths: Iterable[str], table_dirs: Iterable[str] = (), stdin_text: str | None = None) -> SourceSet:
    """Expand the user's arguments into record sources, in a stable order."""
    extra_tables = tuple(table_dirs)
    for folder in extra_tables:
        if not os.path.isdir(folder):
            raise UsageError(f"--tables {folder}: no such folder")
    records: list[RecordSource] = []
    organism_dirs: dict[str, None] = {}
    seen: set[str] = set()
    folders: dict[tuple[str, str | None], tuple[str, ...]] = {}  # one table-folder tuple per folder, shared

    def add(path: str, explicit: bool, site_tables: str | None) -> None:
        key = os.path.realpath(path)
        if key in seen:
            return
        seen.add(key)
        local = os.path.dirname(path) or "."
        tables = folders.get((local, site_tables))
        if tables is None:
            tables = folders[(local, site_tables)] = extra_tables + (local,) + ((site_tables,) if site_tables else ())
        records.append(RecordSource(path, path, tables, explicit))

    for path in paths:
        if path == STDIN:
            text = stdin_text if stdin_text is not None else sys.stdin.read()
            records.append(RecordSource(STDIN, STDIN_NAME, (*extra_tables, "."), True, text))
        elif os.path.isdir(path):
            figures = os.path.join(path, "_figures")
            root = figures if os.path.isdir(figures) else path
            for file in _walk(root):
                parent = os.path.dirname(file)
                data, organisms = _site_parts(parent) if os.path.basename(parent) == "_figures" else (None, None)
                if organisms:
                    organism_dirs[organisms] = None
                add(file, False, data)
        elif os.path.isfile(path):
            parent = os.path.dirname(path) or "."
            data, organisms = _site_parts(parent) if os.path.basename(os.path.abspath(parent)) == "_figures" else (None, None)
            if organisms:
                organism_dirs[organisms] = None
            add(path, True, data)
        else:
            raise UsageError(f"{path}: no such file or folder")
    return SourceSet(tuple(records), tuple(organism_dirs))


def read_text(path: str, display: str, max_bytes: int = DEFAULT_MAX_FILE_BYTES) -> str:
    """A file's text, refused with a clear reason when it is too big, binary or not UTF-8."""
    try:
        with open(path, "rb") as handle:
            data = handle.read(max_bytes + 1)
    except IsADirectoryError:
        raise RecordError(display, "unreadable", "is a folder, not a file") from None
    except OSError as exc:
        raise RecordError(display, "unreadable", f"cannot read the file: {exc.strerror}") from None
    return decode_text(data, display, max_bytes)


def decode_text(data: bytes, display: str, max_bytes: int = DEFAULT_MAX_FILE_BYTES) -> str:
    if len(data) > max_bytes:
        raise RecordError(
            display, "file-too-large", f"the file is larger than {max_bytes:,} bytes; raise --max-file-size if it is genuine"
        )
    if b"\x00" in data:
        raise RecordError(display, "not-text", "not a text file (it contains NUL bytes)")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise RecordError(
            display, "not-utf8", f"not UTF-8 text (byte 0x{data[exc.start]:02x} at offset {exc.start})", line=line
        ) from None
