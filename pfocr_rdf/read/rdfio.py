"""Reading RDF files (any format the tool writes, optionally gzipped) into node maps, streamed."""

from __future__ import annotations

import gzip
import os
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, BinaryIO, Protocol

import pyoxigraph as ox

from ..errors import RecordError
from ..rdf.formats import GZIP_MAGIC, JSONLD, NQUADS, NTRIPLES, TRIG, TURTLE, RdfFormat, format_for_path
from ..rdf.graph import NodeMap, RecordGraph, merge_nodes

OX_FORMATS = {
    NTRIPLES.name: ox.RdfFormat.N_TRIPLES,
    NQUADS.name: ox.RdfFormat.N_QUADS,
    TURTLE.name: ox.RdfFormat.TURTLE,
    TRIG.name: ox.RdfFormat.TRIG,
    JSONLD.name: ox.RdfFormat.JSON_LD,
}


def ox_format(rdf_format: RdfFormat) -> ox.RdfFormat:
    return OX_FORMATS[rdf_format.name]


def open_rdf(path: str) -> BinaryIO:
    """The file's bytes, decompressed when the content is gzip (its first two bytes), whatever its name."""
    handle = open(path, "rb")  # noqa: SIM115 - returned to the caller, who closes it
    if handle.peek(2)[:2] == GZIP_MAGIC:
        return gzip.GzipFile(fileobj=handle, mode="rb")  # type: ignore[return-value]
    return handle


@dataclass(frozen=True)
class RdfInput:
    """An RDF file to read: where it is, the name messages give it, and its format."""

    path: str
    display: str
    rdf_format: RdfFormat
    note: str = ""  # said after a syntax error (how the format was chosen, when it was guessed)


def as_input(source: str | RdfInput) -> RdfInput:
    """A path becomes an input whose format its name says (a .gz suffix looked through)."""
    if isinstance(source, RdfInput):
        return source
    rdf_format = format_for_path(source)
    if rdf_format is None:
        raise RecordError(
            source, "unknown-format", "not an RDF file this tool reads (.ttl .nt .nq .trig .jsonld, optionally .gz)"
        )
    return RdfInput(source, source, rdf_format)


class ReadProgress(Protocol):
    """Where a pass over RDF files reports how far it is (report.py's progress): `step` names the pass."""

    def reading(self, step: str, done: int, total: int, statements: int) -> None: ...


class ReadMeter:
    """How far a pass over RDF files has gone: bytes read of the files' size on disk (for a gzip file its
    compressed bytes, so the share and the time left hold for it too) and statements parsed, reported
    every few thousand statements and at the end of each file."""

    EVERY = 4096  # statements between reports (the progress itself decides how often it prints)

    def __init__(self, inputs: Sequence[str | RdfInput], progress: ReadProgress | None, step: str) -> None:
        self.progress, self.step = progress, step
        self.total = sum(_size(source.path if isinstance(source, RdfInput) else source) for source in inputs)
        self.finished = 0  # bytes of the files read to their end
        self.statements = 0

    def count(self, quads: Iterable[Any], raw: BinaryIO, size: int) -> Iterator[Any]:
        """The quads of one file (`raw` its bytes on disk, `size` their number), counted on the way."""
        progress = self.progress
        if progress is None:
            yield from quads
            return
        statements = self.statements
        try:
            for statements, quad in enumerate(quads, self.statements + 1):
                yield quad
                if not statements % self.EVERY:
                    progress.reading(self.step, self.finished + min(raw.tell(), size), self.total, statements)
        finally:  # a file that stops half way (bad syntax) still counts as read
            self.statements = statements
            self.finished += size
        progress.reading(self.step, self.finished, self.total, statements)


def _size(path: str) -> int:
    try:
        return os.path.getsize(path)
    except OSError:
        return 0  # said when it is read


def parse_quads(rdf_input: RdfInput, meter: ReadMeter | None = None) -> Iterator[Any]:
    """The file's quads, by a strict parser (SyntaxError, OSError and EOFError are the caller's to word)."""
    with open_rdf(rdf_input.path) as handle:
        quads = ox.parse(handle, format=ox_format(rdf_input.rdf_format))
        if meter is None:
            yield from quads
        else:
            raw = getattr(handle, "fileobj", handle)  # a gzip file's compressed bytes
            yield from meter.count(quads, raw, _size(rdf_input.path))


def read_graphs(source: str | RdfInput, meter: ReadMeter | None = None) -> Iterator[tuple[str | None, NodeMap]]:
    """(graph name, nodes) for each run of consecutive quads in one graph; triple formats give one graph.

    A strict parser reads the file; a syntax error raises RecordError naming the file and line. `meter`
    counts the bytes and statements read, for progress.
    """
    rdf_input = as_input(source)
    rdf_format = rdf_input.rdf_format
    current: str | None = None
    nodes = RecordGraph("")  # adds stay linear when a subject has many objects (a figure's 100,000 genes)
    try:
        for quad in parse_quads(rdf_input, meter):
            graph = None if isinstance(quad.graph_name, ox.DefaultGraph) else str(quad.graph_name)
            if graph != current and nodes.nodes:
                yield current, nodes.nodes
                nodes = RecordGraph("")
            current = graph
            nodes.add(str(quad.subject), str(quad.predicate), str(quad.object))
    except SyntaxError as exc:
        message = getattr(exc, "msg", None) or str(exc)
        line = getattr(exc, "lineno", None)
        raise RecordError(
            rdf_input.display, "invalid-rdf", f"not valid {rdf_format.label}: {message}{rdf_input.note}", line=line
        ) from None
    except (OSError, EOFError) as exc:
        raise RecordError(rdf_input.display, "unreadable", f"cannot read the file: {exc}") from None
    if nodes.nodes:
        yield current, nodes.nodes


def read_merged(path: str | RdfInput) -> NodeMap:
    """All the file's triples as one graph (named graphs merged)."""
    merged: NodeMap = {}
    for _, nodes in read_graphs(path):
        merge_nodes(merged, nodes)
    return merged
