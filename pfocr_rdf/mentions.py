"""Genes, chemicals and diseases found in a figure: sidecar TSVs and the older inline lists.

Every header variant of the real data is read (10- and 11-column genes, the new 5-column and the
old 3-column chemicals, diseases), with CRLF, a BOM, padded cells and R's missing values. Rows with
the same identifier collapse into one `Mention`; rows without an identifier become word mentions.
Malformed tables give warnings naming file, line and column, and never stop the record.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field

from .errors import Finding, RecordError
from .record import MISSING_TEXT
from .sources import DEFAULT_MAX_FILE_BYTES, read_text

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
# A CURIE's prefix, in whatever case, and its local part.
_CURIE = re.compile(r"([A-Za-z][A-Za-z0-9.]*):(.+)")
_DIGITS = re.compile(r"[0-9]+")


@dataclass(slots=True)
class Mention:
    """One identifier (or one unidentified word) found in one figure, with its OCR evidence."""

    kind: str
    gene_id: str | None = None
    mesh: str | None = None
    chebi: str | None = None
    doid: str | None = None
    taxid: str | None = None
    organism_name: str | None = None
    labels: dict[str, None] = field(default_factory=dict)
    words: dict[str, None] = field(default_factory=dict)
    matched: dict[str, None] = field(default_factory=dict)
    sources: dict[str, None] = field(default_factory=dict)
    extra_mesh: dict[str, None] = field(default_factory=dict)
    extra_chebi: dict[str, None] = field(default_factory=dict)
    extra_doid: dict[str, None] = field(default_factory=dict)

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


class _Collector:
    """Collapses rows into mentions by identifier, in first-seen order."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self.by_key: dict[str, Mention] = {}

    def mention(self, key: str) -> Mention:
        found = self.by_key.get(key)
        if found is None:
            found = self.by_key[key] = Mention(self.kind)
        return found

    def add(
        self,
        *,
        word: str | None,
        matched: str | None = None,
        source: str | None = None,
        label: str | None = None,
        gene_id: str | None = None,
        mesh: str | None = None,
        chebi: str | None = None,
        doid: str | None = None,
        taxid: str | None = None,
        organism_name: str | None = None,
    ) -> None:
        if gene_id:
            key = "id:" + gene_id
        elif mesh:
            key = "mesh:" + mesh
        elif chebi:
            key = "chebi:" + chebi
        elif doid:
            key = "doid:" + doid
        elif word:
            key = "word:" + word
        else:
            return
        m = self.mention(key)
        m.gene_id = m.gene_id or gene_id
        if mesh and m.mesh != mesh:
            if m.mesh:
                m.extra_mesh[mesh] = None
            else:
                m.mesh = mesh
        if chebi and m.chebi != chebi:
            if m.chebi:
                m.extra_chebi[chebi] = None
            else:
                m.chebi = chebi
        if doid and m.doid != doid:
            if m.doid:
                m.extra_doid[doid] = None
            else:
                m.doid = doid
        if taxid and not m.taxid:
            m.taxid, m.organism_name = taxid, organism_name
        for bucket, value in ((m.words, word), (m.matched, matched), (m.sources, source), (m.labels, label)):
            if value:
                bucket[value] = None

    def mentions(self) -> list[Mention]:
        return list(self.by_key.values())


@dataclass
class _Table:
    path: str
    header: list[str]
    rows: list[tuple[int, dict[str, str | None]]]


def _read_table(path: str, kind: str, warnings: list[Finding], max_bytes: int) -> _Table | None:
    """Header and rows of a TSV; ragged rows and exact duplicates are dropped (ragged ones with a warning)."""
    try:
        text = read_text(path, path, max_bytes)
    except RecordError as exc:
        warnings.append(Finding(path, "bad-table", exc.finding.message + "; table skipped", line=exc.finding.line))
        return None
    lines = text.lstrip("\ufeff").splitlines()
    if not lines or not lines[0].strip():
        warnings.append(Finding(path, "bad-table", "empty table; skipped", line=1))
        return None
    header = [cell.strip().lower() for cell in lines[0].split("\t")]
    for alternatives in REQUIRED_COLUMNS[kind]:
        if not any(name in header for name in alternatives):
            warnings.append(
                Finding(
                    path,
                    "bad-table",
                    f"missing required column {' or '.join(alternatives)}; table skipped",
                    field=alternatives[0],
                    line=1,
                )
            )
            return None
    rows: list[tuple[int, dict[str, str | None]]] = []
    seen: set[tuple[str | None, ...]] = set()
    for number, line in enumerate(lines[1:], 2):
        if not line.strip():
            continue
        cells = line.split("\t")
        if len(cells) != len(header):
            warnings.append(
                Finding(path, "ragged-row", f"row has {len(cells)} cells, the header has {len(header)}; row skipped", line=number)
            )
            continue
        cleaned = tuple(clean_cell(cell) for cell in cells)
        if cleaned in seen:
            continue
        seen.add(cleaned)
        rows.append((number, dict(zip(header, cleaned, strict=False))))
    return _Table(path, header, rows)


def _check_digits(value: str | None, table: str, line: int, column: str, warnings: list[Finding]) -> None:
    if value is not None and _DIGITS.fullmatch(value) is None:
        warnings.append(Finding(table, "bad-identifier", f"{column} {value!r} is not numeric", field=column, line=line))


def _gene_rows(table: _Table, collector: _Collector, found: MentionSet) -> None:
    warnings = found.warnings
    for line, row in table.rows:
        gene_id = row.get("ncbigene_id")
        taxid, organism = row.get("organism_id"), row.get("organism_name")
        _check_digits(gene_id, table.path, line, "ncbigene_id", warnings)
        _check_digits(taxid, table.path, line, "organism_id", warnings)
        if organism and taxid:
            found.organisms.setdefault(organism, taxid)
        counts = found.counts.setdefault(taxid or "", {})
        for column in COUNT_COLUMNS:
            value = row.get(column)
            if value is None:
                continue
            _check_digits(value, table.path, line, column, warnings)
            known = counts.setdefault(column, value)
            if known != value:
                warnings.append(
                    Finding(
                        table.path,
                        "inconsistent-count",
                        f"{column} is {value} where earlier rows of organism {taxid} say {known}; first value kept",
                        column,
                        line,
                    )
                )
        collector.add(
            word=row.get("word"),
            matched=row.get("match"),
            source=row.get("source"),
            label=row.get("ncbigene_symbol"),
            gene_id=gene_id,
            taxid=taxid,
            organism_name=organism,
        )


def _identifier(
    row: dict[str, str | None], column: str, default_prefix: str, expected: str, table: str, line: int, warnings: list[Finding]
) -> str | None:
    """The local id of a CURIE cell, checked against the prefix the column should hold."""
    value = row.get(column)
    if value is None:
        return None
    prefix, local = split_curie(value, default_prefix)
    if prefix != expected:
        warnings.append(
            Finding(table, "bad-identifier", f"{column} {value!r} is not a {expected} identifier; ignored", column, line)
        )
        return None
    if expected in ("chebi", "doid"):
        _check_digits(local, table, line, column, warnings)
    return local


def _chemical_or_disease_rows(table: _Table, collector: _Collector, found: MentionSet) -> None:
    warnings = found.warnings
    old_form = "identifier" in table.header and "mesh" not in table.header
    second = "chebi" if collector.kind == CHEMICAL else "doid"
    for line, row in table.rows:
        if old_form:  # word, source, identifier (bare ids, the source says which vocabulary)
            source = row.get("source")
            vocabulary = (source or "mesh").lower()
            ids = {"mesh": None, second: None}
            if vocabulary in ids:
                ids[vocabulary] = _identifier(row, "identifier", vocabulary, vocabulary, table.path, line, warnings)
            elif row.get("identifier"):
                warnings.append(
                    Finding(table.path, "bad-identifier", f"unknown source {source!r}; identifier ignored", "source", line)
                )
            mesh, other, label, matched = ids["mesh"], ids[second], None, None
        else:
            source = None
            mesh = _identifier(row, "mesh", "mesh", "mesh", table.path, line, warnings)
            other = _identifier(row, second, second, second, table.path, line, warnings)
            label, matched = row.get("name"), row.get("match")
        collector.add(
            word=row.get("word"),
            matched=matched,
            source=source,
            label=label,
            mesh=mesh,
            **{second: other},
        )


def _inline_rows(
    kind: str, entries: tuple[dict[str, object], ...], collector: _Collector, source: str, warnings: list[Finding]
) -> None:
    """The older records' inline lists (genes: word/symbol/source/hgnc_symbol/entrez; others: word/source/identifier)."""
    field_name = kind + "s"
    for position, entry in enumerate(entries, 1):
        row = {str(key): clean_cell(value) for key, value in entry.items()}
        if kind == GENE:
            gene_id = row.get("entrez")
            if gene_id is not None and _DIGITS.fullmatch(gene_id) is None:
                warnings.append(
                    Finding(source, "bad-identifier", f"entry {position}: entrez {gene_id!r} is not numeric", field_name)
                )
            collector.add(
                word=row.get("word"),
                matched=row.get("symbol"),
                source=row.get("source"),
                label=row.get("hgnc_symbol"),
                gene_id=gene_id,
                taxid=HUMAN_TAXID,
                organism_name=HUMAN_NAME,
            )
            continue
        vocabulary = (row.get("source") or "").lower()
        identifier = row.get("identifier")
        second = "chebi" if kind == CHEMICAL else "doid"
        ids: dict[str, str | None] = {"mesh": None, second: None}
        if identifier and vocabulary in ids:
            ids[vocabulary] = split_curie(identifier, vocabulary)[1]
        elif identifier:
            warnings.append(
                Finding(
                    source,
                    "bad-identifier",
                    f"entry {position}: unknown source {row.get('source')!r}; identifier ignored",
                    field_name,
                )
            )
        collector.add(word=row.get("word"), source=row.get("source"), mesh=ids["mesh"], **{second: ids[second]})


def find_table(figid: str, kind: str, folders: tuple[str, ...]) -> str | None:
    """The first `{figid}-genes.tsv` (etc.) in the folders, in order."""
    name = figid + TABLE_SUFFIX[kind]
    for folder in folders:
        path = os.path.join(folder, name)
        if os.path.isfile(path):
            return path
    return None


def read_mentions(
    figid: str | None,
    inline: dict[str, tuple[dict[str, object], ...] | None],
    folders: tuple[str, ...],
    source: str,
    max_bytes: int = DEFAULT_MAX_FILE_BYTES,
) -> MentionSet:
    """A figure's mentions: its sidecar TSV for each kind where there is one, else its inline list."""
    found = MentionSet()
    for kind in KINDS:
        collector = _Collector(kind)
        path = find_table(figid, kind, folders) if figid else None
        table = _read_table(path, kind, found.warnings, max_bytes) if path else None
        if table is not None:
            found.tables[kind] = path  # type: ignore[assignment]
            if kind == GENE:
                _gene_rows(table, collector, found)
            else:
                _chemical_or_disease_rows(table, collector, found)
        elif inline.get(kind):
            _inline_rows(kind, inline[kind] or (), collector, source, found.warnings)
        found.of_kind(kind).extend(collector.mentions())
    return found
