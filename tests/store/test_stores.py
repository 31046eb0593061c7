"""Loading and querying: the embedded store, a real Virtuoso and a real Oxigraph server give the same
answers to every named query, and loading twice changes nothing."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from pfocr_rdf.cli.query import memory_store
from pfocr_rdf.query.queries import named_queries, resolve_query
from pfocr_rdf.query.results import Results, finish, to_json
from pfocr_rdf.store.endpoint import Endpoint
from pfocr_rdf.store.store import EmbeddedStore

from conftest import DATA, SAMPLE, SEED_FILES, SEEDS, run_cli
from servers import OXIGRAPH_MISSING, Virtuoso, oxigraph_binary, oxigraph_server

pytestmark = pytest.mark.server
PASSWORD = {"PFOCR_RDF_PASSWORD": "dba"}


def example_params(name: str) -> list[str]:
    return [arg for p in named_queries()[name].parameters for arg in ("-p", f"{p.name}={p.example}")]


def answers(*where: str) -> dict[str, dict]:
    """Every named query's answer (SPARQL JSON) from one place (files and records, a store or an endpoint),
    through the library the command uses, in this process, with the first query through the command too (it
    must answer the same), so a dozen questions cost one process start and one conversion, not twelve."""
    source: EmbeddedStore | Endpoint
    if where[0] == "--store":
        source = EmbeddedStore(where[1], read_only=True)
    elif where[0] == "--endpoint":
        source = Endpoint(where[1])
    else:
        source = memory_store(where)
    try:
        found = {}
        for name, query in named_queries().items():
            text, finishing = resolve_query(name, {p.name: p.example for p in query.parameters})
            answer = source.answer(text)
            assert isinstance(answer, Results), name
            finish(answer, finishing)
            found[name] = json.loads(to_json(answer))
    finally:
        source.close()
    first = next(iter(found))
    assert cli_answer(first, where) == found[first]
    return found


def cli_answer(name: str, where: tuple[str, ...]) -> dict:
    result = run_cli("query", name, *example_params(name), *where, "-f", "json")
    assert result.returncode == 0, f"{name}: {result.stderr}"
    return json.loads(result.stdout)


def other_forms(*where: str) -> tuple[list[str], list[tuple[str, int]]]:
    """A CONSTRUCT answer (sorted N-Triples lines), a DESCRIBE answer's subjects, and two ASK answers."""
    construct = run_cli("query", "CONSTRUCT { ?f <urn:x-test:title> ?t } WHERE { ?f <http://purl.org/dc/elements/1.1/title> ?t }",
                        *where, "-f", "nt")  # fmt: skip
    assert construct.returncode == 0, construct.stderr
    asks = [run_cli("query", f"ASK {{ ?s ?p {obj} }}", *where) for obj in ('"IL6"', '"no such thing here"')]
    return sorted(construct.stdout.splitlines()), [(ask.stdout, ask.returncode) for ask in asks]


def count_all(*where: str) -> int:
    result = run_cli("query", "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }", *where, "-f", "csv")
    assert result.returncode == 0, result.stderr
    return int(result.stdout.splitlines()[1])


@pytest.fixture(scope="module")
def embedded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    store = tmp_path_factory.mktemp("embedded") / "store"
    result = run_cli("load", str(SEEDS), str(SAMPLE), "--store", str(store))
    assert result.returncode == 0, result.stderr
    assert "counts checked in 48 graphs" in result.stderr
    return store


@pytest.fixture(scope="module")
def embedded_answers(embedded: Path) -> dict[str, dict]:
    return answers("--store", str(embedded))


@pytest.fixture(scope="module")
def virtuoso_base(virtuoso_server: Virtuoso) -> str:
    return virtuoso_server.base


@pytest.fixture(scope="module")
def oxigraph_base(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if oxigraph_binary() is None:
        pytest.skip(OXIGRAPH_MISSING)
    with oxigraph_server(tmp_path_factory.mktemp("oxigraph")) as base:
        yield base


def load_into(endpoint: str, *extra: str) -> str:
    result = run_cli("load", str(SEEDS), str(SAMPLE), "--endpoint", endpoint, *extra, env=PASSWORD)
    assert result.returncode == 0, result.stderr
    return result.stderr


# ---- the embedded store


def test_loading_twice_into_the_embedded_store_changes_nothing(embedded: Path) -> None:
    before = count_all("--store", str(embedded))
    assert run_cli("load", str(SEEDS), str(SAMPLE), "--store", str(embedded)).returncode == 0
    assert count_all("--store", str(embedded)) == before > 20_000  # the sample and the seeds, mentions included


def test_a_changed_record_replaces_the_old_one(tmp_path: Path) -> None:
    store, record = tmp_path / "store", tmp_path / "r.txt"
    record.write_text(SEED_FILES[1].read_text(encoding="utf-8"), encoding="utf-8")
    assert run_cli("load", str(record), "--store", str(store), "--no-void").returncode == 0
    record.write_text(
        record.read_text(encoding="utf-8").replace("Cancer Cell International", "Cancer Cell Intl"), encoding="utf-8"
    )
    assert run_cli("load", str(record), "--store", str(store), "--no-void").returncode == 0
    result = run_cli(
        "query",
        "SELECT DISTINCT ?j WHERE { ?p <http://prismstandard.org/namespaces/basic/2.0/publicationName> ?j }",
        "--store",
        str(store),
        "-f",
        "csv",
    )
    assert result.stdout.splitlines()[1:] == ["Cancer Cell Intl"]


def test_rdf_files_load_into_the_store_with_their_graphs(tmp_path: Path) -> None:
    out = tmp_path / "sample.nq.gz"
    assert run_cli("convert", str(SAMPLE), "-o", str(out)).returncode == 0
    store = tmp_path / "store"
    first = run_cli("load", str(out), "--store", str(store))
    assert first.returncode == 0, first.stderr
    assert "counts checked in 46 graphs" in first.stderr
    again = run_cli("load", str(out), "--store", str(store))
    assert again.returncode == 0, again.stderr
    assert "46 unchanged graphs skipped" in again.stderr
    assert count_all("--store", str(store)) == sum(1 for _ in __import__("gzip").open(out, "rt", encoding="utf-8"))


def test_a_record_on_stdin_loads_once_read(tmp_path: Path) -> None:
    store = tmp_path / "store"
    result = run_cli("load", "-", "--store", str(store), "--no-void", input=SEED_FILES[1].read_text(encoding="utf-8"))
    assert result.returncode == 0, result.stderr
    assert "loaded 1 record and 1 graph" in result.stderr


def test_errors_file_never_overwrites_an_input(tmp_path: Path) -> None:
    record = tmp_path / "r.txt"
    record.write_text(SEED_FILES[1].read_text(encoding="utf-8"), encoding="utf-8")
    result = run_cli("load", str(tmp_path), "--store", str(tmp_path / "store"), "--errors", str(record))
    assert result.returncode == 2
    assert "is also an input; refusing to overwrite it" in result.stderr
    assert record.read_text(encoding="utf-8") == SEED_FILES[1].read_text(encoding="utf-8")


def test_query_over_a_record_that_cannot_be_converted_is_an_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.md"
    bad.write_text("---\nfigid: [unclosed\n---\n", encoding="utf-8")
    result = run_cli("query", "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", str(SEED_FILES[1]), str(bad), "-f", "csv")
    assert result.returncode == 2
    assert "bad.md" in result.stderr and result.stdout == ""


def test_a_graph_named_by_a_blank_node_is_refused_clearly(tmp_path: Path) -> None:
    trig = tmp_path / "blank.trig"
    trig.write_text("_:g { <http://example.org/a> <http://example.org/b> <http://example.org/c> . }\n")
    result = run_cli("load", str(trig), "--store", str(tmp_path / "store"))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "graph _:g is named by a blank node; give --graph IRI" in result.stderr
    into_one = run_cli("load", str(trig), "--store", str(tmp_path / "store"), "--graph", "https://example.org/g")
    assert into_one.returncode == 0, into_one.stderr


def test_everything_into_one_graph(tmp_path: Path) -> None:
    store = tmp_path / "store"
    for _ in range(2):
        result = run_cli("load", str(SEEDS), "--store", str(store), "--graph", "https://example.org/pfocr")
        assert result.returncode == 0, result.stderr
    graphs = run_cli("query", "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }", "--store", str(store), "-f", "csv")
    assert graphs.stdout.splitlines()[1:] == ["https://example.org/pfocr"]
    assert "counts checked in 1 graph" in result.stderr


def test_loading_again_skips_what_did_not_change_and_replaces_what_did(tmp_path: Path) -> None:
    records = tmp_path / "records"
    records.mkdir()
    for seed in SEED_FILES:
        (records / seed.name).write_text(seed.read_text(encoding="utf-8"), encoding="utf-8")
    store = tmp_path / "store"
    first = run_cli("load", str(records), "--store", str(store))
    assert first.returncode == 0, first.stderr
    assert "(bulk load into an empty store)" in first.stderr
    before = count_all("--store", str(store))
    again = run_cli("load", str(records), "--store", str(store))
    assert again.returncode == 0, again.stderr
    assert "loaded 2 records and 0 graphs, 0 triples" in again.stderr and "1 unchanged graph skipped" in again.stderr
    assert "2 records with unchanged inputs not converted again" in again.stderr
    assert count_all("--store", str(store)) == before
    changed = records / SEED_FILES[1].name
    changed.write_text(changed.read_text(encoding="utf-8").replace("Cancer Cell International", "Cancer Cell Intl"))
    third = run_cli("load", str(records), "--store", str(store))
    assert third.returncode == 0, third.stderr
    assert "1 unchanged graph skipped" in third.stderr and "counts checked in 1 graph" in third.stderr
    assert "1 record with unchanged inputs not converted again" in third.stderr
    assert count_all("--store", str(store)) == before  # the same number of triples, one literal changed


def test_the_same_triples_twice_into_one_graph_are_counted_once(tmp_path: Path) -> None:
    out = tmp_path / "seeds.nt"
    assert run_cli("convert", str(SEEDS), "-o", str(out)).returncode == 0
    copy = tmp_path / "copy.nt"
    copy.write_bytes(out.read_bytes())
    lines = len(out.read_text(encoding="utf-8").splitlines())
    store = tmp_path / "store"
    for _ in range(2):  # into a new store (bulk), then into one that holds data
        result = run_cli("load", str(out), str(copy), "--store", str(store), "--graph", "https://example.org/g")
        assert result.returncode == 0, result.stderr
        assert f"{lines:,} triples" in result.stderr and "counts checked in 1 graph" in result.stderr
        assert count_all("--store", str(store)) == lines


def test_a_graph_named_in_two_files_holds_the_union(tmp_path: Path) -> None:
    first, second = tmp_path / "a.nq", tmp_path / "b.nq"
    g, s = "<https://example.org/g>", "<https://example.org/s>"
    first.write_text(f'{s} <https://example.org/p> "1" {g} .\n{s} <https://example.org/p> "2" {g} .\n')
    second.write_text(f'{s} <https://example.org/p> "2" {g} .\n{s} <https://example.org/p> "3" {g} .\n')
    store = tmp_path / "store"
    for _ in range(2):  # into a new store (bulk), then into one that holds it
        result = run_cli("load", str(first), str(second), "--store", str(store))
        assert result.returncode == 0, result.stderr
        assert "1 graph, 3 triples" in result.stderr and "counts checked in 1 graph" in result.stderr
        assert count_all("--store", str(store)) == 3


def test_a_file_refused_half_way_writes_nothing(tmp_path: Path) -> None:
    trig = tmp_path / "mixed.trig"
    trig.write_text(
        "<https://example.org/g1> { <https://example.org/a> <https://example.org/b> <https://example.org/c> . }\n"
        "_:g { <https://example.org/a> <https://example.org/b> <https://example.org/d> . }\n"
    )
    good = tmp_path / "good.nq"
    good.write_text("<https://example.org/a> <https://example.org/b> <https://example.org/e> <https://example.org/g2> .\n")
    store = tmp_path / "store"
    result = run_cli("load", str(trig), str(good), "--store", str(store))
    assert result.returncode == 1
    assert "graph _:g is named by a blank node" in result.stderr
    graphs = run_cli("query", "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }", "--store", str(store), "-f", "csv")
    assert graphs.stdout.splitlines()[1:] == ["https://example.org/g2"]  # nothing of the refused file


def test_the_store_is_used_by_one_writer_at_a_time(embedded: Path) -> None:
    from pfocr_rdf.errors import UsageError
    from pfocr_rdf.store.store import EmbeddedStore

    first = EmbeddedStore(str(embedded))
    try:
        with pytest.raises(UsageError, match=r"in use by another process|cannot open store"):
            EmbeddedStore(str(embedded))
    finally:
        first.close()


def test_query_over_files_and_records_directly(embedded_answers: dict[str, dict]) -> None:
    direct = answers(str(SEEDS), str(SAMPLE))
    assert direct == embedded_answers


# ---- real servers


def test_virtuoso_loads_checks_counts_and_answers_like_the_embedded_store(
    virtuoso_base: str, embedded_answers: dict, embedded: Path
) -> None:
    endpoint = f"{virtuoso_base}/sparql-graph-crud-auth"
    stderr = load_into(endpoint, "--user", "dba")
    assert "into " + endpoint in stderr and "counts checked in 48 graphs" in stderr
    before = count_all("--endpoint", f"{virtuoso_base}/sparql")
    load_into(endpoint, "--user", "dba")  # again: every graph replaced, nothing duplicated
    assert count_all("--endpoint", f"{virtuoso_base}/sparql") == before
    assert answers("--endpoint", f"{virtuoso_base}/sparql") == embedded_answers
    assert other_forms("--endpoint", f"{virtuoso_base}/sparql") == other_forms("--store", str(embedded))


def test_oxigraph_server_answers_like_the_embedded_store(oxigraph_base: str, embedded_answers: dict, embedded: Path) -> None:
    stderr = load_into(f"{oxigraph_base}/store")
    assert "counts checked in 48 graphs" in stderr
    before = count_all("--endpoint", f"{oxigraph_base}/query")
    load_into(f"{oxigraph_base}/store")
    assert count_all("--endpoint", f"{oxigraph_base}/query") == before
    assert answers("--endpoint", f"{oxigraph_base}/query") == embedded_answers
    constructed, asked = other_forms("--endpoint", f"{oxigraph_base}/query")
    assert (constructed, asked) == other_forms("--store", str(embedded))
    assert len(constructed) == 47 and asked == [("true\n", 0), ("false\n", 1)]


def test_virtuoso_one_graph_in_chunks(virtuoso_base: str, tmp_path: Path) -> None:
    out = tmp_path / "sample.nt"
    assert run_cli("convert", str(SAMPLE), "-o", str(out)).returncode == 0
    copy = tmp_path / "copy.nt"
    copy.write_bytes(out.read_bytes())
    endpoint = f"{virtuoso_base}/sparql-graph-crud-auth"
    for _ in range(2):  # the same triples twice in one run: counted once
        result = run_cli(
            "load", str(out), str(copy), "--endpoint", endpoint, "--user", "dba", "--graph", "https://example.org/one",
            env=PASSWORD,
        )  # fmt: skip
        assert result.returncode == 0, result.stderr
        assert "counts checked in 1 graph" in result.stderr
    lines = len(out.read_text(encoding="utf-8").splitlines())
    count = run_cli(
        "query",
        "SELECT (COUNT(*) AS ?n) WHERE { GRAPH <https://example.org/one> { ?s ?p ?o } }",
        "--endpoint",
        f"{virtuoso_base}/sparql",
        "-f",
        "csv",
    )
    assert int(count.stdout.splitlines()[1]) == lines


def test_a_wrong_password_is_refused_clearly(virtuoso_base: str) -> None:
    result = run_cli(
        "load",
        str(SEED_FILES[0]),
        "--endpoint",
        f"{virtuoso_base}/sparql-graph-crud-auth",
        "--user",
        "dba",
        env={"PFOCR_RDF_PASSWORD": "wrong"},
    )
    assert result.returncode == 2
    assert "refused the user name or password" in result.stderr


def test_the_servers_error_message_is_shown(virtuoso_base: str) -> None:
    result = run_cli("query", "SELECT ?x WHERE { this is not sparql }", "--endpoint", f"{virtuoso_base}/sparql")
    assert result.returncode == 2
    assert "could not answer the query (400)" in result.stderr or "could not answer the query (500)" in result.stderr
    assert "SPARQL" in result.stderr or "syntax" in result.stderr.lower()


def test_a_result_capped_by_the_server_is_an_error_not_a_silent_truncation(virtuoso_base: str) -> None:
    load_into(f"{virtuoso_base}/sparql-graph-crud-auth", "--user", "dba")
    result = run_cli(
        "query", "SELECT ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } }", "--endpoint", f"{virtuoso_base}/sparql", "-f", "csv"
    )
    assert result.returncode == 2
    assert "cut the answer at 20000 rows" in result.stderr


# ---- the README's bulk-loading commands, run for real


def test_virtuoso_bulk_loader_as_the_readme_says(virtuoso_server: Virtuoso) -> None:
    data = virtuoso_server.folder / "pfocr"
    assert run_cli("convert", str(SEEDS), str(SAMPLE), "-o", str(data), "--shard-size", "10").returncode == 0
    virtuoso_server.isql(
        f"ld_dir('{data}', '*.nq.gz', 'https://pfocr.wikipathways.org/rdf');", "rdf_loader_run();", "checkpoint;"
    )
    errors = virtuoso_server.isql("SELECT COUNT(*) FROM DB.DBA.load_list WHERE ll_error IS NOT NULL OR ll_state <> 2;")
    assert "\n0\n" in errors.replace(" ", "")
    figure = "https://pfocr.wikipathways.org/figures/PMC6459341__oncotarget-10-2068-g007.html"
    count = run_cli(
        "query",
        f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{figure}> {{ ?s ?p ?o }} }}",
        "--endpoint",
        f"{virtuoso_server.base}/sparql",
        "-f",
        "csv",
    )
    golden = (DATA / "golden" / "000_ab1ab314842e88f6.nt").read_text(encoding="utf-8").splitlines()
    assert count.stdout.splitlines()[1] == str(len(golden))  # the figure's own graph, as in the N-Quads file


def test_oxigraph_offline_load_as_the_readme_says(tmp_path: Path, embedded_answers: dict) -> None:
    binary = oxigraph_binary()
    if binary is None:
        pytest.skip(OXIGRAPH_MISSING)
    out = tmp_path / "pfocr"
    assert run_cli("convert", str(SEEDS), str(SAMPLE), "-o", str(out), "--shard-size", "10").returncode == 0
    shards = sorted(str(p) for p in out.glob("*.nq.gz"))
    subprocess.run([binary, "load", "--location", str(tmp_path / "db"), "--file", *shards], check=True, capture_output=True)
    assert answers(*shards) == embedded_answers  # the same files, read by pfocr-rdf
    with oxigraph_server(tmp_path, location=tmp_path / "db") as base:
        assert answers("--endpoint", f"{base}/query") == embedded_answers
