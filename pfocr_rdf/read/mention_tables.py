"""Genes, chemicals and diseases found in a figure: sidecar TSVs and the older inline lists.

Every header variant of the real data is read (10- and 11-column genes, the new 5-column and the
old 3-column chemicals, diseases), with CRLF, a BOM, padded cells and R's missing values. Rows with
the same identifier collapse into one `Mention`; rows without an identifier become word mentions.
Malformed tables give warnings naming file, line and column, and never stop the record.
"""

from __future__ import annotations

from ..errors import Finding
from .mentions import (
    CHEMICAL,
    COUNT_COLUMNS,
    DEFAULT_MAX_TABLE_ROWS,
    GENE,
    HUMAN_NAME,
    HUMAN_TAXID,
    KINDS,
    NO_EXTRA,
    Mention,
    MentionSet,
    clean_cell,
    find_table,
    split_curie,
)
from .text_files import DEFAULT_MAX_FILE_BYTES
from .tsv import Table, read_table


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
        for attribute, value in (("mesh", mesh), ("chebi", chebi), ("doid", doid)):
            current = getattr(m, attribute)
            if value and current != value:
                if current is None:
                    setattr(m, attribute, value)
                else:
                    extra = getattr(m, "extra_" + attribute)
                    if extra is NO_EXTRA:
                        extra = {}
                        setattr(m, "extra_" + attribute, extra)
                    extra[value] = None
        if taxid and not m.taxid:
            m.taxid, m.organism_name = taxid, organism_name
        m.evidence(word, matched, source, label)

    def mentions(self) -> list[Mention]:
        return list(self.by_key.values())


def _is_number(value: str) -> bool:
    return value.isascii() and value.isdigit()


def _check_digits(value: str | None, table: str, line: int, column: str, warnings: list[Finding]) -> None:
    if value is not None and not _is_number(value):
        warnings.append(Finding(table, "bad-identifier", f"{column} {value!r} is not numeric", field=column, line=line))


def _gene_rows(table: Table, collector: _Collector, found: MentionSet) -> None:
    """Genes TSV rows: one mention per NCBI Gene id, with the organism and the per-organism counts."""
    warnings, path = found.warnings, table.path
    index = {name: table.column(name) for name in (
        "ncbigene_id", "organism_id", "organism_name", "word", "match", "source", "ncbigene_symbol", *COUNT_COLUMNS)}  # fmt: skip
    i_id, i_tax, i_org = index["ncbigene_id"], index["organism_id"], index["organism_name"]
    i_word, i_match, i_source, i_symbol = index["word"], index["match"], index["source"], index["ncbigene_symbol"]
    count_columns = [(column, index[column]) for column in COUNT_COLUMNS if index[column] is not None]
    organisms, all_counts, by_key = found.organisms, found.counts, collector.by_key
    for line, row in table.rows:  # the hot loop of table reading: helpers inlined
        gene_id = row[i_id] if i_id is not None else None
        taxid = row[i_tax] if i_tax is not None else None
        organism = row[i_org] if i_org is not None else None
        if gene_id is not None and not (gene_id.isascii() and gene_id.isdigit()):
            _check_digits(gene_id, path, line, "ncbigene_id", warnings)
        if taxid is not None and not (taxid.isascii() and taxid.isdigit()):
            _check_digits(taxid, path, line, "organism_id", warnings)
        if organism and taxid and organism not in organisms:
            organisms[organism] = taxid
        if count_columns:
            counts = all_counts.get(taxid or "")
            if counts is None:
                counts = all_counts[taxid or ""] = {}
            for column, position in count_columns:
                value = row[position]
                if value is None:
                    continue
                known = counts.get(column)
                if known is None:  # the organism's first value: checked once, kept
                    counts[column] = value
                    _check_digits(value, path, line, column, warnings)
                elif known != value:
                    message = f"{column} is {value} where earlier rows of organism {taxid} say {known}; first value kept"
                    warnings.append(Finding(path, "inconsistent-count", message, column, line))
        word = row[i_word] if i_word is not None else None
        key = "id:" + gene_id if gene_id else ("word:" + word if word else None)
        if key is None:
            continue
        mention = by_key.get(key)
        if mention is None:
            mention = by_key[key] = Mention(collector.kind)
        mention.gene_id = mention.gene_id or gene_id
        if taxid and not mention.taxid:
            mention.taxid, mention.organism_name = taxid, organism
        if word:  # Mention.evidence, inlined
            mention.words[word] = None
        matched = row[i_match] if i_match is not None else None
        if matched:
            mention.matched[matched] = None
        source = row[i_source] if i_source is not None else None
        if source:
            mention.sources[source] = None
        label = row[i_symbol] if i_symbol is not None else None
        if label:
            mention.labels[label] = None


def _identifier(
    value: str | None, column: str, default_prefix: str, expected: str, table: str, line: int, warnings: list[Finding]
) -> str | None:
    """The local id of a CURIE cell, checked against the prefix the column should hold."""
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


def _chemical_or_disease_rows(table: Table, collector: _Collector, found: MentionSet) -> None:
    warnings = found.warnings
    old_form = "identifier" in table.header and "mesh" not in table.header
    second = "chebi" if collector.kind == CHEMICAL else "doid"
    columns = {name: table.column(name) for name in ("word", "source", "identifier", "mesh", second, "name", "match")}

    def cell(row: list[str | None], name: str) -> str | None:
        position = columns[name]
        return row[position] if position is not None else None

    for line, row in table.rows:
        if old_form:  # word, source, identifier (bare ids, the source says which vocabulary)
            source = cell(row, "source")
            vocabulary = (source or "mesh").lower()
            ids = {"mesh": None, second: None}
            if vocabulary in ids:
                ids[vocabulary] = _identifier(
                    cell(row, "identifier"), "identifier", vocabulary, vocabulary, table.path, line, warnings
                )
            elif cell(row, "identifier"):
                warnings.append(
                    Finding(table.path, "bad-identifier", f"unknown source {source!r}; identifier ignored", "source", line)
                )
            mesh, other, label, matched = ids["mesh"], ids[second], None, None
        else:
            source = None
            mesh = _identifier(cell(row, "mesh"), "mesh", "mesh", "mesh", table.path, line, warnings)
            other = _identifier(cell(row, second), second, second, second, table.path, line, warnings)
            label, matched = cell(row, "name"), cell(row, "match")
        collector.add(
            word=cell(row, "word"),
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
            if gene_id is not None and not _is_number(gene_id):
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


def read_mentions(
    figid: str | None,
    inline: dict[str, tuple[dict[str, object], ...] | None],
    folders: tuple[str, ...],
    source: str,
    max_bytes: int = DEFAULT_MAX_FILE_BYTES,
    max_rows: int = DEFAULT_MAX_TABLE_ROWS,
) -> MentionSet:
    """A figure's mentions: its sidecar TSV for each kind where there is one, else its inline list."""
    found = MentionSet()
    for kind in KINDS:
        collector = _Collector(kind)
        path = find_table(figid, kind, folders) if figid else None
        table = read_table(path, kind, found.warnings, max_bytes, max_rows) if path else None
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
