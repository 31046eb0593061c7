"""The constraint components' tests: on one value (node kind, ranges, ...) and on all the values of a
focus node (languages, equals, disjoint, lessThan, closed, hasValue)."""

from __future__ import annotations

from collections.abc import Callable

from ..rdf.terms import XSD_STRING, split_literal
from .datagraph import DataGraph
from .report import ShapesError, _c
from .xsd import BOOLEAN, comparable_value, compare, value_of

# ---- value tests -----------------------------------------------------------------------------------


def canonical(term: str) -> str:
    """The term with its language tag lower-cased: RDF compares language tags case-insensitively."""
    if term[:1] == '"' and term[-1] != '"' and term[-1] != ">":
        at = term.rfind("@")
        return term[:at] + term[at:].lower()
    return term


def _node_kind_test(kind: str) -> Callable[[str], bool]:
    allowed = {
        "IRI": "<",
        "BlankNode": "_",
        "Literal": '"',
        "BlankNodeOrIRI": "_<",
        "BlankNodeOrLiteral": '_"',
        "IRIOrLiteral": '<"',
    }[kind]
    return lambda term: term[:1] in allowed


def _string_of(term: str) -> str | None:
    """The string sh:pattern and the length constraints see; None for blank nodes."""
    first = term[:1]
    if first == "<":
        return term[1:-1]
    if first == '"':
        if term[-1] == '"' and "\\" not in term:  # a plain literal without escapes: the text itself
            return term[1:-1]
        return split_literal(term)[0]
    return None


def _compare_test(bound: str, accept: Callable[[int], bool]) -> Callable[[str], bool]:
    """A range constraint: the value compares with the bound as XSD orders values, incomparable fails."""
    bound_value = comparable_value(bound)
    if bound_value is None:
        raise ShapesError(f"a range bound {bound} that is not a number, xsd:dateTime or xsd:date")

    def test(term: str) -> bool:
        value = comparable_value(term)
        order = None if value is None else compare(value, bound_value)
        return order is not None and accept(order)

    return test


# ---- compiled shapes -------------------------------------------------------------------------------

ValueTest = tuple[str, Callable[[str], bool]]  # (component, value conforms?)
GraphTest = tuple[str, Callable[[str, DataGraph], bool]]
PathValues = Callable[["DataGraph", str], list[str]]
_PATH_KINDS = ("inversePath", "alternativePath", "zeroOrMorePath", "oneOrMorePath", "zeroOrOnePath")
# Constraints on all the values of a focus node at once (uniqueLang, equals, closed, ...): per result
# (component, value, path), the path None for the shape's own.
FocusResult = tuple[str, str | None, str | None]
FocusTest = Callable[[DataGraph, str, list[str]], list[FocusResult]]
_NONE: list[str] = []
_MEMO_LIMIT = 4096  # per property shape: values repeat across records, memory must not grow with them
_MIN_COUNT, _MAX_COUNT, _HAS_VALUE, _CLASS = _c("MinCount"), _c("MaxCount"), _c("HasValue"), _c("Class")


def _language_tag(term: str) -> str | None:
    if term[:1] != '"' or term[-1] in '">':
        return None
    return term[term.rfind("@") + 1 :].lower()


def _language_in(term: str, ranges: tuple[str, ...]) -> bool:
    """sh:languageIn: the tag matches one of the ranges as SPARQL langMatches does (basic filtering)."""
    tag = _language_tag(term)
    return tag is not None and any(r == "*" or tag == r or tag.startswith(r + "-") for r in ranges)


def _unique_lang(graph: DataGraph, focus: str, values: list[str]) -> list[FocusResult]:
    """One result per language tag used by more than one value."""
    seen: dict[str, int] = {}
    for value in values:
        tag = _language_tag(value)
        if tag:
            seen[tag] = seen.get(tag, 0) + 1
    return [(_c("UniqueLang"), None, None) for count in seen.values() if count > 1]


def _equals(component: str, predicate: str) -> FocusTest:
    def test(graph: DataGraph, focus: str, values: list[str]) -> list[FocusResult]:
        other = graph.objects(focus, predicate)
        other_set, value_set = set(other), set(values)
        missing = [value for value in values if value not in other_set] + [value for value in other if value not in value_set]
        return [(component, value, None) for value in missing]

    return test


def _disjoint(component: str, predicate: str) -> FocusTest:
    def test(graph: DataGraph, focus: str, values: list[str]) -> list[FocusResult]:
        other = graph.objects(focus, predicate)
        return [(component, value, None) for value in values if value in other]

    return test


def _ordered(left: str, right: str) -> int | None:
    """SPARQL's order of two terms (its `<` operator): numbers and date-times as XSD orders them, plain strings
    by code point, false before true; None for anything else (IRIs, language strings, mixed kinds)."""
    left_value, right_value = comparable_value(left), comparable_value(right)
    if left_value is not None and right_value is not None:
        return compare(left_value, right_value)
    if left[:1] == '"' and right[:1] == '"':
        (a, a_type, a_lang), (b, b_type, b_lang) = split_literal(left), split_literal(right)
        if a_type == b_type == XSD_STRING and a_lang is None and b_lang is None:
            return (a > b) - (a < b)
        if a_type == b_type == BOOLEAN:
            a_truth, b_truth = value_of(a, BOOLEAN), value_of(b, BOOLEAN)
            if a_truth is not None and b_truth is not None:
                return int(a_truth) - int(b_truth)
    return None


def _less_than(component: str, predicate: str) -> FocusTest:
    or_equal = component.endswith("OrEqualsConstraintComponent>")

    def test(graph: DataGraph, focus: str, values: list[str]) -> list[FocusResult]:
        found: list[FocusResult] = []
        for value in values:
            for other in graph.objects(focus, predicate):
                order = _ordered(value, other)
                if order is None or order > 0 or (order == 0 and not or_equal):
                    found.append((component, value, None))
        return found

    return test


def _closed(allowed: frozenset[str]) -> FocusTest:
    """sh:closed: every outgoing predicate of the focus node is a property shape's path or ignored."""

    def test(graph: DataGraph, focus: str, values: list[str]) -> list[FocusResult]:
        props = graph.nodes.get(focus) or {}
        return [
            (_c("Closed"), value, predicate)
            for predicate, objects in props.items()
            if predicate not in allowed
            for value in objects
        ]

    return test


def _distinct(values_of: PathValues) -> PathValues:
    """A path's value nodes are a set: each once, in the order first reached."""
    return lambda graph, node: list(dict.fromkeys(values_of(graph, node)))


def _has(values: list[str], required: str) -> bool:
    """sh:hasValue: `required` among the values, language tags compared case-insensitively."""
    return required in values or (required[-1] != '"' and any(canonical(value) == required for value in values))
