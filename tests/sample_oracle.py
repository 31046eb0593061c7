"""An independent reading of the sample's files (plain csv and PyYAML, none of the converter's code):
the identifiers each record holds, for tests to compare the converter's output against."""

from __future__ import annotations

import csv
from pathlib import Path

import yaml

from conftest import FIGURES, TABLES

NA = {"NA", "NaN", ".na.character", ""}


def _cell(value: str | None) -> str | None:
    value = (value or "").strip()
    return None if value in NA else value


def _rows(path: Path) -> list[dict[str, str | None]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return [{k.strip(): _cell(v) for k, v in row.items()} for row in csv.DictReader(handle, delimiter="\t")]


def _local(curie: str | None) -> str | None:
    return curie.split(":", 1)[1] if curie and ":" in curie else curie


def expected_ids(figid: str) -> dict[str, set[str]]:
    """Identifier sets of one record, read straight from its files: the TSV wins over the inline list."""
    front = yaml.load((FIGURES / f"{figid}.md").read_text(encoding="utf-8").split("\n---")[0][4:], Loader=yaml.BaseLoader)
    ids: dict[str, set[str]] = {"gene": set(), "chebi": set(), "mesh": set(), "doid": set()}
    genes = TABLES / f"{figid}-genes.tsv"
    if genes.exists():
        ids["gene"] = {r["ncbigene_id"] for r in _rows(genes) if r["ncbigene_id"]}
    else:
        ids["gene"] = {e["entrez"] for e in front.get("genes") or [] if _cell(e.get("entrez"))}
    for kind, second in (("chemicals", "chebi"), ("diseases", "doid")):
        table = TABLES / f"{figid}-{kind}.tsv"
        if table.exists():
            for row in _rows(table):
                if "identifier" in row:  # the old three-column form: word, source, identifier
                    if row["identifier"] and (row["source"] or "").upper() == "MESH":
                        ids["mesh"].add(row["identifier"])
                    continue
                if row.get("mesh"):
                    ids["mesh"].add(_local(row["mesh"]))
                if row.get(second):
                    ids[second].add(_local(row[second]))
        else:
            for entry in front.get(kind) or []:
                if _cell(entry.get("identifier")) and entry.get("source", "").upper() == "MESH":
                    ids["mesh"].add(entry["identifier"])
    return ids
