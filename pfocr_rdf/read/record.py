"""FigureRecord: one PFOCR figure record, typed and normalised across every schema era.

The front matter comes in several eras (see README): inline gene lists or sidecar TSVs,
`automl_pathway` or `pathway_score`, organisms as a list, a plain string or a comma-joined
string, numbers quoted or not, keys in any order, and R's missing-value spellings everywhere.
`normalise_record` turns any of them into the same shape, so that mapping never has to care.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from ..errors import Finding, RecordError

# The spellings of "no value" (VOCABULARY.md, "Missing values"); YAML nulls arrive as None.
MISSING_TEXT = frozenset(("NA", "NaN", ".na.character", ""))

# Front-matter fields with a place in the RDF.
TEXT_FIELDS = (
    "figid",
    "figtitle",
    "caption",
    "pmcid",
    "filename",
    "figlink",
    "number",
    "papertitle",
    "reftext",
    "year",
    "doi",
    "journal_title",
    "journal_nlm_ta",
    "publisher_name",
    "figid_alias",
    "figtype",
    "ndex",
    "wpid",
    "pmc_ranked_result_index",
)
LIST_FIELDS = ("organisms", "organisms_ner", "keywords")
SCORE_FIELDS = ("automl_pathway", "pathway_score")
INLINE_MENTION_FIELDS = ("genes", "chemicals", "diseases")
JSONLD_FIELD = "schema-jsonld"
# Jekyll site plumbing: read and deliberately not mapped (listed in the README).
SITE_PLUMBING = frozenset(("redirect_from", "seo", "annotations"))
KNOWN_FIELDS = frozenset((*TEXT_FIELDS, *LIST_FIELDS, *SCORE_FIELDS, *INLINE_MENTION_FIELDS, JSONLD_FIELD, *SITE_PLUMBING))

_WHITESPACE = re.compile(r"\s+")


@dataclass(frozen=True, slots=True)
class FigureRecord:
    """A record's fields, each either a clean value or None / empty (never a missing-value spelling)."""

    source: str
    figid: str | None = None
    figtitle: str | None = None
    caption: str | None = None
    organisms: tuple[str, ...] = ()
    organisms_ner: tuple[str, ...] = ()
    pmcid: str | None = None
    filename: str | None = None
    figlink: str | None = None
    number: str | None = None
    papertitle: str | None = None
    reftext: str | None = None
    year: str | None = None
    doi: str | None = None
    journal_title: str | None = None
    journal_nlm_ta: str | None = None
    publisher_name: str | None = None
    keywords: tuple[str, ...] = ()
    pathway_score: str | None = None
    pathway_score_field: str | None = None
    pmc_ranked_result_index: str | None = None
    figid_alias: str | None = None
    figtype: str | None = None
    ndex: str | None = None
    wpid: str | None = None
    jsonld: dict[str, Any] | None = None
    inline_genes: tuple[dict[str, Any], ...] | None = None
    inline_chemicals: tuple[dict[str, Any], ...] | None = None
    inline_diseases: tuple[dict[str, Any], ...] | None = None
    unmapped: tuple[str, ...] = ()
    warnings: tuple[Finding, ...] = field(default=(), compare=False)


def is_missing(value: Any) -> bool:
    """True for every spelling of "no value"."""
    if value is None:
        return True
    if isinstance(value, str):
        return value.strip() in MISSING_TEXT
    return isinstance(value, (list, dict)) and not value


def _type_name(value: Any) -> str:
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, bool):
        return "a boolean"
    return type(value).__name__


def _scalar_text(value: Any, source: str, name: str) -> str | None:
    """A text field's value, trimmed; numbers given through the Python API are accepted as text."""
    if is_missing(value):
        return None
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return repr(value)
    raise RecordError(source, "wrong-type", f"expected text, found {_type_name(value)}", field=name)


def _text_list(value: Any, source: str, name: str, separator: str | None) -> tuple[str, ...]:
    """A list field given as a YAML list or as a `separator`-joined string; missing items dropped."""
    if is_missing(value):
        return ()
    if isinstance(value, str):
        items: list[Any] = value.split(separator) if separator else [value]
    elif isinstance(value, list):
        items = value
    else:
        raise RecordError(source, "wrong-type", f"expected a list or text, found {_type_name(value)}", field=name)
    cleaned: dict[str, None] = {}
    for item in items:
        if is_missing(item):
            continue
        if not isinstance(item, str):
            raise RecordError(source, "wrong-type", f"expected text items, found {_type_name(item)}", field=name)
        text = _WHITESPACE.sub(" ", item).strip()
        if text and text not in MISSING_TEXT:
            cleaned[text] = None
    return tuple(cleaned)


def _mention_list(value: Any, source: str, name: str) -> tuple[dict[str, Any], ...] | None:
    if value is None:
        return None
    if is_missing(value):
        return ()
    if not isinstance(value, list):
        raise RecordError(source, "wrong-type", f"expected a list of entries, found {_type_name(value)}", field=name)
    for position, item in enumerate(value, 1):
        if not isinstance(item, dict):
            raise RecordError(source, "wrong-type", f"entry {position} should be a mapping, found {_type_name(item)}", field=name)
    return tuple(value)


def _pathway_score(data: dict[str, Any], source: str, warnings: list[Finding]) -> tuple[str | None, str | None]:
    """`automl_pathway` (current) or `pathway_score` (older records); the newer one wins."""
    found = [(name, _scalar_text(data.get(name), source, name)) for name in SCORE_FIELDS]
    present = [(name, value) for name, value in found if value is not None]
    if not present:
        return None, None
    if len(present) == 2 and present[0][1] != present[1][1]:
        warnings.append(
            Finding(
                source,
                "conflicting-score",
                f"automl_pathway ({present[0][1]}) and pathway_score ({present[1][1]}) differ; automl_pathway used",
                field="automl_pathway",
            )
        )
    name, value = present[0]
    return value, name


def normalise_record(data: dict[str, Any], source: str) -> FigureRecord:
    """Type and clean a parsed front matter; wrong types raise RecordError naming the field."""
    warnings: list[Finding] = []
    values: dict[str, Any] = {name: _scalar_text(data.get(name), source, name) for name in TEXT_FIELDS}
    values["organisms"] = _text_list(data.get("organisms"), source, "organisms", ",")
    values["organisms_ner"] = _text_list(data.get("organisms_ner"), source, "organisms_ner", ",")
    values["keywords"] = _text_list(data.get("keywords"), source, "keywords", "|")
    values["pathway_score"], values["pathway_score_field"] = _pathway_score(data, source, warnings)
    jsonld = data.get(JSONLD_FIELD)
    if jsonld is not None and not isinstance(jsonld, dict):
        raise RecordError(source, "wrong-type", f"expected a JSON-LD object, found {_type_name(jsonld)}", field=JSONLD_FIELD)
    values["jsonld"] = jsonld
    values["inline_genes"] = _mention_list(data.get("genes"), source, "genes")
    values["inline_chemicals"] = _mention_list(data.get("chemicals"), source, "chemicals")
    values["inline_diseases"] = _mention_list(data.get("diseases"), source, "diseases")
    values["unmapped"] = tuple(str(key) for key in data if key not in KNOWN_FIELDS)
    if values["figid"] is None:
        warnings.append(Finding(source, "missing-figid", "no figid: the figure cannot be identified", field="figid"))
    if values["pmcid"] is None:
        warnings.append(Finding(source, "missing-pmcid", "no pmcid: the figure has no paper", field="pmcid"))
    return FigureRecord(source=source, warnings=tuple(warnings), **values)
