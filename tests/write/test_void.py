"""The VoID description of a conversion: its counts are the output's real counts."""

from __future__ import annotations

import gzip
import re
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib

from conftest import SAMPLE, SEEDS, run_cli

VOID = "http://rdfs.org/ns/void#"
DATASET = "https://pfocr.wikipathways.org/rdf/dataset"
VOCAB = "https://pfocr.wikipathways.org/vocab"  # the tool, the publisher and every pfocr: term
LINK_PREDICATES = {
    "ncbigene": "https://pfocr.wikipathways.org/vocab#ncbiGene",
    "chebi": "https://pfocr.wikipathways.org/vocab#chebi",
    "mesh": "https://pfocr.wikipathways.org/vocab#mesh",
    "doid": "https://pfocr.wikipathways.org/vocab#doid",
}


OX_FORMATS = {
    "nt": ox.RdfFormat.N_TRIPLES,
    "nquads": ox.RdfFormat.N_QUADS,
    "turtle": ox.RdfFormat.TURTLE,
    "trig": ox.RdfFormat.TRIG,
    "json-ld": ox.RdfFormat.JSON_LD,
}


def convert(tmp_path: Path, name: str, *extra: str, env: dict[str, str] | None = None) -> Path:
    out = tmp_path / name
    result = run_cli("convert", str(SAMPLE), str(SEEDS), "-o", str(out), *extra, env=env)
    assert result.returncode == 0, result.stderr
    return out


def integer(store: ox.Store, subject: str, predicate: str) -> int:
    (row,) = list(store.query(f"SELECT ?n WHERE {{ <{subject}> <{predicate}> ?n }}", use_default_graph_as_union=True))
    return int(row["n"].value)


@pytest.fixture(scope="module")
def quads(tmp_path_factory: pytest.TempPathFactory) -> ox.Store:
    store = ox.Store()
    store.load(path=str(convert(tmp_path_factory.mktemp("void"), "out.nq")), format=ox.RdfFormat.N_QUADS)
    return store


def test_void_triples_equal_the_statements_of_the_file(quads: ox.Store) -> None:
    assert integer(quads, DATASET, VOID + "triples") == len(quads)  # papers once in each figure graph holding them


@pytest.mark.parametrize("fmt", ["nt", "nq", "ttl", "trig", "jsonld", "nt.gz"])
def test_one_count_the_summary_void_and_every_parser_agree(tmp_path: Path, fmt: str) -> None:
    out = tmp_path / f"out.{fmt}"
    result = run_cli("convert", str(SAMPLE), str(SEEDS), "-o", str(out))
    assert result.returncode == 0, result.stderr
    summary = re.search(r"records, ([\d,]+) statements written \(([\d,]+) of them describe the dataset\)", result.stderr)
    assert summary is not None, result.stderr
    stated, describing = (int(group.replace(",", "")) for group in summary.groups())
    kind = {"nt": "nt", "nq": "nquads", "ttl": "turtle", "trig": "trig", "jsonld": "json-ld", "nt.gz": "nt"}[fmt]
    data = gzip.decompress(out.read_bytes()) if fmt.endswith(".gz") else out.read_bytes()
    parsed_ox = list(ox.parse(data, format=OX_FORMATS[kind]))
    graph = rdflib.Dataset()
    graph.parse(data=data, format=kind)
    statements_rdflib = sum(len(g) for g in graph.graphs())
    store = ox.Store()
    store.extend(parsed_ox)
    assert stated == len(parsed_ox) == len(store) == statements_rdflib == integer(store, DATASET, VOID + "triples")
    if fmt in {"nq", "trig"}:
        assert describing == sum(q.graph_name == ox.NamedNode(DATASET) for q in parsed_ox)
    else:  # the dataset, its linksets and targets; the tool, the publisher and the pfocr: vocabulary
        assert describing == sum(q.subject.value.startswith((DATASET, VOCAB)) for q in parsed_ox)


def test_void_entities_equal_the_distinct_data_subjects(quads: ox.Store) -> None:
    subjects = {q.subject for q in quads if q.graph_name != ox.NamedNode(DATASET) and isinstance(q.subject, ox.NamedNode)}
    assert integer(quads, DATASET, VOID + "entities") == len(subjects)


@pytest.mark.parametrize("key", sorted(LINK_PREDICATES))
def test_each_linkset_counts_its_link_triples(quads: ox.Store, key: str) -> None:
    predicate = ox.NamedNode(LINK_PREDICATES[key])
    real = {(q.subject, q.object) for q in quads.quads_for_pattern(None, predicate, None)}
    linkset = f"{DATASET}#linkset-{key}"
    assert integer(quads, linkset, VOID + "triples") == len(real) > 0
    (row,) = list(quads.query(f"SELECT ?p WHERE {{ GRAPH ?g {{ <{linkset}> a <{VOID}Linkset> ; <{VOID}linkPredicate> ?p }} }}"))
    assert row["p"] == predicate


def test_the_description_lives_in_its_own_graph_and_says_what_the_spec_asks(quads: ox.Store) -> None:
    graph = ox.NamedNode(DATASET)
    predicates = {q.predicate.value for q in quads.quads_for_pattern(ox.NamedNode(DATASET), None, None, graph)}
    for needed in (
        "http://purl.org/dc/terms/title",
        "http://purl.org/dc/terms/license",
        "http://purl.org/pav/createdOn",
        "http://purl.org/pav/createdWith",
        VOID + "triples",
        VOID + "entities",
        VOID + "vocabulary",
        VOID + "exampleResource",
    ):
        assert needed in predicates
    licence = next(quads.quads_for_pattern(ox.NamedNode(DATASET), ox.NamedNode("http://purl.org/dc/terms/license"), None))
    assert licence.object == ox.NamedNode("http://creativecommons.org/publicdomain/zero/1.0/")


def test_void_vocabulary_names_every_namespace_of_a_predicate_or_class_in_the_file(quads: ox.Store) -> None:
    def namespace(iri: str) -> str:
        return iri[: max(iri.rfind("#"), iri.rfind("/")) + 1]

    rdf_type = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
    used = {namespace(q.predicate.value) for q in quads}
    used |= {namespace(q.object.value) for q in quads if q.predicate.value == rdf_type}
    named = {q.object.value for q in quads.quads_for_pattern(ox.NamedNode(DATASET), ox.NamedNode(VOID + "vocabulary"), None)}
    assert named == used
    assert "http://www.w3.org/2002/07/owl#" in named  # the vocabulary's own axioms, in the description graph


def test_triple_formats_write_each_paper_once_and_count_it_once(tmp_path: Path) -> None:
    out = convert(tmp_path, "out.nt")
    lines = out.read_text(encoding="utf-8").splitlines()
    assert len(lines) == len(set(lines))  # papers shared by two figures are written once
    store = ox.Store()
    store.load(path=str(out), format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode("urn:x-test:all"))
    assert integer(store, DATASET, VOID + "triples") == len(store) == len(lines)


def test_created_on_comes_from_source_date_epoch(tmp_path: Path) -> None:
    first = convert(tmp_path, "a.nt", env={"SOURCE_DATE_EPOCH": "1700000000"})
    second = convert(tmp_path, "b.nt", env={"SOURCE_DATE_EPOCH": "1700000000"})
    assert first.read_bytes() == second.read_bytes()
    assert '"2023-11-14T22:13:20Z"^^<http://www.w3.org/2001/XMLSchema#dateTime>' in first.read_text(encoding="utf-8")


def test_no_void_leaves_the_description_out(tmp_path: Path) -> None:
    assert VOID not in convert(tmp_path, "a.nt", "--no-void").read_text(encoding="utf-8")


def test_a_paper_described_differently_is_kept_whole_warned_and_counted_once(tmp_path: Path) -> None:
    original = (SAMPLE / "_figures" / "PMC100003__mb2410470011.md").read_text(encoding="utf-8")
    folder = tmp_path / "records"
    folder.mkdir()
    (folder / "a.md").write_text(original, encoding="utf-8")
    second = original.replace("PMC100003__mb2410470011", "PMC100003__mb2410470099").replace("year: '2001'", "year: '2002'")
    (folder / "b.md").write_text(second, encoding="utf-8")
    out = tmp_path / "out.nt"
    result = run_cli("convert", str(folder), "-o", str(out))
    assert result.returncode == 0, result.stderr
    assert "paper-conflict" in result.stderr and "b.md" in result.stderr
    lines = out.read_text(encoding="utf-8").splitlines()
    assert len(lines) == len(set(lines))
    paper = "<https://identifiers.org/pmc/PMC100003> "
    years = sorted(line.split(" ", 2)[2] for line in lines if line.startswith(paper) and "hasPublicationYear" in line)
    assert [year[:7] for year in years] == ['"2001"^', '"2002"^']
    assert sum(line.startswith(paper) for line in lines) == 7  # six triples, and the second year
    store = ox.Store()
    store.load(path=str(out), format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode("urn:x-test:all"))
    assert integer(store, DATASET, VOID + "triples") == len(store) == len(lines)
