"""RecordGraph: the small graph one record becomes, grouped by subject.

Nodes keep insertion order (figure, mentions, paper, other JSON-LD nodes), so output is
deterministic without sorting, and validation can look a subject up without building an index.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

# subject term -> predicate term -> object terms, all canonical N-Triples (see terms.py)
NodeMap = dict[str, dict[str, list[str]]]
Triple = tuple[str, str, str]


_SHORT = 16  # up to this many objects, a scan is cheaper than a set


def add_triple(nodes: NodeMap, subject: str, predicate: str, obj: str) -> None:
    """Add one triple to a node map (a triple already there is not added twice). For many triples of
    one subject and predicate use `RecordGraph.add` or `extend_unique`, which stay linear."""
    values = nodes.setdefault(subject, {}).setdefault(predicate, [])
    if obj not in values:
        values.append(obj)


def extend_unique(values: list[str], objects: Iterable[str]) -> None:
    """Append the objects not yet in `values`, in order, in time linear in both."""
    if len(values) <= _SHORT and isinstance(objects, (list, tuple)) and len(objects) <= _SHORT:
        values.extend(obj for obj in objects if obj not in values)
        return
    seen = set(values)
    for obj in objects:
        if obj not in seen:
            seen.add(obj)
            values.append(obj)


def merge_nodes(target: NodeMap, nodes: NodeMap) -> NodeMap:
    """Add every triple of `nodes` to `target` (sets: no triple twice); returns `target`."""
    for subject, properties in nodes.items():
        into = target.setdefault(subject, {})
        for predicate, objects in properties.items():
            values = into.get(predicate)
            if values is None:
                into[predicate] = list(dict.fromkeys(objects))
            else:
                extend_unique(values, objects)
    return target


@dataclass(slots=True)
class RecordGraph:
    """One record's triples. `figure` names the record's graph in quad formats."""

    figure: str
    nodes: NodeMap = field(default_factory=dict)
    shared: frozenset[str] = frozenset()  # subjects other records describe too (papers)
    # The objects of long (subject, predicate) lists as sets, so that adding stays linear; each entry
    # keeps the list it indexes, and is rebuilt when that list was replaced or changed meanwhile.
    _indexes: dict[tuple[str, str], tuple[list[str], set[str], int]] = field(default_factory=dict, repr=False)

    def add(self, subject: str, predicate: str, obj: str) -> None:
        values = self.nodes.setdefault(subject, {}).setdefault(predicate, [])
        if len(values) <= _SHORT:
            if obj not in values:
                values.append(obj)
            return
        key = (subject, predicate)
        entry = self._indexes.get(key)
        if entry is None or entry[0] is not values or entry[2] != len(values):
            entry = (values, set(values), len(values))
        seen = entry[1]
        if obj not in seen:
            seen.add(obj)
            values.append(obj)
        self._indexes[key] = (values, seen, len(values))

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
