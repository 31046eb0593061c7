"""`pfocr-rdf convert`: records to one RDF file, a folder of shards, or GMT gene sets."""

from __future__ import annotations

import sys
from typing import Any

import click

from ..errors import UsageError
from ..rdf.formats import FORMATS, format_named, split_gzip
from ..read.frontmatter import YamlLimits
from ..read.sources import SourceSet, find_sources
from ..run.report import plural
from ..write.gmt import SET_KINDS, GmtSink
from ..write.output_paths import Output, refuse_unsafe_outputs
from ..write.outputs import STDOUT
from .exits import handle_errors
from .group import main
from .options import (
    FORMAT_HELP,
    POSITIVE,
    errors_option,
    fail_fast_option,
    limit_options,
    opened_taxonomy,
    output_format,
    paths_named,
    progress_option,
    refuse_gzip_under_a_plain_name,
    tables_option,
    taxonomy_option,
    validation_options,
    validation_settings,
    verbose_option,
    workers_option,
)
from .reporting import reported_run


@main.command()
@click.argument("sources", nargs=-1, required=True)
@click.option("-o", "--output", default=STDOUT, show_default=True, help="Output file ('-' for stdout); '.gz' compresses.")
@click.option("-f", "--format", "format_name", type=click.Choice([*sorted(FORMATS), "gmt"]), help=FORMAT_HELP)
@click.option(
    "--gzip",
    "force_gzip",
    is_flag=True,
    help="Compress standard output; with -o FILE the name must end in .gz; with --split-by, each file (.gmt.gz).",
)
@click.option(
    "--shard-size",
    type=POSITIVE,
    help="Write -o as a folder of gzip shards of this many records, with a manifest "
    "(N-Quads unless --format says otherwise), for bulk loaders.",
)
@click.option(
    "--sets",
    "set_kind",
    type=click.Choice(["genes", "chemicals"]),
    default="genes",
    show_default=True,
    help="GMT: what a figure's set holds, NCBI Gene ids or ChEBI ids.",
)
@click.option(
    "--split-by",
    type=click.Choice(["organism"]),
    help="GMT: write -o as a folder with one file per organism (pfocr-Homo_sapiens.gmt, ...).",
)
@tables_option
@workers_option
@click.option("--no-validate", is_flag=True, help="Do not validate against the SHACL shapes.")
@click.option("--rejects", "rejects_path", help="Write the records that violate a shape, whole, to this RDF file.")
@validation_options
@errors_option
@fail_fast_option
@click.option("--no-void", is_flag=True, help="Do not append the VoID dataset description.")
@click.option("--reference", is_flag=True, help="Run pyld on every record (slow; the reference the fast path is tested against).")
@taxonomy_option
@limit_options
@progress_option
@click.option("-q", "--quiet", is_flag=True, help="Print nothing on stderr but errors that stop the run.")
@verbose_option
@handle_errors
def convert(sources: tuple[str, ...], output: str, format_name: str | None, force_gzip: bool, shard_size: int | None,
            set_kind: str, split_by: str | None, table_dirs: tuple[str, ...],
            workers: int | None, no_validate: bool, rejects_path: str | None, shapes_dir: str | None, engine: str,
            errors_path: str | None, fail_fast: bool, no_void: bool, reference: bool, taxonomy_path: str | None,
            max_file_size: int, max_yaml_depth: int, max_yaml_nodes: int, max_table_rows: int,
            progress_interval: float, quiet: bool,
            verbose: bool) -> None:  # fmt: skip
    """Convert PFOCR records to RDF, validated against the SHACL shapes.

    SOURCES are record files, folders (searched recursively for *.md and *.txt records, gzipped too), PFOCR site
    checkouts (their _figures/, _data/ and _organisms/ are found), or '-' for one record on stdin.
    Sidecar TSVs are looked for in --tables folders, beside each record, and in the site's _data/.
    Records that violate a shape are left out and listed (and kept whole in --rejects FILE).

    Exit status: 0 all records converted, 1 some failed or were rejected, 2 usage or output error,
    130 interrupted (Ctrl-C), 141 the reader of stdout went away (as cat), 143 stopped (SIGTERM).
    """
    from ..run.conversion import RunOptions, run_conversion
    from ..run.parallel import default_workers
    from ..run.pipeline import options_for

    gmt = format_name == "gmt" or (format_name is None and split_gzip(output)[0].lower().endswith(".gmt"))
    if (split_by or set_kind != "genes") and not gmt:
        raise UsageError("--split-by and --sets shape GMT gene sets: give -f gmt (or an -o name ending in .gmt)")
    if gmt:
        if shard_size is not None:
            raise UsageError("GMT files are written whole: leave out --shard-size")
        if split_by:  # a folder: --gzip compresses each file in it
            _refuse_a_gz_folder(output, "--split-by organism writes a folder of GMT files",
                                "--gzip compresses each file in it (pfocr-Homo_sapiens.gmt.gz, ...)")  # fmt: skip
            compress = force_gzip
        else:
            compress = output != STDOUT and split_gzip(output)[1]
            refuse_gzip_under_a_plain_name(output, compress, force_gzip)
        rdf_format, no_void = SET_KINDS[set_kind], True
    elif shard_size is not None:
        if output == STDOUT:
            raise UsageError("--shard-size writes a folder: give it with -o DIR")
        _refuse_a_gz_folder(output, "--shard-size writes a folder of shards", "its shards are .gz files already")
        rdf_format, compress = format_named(format_name or "nq"), True
    else:
        rdf_format, compress = output_format(output, format_name, ("gmt",))
        refuse_gzip_under_a_plain_name(output, compress, force_gzip)
    rejects_format, rejects_compress = output_format(rejects_path, None) if rejects_path else (None, False)
    found = _records(sources, table_dirs, max_file_size)
    outputs = [Output("-o", output, folder=bool(split_by or shard_size)), Output("--rejects", rejects_path)]
    refuse_unsafe_outputs([*outputs, Output("--errors", errors_path)], is_input=found.includes)
    validation = None if no_validate else validation_settings(shapes_dir, engine)
    limits = YamlLimits(max_yaml_depth, max_yaml_nodes)
    taxonomy = opened_taxonomy(taxonomy_path, quiet)
    options, organism_findings = options_for(found, max_file_size, limits, reference, validation, taxonomy, max_table_rows)
    run_options = RunOptions(
        output, rdf_format, compress or force_gzip, workers or default_workers(), fail_fast, not no_void,
        rejects=rejects_path, rejects_format=rejects_format, rejects_compress=rejects_compress,
    )  # fmt: skip
    sink: Any = None
    if gmt:
        sink = GmtSink(output, rdf_format, split_by == "organism", compress or force_gzip)
    elif shard_size is not None:
        from ..run.shards import ShardSink

        sink = ShardSink(output, rdf_format, shard_size, "<" + run_options.dataset_iri + ">")
    try:
        summary = reported_run(
            lambda progress, note: run_conversion(found.records, options, run_options, progress, sink, note),
            "converting", organism_findings, errors_path, quiet, verbose, progress_interval,
        )  # fmt: skip
    except BaseException:
        if sink is not None:
            sink.abort()
        raise
    if isinstance(sink, GmtSink):
        summary.triples = summary.description_triples = 0  # no RDF was written
        if not quiet:
            where = f"{plural(len(sink.paths), 'file')} in {output}" if split_by else _where(output)
            click.echo(_summary_line(summary, where, plural(sink.sets, f"{set_kind[:-1]} set") + " written"), err=True)
        sys.exit(summary.exit_status)
    if sink is not None:
        sink.finish(summary)
    if not quiet:
        click.echo(_summary_line(summary, _where(output)), err=True)
    sys.exit(summary.exit_status)


def _refuse_a_gz_folder(output: str, what: str, instead: str) -> None:
    """A .gz name says one gzip file to every tool (ours read such a name as a file): never a folder's name."""
    base, compress = split_gzip(output)
    if compress:
        raise UsageError(f"{what}, and a .gz name is for one compressed file: name the folder {base}; {instead}")


def _records(sources: tuple[str, ...], table_dirs: tuple[str, ...], max_bytes: int) -> SourceSet:
    """convert's records (stdin read as a record file is: gzip, --max-file-size); none at all is a usage
    error, before any output is opened, so an existing -o file stays as it was."""
    from ..read.stdin_input import read_stdin_record

    stdin_text = read_stdin_record(max_bytes) if "-" in sources else None
    found = find_sources(sources, table_dirs, stdin_text)
    if not found.records:
        rdf = f" (it holds {plural(len(found.rdf_files), 'RDF file')}: validate, load and query read those)"
        rdf = rdf if found.rdf_files else ""
        raise UsageError(f"no records found in {paths_named(sources)}{rdf}")
    return found


def _where(output: str) -> str:
    return "stdout" if output == STDOUT else output


def _summary_line(summary: Any, where: str, written: str | None = None) -> str:
    failed = len({finding.source for finding in summary.failures})
    if written is None:
        written = plural(summary.triples, "statement") + " written"
        if summary.description_triples:
            written += f" ({summary.description_triples:,} of them describe the dataset)"
    parts = [plural(summary.records, "record"), written, plural(len(summary.warnings), "warning"), f"{failed:,} failed"]
    if summary.rejected:
        parts.append(f"{summary.rejected:,} of them rejected by validation")
    if summary.skipped:
        parts.append(plural(len(summary.skipped), "file") + " skipped (not records)")
    line = "pfocr-rdf: " + ", ".join(parts)
    if summary.stopped_early:
        line += " (stopped at the first failure)"
    line += f" -> {where} ({summary.seconds:.1f} s)"
    repairs = ", ".join(f"{kind} {n:,}" for kind, n in sorted(summary.repairs.items()))
    return line + (f"; JSON-LD repairs: {repairs}" if repairs else "")
