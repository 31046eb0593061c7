"""SHACL Core shapes compiled to Python checks over a record's node map.

pySHACL is the definition of correct (a differential test holds this engine to it), but it costs
milliseconds per record. The shapes are therefore compiled once into small closures that run over
the `subject -> predicate -> objects` map each record already is, one record at a time.

Supported: targets of node and property shapes (class with rdfs:subClassOf in the data, implicit
class targets, node, subjectsOf, objectsOf); predicate, inverse, sequence, alternative, zero-or-more,
one-or-more and zero-or-one paths (not the inverse of a complex path); min/max count, qualified value
shapes (disjoint too), class, datatype (lexical forms as XSD 1.1 defines them, see xsd.py), node kind,
pattern (+ flags, read as XPath reads them), min/max length, min/max inclusive/exclusive (values
compared as XSD does), in, hasValue, not, node, and, or, xone, languageIn, uniqueLang, equals, disjoint,
lessThan, lessThanOrEquals, closed (+ ignoredProperties); severity, message, deactivated. Anything else
reachable from a target, and any constraint component declared in the shapes graph, raises ShapesError
when the shapes are compiled, and the caller validates that shapes graph with pySHACL instead: never a
shape skipped, never a silent "conforms".

Why ours and not a library's: pySHACL is the one well-kept SHACL engine for Python, and it stays, as the
reference (the suite checks that every record's results equal pySHACL's, tests/test_shacl_spec.py and
tests/test_validation.py) and as `--engine pyshacl`. But it validates an rdflib graph: each record would
be copied into rdflib and walked through rdflib's triple index, where this runs closures over the map
the record already is. Measured (farm-bench, whole `pfocr-rdf validate` of the 45-record sample, paired
runs): 1.7 s with this engine, 8.2 s with `--engine pyshacl`, 4.8 times as long, start-up and
conversion included in both.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from itertools import groupby
from pathlib import Path

import pyoxigraph as ox

from .errors import UsageError
from .graph import NodeMap
from .terms import XSD_STRING, split_literal
from .xsd import BOOLEAN, checks_datatype, comparable_value, compare, value_of, well_typed

SH = "http://www.w3.org/ns/shacl#"
RDF_TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
RDFS_SUBCLASS = "<http://www.w3.org/2000/01/rdf-schema#subClassOf>"
RDF_FIRST = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#first>"
RDF_REST = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#rest>"
RDF_NIL = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#nil>"
XSD = "http://www.w3.org/2001/XMLSchema#"
RDFS_CLASS = "<http://www.w3.org/2000/01/rdf-schema#Class>"
OWL_CLASS = "<http://www.w3.org/2002/07/owl#Class>"
SHAPE_TYPES = {f"<{SH}NodeShape>", f"<{SH}PropertyShape>"}
SOURCE_FIELD = "<https://pfocr.wikipathways.org/vocab#sourceField>"
VIOLATION, WARNING, INFO = f"<{SH}Violation>", f"<{SH}Warning>", f"<{SH}Info>"

# Shape vocabulary the compiler understands; any other sh: term on a shape is an error.
_ANNOTATIONS = {
    "message",
    "severity",
    "deactivated",
    "name",
    "description",
    "order",
    "group",
    "targetClass",
    "targetNode",
    "targetSubjectsOf",
    "targetObjectsOf",
    "property",
    "path",
}
_PARAMETERS = {
    "minCount",
    "maxCount",
    "qualifiedValueShape",
    "qualifiedMinCount",
    "qualifiedMaxCount",
    "qualifiedValueShapesDisjoint",
    "class",
    "datatype",
    "nodeKind",
    "pattern",
    "flags",
    "minLength",
    "maxLength",
    "minInclusive",
    "maxInclusive",
    "minExclusive",
    "maxExclusive",
    "in",
    "hasValue",
    "not",
    "node",
    "and",
    "or",
    "xone",
    "languageIn",
    "uniqueLang",
    "equals",
    "disjoint",
    "lessThan",
    "lessThanOrEquals",
    "closed",
    "ignoredProperties",
}


class ShapesError(Exception):
    """The shapes graph uses something this engine cannot evaluate."""


def parse_shapes_file(path: Path) -> list[ox.Triple]:
    """The triples of a Turtle shapes file, its file: IRI the base; a syntax error is a one-line UsageError."""
    try:
        return list(ox.parse(path=str(path), format=ox.RdfFormat.TURTLE, base_iri=path.resolve().as_uri()))
    except SyntaxError as exc:
        raise UsageError(f"{path}: the SHACL shapes are not valid Turtle: {exc}") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"{path}: the SHACL shapes cannot be read: {exc}") from exc


def _c(name: str) -> str:
    return f"<{SH}{name}ConstraintComponent>"


@dataclass(frozen=True, slots=True)
class ValidationResult:
    """One sh:ValidationResult, terms in canonical N-Triples form."""

    focus: str
    path: str | None  # a predicate term, "^" + term for an inverse path, None for node shapes
    value: str | None
    severity: str
    shape: str
    component: str
    message: str
    field: str | None = None
    message_language: str | None = None  # the language tag of sh:message, kept in the standard report
    shape_name: str | None = None  # a blank node shape's name for people (see blank_shape_name); `shape` stays the node

    @property
    def is_violation(self) -> bool:
        return self.severity == VIOLATION


def blank_shape_name(
    shape: str, holders: Callable[[str], list[tuple[str, str]]], path: Callable[[str], str | None]
) -> str | None:
    """A name for a blank node shape, which its `_:` label does not give: the shape that holds it (named
    the same way when blank itself) and its path's local name, `FigureShape/year`; or, for a shape held
    another way (sh:not, sh:node, ...), the holding property, `FigureShape/not`. `holders(node)` gives
    (holder, predicate) pairs; None when the shape stands alone."""
    names: list[str] = []
    seen = {shape}
    node = shape
    while node[:2] == "_:":
        found = holders(node)
        if not found:
            return None
        holder, predicate = found[0]
        step = path(node) if predicate == f"<{SH}property>" else None
        names.append(local_name(step or predicate))
        if holder in seen:
            return None
        seen.add(holder)
        node = holder
    return "/".join([local_name(node), *reversed(names)])


def local_name(term: str) -> str:
    """An IRI term's local name (after its last # or /; `^` kept for an inverse path); any other term (a
    blank node, a path's Turtle text) as it is."""
    inverse = term[:1] == "^"
    iri = term.lstrip("^")
    if iri[:1] != "<":
        return term
    return ("^" if inverse else "") + iri[1:-1].rsplit("#", 1)[-1].rsplit("/", 1)[-1]


class DataGraph:
    """Read access to a node map, with the indexes SHACL needs built on first use."""

    __slots__ = ("_instance_memo", "_instances", "_reverse", "_superclass_memo", "_superclasses", "nodes")

    def __init__(self, nodes: NodeMap) -> None:
        self.nodes = nodes
        self._instances: dict[str, list[str]] | None = None
        self._reverse: dict[str, dict[str, list[str]]] = {}
        self._superclasses: dict[str, set[str]] | None = None
        self._superclass_memo: dict[str, set[str]] = {}
        self._instance_memo: dict[str, frozenset[str]] = {}

    def objects(self, subject: str, predicate: str) -> list[str]:
        props = self.nodes.get(subject)
        return props.get(predicate, []) if props else []

    def subjects(self, predicate: str, obj: str) -> list[str]:
        index = self._reverse.get(predicate)
        if index is None:
            index = self._reverse[predicate] = {}
            for subject, props in self.nodes.items():
                for value in props.get(predicate, ()):
                    index.setdefault(value, []).append(subject)
        return index.get(obj, [])

    def objects_of(self, predicate: str) -> list[str]:
        seen: dict[str, None] = {}
        for props in self.nodes.values():
            values = props.get(predicate)
            if values:
                seen.update(dict.fromkeys(values))
        return list(seen)

    def superclasses(self, cls: str) -> set[str]:
        """`cls` and everything it is a subclass of, following rdfs:subClassOf in the data."""
        found = self._superclass_memo.get(cls)
        if found is not None:
            return found
        if self._superclasses is None:
            self._superclasses = {}
            for subject, props in self.nodes.items():
                parents = props.get(RDFS_SUBCLASS)
                if parents:
                    self._superclasses.setdefault(subject, set()).update(parents)
        result, todo = {cls}, [cls]
        while todo:
            for parent in self._superclasses.get(todo.pop(), ()):
                if parent not in result:
                    result.add(parent)
                    todo.append(parent)
        self._superclass_memo[cls] = result
        return result

    def instances(self, cls: str) -> list[str]:
        if self._instances is None:
            index: dict[str, list[str]] = {}
            self.superclasses(cls)  # builds the subclass table
            flat = not self._superclasses  # no rdfs:subClassOf in the data: a class is only itself
            for subject, props in self.nodes.items():
                for declared in props.get(RDF_TYPE, ()):
                    for cls_ in (declared,) if flat else self.superclasses(declared):
                        index.setdefault(cls_, []).append(subject)
            self._instances = index
        return self._instances.get(cls, [])

    def is_instance(self, node: str, cls: str) -> bool:
        members = self._instance_memo.get(cls)
        if members is None:
            members = self._instance_memo[cls] = frozenset(self.instances(cls))
        return node in members


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


_CATEGORIES = {
    "L", "Lu", "Ll", "Lt", "Lm", "Lo", "M", "Mn", "Mc", "Me", "N", "Nd", "Nl", "No", "P", "Pc", "Pd", "Ps", "Pe", "Pi",
    "Pf", "Po", "Z", "Zs", "Zl", "Zp", "S", "Sm", "Sc", "Sk", "So", "C", "Cc", "Cf", "Co", "Cn",
}  # fmt: skip
_MAX_CODE_POINT = 0x10FFFF
# XML 1.0 (fifth edition) NameStartChar and NameChar: XPath's \i and \c
_NAME_START = [(0x3A, 0x3A), (0x41, 0x5A), (0x5F, 0x5F), (0x61, 0x7A), (0xC0, 0xD6), (0xD8, 0xF6), (0xF8, 0x2FF),
               (0x370, 0x37D), (0x37F, 0x1FFF), (0x200C, 0x200D), (0x2070, 0x218F), (0x2C00, 0x2FEF), (0x3001, 0xD7FF),
               (0xF900, 0xFDCF), (0xFDF0, 0xFFFD), (0x10000, 0xEFFFF)]  # fmt: skip
_NAME_CHAR = sorted([*_NAME_START, (0x2D, 0x2E), (0x30, 0x39), (0xB7, 0xB7), (0x300, 0x36F), (0x203F, 0x2040)])


@lru_cache(maxsize=1)
def _category_runs() -> tuple[tuple[int, int, str], ...]:
    """Every code point in runs of one Unicode general category: (first, last, category). About a second,
    once, for the shapes whose patterns use a category."""
    runs: list[tuple[int, int, str]] = []
    code = 0
    for cat, group in groupby(map(unicodedata.category, map(chr, range(_MAX_CODE_POINT + 1)))):
        size = sum(1 for _ in group)
        runs.append((code, code + size - 1, cat))
        code += size
    return tuple(runs)


@lru_cache(maxsize=64)
def _category_ranges(categories: str) -> tuple[tuple[int, int], ...]:
    """The code point ranges whose Unicode general category starts with one of `categories` (space separated)."""
    wanted = tuple(categories.split())
    ranges: list[tuple[int, int]] = []
    for low, high, cat in _category_runs():
        if cat.startswith(wanted):
            if ranges and ranges[-1][1] == low - 1:
                ranges[-1] = (ranges[-1][0], high)
            else:
                ranges.append((low, high))
    return tuple(ranges)


def _complement(ranges: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    out, start = [], 0
    for low, high in sorted(ranges):
        if low > start:
            out.append((start, low - 1))
        start = max(start, high + 1)
    if start <= _MAX_CODE_POINT:
        out.append((start, _MAX_CODE_POINT))
    return out


def _class_body(ranges: Iterable[tuple[int, int]]) -> str:
    return "".join(f"\\U{low:08x}" if low == high else f"\\U{low:08x}-\\U{high:08x}" for low, high in ranges)


def _escape_class(escape: str) -> tuple[str, bool] | None:
    """The ranges (as class text) of an XPath class escape Python reads otherwise or not at all, and whether
    they are to be negated; None for an escape Python reads as XPath does."""
    letter, name = escape[1], escape[3:-1]
    if letter in "pP":
        if name not in _CATEGORIES:  # a block (\p{IsBasicLatin}): Python's unicodedata does not know blocks
            raise re.error(f"the class {escape} is not supported")
        return _class_body(_category_ranges(name)), letter == "P"
    if letter in "wW":  # XSD: every character but punctuation, separators and "other" (Python's \w differs)
        return _class_body(_complement(_category_ranges("P Z C"))), letter == "W"
    if letter in "sS":  # XSD: space, tab, newline, return only (Python's \s has more)
        return _class_body([(0x9, 0xA), (0xD, 0xD), (0x20, 0x20)]), letter == "S"
    if letter in "iI":
        return _class_body(_NAME_START), letter == "I"
    if letter in "cC":
        return _class_body(_NAME_CHAR), letter == "C"
    return None


def xpath_regex(pattern: str, flags: str = "") -> re.Pattern[str]:
    """An XPath regular expression (SHACL 4.4.3: fn:matches) as a Python one. Where the two read the same
    text differently it is translated: `$` ends the string only (Python's also matches before a final
    newline), the `x` flag removes whitespace outside character classes (Python's also starts comments
    at `#`), `\\w` and `\\s` are XSD's classes, and `\\p{..}`, `\\P{..}`, `\\i`, `\\c` (which Python
    lacks) are written out as character ranges. What cannot be translated (a Unicode block `\\p{IsGreek}`,
    class subtraction `[a-z-[aeiou]]`) raises re.error."""
    out: list[str] = []
    depth = 0  # inside a character class
    i = 0
    while i < len(pattern):
        char = pattern[i]
        if char == "\\":
            escape = pattern[i : i + 2]
            if escape[1:] in ("p", "P"):
                end = pattern.find("}", i)
                if pattern[i + 2 : i + 3] != "{" or end < 0:
                    raise re.error(f"{escape} without a {{name}}", pattern, i)
                escape = pattern[i : end + 1]
            try:
                written = _escape_class(escape) if len(escape) > 1 else None
            except re.error as exc:
                raise re.error(str(exc), pattern, i) from None
            if written is None:
                out.append(escape)
            elif depth and written[1]:  # a negated class escape inside a class: its complement's ranges
                out.append(_class_body(_complement(_ranges_of(written[0]))))
            elif depth:
                out.append(written[0])
            else:
                out.append(("[^" if written[1] else "[") + written[0] + "]")
            i += len(escape)
            continue
        if depth:
            if char == "[" and pattern[i - 1] == "-":
                raise re.error("character class subtraction is not supported", pattern, i)
            if char == "]":
                depth -= 1
        elif char == "[":
            depth = 1
            if pattern[i + 1 : i + 2] == "^":  # a negated class
                out.append("[^")
                i += 2
                continue
        elif char == "$" and "m" not in flags:
            char = r"\Z"
        elif char in " \t\n\r" and "x" in flags:
            char = ""
        out.append(char)
        i += 1
    re_flags = 0
    for letter in flags:
        re_flags |= {"i": re.IGNORECASE, "m": re.MULTILINE, "s": re.DOTALL}.get(letter, 0)
    return re.compile("".join(out), re_flags)


def _ranges_of(body: str) -> list[tuple[int, int]]:
    """The ranges of a class body written by _class_body."""
    return [(int(low, 16), int(high or low, 16)) for low, high in re.findall(r"\\U([0-9a-f]{8})(?:-\\U([0-9a-f]{8}))?", body)]


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


@dataclass
class Shape:
    """A compiled node or property shape."""

    iri: str
    severity: str = VIOLATION
    message: str = ""
    message_language: str | None = None
    source_field: str | None = None
    path: str | None = None  # predicate term; "^" prefix for inverse; a complex path's Turtle text
    path_values: PathValues | None = None  # a complex path (sequence, alternative, repetition)
    min_count: int | None = None
    max_count: int | None = None
    has_values: list[str] = field(default_factory=list)
    qualified: tuple[Shape, int | None, int | None] | None = None
    qualified_siblings: list[Shape] = field(default_factory=list)  # sh:qualifiedValueShapesDisjoint
    value_tests: list[ValueTest] = field(default_factory=list)  # depend on the value alone: memoised
    graph_tests: list[GraphTest] = field(default_factory=list)  # depend on the data graph (class, not, node)
    focus_tests: list[FocusTest] = field(default_factory=list)  # depend on all the values of the focus node
    properties: list[Shape] = field(default_factory=list)
    targets: list[tuple[str, str]] = field(default_factory=list)
    failures: dict[str, tuple[str, ...]] = field(default_factory=dict)  # value -> components it fails
    name: str | None = None  # a blank node shape's name for people (blank_shape_name)

    def values(self, graph: DataGraph, focus: str) -> list[str]:
        if self.path is None:
            return [focus]
        if self.path_values is not None:
            return self.path_values(graph, focus)
        if self.path[0] == "^":
            return graph.subjects(self.path[1:], focus)
        props = graph.nodes.get(focus)
        return props.get(self.path, _NONE) if props else _NONE

    def _failures(self, value: str) -> tuple[str, ...]:
        found = self.failures.get(value)
        if found is None:
            found = tuple(component for component, test in self.value_tests if not test(value))
            if len(self.failures) >= _MEMO_LIMIT:
                self.failures.clear()
            self.failures[value] = found
        return found

    def validate(self, graph: DataGraph, focus: str, out: list[ValidationResult]) -> None:
        self.validate_own(graph, focus, out)
        values = self.values(graph, focus)
        for prop in self.properties:
            for value in values:
                prop.validate(graph, value, out)

    def validate_own(self, graph: DataGraph, focus: str, out: list[ValidationResult]) -> None:
        """This shape's own constraints, without its property shapes."""
        values = self.values(graph, focus)
        count = len(values)
        if self.min_count is not None and count < self.min_count:
            out.append(self._result(focus, None, _MIN_COUNT))
        if self.max_count is not None and count > self.max_count:
            out.append(self._result(focus, None, _MAX_COUNT))
        for required in self.has_values:
            if not _has(values, required):  # a node shape's result names its focus node as the value
                out.append(self._result(focus, None if self.path is not None else focus, _HAS_VALUE))
        if self.qualified is not None:
            inner, low, high = self.qualified
            siblings = self.qualified_siblings
            matching = sum(1 for value in values if inner.conforms(graph, value))
            if siblings:  # sh:qualifiedValueShapesDisjoint: a value conforming to a sibling shape does not count
                matching -= sum(
                    1 for value in values if inner.conforms(graph, value) and any(s.conforms(graph, value) for s in siblings)
                )
            if low is not None and matching < low:
                out.append(self._result(focus, None, _c("QualifiedMinCount")))
            if high is not None and matching > high:
                out.append(self._result(focus, None, _c("QualifiedMaxCount")))
        if self.value_tests:
            for value in values:
                for component in self._failures(value):
                    out.append(self._result(focus, value, component))
        for component, test in self.graph_tests:
            for value in values:
                if not test(value, graph):
                    out.append(self._result(focus, value, component))
        for focus_test in self.focus_tests:
            for component, value, path in focus_test(graph, focus, values):
                result = self._result(focus, value, component)
                out.append(result if path is None else replace(result, path=path))

    def _result(self, focus: str, value: str | None, component: str) -> ValidationResult:
        return ValidationResult(
            focus, self.path, value, self.severity, self.iri, component, self.message, self.source_field,
            self.message_language, self.name,
        )  # fmt: skip

    def conforms(self, graph: DataGraph, focus: str) -> bool:
        if self.path is None and not (self.properties or self.has_values or self.qualified or self.focus_tests):
            # a plain node shape (as under sh:not, sh:node or sh:qualifiedValueShape): its tests alone decide
            if self.value_tests and self._failures(focus):
                return False
            for _, test in self.graph_tests:  # noqa: SIM110 (no generator: called once per value of a qualified shape)
                if not test(focus, graph):
                    return False
            return True
        found: list[ValidationResult] = []
        self.validate(graph, focus, found)
        return not found

    def focus_nodes(self, graph: DataGraph) -> list[str]:
        seen: dict[str, None] = {}
        for kind, value in self.targets:
            if kind == "targetClass":
                nodes: Iterable[str] = graph.instances(value)
            elif kind == "targetNode":
                nodes = (value,)
            elif kind == "targetSubjectsOf":
                nodes = (s for s, props in graph.nodes.items() if value in props)
            else:
                nodes = graph.objects_of(value)
            for node in nodes:
                seen[node] = None
        return list(seen)


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


def _is_simple(prop: Shape) -> bool:
    """A property shape the generated checker evaluates inline: a predicate path, flat constraints."""
    simple_graph_tests = all(component == _CLASS for component, _ in prop.graph_tests)
    plain_has_values = all(required[-1] == '"' or required[-1] == ">" for required in prop.has_values)
    return (
        prop.path is not None
        and prop.path[0] == "<"
        and prop.qualified is None
        and not prop.properties
        and not prop.focus_tests
        and simple_graph_tests
        and plain_has_values
    )


def _generate_checker(shape: Shape) -> Callable[[str, DataGraph, list[ValidationResult]], None]:
    """One straight-line function per top-level shape: its property shapes inlined, memoised value tests.

    It gives exactly the results of `shape.validate` (the generic evaluator, used as is for anything
    unusual: inverse paths, qualified value shapes, nested shapes); a test holds the two equal.
    """
    if shape.path is not None:  # a property shape with a target: its sh:property shapes apply to its values
        return lambda focus, graph, out: shape.validate(graph, focus, out)
    env: dict[str, object] = {"NONE": _NONE, "MINC": _MIN_COUNT, "MAXC": _MAX_COUNT, "HASV": _HAS_VALUE}
    env.update(CLS=_CLASS, SHAPE=shape)
    lines = ["def check(focus, graph, out):"]
    if (
        shape.min_count is not None
        or shape.max_count is not None
        or shape.has_values
        or shape.qualified is not None
        or shape.value_tests
        or shape.graph_tests
        or shape.focus_tests
    ):
        lines.append("    SHAPE.validate_own(graph, focus, out)")
    lines.append("    props = graph.nodes.get(focus) or {}")
    for i, prop in enumerate(shape.properties):
        env[f"S{i}"] = prop
        if not _is_simple(prop):
            lines.append(f"    S{i}.validate(graph, focus, out)")
            continue
        env[f"K{i}"], env[f"F{i}"] = prop.path, prop.failures
        lines.append(f"    v = props.get(K{i}, NONE)")
        if prop.min_count is not None:
            lines.append(f"    if len(v) < {prop.min_count}: out.append(S{i}._result(focus, None, MINC))")
        if prop.max_count is not None:
            lines.append(f"    if len(v) > {prop.max_count}: out.append(S{i}._result(focus, None, MAXC))")
        for j, required in enumerate(prop.has_values):
            env[f"H{i}_{j}"] = required
            lines.append(f"    if H{i}_{j} not in v: out.append(S{i}._result(focus, None, HASV))")
        if prop.value_tests:
            lines += [
                "    for x in v:",
                f"        f = F{i}.get(x)",
                "        if f is None:",
                f"            f = S{i}._failures(x)",
                "        for c in f:",
                f"            out.append(S{i}._result(focus, x, c))",
            ]
        for j, (_, test) in enumerate(prop.graph_tests):
            env[f"T{i}_{j}"] = test
            lines += ["    for x in v:", f"        if not T{i}_{j}(x, graph):"]
            lines.append(f"            out.append(S{i}._result(focus, x, CLS))")
    namespace: dict[str, object] = {}
    exec(compile("\n".join(lines), f"<checker {shape.iri}>", "exec"), env, namespace)
    return namespace["check"]  # type: ignore[return-value]


class ShapesGraph:
    """Shapes compiled from a shapes graph; `validate(nodes)` gives the results for a data graph."""

    def __init__(self, shapes: NodeMap, origins: dict[str, str] | None = None) -> None:
        self._graph = shapes
        self._origins = origins or {}  # subject -> the shapes file that says it (for error messages)
        self._compiled: dict[str, Shape] = {}
        self._parents: dict[str, list[str]] = {}
        for subject, props in shapes.items():
            for prop in props.get(f"<{SH}property>", ()):
                self._parents.setdefault(prop, []).append(subject)
        self.top: list[Shape] = []
        self._refuse_own_components()
        try:
            for subject, props in shapes.items():
                if (self._has_target(props) or self._is_class_shape(props)) and not self._deactivated(props):
                    self.top.append(self._shape(subject))
        except (ValueError, KeyError, IndexError, re.error) as exc:  # a malformed value the compiler cannot read
            raise ShapesError(f"a shape value it cannot read ({type(exc).__name__}: {exc})") from exc
        self._checkers = [_generate_checker(shape) for shape in self.top]

    @staticmethod
    def _has_target(props: dict[str, list[str]]) -> bool:
        return any(key[1:-1].startswith(SH + "target") for key in props)

    @staticmethod
    def _is_class_shape(props: dict[str, list[str]]) -> bool:
        """A shape that is also a class targets the class's instances (SHACL 2.1.3.3, implicit class target)."""
        types = props.get(RDF_TYPE, ())
        is_class = RDFS_CLASS in types or OWL_CLASS in types
        return is_class and (any(t in SHAPE_TYPES for t in types) or any(key[1:-1].startswith(SH) for key in props))

    def _refuse_own_components(self) -> None:
        """Constraint components declared in the shapes graph (SHACL-SPARQL, 6.1): their parameters, on any
        shape, are constraints this engine does not know; pySHACL evaluates them."""
        component, parameter = f"<{SH}ConstraintComponent>", f"<{SH}parameter>"
        for subject, props in self._graph.items():
            if subject.startswith(f"<{SH}"):
                continue  # the SHACL vocabulary itself (shacl.ttl) declares the Core components
            if component in props.get(RDF_TYPE, ()) or parameter in props:
                raise ShapesError(f"a constraint component of its own ({subject})")

    @classmethod
    def from_turtle(cls, text: str) -> ShapesGraph:
        nodes: NodeMap = {}
        for triple in ox.parse(text.encode("utf-8"), format=ox.RdfFormat.TURTLE):
            nodes.setdefault(str(triple.subject), {}).setdefault(str(triple.predicate), []).append(str(triple.object))
        return cls(nodes)

    @classmethod
    def from_files(cls, paths: Sequence[Path]) -> ShapesGraph:
        """The shapes graph of Turtle files, each parsed on its own with its file: IRI as base (as rapper and
        rdflib do), so relative IRIs resolve and a blank node label in two files names two nodes."""
        nodes: NodeMap = {}
        origins: dict[str, str] = {}
        for number, path in enumerate(paths):
            prefix = f"_:f{number}_" if len(paths) > 1 else "_:"

            def term(node: object, prefix: str = prefix) -> str:
                text = str(node)
                return prefix + text[2:] if isinstance(node, ox.BlankNode) else text

            for triple in parse_shapes_file(path):
                subject = term(triple.subject)
                values = nodes.setdefault(subject, {}).setdefault(str(triple.predicate), [])
                obj = term(triple.object)
                if obj not in values:
                    values.append(obj)
                origins.setdefault(subject, str(path))
        return cls(nodes, origins)

    def validate(self, nodes: NodeMap | DataGraph) -> list[ValidationResult]:
        graph = nodes if isinstance(nodes, DataGraph) else DataGraph(nodes)
        results: list[ValidationResult] = []
        for shape, checker in zip(self.top, self._checkers, strict=True):
            for focus in shape.focus_nodes(graph):
                checker(focus, graph, results)
        return results

    # -- compiling

    def _one(self, props: dict[str, list[str]], name: str) -> str | None:
        values = props.get(f"<{SH}{name}>", [])
        if len(values) > 1:
            raise ShapesError(f"sh:{name} given {len(values)} times on one shape")
        return values[0] if values else None

    def _deactivated(self, props: dict[str, list[str]]) -> bool:
        return props.get(f"<{SH}deactivated>") == ['"true"^^<http://www.w3.org/2001/XMLSchema#boolean>']

    def _list(self, head: str) -> list[str]:
        items = []
        while head != RDF_NIL:
            props = self._graph.get(head, {})
            items.extend(props.get(RDF_FIRST, []))
            head = (props.get(RDF_REST) or [RDF_NIL])[0]
        return items

    def _integer(self, term: str | None) -> int | None:
        return None if term is None else int(split_literal(term)[0])

    def _shape(self, iri: str) -> Shape:
        if iri in self._compiled:
            return self._compiled[iri]
        props = self._graph.get(iri, {})
        for key in props:
            local = key[1:-1].removeprefix(SH)
            if key[1:-1].startswith(SH) and local not in _ANNOTATIONS | _PARAMETERS:
                raise ShapesError(f"sh:{local} (shape {iri})")
        shape = Shape(iri)
        self._compiled[iri] = shape
        if iri[:2] == "_:":
            shape.name = blank_shape_name(iri, self._holders, self._predicate_path)
        if self._deactivated(props):
            return shape  # a deactivated shape has no constraints: every node conforms to it
        shape.severity = self._one(props, "severity") or VIOLATION
        message = self._one(props, "message")
        if message:
            shape.message, _, shape.message_language = split_literal(message)
        field_value = props.get(SOURCE_FIELD)
        shape.source_field = split_literal(field_value[0])[0] if field_value else None
        path = self._one(props, "path")
        if path is not None:
            shape.path = self._path(path)
            if shape.path[0] not in "<^":
                shape.path_values = _distinct(self._path_function(path))
        for kind in ("targetClass", "targetNode", "targetSubjectsOf", "targetObjectsOf"):
            shape.targets.extend((kind, value) for value in props.get(f"<{SH}{kind}>", []))
        if self._is_class_shape(props):
            shape.targets.append(("targetClass", iri))
        if path is None and (f"<{SH}minCount>" in props or f"<{SH}maxCount>" in props):
            raise ShapesError(f"sh:minCount or sh:maxCount on a node shape ({iri})")
        shape.min_count = self._integer(self._one(props, "minCount"))
        shape.max_count = self._integer(self._one(props, "maxCount"))
        shape.has_values = [canonical(value) for value in props.get(f"<{SH}hasValue>", [])]
        qualified = self._one(props, "qualifiedValueShape")
        if qualified is not None:
            shape.qualified = (
                self._shape(qualified),
                self._integer(self._one(props, "qualifiedMinCount")),
                self._integer(self._one(props, "qualifiedMaxCount")),
            )
            if self._one(props, "qualifiedValueShapesDisjoint") == '"true"^^<http://www.w3.org/2001/XMLSchema#boolean>':
                shape.qualified_siblings = self._qualified_siblings(iri, qualified)
        shape.value_tests, shape.graph_tests = self._tests(props, iri)
        shape.focus_tests = self._focus_tests(props)
        shape.properties = [
            self._shape(p) for p in props.get(f"<{SH}property>", []) if not self._deactivated(self._graph.get(p, {}))
        ]
        return shape

    def _predicate_path(self, node: str) -> str | None:
        """A shape's sh:path when it is one predicate (an IRI), else None."""
        path = self._one(self._graph.get(node, {}), "path")
        return path if path is not None and path[:1] == "<" else None

    def _holders(self, node: str) -> list[tuple[str, str]]:
        """(subject, predicate) of the statements whose object is `node`: sh:property first."""
        found = [(parent, f"<{SH}property>") for parent in self._parents.get(node, ())]
        if not found:
            found = [(s, p) for s, props in self._graph.items() for p, values in props.items() if node in values]
        return found

    def _qualified_siblings(self, iri: str, own: str) -> list[Shape]:
        """The other qualified value shapes of the property shapes next to this one (SHACL 4.7.3)."""
        siblings: dict[str, None] = {}
        for parent in self._parents.get(iri, ()):
            for prop in self._graph.get(parent, {}).get(f"<{SH}property>", ()):
                for value_shape in self._graph.get(prop, {}).get(f"<{SH}qualifiedValueShape>", ()):
                    if value_shape != own:
                        siblings[value_shape] = None
        return [self._shape(sibling) for sibling in siblings]

    def _path(self, path: str) -> str:
        if path[0] == "<":
            return path
        inverse = self._graph.get(path, {}).get(f"<{SH}inversePath>", [])
        if len(inverse) == 1 and inverse[0][0] == "<" and len(self._graph[path]) == 1:
            return "^" + inverse[0]
        return self._path_text(path)

    def _path_text(self, path: str) -> str:
        """The path as Turtle, written as reference_results writes pySHACL's result paths."""
        if path[0] == "<":
            return path
        props = self._graph.get(path, {})
        if RDF_FIRST in props:
            return "( " + " ".join(self._path_text(step) for step in self._list(path)) + " )"
        for kind in _PATH_KINDS:
            inner = props.get(f"<{SH}{kind}>")
            if inner and len(props) == 1 and len(inner) == 1:
                return f"[ sh:{kind} {self._path_text(inner[0])} ]"
        raise ShapesError(f"a path it cannot read (path {path})")

    def _path_function(self, path: str) -> PathValues:
        """Value nodes of a path from a focus node (SHACL 2.3.1), as a function."""
        if path[0] == "<":
            return lambda graph, node: graph.objects(node, path)
        props = self._graph.get(path, {})
        if RDF_FIRST in props:
            steps = [self._path_function(step) for step in self._list(path)]
            if len(steps) < 2:
                raise ShapesError(f"a sequence path of {len(steps)} step (path {path})")

            def sequence(graph: DataGraph, node: str) -> list[str]:
                nodes = [node]
                for step in steps:
                    nodes = list(dict.fromkeys(value for current in nodes for value in step(graph, current)))
                return nodes

            return sequence
        self._path_text(path)  # well-formed: one kind, one value
        (key, (inner,)) = next(iter(props.items()))
        kind = key[1:-1].removeprefix(SH)
        if kind == "inversePath":
            if inner[0] != "<":
                raise ShapesError(f"an inverse of a complex path (path {path})")
            return lambda graph, node: graph.subjects(inner, node)
        if kind == "alternativePath":
            options = [self._path_function(option) for option in self._list(inner)]
            return lambda graph, node: [value for option in options for value in option(graph, node)]
        step = self._path_function(inner)

        def repeated(graph: DataGraph, node: str) -> list[str]:
            reached: dict[str, None] = {node: None} if kind != "oneOrMorePath" else {}
            todo = [node]
            while todo:
                for value in step(graph, todo.pop()):
                    if value not in reached:
                        reached[value] = None
                        if kind != "zeroOrOnePath":
                            todo.append(value)
            return list(reached)

        return repeated

    def _origin(self, shape: str) -> str:
        """The shapes file that says `shape` (or the shape that holds it), for an error message."""
        todo, seen = [shape], set()
        while todo:
            node = todo.pop()
            if node in self._origins:
                return self._origins[node]
            seen.add(node)
            todo += [s for s, props in self._graph.items() if node in (v for vs in props.values() for v in vs) and s not in seen]
        return "the SHACL shapes"

    def _tests(self, props: dict[str, list[str]], shape: str) -> tuple[list[ValueTest], list[GraphTest]]:
        tests: list[ValueTest] = []
        graph_tests: list[GraphTest] = []
        for cls in props.get(f"<{SH}class>", []):
            graph_tests.append((_c("Class"), lambda v, g, cls=cls: v[:1] != '"' and g.is_instance(v, cls)))
        for datatype in props.get(f"<{SH}datatype>", []):
            if not checks_datatype(datatype[1:-1]):
                raise ShapesError(f"sh:datatype {datatype} (its lexical forms are not checked natively)")
            tests.append((_c("Datatype"), lambda v, dt=datatype[1:-1]: well_typed(v, dt)))
        for kind in props.get(f"<{SH}nodeKind>", []):
            tests.append((_c("NodeKind"), _node_kind_test(kind[1:-1].removeprefix(SH))))
        flags = self._one(props, "flags")
        flag_letters = split_literal(flags)[0] if flags else ""
        for letter in flag_letters:
            if letter not in "imsx":
                raise ShapesError(f"sh:flags {letter!r}")
        for pattern in props.get(f"<{SH}pattern>", []):
            try:
                regex = xpath_regex(split_literal(pattern)[0], flag_letters)
            except re.error as exc:
                raise UsageError(
                    f"{self._origin(shape)}: sh:pattern {pattern} is not a regular expression this validator can evaluate ({exc})"
                ) from exc

            def matches(v: str, regex: re.Pattern[str] = regex) -> bool:
                text = _string_of(v)
                return text is not None and regex.search(text) is not None

            tests.append((_c("Pattern"), matches))
        for name, accept in (("minLength", lambda n, b: n >= b), ("maxLength", lambda n, b: n <= b)):
            for bound in props.get(f"<{SH}{name}>", []):
                limit = int(split_literal(bound)[0])

                def length_ok(v: str, limit: int = limit, accept: Callable[[int, int], bool] = accept) -> bool:
                    text = _string_of(v)
                    return text is not None and accept(len(text), limit)

                tests.append((_c(name[0].upper() + name[1:]), length_ok))
        ranges = {"minInclusive": lambda d: d >= 0, "maxInclusive": lambda d: d <= 0,
                  "minExclusive": lambda d: d > 0, "maxExclusive": lambda d: d < 0}  # fmt: skip
        for name, accept in ranges.items():
            for bound in props.get(f"<{SH}{name}>", []):
                tests.append((_c(name[0].upper() + name[1:]), _compare_test(bound, accept)))
        for head in props.get(f"<{SH}in>", []):
            allowed = frozenset(canonical(item) for item in self._list(head))
            tests.append((_c("In"), lambda v, allowed=allowed: v in allowed or canonical(v) in allowed))
        for inner in props.get(f"<{SH}not>", []):
            negated = self._shape(inner)
            graph_tests.append((_c("Not"), lambda v, g, negated=negated: not negated.conforms(g, v)))
        for inner in props.get(f"<{SH}node>", []):
            required = self._shape(inner)
            graph_tests.append((_c("Node"), lambda v, g, required=required: required.conforms(g, v)))
        logical = {"and": lambda n, size: n == size, "or": lambda n, size: n > 0, "xone": lambda n, size: n == 1}
        for name, accept in logical.items():
            for head in props.get(f"<{SH}{name}>", []):
                members = [self._shape(member) for member in self._list(head)]

                def combined(
                    v: str, g: DataGraph, members: list[Shape] = members, accept: Callable[[int, int], bool] = accept
                ) -> bool:
                    return accept(sum(member.conforms(g, v) for member in members), len(members))

                graph_tests.append((_c(name[0].upper() + name[1:]), combined))
        for head in props.get(f"<{SH}languageIn>", []):
            ranges = tuple(split_literal(item)[0].lower() for item in self._list(head))
            tests.append((_c("LanguageIn"), lambda v, ranges=ranges: _language_in(v, ranges)))
        return tests, graph_tests

    def _focus_tests(self, props: dict[str, list[str]]) -> list[FocusTest]:
        tests: list[FocusTest] = []
        if self._one(props, "closed") == '"true"^^<http://www.w3.org/2001/XMLSchema#boolean>':
            if f"<{SH}path>" in props:
                raise ShapesError("sh:closed on a property shape")
            allowed = {
                path for prop in props.get(f"<{SH}property>", ()) for path in self._graph.get(prop, {}).get(f"<{SH}path>", ())
            }
            for head in props.get(f"<{SH}ignoredProperties>", ()):
                allowed.update(self._list(head))
            tests.append(_closed(frozenset(term for term in allowed if term[:1] == "<")))
        if self._one(props, "uniqueLang") == '"true"^^<http://www.w3.org/2001/XMLSchema#boolean>':
            tests.append(_unique_lang)
        for name, make in (
            ("equals", _equals),
            ("disjoint", _disjoint),
            ("lessThan", _less_than),
            ("lessThanOrEquals", _less_than),
        ):
            for other in props.get(f"<{SH}{name}>", []):
                if other[:1] != "<":
                    raise ShapesError(f"sh:{name} {other} (not a predicate)")
                tests.append(make(_c(name[0].upper() + name[1:]), other))
        return tests
