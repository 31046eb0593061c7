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

This module puts a load together; the targets are in target.py (batches, count checks, an endpoint) and
store_target.py (the embedded store), the RDF files' check and reading in rdf_files.py.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

from ..errors import Finding
from ..rdf.formats import NQUADS, NTRIPLES
from ..read.rdfio import RdfInput
from ..read.sources import RecordSource
from ..run.conversion import RunOptions, RunSummary, run_conversion
from ..run.pipeline import ConvertOptions
from .rdf_files import check_rdf_files, load_rdf_files
from .target import LoadReport, Target


@dataclass
class LoadOutcome:
    summary: RunSummary
    report: LoadReport


def load(
    rdf_files: Sequence[str | RdfInput],
    records: Sequence[RecordSource],
    target: Target,
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
