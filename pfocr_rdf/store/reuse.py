"""Records whose inputs did not change since their last load are not converted again.

A record's output depends on its file, its sidecar tables, the tool's version and the options that
change output (limits, organism tables, shapes, taxonomy). The file's digest (with its name, which
gives the fallback figure name, and the options' fingerprint) is the record's key; its tables are
found by figid, which only the record says, so the load state keeps each loaded record's figid and
the digest of its tables (their bytes, not where they are: a release checked out in another folder is
the same input), and reads those tables again to compare. A record is
reused when both match and the store still holds its graph with the content recorded then: its graph
is left alone, and what the run needs of it (figid for the duplicate check, warnings for the summary)
comes from the state instead of a worker. Its share of the dataset description's counts stays in the
state's tally (tally.py), so an unchanged record costs reading its files and one small row. The keys and
digests themselves are input_keys.py's.
"""

from __future__ import annotations

import hashlib
import json
import zlib
from collections import Counter
from collections.abc import Generator, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, overload

from ..errors import Finding
from ..run.pipeline import RecordOutcome
from ..run.worker import RecordPacket, WorkerSettings, packets
from .input_keys import TableFolders, options_fingerprint, record_key, tables_digest
from .tally import contribution

if TYPE_CHECKING:
    from ..read.sources import RecordSource
    from .loadstate import LoadState

_REPLAYS_AHEAD = 256  # reused records' replays fetched from the state in one query
# Fewer records than this per worker to convert are converted in this process: a pool (forking, and the
# run waiting on each changed record's result in order, one record a batch) saves less than it costs for a
# few records at about 20 ms each, and holds a worker per core for it.
POOL_FROM_PER_WORKER = 50


@dataclass
class InputEntry:
    """What the state keeps of a record written whole into the store."""

    key: bytes
    graph: str
    figid: str
    tables: bytes
    replay: bytes  # what the summary reports of the record (its warnings...), compressed JSON
    terms: tuple[str, str]  # (key, JSON list) of the terms the record uses, kept once per set
    tally: bytes  # its share of the description's counts but its terms, compressed JSON (tally.py)
    counts: Counter[str]  # its whole share, terms included


def terms_key(terms: str) -> str:
    return hashlib.blake2b(terms.encode("utf-8"), digest_size=8).hexdigest()


def entry_for(packet: RecordPacket, key: bytes, tables: bytes) -> InputEntry:
    """The state's entry of a converted record. Its terms (predicates and classes) are most of its share of
    the counts and a corpus has few different sets of them: the state keeps each set once, by key."""
    outcome, stats = packet.outcome, packet.stats
    assert stats is not None
    counts = contribution(stats, packet.shared)
    terms = json.dumps(sorted(k[1:] for k in counts if k[0] == "t"), separators=(",", ":"))
    tally = zlib.compress(json.dumps({k: n for k, n in counts.items() if k[0] != "t"}).encode("utf-8"), 1)
    data = {
        "figid": outcome.figid,
        "warnings": [_finding_row(finding, outcome.source) for finding in outcome.warnings],
        "repairs": outcome.repairs,
        "unmapped": list(outcome.unmapped),
        "organisms": dict(outcome.organisms),
    }
    replay = zlib.compress(json.dumps(data, separators=(",", ":")).encode("utf-8"), 1)
    return InputEntry(key, packet.figure, outcome.figid or "", tables, replay, (terms_key(terms), terms), tally, counts)


def _finding_row(finding: Finding, record: str) -> list[object]:
    """A finding of the record as the replay keeps it: its file only when not the record's own (a table's),
    the record's being its display next time."""
    where = None if finding.source == record else finding.source
    return [where, finding.kind, finding.message, finding.field, finding.line, finding.severity]


def packet_from(replay: bytes, display: str, graph: str) -> RecordPacket:
    """The packet of a reused record (`display`: its file; `graph`: its figure): what the summary reports of
    it, no text (its graph stays in the store as it is) and no counts (the state's tally holds them)."""
    data = json.loads(zlib.decompress(replay))
    warnings = [Finding(where or display, *finding) for where, *finding in data["warnings"]]
    outcome = RecordOutcome(
        display,
        figid=data["figid"],
        warnings=warnings,
        repairs=data["repairs"],
        unmapped=tuple(data["unmapped"]),
        organisms=Counter(data["organisms"]),
    )
    return RecordPacket(outcome, graph)


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
        tables = tables_digest(packet.outcome.figid or "", source.table_dirs)
        if tables is None:
            return None
        return entry_for(packet, key, tables)


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
) -> tuple[list[int], dict[int, tuple[bytes, str]], dict[int, bytes | None]]:
    """(indices to convert, reused index -> (key, graph), keys already taken of the others). A record whose
    graph an RDF file of this load names again is converted: the graph is the union of both, written anew."""
    keys: list[bytes | None] = []
    table_dirs: list[tuple[str, ...]] = []
    for source in sources:  # in one pass: a source list builds each item it is asked for
        keys.append(record_key(source, fingerprint))
        table_dirs.append(source.table_dirs)
    known = state.inputs([key for key in keys if key is not None])
    folders = TableFolders()
    convert: list[int] = []
    reused: dict[int, tuple[bytes, str]] = {}
    taken: dict[int, bytes | None] = {}
    for index, key in enumerate(keys):
        entry = known.get(key) if key is not None else None
        if (
            entry is not None
            and entry[0] not in written_again
            and tables_digest(entry[1], table_dirs[index], folders) == entry[2]
        ):
            reused[index] = (key, entry[0])  # type: ignore[assignment]
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
    if len(convert) < POOL_FROM_PER_WORKER * workers:
        workers = 1
    converted: Iterator[RecordPacket] = packets(_Subset(sources, convert, keys, fingerprint), settings, workers)
    try:
        for index, source in enumerate(sources):
            key, graph = reused.get(index, (None, ""))
            if key is not None and key not in replays:
                ahead = [k[0] for i in range(index, min(index + _REPLAYS_AHEAD * 4, len(sources))) if (k := reused.get(i))]
                replays = state.replays(ahead[:_REPLAYS_AHEAD])  # a few hundred at a time: memory stays flat
            replay = replays.pop(key, None) if key is not None else None
            if replay is not None:
                pending.clear()
                counts.reused += 1
                yield packet_from(replay, source.display, graph)
                continue
            if key is not None:  # gone from the state since the plan: cannot happen in one process
                raise AssertionError(f"the load state lost the record {source.display}")
            packet = next(converted)
            counts.converted += 1
            pending.set(keys.pop(index, None), source, packet)
            yield packet
        pending.clear()
    finally:
        pending.clear()
        closer = getattr(converted, "close", None)
        if closer is not None:
            closer()
