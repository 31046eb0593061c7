"""RecordGraph: the small graph one record becomes, grouped by subject.

Nodes keep insertion order (figure, mentions, paper, other JSON-LD nodes), so output is
deterministic without sorting, and validation can look a subject up without building an index.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

# subject term -> predicate term -> object terms, all canonical N-Triples (see terms.py)
NodeMap = dict[str, dict[str, list[str]]]
Triple = tuple[str, str, str]


def add_triple(nodes: NodeMap, subject: str, predicate: str, obj: str) -> None:
    """Add one triple to a node map (a triple already there is not added twice)."""
    values = nodes.setdefault(subject, {}).setdefault(predicate, [])
    if obj not in values:
        values.append(obj)


def merge_nodes(target: NodeMap, nodes: NodeMap) -> NodeMap:
    """Add every triple of `nodes` to `target` (sets: no triple twice); returns `target`."""
    for subject, properties in nodes.items():
        into = target.setdefault(subject, {})
        for predicate, objects in properties.items():
            values = into.setdefault(predicate, [])
            values.extend(obj for obj in objects if obj not in values)
    return target


@dataclass(slots=True)
class RecordGraph:
    """One record's triples. `figure` names the record's graph in quad formats."""

    figure: str
    nodes: NodeMap = field(default_factory=dict)
    shared: frozenset[str] = frozenset()  # subjects other records describe too (papers)

    def add(self, subject: str, predicate: str, obj: str) -> None:
        add_triple(self.nodes, subject, predicate, obj)

    def merge(self, nodes: NodeMap) -> None:
        merge_nodes(self.nodes, nodes)

    def triples(self) -> Iterator[Triple]:
        for subject, properties in self.nodes.items():
            for predicate, objects in properties.items():
                for obj in objects:
                    yield subject, predicate, obj

    def __len__(self) -> int:
        return sum(len(objects) for properties in self.nodes.values() for objects in properties.values())


def node_triples(subject: str, properties: dict[str, list[str]]) -> Iterator[Triple]:
    for predicate, objects in properties.items():
        for obj in objects:
            yield subject, predicate, obj
