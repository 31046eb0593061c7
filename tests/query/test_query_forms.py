"""Every bundled named query against its plain form (tests/data/plain-queries: the straightforward join over
the mentions, as the queries were first written), on the sample, the seeds and the WikiPathways fixture in
one store: the bundled forms use the figure shortcuts (pfocr:gene, pfocr:chemical, pfocr:diseaseMesh) and
orders the engine plans well, and must never answer differently. test_queries.py pins the answers
themselves."""

from __future__ import annotations

import pytest

from pfocr_rdf.query.queries import Finishing, bind_parameters, named_queries, parse_named_query
from pfocr_rdf.query.results import Results, finish
from pfocr_rdf.store.store import EmbeddedStore

from conftest import DATA, SAMPLE, SEEDS, run_cli

PLAIN = DATA / "plain-queries"
WIKIPATHWAYS = DATA / "wikipathways" / "wikipathways.ttl"

# Parameters for each query: the examples, every way of naming a thing, and values that match nothing.
CASES: dict[str, list[dict[str, str]]] = {
    "dataset": [{}],
    "figures-per-species": [{}],
    "papers-per-year": [{}],
    "gene-sets": [{}],
    "figures-with-gene": [{"gene": g} for g in ("IL6", "3569", "Il6", "24498", "TP53", "NOSUCHGENE", "not a symbol")],
    "figures-with-chemical": [
        {"chemical": c}
        for c in ("CHEBI:15365", "15365", "chebi:15365", "D001241", "acetylsalicylic acid", "Aspirin", "calcium atom", "none")
    ],
    "figures-with-disease": [
        {"disease": d} for d in ("DOID:0060239", "0060239", "D055370", "D003920", "nonalcoholic fatty liver disease", "x")
    ],
    "figure-genes": [{"figure": f} for f in ("PMC10034769__fphar-14-1067402-g009", "PMC6459341__oncotarget-10-2068-g007")],
    "figure-chemicals": [{"figure": "PMC10033690__41598_2023_31603_Fig1_HTML"}],
    "paper-figures": [{"paper": p} for p in ("PMC10028837", "PMC6459341", "PMC1")],
    "figures-sharing-genes": [{"pathway": p} for p in ("WP4754", "WP4172", "WP1", "WP0")],
    "pathways-sharing-genes": [
        {"figure": f} for f in ("PMC6459341__oncotarget-10-2068-g007", "PMC10034769__fphar-14-1067402-g009", "nope")
    ],
}


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> EmbeddedStore:
    path = tmp_path_factory.mktemp("forms") / "store"
    for args in ((str(WIKIPATHWAYS), "--graph", "https://example.org/wikipathways"), (str(SEEDS), str(SAMPLE))):
        result = run_cli("load", *args, "--store", str(path))
        assert result.returncode == 0, result.stderr
    return EmbeddedStore(str(path), read_only=True)


def answer(store: EmbeddedStore, text: str, finishing: Finishing | None = None) -> Results:
    found = store.answer(text)
    assert isinstance(found, Results)
    finish(found, finishing or Finishing())
    return found


def test_every_named_query_has_a_plain_form_and_cases() -> None:
    assert set(CASES) == set(named_queries())
    assert {path.stem for path in PLAIN.glob("*.rq")} == set(named_queries())


@pytest.mark.parametrize("name", sorted(CASES))
def test_the_bundled_form_answers_as_the_plain_form(store: EmbeddedStore, name: str) -> None:
    bundled = named_queries()[name]
    plain = parse_named_query(name, (PLAIN / f"{name}.rq").read_text(encoding="utf-8"))
    assert plain.parameters == bundled.parameters and plain.sorted_lists == bundled.sorted_lists
    answered = 0
    for params in CASES[name]:
        fast = answer(store, bind_parameters(bundled, params), bundled.finishing)
        slow = answer(store, bind_parameters(plain, params), plain.finishing)
        assert fast.variables == slow.variables, params
        assert fast.rows == slow.rows, params
        answered += bool(slow.rows)
    assert answered >= min(2, len(CASES[name])) - (name == "dataset")  # the cases are real tests, not empty answers


def test_the_shortcuts_hold_what_the_mentions_point_at(store: EmbeddedStore) -> None:
    """pfocr:gene / pfocr:chemical / pfocr:diseaseMesh of each figure equal the identifiers of its mentions
    (pfocr:geneIds and pfocr:geneSymbols: the gene-sets query, pinned against its plain form)."""
    pairs = {
        "gene": "?m a pfocr:GeneMention ; pfocr:ncbiGene ?x",
        "chemical": "?m a pfocr:ChemicalMention . { ?m pfocr:chebi ?x } UNION { ?m pfocr:mesh ?x }",
        "diseaseMesh": "?m a pfocr:DiseaseMention ; pfocr:mesh ?x",
    }
    for shortcut, through_mentions in pairs.items():
        prefix = "PREFIX pfocr: <https://pfocr.wikipathways.org/vocab#> PREFIX dcterms: <http://purl.org/dc/terms/> "
        direct = answer(store, prefix + f"SELECT DISTINCT ?f ?x WHERE {{ ?f pfocr:{shortcut} ?x }}")
        joined = answer(store, prefix + f"SELECT DISTINCT ?f ?x WHERE {{ ?m dcterms:isPartOf ?f . {through_mentions} }}")
        as_set = {(row["f"], row["x"]) for row in direct.rows}
        assert as_set == {(row["f"], row["x"]) for row in joined.rows}, shortcut
        assert len(as_set) > (1_000 if shortcut == "gene" else 5)


def test_the_gene_count_is_the_number_of_genes(store: EmbeddedStore) -> None:
    """pfocr:geneCount of each figure: its distinct pfocr:gene links, as COUNT(DISTINCT) gives them."""
    prefix = "PREFIX pfocr: <https://pfocr.wikipathways.org/vocab#> "
    counted = answer(store, prefix + "SELECT ?f (COUNT(DISTINCT ?g) AS ?n) WHERE { ?f pfocr:gene ?g } GROUP BY ?f")
    stored = answer(store, prefix + "SELECT ?f ?n WHERE { ?f pfocr:geneCount ?n }")
    assert sorted(counted.rows, key=str) == sorted(stored.rows, key=str)
    assert len(stored.rows) > 10
