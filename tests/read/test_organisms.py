"""The bundled organism table: every id cited, every seed organism and the sample's citable ones known."""

from __future__ import annotations

import re
from importlib import resources

from pfocr_rdf.api import read_record
from pfocr_rdf.read.organisms import bundled_table

from conftest import SAMPLE_FILES, SEED_FILES

# Names of the sample that no citable source we could read pairs with an NCBI Taxonomy id.
UNCITED = {
    "Acidihalobacter sp.",
    "Aquitalea denitrificans",
    "Cordia alliodora",
    "Durvillaea potatorum",
    "Dysidea avara",
    "Escherichia coli MC1061",
    "Escherichia coli PA11",
    "Escherichia coli PBA5",
    "Paracoccaceae bacterium",
    "Pseudoplatystoma corruscans",
    "Staphylococcus aureus subsp. aureus RN4220",
    "Sulfitobacter delicatus",
}


def rows() -> list[list[str]]:
    text = resources.files("pfocr_rdf").joinpath("data/organisms.tsv").read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if line and not line.startswith("#")]
    assert lines[0].split("\t") == ["latin", "ncbi_taxid", "source_path", "source_commit"]
    return [line.split("\t") for line in lines[1:]]


def test_every_row_cites_a_page_or_file_at_a_commit() -> None:
    for latin, taxid, source, commit in rows():
        assert latin.strip() == latin and latin
        assert re.fullmatch(r"[1-9][0-9]*", taxid), latin
        assert source.startswith("_organisms/") or source.startswith("lehins/uniprot-kb:speclist.txt code "), latin
        assert re.fullmatch(r"[0-9a-f]{40}", commit), latin


def test_names_are_unique_whatever_their_case() -> None:
    names = [latin.casefold() for latin, *_ in rows()]
    assert len(names) == len(set(names))


def test_seed_organisms_all_resolve() -> None:
    table = bundled_table()
    names = {name for path in SEED_FILES for name in read_record(str(path)).organisms}
    assert names and all(table.lookup(name) for name in names)


def test_sample_organisms_resolve_except_the_uncited() -> None:
    table = bundled_table()
    names = {name for path in SAMPLE_FILES for name in read_record(str(path)).organisms}
    assert {name for name in names if table.lookup(name) is None} == UNCITED


def test_uniprot_rows_give_the_ids_their_entries_state() -> None:
    table = bundled_table()
    assert table.lookup("Equine arteritis virus") == "11047"
    assert table.lookup("murine hepatitis virus  strain A59") == "11142"
    assert table.lookup("Murine coronavirus MHV-1") == "11139"
    assert table.lookup("Homo sapiens") == "9606"
