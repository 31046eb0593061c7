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

from ..errors import RecordError, UsageError
from ..rdf.formats import GZIP_MAGIC, JSONLD, NQUADS, TRIG, RdfFormat, format_named
from .rdfio import RdfInput
from .sources import STDIN_NAME
from .text_files import DEFAULT_MAX_FILE_BYTES, read_text

SNIFF_BYTES = 64 * 1024
_NQUADS_STATEMENT = re.compile(r"(<[^<>\s]*>|_:\S+)\s+<[^<>\s]*>\s+.*\.\s*$")
_TURTLE_START = re.compile(r"(@prefix|@base|prefix\s|base\s|graph\s|<[^<>\s]*>|_:|\[|[A-Za-z][\w.-]*:)", re.IGNORECASE)


def read_stdin(
    input_format: str | None, stream: BinaryIO | None = None, max_bytes: int = DEFAULT_MAX_FILE_BYTES
) -> RdfInput | str:
    """RDF on stdin as an input to read, or the text of a record (gzip or not; at most `max_bytes` of text)."""
    path = _spool(stream or sys.stdin.buffer)
    head = _head(path)
    if input_format is not None:
        return RdfInput(path, STDIN_NAME, format_named(input_format))
    text = head.decode("utf-8", errors="replace").lstrip("\ufeff")
    if text.startswith("---"):
        return _record_text(path, max_bytes)
    rdf_format = sniff(text)
    if rdf_format is None:
        raise UsageError(
            "cannot tell what standard input holds (not a record's front matter, nor RDF whose syntax is clear): "
            "give --input-format (ttl, nt, nq, trig, jsonld)"
        )
    note = f" (standard input read as {rdf_format.label} by its content; give --input-format if it is another format)"
    return RdfInput(path, STDIN_NAME, rdf_format, note)


def read_stdin_record(max_bytes: int = DEFAULT_MAX_FILE_BYTES, stream: BinaryIO | None = None) -> str:
    """The record on stdin (for convert, which reads records only), read as a record file is."""
    return _record_text(_spool(stream or sys.stdin.buffer), max_bytes)


def _record_text(path: str, max_bytes: int) -> str:
    """The spooled record's text, gzip decompressed, within --max-file-size; what is wrong with it is one line."""
    try:
        return read_text(path, STDIN_NAME, max_bytes)
    except RecordError as exc:
        raise UsageError(
            f"standard input holds a record that cannot be read: {exc.finding.message} [{exc.finding.kind}]"
        ) from None


def content_format(path: str) -> RdfInput | None:
    """A file named without an RDF extension, as RDF when its content (gzip looked through) shows RDF syntax
    beyond doubt and no front matter; None: read it as a record."""
    text = _head(path).decode("utf-8", errors="replace").lstrip("\ufeff")
    if text.startswith("---"):
        return None
    rdf_format = sniff(text)
    if rdf_format is None:
        return None
    note = f" ({path} read as {rdf_format.label} by its content; give it the format's extension if it is another format)"
    return RdfInput(path, path, rdf_format, note)


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
