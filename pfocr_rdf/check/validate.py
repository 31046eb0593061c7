"""Validation against the bundled SHACL shapes, and reports a person (or a program) can act on.

The fast engine (compiler.py, runner.py) validates one record's graph at a time; `reference_results` runs pySHACL
on a whole graph, the definition the fast engine is tested against. Results become `Finding`s that
name the file and the front-matter field (from the shapes' `pfocr:sourceField`), and can be written
as the standard sh:ValidationReport.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from ..errors import ERROR, WARNING, Finding, UsageError
from ..rdf.graph import NodeMap
from ..rdf.terms import escape_literal, split_literal
from .compiler import ShapesGraph, parse_shapes_file
from .report import SH, VIOLATION, ShapesError, ValidationResult, blank_shape_name, local_name


def shapes_dir() -> Path:
    """The shapes folder: inside the installed package, or `shapes/` of a source checkout."""
    packaged = resources.files("pfocr_rdf").joinpath("shapes")
    if packaged.is_dir():
        return Path(str(packaged))
    return Path(__file__).resolve().parent.parent.parent / "shapes"


def shapes_files(folder: Path | None = None) -> list[Path]:
    folder = folder or shapes_dir()
    files = sorted(folder.glob("*.ttl"))
    if not files:
        raise FileNotFoundError(f"no SHACL shapes (*.ttl) in {folder}")
    return files


def shapes_text(folder: Path | None = None) -> str:
    """The shapes files' texts, one after the other (what a run's reuse digest covers)."""
    return "\n".join(path.read_text(encoding="utf-8") for path in shapes_files(folder))


@lru_cache(maxsize=4)
def load_shapes(folder: str | None = None) -> ShapesGraph:
    """The compiled shapes of a folder, each file parsed on its own (its own base IRI, its own blank nodes)."""
    return ShapesGraph.from_files(shapes_files(Path(folder) if folder else None))


ENGINES = ("fast", "pyshacl")


@dataclass(frozen=True)
class ValidationSettings:
    """Which shapes, and which engine: the compiled one, or pySHACL itself (slow; the reference)."""

    shapes: str | None = None  # a folder of *.ttl shapes; None: the bundled shapes
    engine: str = "fast"


def validator_for(settings: ValidationSettings) -> Callable[[NodeMap], list[ValidationResult]]:
    if settings.engine == "pyshacl":
        return _reference_validator(settings.shapes)
    return _fast_or_reference(settings.shapes)


def _reference_validator(folder: str | None) -> Callable[[NodeMap], list[ValidationResult]]:
    shapes_folder = Path(folder) if folder else None
    return lambda nodes: reference_results(nodes, shapes_folder)


@lru_cache(maxsize=4)
def _fast_or_reference(folder: str | None) -> Callable[[NodeMap], list[ValidationResult]]:
    """The fast engine when it evaluates every shape of the shapes graph; otherwise pySHACL for the whole
    shapes graph, said once on stderr (cached per process; the parent decides before workers fork)."""
    try:
        return load_shapes(folder).validate
    except ShapesError as exc:
        print(f"pfocr-rdf: the shapes use {exc}, which the fast validator does not evaluate: validating with pySHACL (slower)",
              file=sys.stderr)  # fmt: skip
        return _reference_validator(folder)


def describe(result: ValidationResult) -> str:
    """The result in words: the shape's message, then where and what."""
    parts = [result.message or f"{local_name(result.component)} not satisfied"]
    if result.value is not None:
        parts.append(f"(value {_show(result.value)})")
    parts.append(f"at {_show(result.focus)}")
    return " ".join(parts)


def _show(term: str) -> str:
    if term[:1] == '"':
        lexical = split_literal(term)[0]
        return repr(lexical if len(lexical) <= 80 else lexical[:77] + "...")
    return term


def as_finding(result: ValidationResult, source: str) -> Finding:
    severity = ERROR if result.severity == VIOLATION else WARNING
    field = result.field or (_path_field(result.path) if result.path else None)
    return Finding(source, "shape:" + (result.shape_name or local_name(result.shape)), describe(result), field, None, severity)


def _path_field(path: str) -> str:
    """A predicate's local name; a complex path (pySHACL's results) as its Turtle text."""
    return local_name(path.lstrip("^")) if path.lstrip("^")[:1] == "<" else path


def violations(results: Iterable[ValidationResult]) -> list[ValidationResult]:
    return [result for result in results if result.is_violation]


# ---- the standard report ---------------------------------------------------------------------------


def _fresh_label(results: list[ValidationResult]) -> str:
    """A blank node label no label of the results starts with: the report's own nodes cannot be the data's."""
    used = [
        term[2:]
        for result in results
        for term in (result.focus, result.value, result.shape, result.path or "")
        if term is not None and term[:2] == "_:"
    ]
    label = "report"
    while any(other.startswith(label) for other in used):
        label += "x"
    return label


def report_turtle(results: list[ValidationResult]) -> str:
    """An sh:ValidationReport in Turtle (blank nodes labelled in order, so the file is reproducible).

    As SHACL defines it, sh:conforms is false when there is any result, whatever its severity (our exit
    status and summary let warnings pass); a result has sh:resultMessage only when the shape gives one,
    with its language tag. The report's blank nodes are labelled apart from those of the data."""
    conforms = not results
    label = _fresh_label(results)
    lines = [
        f"@prefix sh: <{SH}> .",
        "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .",
        "",
        f"_:{label} a sh:ValidationReport ;",
        f"    sh:conforms {'true' if conforms else 'false'}" + (" ." if not results else " ;"),
    ]
    if results:
        lines.append("    sh:result " + ", ".join(f"_:{label}{n}" for n in range(1, len(results) + 1)) + " .")
    for n, result in enumerate(results, 1):
        lines += ["", f"_:{label}{n} a sh:ValidationResult ;", f"    sh:focusNode {result.focus} ;"]
        if result.path is not None:
            path = f"[ sh:inversePath {result.path[1:]} ]" if result.path[0] == "^" else result.path  # else: Turtle text
            lines.append(f"    sh:resultPath {path} ;")
        if result.value is not None:
            lines.append(f"    sh:value {result.value} ;")
        lines += [
            f"    sh:resultSeverity {result.severity} ;",
            f"    sh:sourceShape {result.shape} ;",
            f"    sh:sourceConstraintComponent {result.component}" + (" ;" if result.message else " ."),
        ]
        if result.message:
            tag = f"@{result.message_language}" if result.message_language else ""
            lines.append(f'    sh:resultMessage "{escape_literal(result.message)}"{tag} .')
    return "\n".join(lines) + "\n"


# ---- pySHACL, the reference -------------------------------------------------------------------------


@lru_cache(maxsize=4)
def _reference_shapes(shapes_folder: Path | None) -> tuple[Any, dict[str, str]]:
    """The shapes as an rdflib graph, and each shape's front-matter field: parsed once per folder, not
    once per record (pySHACL does not modify its shapes graph)."""
    import rdflib

    shapes = rdflib.Graph()
    for path in shapes_files(shapes_folder):
        parse_shapes_file(path)  # a syntax error: one line naming the file (rdflib would raise its own)
        shapes.parse(path, format="turtle", publicID=path.resolve().as_uri())  # its own blank nodes, its own base
    fields = {
        str(s): str(o) for s, o in shapes.subject_objects(rdflib.URIRef("https://pfocr.wikipathways.org/vocab#sourceField"))
    }
    return shapes, fields


def _reference_shape_name(shapes: Any, shape: Any) -> str | None:
    """A blank node shape's name in pySHACL's results, made as the fast engine makes it (blank_shape_name)."""
    import rdflib

    def term(node: Any) -> str:
        return "_:" + str(node) if isinstance(node, rdflib.BNode) else f"<{node}>"

    def node_of(text: str) -> Any:
        return rdflib.BNode(text[2:]) if text[:2] == "_:" else rdflib.URIRef(text[1:-1])

    def holders(node: str) -> list[tuple[str, str]]:
        found = sorted((term(s), term(p)) for s, p in shapes.subject_predicates(node_of(node)))
        return sorted(found, key=lambda pair: pair[1] != f"<{SH}property>")

    def path(node: str) -> str | None:
        value = shapes.value(node_of(node), rdflib.URIRef(SH + "path"))
        return None if value is None or isinstance(value, rdflib.BNode) else term(value)

    return blank_shape_name(term(shape), holders, path) if isinstance(shape, rdflib.BNode) else None


def _file_with_pattern(folder: Path | None, pattern: str) -> Path | None:
    """The shapes file with an sh:pattern of this text."""
    for path in shapes_files(folder):
        for triple in parse_shapes_file(path):
            if str(triple.predicate) == f"<{SH}pattern>" and triple.object == ox.Literal(pattern):
                return path
    return None


def reference_results(nodes: NodeMap, shapes_folder: Path | None = None) -> list[ValidationResult]:
    """pySHACL's results for a data graph, as ValidationResults (for differential tests and --engine pyshacl)."""
    import pyshacl
    import rdflib

    from ..rdf.formats import NTRIPLES
    from ..write.serialize import chunk

    data = rdflib.Graph().parse(data=chunk(NTRIPLES, nodes.items(), None), format="nt")
    shapes, fields = _reference_shapes(shapes_folder)
    try:
        _, report, _ = pyshacl.validate(data, shacl_graph=shapes, inference="none", advanced=False, allow_warnings=True)
    except pyshacl.errors.ReportableRuntimeError as exc:  # pySHACL's own errors: the shapes graph is ill-formed
        raise UsageError(f"{shapes_folder or 'the bundled shapes'}: the SHACL shapes are not well-formed: {exc.message}") from exc
    except re.error as exc:  # an XPath regular expression Python's re cannot read (\p{L}, \i, ...)
        where = _file_with_pattern(shapes_folder, str(exc.pattern)) if exc.pattern is not None else None
        raise UsageError(
            f"{where or shapes_folder or 'the bundled shapes'}: sh:pattern {ox.Literal(str(exc.pattern))} is not a regular "
            f"expression this validator can evaluate ({exc})"
        ) from exc
    sh = rdflib.Namespace(SH)

    def term(node: rdflib.term.Node) -> str:
        if isinstance(node, rdflib.Literal):
            from ..rdf.terms import literal

            return literal(str(node), str(node.datatype) if node.datatype else None, node.language)
        if isinstance(node, rdflib.BNode):
            return "_:" + str(node)
        return f"<{node}>"

    def path_text(node: rdflib.term.Node, top: bool = False) -> str:
        """A SHACL path as Turtle text; a top-level inverse of a predicate as "^<p>", as the fast engine writes it."""
        if not isinstance(node, rdflib.BNode):
            return term(node)
        if report.value(node, rdflib.RDF.first) is not None:
            return "( " + " ".join(path_text(item) for item in rdflib.collection.Collection(report, node)) + " )"
        for kind in ("inversePath", "alternativePath", "zeroOrMorePath", "oneOrMorePath", "zeroOrOnePath"):
            inner = report.value(node, sh[kind])
            if inner is not None:
                if kind == "inversePath" and top and not isinstance(inner, rdflib.BNode):
                    return "^" + term(inner)
                return f"[ sh:{kind} {path_text(inner)} ]"
        raise ValueError(f"pySHACL reported a path it does not define: {node}")

    results = []
    for result in report.objects(None, sh.result):
        message = report.value(result, sh.resultMessage)  # not sh:detail: nested results are not results of the data
        path = report.value(result, sh.resultPath)
        path_term = path_text(path, top=True) if path is not None else None
        value = report.value(result, sh.value)
        shape = report.value(result, sh.sourceShape)
        results.append(
            ValidationResult(
                term(report.value(result, sh.focusNode)),
                path_term,
                term(value) if value is not None else None,
                term(report.value(result, sh.resultSeverity)),
                term(shape),
                term(report.value(result, sh.sourceConstraintComponent)),
                str(message or ""),
                fields.get(str(shape)),
                message.language if isinstance(message, rdflib.Literal) else None,
                _reference_shape_name(shapes, shape),
            )
        )
    return results
