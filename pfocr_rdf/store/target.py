"""The part of a load every target shares: batches, graphs that come in several parts, the count check.

Every load is checked by counting: each graph's distinct triples, as sent, against the store's count of
that graph. `StoreTarget` (store_target.py) writes to the embedded store; `EndpointTarget`, here, to a
running store over HTTP.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from ..errors import UsageError
from ..run.conversion import PacketStream
from .distinct import DistinctLines
from .endpoint import Endpoint
from .reuse import InputEntry

BATCH_TRIPLES = 50_000  # per store transaction / per chunked upload


class LoadCheckError(Exception):
    """The store holds other counts than were written: the load did not (fully) happen."""


@dataclass
class LoadReport:
    """What a load wrote, and what the store says it holds."""

    graphs: int = 0  # graphs written
    triples: int = 0  # distinct triples written
    checked: int = 0  # graphs whose counts matched
    unchanged: int = 0  # graphs skipped: the store holds them with the same content
    reused: int = 0  # records not converted: their inputs did not change since their last load
    bulk: bool = False  # written by Oxigraph's bulk loader into an empty store
    repaired: list[str] = field(default_factory=list)  # graphs an earlier, interrupted load left in flight: removed
    dropped: list[str] = field(default_factory=list)  # graphs this load had in flight when interrupted: removed
    mismatches: list[str] = field(default_factory=list)


def _as_ntriples(nquads: str, graph: str) -> str:
    """N-Quads of one graph as N-Triples (every canonical line ends with ' <graph> .\\n')."""
    return nquads.replace(" " + graph + " .\n", " .\n")


def _into_graph(ntriples: str, graph: str) -> str:
    """Canonical N-Triples as N-Quads of `graph` (a literal's newline is escaped, so ' .\\n' ends lines only)."""
    return ntriples.replace(" .\n", " " + graph + " .\n")


@dataclass
class Part:
    name: str
    text: str  # N-Quads (N-Triples for the default graph)
    triples: int  # distinct triples of the graph once this part is in
    replace: bool  # the first part of the graph in this load: what the store held before goes
    digest: bytes | None
    inputs: InputEntry | None = None  # the record the graph came from, to skip next time
    data: bytes | None = None  # the text encoded, once encoded
    lines: int = -1  # lines of the text, once counted


class Target:
    """Batching, repeated graphs and count checking; subclasses write to a store or an endpoint."""

    takes_default_graph = False  # can it hold triples outside named graphs?

    def __init__(self, graph: str | None) -> None:
        self.single = "<" + graph + ">" if graph else None
        self.report = LoadReport()
        self.repeats: set[str] = set()  # graphs this load writes in more than one part
        self._file_graphs: set[str] = set()
        self.reading_files = False  # graphs now come from RDF files, not from records
        self._started: set[str] = set()  # repeated graphs already begun
        self._distinct: DistinctLines | None = None
        self._batch: list[Part] = []
        self._batched = 0
        self._written: dict[str, int] = {}  # repeated graphs, --graph and default graph: distinct triples

    # -- what the RDF file check found (before anything is written)

    def expect_file_graphs(self, runs: dict[str, int]) -> None:
        """Graph names in the RDF files and how many separate runs of quads each has."""
        self._file_graphs = set(runs)
        self.repeats |= {name for name, count in runs.items() if count > 1}

    # -- the Sink protocol (see run.py)

    def graph(self, name: str, text: str) -> None:
        if self.single is not None:
            self.extra(text)
            return
        if not text:
            return
        if name in self._file_graphs and not self.reading_files:
            self.repeats.add(name)  # a record's graph that an RDF file of this load names again
        if name in self.repeats:
            first = name not in self._started
            self._started.add(name)
            total = self._count_distinct(name, text)
            self._add(Part(name, text, total, first, None))
        else:
            self._add(self._whole(name, text))

    def extra(self, text: str) -> None:
        if not text:
            return
        if self.single is None:  # papers in triple formats: not used for loads, which write quads
            raise AssertionError("triples outside a graph")
        first = self.single not in self._started
        self._started.add(self.single)
        total = self._count_distinct(self.single, text)
        self._add(Part(self.single, _into_graph(text, self.single), total, first, None))

    def default_graph(self, ntriples: str, path: str) -> None:
        """Triples that came outside any named graph (a triple-format file without --graph)."""
        raise UsageError(f"{path} holds triples outside named graphs: give --graph IRI to load it into a store")

    def close(self) -> None:
        """The conversion ended: write what waits (the load is finished by `finish`)."""
        self._flush()

    def finish(self, waiting: Callable[[int, int], None] | None = None) -> None:
        """The last writes and the count check; `waiting` hears (done, total) of a long final write."""
        self._flush()
        if self._distinct is not None:
            self._distinct.close()
        if self.report.mismatches:
            raise LoadCheckError("; ".join(self.report.mismatches[:5]))

    def abort(self) -> None:
        """The load was interrupted: stop writing (and repair what can be repaired now)."""
        self._batch = []
        if self._distinct is not None:
            self._distinct.close()

    def packet_stream(self) -> PacketStream | None:
        """Where the run's packets come from, when not all from the workers."""
        return None

    def release(self) -> None:
        """Close what the target opened itself."""

    # -- helpers

    def _whole(self, name: str, text: str) -> Part:
        lines = text.count("\n")
        return Part(name, text, lines, True, None, lines=lines)

    def _count_distinct(self, name: str, text: str) -> int:
        if self._distinct is None:
            self._distinct = DistinctLines()
        self._distinct.add(name, text)
        return self._distinct.totals[name]

    def _add(self, part: Part) -> None:
        self._batch.append(part)
        self._batched += part.lines if part.lines >= 0 else part.text.count("\n")
        if self._batched >= BATCH_TRIPLES:
            self._flush()

    def _flush(self) -> None:
        if not self._batch:
            return
        batch, self._batch, self._batched = self._batch, [], 0
        self._write(batch)
        expected: dict[str, int] = {}
        for part in batch:
            expected[part.name] = part.triples  # the last part of a graph says what it holds now
        real = self._sizes(list(expected))
        for name, count in expected.items():
            matched = real.get(name) == count
            if not matched:
                self.report.mismatches.append(f"graph {name} holds {real.get(name, 0):,} triples, {count:,} were loaded")
            self._count_written(name, count, matched)
        self._confirm(batch)

    def _count_written(self, name: str, count: int, matched: bool) -> None:
        """Keep the report exact when a graph comes in several parts: one graph, its distinct triples."""
        before = self._written.get(name)
        if name in self.repeats or name == self.single:
            self._written[name] = count
        self.report.triples += count - (before or 0)
        if before is None:
            self.report.graphs += 1
            self.report.checked += matched

    # -- what subclasses do

    def _write(self, batch: list[Part]) -> None:
        raise NotImplementedError

    def _confirm(self, batch: list[Part]) -> None:
        """The batch is in the store and counted."""

    def _sizes(self, graphs: list[str]) -> dict[str, int]:
        raise NotImplementedError


class EndpointTarget(Target):
    """A running store, through the SPARQL 1.1 Graph Store HTTP Protocol."""

    def __init__(self, endpoint: Endpoint, graph: str | None) -> None:
        super().__init__(graph)
        self.endpoint = endpoint

    def _write(self, batch: list[Part]) -> None:
        for part in batch:
            send = self.endpoint.put_graph if part.replace else self.endpoint.post_graph
            send(part.name[1:-1], _as_ntriples(part.text, part.name).encode("utf-8"))

    def _sizes(self, graphs: list[str]) -> dict[str, int]:
        return self.endpoint.graph_sizes(graphs)
