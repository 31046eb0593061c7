"""The `pfocr-rdf` command line: click commands only; the work is done by the library."""

from __future__ import annotations

import contextlib
import os
import signal
import sys
from collections.abc import Callable, Iterable
from functools import wraps
from typing import TYPE_CHECKING, Any, NoReturn

import click

from . import __version__, interrupts
from .errors import Finding, UsageError, WorkerLost
from .query.results import FORMATS as RESULT_FORMATS
from .rdf.formats import FORMATS, RdfFormat, format_for_path, format_named, split_gzip
from .read.frontmatter import DEFAULT_YAML_LIMITS, YamlLimits
from .read.mentions import DEFAULT_MAX_TABLE_ROWS
from .read.sources import DEFAULT_MAX_FILE_BYTES, RECORD_SUFFIXES, SourceSet, find_sources
from .run.report import plural
from .write.gmt import SET_KINDS, GmtSink
from .write.output_paths import Output, refuse_unsafe_outputs
from .write.outputs import STDOUT, write_stdout

if TYPE_CHECKING:
    from .check.validate import ValidationSettings

# validate.ENGINES (a test keeps them equal), not imported here: the validator's modules take 50-150 ms to
# import, which `query` and `vocabulary` never need.
ENGINES = ("fast", "pyshacl")
POSITIVE = click.IntRange(min=1)
EXIT_USAGE, EXIT_INTERRUPTED, EXIT_TERMINATED = 2, 128 + signal.SIGINT, 128 + signal.SIGTERM
EXIT_CLOSED_PIPE = 128 + signal.SIGPIPE  # what a shell reports for `cat` when its reader goes away
EXIT_TIMEOUT = 124  # a query stopped by --timeout, as timeout(1) reports it
FORMAT_HELP = (
    "Output format; by default taken from the -o extension (.ttl .nt .nq .trig .jsonld .gmt, each optionally "
    ".gz), N-Triples on stdout. gmt writes gene sets, one line per figure. Every format is written record by "
    "record, so memory stays flat for all of them."
)


def _handle_errors(command: Callable[..., Any]) -> Callable[..., Any]:
    """Usage and output errors: one line on stderr, exit 2; Ctrl-C: exit 130 (outputs stay intact); the
    reader of stdout gone (`| head`): quiet exit 141, as `cat` ends."""

    @wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        interrupts.install()
        kept = _kept_files_note(kwargs)
        try:
            try:
                return command(*args, **kwargs)
            finally:
                sys.stdout.flush()  # a closed pipe shows here, not after click has taken over
        except UsageError as exc:
            click.echo(f"pfocr-rdf: error: {exc}", err=True)
            sys.exit(EXIT_USAGE)
        except WorkerLost as exc:
            click.echo(f"pfocr-rdf: error: {exc}{kept}", err=True)
            sys.exit(1)
        except KeyboardInterrupt as exc:
            after_the_terminal_line = "\n" if sys.stderr.isatty() else ""  # the ^C, or a progress bar
            click.echo(f"{after_the_terminal_line}pfocr-rdf: interrupted{kept}", err=True)
            _exit_at_once(EXIT_TERMINATED if isinstance(exc, interrupts.Terminated) else EXIT_INTERRUPTED)
        except BrokenPipeError:
            _silence_stdout()
            _exit_at_once(EXIT_CLOSED_PIPE)
        except OSError as exc:  # a full disk, a file-size limit: the outputs are discarded by now
            where = f": {exc.filename}" if exc.filename else ""
            click.echo(f"pfocr-rdf: error: {exc.strerror or exc}{where}{kept}", err=True)
            sys.exit(EXIT_USAGE)

    return wrapper


_OUTPUT_FILE_OPTIONS = ("output", "report_path", "errors_path", "rejects_path")


def _kept_files_note(options: dict[str, Any]) -> str:
    """'; earlier output files are unchanged' for a command given output files (a failed run leaves each as
    it was); nothing for one that writes only to stdout or into a store, where it would not be true."""
    named = [options.get(name) for name in _OUTPUT_FILE_OPTIONS]
    return "; earlier output files are unchanged" if any(path and path != STDOUT for path in named) else ""


def _exit_at_once(code: int) -> NoReturn:
    """Exit after an interrupt, a closed pipe or a timeout without the interpreter's exit hooks. Outputs are
    already discarded by then; what is left are threads that may never end (a process pool's manager, a
    query the engine is still running), which the interpreter would wait for."""
    from .read.stdin_input import discard_spooled

    discard_spooled()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):
            stream.flush()
    os._exit(code)


def _silence_stdout() -> None:
    """Point stdout at /dev/null, so the interpreter's last flush does not complain about the closed pipe."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)


def output_format(path: str, name: str | None, others: tuple[str, ...] = ()) -> tuple[RdfFormat, bool]:
    """The format and gzip flag for an output path and an optional --format (`others`: more names the
    option takes, for the message)."""
    _, compress = split_gzip(path)
    if name:
        return format_named(name), compress
    if path == STDOUT:
        return FORMATS["nt"], False
    found = format_for_path(path)
    if found is None:
        raise UsageError(f"cannot tell the format of {path} from its extension; give --format ({', '.join([*FORMATS, *others])})")
    return found, compress


def _refuse_gzip_under_a_plain_name(output: str, compress: bool, force_gzip: bool) -> None:
    """--gzip with `-o y.nt` would hide gzip behind a plain name, which readers then misread."""
    if force_gzip and not compress and output != STDOUT:
        raise UsageError(f"--gzip compresses, so the file must say so: name it {output}.gz (a .gz name alone is enough)")


def _refuse_a_gz_folder(output: str, what: str, instead: str) -> None:
    """A .gz name says one gzip file to every tool (ours read such a name as a file): never a folder's name."""
    base, compress = split_gzip(output)
    if compress:
        raise UsageError(f"{what}, and a .gz name is for one compressed file: name the folder {base}; {instead}")


def _inputs(
    paths: Iterable[str],
    table_dirs: tuple[str, ...] = (),
    input_format: str | None = None,
    max_bytes: int = DEFAULT_MAX_FILE_BYTES,
) -> tuple[list[Any], SourceSet]:
    """The RDF files among `paths` (a file with an RDF extension, or named otherwise whose content shows RDF,
    and those found in folders), and the records found in the rest; stdin (`-`) is read once, here: RDF
    (--input-format, or sniffed) or one record. Nothing found at all is a usage error."""
    from .read.stdin_input import content_format, read_stdin

    rdf_files: list[Any] = []
    record_paths: list[str] = []
    stdin_text = None
    for path in paths:
        if path == "-":
            if stdin_text is not None or any(not isinstance(f, str) for f in rdf_files):
                continue  # read once
            found = read_stdin(input_format, max_bytes=max_bytes)
            if isinstance(found, str):
                stdin_text = found
                record_paths.append(path)
            else:
                rdf_files.append(found)
            continue
        if not os.path.exists(path):
            raise UsageError(f"{path}: no such file or folder")
        if os.path.isfile(path) and format_for_path(path):
            rdf_files.append(path)
        elif os.path.isfile(path) and not path.endswith(RECORD_SUFFIXES) and (sniffed := content_format(path)):
            rdf_files.append(sniffed)
        else:
            record_paths.append(path)
    found = find_sources(record_paths, table_dirs, stdin_text, rdf=True)
    rdf_files.extend(found.rdf_files)
    if not rdf_files and not found.records:
        raise UsageError(f"no records or RDF files found in {_named(paths)}")
    return rdf_files, found


def _named(paths: Iterable[str]) -> str:
    """The paths given, for a message."""
    return ", ".join("standard input" if path == "-" else path for path in paths)


def input_format_option(command: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "--input-format",
        type=click.Choice(sorted(FORMATS)),
        help="The RDF format on standard input ('-') [default: told by its content: a record's front matter, "
        "JSON-LD, N-Triples/N-Quads or Turtle/TriG].",
    )(command)


def _progress(quiet: bool, label: str, interval: float) -> Any:
    from .run.report import progress_for

    return None if quiet else progress_for(sys.stderr, label, interval)


def progress_option(command: Callable[..., Any]) -> Callable[..., Any]:
    from .run.report import DEFAULT_PROGRESS_INTERVAL

    return click.option(
        "--progress-interval",
        type=click.FloatRange(min=0),
        default=DEFAULT_PROGRESS_INTERVAL,
        show_default=True,
        metavar="SECONDS",
        help="When stderr is not a terminal (a log, CI), a progress line this often; on a terminal a live bar.",
    )(command)


def _validation(shapes_dir: str | None, engine: str) -> ValidationSettings:
    from .check.validate import ValidationSettings

    return ValidationSettings(shapes_dir, engine)


def validation_options(command: Callable[..., Any]) -> Callable[..., Any]:
    command = click.option(
        "--engine",
        type=click.Choice(ENGINES),
        default="fast",
        show_default=True,
        help="Validation engine; pyshacl is slow, the reference the fast one is tested against.",
    )(command)
    command = click.option(
        "--shapes",
        "shapes_dir",
        type=click.Path(file_okay=False, exists=True),
        help="Validate with the *.ttl shapes in this folder instead of the bundled ones.",
    )(command)
    return command


def taxonomy_option(command: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "--taxonomy",
        "taxonomy_path",
        type=click.Path(dir_okay=False),
        envvar="PFOCR_RDF_TAXONOMY",
        help="NCBI Taxonomy's names.dmp, or taxdump.tar.gz / new_taxdump.tar.gz, for organism names no other "
        "source knows [env: PFOCR_RDF_TAXONOMY]. Indexed once into the user's cache folder.",
    )(command)


def _taxonomy(path: str | None, quiet: bool) -> Any:
    """The opened taxonomy (its index built on first use, which takes a while: say so), or None."""
    if not path:
        return None
    from .read.taxonomy import cached_index, open_taxonomy

    if not quiet and cached_index(path) is None:
        click.echo(f"pfocr-rdf: indexing {path} (once; later runs read the index from the cache)", err=True)
    return open_taxonomy(path)


# Limits that keep hostile input cheap: (option, default, help), applied in this order.
_LIMIT_OPTIONS = (
    ("--max-table-rows", DEFAULT_MAX_TABLE_ROWS, "Most rows in one sidecar table; a record with a bigger table fails."),
    ("--max-yaml-nodes", DEFAULT_YAML_LIMITS.max_nodes, "Most YAML values accepted (aliases expanded)."),
    ("--max-yaml-depth", DEFAULT_YAML_LIMITS.max_depth, "Deepest YAML nesting accepted."),
    ("--max-file-size", DEFAULT_MAX_FILE_BYTES, "Largest record or table file read, in bytes."),
)


def limit_options(command: Callable[..., Any]) -> Callable[..., Any]:
    for name, default, text in _LIMIT_OPTIONS:
        command = click.option(name, type=POSITIVE, default=default, show_default=True, help=text)(command)
    return command


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="pfocr-rdf")
def main() -> None:
    """Publish Pathway Figure OCR (PFOCR) records as standard RDF, validate it, load it and query it."""


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
@click.option("--tables", "table_dirs", multiple=True, type=click.Path(), help="Folder holding the sidecar TSVs (repeatable).")
@click.option("-j", "--workers", type=POSITIVE, help="Worker processes [default: all cores].")
@click.option("--no-validate", is_flag=True, help="Do not validate against the SHACL shapes.")
@click.option("--rejects", "rejects_path", help="Write the records that violate a shape, whole, to this RDF file.")
@validation_options
@click.option("--errors", "errors_path", help="Write every failure and warning as JSON lines to this file ('.gz' compresses).")
@click.option("--fail-fast", is_flag=True, help="Stop at the first record that fails.")
@click.option("--no-void", is_flag=True, help="Do not append the VoID dataset description.")
@click.option("--reference", is_flag=True, help="Run pyld on every record (slow; the reference the fast path is tested against).")
@taxonomy_option
@limit_options
@progress_option
@click.option("-q", "--quiet", is_flag=True, help="Print nothing on stderr but errors that stop the run.")
@click.option("-v", "--verbose", is_flag=True, help="List every warning, not a summary by kind.")
@_handle_errors
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
    from .run.conversion import RunOptions, run_conversion
    from .run.parallel import default_workers
    from .run.pipeline import options_for

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
            _refuse_gzip_under_a_plain_name(output, compress, force_gzip)
        rdf_format, no_void = SET_KINDS[set_kind], True
    elif shard_size is not None:
        if output == STDOUT:
            raise UsageError("--shard-size writes a folder: give it with -o DIR")
        _refuse_a_gz_folder(output, "--shard-size writes a folder of shards", "its shards are .gz files already")
        rdf_format, compress = format_named(format_name or "nq"), True
    else:
        rdf_format, compress = output_format(output, format_name, ("gmt",))
        _refuse_gzip_under_a_plain_name(output, compress, force_gzip)
    rejects_format, rejects_compress = output_format(rejects_path, None) if rejects_path else (None, False)
    found = _records(sources, table_dirs, max_file_size)
    outputs = [Output("-o", output, folder=bool(split_by or shard_size)), Output("--rejects", rejects_path)]
    refuse_unsafe_outputs([*outputs, Output("--errors", errors_path)], is_input=found.includes)
    validation = None if no_validate else _validation(shapes_dir, engine)
    limits = YamlLimits(max_yaml_depth, max_yaml_nodes)
    taxonomy = _taxonomy(taxonomy_path, quiet)
    options, organism_findings = options_for(found, max_file_size, limits, reference, validation, taxonomy, max_table_rows)
    run_options = RunOptions(
        output, rdf_format, compress or force_gzip, workers or default_workers(), fail_fast, not no_void,
        rejects=rejects_path, rejects_format=rejects_format, rejects_compress=rejects_compress,
    )  # fmt: skip
    sink: Any = None
    if gmt:
        sink = GmtSink(output, rdf_format, split_by == "organism", compress or force_gzip)
    elif shard_size is not None:
        from .run.shards import ShardSink

        sink = ShardSink(output, rdf_format, shard_size, "<" + run_options.dataset_iri + ">")
    try:
        summary = _reported_run(
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


def _records(sources: tuple[str, ...], table_dirs: tuple[str, ...], max_bytes: int) -> SourceSet:
    """convert's records (stdin read as a record file is: gzip, --max-file-size); none at all is a usage
    error, before any output is opened, so an existing -o file stays as it was."""
    from .read.stdin_input import read_stdin_record

    stdin_text = read_stdin_record(max_bytes) if "-" in sources else None
    found = find_sources(sources, table_dirs, stdin_text)
    if not found.records:
        rdf = f" (it holds {plural(len(found.rdf_files), 'RDF file')}: validate, load and query read those)"
        rdf = rdf if found.rdf_files else ""
        raise UsageError(f"no records found in {_named(sources)}{rdf}")
    return found


def _where(output: str) -> str:
    return "stdout" if output == STDOUT else output


def _reported_run(run: Callable[[Any, Callable[[Finding], None]], Any], label: str, early: list[Finding],
                  errors_path: str | None, quiet: bool, verbose: bool, interval: float) -> Any:  # fmt: skip
    """Run a conversion with a progress bar, streaming findings to --errors / -v, then summarise them."""
    from .run.report import FindingStream, print_findings

    stream = FindingStream(errors_path, verbose and not quiet, sys.stderr)  # today's stderr, not the one at import
    for finding in early:
        stream(finding)
    progress = _progress(quiet, label, interval)
    completed = False
    try:
        summary = run(progress, stream)
        completed = True
    finally:
        if progress is not None:
            progress.close()
        stream.close(completed)
    for finding in early:
        summary.warnings.add(finding)
    if not quiet:
        print_findings(summary.failures, summary.warnings, sys.stderr, verbose)
        if summary.organisms:
            click.echo(_organism_line(summary.organisms), err=True)
        shown = summary.skipped if verbose else summary.skipped[:10]
        for path, reason in shown:
            click.echo(f"skipped: {path}: {reason} (not a record)", err=True)
        if len(shown) < len(summary.skipped):
            click.echo(f"skipped: ... {len(summary.skipped) - len(shown):,} more files (-v lists them all)", err=True)
    return summary


def _organism_line(counts: dict[str, int]) -> str:
    """How many organism names each source resolved, most first; then how many none did."""
    resolved = sorted(((n, label) for label, n in counts.items() if label), key=lambda item: (-item[0], item[1]))
    parts = [f"{n:,} by {label}" for n, label in resolved]
    line = "organisms: " + plural(sum(n for n, _ in resolved), "name") + " resolved"
    line += (": " + ", ".join(parts)) if parts else ""
    return line + f"; {counts.get('', 0):,} unresolved"


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
@click.option("--tables", "table_dirs", multiple=True, type=click.Path(), help="Folder holding the sidecar TSVs (repeatable).")
@validation_options
@taxonomy_option
@limit_options
@input_format_option
@progress_option
@click.option("-q", "--quiet", is_flag=True, help="Print only files with violations or errors, and no progress.")
@_handle_errors
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
    from .check.validate import report_turtle
    from .run.pipeline import options_for
    from .run.validate_files import EXIT_UNREADABLE, exit_status, json_report, run_warnings, text_report, validate_paths
    from .write.outputs import AtomicOutput

    rdf_files, found = _inputs(paths, table_dirs, input_format, max_file_size)
    outputs = [Output("the results", STDOUT), Output("--report", report_path)]
    refuse_unsafe_outputs(outputs, rdf_files, found.includes)
    options, early = options_for(found, max_file_size, YamlLimits(max_yaml_depth, max_yaml_nodes), False,
                                 _validation(shapes_dir, engine), _taxonomy(taxonomy_path, quiet),
                                 max_table_rows)  # fmt: skip
    progress = _progress(quiet, "validating", progress_interval)
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


def _password(user: str | None, variable: str) -> str | None:
    """The password from the environment, or a prompt; never from the command line."""
    if user is None:
        return None
    value = os.environ.get(variable)
    if value is not None:
        return value
    if sys.stdin.isatty():
        return click.prompt(f"Password for {user}", hide_input=True, err=True)
    raise UsageError(f"--user {user} needs a password: set {variable} (or name another variable with --password-env)")


def endpoint_options(command: Callable[..., Any]) -> Callable[..., Any]:
    command = click.option(
        "--password-env",
        default="PFOCR_RDF_PASSWORD",
        show_default=True,
        help="Environment variable holding the password (else you are asked).",
    )(command)
    command = click.option("--user", help="User name for the endpoint (HTTP digest or basic authentication).")(command)
    return command


def _open_endpoint(url: str, user: str | None, password_env: str, query_url: str | None = None) -> Any:
    from .store.endpoint import Endpoint, EndpointError

    try:
        return Endpoint(url, user, _password(user, password_env), query_url)
    except EndpointError as exc:
        raise UsageError(str(exc)) from None


@main.command()
@click.argument("sources", nargs=-1, required=True)
@click.option("--store", "store_dir", type=click.Path(file_okay=False), help="Embedded Oxigraph store folder (made if needed).")
@click.option("--endpoint", help="Graph Store endpoint of a running store, e.g. http://host:8890/sparql-graph-crud-auth.")
@click.option("--query-endpoint", help="Its SPARQL query endpoint, for the count check [default: derived from --endpoint].")
@click.option("--graph", "graph_iri", help="Load everything into this one graph instead of one graph per figure.")
@endpoint_options
@click.option("--tables", "table_dirs", multiple=True, type=click.Path(), help="Folder holding the sidecar TSVs (repeatable).")
@click.option("-j", "--workers", type=POSITIVE, help="Worker processes [default: all cores].")
@click.option("--no-validate", is_flag=True, help="Do not validate records against the SHACL shapes.")
@validation_options
@click.option("--errors", "errors_path", help="Write every failure and warning as JSON lines to this file ('.gz' compresses).")
@click.option("--fail-fast", is_flag=True, help="Stop at the first record that fails.")
@click.option("--no-void", is_flag=True, help="Do not load the VoID dataset description.")
@taxonomy_option
@limit_options
@input_format_option
@progress_option
@click.option("-q", "--quiet", is_flag=True, help="Print nothing on stderr but errors.")
@click.option("-v", "--verbose", is_flag=True, help="List every warning, not a summary by kind.")
@_handle_errors
def load(sources: tuple[str, ...], store_dir: str | None, endpoint: str | None, query_endpoint: str | None,
         graph_iri: str | None, user: str | None, password_env: str, table_dirs: tuple[str, ...], workers: int | None,
         no_validate: bool, shapes_dir: str | None, engine: str, errors_path: str | None, fail_fast: bool, no_void: bool,
         taxonomy_path: str | None, max_file_size: int, max_yaml_depth: int, max_yaml_nodes: int, max_table_rows: int,
         input_format: str | None, progress_interval: float, quiet: bool, verbose: bool) -> None:  # fmt: skip
    """Load records or RDF files into the embedded store (--store) or a running SPARQL store (--endpoint).

    Records are converted and validated as by convert. Each figure goes into its own named graph
    (the figure's IRI) and replaces it, so loading again never duplicates anything; N-Quads and TriG
    files keep their graphs; --graph IRI puts everything into one graph, replaced by this load.
    A new or empty --store is filled by Oxigraph's bulk loader; into one that holds data, figures
    whose content did not change are skipped. After loading, the triples of every graph written are
    counted in the store and compared. A load interrupted (or killed) never leaves half a figure:
    what it had in flight is removed then (or by the next load, which says so).

    Exit status: 0 loaded and checked, 1 some records failed or were rejected, 2 usage error, refused
    upload or failed count check, 130 interrupted (Ctrl-C), 143 stopped (SIGTERM); either way no graph is
    left half written.
    """
    from .run.conversion import RunOptions
    from .run.parallel import default_workers
    from .run.pipeline import options_for
    from .store.endpoint import EndpointError
    from .store.load import EndpointTarget, LoadCheckError, StoreTarget
    from .store.load import load as run_load
    from .store.store import EmbeddedStore

    if (store_dir is None) == (endpoint is None):
        raise UsageError("give exactly one of --store DIR and --endpoint URL")
    rdf_files, found = _inputs(sources, table_dirs, input_format, max_file_size)
    refuse_unsafe_outputs([Output("--errors", errors_path)], rdf_files, found.includes)
    validation = None if no_validate else _validation(shapes_dir, engine)
    limits = YamlLimits(max_yaml_depth, max_yaml_nodes)
    taxonomy = _taxonomy(taxonomy_path, quiet)
    options, organism_findings = options_for(found, max_file_size, limits, False, validation, taxonomy, max_table_rows)
    run_options = RunOptions("-", FORMATS["nq"], False, workers or default_workers(), fail_fast, not no_void)
    store = None
    if store_dir is not None:
        store = EmbeddedStore(store_dir)
        target: Any = StoreTarget(store, graph_iri)
        where = f"store {store_dir}"
    else:
        remote = _open_endpoint(endpoint or "", user, password_env, query_endpoint)
        target = EndpointTarget(remote, graph_iri)
        where = endpoint or ""
    reports: list[Any] = []

    def run(progress: Any, note: Callable[[Finding], None]) -> Any:
        if store is None:
            remote.authenticate()
        outcome = run_load(rdf_files, found.records, target, options, run_options, progress, note)
        reports.append(outcome.report)
        return outcome.summary

    try:
        if store is not None:
            _say_repaired(target.report.repaired, where, quiet, "an earlier load was interrupted: removed")
        summary = _reported_run(run, "loading", organism_findings, errors_path, quiet, verbose, progress_interval)
    except (EndpointError, LoadCheckError, OSError) as exc:
        raise UsageError(f"load into {where} failed: {exc}") from None
    except KeyboardInterrupt:
        if target.report.dropped:
            _say_repaired(target.report.dropped, where, False, "load interrupted: removed")
        else:
            click.echo(f"pfocr-rdf: {where}: load interrupted between graphs: none is half written", err=True)
        raise
    finally:
        target.release()
        if store is not None:
            store.close()
        else:
            remote.close()
    report = reports[0]
    if not quiet:
        failed = len({f.source for f in summary.failures})
        how = " (bulk load into an empty store)" if report.bulk else ""
        unchanged = f"; {plural(report.unchanged, 'unchanged graph')} skipped" if report.unchanged else ""
        if report.reused:
            unchanged += f"; {plural(report.reused, 'record')} with unchanged inputs not converted again"
        if summary.described_earlier:
            unchanged += f"; the description also counts {plural(summary.described_earlier, 'record')} loaded before"
        click.echo(
            f"pfocr-rdf: loaded {plural(summary.records, 'record')} and {plural(report.graphs, 'graph')}, "
            f"{plural(report.triples, 'triple')} into {where}{how}{unchanged}; counts checked in "
            f"{plural(report.checked, 'graph')}; {failed:,} failed ({summary.seconds:.1f} s)",
            err=True,
        )
    sys.exit(summary.exit_status)


def _say_repaired(graphs: list[str], where: str, quiet: bool, what: str) -> None:
    """Name the graphs a load had in flight and that were removed, so the user knows to load them again."""
    from .run.report import plural

    if not graphs or quiet:
        return
    shown = ", ".join(graphs[:3]) + (f" and {len(graphs) - 3:,} more" if len(graphs) > 3 else "")
    click.echo(
        f"pfocr-rdf: {where}: {what} {plural(len(graphs), 'graph')} whose writing was not complete ({shown}), "
        "so none is left half written; the store lacks them (for a figure being replaced, its earlier version "
        "too) until the same inputs are loaded again",
        err=True,
    )


@main.command()
@click.argument("query", required=False)
@click.argument("files", nargs=-1)
@click.option("--store", "store_dir", type=click.Path(file_okay=False, exists=True), help="Query this embedded store.")
@click.option("--endpoint", help="Query this SPARQL endpoint, e.g. http://host:8890/sparql.")
@endpoint_options
@click.option("-p", "--param", "params", multiple=True, metavar="NAME=VALUE", help="A named query's parameter (repeatable).")
@click.option(
    "-f",
    "--format",
    "fmt",
    type=click.Choice([*RESULT_FORMATS, *FORMATS]),
    help="Result format: for SELECT table, csv, tsv or json [default: table on a terminal, else TSV]; for "
    "CONSTRUCT and DESCRIBE an RDF format [default: ttl]. ASK prints true or false (json: SPARQL JSON).",
)
@input_format_option
@click.option("--list", "list_queries", is_flag=True, help="List the named queries and their parameters.")
@click.option(
    "--timeout",
    "time_limit",
    type=click.FloatRange(min=0, min_open=True),
    metavar="SECONDS",
    help="Stop a query that runs longer than this (exit 124); Ctrl-C and SIGTERM stop one at any time.",
)
@_handle_errors
def query(query: str | None, files: tuple[str, ...], store_dir: str | None, endpoint: str | None, user: str | None,
          password_env: str, params: tuple[str, ...], fmt: str | None, input_format: str | None,
          list_queries: bool, time_limit: float | None) -> None:  # fmt: skip
    """Run a SPARQL query over RDF files or records, the embedded store, or a SPARQL endpoint.

    QUERY is a named query (see --list), a file holding SPARQL, or SPARQL text. FILES are RDF files
    (any format convert writes) or records, read into memory; or give --store or --endpoint. The
    default graph is the union of all graphs, as in Virtuoso.

    Exit status: 0 answered (ASK: true), 1 ASK answered false, 2 usage or query error, 124 stopped by
    --timeout, 130 interrupted (Ctrl-C), 143 stopped (SIGTERM); a stopped query prints no answer.
    """
    from .query.queries import named_queries, resolve_query
    from .query.results import Results, Triples, boolean_text, finish, query_form, render
    from .query.stoppable import TimeLimitExceeded, run_stoppable
    from .store.endpoint import EndpointError
    from .store.store import EmbeddedStore

    if list_queries:
        write_stdout(_list_queries(named_queries()))
        return
    if not query:
        raise UsageError("give a QUERY (a named query, a .rq file or SPARQL text), or --list")
    values = {}
    for item in params:
        name, sep, value = item.partition("=")
        if not sep:
            raise UsageError(f"--param {item!r}: write NAME=VALUE")
        values[name.strip()] = value
    text, finishing = resolve_query(query, values)
    chosen = [bool(files), store_dir is not None, endpoint is not None]
    if sum(chosen) != 1:
        raise UsageError("give FILES, or --store DIR, or --endpoint URL (exactly one of them)")
    _check_answer_format(query_form(text), fmt)
    try:
        if endpoint is not None:
            remote = _open_endpoint(endpoint, user, password_env, endpoint)
            try:
                answer = run_stoppable(lambda: remote.answer(text), time_limit)
            finally:
                remote.close()
        else:
            store = EmbeddedStore(store_dir, read_only=True) if store_dir else memory_store(files, input_format)
            answer = run_stoppable(lambda: store.answer(text), time_limit)
    except EndpointError as exc:
        raise UsageError(str(exc)) from None
    except TimeLimitExceeded as exc:
        click.echo(f"pfocr-rdf: error: the query {exc} (--timeout) and was stopped; no answer printed", err=True)
        _exit_at_once(EXIT_TIMEOUT)
    if isinstance(answer, bool):
        write_stdout(boolean_text(answer, fmt))
        sys.exit(0 if answer else 1)
    if isinstance(answer, Triples):
        write_stdout(_rdf_text(answer, format_named(fmt or "ttl")))
        return
    assert isinstance(answer, Results)
    finish(answer, finishing)
    write_stdout(render(answer, fmt or ("table" if sys.stdout.isatty() else "tsv")))


def _check_answer_format(form: str, fmt: str | None) -> None:
    """A results format for SELECT, an RDF format for CONSTRUCT and DESCRIBE: refused before the query runs."""
    if fmt is None or form == "ASK":
        return
    if form in ("CONSTRUCT", "DESCRIBE") and fmt not in FORMATS:
        raise UsageError(f"a {form} query answers with RDF: give -f {', '.join(FORMATS)} (not {fmt})")
    if form == "SELECT" and fmt in FORMATS:
        raise UsageError(f"a SELECT query answers with a table: give -f {', '.join(RESULT_FORMATS)} (not {fmt})")


def _rdf_text(answer: Any, rdf_format: RdfFormat) -> str:
    """CONSTRUCT/DESCRIBE triples as one RDF document (in the default graph for quad formats)."""
    from .write.serialize import chunk, document_end, document_start

    nodes: dict[str, dict[str, list[str]]] = {}
    for subject, predicate, obj in sorted(answer.triples):  # stores answer in their own order
        objects = nodes.setdefault(subject, {}).setdefault(predicate, [])
        if not objects or objects[-1] != obj:  # sorted: a repeated triple comes right after the first
            objects.append(obj)
    return document_start(rdf_format) + chunk(rdf_format, nodes.items(), None) + document_end(rdf_format)


@main.command()
@click.option("-o", "--output", default=STDOUT, show_default=True, help="Output file ('-' for stdout); '.gz' compresses.")
@click.option(
    "-f", "--format", "format_name", type=click.Choice(sorted(FORMATS)), help="Format [default: from -o; Turtle on stdout]."
)
@click.option("--gzip", "force_gzip", is_flag=True, help="Compress standard output; with -o FILE the name must end in .gz.")
@_handle_errors
def vocabulary(output: str, format_name: str | None, force_gzip: bool) -> None:
    """Write the PFOCR vocabulary: every pfocr: term with its label, comment, domain, range and WikiPathways counterpart.

    Every converted dataset carries it too (in quad formats, in the dataset-description graph).
    """
    from .write.vocabulary import write_vocabulary

    rdf_format, compress = output_format(output, format_name or ("ttl" if output == STDOUT else None))
    _refuse_gzip_under_a_plain_name(output, compress, force_gzip)
    refuse_unsafe_outputs([Output("-o", output)])
    write_vocabulary(output, rdf_format, compress or force_gzip)


def memory_store(files: tuple[str, ...], input_format: str | None = None) -> Any:
    """RDF files and records, read into an in-memory store (records converted without validation); a
    file that cannot be read or converted is an error, not a silently smaller answer."""
    from .run.conversion import RunOptions
    from .run.pipeline import options_for
    from .store.load import StoreTarget, load
    from .store.store import EmbeddedStore

    rdf_files, found = _inputs(files, input_format=input_format)
    options, _ = options_for(found, validation=None)
    store = EmbeddedStore(None)
    target = StoreTarget(store, None)
    outcome = load(rdf_files, found.records, target, options, RunOptions("-", FORMATS["nq"]))
    target.release()
    for finding in outcome.summary.failures:
        raise UsageError(str(finding))
    return store


def _list_queries(queries: dict[str, Any]) -> str:
    lines = []
    for name, named in queries.items():
        lines.append(f"{name}: {named.title}")
        lines.append(f"    {named.description}")
        for parameter in named.parameters:
            lines.append(f"    -p {parameter.name}=...   {parameter.meaning} (e.g. {parameter.example})")
        example = " ".join(f"-p {p.name}={p.example}" for p in named.parameters)
        lines.append(f"    pfocr-rdf query {name} {example + ' ' if example else ''}--store DIR")
        lines.append("")
    return "\n".join(lines)


if __name__ == "__main__":  # pragma: no cover
    main()
