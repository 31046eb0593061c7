"""The seeds' output, triple by triple, against golden files reviewed line by line against
VOCABULARY.md; in every output format, each parsed strictly by pyoxigraph, rdflib and rapper."""

from __future__ import annotations

import gzip
import shutil
import subprocess
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib

from conftest import DATA, SEED_FILES, run_cli

GOLDEN = DATA / "golden"
OX_FORMATS = {
    "ttl": ox.RdfFormat.TURTLE,
    "nt": ox.RdfFormat.N_TRIPLES,
    "nq": ox.RdfFormat.N_QUADS,
    "trig": ox.RdfFormat.TRIG,
    "jsonld": ox.RdfFormat.JSON_LD,
}
RDFLIB_FORMATS = {"ttl": "turtle", "nt": "nt", "nq": "nquads", "trig": "trig", "jsonld": "json-ld"}
RAPPER_FORMATS = {"ttl": "turtle", "nt": "ntriples", "nq": "nquads", "trig": "trig"}
FIGURE = {
    "000_ab1ab314842e88f6": "https://pfocr.wikipathways.org/figures/PMC6459341__oncotarget-10-2068-g007.html",
    "002_564be72a036174da": "https://pfocr.wikipathways.org/figures/PMC8932105__12935_2022_2527_Fig7_HTML.html",
}


def golden_lines(seed: Path) -> set[str]:
    return set((GOLDEN / f"{seed.stem}.nt").read_text(encoding="utf-8").splitlines())


def canonical_lines(path: Path, fmt: str) -> tuple[set[str], set[str]]:
    """(triples as canonical N-Triples lines, graph names) parsed strictly by pyoxigraph."""
    quads = list(ox.parse(path=str(path), format=OX_FORMATS[fmt]))
    triples = {f"{q.subject} {q.predicate} {q.object} ." for q in quads}
    graphs = {str(q.graph_name) for q in quads}
    return triples, graphs


@pytest.fixture(scope="module")
def outputs(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str], Path]:
    folder = tmp_path_factory.mktemp("golden")
    made = {}
    for seed in SEED_FILES:
        for fmt in OX_FORMATS:
            out = folder / f"{seed.stem}.{fmt}"
            result = run_cli("convert", str(seed), "-o", str(out), "--no-void")
            assert result.returncode == 0, result.stderr
            made[(seed.stem, fmt)] = out
    return made


@pytest.mark.parametrize("fmt", sorted(OX_FORMATS))
@pytest.mark.parametrize("seed", SEED_FILES, ids=lambda p: p.stem)
def test_seed_output_equals_golden_triples(outputs: dict[tuple[str, str], Path], seed: Path, fmt: str) -> None:
    triples, graphs = canonical_lines(outputs[(seed.stem, fmt)], fmt)
    assert triples == golden_lines(seed)
    if fmt in ("nq", "trig"):
        assert graphs == {f"<{FIGURE[seed.stem]}>"}  # the figure's own named graph
    else:
        assert graphs == {"DEFAULT"}


@pytest.mark.parametrize("fmt", sorted(OX_FORMATS))
@pytest.mark.parametrize("seed", SEED_FILES, ids=lambda p: p.stem)
def test_every_format_parses_in_rdflib_to_the_same_triples(outputs: dict[tuple[str, str], Path], seed: Path, fmt: str) -> None:
    path = outputs[(seed.stem, fmt)]
    if fmt in ("nq", "trig"):
        dataset = rdflib.Dataset()
        dataset.parse(path, format=RDFLIB_FORMATS[fmt])
        triples = {(s, p, o) for s, p, o, _ in dataset.quads((None, None, None, None))}
    else:
        graph = rdflib.Graph()
        graph.parse(path, format=RDFLIB_FORMATS[fmt])
        triples = set(graph)
    golden = rdflib.Graph().parse(GOLDEN / f"{seed.stem}.nt", format="nt")
    assert triples == set(golden)


@pytest.mark.skipif(shutil.which("rapper") is None, reason="raptor's rapper is not installed (Debian package raptor2-utils)")
@pytest.mark.parametrize("fmt", sorted(RAPPER_FORMATS))
@pytest.mark.parametrize("seed", SEED_FILES, ids=lambda p: p.stem)
def test_every_format_parses_in_rapper(outputs: dict[tuple[str, str], Path], seed: Path, fmt: str) -> None:
    path = outputs[(seed.stem, fmt)]
    result = subprocess.run(
        ["rapper", "-q", "-i", RAPPER_FORMATS[fmt], "-o", "ntriples", str(path)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    parsed = rdflib.Graph().parse(data=result.stdout, format="nt")
    golden = rdflib.Graph().parse(GOLDEN / f"{seed.stem}.nt", format="nt")
    assert set(parsed) == set(golden)


def test_rapper_does_not_read_json_ld_so_pyoxigraph_and_rdflib_cover_it() -> None:
    # raptor 2.0.15 has no JSON-LD parser; the JSON-LD output is checked by the two other parsers above.
    assert "jsonld" not in RAPPER_FORMATS


def test_gzip_suffix_compresses_the_same_bytes(tmp_path: Path) -> None:
    plain, packed = tmp_path / "out.nt", tmp_path / "out.nt.gz"
    for out in (plain, packed):
        assert run_cli("convert", str(SEED_FILES[0]), "-o", str(out)).returncode == 0
    assert gzip.decompress(packed.read_bytes()) == plain.read_bytes()


def test_output_to_stdout_is_n_triples_by_default() -> None:
    result = run_cli("convert", str(SEED_FILES[1]), "--no-void", "-q")
    assert result.returncode == 0
    assert set(result.stdout.splitlines()) == golden_lines(SEED_FILES[1])


def test_format_option_overrides_the_extension(tmp_path: Path) -> None:
    out = tmp_path / "out.data"
    assert run_cli("convert", str(SEED_FILES[0]), "-o", str(out), "-f", "ttl", "--no-void").returncode == 0
    triples, _ = canonical_lines(out, "ttl")
    assert triples == golden_lines(SEED_FILES[0])


def test_unknown_extension_without_format_is_a_usage_error(tmp_path: Path) -> None:
    result = run_cli("convert", str(SEED_FILES[0]), "-o", str(tmp_path / "out.data"))
    assert result.returncode == 2
    assert "give --format" in result.stderr
    assert not (tmp_path / "out.data").exists()


def test_turtle_uses_the_spec_prefixes(outputs: dict[tuple[str, str], Path]) -> None:
    text = outputs[(SEED_FILES[0].stem, "ttl")].read_text(encoding="utf-8")
    for prefix, namespace in {
        "schema": "http://schema.org/",
        "dc": "http://purl.org/dc/elements/1.1/",
        "dcterms": "http://purl.org/dc/terms/",
        "fabio": "http://purl.org/spar/fabio/",
        "prism": "http://prismstandard.org/namespaces/basic/2.0/",
        "foaf": "http://xmlns.com/foaf/0.1/",
        "pav": "http://purl.org/pav/",
        "void": "http://rdfs.org/ns/void#",
        "pfocr": "https://pfocr.wikipathways.org/vocab#",
    }.items():
        assert f"@prefix {prefix}: <{namespace}> ." in text
    assert "a pfocr:PathwayFigure, schema:Dataset ;" in text
    assert '"0.9323118"^^xsd:double' in text  # the lexical form as given, not 9.323118e-01
