"""The options several commands share, and what their values become (formats, inputs, settings, a store's
endpoint), in one place."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

import click

from ..errors import UsageError
from ..rdf.formats import FORMATS, RdfFormat, format_for_path, format_named, split_gzip
from ..read.frontmatter import DEFAULT_YAML_LIMITS
from ..read.mentions import DEFAULT_MAX_TABLE_ROWS
from ..read.sources import RECORD_SUFFIXES, SourceSet, find_sources
from ..read.text_files import DEFAULT_MAX_FILE_BYTES
from ..write.outputs import STDOUT

if TYPE_CHECKING:
    from ..check.validate import ValidationSettings

# validate.ENGINES (a test keeps them equal), not imported here: the validator's modules take 50-150 ms to
# import, which `query` and `vocabulary` never need.
ENGINES = ("fast", "pyshacl")
POSITIVE = click.IntRange(min=1)
FORMAT_HELP = (
    "Output format; by default taken from the -o extension (.ttl .nt .nq .trig .jsonld .gmt, each optionally "
    ".gz), N-Triples on stdout. gmt writes gene sets, one line per figure. Every format is written record by "
    "record, so memory stays flat for all of them."
)


# Options more than one command takes, each defined once (a click.option decorator can be applied again).
tables_option = click.option(
    "--tables", "table_dirs", multiple=True, type=click.Path(), help="Folder holding the sidecar TSVs (repeatable)."
)
workers_option = click.option("-j", "--workers", type=POSITIVE, help="Worker processes [default: all cores].")
errors_option = click.option(
    "--errors", "errors_path", help="Write every failure and warning as JSON lines to this file ('.gz' compresses)."
)
fail_fast_option = click.option("--fail-fast", is_flag=True, help="Stop at the first record that fails.")
verbose_option = click.option("-v", "--verbose", is_flag=True, help="List every warning, not a summary by kind.")


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


def refuse_gzip_under_a_plain_name(output: str, compress: bool, force_gzip: bool) -> None:
    """--gzip with `-o y.nt` would hide gzip behind a plain name, which readers then misread."""
    if force_gzip and not compress and output != STDOUT:
        raise UsageError(f"--gzip compresses, so the file must say so: name it {output}.gz (a .gz name alone is enough)")


def find_inputs(
    paths: Iterable[str],
    table_dirs: tuple[str, ...] = (),
    input_format: str | None = None,
    max_bytes: int = DEFAULT_MAX_FILE_BYTES,
) -> tuple[list[Any], SourceSet]:
    """The RDF files among `paths` (a file with an RDF extension, or named otherwise whose content shows RDF,
    and those found in folders), and the records found in the rest; stdin (`-`) is read once, here: RDF
    (--input-format, or sniffed) or one record. Nothing found at all is a usage error."""
    from ..read.stdin_input import content_format, read_stdin

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
        raise UsageError(f"no records or RDF files found in {paths_named(paths)}")
    return rdf_files, found


def paths_named(paths: Iterable[str]) -> str:
    """The paths given, for a message."""
    return ", ".join("standard input" if path == "-" else path for path in paths)


def input_format_option(command: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "--input-format",
        type=click.Choice(sorted(FORMATS)),
        help="The RDF format on standard input ('-') [default: told by its content: a record's front matter, "
        "JSON-LD, N-Triples/N-Quads or Turtle/TriG].",
    )(command)


def progress_bar(quiet: bool, label: str, interval: float) -> Any:
    from ..run.report import progress_for

    return None if quiet else progress_for(sys.stderr, label, interval)


def progress_option(command: Callable[..., Any]) -> Callable[..., Any]:
    from ..run.report import DEFAULT_PROGRESS_INTERVAL

    return click.option(
        "--progress-interval",
        type=click.FloatRange(min=0),
        default=DEFAULT_PROGRESS_INTERVAL,
        show_default=True,
        metavar="SECONDS",
        help="When stderr is not a terminal (a log, CI), a progress line this often; on a terminal a live bar.",
    )(command)


def validation_settings(shapes_dir: str | None, engine: str) -> ValidationSettings:
    from ..check.validate import ValidationSettings

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


def opened_taxonomy(path: str | None, quiet: bool) -> Any:
    """The opened taxonomy (its index built on first use, which takes a while: say so), or None."""
    if not path:
        return None
    from ..read.taxonomy import cached_index, open_taxonomy

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


def open_endpoint(url: str, user: str | None, password_env: str, query_url: str | None = None) -> Any:
    from ..store.endpoint import Endpoint, EndpointError

    try:
        return Endpoint(url, user, _password(user, password_env), query_url)
    except EndpointError as exc:
        raise UsageError(str(exc)) from None
