"""Genes, chemicals and diseases found in a figure: what a mention is, and where its sidecar TSV is.

Rows with the same identifier collapse into one `Mention`; rows without an identifier become word mentions.
mention_tables.py reads them.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from ..errors import Finding
from .record import MISSING_TEXT

GENE, CHEMICAL, DISEASE = "gene", "chemical", "disease"
KINDS = (GENE, CHEMICAL, DISEASE)
TABLE_SUFFIX = {GENE: "-genes.tsv", CHEMICAL: "-chemicals.tsv", DISEASE: "-diseases.tsv"}
COUNT_COLUMNS = ("count_direct", "count_synonym", "count_match")
HUMAN_TAXID = "9606"
HUMAN_NAME = "Homo sapiens"

# Columns without which a table is skipped (any one of each tuple is enough).
REQUIRED_COLUMNS: dict[str, tuple[tuple[str, ...], ...]] = {
    GENE: (("word",), ("ncbigene_id",)),
    CHEMICAL: (("word",), ("mesh", "chebi", "identifier")),
    DISEASE: (("word",), ("mesh", "doid", "identifier")),
}
# Most data rows a table may have: the largest real tables have a few hundred (140 in the sample); a
# bigger one stops its record, named, rather than costing memory in proportion (--max-table-rows).
DEFAULT_MAX_TABLE_ROWS = 100_000
NO_EXTRA: Mapping[str, None] = MappingProxyType({})
# A CURIE's prefix, in whatever case, and its local part.
_CURIE = re.compile(r"([A-Za-z][A-Za-z0-9.]*):(.+)")


class Mention:
    """One identifier (or one unidentified word) found in one figure, with its OCR evidence.

    Evidence lists keep first-seen order without repeats; extra_* hold further ids of the same kind
    that rows with this mention's key carried.
    """

    __slots__ = ("chebi", "doid", "extra_chebi", "extra_doid", "extra_mesh", "gene_id", "kind", "labels", "matched",
                 "mesh", "organism_name", "sources", "taxid", "words")  # fmt: skip

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self.gene_id: str | None = None
        self.mesh: str | None = None
        self.chebi: str | None = None
        self.doid: str | None = None
        self.taxid: str | None = None
        self.organism_name: str | None = None
        # Ordered sets (dicts of None): a row repeating an id thousands of times costs a lookup, not a scan.
        self.labels: dict[str, None] = {}
        self.words: dict[str, None] = {}
        self.matched: dict[str, None] = {}
        self.sources: dict[str, None] = {}
        # Rarely any: one shared empty (read-only) mapping until a row brings one (_Collector.add).
        self.extra_mesh: Mapping[str, None] = NO_EXTRA
        self.extra_chebi: Mapping[str, None] = NO_EXTRA
        self.extra_doid: Mapping[str, None] = NO_EXTRA

    def evidence(self, word: str | None, matched: str | None, source: str | None, label: str | None) -> None:
        if word:
            self.words[word] = None
        if matched:
            self.matched[matched] = None
        if source:
            self.sources[source] = None
        if label:
            self.labels[label] = None

    @property
    def identifier(self) -> str | None:
        """The identifier that names the mention node (VOCABULARY.md, mention IRIs)."""
        if self.kind == GENE:
            return self.gene_id
        if self.mesh:
            return self.mesh
        if self.kind == CHEMICAL:
            return "CHEBI:" + self.chebi if self.chebi else None
        return "DOID:" + self.doid if self.doid else None


@dataclass(slots=True)
class MentionSet:
    """All mentions of one figure, and the figure-level facts that came with them."""

    genes: list[Mention] = field(default_factory=list)
    chemicals: list[Mention] = field(default_factory=list)
    diseases: list[Mention] = field(default_factory=list)
    # Gene match counts per organism lexicon: taxid ("" when the table has none) -> column -> value.
    # They are constant for one organism within a genes TSV, not for the whole file (see README).
    counts: dict[str, dict[str, str]] = field(default_factory=dict)
    organisms: dict[str, str] = field(default_factory=dict)  # organism_name -> organism_id from genes TSV
    warnings: list[Finding] = field(default_factory=list)
    tables: dict[str, str] = field(default_factory=dict)  # kind -> TSV path used

    def of_kind(self, kind: str) -> list[Mention]:
        return {GENE: self.genes, CHEMICAL: self.chemicals, DISEASE: self.diseases}[kind]


def clean_cell(value: object) -> str | None:
    """A table cell or inline value, trimmed; None for every missing-value spelling."""
    if value is None or not isinstance(value, str):
        return None
    text = value.strip()
    return None if text in MISSING_TEXT else text


def split_curie(value: str, default_prefix: str) -> tuple[str, str]:
    """(lower-case prefix, local id) of `mesh:D005227`, `CHEBI:35366` or a bare `D005227`."""
    match = _CURIE.fullmatch(value)
    if match is None:
        return default_prefix, value
    prefix, local = match.group(1).lower(), match.group(2).strip()
    if prefix in ("chebi", "doid") and ":" in local:  # chebi:CHEBI:35366, doid:DOID:1234
        local = local.split(":", 1)[1]
    return prefix, local


def find_table(figid: str, kind: str, folders: tuple[str, ...]) -> str | None:
    """The first `{figid}-genes.tsv` (etc.) in the folders, in order."""
    name = figid + TABLE_SUFFIX[kind]
    for folder in folders:
        path = os.path.join(folder, name)
        if os.path.isfile(path):
            return path
    return None
