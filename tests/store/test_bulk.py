"""The bulk writer on a real store: sections handed whole to the loader, graphs in flight until every part
of them is in, nothing left in the store folder but the store and its state."""

from __future__ import annotations

import gc
import threading
from pathlib import Path

import pyoxigraph as ox

from pfocr_rdf.store.bulk import BulkGraph, BulkWriter
from pfocr_rdf.store.loadstate import LoadState, content_digest


def quads(graph: str, *objects: str) -> bytes:
    return "".join(f'<https://example.org/s> <https://example.org/p> "{o}" <{graph}> .\n' for o in objects).encode()


def part(graph: str, *objects: str, whole: bool = True, triples: int | None = None) -> BulkGraph:
    data = quads(graph, *objects)
    digest = content_digest(data) if whole else None
    return BulkGraph(f"<{graph}>", data, len(objects), triples if triples is not None else len(objects), digest)


def test_sections_load_in_order_and_a_graph_in_two_sections_is_confirmed_once_whole(tmp_path: Path) -> None:
    store, state = ox.Store(str(tmp_path)), LoadState(str(tmp_path))
    g, h = "https://example.org/g", "https://example.org/h"
    writer = BulkWriter(store, state, section_quads=2, folder=str(tmp_path))
    writer.put(part(g, "1", "2", whole=False))  # a section of its own
    writer.put(part(h, "1"))
    writer.put(part(g, "3", whole=False, triples=3))  # g's second part, in the next section
    writer.finish()
    assert writer.sections == 2
    assert len(store) == 4
    assert state.in_flight() == []
    recorded = dict(state._db.execute("SELECT name, triples FROM graph"))
    assert recorded == {f"<{h}>": 1}  # g came in parts: no digest to skip it by
    assert state.digests([f"<{h}>"]) == {f"<{h}>": content_digest(quads(h, "1"))}
    state.close()
    assert sorted(p.name for p in tmp_path.iterdir() if "section" in p.name) == []


def test_an_aborted_writer_loads_nothing_of_the_section_being_filled(tmp_path: Path) -> None:
    store, state = ox.Store(str(tmp_path)), LoadState(str(tmp_path))
    g, h = "https://example.org/g", "https://example.org/h"
    writer = BulkWriter(store, state, section_quads=2, folder=str(tmp_path))
    writer.put(part(g, "1", "2"))  # handed over: in flight until confirmed
    writer.put(part(h, "1"))  # the section being filled
    writer.abort()
    assert ox.NamedNode(h) not in {q.graph_name for q in store}
    assert state.in_flight() in ([], [f"<{g}>"])  # confirmed before the abort, or left for repair
    if state.in_flight():
        assert state.digests([f"<{g}>"]) == {}
    state.close()


def test_a_writer_given_nothing_leaves_the_store_free_at_once(tmp_path: Path) -> None:
    """A failed load in a long-lived process (the API, a notebook) must not keep the store locked until the
    garbage collector runs: a writer that loaded nothing holds no thread, and nothing else holds the store."""
    gc.disable()
    try:
        store = ox.Store(str(tmp_path))
        writer = BulkWriter(store, None, folder=str(tmp_path))
        writer.finish()
        assert not any(t.name == "pfocr-rdf bulk loader" for t in threading.enumerate())
        del writer, store
        ox.Store(str(tmp_path))  # the lock is free: no collection was needed
    finally:
        gc.enable()
