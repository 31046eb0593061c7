"""RDF files as a load's input: each read whole before any is written (a file refused half way has
written nothing), then its graphs given to the target."""

from __future__ import annotations

from collections.abc import Sequence

import pyoxigraph as ox

from ..errors import Finding, RecordError, UsageError
from ..rdf.formats import NQUADS, NTRIPLES
from ..read.rdfio import RdfInput, ReadMeter, ReadProgress, as_input, parse_quads, read_graphs
from ..write.serialize import chunk
from .target import Target


def check_rdf_file(source: str | RdfInput, target: Target, meter: ReadMeter | None = None) -> dict[str, int]:
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
    paths: Sequence[str | RdfInput], target: Target, findings: list[Finding], progress: ReadProgress | None = None
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


def load_rdf_files(paths: Sequence[str | RdfInput], target: Target, progress: ReadProgress | None = None) -> None:
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
