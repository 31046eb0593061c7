"""The `pfocr-rdf` command line: click commands only; the work is done by the library."""

from __future__ import annotations

import sys
from collections.abc import Callable
from functools import wraps
from typing import Any

import click

from . import __version__
from .errors import Finding, UsageError
from .formats import FORMATS, RdfFormat, format_for_path, format_named, split_gzip
from .frontmatter import DEFAULT_YAML_LIMITS, YamlLimits
from .outputs import STDOUT, same_file
from .sources import DEFAULT_MAX_FILE_BYTES, find_sources

POSITIVE = click.IntRange(min=1)
EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130
FORMAT_HELP = (
    "Output format; by default taken from the -o extension (.ttl .nt .nq .trig .jsonld, each optionally .gz), "
    "N-Triples on stdout. Every format is written record by record, so memory stays flat for all of them."
)


def _handle_errors(command: Callable[..., Any]) -> Callable[..., Any]:
    """Usage and output errors: one line on stderr, exit 2; Ctrl-C: exit 130 (outputs stay intact)."""

    @wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except UsageError as exc:
            click.echo(f"pfocr-rdf: error: {exc}", err=True)
            sys.exit(EXIT_USAGE)
        except KeyboardInterrupt:
            click.echo("\npfocr-rdf: interrupted; earlier output files are unchanged", err=True)
            sys.exit(EXIT_INTERRUPTED)
        except BrokenPipeError:
            sys.stderr.close()
            sys.exit(EXIT_USAGE)

    return wrapper


def output_format(path: str, name: str | None) -> tuple[RdfFormat, bool]:
    """The format and gzip flag for an output path and an optional --format."""
    _, compress = split_gzip(path)
    if name:
        return format_named(name), compress
    if path == STDOUT:
        return FORMATS["nt"], False
    found = format_for_path(path)
    if found is None:
        raise UsageError(f"cannot tell the format of {path} from its extension; give --format ({', '.join(FORMATS)})")
    return found, compress


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="pfocr-rdf")
def main() -> None:
    """Publish Pathway Figure OCR (PFOCR) records as standard RDF, validate it, load it and query it."""


@main.command()
@click.argument("sources", nargs=-1, required=True)
@click.option("-o", "--output", default=STDOUT, show_default=True, help="Output file ('-' for stdout); '.gz' compresses.")
@click.option("-f", "--format", "format_name", type=click.Choice(sorted(FORMATS)), help=FORMAT_HELP)
@click.option("--gzip", "force_gzip", is_flag=True, help="Compress the output (implied by a .gz suffix).")
@click.option("--tables", "table_dirs", multiple=True, type=click.Path(), help="Folder holding the sidecar TSVs (repeatable).")
@click.option("-j", "--workers", type=click.IntRange(min=1), help="Worker processes [default: all cores].")
@click.option("--errors", "errors_path", help="Write every failure and warning as JSON lines to this file.")
@click.option("--fail-fast", is_flag=True, help="Stop at the first record that fails.")
@click.option("--no-void", is_flag=True, help="Do not append the VoID dataset description.")
@click.option(
    "--reference", is_flag=True, help="Run pyld on every record (slow; the definition the fast path is tested against)."
)
@click.option(
    "--max-file-size",
    type=click.IntRange(min=1),
    default=DEFAULT_MAX_FILE_BYTES,
    show_default=True,
    help="Largest record or table file read, in bytes.",
)
@click.option(
    "--max-yaml-depth",
    type=click.IntRange(min=1),
    default=DEFAULT_YAML_LIMITS.max_depth,
    show_default=True,
    help="Deepest YAML nesting accepted.",
)
@click.option(
    "--max-yaml-nodes",
    type=click.IntRange(min=1),
    default=DEFAULT_YAML_LIMITS.max_nodes,
    show_default=True,
    help="Most YAML values accepted after alias expansion.",
)
@click.option("-q", "--quiet", is_flag=True, help="Print nothing on stderr but errors that stop the run.")
@click.option("-v", "--verbose", is_flag=True, help="List every warning, not a summary by kind.")
@_handle_errors
def convert(
    sources: tuple[str, ...],
    output: str,
    format_name: str | None,
    force_gzip: bool,
    table_dirs: tuple[str, ...],
    workers: int | None,
    errors_path: str | None,
    fail_fast: bool,
    no_void: bool,
    reference: bool,
    max_file_size: int,
    max_yaml_depth: int,
    max_yaml_nodes: int,
    quiet: bool,
    verbose: bool,
) -> None:
    """Convert PFOCR records to RDF.

    SOURCES are record files, folders (searched recursively for *.md and *.txt records), PFOCR site
    checkouts (their _figures/, _data/ and _organisms/ are found), or '-' for one record on stdin.
    Sidecar TSVs are looked for in --tables folders, beside each record, and in the site's _data/.

    Exit status: 0 all records converted, 1 some failed, 2 usage or output error, 130 interrupted.
    """
    from .pipeline import options_for
    from .report import ProgressBar, print_findings, write_json_lines
    from .run import RunOptions, default_workers, run_conversion

    rdf_format, compress = output_format(output, format_name)
    found = find_sources(sources, table_dirs)
    _refuse_overwriting_inputs([output, errors_path], found.records)
    options, organism_findings = options_for(found, max_file_size, YamlLimits(max_yaml_depth, max_yaml_nodes), reference)
    run_options = RunOptions(output, rdf_format, compress or force_gzip, workers or default_workers(), fail_fast, not no_void)
    progress = ProgressBar() if not quiet and sys.stderr.isatty() else None
    try:
        summary = run_conversion(found.records, options, run_options, progress)
    finally:
        if progress is not None:
            progress.close()
    findings: list[Finding] = [*organism_findings, *summary.failures, *summary.warnings]
    if errors_path:
        write_json_lines(errors_path, findings)
    if not quiet:
        print_findings(findings, sys.stderr, verbose)
        for name, where in sorted(summary.unmapped.items()):
            click.echo(f"warning: unmapped field {name!r} in {len(where):,} records (first: {where[0]})", err=True)
        if verbose:
            for path, reason in summary.skipped:
                click.echo(f"skipped: {path}: {reason}", err=True)
        repairs = ", ".join(f"{kind} {n:,}" for kind, n in sorted(summary.repairs.items()))
        n_skipped = len(summary.skipped)
        skipped = f", {n_skipped:,} file{'s' if n_skipped != 1 else ''} skipped (not records)" if n_skipped else ""
        stop = " (stopped at the first failure)" if summary.stopped_early else ""
        target = "stdout" if output == STDOUT else output
        click.echo(
            f"pfocr-rdf: {summary.records:,} records, {summary.triples:,} triples, {len(summary.warnings):,} warnings, "
            f"{len(summary.failures):,} errors{skipped}{stop} -> {target} ({summary.seconds:.1f} s)"
            + (f"; JSON-LD repairs: {repairs}" if repairs else ""),
            err=True,
        )
    sys.exit(summary.exit_status)


def _refuse_overwriting_inputs(outputs: list[str | None], records: Any) -> None:
    for out in outputs:
        if not out or out == STDOUT:
            continue
        for record in records:
            if record.path != "-" and same_file(out, record.path):
                raise UsageError(f"{out} is also an input; refusing to overwrite it")


if __name__ == "__main__":  # pragma: no cover
    main()
