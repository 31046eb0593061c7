"""What a record's JSON-LD block may say: schema.org statements about its own figure, nothing else.

The block is untrusted input. In an endpoint shared with WikiPathways, a statement about a gene, a
`wp:Pathway` type or a `wp:` predicate written by a record would pollute data that is not ours. So the
expanded block keeps only statements whose subject is the figure or a blank node reached from it through
kept statements, whose predicate is schema.org's (or `rdf:type`), and whose types are schema.org classes.
Each kind of drop is one warning per record, naming what was dropped.
"""

from __future__ import annotations

from .errors import Finding
from .graph import NodeMap
from .vocab import NS_SCHEMA, RDF_TYPE

FIELD = "schema-jsonld"
_SCHEMA = "<" + NS_SCHEMA


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
                types = [obj for obj in objects if obj.startswith(_SCHEMA)]
                for obj in objects:
                    if not obj.startswith(_SCHEMA):
                        foreign_types[obj] = foreign_types.get(obj, 0) + 1
                if types:
                    own[predicate] = types
                continue
            if not predicate.startswith(_SCHEMA):
                foreign_predicates[predicate] = foreign_predicates.get(predicate, 0) + len(objects)
                continue
            own[predicate] = list(objects)
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
