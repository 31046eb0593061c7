"""Convert many records: in parallel, in order, streamed to one output, summarised at the end.

It stays whole past 300 lines because it is the one place a run is put together (issue 20 asks for that),
and its options, summary, sink and shared papers are what `run_conversion` reads and writes.

Workers convert records (pure, per record) and serialise each one's own triples; the main process
writes them in input order, so the output is byte-identical whatever the number of workers. Papers
shared by several figures are de-duplicated here, which also keeps the VoID counts exact.
"""

from __future__ import annotations

import contextlib
import time
from collections import Counter
from collections.abc import Callable, Generator, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from ..check.validate import as_finding, validator_for
from ..errors import ERROR, Finding, FindingTally, UsageError, unmapped_field
from ..map import vocab as v
from ..rdf.formats import JSONLD, RdfFormat
from ..read.sources import RecordSource
from ..write.outputs import AtomicOutput
from ..write.serialize import chunk, document_end, document_start
from ..write.void import DatasetStats, describe_dataset, set_statement_count, stats_of
from .heap import HeapTrimmer
from .parallel_worker import Payload
from .pipeline import ConvertOptions
from .seen import SeenStore, digest32
from .worker import RecordPacket, WorkerSettings, packet_payloads


class SharedNodes:
    """Writes each triple of a shared subject (a paper, a taxon) once, whichever records describe it.
    A digest collision among one subject's own dozen triples, the only kind that matters, is about one
    in 10^8."""

    RECENT = 4096  # subjects whose digests stay in memory too: taxa recur in almost every record

    def __init__(self, seen: SeenStore) -> None:
        self.seen = seen
        self.recent: dict[str, set[int]] = {}
        self.last: dict[str, dict[str, list[str]]] = {}  # recent subjects: the properties they were last given

    def known(self, subject: str) -> set[int] | None:
        """The digests of the triples written for `subject`, or None when it was never written."""
        found = self.recent.get(subject)
        return found if found is not None else self.seen.triples_of(subject)

    def new_part(self, subject: str, properties: dict[str, list[str]]) -> tuple[dict[str, list[str]], bool]:
        """The triples not yet written for `subject`, and whether the subject was seen before."""
        if self.last.get(subject) == properties:  # every one of its triples was written then: none is new
            return {}, True
        known = self.known(subject)
        seen_before = known is not None
        hashes = known if known is not None else set()
        fresh: dict[str, list[str]] = {}
        for predicate, objects in properties.items():
            for obj in objects:
                digest = digest32(predicate + " " + obj)
                if digest not in hashes:
                    hashes.add(digest)
                    fresh.setdefault(predicate, []).append(obj)
        if fresh or not seen_before:
            self.seen.set_triples_of(subject, hashes)
        if subject not in self.recent and len(self.recent) >= self.RECENT:
            oldest = next(iter(self.recent))
            del self.recent[oldest]
            self.last.pop(oldest, None)
        self.recent[subject] = hashes
        self.last[subject] = properties
        return fresh, seen_before


@dataclass
class RunOptions:
    output: str
    rdf_format: RdfFormat
    compress: bool = False
    workers: int = 1
    fail_fast: bool = False
    void: bool = True
    dataset_iri: str = v.DATASET
    rejects: str | None = None  # file for the rejected records, whole
    rejects_format: RdfFormat | None = None
    rejects_compress: bool = False


@dataclass
class RunSummary:
    """Everything the CLI reports at the end of a run."""

    records: int = 0
    rejected: int = 0
    triples: int = 0  # statements written, the dataset description's included (= its void:triples)
    description_triples: int = 0
    skipped: list[tuple[str, str]] = field(default_factory=list)
    failures: list[Finding] = field(default_factory=list)
    warnings: FindingTally = field(default_factory=FindingTally)
    repairs: Counter[str] = field(default_factory=Counter)
    unmapped: dict[str, tuple[int, str]] = field(default_factory=dict)  # field name -> (records, first source)
    organisms: Counter[str] = field(default_factory=Counter)  # organism names resolved, by source ("": none)
    described_earlier: int = 0  # records an earlier load put in the store, counted in the description
    stopped_early: bool = False
    seconds: float = 0.0

    @property
    def exit_status(self) -> int:
        return 1 if self.failures else 0


class Sink(Protocol):
    """Where a run's RDF goes, in the run's format: a file, the embedded store, a remote store.

    A sink whose `takes_bytes` is true is given each record's text as the UTF-8 bytes a worker wrote
    (copied to a file as they are); any other gets it decoded. A sink with a `tallied(example)` method
    may answer, before the dataset description is made, (the counts of every record it holds, how many
    records those are) to describe instead of the run's (a store that holds earlier loads' records).
    """

    def graph(self, name: str, text: str) -> None:
        """One record's text (its graph `name` in quad formats), or the dataset description's."""

    def extra(self, text: str) -> None:
        """More triples for the current document (papers not yet written, in triple formats)."""

    def close(self) -> None:
        """The run completed: finish the document."""


class FileSink:
    """Writes chunks in order to an output file, with the separators JSON-LD needs."""

    takes_bytes = True

    def __init__(self, output: AtomicOutput, rdf_format: RdfFormat) -> None:
        self.output, self.rdf_format, self.empty = output, rdf_format, True
        output.write(document_start(rdf_format))

    def graph(self, name: str, text: str | Payload) -> None:
        self.extra(text)

    def extra(self, text: str | Payload) -> None:
        first = True
        for piece in (text,) if isinstance(text, str) else text:
            if not len(piece):
                continue
            if first and self.rdf_format is JSONLD and not self.empty:
                self.output.write(",\n")  # between chunks; a chunk's pieces carry their own
            first = False
            if isinstance(piece, str):
                self.output.write(piece)
            else:
                self.output.write_bytes(piece)
            self.empty = False

    def close(self) -> None:
        self.output.write(document_end(self.rdf_format))


ProgressCallback = Callable[[int, int], None]
PacketStream = Callable[[Sequence[RecordSource], WorkerSettings, int], Generator[RecordPacket, None, None]]


def run_conversion(
    sources: Iterable[RecordSource],
    convert_options: ConvertOptions,
    options: RunOptions,
    progress: ProgressCallback | None = None,
    sink: Sink | None = None,
    on_finding: Callable[[Finding], None] | None = None,
    packet_stream: PacketStream | None = None,
) -> RunSummary:
    """Convert every source into one output file (or stdout), or into `sink` when given.

    Failures are kept (every failed file is listed at the end); warnings are tallied; every finding is
    also passed to `on_finding` as it arrives (for --errors FILE and --verbose). `packet_stream` replaces
    `packets` (load uses it to skip records whose inputs did not change, see reuse.py).
    """
    started = time.monotonic()
    sources = sources if isinstance(sources, Sequence) else list(sources)
    summary = RunSummary()
    settings = WorkerSettings(convert_options, options.rdf_format, options.rejects_format if options.rejects else None)
    stats = DatasetStats()

    def note(finding: Finding) -> None:
        if finding.severity == ERROR:
            summary.failures.append(finding)
        else:
            summary.warnings.add(finding)
        if on_finding is not None:
            on_finding(finding)

    with contextlib.ExitStack() as stack:
        seen = stack.enter_context(SeenStore())  # figids (for duplicates) and the papers already written
        shared = SharedNodes(seen)
        trimmer = HeapTrimmer()
        document = sink or FileSink(stack.enter_context(AtomicOutput(options.output, options.compress)), options.rdf_format)
        rejects = None
        if options.rejects and options.rejects_format:
            output = stack.enter_context(AtomicOutput(options.rejects, options.rejects_compress))
            rejects = FileSink(output, options.rejects_format)
        # Closed on the way out, so an interrupted or failed run stops its workers now, not at exit.
        stream = stack.enter_context(contextlib.closing((packet_stream or packet_payloads)(sources, settings, options.workers)))
        as_text = not getattr(document, "takes_bytes", False)
        for done, item in enumerate(stream, 1):
            # (packet, UTF-8 bytes) from the workers; a whole packet (text inside) from another stream (reuse)
            packet, payload = item if isinstance(item, tuple) else (item, item.text)
            outcome = packet.outcome
            if outcome.skipped:
                summary.skipped.append((outcome.source, outcome.skipped))
            elif outcome.error is not None:
                note(outcome.error)
            elif outcome.figid is not None and (earlier := seen.figid_source(outcome.figid)) is not None:
                first = sources[earlier].display
                note(
                    Finding(
                        outcome.source,
                        "duplicate-figid",
                        f"figid {outcome.figid} was already converted from {first}; this file is left out",
                        "figid",
                        severity=ERROR,
                    )
                )
            elif outcome.rejected:
                summary.rejected += 1
                for violation in outcome.violations:
                    note(violation)
                if rejects is not None:
                    rejects.extra(packet.rejected_text)
            else:
                if outcome.figid is not None:
                    seen.add_figid(outcome.figid, done - 1)
                text = bytes(payload).decode("utf-8") if as_text and not isinstance(payload, str) else payload
                _write_record(packet, text, document, shared, stats, summary, options.rdf_format, note)
            for warning in outcome.warnings:
                note(warning)
            summary.repairs.update(outcome.repairs)
            summary.organisms.update(outcome.organisms)
            for name in outcome.unmapped:
                count, first = summary.unmapped.get(name, (0, outcome.source))
                summary.unmapped[name] = (count + 1, first)
            trimmer.tick()
            if progress is not None:
                progress(done, len(sources))
            if options.fail_fast and summary.failures:
                summary.stopped_early = True
                break
        if sources and len(summary.skipped) == len(sources):  # before the output is committed: it stays as it was
            first, reason = summary.skipped[0]
            many = f"all {len(sources):,} files read were" if len(sources) > 1 else "the file read was"
            raise UsageError(f"no records found: {many} skipped ({first}: {reason})")
        for name, (count, first) in sorted(summary.unmapped.items()):  # one warning per field, for the run
            note(unmapped_field(name, count, first))
        if options.void and summary.records:
            tallied = getattr(document, "tallied", None)  # a store's own counts of every record it holds
            held = tallied(stats.example) if tallied is not None else None
            if held is not None:
                stats, records = held
                summary.described_earlier = max(records - summary.records, 0)
            description = describe_dataset(stats, options.dataset_iri)
            # in triple formats, what the data has already written (the creator) is not written twice
            written = description if options.rdf_format.quads else _unwritten(description, shared)
            summary.description_triples = set_statement_count(written, options.dataset_iri, stats.triples)
            if convert_options.validation is not None:
                for result in validator_for(convert_options.validation)(description):
                    note(as_finding(result, "(dataset description)"))
            dataset = "<" + options.dataset_iri + ">"
            document.graph(dataset, chunk(options.rdf_format, written.items(), dataset))
        document.close()
        if rejects is not None:
            rejects.close()
    summary.triples = stats.triples + summary.description_triples
    summary.seconds = time.monotonic() - started
    return summary


def _unwritten(description: dict[str, dict[str, list[str]]], shared: SharedNodes) -> dict[str, dict[str, list[str]]]:
    """The description less the triples of subjects the data has already written (a triple format's
    file then holds each statement once, and its count equals void:triples)."""
    kept = {}
    for subject, properties in description.items():
        if shared.known(subject) is None:
            kept[subject] = properties
            continue
        fresh, _ = shared.new_part(subject, properties)
        if fresh:
            kept[subject] = fresh
    return kept


def _write_record(
    packet: RecordPacket,
    text: str | Payload,
    document: Sink,
    shared: SharedNodes,
    stats: DatasetStats,
    summary: RunSummary,
    rdf_format: RdfFormat,
    note: Callable[[Finding], None],
) -> None:
    document.graph(packet.figure, text)  # type: ignore[arg-type]  # bytes only to a sink that takes them
    if packet.stats is not None:
        _account(packet, shared, stats, rdf_format, document, note)
    elif stats.example is None:  # a record the store holds as it was: its counts are in the store's tally
        stats.example = packet.figure
    summary.records += 1


def _account(
    packet: RecordPacket,
    shared: SharedNodes,
    stats: DatasetStats,
    rdf_format: RdfFormat,
    document: Sink | None = None,
    note: Callable[[Finding], None] | None = None,
) -> None:
    """Count a record in the dataset's statistics, its shared nodes (papers) once each; in triple formats the
    shared triples not yet written go to `document`."""
    assert packet.stats is not None
    stats.add(packet.stats)
    for subject, properties in packet.shared:
        fresh, seen_before = shared.new_part(subject, properties)
        if rdf_format.quads:  # written whole into the figure's graph: each copy is a statement of the file
            stats.triples += sum(map(len, properties.values())) - sum(map(len, fresh.values()))
        if seen_before and fresh and note is not None:
            note(
                Finding(
                    packet.outcome.source,
                    "paper-conflict",
                    f"paper {subject} is described differently by an earlier record; both descriptions kept",
                    "pmcid",
                )
            )
        if fresh:
            new_stats = stats_of([(subject, fresh)])
            new_stats.entities = 0 if seen_before else new_stats.entities
            stats.add(new_stats)
            if not rdf_format.quads and document is not None:
                document.extra(chunk(rdf_format, [(subject, fresh)], None))
