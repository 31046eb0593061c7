"""Oxigraph's bulk loader fed by the conversion as it goes: the way into a new or empty store.

The bulk loader sorts quads in memory and writes the store's files directly, several times faster than
transactions and with a store about six times smaller. The conversion (in the main thread, which keeps
the signal handling) writes each graph's N-Quads into a section: an unnamed temporary file in the store
folder (no name, so nothing is left behind whatever ends the process). A section of SECTION_QUADS quads
is handed whole to a loader thread, which bulk-loads it (Oxigraph reads the file itself, without the
interpreter lock) while the conversion fills the next one: the conversion never waits for the loader's
sorting and writing, and the loader never waits for the conversion. One section in the loader costs
about 0.7 GB (800,000 quads; one call over a whole corpus held 1.5 GB), and a section's files are few
enough that RocksDB does not rewrite them uncompressed (600,000-quad sections made the store 1.7 times
bigger; RocksDB leaves its first two levels uncompressed).

The bulk loader is not transactional. Before a section is handed to the loader, the names of its
graphs are committed to the store's in-flight list (loadstate.py); a graph leaves it once every section
holding a part of it is in the store. Whatever kills the process, the next load finds them.
"""

from __future__ import annotations

import os
import queue
import tempfile
import threading
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import IO

import pyoxigraph as ox

from ..run.heap import trim_heap
from .loadstate import LoadState
from .reuse import InputEntry

SECTION_QUADS = 800_000
WAIT_REPORT_SECONDS = 0.2
WAITING_SECTIONS = 2  # whole sections waiting for the loader before the conversion waits in turn
FD_PATHS = os.path.isdir("/dev/fd")  # else each section is gathered in memory (Windows)


@dataclass
class BulkGraph:
    name: str  # the graph's IRI term, or "" for default-graph triples
    data: bytes  # N-Quads (emptied once written into a section)
    lines: int  # quads in `data`
    triples: int  # distinct triples the graph holds once this part is in
    digest: bytes | None  # content digest to record, if the graph is whole in this part
    inputs: InputEntry | None = None  # the record it came from, to skip next time


@dataclass
class _Section:
    graphs: list[BulkGraph] = field(default_factory=list)
    quads: int = 0
    spool: IO[bytes] | None = None
    chunks: list[bytes] = field(default_factory=list)

    @classmethod
    def open(cls, folder: str | None) -> _Section:
        if not FD_PATHS:
            return cls()
        return cls(spool=tempfile.TemporaryFile(dir=folder, prefix=".pfocr-rdf-section-"))

    def write(self, data: bytes) -> None:
        if self.spool is None:
            self.chunks.append(data)
        else:
            self.spool.write(data)

    def end(self) -> None:
        if self.spool is not None:
            self.spool.flush()

    def load_into(self, store: ox.Store) -> None:
        # lenient: every line was written by this tool from parsed, checked terms
        if self.spool is not None:
            store.bulk_load(path=f"/dev/fd/{self.spool.fileno()}", format=ox.RdfFormat.N_QUADS, lenient=True)
        elif self.chunks:
            store.bulk_load(b"".join(self.chunks), ox.RdfFormat.N_QUADS, lenient=True)

    def close(self) -> None:
        if self.spool is not None:
            self.spool.close()
            self.spool = None
        self.chunks = []


class BulkWriter:
    """Runs Oxigraph's bulk loader in a thread over the graphs `put` gives it, a whole section at a time."""

    def __init__(
        self, store: ox.Store, state: LoadState | None, section_quads: int = SECTION_QUADS, folder: str | None = None
    ) -> None:
        self.store, self.state, self.section_quads, self.folder = store, state, section_quads, folder
        self.sections = 0
        self.quads_handed = self.quads_loaded = 0  # quads given to the loader thread, and those in the store
        self._queue: queue.Queue[_Section | None] = queue.Queue(WAITING_SECTIONS)
        self._current: _Section | None = None
        self._error: BaseException | None = None
        self._stopping = False  # interrupted: what the loader finishes now stays in flight, for repair
        self._parts: Counter[str] = Counter()  # graph -> its parts not yet in the store
        self._last: dict[str, BulkGraph] = {}  # graph -> its last part (what the graph holds once whole)
        self._lock = threading.Lock()
        # Made and started with the first section, not here: a conversion's worker pool forks when its first
        # record is asked for, and forking while another thread runs can deadlock the child (Python 3.12+
        # warns). A thread made and never started would also keep this writer, and the store, alive.
        self._thread: threading.Thread | None = None

    def put(self, graph: BulkGraph) -> None:
        self._raise_failure()
        if self._current is None:
            self._current = _Section.open(self.folder)
        section = self._current
        section.write(graph.data)
        graph.data = b""  # in the section now: not kept twice
        section.graphs.append(graph)
        section.quads += graph.lines
        if section.quads >= self.section_quads:
            self._hand_over()

    def finish(self, waiting: Callable[[int, int], None] | None = None) -> None:
        """Wait until every graph put is in the store, telling `waiting` (quads in the store, quads given)
        now and then: the sections left when the conversion ends can take a while. The loader's own failure
        is raised here."""
        self._hand_over()
        self._stop(waiting)
        self._raise_failure()

    def abort(self) -> None:
        """Stop: the section being filled is dropped (nothing of it reached the store); the graphs of the
        sections handed over stay in flight, for repair, even those the loader completes now."""
        self._stopping = True
        if self._current is not None:
            self._current.close()
            self._current = None
        self._stop()
        self._error = None

    def _hand_over(self) -> None:
        """The section being filled goes to the loader, its graphs committed as in flight first."""
        section, self._current = self._current, None
        if section is None:
            return
        section.end()
        self.quads_handed += section.quads
        names = [graph.name for graph in section.graphs if graph.name]
        with self._lock:
            for graph in section.graphs:
                if graph.name:
                    self._parts[graph.name] += 1
                    self._last[graph.name] = graph
        if self.state is not None and names:
            self.state.begin(names)  # committed before the loader can see a byte of them
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="pfocr-rdf bulk loader", daemon=True)
            self._thread.start()
        while True:  # the loader may be slow: wait for room, but fail at once if it has failed
            self._raise_failure()
            try:
                self._queue.put(section, timeout=0.5)
                return
            except queue.Full:
                if not self._thread.is_alive():
                    section.close()
                    raise OSError("the bulk loader stopped") from None

    def _stop(self, waiting: Callable[[int, int], None] | None = None) -> None:
        if self._thread is None or not self._thread.is_alive():
            return
        self._queue.put(None)
        while self._thread.is_alive():
            if waiting is not None:
                waiting(self.quads_loaded, self.quads_handed)
            self._thread.join(WAIT_REPORT_SECONDS if waiting is not None else None)
        if waiting is not None:
            waiting(self.quads_loaded, self.quads_handed)

    def _raise_failure(self) -> None:
        if self._error is not None:
            error, self._error = self._error, None
            raise OSError(f"the bulk loader failed: {error}") from error

    def _confirm(self, section: _Section) -> None:
        """The section is in the store: its graphs whose every part is in leave the in-flight list."""
        whole: list[BulkGraph] = []
        with self._lock:
            self.sections += 1
            for graph in section.graphs:
                if not graph.name:
                    continue
                self._parts[graph.name] -= 1
                if self._parts[graph.name] == 0:
                    del self._parts[graph.name]
                    whole.append(self._last.pop(graph.name))
        if self.state is not None and whole:
            inputs = [(g.inputs, g.digest) for g in whole if g.inputs and g.digest]
            self.state.done(((g.name, g.digest, g.triples) for g in whole), inputs)

    def _run(self) -> None:
        while (section := self._queue.get()) is not None:
            try:
                if self._error is None and not self._stopping:
                    section.load_into(self.store)
                    self.quads_loaded += section.quads
                    if not self._stopping:
                        self._confirm(section)
                    trim_heap()  # the loader's sorted runs go back to the system before the next section
            except BaseException as exc:  # handed to the main thread by put/finish
                self._error = exc
            finally:
                section.close()
