"""Organism Latin names to NCBI Taxonomy ids.

Sources, in this order: the PFOCR site's own `_organisms/*.md` pages (when the input is a checkout of
the site), the table bundled in `data/organisms.tsv` (its header says where every id comes from), the
(organism_id, organism_name) pairs of the record's genes TSV, and NCBI Taxonomy when given
(taxonomy.py). Each table is named, so that a run can say which source resolved how many names.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from functools import lru_cache
from importlib import resources

from ..errors import Finding, RecordError
from .frontmatter import read_front_matter
from .text_files import read_text, text_lines

_TAXID = re.compile(r"[0-9]+")


def name_key(name: str) -> str:
    """Names match case-insensitively and whatever their spacing."""
    return " ".join(name.split()).casefold()


BUNDLED = "the bundled table"
SITE_PAGES = "the site's organism pages"
GENES_TABLES = "the records' genes tables"


@dataclass(frozen=True)
class OrganismTable:
    """A read-only name -> taxid lookup (keys normalised by `name_key`), named after where it comes from,
    with the table consulted after it (`base`)."""

    taxids: Mapping[str, str] = field(default_factory=dict)
    label: str = BUNDLED
    base: OrganismTable | None = None

    def find(self, name: str) -> tuple[str, str] | None:
        """(taxid, label of the first table that knows the name), or None."""
        key = name_key(name)
        table: OrganismTable | None = self
        while table is not None:
            taxid = table.taxids.get(key)
            if taxid is not None:
                return taxid, table.label
            table = table.base
        return None

    def lookup(self, name: str) -> str | None:
        found = self.find(name)
        return found[0] if found else None

    def overlaid_on(self, base: OrganismTable) -> OrganismTable:
        """This table's names first, then `base`'s."""
        return replace(self, base=base if self.base is None else self.base.overlaid_on(base))

    def __len__(self) -> int:
        keys: set[str] = set()
        table: OrganismTable | None = self
        while table is not None:
            keys.update(table.taxids)
            table = table.base
        return len(keys)


def parse_table(text: str) -> OrganismTable:
    """Read the bundled TSV: `#` comment lines, a header, then `latin<TAB>taxid<TAB>...` rows."""
    rows = [line.split("\t") for line in text_lines(text) if line and not line.startswith("#")]
    header, body = rows[0], rows[1:]
    latin, taxid = header.index("latin"), header.index("ncbi_taxid")
    return OrganismTable({name_key(row[latin]): row[taxid] for row in body})


@lru_cache(maxsize=1)
def bundled_table() -> OrganismTable:
    text = resources.files("pfocr_rdf").joinpath("data/organisms.tsv").read_text(encoding="utf-8")
    return parse_table(text)


def site_table(folders: Iterable[str]) -> tuple[OrganismTable, list[Finding]]:
    """Read `_organisms/*.md` pages (`latin`, `ncbi`) of PFOCR site checkouts."""
    taxids: dict[str, str] = {}
    findings: list[Finding] = []
    for folder in folders:
        for name in sorted(os.listdir(folder)):
            if not name.endswith(".md"):
                continue
            path = os.path.join(folder, name)
            try:
                page = read_front_matter(read_text(path, path), path)
            except RecordError as exc:
                findings.append(exc.finding)
                continue
            latin, ncbi = page.get("latin"), page.get("ncbi")
            if isinstance(latin, str) and isinstance(ncbi, str) and _TAXID.fullmatch(ncbi.strip()):
                taxids[name_key(latin)] = ncbi.strip()
            else:
                findings.append(
                    Finding(path, "organism-page-skipped", "organism page without a Latin name and numeric ncbi id", "ncbi")
                )
    return OrganismTable(taxids, SITE_PAGES), findings
