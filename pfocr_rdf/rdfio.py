"""Reading RDF files (any format the tool writes, optionally gzipped) into node maps, streamed."""

from __future__ import annotations

import gzip
from collections.abc import Iterator
from typing import BinaryIO

import pyoxigraph as ox

from .errors import RecordError
from .formats import JSONLD, NQUADS, NTRIPLES, TRIG, TURTLE, RdfFormat, format_for_path
from .graph import NodeMap, merge_nodes

OX_FORMATS = {
    NTRIPLES.name: ox.RdfFormat.N_TRIPLES,
    NQUADS.name: ox.RdfFormat.N_QUADS,
    TURTLE.name: ox.RdfFormat.TURTLE,
    TRIG.name: ox.RdfFormat.TRIG,
    JSONLD.name: ox.RdfFormat.JSON_LD,
}


def ox_format(rdf_format: RdfFormat) -> ox.RdfFormat:
    return OX_FORMATS[rdf_format.name]


GZIP_MAGIC = b"\x1f\x8b"


def open_rdf(path: str) -> BinaryIO:
    """The file's bytes, decompressed when the content is gzip (its first two bytes), whatever its name."""
    handle = open(path, "rb")  # noqa: SIM115 - returned to the caller, who closes it
    if handle.peek(2)[:2] == GZIP_MAGIC:
        return gzip.GzipFile(fileobj=handle, mode="rb")  # type: ignore[return-value]
    return handle


def read_graphs(path: str) -> Iterator[tuple[str | None, NodeMap]]:
    """(graph name, nodes) for each run of consecutive quads in one graph; triple formats give one graph.

    A strict parser reads the file; a syntax error raises RecordError naming the file and line.
    """
    rdf_format = format_for_path(path)
    if rdf_format is None:
        raise RecordError(path, "unknown-format", "not an RDF file this tool reads (.ttl .nt .nq .trig .jsonld, optionally .gz)")
    current: str | None = None
    nodes: NodeMap = {}
    try:
        with open_rdf(path) as handle:
            for quad in ox.parse(handle, format=ox_format(rdf_format)):
                graph = None if isinstance(quad.graph_name, ox.DefaultGraph) else str(quad.graph_name)
                if graph != current and nodes:
                    yield current, nodes
                    nodes = {}
                current = graph
                values = nodes.setdefault(str(quad.subject), {}).setdefault(str(quad.predicate), [])
                obj = str(quad.object)
                if obj not in values:
                    values.append(obj)
    except SyntaxError as exc:
        message = getattr(exc, "msg", None) or str(exc)
        line = getattr(exc, "lineno", None)
        raise RecordError(path, "invalid-rdf", f"not valid {rdf_format.label}: {message}", line=line) from None
    except (OSError, EOFError) as exc:
        raise RecordError(path, "unreadable", f"cannot read the file: {exc}") from None
    if nodes:
        yield current, nodes


def read_merged(path: str) -> NodeMap:
    """All the file's triples as one graph (named graphs merged)."""
    merged: NodeMap = {}
    for _, nodes in read_graphs(path):
        merge_nodes(merged, nodes)
    return merged
