"""The Python API: read a record, get a record's graph, convert many records.

>>> from pfocr_rdf import read_record, record_graph, convert
>>> record = read_record("seeds/000_ab1ab314842e88f6.txt")
>>> graph = record_graph("seeds/000_ab1ab314842e88f6.txt")   # RecordGraph, canonical N-Triples terms
>>> summary = convert(["seeds/"], "out.ttl")                  # as `pfocr-rdf convert seeds/ -o out.ttl`
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence

import rdflib

from .rdf.formats import NTRIPLES, format_for_path, format_named, split_gzip
from .rdf.graph import RecordGraph
from .read.record import FigureRecord
from .read.sources import find_sources
from .read.taxonomy import open_taxonomy
from .read.text_files import read_text
from .run.conversion import RunOptions, RunSummary, run_conversion
from .run.pipeline import RecordOutcome, graph_from_record, options_for, record_from_text
from .write.serialize import chunk

ConvertResult = RunSummary


def read_record(path: str | os.PathLike[str], text: str | None = None) -> FigureRecord:
    """Parse and normalise one record file (or `text`, named `path` in messages). Raises RecordError."""
    name = os.fspath(path)
    return record_from_text(read_text(name, name) if text is None else text, name)


def record_graph(path: str | os.PathLike[str], tables: Sequence[str] = ()) -> RecordGraph:
    """One record's graph, its sidecar tables and organism pages found as the CLI finds them.

    Raises RecordError for a record that cannot be converted; warnings are not raised.
    """
    found = find_sources([os.fspath(path)], tables)
    (source,) = found.records
    options, _ = options_for(found)
    record = record_from_text(read_text(source.path, source.display, options.max_file_bytes), source.display, options)
    return graph_from_record(record, source.table_dirs, source.stem, options, RecordOutcome(source.display))


def to_rdflib(graph: RecordGraph) -> rdflib.Graph:
    """The same triples as an rdflib Graph (handy for small jobs; rdflib is slow for big ones)."""
    return rdflib.Graph().parse(data=chunk(NTRIPLES, graph.nodes.items(), None), format="nt")


def record_rdflib_graph(path: str | os.PathLike[str], tables: Sequence[str] = ()) -> rdflib.Graph:
    return to_rdflib(record_graph(path, tables))


def convert(
    sources: Iterable[str | os.PathLike[str]],
    output: str | os.PathLike[str] = "-",
    *,
    format: str | None = None,
    tables: Sequence[str] = (),
    workers: int = 1,
    fail_fast: bool = False,
    void: bool = True,
    taxonomy: str | os.PathLike[str] | None = None,
) -> RunSummary:
    """Convert records into one RDF file (format from `format` or the extension), as the CLI does;
    `taxonomy` is NCBI Taxonomy's names.dmp or taxdump archive, as --taxonomy."""
    out = os.fspath(output)
    _, compress = split_gzip(out)
    rdf_format = format_named(format) if format else (format_for_path(out) or NTRIPLES)
    found = find_sources([os.fspath(source) for source in sources], tables)
    options, _ = options_for(found, taxonomy=open_taxonomy(os.fspath(taxonomy)) if taxonomy else None)
    return run_conversion(found.records, options, RunOptions(out, rdf_format, compress, workers, fail_fast, void))
