"""The Python API: read a record, a record's graph, convert many (README, "Python API")."""

from __future__ import annotations

from pathlib import Path

import pytest
import rdflib

from pfocr_rdf import convert, read_record, record_graph, record_rdflib_graph
from pfocr_rdf.errors import RecordError

from conftest import DATA, FIGURES, SEED_FILES, SEEDS


def test_read_record_returns_the_normalised_record() -> None:
    record = read_record(SEED_FILES[1])
    assert record.figid == "PMC8932105__12935_2022_2527_Fig7_HTML"
    assert record.keywords == ("Tumor-associated macrophages", "Cancer stem cells", "IL-6", "Breast cancer progression")


def test_read_record_from_text() -> None:
    record = read_record("inline.md", text="---\nfigid: PMC1__x\npmcid: PMC1\n---\n")
    assert (record.figid, record.pmcid, record.source) == ("PMC1__x", "PMC1", "inline.md")


def test_read_record_raises_a_record_error_naming_the_file(tmp_path: Path) -> None:
    bad = tmp_path / "bad.md"
    bad.write_text("no front matter\n")
    with pytest.raises(RecordError) as excinfo:
        read_record(bad)
    assert str(bad) in str(excinfo.value)


def test_record_graph_equals_the_golden_triples() -> None:
    graph = record_graph(SEED_FILES[0])
    golden = set((DATA / "golden" / f"{SEED_FILES[0].stem}.nt").read_text(encoding="utf-8").splitlines())
    assert {f"{s} {p} {o} ." for s, p, o in graph.triples()} == golden
    assert graph.figure == "<https://pfocr.wikipathways.org/figures/PMC6459341__oncotarget-10-2068-g007.html>"


def test_record_graph_finds_the_sidecar_tables_like_the_cli() -> None:
    graph = record_graph(FIGURES / "PMC10034769__fphar-14-1067402-g009.md")
    assert any(s.endswith("#gene-117519>") for s in graph.nodes)


def test_record_rdflib_graph() -> None:
    graph = record_rdflib_graph(SEED_FILES[0])
    golden = (DATA / "golden" / f"{SEED_FILES[0].stem}.nt").read_text(encoding="utf-8").splitlines()
    assert isinstance(graph, rdflib.Graph) and len(graph) == len(golden)


def test_convert_writes_a_file_and_returns_the_summary(tmp_path: Path) -> None:
    out = tmp_path / "out.ttl"
    summary = convert([SEEDS], out)
    assert (summary.records, summary.exit_status, len(summary.failures)) == (2, 0, 0)
    goldens = [set((DATA / "golden" / f"{seed.stem}.nt").read_text(encoding="utf-8").splitlines()) for seed in SEED_FILES]
    data = len(goldens[0] | goldens[1])  # taxon labels shared by both seeds are written once
    assert summary.triples == data + summary.description_triples  # one count: every statement of the file
    assert len(rdflib.Graph().parse(out, format="turtle")) == summary.triples
