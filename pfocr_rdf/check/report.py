"""SHACL's terms, and what a check reports: `ValidationResult`, and names for shapes people can read."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

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


class ShapesError(Exception):
    """The shapes graph uses something this engine cannot evaluate."""


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
