"""The embedded store: an Oxigraph database in a folder, no server needed.

Each figure lives in its own named graph (the figure's IRI), so loading a figure again replaces it;
queries see the union of all graphs as their default graph, as in Virtuoso.
"""

from __future__ import annotations

import pyoxigraph as ox

from .errors import UsageError
from .results import Answer, answer_from_pyoxigraph


class EmbeddedStore:
    """An Oxigraph store in `path` (in memory when None)."""

    def __init__(self, path: str | None = None, read_only: bool = False) -> None:
        self.path = path
        try:
            if path is None:
                self.store = ox.Store()
            elif read_only:
                self.store = ox.Store.read_only(path)
            else:
                self.store = ox.Store(path)
        except OSError as exc:
            message = str(exc)
            if "lock" in message.lower():
                raise UsageError(f"store {path} is in use by another process (Oxigraph allows one writer)") from None
            raise UsageError(f"cannot open store {path}: {message}") from None

    def replace_graphs(self, nquads: str, graphs: list[str]) -> None:
        """Put the quads in, after removing what `graphs` (IRI terms) held before."""
        for graph in graphs:
            node = ox.NamedNode(graph[1:-1])
            if self.store.contains_named_graph(node):
                self.store.remove_graph(node)
        if nquads:
            self.store.load(nquads.encode("utf-8"), format=ox.RdfFormat.N_QUADS)

    def add_triples(self, ntriples: str, graph: str | None) -> None:
        """Add N-Triples to one graph (an IRI term) or the default graph."""
        target = ox.NamedNode(graph[1:-1]) if graph else ox.DefaultGraph()
        self.store.load(ntriples.encode("utf-8"), format=ox.RdfFormat.N_TRIPLES, to_graph=target)

    def clear_graph(self, graph: str | None) -> None:
        if graph is None:
            self.store.clear_graph(ox.DefaultGraph())
            return
        node = ox.NamedNode(graph[1:-1])
        if self.store.contains_named_graph(node):
            self.store.remove_graph(node)

    def graph_sizes(self, graphs: list[str]) -> dict[str, int]:
        """Triples in each of these graphs (IRI terms)."""
        return {
            graph: sum(1 for _ in self.store.quads_for_pattern(None, None, None, ox.NamedNode(graph[1:-1]))) for graph in graphs
        }

    def answer(self, query: str) -> Answer:
        """A query's answer: Results (SELECT), Triples (CONSTRUCT, DESCRIBE) or a bool (ASK)."""
        try:
            return answer_from_pyoxigraph(self.store.query(query, use_default_graph_as_union=True))
        except SyntaxError as exc:
            raise UsageError(f"invalid SPARQL: {exc}") from None

    def close(self) -> None:
        if self.path is not None:
            self.store.flush()
        del self.store
