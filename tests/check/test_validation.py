"""SHACL validation: broken records caught by the shape meant for them, reports, and the fast engine
held equal to pySHACL on the sample and on every mutated record."""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib

from pfocr_rdf.api import record_graph
from pfocr_rdf.check.compiler import ShapesGraph
from pfocr_rdf.check.report import ShapesError
from pfocr_rdf.check.validate import load_shapes, reference_results
from pfocr_rdf.rdf.graph import NodeMap, merge_nodes
from pfocr_rdf.read.rdfio import read_merged

from conftest import FIGURES, ROOT, SAMPLE, SAMPLE_FILES, SEED_FILES, SEEDS, TABLES, run_cli

SH = rdflib.Namespace("http://www.w3.org/ns/shacl#")
GENES_FIGURE = "PMC10034769__fphar-14-1067402-g009"  # genes, chemicals and diseases TSVs (rat)


def copy_record(tmp_path: Path, figid: str) -> Path:
    folder = tmp_path / "records"
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(FIGURES / f"{figid}.md", folder / f"{figid}.md")
    for table in TABLES.glob(f"{figid}-*.tsv"):
        shutil.copy(table, folder / table.name)
    return folder / f"{figid}.md"


def edit(path: Path, pattern: str, replacement: str, count: int = 1) -> None:
    text, n = re.subn(pattern, replacement, path.read_text(encoding="utf-8"), count=count, flags=re.MULTILINE)
    assert n, f"{pattern!r} not found in {path}"
    path.write_text(text, encoding="utf-8")


def edit_table(record: Path, kind: str, column: str, value: str, row: int = 1) -> None:
    table = record.with_name(record.stem + f"-{kind}.tsv")
    lines = table.read_text(encoding="utf-8").splitlines()
    header = lines[0].split("\t")
    cells = lines[row].split("\t")
    cells[header.index(column)] = value
    lines[row] = "\t".join(cells)
    table.write_text("\n".join(lines) + "\n", encoding="utf-8")


@dataclass(frozen=True)
class Breakage:
    name: str
    figid: str
    mutate: Callable[[Path], None]
    shape: str  # the shape meant to catch it
    field: str  # the field the message must name


BREAKAGES = [
    Breakage(
        "missing title",
        SEED_FILES[0].stem,
        lambda r: edit(r, r"^figtitle: [^\n]*\n(  [^\n]*\n)*", ""),
        "Figure-title",
        "figtitle",
    ),
    Breakage("malformed PMCID", GENES_FIGURE, lambda r: edit(r, r"^pmcid: PMC", "pmcid: PMCID"), "Paper-pmcid", "pmcid"),
    Breakage(
        "pathway score 7.5",
        GENES_FIGURE,
        lambda r: edit(r, r"^automl_pathway: .*$", "automl_pathway: 7.5"),
        "Figure-score",
        "automl_pathway",
    ),
    Breakage("year 20x9", GENES_FIGURE, lambda r: edit(r, r"^year: .*$", "year: '20x9'"), "Paper-year", "year"),
    Breakage("no figid", GENES_FIGURE, lambda r: edit(r, r"^figid: .*\n", ""), "Figure-identifier", "figid"),
    Breakage(
        "non-numeric gene id",
        GENES_FIGURE,
        lambda r: edit_table(r, "genes", "ncbigene_id", "IL6x"),
        "GeneMention-entrez",
        "genes TSV column ncbigene_id (entrez in inline lists)",
    ),
    Breakage(
        "junk licence",
        GENES_FIGURE,
        lambda r: edit(r, r"^  license: CC0$", "  license: all rights reserved"),
        "Figure-licence",
        "schema-jsonld.license",
    ),
    Breakage("malformed DOI", GENES_FIGURE, lambda r: edit(r, r"^doi: .*$", "doi: doi.org/fphar.2023"), "Paper-doi", "doi"),
    Breakage(
        "malformed ChEBI id",
        "PMC10033690__41598_2023_31603_Fig1_HTML",
        lambda r: edit_table(r, "chemicals", "chebi", "chebi:5855x"),
        "ChemicalMention-chebi",
        "chemicals TSV column chebi",
    ),
    Breakage(
        "malformed DOID",
        GENES_FIGURE,
        lambda r: edit_table(r, "diseases", "doid", "doid:DOID-x"),
        "DiseaseMention-doid",
        "diseases TSV column doid",
    ),
    Breakage(
        "malformed NDEx id", SEED_FILES[0].stem, lambda r: edit(r, r"^ndex: .*$", "ndex: not-a-uuid"), "Figure-ndex", "ndex"
    ),
    Breakage(
        "malformed WikiPathways id",
        "PMC6365454__fnins-13-00025-g0002",
        lambda r: edit(r, r"^wpid: .*$", "wpid: WP52x3"),
        "Figure-wikipathways",
        "wpid",
    ),
    Breakage(
        "negative count",
        GENES_FIGURE,
        lambda r: edit_table(r, "genes", "count_direct", "-4"),
        "GeneMatchCounts-direct",
        "genes TSV column count_direct",
    ),
    Breakage(
        "non-numeric gene organism",
        GENES_FIGURE,
        lambda r: edit_table(r, "genes", "organism_id", "rat"),
        "GeneMention-organism",
        "genes TSV column organism_id",
    ),
    Breakage(
        "placeholder name without a title",
        "PMC10031380__sc1",
        lambda r: edit(r, r"^figtitle: [^\n]*\n(  [^\n]*\n)*", ""),
        "Figure-name",
        "schema-jsonld.name",
    ),
    Breakage(
        "malformed MeSH id",
        "PMC10033690__41598_2023_31603_Fig1_HTML",
        lambda r: edit_table(r, "chemicals", "mesh", "mesh:D00-7052"),
        "ChemicalMention-mesh",
        "chemicals TSV column mesh",
    ),
]


def broken_record(tmp_path: Path, breakage: Breakage) -> Path:
    source = SEEDS / f"{breakage.figid}.txt"
    if source.exists():
        folder = tmp_path / "records"
        folder.mkdir(parents=True, exist_ok=True)
        record = folder / source.name
        shutil.copy(source, record)
    else:
        record = copy_record(tmp_path, breakage.figid)
    breakage.mutate(record)
    return record


@pytest.mark.parametrize("breakage", BREAKAGES, ids=lambda b: b.name)
def test_each_broken_record_is_caught_by_its_shape(tmp_path: Path, breakage: Breakage) -> None:
    record = broken_record(tmp_path, breakage)
    result = run_cli("validate", str(record))
    assert result.returncode == 1, result.stdout + result.stderr
    lines = [line for line in result.stdout.splitlines() if f"[shape:{breakage.shape}]" in line]
    assert lines, result.stdout
    assert all(line.startswith(f"  violation {breakage.field}: ") for line in lines), lines
    assert result.stdout.startswith(f"{record}: ")  # grouped under the file


@pytest.mark.parametrize("breakage", BREAKAGES, ids=lambda b: b.name)
def test_convert_leaves_a_broken_record_out_and_keeps_it_in_the_rejects_file(tmp_path: Path, breakage: Breakage) -> None:
    record = broken_record(tmp_path, breakage)
    out, rejects = tmp_path / "out.nq", tmp_path / "rejects.nq"
    result = run_cli(
        "convert",
        str(record),
        str(SEED_FILES[1]) if breakage.figid != SEED_FILES[1].stem else str(SAMPLE_FILES[0]),
        "-o",
        str(out),
        "--rejects",
        str(rejects),
    )
    assert result.returncode == 1
    assert f"error: {record}: {breakage.field}: " in result.stderr and f"[shape:{breakage.shape}]" in result.stderr
    assert "1 of them rejected by validation" in result.stderr
    written = list(ox.parse(path=str(out), format=ox.RdfFormat.N_QUADS))
    kept = list(ox.parse(path=str(rejects), format=ox.RdfFormat.N_QUADS))
    named = {str(q.graph_name) for q in written if isinstance(q.graph_name, ox.NamedNode)}
    assert named & {str(q.graph_name) for q in kept if isinstance(q.graph_name, ox.NamedNode)} == set()
    assert len(kept) > 20  # the whole record, not just the offending triple


def test_no_validate_keeps_the_record(tmp_path: Path) -> None:
    record = broken_record(tmp_path, BREAKAGES[2])
    result = run_cli("convert", str(record), "-o", str(tmp_path / "out.nt"), "--no-validate")
    assert result.returncode == 0
    assert '"7.5"^^<http://www.w3.org/2001/XMLSchema#double>' in (tmp_path / "out.nt").read_text()


def rdf_of(figid: str) -> NodeMap:
    return record_graph(FIGURES / f"{figid}.md").nodes


def write_nt(nodes: NodeMap, path: Path) -> Path:
    path.write_text(
        "".join(f"{s} {p} {o} .\n" for s, props in nodes.items() for p, objs in props.items() for o in objs), encoding="utf-8"
    )
    return path


def first_gene(nodes: NodeMap) -> dict[str, list[str]]:
    return next(props for s, props in nodes.items() if "#gene-" in s and "#gene-counts" not in s)


RDF_BREAKAGES = {
    "gene mention without a figure": (
        "Mention-figure",
        "figid",
        lambda n: first_gene(n).pop("<http://purl.org/dc/terms/isPartOf>"),
    ),
    "mention of two figures": (
        "Mention-figure",
        "figid",
        lambda n: first_gene(n)["<http://purl.org/dc/terms/isPartOf>"].append(
            "<https://pfocr.wikipathways.org/figures/PMC1__other.html>"
        ),
    ),
    "two titles": (
        "Figure-title",
        "figtitle",
        lambda n: n[next(iter(n))]["<http://purl.org/dc/elements/1.1/title>"].append('"Another title"'),
    ),
    "placeholder name": (
        "Figure-name",
        "schema-jsonld.name",
        lambda n: n[next(iter(n))].__setitem__("<http://schema.org/name>", ['"CreativeWork"']),
    ),
}


@pytest.mark.parametrize("name", sorted(RDF_BREAKAGES))
def test_broken_rdf_is_caught_by_its_shape(tmp_path: Path, name: str) -> None:
    shape, field, mutate = RDF_BREAKAGES[name]
    nodes = rdf_of(GENES_FIGURE)
    mutate(nodes)
    path = write_nt(nodes, tmp_path / "broken.nt")
    result = run_cli("validate", str(path))
    assert result.returncode == 1
    assert any(line.startswith(f"  violation {field}: ") and f"[shape:{shape}]" in line for line in result.stdout.splitlines()), (
        result.stdout
    )


def test_at_least_twelve_kinds_of_breakage_are_covered() -> None:
    assert len(BREAKAGES) + len(RDF_BREAKAGES) >= 12
    assert len({b.shape for b in BREAKAGES} | {s for s, _, _ in RDF_BREAKAGES.values()}) >= 12


def test_seeds_and_sample_validate_with_no_violation_and_warnings_listed() -> None:
    result = run_cli("validate", str(SEEDS), str(SAMPLE))
    assert result.returncode == 0, result.stdout
    assert "pfocr-rdf validate: 47 files, 0 with violations" in result.stdout
    assert "  warning   organisms: the organism name is not known" in result.stdout
    assert "  violation" not in result.stdout


def test_report_is_a_standard_shacl_validation_report(tmp_path: Path) -> None:
    record = broken_record(tmp_path, BREAKAGES[2])
    report = tmp_path / "report.ttl"
    assert run_cli("validate", str(record), "--report", str(report)).returncode == 1
    graph = rdflib.Graph().parse(report, format="turtle")
    rows = list(
        graph.query("""
        PREFIX sh: <http://www.w3.org/ns/shacl#>
        SELECT ?conforms ?focus ?severity ?shape ?value WHERE {
            ?report a sh:ValidationReport ; sh:conforms ?conforms ; sh:result ?r .
            ?r a sh:ValidationResult ; sh:focusNode ?focus ; sh:resultSeverity ?severity ; sh:sourceShape ?shape .
            OPTIONAL { ?r sh:value ?value } }""")
    )
    assert rows and all(row.conforms.toPython() is False for row in rows)
    score = [row for row in rows if str(row.shape).endswith("#Figure-score")]
    assert len(score) == 1 and score[0].severity == SH.Violation and str(score[0].value) == "7.5"
    assert str(score[0].focus) == f"https://pfocr.wikipathways.org/figures/{GENES_FIGURE}.html"


def test_report_conforms_only_without_any_result_as_shacl_defines(tmp_path: Path) -> None:
    report = tmp_path / "report.ttl"
    no_genes = FIGURES / "PMC100028__ii1110348001.md"  # a chemicals table only: the "no genes" warning
    assert run_cli("validate", str(no_genes), "--tables", str(TABLES), "--report", str(report)).returncode == 0  # warnings pass
    graph = rdflib.Graph().parse(report, format="turtle")
    results = list(graph.objects(predicate=SH.result))
    assert results and all(graph.value(r, SH.resultSeverity) == SH.Warning for r in results)
    assert next(graph.objects(None, SH.conforms)).toPython() is False  # SHACL: any result, whatever its severity
    shapes_dir = tmp_path / "shapes"
    shapes_dir.mkdir()
    (shapes_dir / "s.ttl").write_text("""@prefix sh: <http://www.w3.org/ns/shacl#> .
    <http://example.org/S> sh:targetClass <http://example.org/Nothing> ; sh:property [ sh:path <http://example.org/p> ; sh:minCount 1 ] .""")
    assert run_cli("validate", str(SEED_FILES[0]), "--shapes", str(shapes_dir), "--report", str(report)).returncode == 0
    graph = rdflib.Graph().parse(report, format="turtle")
    assert next(graph.objects(None, SH.conforms)).toPython() is True and not list(graph.objects(predicate=SH.result))


def test_report_has_a_result_path_for_every_property_shape_and_no_empty_message(tmp_path: Path) -> None:
    shapes_dir = tmp_path / "shapes"
    shapes_dir.mkdir()
    (shapes_dir / "s.ttl").write_text("""@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <http://example.org/> .
    ex:S sh:targetNode ex:x ; sh:property ex:P, ex:Q .
    ex:P sh:path ex:p ; sh:minCount 2 .
    ex:Q sh:path [ sh:inversePath ex:q ] ; sh:minCount 1 ; sh:message "needs a q" .""")
    data = tmp_path / "d.nt"
    data.write_text("<http://example.org/x> <http://example.org/p> <http://example.org/y> .\n")
    report = tmp_path / "report.ttl"
    assert run_cli("validate", str(data), "--shapes", str(shapes_dir), "--report", str(report)).returncode == 1
    graph = rdflib.Graph().parse(report, format="turtle")
    results = {graph.value(r, SH.sourceShape): r for r in graph.objects(predicate=SH.result)}
    ex = rdflib.Namespace("http://example.org/")
    assert set(results) == {ex.P, ex.Q}
    assert graph.value(results[ex.P], SH.resultPath) == ex.p
    assert graph.value(graph.value(results[ex.Q], SH.resultPath), SH.inversePath) == ex.q
    assert graph.value(results[ex.P], SH.resultMessage) is None
    assert str(graph.value(results[ex.Q], SH.resultMessage)) == "needs a q"


def test_json_format(tmp_path: Path) -> None:
    record = broken_record(tmp_path, BREAKAGES[3])
    result = run_cli("validate", str(record), str(SEED_FILES[1]), "--format", "json")
    assert result.returncode == 1
    data = json.loads(result.stdout)
    assert data["conforms"] is False
    by_file = {entry["file"]: entry for entry in data["files"]}
    assert by_file[str(SEED_FILES[1])]["conforms"] is True
    year = [r for r in by_file[str(record)]["results"] if r["sourceShape"].endswith("#Paper-year")]
    assert year == [
        {
            "severity": "Violation",
            "field": "year",
            "message": "the publication year must be one plausible four-digit year (1800-2099)",
            "focusNode": "https://identifiers.org/pmc/PMC10034769",
            "resultPath": "http://purl.org/spar/fabio/hasPublicationYear",
            "value": "20x9",
            "valueDatatype": "http://www.w3.org/2001/XMLSchema#gYear",
            "sourceShape": "https://pfocr.wikipathways.org/shapes#Paper-year",
            "sourceConstraintComponent": "http://www.w3.org/ns/shacl#AndConstraintComponent",
        },  # one result: "20x9" is neither an xsd:gYear (XSD 1.1 part 2, 3.3.11) nor in range
    ]


def _check_json_report_shape(data: object) -> None:
    """The JSON report's shape as the README's "JSON report" section documents it."""
    assert isinstance(data, dict) and set(data) == {"conforms", "files", "warnings"} and isinstance(data["conforms"], bool)
    for finding in data["warnings"]:  # about the run: unmapped fields, skipped organism pages
        assert (
            {"source", "kind", "message", "severity"}
            <= set(finding)
            <= {"source", "kind", "message", "severity", "field", "line"}
        )
    for entry in data["files"]:
        assert set(entry) - {"error"} == {"file", "conforms", "results", "warnings"}
        assert isinstance(entry["file"], str) and isinstance(entry["conforms"], bool)
        if "error" in entry:
            assert {"source", "kind", "message", "severity"} <= set(entry["error"])
        for finding in entry["warnings"]:  # the conversion's own (a skipped table, a ragged row)
            assert {"source", "kind", "message", "severity"} <= set(finding) and finding["severity"] == "warning"
        for result in entry["results"]:
            required = {"severity", "field", "message", "focusNode", "resultPath", "value", "sourceShape",
                        "sourceConstraintComponent"}  # fmt: skip
            extra = {"valueDatatype", "valueLanguage", "focusNodeDatatype", "focusNodeLanguage"}
            assert required <= set(result) <= required | extra
            for key in ("focusNode", "value"):  # a literal: its datatype or its language, never both
                assert not {key + "Datatype", key + "Language"} <= set(result)
                assert result[key] is not None or not {key + "Datatype", key + "Language"} & set(result)
            assert result["severity"] in {"Violation", "Warning", "Info"}
            for key in ("focusNode", "sourceShape", "sourceConstraintComponent"):
                assert isinstance(result[key], str) and not result[key].startswith("<")
            path = result["resultPath"]
            assert path is None or (isinstance(path, str) and not path.startswith(("<", "^"))) or set(path) == {"inversePath"}
            assert result["value"] is None or not result["value"].startswith(("<", '"'))


def test_json_report_shape_holds_for_every_kind_of_result(tmp_path: Path) -> None:
    records = [broken_record(tmp_path, breakage) for breakage in BREAKAGES]
    unreadable = tmp_path / "unreadable.ttl"
    unreadable.write_text("this is not turtle\n")
    result = run_cli("validate", *map(str, records), str(SEED_FILES[0]), str(unreadable), "--format", "json")
    assert result.returncode == 2  # the unreadable file
    data = json.loads(result.stdout)
    _check_json_report_shape(data)
    everything = [r for entry in data["files"] for r in entry["results"]]
    assert any(r["resultPath"] is None for r in everything) or any(r["value"] is None for r in everything)
    assert any(r["severity"] == "Warning" for r in everything) and any(r["severity"] == "Violation" for r in everything)
    assert any("error" in entry for entry in data["files"])


def test_json_report_literals_carry_their_datatype_or_language_focus_nodes_too(tmp_path: Path) -> None:
    """README, "JSON report": a literal, as a value or as a focus node, is its lexical form with its datatype
    (a plain string's: xsd:string) or its language beside it; an IRI is plain, a blank node its _: label."""
    shapes = tmp_path / "shapes"
    shapes.mkdir()
    (shapes / "labels.ttl").write_text(
        """@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
<urn:x:LabelValue> a sh:NodeShape ; sh:targetObjectsOf rdfs:label ; sh:datatype <urn:x:no-such-type> .
<urn:x:Labelled> a sh:NodeShape ; sh:targetSubjectsOf rdfs:label ;
  sh:property [ sh:path rdfs:label ; sh:datatype <urn:x:no-such-type> ] .
""",
        encoding="utf-8",
    )
    data = tmp_path / "labels.ttl"
    data.write_text(
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        '<urn:x:a> rdfs:label "plain" .\n[] rdfs:label "tagged"@en, "7"^^<urn:x:seven> .\n',
        encoding="utf-8",
    )
    result = run_cli("validate", str(data), "--shapes", str(shapes), "--format", "json")
    assert result.returncode == 1, result.stderr
    report = json.loads(result.stdout)
    _check_json_report_shape(report)
    found = report["files"][0]["results"]
    xsd_string = "http://www.w3.org/2001/XMLSchema#string"
    literals = {r["focusNode"]: r for r in found if r["sourceShape"] == "urn:x:LabelValue"}
    assert {k: v for k, v in literals["plain"].items() if k.startswith(("focusNode", "value"))} == {
        "focusNode": "plain", "focusNodeDatatype": xsd_string, "value": "plain", "valueDatatype": xsd_string,
    }  # fmt: skip
    assert {k: v for k, v in literals["tagged"].items() if k.startswith(("focusNode", "value"))} == {
        "focusNode": "tagged", "focusNodeLanguage": "en", "value": "tagged", "valueLanguage": "en",
    }  # fmt: skip
    assert literals["7"]["focusNodeDatatype"] == literals["7"]["valueDatatype"] == "urn:x:seven"
    subjects = [r for r in found if r["sourceShape"] != "urn:x:LabelValue"]
    assert [(r["value"], r["valueDatatype"]) for r in subjects if r["focusNode"] == "urn:x:a"] == [("plain", xsd_string)]
    blank = [r for r in subjects if r["focusNode"] != "urn:x:a"]
    assert len(blank) == 2 and all(r["focusNode"].startswith("_:") and "focusNodeDatatype" not in r for r in blank)
    assert all("valueDatatype" in r or "valueLanguage" in r for r in subjects)


@pytest.mark.parametrize("fmt", ["ttl", "nt", "nq", "trig", "jsonld", "nt.gz"])
def test_rdf_files_of_every_format_validate(tmp_path: Path, fmt: str) -> None:
    out = tmp_path / f"out.{fmt}"
    assert run_cli("convert", str(SEEDS), str(FIGURES / f"{GENES_FIGURE}.md"), "-o", str(out)).returncode == 0
    result = run_cli("validate", str(out))
    assert result.returncode == 0, result.stdout
    assert result.stdout.startswith(f"{out}: conforms")


def test_quiet_shows_only_files_with_problems_but_counts_every_file(tmp_path: Path) -> None:
    bad = tmp_path / "bad.ttl"
    bad.write_text("<http://a> <http://b> .\n")
    result = run_cli("validate", "-q", str(bad), *map(str, SEED_FILES))
    lines = result.stdout.splitlines()
    assert result.returncode == 2
    assert [line.split(":")[0] for line in lines[:-1]] == [str(bad)]
    assert lines[-1].startswith(f"pfocr-rdf validate: {len(SEED_FILES) + 1} files, 0 with violations, ")


def test_unreadable_input_exits_2(tmp_path: Path) -> None:
    bad = tmp_path / "bad.ttl"
    bad.write_text("<http://a> <http://b> .\n")
    result = run_cli("validate", str(bad), str(SEED_FILES[0]))
    assert result.returncode == 2
    assert f"{bad}: could not be read: not valid Turtle" in result.stdout
    record = tmp_path / "r.md"
    record.write_text("---\nfigid: [unclosed\n---\n")
    assert run_cli("validate", str(record)).returncode == 2


def test_no_report_says_conforms_when_an_input_could_not_be_read(tmp_path: Path) -> None:
    """A SHACL validation report is the result of validating a data graph; an unreadable input has none, so
    no report is written; an earlier one at that path stays as it was (as every output of a failed run does),
    and the run says no report was written."""
    bad = tmp_path / "bad.nt"
    bad.write_text('<http://example.org/a> <http://example.org/p> "x"\n')
    report = tmp_path / "report.ttl"
    result = run_cli("validate", str(bad), "--report", str(report))
    assert result.returncode == 2 and not report.exists()
    assert f"pfocr-rdf: no report written to {report}: an input could not be read" in result.stderr
    assert run_cli("validate", str(SEED_FILES[1]), "--report", str(report)).returncode == 0
    earlier = report.read_bytes()
    result = run_cli("validate", str(SEED_FILES[1]), str(bad), "--report", str(report))
    assert result.returncode == 2 and report.read_bytes() == earlier
    assert f"pfocr-rdf: no report written to {report}: an input could not be read" in result.stderr


@pytest.mark.parametrize("engine", ["fast", "pyshacl"])
def test_report_keeps_the_language_of_a_message(tmp_path: Path, engine: str) -> None:
    """SHACL 5.6.2: sh:resultMessage has the values of sh:message, language tags included."""
    shapes_dir = tmp_path / "shapes"
    shapes_dir.mkdir()
    (shapes_dir / "s.ttl").write_text("""@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <http://example.org/> .
    ex:S sh:targetNode ex:x ; sh:property [ sh:path ex:p ; sh:minCount 1 ; sh:message "Test message"@en ] .""")
    data = tmp_path / "d.nt"
    data.write_text('<http://example.org/x> <http://example.org/q> "1" .\n')
    report = tmp_path / "report.ttl"
    assert (
        run_cli("validate", str(data), "--shapes", str(shapes_dir), "--engine", engine, "--report", str(report)).returncode == 1
    )
    graph = rdflib.Graph().parse(report, format="turtle")
    assert list(graph.objects(predicate=SH.resultMessage)) == [rdflib.Literal("Test message", lang="en")]


def test_report_blank_nodes_are_not_the_datas(tmp_path: Path) -> None:
    """The report's own nodes get labels no blank node of the results uses: `_:result1` in the data stays the
    focus node, not the result."""
    shapes_dir = tmp_path / "shapes"
    shapes_dir.mkdir()
    (shapes_dir / "s.ttl").write_text("""@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <http://example.org/> .
    ex:S sh:targetSubjectsOf ex:q ; sh:property ex:P . ex:P sh:path ex:name ; sh:minCount 1 .""")
    data = tmp_path / "d.nt"
    data.write_text('_:result1 <http://example.org/q> "1" .\n_:report <http://example.org/q> "2" .\n')
    report = tmp_path / "report.ttl"
    assert run_cli("validate", str(data), "--shapes", str(shapes_dir), "--report", str(report)).returncode == 1
    graph = rdflib.Graph().parse(report, format="turtle")
    (validation_report,) = graph.subjects(rdflib.RDF.type, SH.ValidationReport)
    results = set(graph.objects(validation_report, SH.result))
    focus_nodes = {graph.value(result, SH.focusNode) for result in results}
    assert len(results) == len(focus_nodes) == 2
    assert not focus_nodes & (results | {validation_report})
    assert all(not set(graph.predicate_objects(node)) for node in focus_nodes)  # the data's nodes, said nothing of


def test_a_record_on_stdin_is_read_once_and_validated(tmp_path: Path) -> None:
    result = run_cli("validate", "-", input=SEED_FILES[1].read_text(encoding="utf-8"))
    assert result.returncode == 0, result.stdout
    assert result.stdout.startswith("<stdin>: conforms")


def test_missing_path_is_a_usage_error(tmp_path: Path) -> None:
    assert run_cli("validate", str(tmp_path / "nothing")).returncode == 2


# ---- the shapes themselves


def shapes_graph() -> rdflib.Graph:
    graph = rdflib.Graph()
    for path in sorted((ROOT / "shapes").glob("*.ttl")):
        graph.parse(path, format="turtle")
    return graph


def test_every_shape_explains_itself() -> None:
    graph = shapes_graph()
    shapes = set(graph.subjects(rdflib.RDF.type, SH.PropertyShape)) | set(graph.subjects(rdflib.RDF.type, SH.NodeShape))
    assert len(shapes) > 40
    for shape in shapes:
        assert graph.value(shape, rdflib.RDFS.comment), f"{shape} has no rdfs:comment"
        if (shape, rdflib.RDF.type, SH.PropertyShape) in graph:
            assert graph.value(shape, SH.message), f"{shape} has no sh:message"


def test_severities_are_violation_or_warning() -> None:
    severities = set(shapes_graph().objects(predicate=SH.severity))
    assert severities == {SH.Warning}  # everything else is the default, sh:Violation


def test_shapes_load_from_the_package() -> None:
    from pfocr_rdf.check.validate import shapes_dir

    assert (shapes_dir() / "pfocr.ttl").is_file()
    assert load_shapes().top


def test_unsupported_shape_features_are_refused_not_ignored() -> None:
    text = """@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <http://example.org/> .
    ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:property [ sh:path ex:a ; sh:sparql [ sh:select "SELECT $this {}" ] ] ."""
    with pytest.raises(ShapesError, match="sh:sparql"):
        ShapesGraph.from_turtle(text)


# ---- differential: the fast engine against pySHACL


def merged(graphs: list[NodeMap]) -> NodeMap:
    out: NodeMap = {}
    for nodes in graphs:
        merge_nodes(out, nodes)
    return out


def test_per_record_results_equal_pyshacl_on_the_whole_merged_sample() -> None:
    shapes = load_shapes()
    graphs = [record_graph(path).nodes for path in SAMPLE_FILES + SEED_FILES]
    per_record = {result for nodes in graphs for result in shapes.validate(nodes)}
    reference = set(reference_results(merged(graphs)))
    assert per_record == reference
    assert reference  # the sample has warnings, so the comparison is not vacuous


def test_per_record_results_equal_pyshacl_on_every_mutated_record(tmp_path: Path) -> None:
    shapes = load_shapes()
    graphs = []
    for n, breakage in enumerate(BREAKAGES):
        record = broken_record(tmp_path / str(n), breakage)
        graphs.append(record_graph(record).nodes)
    for name in sorted(RDF_BREAKAGES):
        nodes = rdf_of(GENES_FIGURE)
        RDF_BREAKAGES[name][2](nodes)
        graphs.append(nodes)
    for nodes in graphs:  # each mutated record against pySHACL on its own
        assert set(shapes.validate(nodes)) == set(reference_results(nodes))


def test_the_dataset_description_validates_like_pyshacl(tmp_path: Path) -> None:
    out = tmp_path / "out.nq"
    assert run_cli("convert", str(SEEDS), "-o", str(out)).returncode == 0
    nodes = read_merged(str(out))
    description = {s: p for s, p in nodes.items() if s.startswith("<https://pfocr.wikipathways.org/rdf/dataset")}
    assert load_shapes().validate(description) == reference_results(description) == []
    broken = {s: dict(p) for s, p in description.items()}
    dataset = "<https://pfocr.wikipathways.org/rdf/dataset>"
    broken[dataset]["<http://rdfs.org/ns/void#triples>"] = ['"-1"^^<http://www.w3.org/2001/XMLSchema#integer>']
    broken[dataset]["<http://purl.org/dc/terms/license>"] = ["<http://example.org/licence>"]
    ours = set(load_shapes().validate(broken))
    assert ours == set(reference_results(broken)) and len(ours) == 2
