"""One endpoint with WikiPathways: our output uses no wp: term, changes no WikiPathways answer, defines every
pfocr: term it uses, and joins with WikiPathways RDF on gene IRIs (embedded store and a real Virtuoso)."""

from __future__ import annotations

import csv
import shutil
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest

from pfocr_rdf.query.queries import resolve_query
from pfocr_rdf.query.results import Results, finish, to_csv
from pfocr_rdf.store.endpoint import Endpoint
from pfocr_rdf.store.store import EmbeddedStore

from conftest import ROOT, SAMPLE, SAMPLE_FILES, SEED_FILES, run_cli
from sample_oracle import expected_ids
from servers import Virtuoso

WP = "http://vocabularies.wikipathways.org/wp#"
PFOCR = "https://pfocr.wikipathways.org/vocab#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
OWL = "http://www.w3.org/2002/07/owl#"
FIXTURE = Path(__file__).parent.parent / "data" / "wikipathways" / "wikipathways.ttl"
WP_GRAPH = "http://rdf.wikipathways.org/"
VOCABULARY = Path(__file__).parent.parent.parent / "pfocr_rdf" / "data" / "pfocr-vocab.ttl"
FORMATS = {
    "ttl": ox.RdfFormat.TURTLE,
    "nt": ox.RdfFormat.N_TRIPLES,
    "nq": ox.RdfFormat.N_QUADS,
    "trig": ox.RdfFormat.TRIG,
    "jsonld": ox.RdfFormat.JSON_LD,
}
# Genes of the fixture's pathways (wp:bdbEntrezGene), read off tests/data/wikipathways/wikipathways.ttl.
PATHWAY_GENES = {
    "WP4754": {"3569", "3570", "6774", "3716", "7124", "3553", "5594", "5595"},
    "WP4172": {"207", "208", "5290", "5295", "7157", "5594"},
    "WP1": {"15357"},
}

HOSTILE = """---
figid: PMC6459341__hostile
figtitle: A figure whose JSON-LD tries to write into WikiPathways
pmcid: PMC6459341
organisms: Homo sapiens
schema-jsonld:
  '@context': https://schema.org/
  '@id': https://pfocr.wikipathways.org/figures/PMC6459341__hostile.html
  '@type': [Dataset, 'https://schema.org/ImageObject', 'http://vocabularies.wikipathways.org/wp#Pathway']
  name: CreativeWork
  license: CC0
  'https://schema.org/keywords': IL6
  isBasedOn: {'@id': relative-thing}
  'http://vocabularies.wikipathways.org/wp#organismName': Homo sapiens
  about:
    '@id': https://identifiers.org/ncbigene/3569
    '@type': 'http://vocabularies.wikipathways.org/wp#GeneProduct'
    name: hijacked
  isPartOf:
    '@context': {'@vocab': 'http://vocabularies.wikipathways.org/wp#'}
    organism: poison
genes:
  - symbol: IL6
    entrez: '3569'
---
"""

# Questions in the style of WikiPathways' public query collection: each selects by wp: terms.
WIKIPATHWAYS_QUERIES = {
    "pathways per species": """SELECT ?organism (STR(?label) AS ?name) (COUNT(?pw) AS ?pathways) WHERE {
        ?pw dc:title ?title ; wp:organism ?organism ; wp:organismName ?label . }
        GROUP BY ?organism ?label ORDER BY DESC(?pathways) ?organism""",
    "pathways": "SELECT (COUNT(DISTINCT ?pw) AS ?n) WHERE { ?pw a wp:Pathway }",
    "data nodes per type": """SELECT ?type (COUNT(DISTINCT ?node) AS ?n) WHERE { ?node a wp:DataNode , ?type }
        GROUP BY ?type ORDER BY ?type""",
    "gene identifiers": "SELECT DISTINCT ?gene WHERE { ?node wp:bdbEntrezGene ?gene } ORDER BY ?gene",
    "HGNC symbols": "SELECT DISTINCT ?symbol WHERE { ?node wp:bdbHgncSymbol ?symbol } ORDER BY ?symbol",
    "metabolites": "SELECT DISTINCT ?node ?chebi WHERE { ?node a wp:Metabolite ; wp:bdbChEBI ?chebi } ORDER BY ?node",
    "labelled data nodes": """SELECT (COUNT(DISTINCT ?node) AS ?n) WHERE {
        ?node rdfs:label ?label ; dcterms:identifier ?id ; dcterms:isPartOf ?pw . }""",
    "disease tags": "SELECT ?pw ?doid WHERE { ?pw wp:diseaseOntologyTag ?doid } ORDER BY ?pw ?doid",
    "organisms": "SELECT DISTINCT ?organism WHERE { ?x wp:organism ?organism } ORDER BY ?organism",
    "human pathways": 'SELECT ?pw WHERE { ?pw wp:organismName "Homo sapiens" } ORDER BY ?pw',
    "gene products of IL6": """SELECT ?node WHERE { ?node a wp:GeneProduct ;
        wp:bdbEntrezGene <https://identifiers.org/ncbigene/3569> } ORDER BY ?node""",
}
PREFIXES = """PREFIX wp: <http://vocabularies.wikipathways.org/wp#>
PREFIX dc: <http://purl.org/dc/elements/1.1/>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
"""


@pytest.fixture(scope="module")
def records(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample, the seeds and a hostile record, in one folder."""
    folder = tmp_path_factory.mktemp("records")
    shutil.copytree(SAMPLE, folder / "sample")
    for seed in SEED_FILES:
        shutil.copy(seed, folder / seed.name)
    (folder / "hostile.md").write_text(HOSTILE, encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def outputs(records: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("outputs")
    made = {}
    for fmt in FORMATS:
        out = folder / f"all.{fmt}"
        result = run_cli("convert", str(records), "-o", str(out))
        assert result.returncode == 0, result.stderr
        made[fmt] = out
    return made


def vocabulary() -> ox.Store:
    store = ox.Store()
    store.load(path=str(VOCABULARY), format=ox.RdfFormat.TURTLE)
    return store


# ---- no wp: term in our data, every pfocr: term defined


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_no_wp_term_is_a_predicate_or_a_type_in_any_format(outputs: dict[str, Path], fmt: str) -> None:
    quads = list(ox.parse(path=str(outputs[fmt]), format=FORMATS[fmt]))
    assert len(quads) > 20_000
    assert not [q for q in quads if q.predicate.value.startswith(WP)]
    assert not [q for q in quads if q.predicate.value == RDF_TYPE and q.object.value.startswith(WP)]
    # wp: IRIs appear only as the objects of rdfs:seeAlso, in the published vocabulary
    assert {q.predicate.value for q in quads if isinstance(q.object, ox.NamedNode) and q.object.value.startswith(WP)} == {
        RDFS + "seeAlso"
    }


def test_records_no_test_has_seen_use_no_wp_term_either(tmp_path: Path) -> None:
    """Beyond the sample: a generated corpus (new figids and papers, tables drawn across the sample's rows)."""
    corpus, out = tmp_path / "generated", tmp_path / "generated.nq"
    command = [sys.executable, str(ROOT / "bench" / "generate.py"), "--records", "60", "--out", str(corpus), "--seed", "7"]
    subprocess.run(command, check=True, capture_output=True, timeout=300)
    assert run_cli("convert", str(corpus), "-o", str(out), "-q").returncode in (0, 1)
    quads = list(ox.parse(path=str(out), format=ox.RdfFormat.N_QUADS))
    assert len({q.graph_name for q in quads}) == 61  # every record, and the description
    assert not [q for q in quads if q.predicate.value.startswith(WP)]
    assert not [q for q in quads if q.predicate.value == RDF_TYPE and q.object.value.startswith(WP)]


def test_every_pfocr_term_used_is_defined_in_the_vocabulary(outputs: dict[str, Path]) -> None:
    quads = list(ox.parse(path=str(outputs["nq"]), format=ox.RdfFormat.N_QUADS))
    used = {q.predicate.value for q in quads} | {q.object.value for q in quads if q.predicate.value == RDF_TYPE}
    used = {term for term in used if term.startswith(PFOCR)}
    assert {PFOCR + "ncbiGene", PFOCR + "organism", PFOCR + "GeneMention", PFOCR + "disease", PFOCR + "chebi"} <= used
    store = vocabulary()
    kinds = {RDF + "Property", OWL + "Class", RDFS + "Class", OWL + "ObjectProperty", OWL + "DatatypeProperty"}
    kinds.add(OWL + "AnnotationProperty")
    defined = {q.subject.value for q in store.quads_for_pattern(None, ox.NamedNode(RDF_TYPE), None) if q.object.value in kinds}
    assert PFOCR + "sourceField" in defined  # a term of the shapes, never in the data: checked all the same
    for term in sorted(used | {term for term in defined if term.startswith(PFOCR)}):
        node = ox.NamedNode(term)
        for predicate in ("label", "comment"):
            assert list(store.quads_for_pattern(node, ox.NamedNode(RDFS + predicate), None)), f"{term} has no rdfs:{predicate}"
        if not term[len(PFOCR)].isupper():  # a property: its domain and range too
            for predicate in ("domain", "range"):
                assert list(store.quads_for_pattern(node, ox.NamedNode(RDFS + predicate), None)), f"{term}: no rdfs:{predicate}"


def test_the_vocabulary_points_at_wikipathways_only_with_see_also() -> None:
    store = vocabulary()
    to_wp = {
        (q.subject.value, q.predicate.value)
        for q in store
        if isinstance(q.object, ox.NamedNode) and q.object.value.startswith(WP)
    }
    assert {predicate for _, predicate in to_wp} == {RDFS + "seeAlso"}  # never subClassOf / subPropertyOf / domain / range
    counterparts = {
        (q.subject.value[len(PFOCR) :], q.object.value[len(WP) :])
        for q in store.quads_for_pattern(None, ox.NamedNode(RDFS + "seeAlso"), None)
        if q.object.value.startswith(WP)
    }
    assert {
        ("organism", "organism"),
        ("organismName", "organismName"),
        ("ncbiGene", "bdbEntrezGene"),
        ("hgncSymbol", "bdbHgncSymbol"),
        ("chebi", "bdbChEBI"),
        ("disease", "diseaseOntologyTag"),
        ("GeneMention", "GeneProduct"),
        ("PathwayFigure", "Pathway"),
    } <= counterparts


def test_mention_nodes_carry_no_identifier(outputs: dict[str, Path]) -> None:
    store = ox.Store()
    store.load(path=str(outputs["nq"]), format=ox.RdfFormat.N_QUADS)
    query = f"""SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH ?g {{
        ?m a ?kind ; <http://purl.org/dc/terms/identifier> ?id .
        VALUES ?kind {{ <{PFOCR}GeneMention> <{PFOCR}ChemicalMention> <{PFOCR}DiseaseMention> }} }} }}"""
    assert int(next(iter(store.query(query)))["n"].value) == 0
    genes = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH ?g {{ ?m a <{PFOCR}GeneMention> }} }}"
    assert int(next(iter(store.query(genes)))["n"].value) > 1_000


# ---- the vocabulary is published


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_vocabulary_command_writes_the_vocabulary_in_every_format(tmp_path: Path, fmt: str) -> None:
    out = tmp_path / f"vocab.{fmt}"
    result = run_cli("vocabulary", "-o", str(out))
    assert result.returncode == 0, result.stderr
    written = {(q.subject, q.predicate, q.object) for q in ox.parse(path=str(out), format=FORMATS[fmt])}
    assert written == {(q.subject, q.predicate, q.object) for q in vocabulary()}


def test_the_dataset_description_graph_carries_the_vocabulary(outputs: dict[str, Path]) -> None:
    dataset = "https://pfocr.wikipathways.org/rdf/dataset"
    described = {
        (q.subject, q.predicate, q.object)
        for q in ox.parse(path=str(outputs["nq"]), format=ox.RdfFormat.N_QUADS)
        if q.graph_name == ox.NamedNode(dataset)
    }
    assert {(q.subject, q.predicate, q.object) for q in vocabulary()} <= described


# ---- the JSON-LD block describes its figure and nothing else


def test_a_hostile_json_ld_block_cannot_write_outside_its_figure(records: Path, tmp_path: Path) -> None:
    out = tmp_path / "hostile.nt"
    result = run_cli("convert", str(records / "hostile.md"), "-o", str(out), "--no-void", "-v")
    assert result.returncode == 0, result.stderr
    for kind in ("jsonld-foreign-subject", "jsonld-foreign-type", "jsonld-foreign-predicate", "jsonld-context-ignored"):
        assert f"[{kind}]" in result.stderr and "hostile.md" in result.stderr, kind
    triples = list(ox.parse(path=str(out), format=ox.RdfFormat.N_TRIPLES))
    figure = ox.NamedNode("https://pfocr.wikipathways.org/figures/PMC6459341__hostile.html")
    assert not [t for t in triples if t.subject == ox.NamedNode("https://identifiers.org/ncbigene/3569")]
    assert not [t for t in triples if WP in str(t)]
    assert not [t for t in triples if isinstance(t.object, ox.Literal) and t.object.value == "hijacked"]
    types = {t.object.value for t in triples if t.subject == figure and t.predicate.value == RDF_TYPE}
    assert types == {PFOCR + "PathwayFigure", "http://schema.org/Dataset", "http://schema.org/ImageObject"}  # https: the same
    assert (figure, ox.NamedNode("http://schema.org/keywords"), ox.Literal("IL6")) in {
        (t.subject, t.predicate, t.object) for t in triples
    }
    # a relative @id has no base in a record: dropped and said, never resolved against a made-up one
    assert "relative IRI 'relative-thing' has no base" in result.stderr
    assert not [t for t in triples if "relative-thing" in str(t) or "example.org" in str(t)]
    # the rest of the record is kept: its title, organism, licence and its gene
    kept = {t.predicate.value for t in triples if t.subject == figure}
    assert {"http://purl.org/dc/elements/1.1/title", PFOCR + "organism", "http://schema.org/license"} <= kept
    assert any(t.predicate.value == PFOCR + "ncbiGene" for t in triples)


# ---- joins with WikiPathways


HOSTILE_GENES = {"PMC6459341__hostile": {"3569"}}  # its inline genes list


def figure_genes(with_hostile: bool) -> dict[str, set[str]]:
    """figid -> NCBI Gene ids, from the sample's own files (and the hostile record's list)."""
    found = {path.stem: expected_ids(path.stem)["gene"] for path in SAMPLE_FILES}
    return {**found, **HOSTILE_GENES} if with_hostile else found


def oracle(pathway: str, with_hostile: bool = False) -> dict[str, tuple[int, int, int]]:
    """figid -> (shared, figure genes, pathway genes)."""
    genes = PATHWAY_GENES[pathway]
    return {figid: (len(ids & genes), len(ids), len(genes)) for figid, ids in figure_genes(with_hostile).items() if ids & genes}


def answer(query: str, where: tuple[str, ...]) -> Results:
    """A query answered in this process by the library the command line uses (`where`: --store DIR or
    --endpoint URL), for the many questions of one check; `join_rows` puts the first through the command."""
    option, target = where
    if option == "--store":
        source: EmbeddedStore | Endpoint = EmbeddedStore(target, read_only=True)
    else:
        source = Endpoint(target)
    try:
        found = source.answer(query)
    finally:
        source.close()
    assert isinstance(found, Results)
    return found


def join_rows(name: str, param: str, *where: str, through_the_command: bool = False) -> list[dict[str, str]]:
    key, _, value = param.partition("=")
    query, finishing = resolve_query(name, {key: value})
    found = answer(query, where)
    finish(found, finishing)
    text = to_csv(found)
    if through_the_command:
        result = run_cli("query", name, "-p", param, *where, "-f", "csv")
        assert result.returncode == 0, result.stderr
        assert result.stdout.splitlines() == text.splitlines()
    return list(csv.DictReader(text.splitlines()))


def check_figures_sharing_genes(*where: str, with_hostile: bool = False) -> None:
    for number, pathway in enumerate(PATHWAY_GENES):
        rows = join_rows("figures-sharing-genes", f"pathway={pathway}", *where, through_the_command=number == 0)
        expected = oracle(pathway, with_hostile)
        found = {row["figid"]: (int(row["shared"]), int(row["figureGenes"]), int(row["pathwayGenes"])) for row in rows}
        assert found == expected, pathway
        for row in rows:
            shared, figure_genes, pathway_genes = found[row["figid"]]
            assert float(row["jaccard"]) == pytest.approx(shared / (figure_genes + pathway_genes - shared))
        assert [int(row["shared"]) for row in rows] == sorted((int(row["shared"]) for row in rows), reverse=True)
    assert len(oracle("WP4754")) >= 5 and oracle("WP1") == {}  # the fixture is a real test of the join


def check_pathways_sharing_genes(*where: str, with_hostile: bool = False) -> None:
    for number, (figid, genes_of_figure) in enumerate(figure_genes(with_hostile).items()):
        rows = join_rows("pathways-sharing-genes", f"figure={figid}", *where, through_the_command=number == 0)
        found = {row["wpid"]: (int(row["shared"]), int(row["pathwayGenes"]), int(row["figureGenes"])) for row in rows}
        expected = {
            wpid: (len(genes & genes_of_figure), len(genes), len(genes_of_figure))
            for wpid, genes in PATHWAY_GENES.items()
            if genes & genes_of_figure
        }
        assert found == expected, figid
        for row in rows:
            shared, pathway_genes, figure_genes_n = found[row["wpid"]]
            assert float(row["jaccard"]) == pytest.approx(shared / (pathway_genes + figure_genes_n - shared))
            assert row["title"] in ("IL-6 signaling pathway", "PI3K-Akt signaling pathway")


@pytest.fixture(scope="module")
def joined_store(tmp_path_factory: pytest.TempPathFactory) -> str:
    store = tmp_path_factory.mktemp("joined") / "store"
    for args in ((str(FIXTURE), "--graph", WP_GRAPH), (str(SAMPLE),)):
        result = run_cli("load", *args, "--store", str(store))
        assert result.returncode == 0, result.stderr
    return str(store)


def test_figures_sharing_genes(joined_store: str) -> None:
    check_figures_sharing_genes("--store", joined_store)


def test_pathways_sharing_genes(joined_store: str) -> None:
    check_pathways_sharing_genes("--store", joined_store)


# ---- a real Virtuoso, WikiPathways' own engine


def wikipathways_answers(base: str) -> dict[str, list[dict[str, str]]]:
    """Each WikiPathways question's answer, asked over the SPARQL protocol (what it asks is the point here,
    not our command line, which the joins below go through)."""
    endpoint = Endpoint(f"{base}/sparql")
    try:
        found = {}
        for name, query in WIKIPATHWAYS_QUERIES.items():
            result = endpoint.answer(PREFIXES + query)
            assert isinstance(result, Results), name
            found[name] = result.rows
        return found
    finally:
        endpoint.close()


@pytest.mark.server
def test_wikipathways_answers_do_not_change_and_the_joins_work_in_virtuoso(virtuoso_server: Virtuoso, records: Path) -> None:
    base, password = virtuoso_server.base, {"PFOCR_RDF_PASSWORD": "dba"}
    graph_store = f"{base}/sparql-graph-crud-auth"
    loaded = run_cli("load", str(FIXTURE), "--graph", WP_GRAPH, "--endpoint", graph_store, "--user", "dba", env=password)
    assert loaded.returncode == 0, loaded.stderr
    before = wikipathways_answers(base)
    assert all(before.values()), {name: rows for name, rows in before.items() if not rows}  # each question has an answer
    pfocr = (str(records / "sample"), str(records / "hostile.md"))
    loaded = run_cli("load", *pfocr, "--endpoint", graph_store, "--user", "dba", env=password)
    assert loaded.returncode == 0, loaded.stderr
    assert wikipathways_answers(base) == before
    check_figures_sharing_genes("--endpoint", f"{base}/sparql", with_hostile=True)
    check_pathways_sharing_genes("--endpoint", f"{base}/sparql", with_hostile=True)
