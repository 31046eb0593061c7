"""A worker's part of a conversion: one record source converted, validated and serialised into a small,
picklable packet, its text sent apart as bytes."""

from __future__ import annotations

from collections.abc import Generator, Iterator, Sequence
from dataclasses import dataclass, field
from functools import partial

from ..rdf.formats import RdfFormat
from ..rdf.graph import RecordGraph
from ..read.sources import RecordSource
from ..write.gmt import SET_KINDS, record_sets
from ..write.serialize import Node, chunk, chunk_pieces
from ..write.void import DatasetStats, own_nodes, stats_of
from .parallel import ordered_map
from .parallel_worker import Payload
from .pipeline import ConvertOptions, RecordOutcome, convert_source, warm_up

GMT_KINDS = tuple(SET_KINDS.values())


@dataclass
class RecordPacket:
    """What a worker sends back for one source: small, picklable, already serialised."""

    outcome: RecordOutcome
    figure: str = ""  # the record's graph name (IRI term)
    text: str = ""  # the record's text, when the packet carries it (`packets`; workers send it apart, as bytes)
    shared: list[Node] = field(default_factory=list)
    stats: DatasetStats | None = None
    rejected_text: str = ""  # the whole record, for the rejects file


@dataclass(frozen=True)
class WorkerSettings:
    convert: ConvertOptions
    rdf_format: RdfFormat
    rejects_format: RdfFormat | None = None


def serialise_record(
    graph: RecordGraph, rdf_format: RdfFormat, own: list[Node] | None = None
) -> tuple[Iterator[str], list[Node]]:
    """(text in pieces, shared nodes): quad formats keep shared nodes in each figure's graph; GMT has its
    own lines. The pieces are made as they are taken. `own`: the graph's own nodes, when known already."""
    shared = [(s, p) for s, p in graph.nodes.items() if s in graph.shared]
    if rdf_format in GMT_KINDS:
        return iter((record_sets(graph, rdf_format),)), []
    if rdf_format.quads:
        return chunk_pieces(rdf_format, list(graph.nodes.items()), graph.figure), shared
    return chunk_pieces(rdf_format, own if own is not None else own_nodes(graph), None), shared


def _encoded(pieces: Iterator[str]) -> Iterator[bytes]:
    for piece in pieces:
        yield piece.encode("utf-8")


def process_source(source: RecordSource, settings: WorkerSettings) -> tuple[RecordPacket, Iterator[bytes]]:
    """A record's packet and its text (UTF-8, in pieces): a worker writes the text into its output segment."""
    outcome = convert_source(source, settings.convert)
    graph = outcome.graph
    outcome.graph = None  # the graph travels as text; keep the packet small
    outcome.results = []  # already turned into findings
    outcome.unresolved = set()
    if graph is None:
        return RecordPacket(outcome), iter(())
    if outcome.rejected:
        rejects = settings.rejects_format
        text = chunk(rejects, graph.nodes.items(), graph.figure) if rejects else ""
        return RecordPacket(outcome, rejected_text=text), iter(())
    own = own_nodes(graph)
    pieces, shared = serialise_record(graph, settings.rdf_format, own)
    packet = RecordPacket(outcome, graph.figure, "", shared, stats_of(own, example=graph.figure))
    return packet, _encoded(pieces)


def packet_payloads(
    sources: Sequence[RecordSource], settings: WorkerSettings, workers: int
) -> Generator[tuple[RecordPacket, Payload], None, None]:
    """(packet, text as UTF-8) in source order, from `workers` processes (in this process when 1)."""
    if workers > 1 and len(sources) > 1:
        warm_up()  # loaded once before the workers fork, not by each of them
    return ordered_map(partial(process_source, settings=settings), sources, workers)


def packets(sources: Sequence[RecordSource], settings: WorkerSettings, workers: int) -> Generator[RecordPacket, None, None]:
    """Packets in source order with their text inside, for streams that keep packets (reuse.py)."""
    for packet, payload in packet_payloads(sources, settings, workers):
        packet.text = bytes(payload).decode("utf-8")
        yield packet
