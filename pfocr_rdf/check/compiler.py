"""SHACL Core shapes compiled to Python checks over a record's node map.

It stays whole past 300 lines: it is one class, whose `_shape` compiles a shape by compiling the shapes it
names (property, qualified, nested, logical) through one memo of compiled shapes over one shapes graph; the
constraint tests, the runner, the report, XPath and XSD are already modules of their own.

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
reference (the suite checks that every record's results equal pySHACL's, tests/check/test_shacl_spec.py
and tests/check/test_validation.py) and as `--engine pyshacl`. But it validates an rdflib graph: each
record would be copied into rdflib and walked through rdflib's triple index, where this runs closures over
the map the record already is. Measured (farm-bench, whole `pfocr-rdf validate` of the 45-record sample,
paired runs): 1.7 s with this engine, 8.2 s with `--engine pyshacl`, 4.8 times as long, start-up and
conversion included in both.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from pathlib import Path

import pyoxigraph as ox

from ..errors import UsageError
from ..rdf.graph import NodeMap
from ..rdf.terms import split_literal
from .constraints import (
    _PATH_KINDS,
    FocusTest,
    GraphTest,
    PathValues,
    ValueTest,
    _closed,
    _compare_test,
    _disjoint,
    _distinct,
    _equals,
    _language_in,
    _less_than,
    _node_kind_test,
    _string_of,
    _unique_lang,
    canonical,
)
from .datagraph import DataGraph
from .report import (
    OWL_CLASS,
    RDF_FIRST,
    RDF_NIL,
    RDF_REST,
    RDF_TYPE,
    RDFS_CLASS,
    SH,
    SHAPE_TYPES,
    SOURCE_FIELD,
    VIOLATION,
    ShapesError,
    ValidationResult,
    _c,
    blank_shape_name,
)
from .runner import Shape, _generate_checker
from .xpath import xpath_regex
from .xsd import checks_datatype, well_typed

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


def parse_shapes_file(path: Path) -> list[ox.Triple]:
    """The triples of a Turtle shapes file, its file: IRI the base; a syntax error is a one-line UsageError."""
    try:
        return list(ox.parse(path=str(path), format=ox.RdfFormat.TURTLE, base_iri=path.resolve().as_uri()))
    except SyntaxError as exc:
        raise UsageError(f"{path}: the SHACL shapes are not valid Turtle: {exc}") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"{path}: the SHACL shapes cannot be read: {exc}") from exc


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
