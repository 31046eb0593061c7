"""A file's text, read safely: refused with a clear reason when too big, binary or not UTF-8; gzip told by
its first bytes, with the limit on what it expands to (a gzip bomb stops there)."""

from __future__ import annotations

import gzip
import os
import zlib
from typing import BinaryIO

from ..errors import RecordError
from ..rdf.formats import GZIP_MAGIC

DEFAULT_MAX_FILE_BYTES = 16 * 1024 * 1024


def text_lines(text: str) -> list[str]:
    """The lines of a text file, split only at `\\n` (a `\\r` before it is dropped). `str.splitlines`
    would also split at U+2028, U+0085, a lone CR and other breaks, which real cells can hold."""
    lines = text.split("\n")
    if lines[-1] == "":
        lines.pop()
    return [line[:-1] if line.endswith("\r") else line for line in lines]


def read_text(path: str, display: str, max_bytes: int = DEFAULT_MAX_FILE_BYTES) -> str:
    """A file's text, refused with a clear reason when it is too big, binary or not UTF-8. A gzip file (told
    by its first two bytes, whatever its name) is decompressed, and the limit holds for what it expands to."""
    try:
        with open(path, "rb") as handle:
            if handle.peek(2)[:2] == GZIP_MAGIC:
                data = _gunzip_at_most(handle, max_bytes + 1, display)
            else:
                data = _read_at_most(handle, max_bytes + 1)
    except IsADirectoryError:
        raise RecordError(display, "unreadable", "is a folder, not a file") from None
    except OSError as exc:
        raise RecordError(display, "unreadable", f"cannot read the file: {exc.strerror}") from None
    return decode_text(data, display, max_bytes)


def _gunzip_at_most(handle: BinaryIO, limit: int, display: str) -> bytes:
    """Up to `limit` decompressed bytes, a megabyte at a time: a gzip bomb stops at the limit."""
    parts: list[bytes] = []
    size = 0
    try:
        with gzip.GzipFile(fileobj=handle, mode="rb") as unzipped:
            while size < limit:
                part = unzipped.read(min(1 << 20, limit - size))
                if not part:
                    break
                parts.append(part)
                size += len(part)
    except (OSError, EOFError, zlib.error) as exc:
        raise RecordError(display, "unreadable", f"not a valid gzip file ({exc})") from None
    return b"".join(parts)


def _read_at_most(handle: BinaryIO, limit: int) -> bytes:
    """Up to `limit` bytes. Asked for `limit` at once, Python allocates (and the C library maps) that
    much for every file, megabytes for a few kilobytes; the file's size is asked for first instead, and
    whatever is past it (a file that grew, a pipe) is read after."""
    size = os.fstat(handle.fileno()).st_size
    data = handle.read(min(size + 1, limit))
    if len(data) > size and len(data) < limit:
        data += handle.read(limit - len(data))
    return data


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
