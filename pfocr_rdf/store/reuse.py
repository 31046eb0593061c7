"""Records whose inputs did not change since their last load are not converted again.

A record's output depends on its file, its sidecar tables, the tool's version and the options that
change output (limits, organism tables, shapes, taxonomy). The file's digest (with its name, which
gives the fallback figure name, and the options' fingerprint) is the record's key; its tables are
found by figid, which only the record says, so the load state keeps each loaded record's figid and
the digest of its tables (their bytes, not where they are: a release checked out in another folder is
the same input), and reads those tables again to compare. A record is
reused when both match and the store still holds its graph with the content recorded then: its graph
is left alone, and what the run needs of it (figid for the duplicate check, shared nodes and counts
for the dataset description, warnings for the summary) comes from the state instead of a worker.
"""

from __future__ import annotations

import hashlib
import json
import zlib
from collections import Counter
from collections.abc import Generator, Iterator, Sequence
from dataclasses import astuple, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, overload

from .. import __version__
from ..check.validate import shapes_text
from ..errors import Finding
from ..read.mentions import KINDS, find_table
from ..run.pipeline import ConvertOptions, RecordOutcome
from ..run.worker import RecordPacket, WorkerSettings, packets
from ..write.void import LINK_TARGETS, DatasetStats

if TYPE_CHECKING:
    from ..read.sources import RecordSource
    from .loadstate import LoadState

_READ_BLOCK = 1 << 20
_REPLAYS_AHEAD = 256  # reused records' replays fetched from the state in one query
# Fewer records than this per worker to convert are converted in this process: a pool (forking, and the
# run waiting on each changed record's result in order, one record a batch) saves less than it costs for a
# few records at about 20 ms each, and holds a worker per core for it.
POOL_FROM_PER_WORKER = 50
# The layout of a replay: part of every record's key, so a replay is only ever read by the code that wrote it
# (2: the terms are named by the key of their set, the linkset counts are a list; 3: what the dataset
# description's summaries count of the record's own nodes).
REPLAY_FORMAT = 3


def _digest() -> hashlib.blake2b:
    return hashlib.blake2b(digest_size=16)


def options_fingerprint(options: ConvertOptions) -> bytes:
    """Everything besides a record's own files that changes what it converts to (or whether it is rejected)."""
    found = _digest()

    def add(*parts: object) -> None:
        found.update(repr(parts).encode("utf-8", "surrogateescape"))

    add("pfocr-rdf", __version__, REPLAY_FORMAT, options.max_file_bytes, astuple(options.yaml_limits), options.reference)
    add(options.max_table_rows)
    table = options.organisms
    while table is not None:
        add(table.label, sorted(table.taxids.items()))
        table = table.base
    if options.validation is not None:
        shapes = options.validation.shapes
        add("shapes", options.validation.engine, shapes_text(Path(shapes) if shapes else None))
    if options.taxonomy is not None:
        add("taxonomy", options.taxonomy.source, options.taxonomy.index)  # the index is named after the file's identity
    return found.digest()


def record_key(source: RecordSource, fingerprint: bytes) -> bytes | None:
    """The digest of a record's own inputs; None when the file cannot be read (the conversion says why)."""
    found = _digest()
    found.update(fingerprint)
    found.update(repr((source.stem, source.explicit)).encode("utf-8", "surrogateescape"))
    if source.text is not None:
        found.update(source.text.encode("utf-8", "surrogateescape"))
        return found.digest()
    try:
        with open(source.path, "rb") as handle:
            while block := handle.read(_READ_BLOCK):
                found.update(block)
    except OSError:
        return None
    return found.digest()


def tables_digest(figid: str, table_dirs: tuple[str, ...]) -> bytes | None:
    """The digest of the sidecar tables the conversion of `figid` reads: which kinds exist, and their bytes
    (not where they are: a release checked out in another folder is the same input)."""
    found = _digest()
    for kind in KINDS:
        path = find_table(figid, kind, table_dirs)
        found.update(repr((kind, path is not None)).encode("utf-8"))
        if path is None:
            continue
        try:
            with open(path, "rb") as handle:
                while block := handle.read(_READ_BLOCK):
                    found.update(block)
        except OSError:
            return None
    return found.digest()


@dataclass
class InputEntry:
    """What the state keeps of a record written whole into the store."""

    key: bytes
    graph: str
    figid: str
    tables: bytes
    replay: bytes  # what the run needs of the record besides its graph, compressed JSON
    terms: tuple[str, str] | None = None  # (key, JSON list) of the terms the record uses, kept once per set


def terms_key(terms: str) -> str:
    return hashlib.blake2b(terms.encode("utf-8"), digest_size=8).hexdigest()


def replay_of(packet: RecordPacket) -> tuple[bytes, tuple[str, str]]:
    """The record's replay, and its set of terms (predicates and classes). The set is half of what a
    replay would hold and a corpus has few different ones: the replay names it by key, the state keeps
    each set once, and a later load decodes each once."""
    outcome, stats = packet.outcome, packet.stats
    warnings = outcome.warnings
    assert stats is not None
    terms = json.dumps(sorted(stats.terms), separators=(",", ":"))
    key = terms_key(terms)
    links = [stats.links.get(predicate, 0) for predicate in LINK_TARGETS]
    data = {
        "figid": outcome.figid,
        "figure": packet.figure,
        "shared": packet.shared,
        "stats": [stats.triples, stats.entities, links, key, stats.example],
        "summary": [
            sorted(stats.organisms.items()),
            sorted([list(papers), count] for papers, count in stats.figure_papers.items()),
            sorted([subject, sorted(years)] for subject, years in stats.paper_years.items()),
            sorted([subject, sorted(labels)] for subject, labels in stats.taxon_labels.items()),
        ],
        "warnings": [[_other(w.source, outcome.source), w.kind, w.message, w.field, w.line, w.severity] for w in warnings],
        "repairs": outcome.repairs,
        "unmapped": list(outcome.unmapped),
        "organisms": dict(outcome.organisms),
    }
    return zlib.compress(json.dumps(data, separators=(",", ":")).encode("utf-8"), 1), (key, terms)


def _other(source: str, record: str) -> str | None:
    """A finding's file when it is not the record's own (a table's): the record's is its display next time."""
    return None if source == record else source


def packet_from(replay: bytes, display: str, term_sets: dict[str, frozenset[str]]) -> RecordPacket:
    """The packet of a reused record (`display`: its file): everything but its text (its graph stays in the
    store as it is). `term_sets`: the sets of terms the state holds, by key."""
    data = json.loads(zlib.decompress(replay))
    triples, entities, link_counts, terms_named, example = data["stats"]
    terms = term_sets[terms_named]
    links = dict(zip(LINK_TARGETS, link_counts, strict=True))
    warnings = [Finding(where or display, *finding) for where, *finding in data["warnings"]]
    outcome = RecordOutcome(
        display,
        figid=data["figid"],
        warnings=warnings,
        repairs=data["repairs"],
        unmapped=tuple(data["unmapped"]),
        organisms=Counter(data["organisms"]),
    )
    stats = DatasetStats(triples, entities, links, set(terms), example)
    organisms, figure_papers, paper_years, taxon_labels = data["summary"]
    stats.organisms.update(dict(organisms))
    stats.figure_papers.update({tuple(papers): count for papers, count in figure_papers})
    stats.paper_years.update({subject: set(years) for subject, years in paper_years})
    stats.taxon_labels.update({subject: set(labels) for subject, labels in taxon_labels})
    shared = [(subject, properties) for subject, properties in data["shared"]]
    return RecordPacket(outcome, data["figure"], "", shared, stats)


def described_earlier(state: LoadState, graphs: set[str], term_sets: dict[str, frozenset[str]]) -> Iterator[RecordPacket]:
    """Packets of the records an earlier load put in the store and this one did not name (`graphs`: this
    load's), for the dataset description only: it describes the store, not the last load's subset."""
    for graph, replay in state.records_held(graphs):
        packet = packet_from(replay, graph, term_sets)
        packet.described_only = True
        yield packet


class Pending:
    """Hands the target, for the graph it is about to be given, the record's input entry (same thread, in order)."""

    def __init__(self) -> None:
        self.graph: str | None = None
        self._make: tuple[bytes, RecordSource, RecordPacket] | None = None

    def set(self, key: bytes | None, source: RecordSource, packet: RecordPacket) -> None:
        ready = key is not None and packet.figure and packet.text and packet.outcome.figid
        self.graph = packet.figure if ready else None
        self._make = (key, source, packet) if ready else None  # type: ignore[assignment]

    def clear(self) -> None:
        self.graph, self._make = None, None

    def take(self, graph: str) -> InputEntry | None:
        """The entry of `graph`, when it is the record's graph now being written."""
        if self._make is None or graph != self.graph:
            return None
        key, source, packet = self._make
        self.clear()
        figid = packet.outcome.figid or ""
        tables = tables_digest(figid, source.table_dirs)
        if tables is None:
            return None
        replay, terms = replay_of(packet)
        return InputEntry(key, graph, figid, tables, replay, terms)


class _Subset(Sequence["RecordSource"]):
    """The sources to convert, by index into the whole list; each one's key is taken as the pool takes it,
    that is, before a worker reads the file."""

    def __init__(self, sources: Sequence[RecordSource], indices: list[int], keys: dict[int, bytes | None], fingerprint: bytes):
        self.sources, self.indices, self.keys, self.fingerprint = sources, indices, keys, fingerprint

    def __len__(self) -> int:
        return len(self.indices)

    @overload
    def __getitem__(self, index: int) -> RecordSource: ...
    @overload
    def __getitem__(self, index: slice) -> list[RecordSource]: ...
    def __getitem__(self, index: int | slice) -> RecordSource | list[RecordSource]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        position = self.indices[index]
        source = self.sources[position]
        if position not in self.keys:
            self.keys[position] = record_key(source, self.fingerprint)
        return source


@dataclass
class Reuse:
    """Counts of a run with reuse."""

    reused: int = 0
    converted: int = 0


def _plan(
    sources: Sequence[RecordSource], state: LoadState, fingerprint: bytes, written_again: set[str]
) -> tuple[list[int], dict[int, bytes], dict[int, bytes | None]]:
    """(indices to convert, reused index -> key, keys already taken of the others). A record whose graph
    an RDF file of this load names again is converted: the graph is the union of both, written anew."""
    keys = [record_key(source, fingerprint) for source in sources]
    known = state.inputs([key for key in keys if key is not None])
    convert: list[int] = []
    reused: dict[int, bytes] = {}
    taken: dict[int, bytes | None] = {}
    for index, key in enumerate(keys):
        entry = known.get(key) if key is not None else None
        if entry is not None and entry[0] not in written_again and tables_digest(entry[1], sources[index].table_dirs) == entry[2]:
            reused[index] = key  # type: ignore[assignment]
        else:
            convert.append(index)
            taken[index] = key
    return convert, reused, taken


def packets_reusing(
    sources: Sequence[RecordSource],
    settings: WorkerSettings,
    workers: int,
    state: LoadState,
    pending: Pending,
    counts: Reuse,
    look_up: bool,
    written_again: set[str],
) -> Generator[RecordPacket, None, None]:
    """The run's packets in source order: reused records from the state, the others from the workers.
    Without `look_up` (an empty store) nothing is reused, but every record's key is taken for the next load."""
    fingerprint = options_fingerprint(settings.convert)
    if look_up:
        convert, reused, keys = _plan(sources, state, fingerprint, written_again)
    else:
        convert, reused, keys = list(range(len(sources))), {}, {}
    replays: dict[bytes, bytes] = {}
    term_sets = state.term_sets() if look_up else {}
    graphs: set[str] = set()  # the graphs of this load's records
    if len(convert) < POOL_FROM_PER_WORKER * workers:
        workers = 1
    converted: Iterator[RecordPacket] = packets(_Subset(sources, convert, keys, fingerprint), settings, workers)
    try:
        for index in range(len(sources)):
            source = sources[index]
            key = reused.get(index)
            if key is not None and key not in replays:
                ahead = [k for i in range(index, min(index + _REPLAYS_AHEAD * 4, len(sources))) if (k := reused.get(i))]
                replays = state.replays(ahead[:_REPLAYS_AHEAD])  # a few hundred at a time: memory stays flat
            replay = replays.pop(key, None) if key is not None else None
            if replay is not None:
                pending.clear()
                counts.reused += 1
                packet = packet_from(replay, source.display, term_sets)
                graphs.add(packet.figure)
                yield packet
                continue
            if key is not None:  # gone from the state since the plan: cannot happen in one process
                raise AssertionError(f"the load state lost the record {source.display}")
            packet = next(converted)
            counts.converted += 1
            pending.set(keys.pop(index, None), source, packet)
            graphs.add(packet.figure)
            yield packet
        pending.clear()
        if look_up:
            yield from described_earlier(state, graphs, term_sets)
    finally:
        pending.clear()
        closer = getattr(converted, "close", None)
        if closer is not None:
            closer()
