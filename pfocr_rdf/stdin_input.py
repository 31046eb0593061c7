"""Standard input (`-`) for validate, query and load: one record, or RDF in any format the tool reads.

Standard input is copied once to a private temporary file (deleted at exit), so RDF of any size is
streamed from disk like a named file and a gzip stream is recognised by its content. Without
`--input-format` the content decides, where its syntax leaves no doubt: front matter (`---`) is a record,
`{` or `[` JSON-LD, a first statement in N-Triples form N-Quads (which reads N-Triples too), `@prefix`,
`PREFIX` and other Turtle TriG (which reads Turtle too). Anything else is refused with a request for
--input-format rather than guessed.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import re
import shutil
import sys
import tempfile
import zlib
from typing import BinaryIO

from .errors import UsageError
from .formats import JSONLD, NQUADS, TRIG, RdfFormat, format_named
from .rdfio import GZIP_MAGIC, RdfInput
from .sources import STDIN_NAME

SNIFF_BYTES = 64 * 1024
_NQUADS_STATEMENT = re.compile(r"(<[^<>\s]*>|_:\S+)\s+<[^<>\s]*>\s+.*\.\s*$")
_TURTLE_START = re.compile(r"(@prefix|@base|prefix\s|base\s|graph\s|<[^<>\s]*>|_:|\[|[A-Za-z][\w.-]*:)", re.IGNORECASE)


def read_stdin(input_format: str | None, stream: BinaryIO | None = None) -> RdfInput | str:
    """RDF on stdin as an input to read, or the text of a record."""
    path = _spool(stream or sys.stdin.buffer)
    head = _head(path)
    if input_format is not None:
        return RdfInput(path, STDIN_NAME, format_named(input_format))
    text = head.decode("utf-8", errors="replace").lstrip("\ufeff")
    if text.startswith("---"):
        with open(path, "rb") as handle:
            data = handle.read()
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise UsageError(f"standard input holds a record that is not UTF-8 text (byte {exc.start})") from None
    rdf_format = sniff(text)
    if rdf_format is None:
        raise UsageError(
            "cannot tell what standard input holds (not a record's front matter, nor RDF whose syntax is clear): "
            "give --input-format (ttl, nt, nq, trig, jsonld)"
        )
    note = f" (standard input read as {rdf_format.label} by its content; give --input-format if it is another format)"
    return RdfInput(path, STDIN_NAME, rdf_format, note)


def sniff(text: str) -> RdfFormat | None:
    """The RDF format the start of a document shows beyond doubt (a superset format where two share a start)."""
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if stripped[0] in "{[":
            return JSONLD
        if _NQUADS_STATEMENT.match(stripped):
            return NQUADS
        if _TURTLE_START.match(stripped):
            return TRIG
        return None
    return None


_SPOOLED: list[str] = []


def _spool(stream: BinaryIO) -> str:
    handle, path = tempfile.mkstemp(prefix="pfocr-rdf-stdin-")
    if not _SPOOLED:
        atexit.register(discard_spooled)
    _SPOOLED.append(path)
    with os.fdopen(handle, "wb") as out:
        shutil.copyfileobj(stream, out, 1 << 20)
    return path


def discard_spooled() -> None:
    """Delete the copies of standard input: at exit, or earlier by a caller that exits without atexit."""
    while _SPOOLED:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(_SPOOLED.pop())


def _plain(data: bytes) -> bool:
    return data[:2] != GZIP_MAGIC


def _head(path: str) -> bytes:
    """The first bytes of the content, decompressed when it is gzip."""
    with open(path, "rb") as handle:
        data = handle.read(SNIFF_BYTES)
    if _plain(data):
        return data
    try:
        return zlib.decompressobj(wbits=31).decompress(data, SNIFF_BYTES)
    except zlib.error:
        return b""
