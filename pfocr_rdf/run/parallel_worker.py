"""The worker process's side of parallel.py's pool: batches read from its task pipe, results written to
its result pipe, bulk output into segment files of its own; and the worker ends with its parent."""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import errno
import os
import pickle
import signal
import struct
import sys
import threading
import time
import traceback
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

from .heap import HeapTrimmer

PR_SET_PDEATHSIG = 1  # <linux/prctl.h>
WATCHDOG_SECONDS = 1.0
_HEADER = struct.Struct("<Q")  # length of the message that follows
_TASK = struct.Struct("<qqq")  # first item, end of the batch, segment slot
_STOP_SIGNALS = {signal.SIGINT, signal.SIGTERM}
PIECE_BYTES = 1 << 20  # segments are written and read this much at a time


class Payload:
    """A result's bulk output (a record's text as UTF-8), read once, piece by piece."""

    def __init__(self, pieces: Iterable[bytes]) -> None:
        self._pieces = pieces

    def __iter__(self) -> Iterator[bytes]:
        return iter(self._pieces)

    def __bytes__(self) -> bytes:
        return b"".join(self)


Output = bytes | Iterable[bytes]  # what a mapped function returns beside its result: bytes, or pieces of them


def _pieces_of(output: Output) -> Iterable[bytes]:
    return (output,) if isinstance(output, (bytes, bytearray, memoryview)) else output


def _die_with(parent: int) -> None:
    """End this worker when `parent` ends, however it ends (a killed parent never stops its workers)."""
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        if libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) == 0:
            if os.getppid() != parent:  # the parent died before the request took effect
                os._exit(1)
            return
    threading.Thread(target=_watch_parent, args=(parent,), name="parent watchdog", daemon=True).start()


def _watch_parent(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(WATCHDOG_SECONDS)
    os._exit(1)


# -- the worker's side


def _read_exactly(fd: int, size: int) -> bytes | None:
    """`size` bytes from a pipe, or None at end-of-file (the writer has gone)."""
    buffer = bytearray(size)
    view, got = memoryview(buffer), 0
    while got < size:
        chunk = os.readv(fd, [view[got:]])
        if chunk == 0:
            return None
        got += chunk
    return bytes(buffer)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def _worker_main(
    function: Callable[[Any], tuple[Any, Output]],
    items: Sequence[Any],
    parent: int,
    tasks: int,
    results: int,
    slots: list[int],
    foreign: list[int],
) -> None:
    """Run batches until the task pipe closes: results through the result pipe, payloads into segments."""
    # Ctrl-C reaches the whole process group; the main process alone decides what happens (it stops the
    # workers and discards unfinished output), so workers ignore it rather than print tracebacks. SIGTERM
    # keeps its default: stopping a worker with it must stop the worker.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, _STOP_SIGNALS)  # blocked by the parent while it forked
    _die_with(parent)
    for fd in foreign:  # the other workers' pipes and segments, and the parent's ends of ours
        with contextlib.suppress(OSError):
            os.close(fd)
    trimmer = HeapTrimmer()
    while (task := _read_exactly(tasks, _TASK.size)) is not None:
        start, stop, slot = _TASK.unpack(task)
        try:
            outcomes, lengths = [], []
            segment = _SegmentWriter(slots[slot])
            for index in range(start, stop):
                outcome, output = function(items[index])
                outcomes.append(outcome)
                before = segment.end
                for piece in _pieces_of(output):
                    segment.write(piece)
                lengths.append(segment.end - before)
            segment.flush()
            message = pickle.dumps((True, outcomes, lengths), pickle.HIGHEST_PROTOCOL)
        except Exception as exc:  # a bug, not bad input: the parent re-raises it
            message = pickle.dumps((False, _picklable(exc), []), pickle.HIGHEST_PROTOCOL)
        _write_all(results, _HEADER.pack(len(message)) + message)
        trimmer.tick(stop - start)


class _SegmentWriter:
    """Writes a batch's payloads one after another from the start of a segment, a piece at a time."""

    def __init__(self, fd: int) -> None:
        self.fd, self.written, self.buffer = fd, 0, bytearray()

    @property
    def end(self) -> int:
        return self.written + len(self.buffer)

    def write(self, piece: bytes) -> None:
        self.buffer += piece
        if len(self.buffer) >= PIECE_BYTES:
            self.flush()

    def flush(self) -> None:
        _pwrite_all(self.fd, self.buffer, self.written)
        self.written += len(self.buffer)
        self.buffer = bytearray()


def _pwrite_all(fd: int, data: bytes | bytearray, start: int) -> None:
    """All of `data` at `start` in the segment: a full disk or a file-size limit makes a write short, and
    the next one raise, which fails the run instead of dropping the rest of a batch."""
    view, offset = memoryview(data), 0
    while offset < len(view):
        written = os.pwrite(fd, view[offset:], start + offset)
        if written <= 0:
            raise OSError(errno.ENOSPC, "no room for a worker's output segment in the temporary folder")
        offset += written


class _SegmentPayload(Payload):
    """One result's payload in a worker's segment, read a piece at a time when it is copied."""

    def __init__(self, fd: int, start: int, length: int) -> None:
        super().__init__(())
        self.fd, self.start, self.length = fd, start, length

    def __iter__(self) -> Iterator[bytes]:
        offset, end = self.start, self.start + self.length
        while offset < end:
            piece = os.pread(self.fd, min(PIECE_BYTES, end - offset), offset)
            if not piece:
                raise OSError(errno.EIO, f"a worker's output segment ends at {offset:,} of {end:,} bytes")
            offset += len(piece)
            yield piece


def _picklable(exc: Exception) -> Exception:
    """The exception itself if the parent can rebuild it (some constructors cannot be called again from
    their pickled arguments), else its traceback as text."""
    try:
        pickle.loads(pickle.dumps(exc))
        return exc
    except Exception:
        return RuntimeError("".join(traceback.format_exception(exc)))
