"""Output files that are never half-written: temporary file in the same folder, renamed on success.

An exception or Ctrl-C leaves the previous file in place and no temporary file behind; on Linux the
temporary file has no name until it is complete (O_TMPFILE), so not even `kill -9` leaves one. A path
that is a symbolic link has its target replaced (the link stays), and a file replaced keeps its
permissions. A `.gz`
name (or `compress=True`, --gzip on standard output) compresses, with a fixed header (no time stamp, no
name), so output stays byte-identical. `-` writes to standard output, every byte or a BrokenPipeError
(which the command line turns into a quiet exit 141, as `cat` ends).
"""

from __future__ import annotations

import contextlib
import errno
import gzip
import io
import os
import secrets
import stat
import sys
import tempfile
from types import TracebackType
from typing import BinaryIO

from ..errors import UsageError
from ..interrupts import raise_if_requested
from ..rdf.formats import split_gzip

STDOUT = "-"
_BUFFER = 1 << 20


class AtomicOutput:
    """A text sink for one output file (or stdout); use as a context manager."""

    def __init__(self, path: str, compress: bool = False) -> None:
        self.path = path
        self.compress = compress or (path != STDOUT and split_gzip(path)[1])  # a .gz name always compresses
        self._temp: str | None = None  # the temporary file's name (an unnamed file gets one when complete)
        self._target: str | None = None  # the file replaced on success (a link's target)
        self._raw: BinaryIO | None = None
        self._gzip: gzip.GzipFile | None = None
        self._sink: BinaryIO | None = None

    def __enter__(self) -> AtomicOutput:
        if self.path == STDOUT:
            raw: BinaryIO = stdout_bytes()
        elif is_stream_target(self.path):  # /dev/null, /dev/stdout, a named pipe: written in place, never replaced
            try:
                raw = open(self.path, "wb", buffering=_BUFFER)
            except OSError as exc:
                raise UsageError(f"cannot write {self.path}: {exc.strerror}") from None
        else:
            reason = unwritable(self.path)
            if reason is not None:
                raise UsageError(f"cannot write {self.path}: {reason}")
            target = os.path.realpath(self.path)
            try:
                handle, self._temp = _temporary_file(target)
            except OSError as exc:
                raise UsageError(f"cannot write {self.path}: {exc.strerror}") from None
            self._target = target
            raw = os.fdopen(handle, "wb", buffering=_BUFFER)
        self._raw = raw
        sink: BinaryIO = raw
        if self.compress:
            self._gzip = gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=6)
            sink = self._gzip  # type: ignore[assignment]
        self._sink = sink
        return self

    def write(self, text: str) -> None:
        assert self._sink is not None
        self._sink.write(text.encode("utf-8"))

    def write_bytes(self, data: bytes | memoryview) -> None:
        """Text already encoded as UTF-8 (a worker's output segment), written as it is."""
        assert self._sink is not None
        self._sink.write(data)

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        ok = kind is None
        try:
            if ok:
                raise_if_requested()  # an interrupt that was swallowed on its way up still discards the output
            self._sink = None
            if self._gzip is not None and ok:
                self._gzip.flush()  # a sync flush before the end, as earlier releases did: the same bytes
                self._gzip.close()
            if self._raw is not None and self._target is not None:
                if ok:
                    self._raw.flush()
                    os.fsync(self._raw.fileno())
                    if self._temp is None:
                        self._temp = _name_unnamed_file(self._raw.fileno(), self._target)
                self._raw.close()
            elif self._raw is not None and self.path != STDOUT:
                if ok:
                    self._raw.flush()
                self._raw.close()
            elif self._raw is not None:
                self._raw.flush()
        except BaseException:
            self._discard()
            raise
        if not ok:
            if self._gzip is not None:
                self._gzip.fileobj = None  # nothing more may be written to the discarded file
            self._discard()
            return
        if self._temp is not None and self._target is not None:
            os.chmod(self._temp, _mode_for(self._target))
            os.replace(self._temp, self._target)
            self._temp = None

    def _discard(self) -> None:
        if self._temp is not None:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(self._temp)
            self._temp = None


class _WholeWrites(io.RawIOBase):
    """A file descriptor written whole: every write loops until all of it is written, or raises.

    Python's own stdout loses the rest of a big write when the reader of a pipe goes away during it: the
    kernel reports the part written, the buffered writer returns as if all of it was, and the program ends
    with status 0 and a truncated output. Here the next write reports the closed pipe (EPIPE:
    BrokenPipeError)."""

    def __init__(self, fd: int) -> None:
        super().__init__()
        self.fd = fd

    def writable(self) -> bool:
        return True

    def fileno(self) -> int:
        return self.fd

    def write(self, data: bytes | bytearray | memoryview) -> int:  # type: ignore[override]
        view = memoryview(data).cast("B")
        size = len(view)
        while view:
            view = view[os.write(self.fd, view) :]
        return size


def stdout_bytes() -> BinaryIO:
    """Standard output for bytes, written whole (see _WholeWrites); what sys.stdout holds is flushed first."""
    sys.stdout.flush()
    return io.BufferedWriter(_WholeWrites(sys.stdout.fileno()), _BUFFER)  # type: ignore[return-value]


def write_stdout(text: str) -> None:
    """Text on standard output, through the same writer as every output (a closed pipe: BrokenPipeError)."""
    with AtomicOutput(STDOUT) as out:
        out.write(text)


def unwritable(path: str, folder_output: bool = False) -> str | None:
    """Why no output file (or, with `folder_output`, no folder of outputs) can be made at `path`, or None. A
    link counts where it leads: its target is what gets replaced."""
    target = os.path.realpath(path)
    folder = os.path.dirname(target)
    if not os.path.isdir(folder):
        return f"folder {folder} does not exist"
    if not folder_output and (path.endswith(os.sep) or os.path.isdir(target)):
        return "it is a folder; give a file name"
    return None


def _temporary_file(target: str) -> tuple[int, str | None]:
    """An open file in the target's folder: unnamed where the system allows (Linux O_TMPFILE: nothing is
    left behind however the process ends), else a hidden `.NAME.XXXX.part` (its name is returned)."""
    folder = os.path.dirname(target)
    if hasattr(os, "O_TMPFILE") and os.path.isdir("/proc/self/fd"):
        try:
            return os.open(folder, os.O_TMPFILE | os.O_WRONLY, 0o600), None
        except OSError as exc:
            if exc.errno not in _NO_UNNAMED_FILES:
                raise
    return tempfile.mkstemp(prefix="." + os.path.basename(target) + ".", suffix=".part", dir=folder)


_NO_UNNAMED_FILES = {errno.EOPNOTSUPP, errno.EISDIR, errno.EINVAL, errno.ENOENT}  # file systems without O_TMPFILE


def _name_unnamed_file(fd: int, target: str) -> str:
    """Give the complete unnamed file a hidden name beside its target, to be renamed over it."""
    folder, base = os.path.split(target)
    # linkat(AT_SYMLINK_FOLLOW) through /proc: os.link calls linkat only when given a folder descriptor
    folder_fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        while True:
            name = f".{base}.{secrets.token_hex(6)}.part"
            try:
                os.link(f"/proc/self/fd/{fd}", name, dst_dir_fd=folder_fd, follow_symlinks=True)
                return os.path.join(folder, name)
            except FileExistsError:
                continue
    finally:
        os.close(folder_fd)


def _mode_for(target: str) -> int:
    """The permissions of the file being replaced, or what the umask gives a new file."""
    try:
        existing = os.stat(target)
    except FileNotFoundError:
        return 0o666 & ~current_umask()
    return stat.S_IMODE(existing.st_mode) if stat.S_ISREG(existing.st_mode) else 0o666 & ~current_umask()


def is_stream_target(path: str) -> bool:
    """True for an existing path that is not a regular file (a device such as /dev/null, a FIFO): it must be
    written to, not replaced by renaming a finished file over it (which, as root, would delete the device)."""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return False
    return not stat.S_ISREG(mode) and not stat.S_ISDIR(mode)


def current_umask() -> int:
    """The process umask (it can only be read by setting it, so it is set straight back)."""
    mask = os.umask(0)
    os.umask(mask)
    return mask
