"""`pfocr-rdf load`: records or RDF files into the embedded store or a running SPARQL store."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

import click

from ..errors import Finding, UsageError
from ..rdf.formats import FORMATS
from ..read.frontmatter import YamlLimits
from ..run.report import plural
from ..write.output_paths import Output, refuse_unsafe_outputs
from .exits import handle_errors
from .group import main
from .options import (
    endpoint_options,
    errors_option,
    fail_fast_option,
    find_inputs,
    input_format_option,
    limit_options,
    open_endpoint,
    opened_taxonomy,
    progress_option,
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
@click.option("--store", "store_dir", type=click.Path(file_okay=False), help="Embedded Oxigraph store folder (made if needed).")
@click.option("--endpoint", help="Graph Store endpoint of a running store, e.g. http://host:8890/sparql-graph-crud-auth.")
@click.option("--query-endpoint", help="Its SPARQL query endpoint, for the count check [default: derived from --endpoint].")
@click.option("--graph", "graph_iri", help="Load everything into this one graph instead of one graph per figure.")
@endpoint_options
@tables_option
@workers_option
@click.option("--no-validate", is_flag=True, help="Do not validate records against the SHACL shapes.")
@validation_options
@errors_option
@fail_fast_option
@click.option("--no-void", is_flag=True, help="Do not load the VoID dataset description.")
@click.option("--no-compact", is_flag=True,
              help="Leave a new --store as the bulk loader wrote it: a half to two thirds of the disk, "
                   "queries' lookups at about twice the CPU.")  # fmt: skip
@taxonomy_option
@limit_options
@input_format_option
@progress_option
@click.option("-q", "--quiet", is_flag=True, help="Print nothing on stderr but errors.")
@verbose_option
@handle_errors
def load(sources: tuple[str, ...], store_dir: str | None, endpoint: str | None, query_endpoint: str | None,
         graph_iri: str | None, user: str | None, password_env: str, table_dirs: tuple[str, ...], workers: int | None,
         no_validate: bool, shapes_dir: str | None, engine: str, errors_path: str | None, fail_fast: bool, no_void: bool,
         no_compact: bool, taxonomy_path: str | None, max_file_size: int, max_yaml_depth: int, max_yaml_nodes: int,
         max_table_rows: int, input_format: str | None, progress_interval: float, quiet: bool,
         verbose: bool) -> None:  # fmt: skip
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
    from ..run.conversion import RunOptions
    from ..run.parallel import default_workers
    from ..run.pipeline import options_for
    from ..store.endpoint import EndpointError
    from ..store.load import load as run_load
    from ..store.store import EmbeddedStore
    from ..store.store_target import StoreTarget
    from ..store.target import EndpointTarget, LoadCheckError

    if (store_dir is None) == (endpoint is None):
        raise UsageError("give exactly one of --store DIR and --endpoint URL")
    if no_compact and store_dir is None:
        raise UsageError("--no-compact is an option of --store (a server keeps its own files)")
    rdf_files, found = find_inputs(sources, table_dirs, input_format, max_file_size)
    refuse_unsafe_outputs([Output("--errors", errors_path)], rdf_files, found.includes)
    validation = None if no_validate else validation_settings(shapes_dir, engine)
    limits = YamlLimits(max_yaml_depth, max_yaml_nodes)
    taxonomy = opened_taxonomy(taxonomy_path, quiet)
    options, organism_findings = options_for(found, max_file_size, limits, False, validation, taxonomy, max_table_rows)
    run_options = RunOptions("-", FORMATS["nq"], False, workers or default_workers(), fail_fast, not no_void)
    store = None
    if store_dir is not None:
        store = EmbeddedStore(store_dir)
        target: Any = StoreTarget(store, graph_iri, compact=not no_compact)
        where = f"store {store_dir}"
    else:
        remote = open_endpoint(endpoint or "", user, password_env, query_endpoint)
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
        summary = reported_run(run, "loading", organism_findings, errors_path, quiet, verbose, progress_interval)
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
    from ..run.report import plural

    if not graphs or quiet:
        return
    shown = ", ".join(graphs[:3]) + (f" and {len(graphs) - 3:,} more" if len(graphs) > 3 else "")
    click.echo(
        f"pfocr-rdf: {where}: {what} {plural(len(graphs), 'graph')} whose writing was not complete ({shown}), "
        "so none is left half written; the store lacks them (for a figure being replaced, its earlier version "
        "too) until the same inputs are loaded again",
        err=True,
    )
