"""The embedded Oxigraph store as a load's target: bulk loading into an empty store, batches and skips
into a full one, graphs marked in flight until counted, records reused whose inputs did not change."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from ..run.conversion import PacketStream
from ..write.void import DatasetStats
from .bulk import BulkGraph, BulkWriter
from .loadstate import LoadState, content_digest
from .reuse import Pending, Reuse, packets_reusing
from .store import EmbeddedStore
from .tally import RECORDS, stats_from
from .target import Part, Target

BULK_FROM_QUADS = 5_000  # a batch this big goes to a store that holds data through the bulk loader (store.py)
DEFAULT_GRAPH = ""  # the key of default-graph triples in counts


class StoreTarget(Target):
    """The embedded Oxigraph store: bulk loading into an empty store, batches and skips into a full one."""

    takes_default_graph = True

    def __init__(self, store: EmbeddedStore, graph: str | None, compact: bool = True) -> None:
        super().__init__(graph)
        self.store = store
        self.compact_after_bulk = compact  # after a bulk load: queries' lookups at about half the CPU, 1.5-2x the disk
        self.state = LoadState(store.path) if store.path is not None else None
        self.report.repaired = self._repair()
        self._bulk: BulkWriter | None = None
        self._bulk_expected = 0  # distinct triples sent to the bulk loader, repeated graphs aside
        self.pending = Pending()  # the input entry of the record whose graph comes next
        self.reuse = Reuse()
        if self.state is not None and store.is_empty():
            self.state.clear()
            self.report.bulk = True
            self._bulk = BulkWriter(store.store, self.state, folder=store.path)

    def _repair(self) -> list[str]:
        """Remove the graphs an interrupted load left in flight: they may hold part of a figure."""
        if self.state is None:
            return []
        names = self.state.in_flight()
        if names:
            self.store.remove_graphs(names)
            self.state.forget(names)
        return names

    # -- skipping what did not change

    def _whole(self, name: str, text: str) -> Part:
        part = super()._whole(name, text)
        if self.state is not None:
            part.data = text.encode("utf-8")
            part.digest = content_digest(part.data)
            part.inputs = self.pending.take(name)
        return part

    def _add(self, part: Part) -> None:
        if self._bulk is not None:
            self._send_bulk(part)
            return
        if part.digest is not None and self.state is not None:
            known = self.state.digests([part.name]).get(part.name)
            if known == part.digest:
                self.report.unchanged += 1
                if part.inputs is not None:
                    self.state.record_inputs([(part.inputs, part.digest)])
                return
        super()._add(part)

    def _send_bulk(self, part: Part) -> None:
        assert self._bulk is not None
        if part.name in self.repeats or part.name in (self.single, DEFAULT_GRAPH):
            self._written[part.name] = part.triples  # the last part's distinct total
        elif part.name != DEFAULT_GRAPH:
            self._bulk_expected += part.triples
            self.report.graphs += 1
        data = part.data if part.data is not None else part.text.encode("utf-8")
        lines = part.lines if part.lines >= 0 else data.count(b"\n")
        self._bulk.put(BulkGraph(part.name, data, lines, part.triples, part.digest, part.inputs))

    def default_graph(self, ntriples: str, path: str) -> None:
        if self._bulk is not None:
            self._send_bulk(Part(DEFAULT_GRAPH, ntriples, self._count_distinct(DEFAULT_GRAPH, ntriples), False, None))
            return
        self.store.add_triples(ntriples, None)  # a set: loading the same file again adds nothing
        self.report.triples += ntriples.count("\n")

    # -- writing batches (a store that held data before)

    def _write(self, batch: list[Part]) -> None:
        names = list(dict.fromkeys(part.name for part in batch))
        if self.state is not None:
            self.state.begin(names)
        self.store.remove_graphs(list(dict.fromkeys(part.name for part in batch if part.replace)))
        data = b"".join(part.data if part.data is not None else part.text.encode("utf-8") for part in batch)
        if data.count(b"\n") >= BULK_FROM_QUADS:
            self.store.bulk_add_quads(data)
        else:  # the description alone, a handful of figures: a transaction costs less than the bulk loader's start
            self.store.add_quads(data)

    def _confirm(self, batch: list[Part]) -> None:
        if self.state is not None:
            last = {part.name: part for part in batch}
            inputs = [(part.inputs, part.digest) for part in last.values() if part.inputs and part.digest]
            self.state.done(((name, part.digest, part.triples) for name, part in last.items()), inputs)

    def _sizes(self, graphs: list[str]) -> dict[str, int]:
        return self.store.graph_sizes(graphs)

    def tallied(self, example: str | None) -> tuple[DatasetStats, int] | None:
        """The description's counts over every record the store holds, this load's written ones included,
        from the state's tally (its rows hold for the graphs as they are, tally.py); None into an empty
        store (the run's own counts are the store's) or into one graph (--graph)."""
        if self._bulk is not None or self.state is None or self.single is not None:
            return None
        self._flush()  # the records of this load that wait in the batch: their rows join the tally
        counts = self.state.tally()
        return stats_from(counts, example), counts.get(RECORDS, 0)

    # -- ending

    def finish(self, waiting: Callable[[int, int], None] | None = None) -> None:
        self.report.reused = self.reuse.reused
        if self._bulk is not None:
            bulk, self._bulk = self._bulk, None
            bulk.finish(waiting)
            self._check_bulk()
            if self.compact_after_bulk and self.store.path is not None:  # on disk, loaded whole: compacted once
                self.store.compact()
        super().finish()

    def _check_bulk(self) -> None:
        """The store was empty and only this load wrote to it: its total equals the distinct triples sent
        exactly when every graph holds what was sent (no store invents quads)."""
        named = {name: count for name, count in self._written.items() if name != DEFAULT_GRAPH}
        self.report.graphs += len(named)
        expected = self._bulk_expected + sum(self._written.values())
        self.report.triples = expected
        real = self.store.quad_count()
        if real != expected:
            self.report.mismatches.append(f"the store holds {real:,} triples, {expected:,} were loaded")
        else:
            self.report.checked = self.report.graphs

    def abort(self) -> None:
        if self._bulk is not None:
            bulk, self._bulk = self._bulk, None
            bulk.abort()
        super().abort()
        self.report.dropped = self._repair()

    def packet_stream(self) -> PacketStream | None:
        """Records whose inputs did not change since their last load come from the state, not the workers
        (into one graph with --graph, every record is written again)."""
        if self.state is None or self.single is not None:
            return None
        return partial(
            packets_reusing,
            state=self.state,
            pending=self.pending,
            counts=self.reuse,
            look_up=self._bulk is None,
            written_again=self._file_graphs,
        )

    def release(self) -> None:
        if self.state is not None:
            self.state.close()
