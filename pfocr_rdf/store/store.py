"""The embedded store: an Oxigraph database in a folder, no server needed.

Each figure lives in its own named graph (the figure's IRI), so loading a figure again replaces it;
queries see the union of all graphs as their default graph, as in Virtuoso.
"""

from __future__ import annotations

import os

import pyoxigraph as ox

from ..errors import UsageError
from ..query.results import Answer, answer_from_pyoxigraph


def is_store(path: str) -> bool:
    """Whether a folder holds an Oxigraph store: RocksDB's `CURRENT` file, naming the database's manifest,
    is the first file it writes and is always there (pfocr-rdf-load.sqlite, the load state, is not a store)."""
    try:
        with open(os.path.join(path, "CURRENT"), "rb") as handle:
            return handle.read(9) == b"MANIFEST-"
    except OSError:
        return False


def refuse_other_folders(path: str, read_only: bool) -> None:
    """A store folder must be a store: reading one that is not (a typo, another folder) says so in a line,
    instead of RocksDB's error; writing into a folder that holds other files would bury them among its own."""
    if read_only:
        if not is_store(path):
            raise UsageError(f"{path} is not a pfocr-rdf/Oxigraph store (no Oxigraph database in it)")
        return
    try:
        entries = sorted(name for name in os.listdir(path) if not name.startswith("."))
    except FileNotFoundError:
        return  # made by Oxigraph
    except NotADirectoryError:
        raise UsageError(f"--store {path} is a file, not a folder") from None
    if entries and not is_store(path):
        shown = ", ".join(entries[:3]) + (f" and {len(entries) - 3:,} more" if len(entries) > 3 else "")
        raise UsageError(
            f"{path} is not empty and not a pfocr-rdf/Oxigraph store (it holds {shown}): give a new or empty folder, or a store"
        )


class EmbeddedStore:
    """An Oxigraph store in `path` (in memory when None)."""

    def __init__(self, path: str | None = None, read_only: bool = False) -> None:
        self.path = path
        self.read_only = read_only
        if path is not None:
            refuse_other_folders(path, read_only)
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

    def is_empty(self) -> bool:
        return next(iter(self.store), None) is None

    def quad_count(self) -> int:
        """Every quad of the store, counted by Oxigraph in one pass over one index."""
        return len(self.store)

    def remove_graphs(self, graphs: list[str]) -> None:
        """Remove these graphs (IRI terms) and everything in them."""
        for graph in graphs:
            node = ox.NamedNode(graph[1:-1])
            if self.store.contains_named_graph(node):
                self.store.remove_graph(node)

    def add_quads(self, nquads: bytes) -> None:
        """Add N-Quads in one transaction (all or nothing)."""
        if nquads:
            self.store.load(nquads, format=ox.RdfFormat.N_QUADS)

    def bulk_add_quads(self, nquads: bytes) -> None:
        """Add N-Quads that this tool wrote (canonical, checked terms) through Oxigraph's bulk loader, which
        writes sorted files instead of a transaction: about half the time of one for ten thousand quads (and
        no memtable left to flush at close), more for a few hundred. It is not atomic: the caller marks the
        graphs in flight before and confirms them once counted (loadstate.py), so a load killed half way is
        repaired."""
        if nquads:
            self.store.bulk_load(nquads, ox.RdfFormat.N_QUADS, lenient=True)

    def compact(self) -> None:
        """Compact the database (RocksDB's levels merged, as `oxigraph optimize` does). After a bulk load
        each lookup otherwise searches many overlapping files: the lookups of a named query took two to
        three times the CPU on a store not compacted (measured on 5,500 generated figures)."""
        self.store.optimize()

    def add_triples(self, ntriples: str, graph: str | None) -> None:
        """Add N-Triples to one graph (an IRI term) or the default graph."""
        target = ox.NamedNode(graph[1:-1]) if graph else ox.DefaultGraph()
        self.store.load(ntriples.encode("utf-8"), format=ox.RdfFormat.N_TRIPLES, to_graph=target)

    def graph_sizes(self, graphs: list[str]) -> dict[str, int]:
        """Triples in each of these graphs (IRI terms), counted inside Oxigraph, a hundred graphs a query:
        iterating the quads in Python costs about a hundred times more."""
        sizes = dict.fromkeys(graphs, 0)
        for start in range(0, len(graphs), 100):
            batch = " ".join(graphs[start : start + 100])
            query = f"SELECT ?g (COUNT(*) AS ?n) WHERE {{ VALUES ?g {{ {batch} }} GRAPH ?g {{ ?s ?p ?o }} }} GROUP BY ?g"
            for row in self.store.query(query):
                sizes[str(row["g"])] = int(row["n"].value)
        return sizes

    def answer(self, query: str) -> Answer:
        """A query's answer: Results (SELECT), Triples (CONSTRUCT, DESCRIBE) or a bool (ASK)."""
        try:
            return answer_from_pyoxigraph(self.store.query(query, use_default_graph_as_union=True))
        except SyntaxError as exc:
            raise UsageError(f"invalid SPARQL: {exc}") from None

    def close(self) -> None:
        if self.path is not None and not self.read_only:  # a read-only store has nothing to flush (and refuses to)
            self.store.flush()
        del self.store
