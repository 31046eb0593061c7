"""`pfocr-rdf load`: records or RDF files into the embedded store or a running SPARQL store.

Every figure goes into its own named graph, replaced as a whole, so loading again never duplicates
and a changed record replaces the old one; `--graph IRI` puts everything into one graph instead
(replaced by this load). Into a new or empty embedded store, Oxigraph's bulk loader takes the
conversion's output as it comes (bulk.py); into a store that holds data, changed graphs are replaced in
batches (removed, then written by the bulk loader too, in flight until counted) and graphs whose content
digest matches the one recorded at their last load are skipped (loadstate.py); before that, records
whose inputs (file, tables, tool version, options) did not change since their last load are not
converted at all (reuse.py), and the dataset description counts every record the store holds from the
state's tally, changed by the records written (tally.py). A graph named twice in one load (in two files, say) gets the union of
its parts.

Every load is checked by counting: each graph's distinct triples, as sent, against the store's count
of that graph (after a bulk load into an empty store, the store's total against the sum, which is the
same check at the cost of one pass). RDF files are read whole before any of them is written, so a
file refused half way has written nothing.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any

import pyoxigraph as ox

from ..errors import Finding, RecordError, UsageError
from ..rdf.formats import NQUADS, NTRIPLES
from ..read.rdfio import RdfInput, ReadMeter, ReadProgress, as_input, parse_quads, read_graphs
from ..read.sources import RecordSource
from ..run.conversion import PacketStream, RunOptions, RunSummary, run_conversion
from ..run.pipeline import ConvertOptions
from ..write.serialize import chunk
from ..write.void import DatasetStats
from .bulk import BulkGraph, BulkWriter
from .distinct import DistinctLines
from .endpoint import Endpoint
from .loadstate import LoadState, content_digest
from .reuse import InputEntry, Pending, Reuse, packets_reusing
from .store import EmbeddedStore
from .tally import RECORDS, stats_from

BATCH_TRIPLES = 50_000  # per store transaction / per chunked upload
BULK_FROM_QUADS = 5_000  # a batch this big goes to a store that holds data through the bulk loader (store.py)
DEFAULT_GRAPH = ""  # the key of default-graph triples in counts


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
class _Part:
    name: str
    text: str  # N-Quads (N-Triples for the default graph)
    triples: int  # distinct triples of the graph once this part is in
    replace: bool  # the first part of the graph in this load: what the store held before goes
    digest: bytes | None
    inputs: InputEntry | None = None  # the record the graph came from, to skip next time
    data: bytes | None = None  # the text encoded, once encoded
    lines: int = -1  # lines of the text, once counted


class _Target:
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
        self._batch: list[_Part] = []
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
            self._add(_Part(name, text, total, first, None))
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
        self._add(_Part(self.single, _into_graph(text, self.single), total, first, None))

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

    def _whole(self, name: str, text: str) -> _Part:
        lines = text.count("\n")
        return _Part(name, text, lines, True, None, lines=lines)

    def _count_distinct(self, name: str, text: str) -> int:
        if self._distinct is None:
            self._distinct = DistinctLines()
        self._distinct.add(name, text)
        return self._distinct.totals[name]

    def _add(self, part: _Part) -> None:
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

    def _write(self, batch: list[_Part]) -> None:
        raise NotImplementedError

    def _confirm(self, batch: list[_Part]) -> None:
        """The batch is in the store and counted."""

    def _sizes(self, graphs: list[str]) -> dict[str, int]:
        raise NotImplementedError


class StoreTarget(_Target):
    """The embedded Oxigraph store: bulk loading into an empty store, batches and skips into a full one."""

    takes_default_graph = True

    def __init__(self, store: EmbeddedStore, graph: str | None) -> None:
        super().__init__(graph)
        self.store = store
        self.state = LoadState(store.path) if store.path is not None else None
        self.report.repaired = self._repair()
        self._bulk: BulkWriter | None = None
        self._bulk_expected = 0  # distinct triples sent to the bulk loader, repeated graphs aside
        self.pending = Pending()  # the input entry of the record whose graph comes next
        self.reuse = Reuse()
        if self.state is not None and store.is_empty():
            self.state.clear()
            self.report.bulk = True
            self._bulk = BulkWriter(store.store, self.state, folder=store.path)

    def _repair(self) -> list[str]:
        """Remove the graphs an interrupted load left in flight: they may hold part of a figure."""
        if self.state is None:
            return []
        names = self.state.in_flight()
        if names:
            self.store.remove_graphs(names)
            self.state.forget(names)
        return names

    # -- skipping what did not change

    def _whole(self, name: str, text: str) -> _Part:
        part = super()._whole(name, text)
        if self.state is not None:
            part.data = text.encode("utf-8")
            part.digest = content_digest(part.data)
            part.inputs = self.pending.take(name)
        return part

    def _add(self, part: _Part) -> None:
        if self._bulk is not None:
            self._send_bulk(part)
            return
        if part.digest is not None and self.state is not None:
            known = self.state.digests([part.name]).get(part.name)
            if known == part.digest:
                self.report.unchanged += 1
                if part.inputs is not None:
                    self.state.record_inputs([(part.inputs, part.digest)])
                return
        super()._add(part)

    def _send_bulk(self, part: _Part) -> None:
        assert self._bulk is not None
        if part.name in self.repeats or part.name in (self.single, DEFAULT_GRAPH):
            self._written[part.name] = part.triples  # the last part's distinct total
        elif part.name != DEFAULT_GRAPH:
            self._bulk_expected += part.triples
            self.report.graphs += 1
        data = part.data if part.data is not None else part.text.encode("utf-8")
        lines = part.lines if part.lines >= 0 else data.count(b"\n")
        self._bulk.put(BulkGraph(part.name, data, lines, part.triples, part.digest, part.inputs))

    def default_graph(self, ntriples: str, path: str) -> None:
        if self._bulk is not None:
            self._send_bulk(_Part(DEFAULT_GRAPH, ntriples, self._count_distinct(DEFAULT_GRAPH, ntriples), False, None))
            return
        self.store.add_triples(ntriples, None)  # a set: loading the same file again adds nothing
        self.report.triples += ntriples.count("\n")

    # -- writing batches (a store that held data before)

    def _write(self, batch: list[_Part]) -> None:
        names = list(dict.fromkeys(part.name for part in batch))
        if self.state is not None:
            self.state.begin(names)
        self.store.remove_graphs(list(dict.fromkeys(part.name for part in batch if part.replace)))
        data = b"".join(part.data if part.data is not None else part.text.encode("utf-8") for part in batch)
        if data.count(b"\n") >= BULK_FROM_QUADS:
            self.store.bulk_add_quads(data)
        else:  # the description alone, a handful of figures: a transaction costs less than the bulk loader's start
            self.store.add_quads(data)

    def _confirm(self, batch: list[_Part]) -> None:
        if self.state is not None:
            last = {part.name: part for part in batch}
            inputs = [(part.inputs, part.digest) for part in last.values() if part.inputs and part.digest]
            self.state.done(((name, part.digest, part.triples) for name, part in last.items()), inputs)

    def _sizes(self, graphs: list[str]) -> dict[str, int]:
        return self.store.graph_sizes(graphs)

    def tallied(self, example: str | None) -> tuple[DatasetStats, int] | None:
        """The description's counts over every record the store holds, this load's written ones included,
        from the state's tally (its rows hold for the graphs as they are, tally.py); None into an empty
        store (the run's own counts are the store's) or into one graph (--graph)."""
        if self._bulk is not None or self.state is None or self.single is not None:
            return None
        self._flush()  # the records of this load that wait in the batch: their rows join the tally
        counts = self.state.tally()
        return stats_from(counts, example), counts.get(RECORDS, 0)

    # -- ending

    def finish(self, waiting: Callable[[int, int], None] | None = None) -> None:
        self.report.reused = self.reuse.reused
        if self._bulk is not None:
            bulk, self._bulk = self._bulk, None
            bulk.finish(waiting)
            self._check_bulk()
            if self.store.path is not None:  # a store on disk, loaded whole: compacted once, for its queries
                self.store.compact()
        super().finish()

    def _check_bulk(self) -> None:
        """The store was empty and only this load wrote to it: its total equals the distinct triples sent
        exactly when every graph holds what was sent (no store invents quads)."""
        named = {name: count for name, count in self._written.items() if name != DEFAULT_GRAPH}
        self.report.graphs += len(named)
        expected = self._bulk_expected + sum(self._written.values())
        self.report.triples = expected
        real = self.store.quad_count()
        if real != expected:
            self.report.mismatches.append(f"the store holds {real:,} triples, {expected:,} were loaded")
        else:
            self.report.checked = self.report.graphs

    def abort(self) -> None:
        if self._bulk is not None:
            bulk, self._bulk = self._bulk, None
            bulk.abort()
        super().abort()
        self.report.dropped = self._repair()

    def packet_stream(self) -> PacketStream | None:
        """Records whose inputs did not change since their last load come from the state, not the workers
        (into one graph with --graph, every record is written again)."""
        if self.state is None or self.single is not None:
            return None
        return partial(
            packets_reusing,
            state=self.state,
            pending=self.pending,
            counts=self.reuse,
            look_up=self._bulk is None,
            written_again=self._file_graphs,
        )

    def release(self) -> None:
        if self.state is not None:
            self.state.close()


class EndpointTarget(_Target):
    """A running store, through the SPARQL 1.1 Graph Store HTTP Protocol."""

    def __init__(self, endpoint: Endpoint, graph: str | None) -> None:
        super().__init__(graph)
        self.endpoint = endpoint

    def _write(self, batch: list[_Part]) -> None:
        for part in batch:
            send = self.endpoint.put_graph if part.replace else self.endpoint.post_graph
            send(part.name[1:-1], _as_ntriples(part.text, part.name).encode("utf-8"))

    def _sizes(self, graphs: list[str]) -> dict[str, int]:
        return self.endpoint.graph_sizes(graphs)


@dataclass
class LoadOutcome:
    summary: RunSummary
    report: LoadReport


def check_rdf_file(source: str | RdfInput, target: _Target, meter: ReadMeter | None = None) -> dict[str, int]:
    """Read a file whole, writing nothing: its graph names and how many runs of quads each has.
    Raises RecordError for what the load would refuse half way (bad syntax, a blank-node graph name)."""
    rdf_input = as_input(source)
    path, rdf_format = rdf_input.display, rdf_input.rdf_format
    runs: dict[str, int] = {}
    current: object = None
    try:
        for quad in parse_quads(rdf_input, meter):
            graph = quad.graph_name
            if graph == current:
                continue
            current = graph
            if isinstance(graph, ox.DefaultGraph):
                if target.single is None and not target.takes_default_graph:
                    message = "holds triples outside named graphs: give --graph IRI to load it into a store"
                    raise UsageError(f"{path} {message}")
                continue
            name = str(graph)
            if isinstance(graph, ox.BlankNode) and target.single is None:
                message = f"graph {name} is named by a blank node; give --graph IRI to load its triples"
                raise RecordError(path, "blank-graph-name", message)
            runs[name] = runs.get(name, 0) + 1
    except SyntaxError as exc:
        message = f"not valid {rdf_format.label}: {getattr(exc, 'msg', None) or exc}{rdf_input.note}"
        raise RecordError(path, "invalid-rdf", message, line=getattr(exc, "lineno", None)) from None
    except (OSError, EOFError) as exc:
        raise RecordError(path, "unreadable", f"cannot read the file: {exc}") from None
    return runs


def check_rdf_files(
    paths: Sequence[str | RdfInput], target: _Target, findings: list[Finding], progress: ReadProgress | None = None
) -> list[str | RdfInput]:
    """The files that can be loaded whole; the others become findings. Tells the target which graphs repeat."""
    good: list[str | RdfInput] = []
    runs: dict[str, int] = {}
    meter = ReadMeter(paths, progress, "checking RDF files")
    for path in paths:
        try:
            found = check_rdf_file(path, target, meter)
        except RecordError as exc:
            findings.append(exc.finding)
            continue
        good.append(path)
        for name, count in found.items():
            runs[name] = runs.get(name, 0) + count
    target.expect_file_graphs(runs)
    return good


def load_rdf_files(paths: Sequence[str | RdfInput], target: _Target, progress: ReadProgress | None = None) -> None:
    """RDF files (already checked whole): each named graph replaces the store's graph of that name; triples go to --graph."""
    target.reading_files = True
    meter = ReadMeter(paths, progress, "RDF files")
    for path in paths:
        try:
            source = as_input(path)
            for graph, nodes in read_graphs(source, meter):
                if target.single is not None:
                    target.extra(chunk(NTRIPLES, nodes.items(), None))
                elif graph is None:
                    target.default_graph(chunk(NTRIPLES, nodes.items(), None), source.display)
                else:
                    target.graph(graph, chunk(NQUADS, nodes.items(), graph))
        except RecordError as exc:  # read whole a moment ago: the file changed under the load
            raise UsageError(f"{exc} (the file changed while it was being loaded)") from None


def load(
    rdf_files: Sequence[str | RdfInput],
    records: Sequence[RecordSource],
    target: _Target,
    convert_options: ConvertOptions,
    run_options: RunOptions,
    progress: Any = None,
    on_finding: Callable[[Finding], None] | None = None,
) -> LoadOutcome:
    """Load records (converted and validated as `convert` does) and RDF files into a target; the RDF
    files that cannot be read are failures of the run, as records are, and none of them is written.

    `progress` is called with (records done, records in all); when it has a `reading` method (see
    rdfio.ReadProgress), it is told the bytes and statements read of the RDF files too."""
    started = time.monotonic()
    reading = progress if hasattr(progress, "reading") else None
    summary = RunSummary()
    findings: list[Finding] = []
    try:
        loadable = check_rdf_files(rdf_files, target, findings, reading)
        if records:
            run_options.rdf_format = NTRIPLES if target.single else NQUADS
            stream = target.packet_stream()
            summary = run_conversion(records, convert_options, run_options, progress, target, on_finding, stream)
        load_rdf_files(loadable, target, reading)
        statements = getattr(progress, "statements", None)
        target.finish(partial(statements, "writing the store") if statements is not None else None)
    except BaseException:
        target.abort()
        raise
    for finding in findings:
        summary.failures.append(finding)
        if on_finding is not None:
            on_finding(finding)
    summary.seconds = time.monotonic() - started  # the whole load: RDF files, records and the count check
    return LoadOutcome(summary, target.report)
