"""Oxigraph's bulk loader fed by the conversion as it goes: the way into a new or empty store.

The bulk loader sorts quads in memory and writes the store's files directly, several times faster than
transactions and with a store about six times smaller. A loader thread runs it on one section of about
SECTION_QUADS quads at a time, read from an OS pipe that the conversion (in the main thread, which keeps
the signal handling) writes each graph into: Oxigraph reads the pipe itself, without the interpreter
lock (a Python file object would be called for every 2 KB). One section in memory costs about 0.7 GB
(800,000 quads; one call over a whole corpus held 1.5 GB), and a section's files are few enough that
RocksDB does not rewrite them uncompressed (600,000-quad sections made the store 1.7 times bigger).

The bulk loader is not transactional. Before any byte of a graph is written to the pipe, its name is
committed to the store's in-flight list (loadstate.py); a section's graphs leave it once the bulk
loader has returned, that is, once they are in the store, whole. Whatever kills the process, the next
load finds them.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import queue
import threading
from dataclasses import dataclass, field

import pyoxigraph as ox

from .heap import trim_heap
from .loadstate import LoadState
from .reuse import InputEntry

SECTION_QUADS = 800_000
PIPE_BYTES = 1 << 20
PIPES = os.path.isdir("/dev/fd")  # else each section is gathered in memory (Windows)
INVALID = b"\n<interrupted> .\n"  # not N-Quads even to the lenient parser: the section fails


@dataclass
class BulkGraph:
    name: str  # the graph's IRI term, or "" for default-graph triples
    data: bytes  # N-Quads
    lines: int  # quads in `data`
    triples: int  # distinct triples the graph holds once this part is in
    digest: bytes | None  # content digest to record, if the graph is whole in this part
    inputs: InputEntry | None = None  # the record it came from, to skip next time


@dataclass
class _Section:
    graphs: list[BulkGraph] = field(default_factory=list)
    quads: int = 0
    read_fd: int = -1
    write_fd: int = -1
    chunks: list[bytes] = field(default_factory=list)

    @classmethod
    def open(cls) -> _Section:
        if not PIPES:
            return cls()
        read_fd, write_fd = os.pipe()
        with contextlib.suppress(AttributeError, OSError):  # fewer wake-ups; Linux only
            fcntl.fcntl(write_fd, fcntl.F_SETPIPE_SZ, PIPE_BYTES)  # type: ignore[attr-defined]
        return cls(read_fd=read_fd, write_fd=write_fd)

    def write(self, data: bytes) -> None:
        if self.write_fd < 0:
            self.chunks.append(data)
            return
        view = memoryview(data)
        while view:
            view = view[os.write(self.write_fd, view) :]

    def end(self) -> None:
        """No more data: the loader reads end of file."""
        if self.write_fd >= 0:
            os.close(self.write_fd)
            self.write_fd = -1

    def load_into(self, store: ox.Store) -> None:
        # lenient: every line was written by this tool from parsed, checked terms
        if self.read_fd >= 0:
            store.bulk_load(path=f"/dev/fd/{self.read_fd}", format=ox.RdfFormat.N_QUADS, lenient=True)
        elif self.chunks:
            store.bulk_load(b"".join(self.chunks), ox.RdfFormat.N_QUADS, lenient=True)

    def close_reader(self) -> None:
        if self.read_fd >= 0:
            os.close(self.read_fd)
            self.read_fd = -1


class BulkWriter:
    """Runs Oxigraph's bulk loader in a thread over the graphs `put` gives it, a section at a time."""

    def __init__(self, store: ox.Store, state: LoadState | None, section_quads: int = SECTION_QUADS) -> None:
        self.store, self.state, self.section_quads = store, state, section_quads
        self.sections = 0
        self._queue: queue.Queue[_Section | None] = queue.Queue()
        self._current: _Section | None = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="pfocr-rdf bulk loader", daemon=True)
        self._thread.start()

    def put(self, graph: BulkGraph) -> None:
        self._raise_failure()
        if self._current is None:
            self._current = _Section.open()
            self._queue.put(self._current)
        section = self._current
        if self.state is not None and graph.name:
            self.state.begin([graph.name])  # committed before the loader can see a byte of it
        section.graphs.append(graph)
        section.quads += graph.lines
        try:
            section.write(graph.data)
        except BrokenPipeError:  # the loader gave up this section
            self._end_section()
            self._thread.join()
            self._raise_failure()
            raise
        if section.quads >= self.section_quads:
            self._end_section()

    def finish(self) -> None:
        """Wait until every graph put is in the store; the loader's own failure is raised here."""
        self._stop()
        self._raise_failure()

    def abort(self) -> None:
        """Stop: the section being written is made to fail (a graph may be cut at a line boundary, which
        would otherwise load as if whole); its graphs stay in flight, for repair."""
        if self._current is not None:
            with contextlib.suppress(OSError):
                self._current.write(INVALID)
                self._current.chunks = []  # in memory: nothing of it is loaded
        self._stop()
        self._error = None

    def _end_section(self) -> None:
        if self._current is not None:
            self._current.end()
            self._current = None

    def _stop(self) -> None:
        self._end_section()
        if self._thread.is_alive():
            self._queue.put(None)
            self._thread.join()

    def _raise_failure(self) -> None:
        if self._error is not None:
            error, self._error = self._error, None
            raise OSError(f"the bulk loader failed: {error}") from error

    def _run(self) -> None:
        while (section := self._queue.get()) is not None:
            try:
                if self._error is None:
                    section.load_into(self.store)
                    self.sections += 1
                    if self.state is not None:
                        inputs = [(g.inputs, g.digest) for g in section.graphs if g.inputs and g.digest]
                        self.state.done(((g.name, g.digest, g.triples) for g in section.graphs if g.name), inputs)
                    trim_heap()  # the loader's sorted runs go back to the system before the next section
            except BaseException as exc:  # handed to the main thread by put/finish
                self._error = exc
            finally:
                section.close_reader()
