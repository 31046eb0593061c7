"""`pfocr-rdf query`: a named query, a file or SPARQL text over RDF files, records, the embedded store or
an endpoint."""

from __future__ import annotations

import sys
from typing import Any

import click

from ..errors import UsageError
from ..query.results import FORMATS as RESULT_FORMATS
from ..rdf.formats import FORMATS, RdfFormat, format_named
from ..write.outputs import write_stdout
from . import exits
from .exits import EXIT_TIMEOUT, handle_errors
from .group import main
from .options import (
    endpoint_options,
    find_inputs,
    input_format_option,
    open_endpoint,
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
@handle_errors
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
    from ..query.queries import named_queries, resolve_query
    from ..query.results import Results, Triples, boolean_text, finish, query_form, render
    from ..query.stoppable import TimeLimitExceeded, run_stoppable
    from ..store.endpoint import EndpointError
    from ..store.store import EmbeddedStore

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
            remote = open_endpoint(endpoint, user, password_env, endpoint)
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
        exits.exit_at_once(EXIT_TIMEOUT)
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
    from ..write.serialize import chunk, document_end, document_start

    nodes: dict[str, dict[str, list[str]]] = {}
    for subject, predicate, obj in sorted(answer.triples):  # stores answer in their own order
        objects = nodes.setdefault(subject, {}).setdefault(predicate, [])
        if not objects or objects[-1] != obj:  # sorted: a repeated triple comes right after the first
            objects.append(obj)
    return document_start(rdf_format) + chunk(rdf_format, nodes.items(), None) + document_end(rdf_format)


def memory_store(files: tuple[str, ...], input_format: str | None = None) -> Any:
    """RDF files and records, read into an in-memory store (records converted without validation); a
    file that cannot be read or converted is an error, not a silently smaller answer."""
    from ..run.conversion import RunOptions
    from ..run.pipeline import options_for
    from ..store.load import load
    from ..store.store import EmbeddedStore
    from ..store.store_target import StoreTarget

    rdf_files, found = find_inputs(files, input_format=input_format)
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
