"""Each named query against answers worked out by hand from the records (grep, cut and reading the
front matter), on the embedded store; and the query command's inputs and output formats."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pytest

from pfocr_rdf import __version__
from pfocr_rdf.query.queries import bind_parameters, named_queries, parse_named_query, sparql_string

from conftest import SAMPLE, SEEDS, TABLES, run_cli

FIG = "https://pfocr.wikipathways.org/figures/"


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> str:
    path = tmp_path_factory.mktemp("queries") / "store"
    result = run_cli("load", str(SEEDS), str(SAMPLE), "--store", str(path))
    assert result.returncode == 0, result.stderr
    return str(path)


def rows(store: str, name: str, **params: str) -> list[dict[str, str]]:
    args = [arg for key, value in params.items() for arg in ("-p", f"{key}={value}")]
    result = run_cli("query", name, *args, "--store", store, "-f", "csv")
    assert result.returncode == 0, result.stderr
    return list(csv.DictReader(result.stdout.splitlines()))


def test_every_named_query_is_tested_here() -> None:
    tested = {name.removeprefix("test_").replace("_", "-") for name in globals() if name.startswith("test_")}
    # the joins with WikiPathways are tested where the WikiPathways fixture is loaded
    joins = re.findall(r"^def test_(\w+)\(", (Path(__file__).parent / "test_wikipathways.py").read_text(), re.MULTILINE)
    assert set(named_queries()) <= tested | {name.replace("_", "-") for name in joins}


def test_figures_with_gene(store: str) -> None:
    # grep -P '\tIL6\t3569\t' _data/*-genes.tsv seeds/_data/*-genes.tsv  (no inline-only record lists IL6)
    seeds = {"PMC6459341__oncotarget-10-2068-g007", "PMC8932105__12935_2022_2527_Fig7_HTML"}
    il6 = {"PMC10030580__fimmu-14-1122057-g002", "PMC10034056__fendo-14-1109296-g003", "PMC10034769__fphar-14-1067402-g009"}
    il6 |= seeds
    assert {row["figid"] for row in rows(store, "figures-with-gene", gene="IL6")} == il6
    assert {row["figid"] for row in rows(store, "figures-with-gene", gene="3569")} == il6
    assert {row["figid"] for row in rows(store, "figures-with-gene", gene="ncbigene:3569")} == il6  # as the tables write CURIEs
    # the seeds' tables also give the symbol IL6 to the cow's and the rabbit's genes
    seed_ids = {row["ncbigene_id"] for path in (SEEDS / "_data").glob("*-genes.tsv")
                for row in csv.DictReader(path.read_text(encoding="utf-8").splitlines(), delimiter="\t") if row["ncbigene_symbol"] == "IL6"}  # fmt: skip
    assert seed_ids > {"3569"}
    assert {row["gene"].rsplit("/", 1)[1] for row in rows(store, "figures-with-gene", gene="IL6")} == seed_ids
    # the rodent symbol: grep -P '\tIl6\t' -> the rat rows of PMC10034769 (gene 24498), and the seeds'
    # rat (24498) and mouse (16193) rows
    rodent = {(row["figid"], row["gene"].rsplit("/", 1)[1]) for row in rows(store, "figures-with-gene", gene="Il6")}
    assert rodent == {("PMC10034769__fphar-14-1067402-g009", "24498")} | {(s, g) for s in seeds for g in ("24498", "16193")}
    assert rows(store, "figures-with-gene", gene="NOSUCHGENE") == []
    assert rows(store, "figures-with-gene", gene="not a symbol") == []  # not an IRI: matches nothing, not everything


def test_figure_genes(store: str) -> None:
    figid = "PMC10034769__fphar-14-1067402-g009"
    with (TABLES / f"{figid}-genes.tsv").open(encoding="utf-8") as handle:
        table = {(r["ncbigene_id"], r["ncbigene_symbol"], r["organism_id"]) for r in csv.DictReader(handle, delimiter="\t")}
    found = {(r["geneId"], r["symbol"], r["organism"].rsplit("_", 1)[1]) for r in rows(store, "figure-genes", figure=figid)}
    assert found == table
    assert ("24498", "Il6", "10116") in found and ("3569", "IL6", "9606") in found


def test_figure_chemicals(store: str) -> None:
    # cut -f2 PMC10033690__...-chemicals.tsv | sort -u : 18 MeSH ids; celecoxib and arachidonic acid have no name or ChEBI id
    found = rows(store, "figure-chemicals", figure="PMC10033690__41598_2023_31603_Fig1_HTML")
    assert len(found) == 18
    by_mesh = {row["mesh"].rsplit("/", 1)[1]: (row["name"], row["chebi"].rsplit("/", 1)[-1]) for row in found}
    assert by_mesh["D001241"] == ("acetylsalicylic acid", "CHEBI:15365")
    assert by_mesh["D007052"] == ("ibuprofen", "CHEBI:5855")
    assert by_mesh["C105934"] == ("", "")
    assert by_mesh["D002118"] == ("calcium atom", "CHEBI:22984")  # four identical rows in the table, one answer


def test_figures_with_chemical(store: str) -> None:
    aspirin = {"PMC10033690__41598_2023_31603_Fig1_HTML"}  # grep -l chebi:15365 _data/*chemicals.tsv
    for given in (
        "CHEBI:15365",
        "chebi:15365",
        "15365",
        "D001241",
        "mesh:D001241",
        "MESH:D001241",
        "acetylsalicylic acid",
        "Aspirin",
    ):
        assert {row["figid"] for row in rows(store, "figures-with-chemical", chemical=given)} == aspirin, given
    # ATP: MeSH D000255 in PMC6365454 (old 3-column table) and in the inline list of PMC100028? grep says:
    atp = {p.name.split("-chemicals")[0] for p in TABLES.glob("*-chemicals.tsv") if "D000255" in p.read_text(encoding="utf-8")}
    assert {row["figid"] for row in rows(store, "figures-with-chemical", chemical="D000255")} == atp
    assert len(atp) >= 3


def test_figures_per_species(store: str) -> None:
    # counting the `organisms` field of the 45 sample records and the 2 seeds, by hand
    found = {row["name"]: int(row["figures"]) for row in rows(store, "figures-per-species")}
    assert found["Homo sapiens"] == 25
    assert found["Mus musculus"] == 10
    assert found["Rattus norvegicus"] == 5
    assert found["Escherichia coli"] == 4
    assert found["Severe acute respiratory syndrome coronavirus 2"] == 3
    first = rows(store, "figures-per-species")[0]
    assert first["organism"] == "http://purl.obolibrary.org/obo/NCBITaxon_9606"


def test_paper_figures(store: str) -> None:
    found = rows(store, "paper-figures", paper="PMC10028837")
    assert [(r["figid"], r["number"]) for r in found] == [
        ("PMC10028837__nihpp-2023.03.03.530734v1-f0001", "F1"),
        ("PMC10028837__nihpp-2023.03.03.530734v1-f0009", "F9"),
    ]
    assert rows(store, "paper-figures", paper="PMC6459341")[0]["figid"] == "PMC6459341__oncotarget-10-2068-g007"


def test_papers_per_year(store: str) -> None:
    # the year field of every record: 2001 PMC100003/5/8/28; 2005 six; 2006 four; 2019 PMC6365454 + seed 000;
    # 2022 seed 002; 2023 twenty papers (three with two figures each); 2024 four; 2025 three
    found = [(r["year"], int(r["papers"]), int(r["figures"])) for r in rows(store, "papers-per-year")]
    assert found == [
        ("2001", 4, 4),
        ("2005", 6, 6),
        ("2006", 4, 4),
        ("2019", 2, 2),
        ("2022", 1, 1),
        ("2023", 20, 23),
        ("2024", 4, 4),
        ("2025", 3, 3),
    ]


def test_figures_with_disease(store: str) -> None:
    # the only doid in the sample: LPS -> Van der Woude syndrome, doid:0060239, in PMC10034769's diseases.tsv
    for given in ("DOID:0060239", "doid:0060239", "0060239", "C536528", "mesh:C536528", "Van der Woude syndrome"):
        assert {r["figid"] for r in rows(store, "figures-with-disease", disease=given)} == {
            "PMC10034769__fphar-14-1067402-g009"
        }, given
    # MeSH D055370 (lung injury) is in the same table, without a name
    assert {r["figid"] for r in rows(store, "figures-with-disease", disease="D055370")} == {"PMC10034769__fphar-14-1067402-g009"}


def test_gene_sets(store: str) -> None:
    sets = {row["figid"]: row for row in rows(store, "gene-sets")}
    figid = "PMC10034769__fphar-14-1067402-g009"
    with (TABLES / f"{figid}-genes.tsv").open(encoding="utf-8") as handle:
        table = list(csv.DictReader(handle, delimiter="\t"))
    assert sets[figid]["genes"].split() == sorted({r["ncbigene_id"] for r in table})
    assert sets[figid]["symbols"].split() == sorted({r["ncbigene_symbol"] for r in table})
    seed = "PMC6459341__oncotarget-10-2068-g007"
    with (SEEDS / "_data" / f"{seed}-genes.tsv").open(encoding="utf-8") as handle:
        seed_table = list(csv.DictReader(handle, delimiter="\t"))
    assert sets[seed]["genes"].split() == sorted({r["ncbigene_id"] for r in seed_table})  # the seeds' own _data/
    assert len(sets) == 37  # the records with gene tables or inline genes, the two seeds among them


def test_dataset(store: str) -> None:
    (row,) = rows(store, "dataset")
    assert row["title"] == "PFOCR: Pathway Figure OCR, as linked data"
    assert row["license"] == "http://creativecommons.org/publicdomain/zero/1.0/"
    assert row["created"] == "2023-11-14T22:13:20Z"  # SOURCE_DATE_EPOCH=1700000000 in the tests
    assert int(row["triples"]) > 20_000 and row["version"] == __version__


# ---- the query command


def test_list_shows_every_named_query_with_its_parameters() -> None:
    result = run_cli("query", "--list")
    assert result.returncode == 0
    for name, query in named_queries().items():
        assert f"{name}: {query.title}" in result.stdout
        for parameter in query.parameters:
            assert f"-p {parameter.name}=..." in result.stdout


def test_inline_sparql_and_query_files(store: str, tmp_path: Path) -> None:
    text = "SELECT (COUNT(DISTINCT ?f) AS ?n) WHERE { ?f a <https://pfocr.wikipathways.org/vocab#PathwayFigure> }"
    result = run_cli("query", text, "--store", store, "-f", "csv")
    assert result.stdout.splitlines() == ["n", "47"]
    file = tmp_path / "count.rq"
    file.write_text(text)
    assert run_cli("query", str(file), "--store", store, "-f", "csv").stdout == result.stdout


def test_a_mistyped_name_or_text_that_is_no_query_is_one_clear_line(store: str, tmp_path: Path) -> None:
    typo = run_cli("query", "figures-with-gen", "-p", "gene=IL6", "--store", store)
    assert typo.returncode == 2 and typo.stdout == ""
    assert "no named query, query file or SPARQL 'figures-with-gen' (did you mean figures-with-gene?" in typo.stderr
    not_sparql = run_cli("query", "SELEC ?x WHERE { ?x ?y ?z }", "--store", store)
    assert not_sparql.returncode == 2 and "starts with SELECT, ASK, CONSTRUCT or DESCRIBE" in not_sparql.stderr
    file = tmp_path / "q.rq"
    file.write_text("SELECT ?s WHERE { ?s ?p ?o } LIMIT 1\n", encoding="utf-8")
    with_param = run_cli("query", str(file), "-p", "gene=IL6", "--store", store)
    assert with_param.returncode == 2 and "--param is only for named queries" in with_param.stderr
    for result in (typo, not_sparql, with_param):
        assert result.stderr.count("\n") == 1, result.stderr


@pytest.mark.parametrize("fmt", ["table", "csv", "tsv", "json"])
def test_output_formats(store: str, fmt: str) -> None:
    result = run_cli("query", "paper-figures", "-p", "paper=PMC10028837", "--store", store, "-f", fmt)
    assert result.returncode == 0
    out = result.stdout
    if fmt == "json":
        data = json.loads(out)
        assert data["head"]["vars"] == ["figure", "figid", "number", "title"]
        assert data["results"]["bindings"][0]["figure"] == {
            "type": "uri",
            "value": FIG + "PMC10028837__nihpp-2023.03.03.530734v1-f0001.html",
        }
    elif fmt == "tsv":
        assert out.splitlines()[0] == "?figure\t?figid\t?number\t?title"
        assert out.splitlines()[1].startswith(f'<{FIG}PMC10028837__nihpp-2023.03.03.530734v1-f0001.html>\t"PMC10028837')
    elif fmt == "csv":
        assert out.splitlines()[0] == "figure,figid,number,title"
    else:
        lines = out.splitlines()
        assert lines[0].split() == ["figure", "figid", "number", "title"] and set(lines[1]) <= {"-", " "}
        assert lines[-1] == "(2 rows)"


def test_parameters_are_escaped_never_spliced_in() -> None:
    query = named_queries()["figures-with-gene"]
    hostile = 'IL6" } } DROP ALL ; SELECT * { "'
    text = bind_parameters(query, {"gene": hostile})
    assert sparql_string(hostile) in text and "$gene" not in text
    assert text.count("DROP ALL") == len(re.findall(r"\$gene\b", query.text))  # only inside the string literals
    assert "<urn:pfocr-rdf:no-such-iri>" in text  # and no IRI was made of it
    import pyoxigraph

    assert list(pyoxigraph.Store().query(text)) == []  # still one valid SELECT: nothing was spliced in


def test_parameter_errors_are_usage_errors(store: str) -> None:
    assert run_cli("query", "figures-with-gene", "--store", store).returncode == 2  # missing
    assert run_cli("query", "figures-with-gene", "-p", "organism=9606", "--store", store).returncode == 2  # unknown
    assert run_cli("query", "not a query at all", "--store", store).returncode == 2
    assert run_cli("query", "SELECT ?x WHERE { ?x }", "--store", store).returncode == 2  # invalid SPARQL
    assert run_cli("query", "dataset").returncode == 2  # nowhere to run


def test_query_metadata_is_read_from_the_comments() -> None:
    query = parse_named_query(
        "x", "# title: A\n# description: B\n#   continued\n# param: p | meaning | ex\n# sorted-lists: a b\nSELECT * {}\n"
    )
    assert (query.title, query.description, query.sorted_lists) == ("A", "B continued", ("a", "b"))
    assert query.parameters[0].name == "p" and query.parameters[0].example == "ex"


def test_query_metadata_lines_end_only_at_lf() -> None:
    query = parse_named_query("x", "# title: A\u2028still the title\r\n# description: B\u0085C\nSELECT * {}\n")
    assert (query.title, query.description) == ("A\u2028still the title", "B\u0085C")


CONSTRUCT_TITLES = (
    "PREFIX dc: <http://purl.org/dc/elements/1.1/> "
    "CONSTRUCT { ?figure dc:title ?title } WHERE { ?figure a <https://pfocr.wikipathways.org/vocab#PathwayFigure> ; dc:title ?title }"
)


@pytest.mark.parametrize("fmt", [None, "ttl", "nt", "nq", "trig", "jsonld"])
def test_construct_answers_rdf_in_any_format(store: str, fmt: str | None) -> None:
    import pyoxigraph as ox

    result = run_cli("query", CONSTRUCT_TITLES, "--store", store, *(["-f", fmt] if fmt else []))
    assert result.returncode == 0, result.stderr
    kind = {None: "ttl", "ttl": "ttl", "nt": "nt", "nq": "nq", "trig": "trig", "jsonld": "jsonld"}[fmt]
    parsed = list(ox.parse(result.stdout.encode("utf-8"), format=ox.RdfFormat.from_extension(kind)))
    titles = rows(
        store,
        "SELECT ?f ?t WHERE { ?f a <https://pfocr.wikipathways.org/vocab#PathwayFigure> ; <http://purl.org/dc/elements/1.1/title> ?t }",
    )
    assert len(parsed) == len(titles) == 47
    assert {(q.subject.value, q.object.value) for q in parsed} == {(row["f"], row["t"]) for row in titles}
    if kind == "ttl":
        assert result.stdout.startswith("@prefix ")  # Turtle, the default


def test_describe_answers_rdf_about_the_resource(store: str) -> None:
    import pyoxigraph as ox

    paper = "https://identifiers.org/pmc/PMC10028837"
    result = run_cli("query", f"DESCRIBE <{paper}>", "--store", store, "-f", "nt")
    assert result.returncode == 0, result.stderr
    parsed = list(ox.parse(result.stdout.encode("utf-8"), format=ox.RdfFormat.N_TRIPLES))
    assert parsed and {q.subject.value for q in parsed} == {paper}
    assert any(q.predicate.value == "http://purl.org/spar/fabio/hasPubMedCentralId" for q in parsed)


def test_ask_prints_true_or_false_and_exits_0_or_1(store: str) -> None:
    yes = run_cli("query", f"ASK {{ <{FIG}PMC10028837__nihpp-2023.03.03.530734v1-f0001.html> ?p ?o }}", "--store", store)
    no = run_cli("query", f"ASK {{ <{FIG}no-such-figure.html> ?p ?o }}", "--store", store)
    assert (yes.stdout, yes.returncode) == ("true\n", 0)
    assert (no.stdout, no.returncode) == ("false\n", 1)
    as_json = run_cli("query", "ASK { ?s ?p ?o }", "--store", store, "-f", "json")
    assert json.loads(as_json.stdout) == {"head": {}, "boolean": True} and as_json.returncode == 0


def test_a_format_that_does_not_fit_the_query_is_refused_clearly(store: str) -> None:
    rdf_for_select = run_cli("query", "SELECT * WHERE { ?s ?p ?o } LIMIT 1", "--store", store, "-f", "ttl")
    assert rdf_for_select.returncode == 2 and "a SELECT query answers with a table" in rdf_for_select.stderr
    table_for_construct = run_cli("query", CONSTRUCT_TITLES, "--store", store, "-f", "csv")
    assert table_for_construct.returncode == 2 and "a CONSTRUCT query answers with RDF" in table_for_construct.stderr


def test_the_command_line_imports_no_validator_until_it_validates() -> None:
    """`query` never validates: importing the SHACL engine (its XSD patterns) cost 50-150 ms a query."""
    import subprocess
    import sys

    from pfocr_rdf.check import validate
    from pfocr_rdf.cli import options as cli

    assert cli.ENGINES == validate.ENGINES
    check = "import sys, pfocr_rdf.cli; print(sorted(m for m in sys.modules if m in ('pfocr_rdf.check.validate', 'pfocr_rdf.check.compiler')))"
    result = subprocess.run([sys.executable, "-c", check], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"
