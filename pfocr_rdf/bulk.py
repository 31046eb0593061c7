"""Oxigraph's bulk loader fed by the conversion as it goes: the way into a new or empty store.

The bulk loader sorts quads in memory and writes the store's files directly, several times faster than
transactions and with a store about six times smaller. It reads from a file-like object, so a loader
thread hands it the graphs the conversion (in the main thread, which keeps the signal handling) puts
into a small queue. It is called once per section of about SECTION_QUADS quads: Oxigraph then holds one
section in memory (about 0.7 GB for 800,000 quads on 2 threads, where a single call on a corpus held
1.5 GB), and a section's files are few enough that RocksDB does not rewrite them uncompressed.

The bulk loader is not transactional. Before any byte of a graph is handed over, its name is committed
to the store's in-flight list (loadstate.py); a section's graphs leave it once the call has returned,
that is, once they are in the store, whole. Whatever kills the process, the next load finds them.
"""

from __future__ import annotations

import contextlib
import queue
import threading
from dataclasses import dataclass

import pyoxigraph as ox

from .loadstate import LoadState

SECTION_QUADS = 800_000
_QUEUE_GRAPHS = 32  # graphs waiting for the loader: bounds memory when it falls behind


@dataclass
class BulkGraph:
    name: str  # the graph's IRI term, or "" for default-graph triples
    data: bytes  # N-Quads
    triples: int  # distinct triples the graph holds once this part is in
    digest: bytes | None  # content digest to record, if the graph is whole in this part


class _Stop:
    """A queue item: no more graphs (end) or give up (abort)."""

    def __init__(self, abort: bool) -> None:
        self.abort = abort


class LoadAborted(Exception):
    """Raised inside the bulk loader's read to make it give up the section it is reading."""


class _Section:
    """A file-like view of the queue that ends after about SECTION_QUADS quads, at a graph boundary."""

    def __init__(self, writer: BulkWriter) -> None:
        self.writer = writer
        self.graphs: list[BulkGraph] = []
        self.quads = 0
        self.ended = False  # no more graphs will come
        self._data = b""
        self._offset = 0

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        if self._offset >= len(self._data) and not self._next_graph():
            return b""
        end = len(self._data) if size is None or size < 0 else self._offset + size
        piece = self._data[self._offset : end]
        self._offset += len(piece)
        return piece

    def _next_graph(self) -> bool:
        if self.quads >= self.writer.section_quads or self.ended:
            return False
        item = self.writer.queue.get()
        if isinstance(item, _Stop):
            self.ended = True
            if item.abort:
                raise LoadAborted("load interrupted")
            return False
        if self.writer.state is not None and item.name:
            self.writer.state.begin([item.name])  # committed before the loader can see a byte of it
        self.graphs.append(item)
        self.quads += item.data.count(b"\n")
        self._data, self._offset = item.data, 0
        return True


class BulkWriter:
    """Runs Oxigraph's bulk loader in a thread over the graphs `put` gives it, a section at a time."""

    def __init__(self, store: ox.Store, state: LoadState | None, section_quads: int = SECTION_QUADS) -> None:
        self.store, self.state, self.section_quads = store, state, section_quads
        self.queue: queue.Queue[BulkGraph | _Stop] = queue.Queue(_QUEUE_GRAPHS)
        self.error: BaseException | None = None
        self.sections = 0
        self._thread = threading.Thread(target=self._run, name="pfocr-rdf bulk loader", daemon=True)
        self._thread.start()

    def put(self, graph: BulkGraph) -> None:
        while True:
            if self.error is not None or not self._thread.is_alive():
                self.finish()  # raises the loader's error
            try:
                self.queue.put(graph, timeout=0.5)
                return
            except queue.Full:
                continue

    def finish(self) -> None:
        """Wait until every graph put is in the store; the loader's own failure is raised here."""
        if self._thread.is_alive():
            self._send(_Stop(abort=False))
            self._thread.join()
        if self.error is not None:
            error, self.error = self.error, None
            raise OSError(f"the bulk loader failed: {error}") from error

    def abort(self) -> None:
        """Stop now; the section being read is dropped (its graphs stay in flight, for repair)."""
        if self._thread.is_alive():
            self._send(_Stop(abort=True))
            self._thread.join()
        self.error = None

    def _send(self, stop: _Stop) -> None:
        while self._thread.is_alive():
            try:
                self.queue.put(stop, timeout=0.5)
                return
            except queue.Full:
                if stop.abort:  # make room: what waits will not be loaded anyway
                    with contextlib.suppress(queue.Empty):
                        self.queue.get_nowait()

    def _run(self) -> None:
        try:
            while True:
                section = _Section(self)
                # lenient: every line was written by this tool from parsed, checked terms
                self.store.bulk_load(section, ox.RdfFormat.N_QUADS, lenient=True)
                self.sections += 1
                if self.state is not None:
                    self.state.done((g.name, g.digest, g.triples) for g in section.graphs if g.name)
                if section.ended:
                    return
        except LoadAborted:
            return
        except BaseException as exc:  # handed to the main thread by put/finish
            if isinstance(exc.__context__, LoadAborted) or "load interrupted" in str(exc):
                return
            self.error = exc
