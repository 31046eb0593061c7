"""NCBI Taxonomy as an organism source (--taxonomy): names.dmp and the taxdump archives in NCBI's exact
format, name classes, ambiguity, the cached index, and what convert reports."""

from __future__ import annotations

import io
import os
import random
import tarfile
from pathlib import Path

import pytest

from pfocr_rdf.api import read_record
from pfocr_rdf.errors import UsageError
from pfocr_rdf.read import taxonomy as taxonomy_module
from pfocr_rdf.read.organisms import bundled_table, name_key
from pfocr_rdf.read.taxonomy import cached_index, open_taxonomy

from conftest import SAMPLE, SAMPLE_FILES, SEED_FILES, run_cli


def dmp_line(taxid: int, name: str, name_class: str, unique: str = "") -> str:
    """One line as NCBI writes it: tax_id\\t|\\tname_txt\\t|\\tunique name\\t|\\tname class\\t|"""
    return f"{taxid}\t|\t{name}\t|\t{unique}\t|\t{name_class}\t|\n"


# Real entries (the ids NCBI gives these organisms), in NCBI's own line order: by tax_id.
REAL = "".join(
    [
        dmp_line(287, "Pseudomonas aeruginosa", "scientific name"),
        dmp_line(287, "Bacterium aeruginosum", "synonym"),
        dmp_line(562, "Escherichia coli", "scientific name"),
        dmp_line(562, "Bacillus coli", "synonym"),
        dmp_line(573, "Klebsiella pneumoniae", "scientific name"),
        dmp_line(3641, "Theobroma cacao", "scientific name"),
        dmp_line(3641, "cacao", "genbank common name"),
        dmp_line(3641, "cocoa", "common name"),
        dmp_line(9606, "Homo sapiens", "scientific name"),
        dmp_line(9606, "Homo sapiens Linnaeus, 1758", "authority"),
        dmp_line(9606, "human", "genbank common name"),
        dmp_line(10090, "Mus musculus", "scientific name"),
        dmp_line(10090, "house mouse", "genbank common name"),
        dmp_line(10090, "mouse", "common name"),
        dmp_line(28901, "Salmonella enterica", "scientific name"),
        dmp_line(28901, "Salmonella choleraesuis", "synonym"),
    ]
)
# Made-up entries (ids from 2,000,000,000 up, which NCBI has not used) for the rules themselves.
RULES = "".join(
    [
        dmp_line(2000000001, "Examplea", "scientific name", "Examplea <beetle>"),
        dmp_line(2000000002, "Examplea", "scientific name", "Examplea <fern>"),
        dmp_line(2000000003, "Exemplum vulgare", "scientific name"),
        dmp_line(2000000003, "mouse", "common name"),  # a second taxon's common name "mouse"
        dmp_line(2000000004, "Exemplum rarum", "scientific name"),
        dmp_line(2000000004, "Exemplum vulgare", "synonym"),  # loses to the scientific name above
        dmp_line(2000000005, "Exemplum  Spatiosum", "scientific name"),
    ]
)


@pytest.fixture
def names_dmp(tmp_path: Path) -> Path:
    path = tmp_path / "names.dmp"
    path.write_text(REAL + RULES, encoding="utf-8", newline="\n")
    return path


def test_every_name_class_resolves_and_a_scientific_name_wins(names_dmp: Path, tmp_path: Path) -> None:
    taxonomy = open_taxonomy(str(names_dmp), str(tmp_path / "cache"))
    found = {name: taxonomy.match(name) for name in ("Theobroma cacao", "cocoa", "Bacillus coli", "HUMAN", "Exemplum vulgare")}
    assert {name: match.taxid for name, match in found.items() if match} == {
        "Theobroma cacao": "3641",
        "cocoa": "3641",
        "Bacillus coli": "562",
        "HUMAN": "9606",
        "Exemplum vulgare": "2000000003",  # scientific name of one taxon, synonym of another
    }
    assert taxonomy.match("homo   sapiens ").taxid == "9606"  # case and spacing ignored, as everywhere
    assert taxonomy.match("exemplum spatiosum").taxid == "2000000005"
    assert taxonomy.match("Dysidea avara") is None


def test_a_name_of_several_taxa_in_its_winning_class_is_ambiguous(names_dmp: Path, tmp_path: Path) -> None:
    taxonomy = open_taxonomy(str(names_dmp), str(tmp_path / "cache"))
    homonym = taxonomy.match("Examplea")
    assert homonym.taxid is None and homonym.taxids == ("2000000001", "2000000002") and homonym.scientific
    mouse = taxonomy.match("mouse")  # a common name of two taxa, no taxon's scientific name
    assert mouse.taxid is None and set(mouse.taxids) == {"10090", "2000000003"} and not mouse.scientific


def test_the_index_is_cached_on_the_file_identity(names_dmp: Path, tmp_path: Path) -> None:
    cache = str(tmp_path / "cache")
    assert cached_index(str(names_dmp), cache) is None
    first = open_taxonomy(str(names_dmp), cache)
    second = open_taxonomy(str(names_dmp), cache)
    assert first.built and not second.built and first.index == second.index
    assert [name for name in os.listdir(cache) if not name.endswith(".sqlite")] == []  # no partial file left
    names_dmp.write_text(REAL + dmp_line(7, "Septima", "scientific name"), encoding="utf-8")
    os.utime(names_dmp, ns=(1, 1))
    changed = open_taxonomy(str(names_dmp), cache)
    assert changed.built and changed.index != first.index
    assert changed.match("Septima").taxid == "7" and changed.match("Examplea") is None


def archive(path: Path, members: dict[str, str]) -> Path:
    with tarfile.open(path, "w:gz") as tar:
        for name, text in members.items():
            data = text.encode("utf-8")
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return path


@pytest.mark.parametrize("name", ["taxdump.tar.gz", "new_taxdump.tar.gz"])
def test_the_taxdump_archives_are_read_in_place(tmp_path: Path, name: str) -> None:
    nodes = "9606\t|\t9605\t|\tspecies\t|\n"
    path = archive(tmp_path / name, {"citations.dmp": "", "nodes.dmp": nodes, "names.dmp": REAL, "readme.txt": "x"})
    taxonomy = open_taxonomy(str(path), str(tmp_path / "cache"))
    assert taxonomy.match("Salmonella choleraesuis").taxid == "28901"
    assert taxonomy.label == f"NCBI Taxonomy ({name})"


def test_bad_files_are_usage_errors_naming_file_and_line(tmp_path: Path) -> None:
    cache = str(tmp_path / "cache")
    bad = tmp_path / "names.dmp"
    bad.write_text(REAL + "9606,Homo sapiens,scientific name\n", encoding="utf-8")
    with pytest.raises(UsageError, match=r"names\.dmp:17: not an NCBI names\.dmp line"):
        open_taxonomy(str(bad), cache)
    empty = tmp_path / "empty.dmp"
    empty.write_text("", encoding="utf-8")
    with pytest.raises(UsageError, match="no names found"):
        open_taxonomy(str(empty), cache)
    no_names = archive(tmp_path / "taxdump.tar.gz", {"nodes.dmp": "1\t|\t1\t|\tno rank\t|\n"})
    with pytest.raises(UsageError, match=r"holds no names\.dmp"):
        open_taxonomy(str(no_names), cache)
    assert [name for name in os.listdir(cache) if name.endswith(".sqlite")] == []  # nothing cached from a bad file


def test_crlf_lines_and_a_unicode_line_break_inside_a_name(tmp_path: Path) -> None:
    path = tmp_path / "names.dmp"
    text = dmp_line(11, "Virus\u2028odd", "scientific name") + dmp_line(12, "Crlf name", "synonym")
    path.write_bytes(text.replace("|\n", "|\r\n", 1).encode("utf-8"))
    taxonomy = open_taxonomy(str(path), str(tmp_path / "cache"))
    assert taxonomy.match("virus odd").taxid == "11"  # U+2028 is white space inside a name, not a line end
    assert taxonomy.match("Crlf name").taxid == "12"


def test_ascii_white_space_inside_a_name_of_an_ascii_file_is_a_space(tmp_path: Path) -> None:
    """A lone vertical tab, form feed or CR in a name matches the name typed with a space (as in a table)."""
    path = tmp_path / "names.dmp"
    path.write_text(
        dmp_line(13, "Vertical\vtab", "synonym") + dmp_line(14, "Form\ffeed", "synonym") + dmp_line(15, "lone\rcr", "synonym"),
        encoding="ascii",
    )
    taxonomy = open_taxonomy(str(path), str(tmp_path / "cache"))
    assert [taxonomy.match(name).taxid for name in ("vertical tab", "form feed", "lone cr")] == ["13", "14", "15"]


def plain_reading(lines: list[tuple[int, str, str]]) -> dict[str, tuple[tuple[str, ...], bool]]:
    """What each name means, worked out directly from (taxid, name, class) triples: the reference."""
    taxa: dict[str, dict[bool, set[int]]] = {}
    for taxid, name, name_class in lines:
        taxa.setdefault(name_key(name), {True: set(), False: set()})[name_class == "scientific name"].add(taxid)
    meaning = {}
    for key, by_class in taxa.items():
        scientific = bool(by_class[True])
        meaning[key] = (tuple(str(taxid) for taxid in sorted(by_class[scientific])), scientific)
    return meaning


def test_lookups_agree_with_a_plain_reading_across_blocks_and_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Tiny chunks, blocks and runs, so that names that are prefixes of others, names of many taxa,
    # duplicate lines and a name's classes spread over several runs all cross block and run boundaries.
    monkeypatch.setattr(taxonomy_module, "_CHUNK", 64)
    monkeypatch.setattr(taxonomy_module, "_BLOCK_LINES", 3)
    monkeypatch.setattr(taxonomy_module, "_RUN_LINES", 17)
    rng = random.Random(17)
    classes = ["scientific name", "synonym", "common name", "genbank common name", "equivalent name", "authority"]
    names = ["".join(rng.choice(["a", "b", "B", " ", "\u00e9"]) for _ in range(rng.randint(1, 4))) for _ in range(300)]
    lines = [(rng.randint(1, 40), name, rng.choice(classes)) for name in names]
    lines += [(taxid, "vole", "common name") for taxid in range(100, 130)]  # one name of 30 taxa
    lines += lines[:20]  # duplicate lines
    rng.shuffle(lines)
    path = tmp_path / "names.dmp"
    path.write_text("".join(dmp_line(*line) for line in lines), encoding="utf-8", newline="\n")
    taxonomy = open_taxonomy(str(path), str(tmp_path / "cache"))
    expected = plain_reading(lines)
    expected.pop("", None)  # a blank name is no name
    assert len(expected) > 50 and sum(len(taxids) > 1 for taxids, _ in expected.values()) > 10
    found = {key: taxonomy.match(key) for key in expected}
    assert {key: (match.taxids, match.scientific) for key, match in found.items() if match} == expected
    assert found["vole"].taxids == tuple(map(str, range(100, 130)))  # spans 10 blocks' worth, kept whole
    for absent in ["", "c", "abbba", "a b b b", "\u00e9\u00e9\u00e9\u00e9\u00e9"]:
        assert taxonomy.match(absent) is None, absent


def test_a_file_refused_half_way_leaves_nothing_in_the_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(taxonomy_module, "_CHUNK", 64)  # several runs are written before the bad line
    monkeypatch.setattr(taxonomy_module, "_RUN_LINES", 2)
    bad = tmp_path / "names.dmp"
    bad.write_text(REAL + "9606\t|\tHomo sapiens\t|\tscientific name\t|\n", encoding="utf-8")
    cache = tmp_path / "cache"
    with pytest.raises(UsageError, match=r"names\.dmp:17: not an NCBI names\.dmp line"):
        open_taxonomy(str(bad), str(cache))
    assert os.listdir(cache) == []  # neither an index nor its partial file


def test_lines_without_a_name_are_not_names(tmp_path: Path) -> None:
    path = tmp_path / "names.dmp"
    path.write_text(dmp_line(5, "", "synonym") + dmp_line(6, " ", "scientific name"), encoding="utf-8")
    with pytest.raises(UsageError, match="no names found"):
        open_taxonomy(str(path), str(tmp_path / "cache"))
    path.write_text(dmp_line(5, "", "synonym") + dmp_line(6, "Sextus", "scientific name"), encoding="utf-8")
    taxonomy = open_taxonomy(str(path), str(tmp_path / "cache"))
    assert taxonomy.match("sextus").taxid == "6" and taxonomy.match("") is None and taxonomy.match("  ") is None


# ---- through the command line --------------------------------------------------------------------


def record_with_organisms(folder: Path, names: list[str]) -> Path:
    text = SEED_FILES[0].read_text(encoding="utf-8")
    head, rest = text.split("organisms:", 1)
    rest = rest.split("\n", 1)[1]
    while rest.startswith("- "):
        rest = rest.split("\n", 1)[1]
    listed = "".join(f"- {name}\n" for name in names)
    path = folder / "record.md"
    path.write_text(head + "organisms:\n" + listed + rest, encoding="utf-8")
    return path


def test_convert_resolves_through_the_taxonomy_and_says_which_source_did(names_dmp: Path, tmp_path: Path) -> None:
    record = record_with_organisms(tmp_path, ["Homo sapiens", "Salmonella enterica", "Examplea", "Dysidea avara"])
    env = {"XDG_CACHE_HOME": str(tmp_path / "cache")}
    out = tmp_path / "out.nt"
    result = run_cli("convert", str(record), "-o", str(out), "--taxonomy", str(names_dmp), env=env)
    assert result.returncode == 0, result.stderr
    text = out.read_text(encoding="utf-8")
    assert "<http://purl.obolibrary.org/obo/NCBITaxon_28901>" in text
    assert "NCBITaxon_2000000001" not in text and "NCBITaxon_2000000002" not in text  # ambiguous: not guessed
    assert "indexing" in result.stderr  # the first run says why it takes a while
    # Homo sapiens and the five organisms_ner names come from the bundled table
    assert "organisms: 7 names resolved: 6 by the bundled table, 1 by NCBI Taxonomy (names.dmp); 2 unresolved" in result.stderr
    assert "warning: ambiguous-organism: 1 in all" in result.stderr
    assert "it is the scientific name of 2 taxa (2000000001, 2000000002); not guessed" in result.stderr
    # one warning per cause: the unknown name is reported once, not again by its SHACL shape
    assert "warning: unknown-organism: 1 in all" in result.stderr and "OrganismName-taxon" not in result.stderr
    assert "--taxonomy to look it up" not in result.stderr  # the hint is for runs without a taxonomy
    again = run_cli("convert", str(record), "-o", str(out), env={**env, "PFOCR_RDF_TAXONOMY": str(names_dmp)})
    assert again.returncode == 0 and "indexing" not in again.stderr and "1 by NCBI Taxonomy (names.dmp)" in again.stderr


def test_an_unknown_organism_is_reported_once_with_the_hint(tmp_path: Path) -> None:
    record = record_with_organisms(tmp_path, ["Salmonella enterica"])
    result = run_cli("convert", str(record), "-o", str(tmp_path / "out.nt"), "-v")
    assert result.returncode == 0, result.stderr
    lines = [line for line in result.stderr.splitlines() if "Salmonella enterica" in line]
    assert len(lines) == 1 and lines[0].endswith("[unknown-organism]")
    assert "give NCBI Taxonomy's names.dmp or taxdump.tar.gz with --taxonomy" in lines[0]
    assert "organisms: 5 names resolved: 5 by the bundled table; 1 unresolved" in result.stderr  # 5 organisms_ner


def test_every_sample_organism_a_names_file_knows_resolves(tmp_path: Path) -> None:
    # The sample's names the bundled table lacks, given made-up ids in a names.dmp of NCBI's format:
    # with --taxonomy, none of the sample's organism names stays unresolved.
    table = bundled_table()
    names = sorted({name for path in SAMPLE_FILES for name in read_record(str(path)).organisms})
    missing = [name for name in names if table.lookup(name) is None]
    assert missing
    dmp = tmp_path / "names.dmp"
    dmp.write_text(REAL + "".join(dmp_line(2100000000 + i, name, "scientific name") for i, name in enumerate(missing)))
    env = {"XDG_CACHE_HOME": str(tmp_path / "cache")}
    result = run_cli("convert", str(SAMPLE), "-o", str(tmp_path / "out.nt"), "--taxonomy", str(dmp), env=env)
    assert result.returncode == 0, result.stderr
    assert "unknown-organism" not in result.stderr and "; 0 unresolved" in result.stderr
    assert (
        f"{len([n for p in SAMPLE_FILES for n in read_record(str(p)).organisms if n in missing]):,} by NCBI Taxonomy"
        in result.stderr
    )


def test_validate_and_load_take_the_taxonomy_too(names_dmp: Path, tmp_path: Path) -> None:
    record = record_with_organisms(tmp_path, ["Salmonella enterica"])
    env = {"XDG_CACHE_HOME": str(tmp_path / "cache")}
    without = run_cli("validate", str(record))
    assert without.stdout.count("OrganismName-taxon") == 1  # validate shows the SHACL result, once
    assert "names.dmp can be given with --taxonomy" in without.stdout
    with_taxonomy = run_cli("validate", str(record), "--taxonomy", str(names_dmp), env=env)
    assert with_taxonomy.returncode == 0 and "OrganismName-taxon" not in with_taxonomy.stdout
    loaded = run_cli("load", str(record), "--store", str(tmp_path / "store"), "--taxonomy", str(names_dmp), env=env)
    assert loaded.returncode == 0, loaded.stderr
    assert "organisms: 6 names resolved: 5 by the bundled table, 1 by NCBI Taxonomy (names.dmp); 0 unresolved" in loaded.stderr


def test_a_missing_taxonomy_file_is_a_usage_error(tmp_path: Path) -> None:
    result = run_cli("convert", str(SEED_FILES[0]), "-o", str(tmp_path / "out.nt"), "--taxonomy", str(tmp_path / "no.dmp"))
    assert result.returncode == 2 and "no.dmp: no such file" in result.stderr
    assert not (tmp_path / "out.nt").exists()


def test_the_python_api_takes_a_taxonomy(names_dmp: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from pfocr_rdf import convert

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    record = record_with_organisms(tmp_path, ["Klebsiella pneumoniae"])
    summary = convert([record], tmp_path / "out.nt", taxonomy=names_dmp)
    assert summary.organisms["NCBI Taxonomy (names.dmp)"] == 1 and summary.organisms[""] == 0
    assert "NCBITaxon_573>" in (tmp_path / "out.nt").read_text(encoding="utf-8")
