"""`pfocr-rdf validate`: records and RDF files against the SHACL shapes, results grouped by file."""

from __future__ import annotations

import sys

import click

from ..read.frontmatter import YamlLimits
from ..write.output_paths import Output, refuse_unsafe_outputs
from ..write.outputs import STDOUT, write_stdout
from .exits import handle_errors
from .group import main
from .options import (
    find_inputs,
    input_format_option,
    limit_options,
    opened_taxonomy,
    progress_bar,
    progress_option,
    tables_option,
    taxonomy_option,
    validation_options,
    validation_settings,
)


@main.command()
@click.argument("paths", nargs=-1, required=True)
@click.option(
    "--format",
    "report_format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="How results are printed on stdout.",
)
@click.option(
    "--report",
    "report_path",
    help="Write the standard SHACL validation report (sh:ValidationReport) as Turtle ('.gz' compresses).",
)
@tables_option
@validation_options
@taxonomy_option
@limit_options
@input_format_option
@progress_option
@click.option("-q", "--quiet", is_flag=True, help="Print only files with violations or errors, and no progress.")
@handle_errors
def validate(paths: tuple[str, ...], report_format: str, report_path: str | None, table_dirs: tuple[str, ...],
             shapes_dir: str | None, engine: str, taxonomy_path: str | None, max_file_size: int, max_yaml_depth: int,
             max_yaml_nodes: int, max_table_rows: int, input_format: str | None, progress_interval: float,
             quiet: bool) -> None:  # fmt: skip
    """Validate records, folders of records, or RDF files against the SHACL shapes.

    RDF files may be in any format convert writes (.ttl .nt .nq .trig .jsonld, optionally .gz), named or
    found in the folders; in N-Quads and TriG each named graph is validated on its own. A record's
    conversion warnings (a skipped table, a ragged row, an unmapped field) are listed with its results.
    Results are grouped by file and name the front-matter field or table column they come from.

    Exit status: 0 conforms (warnings allowed), 1 violations, 2 an input could not be read or usage
    error, 130 interrupted (Ctrl-C), 141 the reader of stdout went away (as cat), 143 stopped (SIGTERM).
    """
    from ..check.validate import report_turtle
    from ..run.pipeline import options_for
    from ..run.validate_files import EXIT_UNREADABLE, exit_status, json_report, run_warnings, text_report, validate_paths
    from ..write.outputs import AtomicOutput

    rdf_files, found = find_inputs(paths, table_dirs, input_format, max_file_size)
    outputs = [Output("the results", STDOUT), Output("--report", report_path)]
    refuse_unsafe_outputs(outputs, rdf_files, found.includes)
    options, early = options_for(found, max_file_size, YamlLimits(max_yaml_depth, max_yaml_nodes), False,
                                 validation_settings(shapes_dir, engine), opened_taxonomy(taxonomy_path, quiet),
                                 max_table_rows)  # fmt: skip
    progress = progress_bar(quiet, "validating", progress_interval)
    try:
        reports = validate_paths(rdf_files, found.records, options, progress)
    finally:
        if progress is not None:
            progress.close()
    general = run_warnings(reports, early)
    if report_format == "json":
        write_stdout(json_report(reports, general))
    else:
        write_stdout(text_report(reports, not quiet, general))
    status = exit_status(reports)
    if report_path and status == EXIT_UNREADABLE:
        # an input could not be read: there is no validation report of it, and none may say "conforms"; a
        # report of an earlier run stays as it was, as every output of a failed run does
        click.echo(f"pfocr-rdf: no report written to {report_path}: an input could not be read", err=True)
    elif report_path:
        with AtomicOutput(report_path) as out:
            out.write(report_turtle([result for report in reports for result in report.results]))
    sys.exit(status)
