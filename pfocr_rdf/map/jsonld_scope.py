"""What a record's JSON-LD block may say: schema.org statements about its own figure, nothing else.

The block is untrusted input. In an endpoint shared with WikiPathways, a statement about a gene, a
`wp:Pathway` type or a `wp:` predicate written by a record would pollute data that is not ours. So the
expanded block keeps only statements whose subject is the figure or a blank node reached from it through
kept statements, whose predicate is schema.org's (or `rdf:type`), and whose types are schema.org classes
(written http or https; kept in the http form schema.org's context gives).
Each kind of drop is one warning per record, naming what was dropped.
"""

from __future__ import annotations

from ..errors import Finding
from ..rdf.graph import NodeMap, extend_unique
from .vocab import NS_SCHEMA, RDF_TYPE

FIELD = "schema-jsonld"
_SCHEMA = "<" + NS_SCHEMA
_SCHEMA_HTTPS = "<https://schema.org/"  # the same terms (schema.org says either scheme names them)


def _schema_term(term: str) -> str | None:
    """A schema.org term in the http form schema.org's context expands to; None for any other term."""
    if term.startswith(_SCHEMA):
        return term
    if term.startswith(_SCHEMA_HTTPS):
        return _SCHEMA + term[len(_SCHEMA_HTTPS) :]
    return None


def _shown(terms: dict[str, int], limit: int = 3) -> str:
    names = ", ".join(list(terms)[:limit])
    return names + (f" and {len(terms) - limit} more" if len(terms) > limit else "")


def figure_statements_only(nodes: NodeMap, figure: str, source: str, warnings: list[Finding]) -> NodeMap:
    """The statements of `nodes` the record may make (see module docstring); drops are reported."""
    kept: NodeMap = {}
    foreign_types: dict[str, int] = {}
    foreign_predicates: dict[str, int] = {}
    reached, queue = {figure}, [figure]
    while queue:
        subject = queue.pop()
        properties = nodes.get(subject)
        if not properties:
            continue
        own: dict[str, list[str]] = {}
        for predicate, objects in properties.items():
            if predicate == RDF_TYPE:
                types = []
                for obj in objects:
                    schema_type = _schema_term(obj)
                    if schema_type is None:
                        foreign_types[obj] = foreign_types.get(obj, 0) + 1
                    elif schema_type not in types:
                        types.append(schema_type)
                if types:
                    own[predicate] = types
                continue
            schema_predicate = _schema_term(predicate)
            if schema_predicate is None:
                foreign_predicates[predicate] = foreign_predicates.get(predicate, 0) + len(objects)
                continue
            extend_unique(own.setdefault(schema_predicate, []), objects)  # linear: JSON-LD lists can be long
            for obj in objects:
                if obj.startswith("_:") and obj not in reached:
                    reached.add(obj)
                    queue.append(obj)
        if own:
            kept[subject] = own
    foreign_subjects = {
        subject: sum(map(len, properties.values())) for subject, properties in nodes.items() if subject not in reached
    }
    drops = (
        ("jsonld-foreign-subject", foreign_subjects, "statements about {terms} dropped: the block may only describe its figure"),
        ("jsonld-foreign-type", foreign_types, "type {terms} dropped: only schema.org types are kept"),
        ("jsonld-foreign-predicate", foreign_predicates, "statements with {terms} dropped: only schema.org properties are kept"),
    )
    for kind, terms, message in drops:
        if terms:
            count = sum(terms.values())
            text = message.format(terms=_shown(terms)) + f" ({count} statement{'s' if count != 1 else ''})"
            warnings.append(Finding(source, kind, text, FIELD))
    # Keep pyld's order of subjects (the figure first, as before), not the order they were reached in.
    return {subject: kept[subject] for subject in nodes if subject in kept}
