"""Where a conversion's time goes: CPU time per stage, one process (-j 1), on a generated corpus.

    python bench/stages.py bench/corpora/4000

Each stage's function is wrapped with a CPU-time counter (no profiler: its overhead would distort the
shares); the rest of a worker's time (outcome bookkeeping, organism lookup, finding the tables) is
"other per record", and what the main process does with each record (SQLite seen-set, shared papers,
VoID counts, writing) is "main process". What the conversion loads once (pyld, the curies converter) is
loaded before the clock starts, as a pool loads it before its workers fork. Prints a Markdown table.
"""

from __future__ import annotations

import argparse
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pfocr_rdf.run.conversion as run
import pfocr_rdf.run.pipeline as pipeline
import pfocr_rdf.run.worker as worker_side
from pfocr_rdf.rdf.formats import format_named
from pfocr_rdf.read.sources import find_sources

STAGES = [
    (pipeline, "read_text", "read the record file"),
    (pipeline, "read_front_matter", "YAML front matter"),
    (pipeline, "normalise_record", "normalise the record"),
    (pipeline, "read_mentions", "read the tables (genes, chemicals, diseases)"),
    (pipeline, "prepare_jsonld", "schema.org JSON-LD"),
    (pipeline, "expand_jsonld", "schema.org JSON-LD"),
    (pipeline, "figure_statements_only", "schema.org JSON-LD"),
    (pipeline, "map_record", "mapping to triples"),
    (pipeline, "validate_outcome", "SHACL validation"),
    (worker_side, "serialise_record", "serialising (N-Triples)"),
    (worker_side, "stats_of", "VoID counts per record"),
    (run, "stats_of", "VoID counts per record"),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("corpus", type=Path)
    parser.add_argument("-o", "--output", default="/dev/null")
    args = parser.parse_args()
    spent: dict[str, float] = defaultdict(float)

    def timed(function: Callable[..., Any], label: str) -> Callable[..., Any]:
        def wrapper(*positional: Any, **named: Any) -> Any:
            started = time.process_time()
            try:
                return function(*positional, **named)
            finally:
                spent[label] += time.process_time() - started

        return wrapper

    lazy_serialise = worker_side.serialise_record

    def serialise_now(*positional: Any, **named: Any) -> Any:
        """The record's text is made as the writer takes it; made here instead, so that it is timed."""
        pieces, shared = lazy_serialise(*positional, **named)
        return iter(list(pieces)), shared

    worker_side.serialise_record = serialise_now
    for module, name, label in STAGES:
        setattr(module, name, timed(getattr(module, name), label))
    worker_side.process_source = timed(worker_side.process_source, "worker")
    found = find_sources([str(args.corpus)], ())
    options, _ = pipeline.options_for(found)
    pipeline.warm_up()  # pyld and the curies converter: start-up (a run loads them once), not per record
    started = time.process_time()
    summary = run.run_conversion(found.records, options, run.RunOptions(args.output, format_named("nt"), workers=1))
    total = time.process_time() - started
    worker = spent.pop("worker")
    spent["other per record"] = worker - sum(spent.values())
    spent["main process (seen-set, shared papers, VoID, writing)"] = total - worker
    print(f"{summary.records:,} records, {1000 * total / summary.records:.2f} ms of CPU a record, one process\n")
    print("| stage | ms a record | share |\n|---|---:|---:|")
    for label, seconds in sorted(spent.items(), key=lambda item: -item[1]):
        print(f"| {label} | {1000 * seconds / summary.records:.2f} | {100 * seconds / total:.0f}% |")


if __name__ == "__main__":
    main()
