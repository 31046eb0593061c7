"""`pfocr-rdf load`: records or RDF files into the embedded store or a running SPARQL store.

Every figure goes into its own named graph, replaced as a whole, so loading again never duplicates
and a changed record replaces the old one; `--graph IRI` puts everything into one graph instead
(replaced by the first upload of the run, then added to in chunks). Every load is checked by
counting, in the store, the triples of the graphs just written.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from .endpoint import Endpoint
from .errors import Finding, RecordError, UsageError
from .formats import NQUADS, NTRIPLES
from .pipeline import ConvertOptions
from .rdfio import RdfInput, as_input, read_graphs
from .run import RunOptions, RunSummary, run_conversion
from .serialize import chunk
from .sources import RecordSource
from .store import EmbeddedStore

BATCH_TRIPLES = 50_000  # per store transaction / per chunked upload


class LoadCheckError(Exception):
    """The store holds other counts than were written: the load did not (fully) happen."""


@dataclass
class LoadReport:
    """What a load wrote, and what the store says it holds."""

    graphs: int = 0
    triples: int = 0
    checked: int = 0  # graphs (or 1 for --graph) whose counts matched
    mismatches: list[str] = field(default_factory=list)


def _without_graph(nquads: str, graph: str) -> str:
    """N-Quads of one graph as N-Triples (every line ends with ' <graph> .')."""
    return nquads.replace(" " + graph + " .\n", " .\n")


class _Target:
    """Common batching and count checking; subclasses write to a store or an endpoint."""

    def __init__(self, graph: str | None) -> None:
        self.single = "<" + graph + ">" if graph else None
        self.report = LoadReport()
        self._batch: list[tuple[str, str, int]] = []  # (graph, N-Quads, triples)
        self._batched = 0
        self._single_lines: list[str] = []
        self._single_count = 0
        self._single_started = False

    # -- the Sink protocol (see run.py)

    def graph(self, name: str, text: str) -> None:
        if self.single is not None:
            self.extra(text)
            return
        count = text.count("\n")
        self._batch.append((name, text, count))
        self._batched += count
        if self._batched >= BATCH_TRIPLES:
            self._flush_graphs()

    def extra(self, text: str) -> None:
        if not text:
            return
        self._single_lines.append(text)
        self._single_count += text.count("\n")
        if self._single_count >= BATCH_TRIPLES:
            self._flush_single()

    def close(self) -> None:
        self._flush_graphs()
        self._flush_single()
        if self.single is not None and self._single_started:
            real = self._sizes([self.single])[self.single]
            if real != self.report.triples:
                self.report.mismatches.append(f"graph {self.single} holds {real:,} triples, {self.report.triples:,} were loaded")
            else:
                self.report.checked += 1
        if self.report.mismatches:
            raise LoadCheckError("; ".join(self.report.mismatches[:5]))

    # -- batching

    def _flush_graphs(self) -> None:
        if not self._batch:
            return
        batch, self._batch, self._batched = self._batch, [], 0
        self._replace_graphs(batch)
        real = self._sizes([name for name, _, _ in batch])
        for name, _, expected in batch:
            self.report.graphs += 1
            self.report.triples += expected
            if real.get(name) != expected:
                self.report.mismatches.append(f"graph {name} holds {real.get(name, 0):,} triples, {expected:,} were loaded")
            else:
                self.report.checked += 1

    def _flush_single(self) -> None:
        if self.single is None or (not self._single_lines and self._single_started):
            return
        text = "".join(self._single_lines)
        self._write_single(text, replace=not self._single_started)
        self._single_started = True
        self.report.triples += self._single_count
        self.report.graphs = 1
        self._single_lines, self._single_count = [], 0

    # -- what subclasses do

    def default_graph(self, ntriples: str, path: str) -> None:
        """Triples that came outside any named graph (a triple-format file without --graph)."""
        raise UsageError(f"{path} holds triples outside named graphs: give --graph IRI to load it into a store")

    def _replace_graphs(self, batch: list[tuple[str, str, int]]) -> None:
        raise NotImplementedError

    def _write_single(self, ntriples: str, replace: bool) -> None:
        raise NotImplementedError

    def _sizes(self, graphs: list[str]) -> dict[str, int]:
        raise NotImplementedError


class StoreTarget(_Target):
    """The embedded Oxigraph store."""

    def __init__(self, store: EmbeddedStore, graph: str | None) -> None:
        super().__init__(graph)
        self.store = store

    def _replace_graphs(self, batch: list[tuple[str, str, int]]) -> None:
        self.store.replace_graphs("".join(text for _, text, _ in batch), [name for name, _, _ in batch])

    def default_graph(self, ntriples: str, path: str) -> None:
        self.store.add_triples(ntriples, None)  # a set: loading the same file again adds nothing
        self.report.triples += ntriples.count("\n")

    def _write_single(self, ntriples: str, replace: bool) -> None:
        if replace:
            self.store.clear_graph(self.single)
        self.store.add_triples(ntriples, self.single)

    def _sizes(self, graphs: list[str]) -> dict[str, int]:
        return self.store.graph_sizes(graphs)


class EndpointTarget(_Target):
    """A running store, through the SPARQL 1.1 Graph Store HTTP Protocol."""

    def __init__(self, endpoint: Endpoint, graph: str | None) -> None:
        super().__init__(graph)
        self.endpoint = endpoint

    def _replace_graphs(self, batch: list[tuple[str, str, int]]) -> None:
        for name, text, _ in batch:
            self.endpoint.put_graph(name[1:-1], _without_graph(text, name).encode("utf-8"))

    def _write_single(self, ntriples: str, replace: bool) -> None:
        assert self.single is not None
        send = self.endpoint.put_graph if replace else self.endpoint.post_graph
        send(self.single[1:-1], ntriples.encode("utf-8"))

    def _sizes(self, graphs: list[str]) -> dict[str, int]:
        return self.endpoint.graph_sizes(graphs)


@dataclass
class LoadOutcome:
    summary: RunSummary
    report: LoadReport


def load_rdf_files(paths: Sequence[str | RdfInput], target: _Target, findings: list[Finding]) -> None:
    """RDF files: each named graph replaces the store's graph of that name; triples go to --graph."""
    for path in paths:
        try:
            source = as_input(path)
            for graph, nodes in read_graphs(source):
                if target.single is not None:
                    target.extra(chunk(NTRIPLES, nodes.items(), None))
                elif graph is None:
                    target.default_graph(chunk(NTRIPLES, nodes.items(), None), source.display)
                elif graph.startswith("_:"):  # a store cannot name (or later replace) such a graph
                    message = f"graph {graph} is named by a blank node; give --graph IRI to load its triples"
                    raise RecordError(source.display, "blank-graph-name", message)
                else:
                    target.graph(graph, chunk(NQUADS, nodes.items(), graph))
        except RecordError as exc:
            findings.append(exc.finding)


def load(
    rdf_files: Sequence[str | RdfInput],
    records: Sequence[RecordSource],
    target: _Target,
    convert_options: ConvertOptions,
    run_options: RunOptions,
    progress: Callable[[int, int], None] | None = None,
    on_finding: Callable[[Finding], None] | None = None,
) -> LoadOutcome:
    """Load records (converted and validated as `convert` does) and RDF files into a target; the RDF
    files that cannot be read are failures of the run, as records are."""
    summary = RunSummary()
    if records:
        run_options.rdf_format = NTRIPLES if target.single else NQUADS
        summary = run_conversion(records, convert_options, run_options, progress, target, on_finding)  # closes target
    if rdf_files:
        findings: list[Finding] = []
        load_rdf_files(rdf_files, target, findings)
        target.close()
        for finding in findings:
            summary.failures.append(finding)
            if on_finding is not None:
                on_finding(finding)
    return LoadOutcome(summary, target.report)
