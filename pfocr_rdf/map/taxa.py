"""A figure's organisms: names resolved to NCBI Taxonomy taxa (site pages and bundled table, the record's
genes TSV, then --taxonomy), their triples, and a warning for a name that resolves nowhere or to several."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..errors import Finding
from ..rdf.graph import RecordGraph
from ..rdf.terms import plain
from ..read.organisms import GENES_TABLES, OrganismTable, name_key
from ..read.record import FigureRecord
from ..read.taxonomy import Taxonomy
from . import vocab as v
from .mention_triples import _taxon_term

if TYPE_CHECKING:
    from .mapping import MappingResult


UNRESOLVED = ""  # the key under which unresolved organism names are counted


@dataclass(frozen=True, slots=True)
class OrganismMatch:
    """A name's taxon and the source that knew it; or the several taxa of an ambiguous name."""

    taxid: str | None
    source: str = UNRESOLVED
    candidates: tuple[str, ...] = ()
    scientific: bool = False  # whether the ambiguous candidates share a scientific name


class OrganismResolver:
    """Names resolve through the site pages and the bundled table, the record's own genes TSV pairs,
    then NCBI Taxonomy when one is given (--taxonomy)."""

    def __init__(self, table: OrganismTable, from_tables: dict[str, str], taxonomy: Taxonomy | None = None) -> None:
        self.table, self.taxonomy = table, taxonomy
        self.extra = {name_key(name): taxid for name, taxid in from_tables.items()}

    def __call__(self, name: str) -> OrganismMatch:
        found = self.table.find(name)
        if found is not None:
            return OrganismMatch(*found)
        taxid = self.extra.get(name_key(name))
        if taxid:
            return OrganismMatch(taxid, GENES_TABLES)
        match = self.taxonomy.match(name) if self.taxonomy is not None else None
        if match is None:
            return OrganismMatch(None)
        if match.taxid is not None:
            return OrganismMatch(match.taxid, self.taxonomy.label)  # type: ignore[union-attr]
        return OrganismMatch(None, UNRESOLVED, match.taxids, match.scientific)

    def unknown_message(self, name: str, outcome: str) -> str:
        if self.taxonomy is None:
            return (
                f"organism {name!r} has no known NCBI Taxonomy id; {outcome} "
                "(give NCBI Taxonomy's names.dmp or taxdump.tar.gz with --taxonomy to look it up there)"
            )
        return f"organism {name!r} is in no organism table and not in {self.taxonomy.label}; {outcome}"


def organism_resolver(table: OrganismTable, from_tables: dict[str, str], taxonomy: Taxonomy | None = None) -> OrganismResolver:
    return OrganismResolver(table, from_tables, taxonomy)


def _organisms(
    graph: RecordGraph,
    figure: str,
    record: FigureRecord,
    resolve: OrganismResolver,
    result: MappingResult,
    taxa: dict[str, dict[str, None]],
) -> None:
    """pfocr:organism / pfocr:organismName and pfocr:nerOrganism; resolved names are collected in `taxa`.
    A name that resolves nowhere is reported once, here (its SHACL warning is the same cause)."""
    for names, predicate, field_name, keep_name in (
        (record.organisms, v.PFOCR_ORGANISM, "organisms", True),
        (record.organisms_ner, v.PFOCR_NER_ORGANISM, "organisms_ner", False),
    ):
        outcome = "name kept" if keep_name else "not mapped"
        for name in names:
            match = resolve(name)
            result.organisms[match.source] += 1
            if match.taxid:
                graph.add(figure, predicate, _taxon_term(match.taxid))
                taxa.setdefault(match.taxid, {})[name] = None
            elif match.candidates:
                result.unresolved.add(name)
                kind = "the scientific name" if match.scientific else "a synonym or other name"
                message = (
                    f"organism {name!r} is ambiguous: in NCBI Taxonomy it is {kind} of {len(match.candidates)} "
                    f"taxa ({', '.join(match.candidates[:10])}); not guessed, {outcome}"
                )
                result.warnings.append(Finding(record.source, "ambiguous-organism", message, field_name))
            else:
                result.unresolved.add(name)
                message = resolve.unknown_message(name, outcome)
                result.warnings.append(Finding(record.source, "unknown-organism", message, field_name))
            if keep_name:
                graph.add(figure, v.PFOCR_ORGANISM_NAME, plain(name))
