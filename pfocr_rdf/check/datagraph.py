"""The data graph as SHACL reads it: a record's node map, with the indexes a shape needs built on first use."""

from __future__ import annotations

from ..rdf.graph import NodeMap
from .report import RDF_TYPE, RDFS_SUBCLASS


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
