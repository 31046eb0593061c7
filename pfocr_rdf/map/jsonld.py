"""The record's `schema-jsonld` block: repaired as VOCABULARY.md says, then expanded to triples.

Expansion is defined by pyld against the bundled official schema.org context; no context is ever
fetched. `expand_jsonld_reference` runs pyld on every block: the definition of correct, which the
memoised fast path (`expand_jsonld`, jsonld_templates.py) is held equal to by a differential test.
"""

from __future__ import annotations

import copy
import hashlib
import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from types import ModuleType
from typing import Any

from ..errors import Finding, RecordError
from ..rdf.graph import NodeMap, add_triple
from ..rdf.terms import XSD_STRING, checked_iri, checked_language, literal
from ..read.record import is_missing

CONTEXT_FILE = "data/schemaorgcontext-29.0.jsonld"
FIELD = "schema-jsonld"
_SCHEMA_ORG_CONTEXT = re.compile(r"https?://(?:www\.)?schema\.org(?:/?|/docs/jsonldcontext\.json(?:ld)?)", re.IGNORECASE)
_ABSOLUTE_IRI = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:\S*")  # pyld's test; anything else it drops
_CC0 = re.compile(r"\s*cc[- ]?0(?:[- ]1\.0)?\s*", re.IGNORECASE)
CC0_IRI = "http://creativecommons.org/publicdomain/zero/1.0/"
SCHEMA_ORG_CONTEXT_URL = "https://schema.org/"
NAME_PLACEHOLDER = "CreativeWork"
WIKIPATHWAYS_CREATOR = {"@type": "Organization", "name": "WikiPathways"}


class ContextRefused(Exception):
    """A context other than schema.org's was asked for; it is refused, never fetched."""


def is_schema_org_context(url: Any) -> bool:
    return isinstance(url, str) and _SCHEMA_ORG_CONTEXT.fullmatch(url.strip()) is not None


@lru_cache(maxsize=1)
def schema_org_context() -> dict[str, Any]:
    """The bundled official schema.org JSON-LD context (release 29.0)."""
    text = resources.files("pfocr_rdf").joinpath(CONTEXT_FILE).read_text(encoding="utf-8")
    return json.loads(text)


def offline_document_loader(url: str, options: dict[str, Any] | None = None) -> dict[str, Any]:
    """pyld document loader: schema.org's context from the package, anything else refused.

    The `tag` makes pyld cache the processed context across calls instead of re-reading 3,000 terms.
    """
    if not is_schema_org_context(url):
        raise ContextRefused(url)
    return {"contextUrl": None, "documentUrl": url, "document": schema_org_context(), "tag": "static"}


@lru_cache(maxsize=1)
def _iri_coerced_terms() -> frozenset[str]:
    """Context terms whose string values are IRIs (`"@type": "@id"` or `"@vocab"`)."""
    context = schema_org_context()["@context"]
    return frozenset(
        term
        for term, definition in context.items()
        if isinstance(definition, dict) and definition.get("@type") in ("@id", "@vocab")
    )


@dataclass
class PreparedJsonLd:
    """A repaired block, ready to expand, with what the repairs did."""

    document: dict[str, Any]
    repairs: dict[str, int] = field(default_factory=dict)
    warnings: list[Finding] = field(default_factory=list)


def _count(repairs: dict[str, int], kind: str, n: int = 1) -> None:
    repairs[kind] = repairs.get(kind, 0) + n


def prepare_jsonld(block: dict[str, Any], figure: str, title: str | None, source: str) -> PreparedJsonLd:
    """Check the context and apply the spec's repairs to a copy of the block."""
    document = dict(block)  # repairs replace values, copying what they change; the block itself stays as read
    prepared = PreparedJsonLd(document)
    repairs, warnings = prepared.repairs, prepared.warnings

    # The block is read with schema.org's context and no other: a context of its own (inline terms, @base,
    # @vocab, a remote document) could make its keys mean anything, so it is ignored, never fetched.
    context = document.get("@context")
    if not is_schema_org_context(context):
        shown = json.dumps(context, ensure_ascii=False)[:120] if context is not None else "none"
        warnings.append(
            Finding(
                source,
                "jsonld-context-ignored",
                f"@context {shown} is not schema.org; it is ignored and the block read with schema.org's context",
                FIELD + ".@context",
            )
        )
        document["@context"] = SCHEMA_ORG_CONTEXT_URL
    nested = 0
    for key, value in list(document.items()):
        if key != "@context" and isinstance(value, (dict, list)):
            document[key], removed = _without_contexts(value)
            nested += removed
    if nested:
        warnings.append(
            Finding(
                source,
                "jsonld-context-ignored",
                f"{nested} @context inside the block ignored; the block is read with schema.org's context only",
                FIELD,
            )
        )

    given_id = document.get("@id")
    if given_id != figure:
        warnings.append(
            Finding(
                source,
                "jsonld-id-differs",
                f"@id {given_id!r} is not the figure IRI {figure}; the figure IRI is used",
                FIELD + ".@id",
            )
        )
    document["@id"] = figure

    license_value = document.get("license")
    if isinstance(license_value, str):
        if _CC0.fullmatch(license_value):
            document["license"] = CC0_IRI
            _count(repairs, "license-cc0")
        elif not _ABSOLUTE_IRI.fullmatch(license_value.strip()):
            del document["license"]
            warnings.append(
                Finding(
                    source, "junk-license", f"license {license_value!r} is neither CC0 nor an IRI; dropped", FIELD + ".license"
                )
            )

    for key, value in list(document.items()):
        if key != "license" and key in _iri_coerced_terms() and isinstance(value, str) and not _ABSOLUTE_IRI.fullmatch(value):
            del document[key]
            warnings.append(Finding(source, "jsonld-not-an-iri", f"{key} {value!r} is not an IRI; dropped", f"{FIELD}.{key}"))

    if document.get("name") == NAME_PLACEHOLDER and title:
        document["name"] = title
        _count(repairs, "name-placeholder")

    if document.get("creator") == WIKIPATHWAYS_CREATOR:
        document["creator"] = {"@id": WIKIPATHWAYS_ORG}
        _count(repairs, "shared-creator")

    keywords = document.get("keywords")
    if isinstance(keywords, list):
        kept = [keyword for keyword in keywords if not is_missing(keyword)]
        if len(kept) != len(keywords):
            _count(repairs, "missing-keyword", len(keywords) - len(kept))
            document["keywords"] = kept
    return prepared


def _without_contexts(value: Any) -> tuple[Any, int]:
    """`value` without any `@context` key at any depth (copied where one is removed), and how many."""
    if isinstance(value, dict):
        removed = 1 if "@context" in value else 0
        out = {}
        for key, item in value.items():
            if key != "@context":
                out[key], n = _without_contexts(item) if isinstance(item, (dict, list)) else (item, 0)
                removed += n
        return (out, removed) if removed else (value, 0)
    if isinstance(value, list):
        items = [_without_contexts(item) for item in value]
        removed = sum(n for _, n in items)
        return ([item for item, _ in items], removed) if removed else (value, 0)
    return value, 0


from .vocab import WIKIPATHWAYS_ORG  # noqa: E402  (after the constants it does not need)


def blank_prefix(figure: str) -> str:
    """A blank-node label prefix unique to one record and the same on every run."""
    return "r" + hashlib.blake2b(figure.encode("utf-8"), digest_size=8).hexdigest()


# A block is embedded in a record, so it has no base IRI: a relative @id means nothing. pyld resolves it against
# its default base (3.x: http://example.org/base/; 2.x leaves it relative), so it resolves against this
# reserved, never-real one instead, and the term is dropped with a warning whatever the release.
_NO_BASE = "http://relative-iri.invalid/"


def _term(node: dict[str, str], blank: str) -> tuple[str | None, str | None]:
    """(term, problem): a pyld node as a canonical term; None (with the reason) when it cannot be valid RDF."""
    kind, value = node["type"], node["value"]
    if kind == "IRI":
        if value.startswith(_NO_BASE):
            return None, f"relative IRI {value[len(_NO_BASE) :]!r} has no base to resolve it against; dropped"
        checked = checked_iri(value)
        return ("<" + checked + ">", None) if checked else (None, f"{value!r} is not a valid IRI")
    if kind == "blank node":
        return "_:" + blank + value[2:], None
    language = node.get("language")
    if language:
        tag = checked_language(language)
        if tag is None:
            return literal(value), f"language tag {language!r} is not valid; the text is kept without it"
        return literal(value, language=tag), None
    datatype = node.get("datatype")
    if datatype and datatype != XSD_STRING:
        checked = checked_iri(datatype)
        if checked is None:
            return None, f"datatype {datatype!r} is not a valid IRI"
        datatype = checked
    return literal(value, datatype), None


@lru_cache(maxsize=1)
def load_pyld() -> ModuleType:
    """pyld, imported when first needed: it brings requests and asyncio, about 40% of the time the load
    command takes to import, which a command that expands no block (a load whose records are all
    unchanged, a query) need not pay. A pool imports it before its workers fork (pipeline.warm_up)."""
    from pyld import jsonld

    return jsonld


def _run_pyld(document: dict[str, Any], source: str) -> list[dict[str, Any]]:
    """pyld's triples for a document, all graphs together."""
    pyld = load_pyld()
    try:
        dataset = pyld.to_rdf(copy.deepcopy(document), {"documentLoader": offline_document_loader, "base": _NO_BASE})
    except pyld.JsonLdError as exc:
        cause: BaseException | None = exc
        while cause is not None and not isinstance(cause, ContextRefused):
            cause = cause.__cause__
        if isinstance(cause, ContextRefused):
            raise RecordError(
                source, "refused-context", f"context {cause} is not schema.org; refused, never fetched", field=FIELD
            ) from None
        innermost: BaseException = exc
        while isinstance(innermost.__cause__, pyld.JsonLdError):
            innermost = innermost.__cause__
        reason = str(innermost.args[0]) if innermost.args else type(innermost).__name__
        raise RecordError(source, "invalid-jsonld", f"invalid JSON-LD: {reason}", field=FIELD) from None
    return [triple for graph in dataset.values() for triple in graph]


def expand_jsonld_reference(document: dict[str, Any], figure: str, source: str, warnings: list[Finding] | None = None) -> NodeMap:
    """Expand with pyld, record by record: the definition of correct.

    A triple whose term cannot be valid RDF (an IRI with a space, a bad language tag) is dropped, or
    repaired where the text can be kept, and reported in `warnings`.
    """
    blank = blank_prefix(figure)
    nodes: NodeMap = {}
    for triple in _run_pyld(document, source):
        terms = [_term(triple[position], blank) for position in ("subject", "predicate", "object")]
        for _, problem in terms:
            if problem and warnings is not None:
                warnings.append(Finding(source, "invalid-jsonld-term", problem, FIELD))
        (subject, _), (predicate, _), (obj, _) = terms
        if subject and predicate and obj:
            add_triple(nodes, subject, predicate, obj)
    return nodes
