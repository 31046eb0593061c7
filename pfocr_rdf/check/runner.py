"""Compiled shapes run over a data graph: a node or property shape's evaluation, and one generated
straight-line checker per top-level shape."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace

from .constraints import (
    _CLASS,
    _HAS_VALUE,
    _MAX_COUNT,
    _MEMO_LIMIT,
    _MIN_COUNT,
    _NONE,
    FocusTest,
    GraphTest,
    PathValues,
    ValueTest,
    _has,
)
from .datagraph import DataGraph
from .report import VIOLATION, ValidationResult, _c


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
