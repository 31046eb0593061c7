"""The memoised fast path of JSON-LD expansion: pyld runs once per block *structure*.

Every literal string of a block is replaced by a placeholder; pyld expands that skeleton once, and later
blocks of the same structure fill their strings into the memoised template. A differential test holds
`expand_jsonld` equal to `expand_jsonld_reference` (jsonld.py), which runs pyld on every block.
"""

from __future__ import annotations

import json
import re
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

from ..errors import Finding
from ..rdf.graph import NodeMap
from ..rdf.terms import escape_literal, recurring_plain
from .jsonld import _iri_coerced_terms, _run_pyld, _term, blank_prefix, expand_jsonld_reference

# ---- the memoised fast path -------------------------------------------------------------------

_FIGURE_MARKER = "urn:x-pfocr-rdf:figure"
# A placeholder ends in U+E001; the second of a list of strings ("many") ends in U+E003: its twin.
_PLACEHOLDER = re.compile("\ue000([0-9]+)([\ue001\ue003])")
_FIXED, _FIGURE, _BLANK, _SLOT = 0, 1, 2, 3
_TWIN = "\ue003"


def _is_many(value: list[Any]) -> bool:
    """A list of two or more strings: templated by its first two items, whatever its length, so that a
    list of 100,000 keywords costs one pyld run on two, not pyld's quadratic run on all."""
    return len(value) >= 2 and all(type(item) is str for item in value)


_KEEP_VERBATIM = frozenset(("@context", "@type", "type", "@language", "@direction", "@base", "@vocab", "@container"))


def _skeleton(value: Any, key: str | None, leaves: list[str], top: bool) -> Any:
    """`value` with every literal string replaced by a numbered placeholder."""
    if isinstance(value, dict):
        out = {}
        for name, item in value.items():
            if name in _KEEP_VERBATIM or name in _iri_coerced_terms():
                out[name] = item
            elif name in ("@id", "id"):
                out[name] = _FIGURE_MARKER if top and item == value.get("@id", value.get("id")) else item
            else:
                out[name] = _skeleton(item, name, leaves, False)
        if top:
            out["@id"] = _FIGURE_MARKER
        return out
    if isinstance(value, list):
        if _is_many(value):
            leaves.append(value)
            slot = len(leaves) - 1
            return [f"\ue000{slot}\ue001", f"\ue000{slot}{_TWIN}"]
        return [_skeleton(item, key, leaves, False) for item in value]
    if isinstance(value, str):
        leaves.append(value)
        return f"\ue000{len(leaves) - 1}\ue001"
    return value


def _frozen(value: Any) -> Any:
    """A hashable stand-in for a value kept verbatim; a string never equals the JSON text of a non-string."""
    return value if isinstance(value, str) else ("json", json.dumps(value, ensure_ascii=False, sort_keys=False))


def _signature(value: Any, leaves: list[str], top: bool) -> Any:
    """A hashable description of `value`'s structure (what `_skeleton` keeps), collecting its literal
    strings in `_skeleton`'s order; cheaper than building the skeleton for every record."""
    kind = type(value)
    if kind is str:
        leaves.append(value)
        return "s"
    if kind is list:
        if _is_many(value):
            leaves.append(value)  # one slot for the whole list, filled item by item
            return "many"
        if len(value) == 1 and type(value[0]) is str:
            leaves.append(value[0])
            return ("strings", 1)
        return ("list", tuple(_signature(item, leaves, False) for item in value))
    if kind is dict:
        coerced = _iri_coerced_terms()
        items = []
        for name, item in value.items():
            if name in _KEEP_VERBATIM or name in coerced:
                items.append((name, "=", _frozen(item)))
            elif name in ("@id", "id"):
                marked = top and item == value.get("@id", value.get("id"))
                items.append((name, "=", _FIGURE_MARKER if marked else _frozen(item)))
            else:
                items.append((name, _signature(item, leaves, False)))
        return ("dict", top, tuple(items))
    return ("value", _frozen(value))


@dataclass(frozen=True)
class _Template:
    """Triples with holes: (subject kind, subject, predicate, object kind, object, literal suffix)."""

    parts: tuple[tuple[int, str, str, int, Any, str], ...] | None  # None: this shape needs pyld each time
    has_blank: bool = False


def _template_part(node: dict[str, str]) -> tuple[int, str, str] | None:
    """(kind, text, suffix) of one term of the skeleton's expansion; None if it cannot be templated
    (the record then takes the reference path, which reports what is wrong)."""
    kind, value = node["type"], node["value"]
    if kind == "blank node":
        return _BLANK, value[2:], ""
    if kind == "IRI" and value == _FIGURE_MARKER:
        return _FIGURE, "", ""
    if "\ue000" in value and (kind == "IRI" or _PLACEHOLDER.fullmatch(value) is None):
        return None
    match = _PLACEHOLDER.fullmatch(value) if kind != "IRI" else None
    term, problem = _term({**node, "value": ""} if match else node, "")
    if term is None or problem is not None:
        return None
    if match:
        slot = match.group(1) + ("*" if match.group(2) == _TWIN else "")
        return _SLOT, slot, term[2:]  # the literal's suffix: ^^<datatype> or @lang
    return _FIXED, term, ""


def _compile_template(skeleton: dict[str, Any], source: str) -> _Template:
    parts = []
    twins = []
    for triple in _run_pyld(skeleton, source):
        subject = _template_part(triple["subject"])
        predicate = _template_part(triple["predicate"])
        obj = _template_part(triple["object"])
        if subject is None or predicate is None or obj is None or subject[0] == _SLOT or predicate[0] != _FIXED:
            return _Template(None)
        if obj[0] == _SLOT and obj[1].endswith("*"):
            twins.append((subject[0], subject[1], predicate[1], obj[0], int(obj[1][:-1]), obj[2]))
            continue
        slot: Any = int(obj[1]) if obj[0] == _SLOT else obj[1]
        parts.append((subject[0], subject[1], predicate[1], obj[0], slot, obj[2]))
    # A list's second item must have expanded exactly as its first (plain values of one property); a
    # list that becomes anything else (an rdf:List, say) takes the reference path every time.
    if twins and not set(twins) <= set(parts):
        return _Template(None)
    return _Template(tuple(parts), any(part[0] == _BLANK or part[3] == _BLANK for part in parts))


class _TemplateCache(OrderedDict[Any, _Template]):
    """A small LRU of templates keyed by skeleton: real corpora have a few hundred shapes."""

    def __init__(self, size: int = 4096) -> None:
        super().__init__()
        self.size = size

    def get_or_compile(self, key: Any, skeleton: dict[str, Any], source: str) -> _Template:
        template = self.get(key)
        if template is None:
            template = _compile_template(skeleton, source)
            self[key] = template
            if len(self) > self.size:
                self.popitem(last=False)
        else:
            self.move_to_end(key)
        return template


_TEMPLATES = _TemplateCache()


def expand_jsonld(document: dict[str, Any], figure: str, source: str, warnings: list[Finding] | None = None) -> NodeMap:
    """Expand a prepared block; same result as `expand_jsonld_reference`, memoised by structure."""
    if "@graph" in document or ("@context" in document and not isinstance(document["@context"], str)):
        return expand_jsonld_reference(document, figure, source, warnings)
    leaves: list[str] = []
    key = _signature(document, leaves, True)
    template = _TEMPLATES.get(key)
    if template is None:
        template = _TEMPLATES.get_or_compile(key, _skeleton(document, None, [], True), source)
    if template.parts is None:
        return expand_jsonld_reference(document, figure, source, warnings)
    figure_term = "<" + figure + ">"
    blank = "_:" + blank_prefix(figure) if template.has_blank else ""
    nodes: NodeMap = {}
    for s_kind, s_text, predicate, o_kind, o_text, suffix in template.parts:
        subject = figure_term if s_kind == _FIGURE else blank + s_text if s_kind == _BLANK else s_text
        if o_kind == _SLOT:
            leaf = leaves[o_text]  # type: ignore[index]
            if type(leaf) is list:  # a list of strings: one triple per item
                objects = [recurring_plain(item) if not suffix else '"' + escape_literal(item) + '"' + suffix for item in leaf]
                props = nodes.setdefault(subject, {})
                props.setdefault(predicate, []).extend(objects)
                continue
            obj = recurring_plain(leaf) if not suffix else '"' + escape_literal(leaf) + '"' + suffix
        elif o_kind == _FIGURE:
            obj = figure_term
        elif o_kind == _BLANK:
            obj = blank + o_text
        else:
            obj = o_text
        props = nodes.get(subject)
        if props is None:
            props = nodes[subject] = {}
        values = props.get(predicate)
        if values is None:
            props[predicate] = [obj]
        else:
            values.append(obj)
    for props in nodes.values():  # pyld drops repeated values; keep the first of each
        for predicate, values in props.items():
            if len(values) > 1:
                props[predicate] = list(dict.fromkeys(values))
    return nodes
