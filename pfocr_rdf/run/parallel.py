"""An ordered, bounded parallel map over worker processes, each with pipes of its own.

Results come back in input order (so output is byte-identical whatever the number of workers), and
only a few batches are in flight per worker, so memory does not grow when workers outpace the writer.

Each worker has a task pipe and a result pipe of its own. The parent holds only the write end of the
one and the read end of the other, and each worker closes every pipe end it inherited that is not its
own: when a worker dies, however it dies (even half-way through sending a result), its result pipe
reads as end-of-file and the run fails with a message naming the worker, instead of hanging. There
are no threads in the parent. Bulk output (a record's text) does not travel through the pipes: each
worker writes it into a segment file of its own (anonymous, one per in-flight slot, reused) and sends
only its length; the parent reads the segment back a piece at a time and copies it to the output, in
order. A payload is written and read in pieces, so a record of a million statements is never held whole
as text, in the worker or in the parent.

An interrupted or failing run stops its workers at once. A parent that dies without stopping them
(kill -9) takes its workers along: on Linux the kernel sends them SIGKILL (PR_SET_PDEATHSIG),
elsewhere a watchdog thread in each worker notices the parent is gone.
"""

from __future__ import annotations

import contextlib
import gc
import multiprocessing
import os
import pickle
import signal
import tempfile
from collections import deque
from collections.abc import Callable, Generator, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from ..errors import UsageError, WorkerLost
from .parallel_worker import (
    _HEADER,
    _STOP_SIGNALS,
    _TASK,
    Output,
    Payload,
    _pieces_of,
    _read_exactly,
    _SegmentPayload,
    _worker_main,
    _write_all,
)

T = TypeVar("T")
R = TypeVar("R")

_STOP_WAIT = 5.0
YOUNG_GENERATION = 20_000


@contextlib.contextmanager
def quiet_collector(young: int = YOUNG_GENERATION) -> Generator[None, None, None]:
    """Keep the cycle collector out of the way while records are converted.

    Everything that exists after start-up (modules, shapes, tables) is frozen: never scanned again, and
    never written to by the collector, so forked workers keep sharing those pages instead of copying them.
    The youngest generation is collected after `young` allocations instead of 700: a record allocates
    tens of thousands of short-lived objects that reference counting frees, almost never a cycle.
    """
    threshold = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(young, *threshold[1:])
    try:
        yield
    finally:
        gc.set_threshold(*threshold)
        gc.unfreeze()


def default_workers() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def batch_size(items: int, workers: int) -> int:
    """Big enough to amortise inter-process traffic, small enough to keep every worker busy."""
    return max(1, min(32, items // (workers * 8)))


# -- the parent's side


@dataclass
class _Worker:
    process: Any  # multiprocessing's Process
    tasks: int  # write end of its task pipe
    results: int  # read end of its result pipe
    slots: list[int]  # its segment files
    in_flight: deque[tuple[int, int]] = field(default_factory=deque)  # (batch's first item, slot), oldest first
    sent: int = 0

    def describe_end(self) -> str:
        self.process.join(1)
        code = self.process.exitcode
        if code is None:
            return "stopped answering"
        if code < 0:
            with contextlib.suppress(ValueError):
                return f"was killed by {signal.Signals(-code).name}"
        return f"ended with status {code}"


class _Pool:
    """`workers` forked processes, each fed batches of item indexes through its own task pipe."""

    def __init__(self, function: Callable[[T], tuple[R, Output]], items: Sequence[T], workers: int, slots: int) -> None:
        self.workers: list[_Worker] = []
        context = multiprocessing.get_context("fork")
        parent = os.getpid()
        try:
            for _ in range(workers):
                task_read, task_write = os.pipe()
                result_read, result_write = os.pipe()
                segments = [_anonymous_file() for _ in range(slots)]
                foreign = [fd for w in self.workers for fd in (w.tasks, w.results, *w.slots)]
                foreign += [task_write, result_read]
                process = context.Process(
                    target=_worker_main,
                    args=(function, items, parent, task_read, result_write, segments, foreign),
                    name="pfocr-rdf worker",
                    daemon=True,
                )
                # Ctrl-C and SIGTERM wait while the worker is born: until it has set its own handlers, it
                # has the parent's, and would die of them with a traceback of its own (the worker unblocks
                # them once its handlers are set; here they are delivered right after the fork).
                blocked = signal.pthread_sigmask(signal.SIG_BLOCK, _STOP_SIGNALS)
                try:
                    process.start()
                finally:
                    signal.pthread_sigmask(signal.SIG_SETMASK, blocked)
                    os.close(task_read)
                    os.close(result_write)
                self.workers.append(_Worker(process, task_write, result_read, segments))
        except BaseException:
            self.stop()
            raise

    def send(self, worker: _Worker, start: int, stop: int) -> None:
        slot = worker.sent % len(worker.slots)
        try:
            _write_all(worker.tasks, _TASK.pack(start, stop, slot))
        except BrokenPipeError:
            raise self._lost(worker) from None
        worker.in_flight.append((start, slot))
        worker.sent += 1

    def receive(self, worker: _Worker) -> tuple[list[Any], list[Payload]]:
        """The oldest batch in flight on `worker`: its results and each one's payload (read from its segment
        when copied: the slot is not given a new batch until the next batch is received)."""
        _, slot = worker.in_flight.popleft()
        header = _read_exactly(worker.results, _HEADER.size)
        body = None if header is None else _read_exactly(worker.results, _HEADER.unpack(header)[0])
        if body is None:
            raise self._lost(worker)
        ok, outcomes, lengths = pickle.loads(body)
        if not ok:
            raise outcomes
        payloads: list[Payload] = []
        offset = 0
        for length in lengths:
            payloads.append(_SegmentPayload(worker.slots[slot], offset, length))
            offset += length
        return outcomes, payloads

    def _lost(self, worker: _Worker) -> WorkerLost:
        how = worker.describe_end()
        return WorkerLost(f"worker process {worker.process.pid} {how} before sending its results; the run is stopped")

    def close(self) -> None:
        """Normal end: closed task pipes tell the workers to finish."""
        for worker in self.workers:
            os.close(worker.tasks)
        for worker in self.workers:
            worker.process.join(_STOP_WAIT)
        self._release()

    def stop(self) -> None:
        """Stop the workers now (interrupt, failure, a lost worker)."""
        for worker in self.workers:
            if worker.process.is_alive():
                worker.process.terminate()
        for worker in self.workers:
            with contextlib.suppress(OSError):
                os.close(worker.tasks)
            worker.process.join(_STOP_WAIT)
            if worker.process.is_alive():
                worker.process.kill()
                worker.process.join(_STOP_WAIT)
        self._release()

    def _release(self) -> None:
        for worker in self.workers:
            for fd in (worker.results, *worker.slots):
                with contextlib.suppress(OSError):
                    os.close(fd)
        self.workers = []


def _anonymous_file() -> int:
    """A file with no name (nothing to clean up, whatever ends the run), for one worker's segment."""
    with tempfile.TemporaryFile(prefix="pfocr-rdf-segment-") as handle:
        return os.dup(handle.fileno())


def can_fork() -> bool:
    return "fork" in multiprocessing.get_all_start_methods()


def ordered_map(
    function: Callable[[T], tuple[R, Output]], items: Sequence[T], workers: int, window_per_worker: int = 3
) -> Generator[tuple[R, Payload], None, None]:
    """`map(function, items)` on `workers` processes, in order; runs in this process when workers <= 1.

    `function` returns (result, output): the result is pickled back, the output (bytes or an iterable of
    bytes pieces: the bulk) is passed through a segment file. Each comes back as a `Payload`, to be read
    once before the generator moves on.
    """
    if workers <= 1 or len(items) < 2 or not can_fork():
        with quiet_collector():
            for item in items:
                result, output = function(item)
                yield result, Payload(_pieces_of(output))
        return
    with quiet_collector():
        yield from _pooled(function, items, workers, window_per_worker)


def _pooled(
    function: Callable[[T], tuple[R, Output]], items: Sequence[T], workers: int, window_per_worker: int
) -> Generator[tuple[R, Payload], None, None]:
    size = batch_size(len(items), workers)
    starts = iter(range(0, len(items), size))
    workers = min(workers, -(-len(items) // size))  # no idle workers: one batch each at least
    try:
        # one slot more than batches in flight: a received batch's segment is read while its worker already
        # has the next batches, and is not written again until the batch after it is received
        pool = _Pool(function, items, workers, window_per_worker + 1)
    except OSError as exc:
        raise UsageError(f"cannot start {workers} worker processes: {exc.strerror}; give a smaller -j") from None
    order: deque[_Worker] = deque()  # the worker of each batch in flight, oldest first

    def fill() -> None:
        while True:
            free = [w for w in pool.workers if len(w.in_flight) < window_per_worker]
            if not free:
                return
            start = next(starts, None)
            if start is None:
                return
            worker = min(free, key=lambda w: len(w.in_flight))
            stop = min(start + size, len(items))
            # Each item is also taken here, in the main process, as a pool that pickles its items would: a
            # sequence that computes an item when it is taken (reuse.py's input keys) keeps what it records.
            for index in range(start, stop):
                items[index]
            pool.send(worker, start, stop)
            order.append(worker)

    try:
        fill()
        while order:
            outcomes, payloads = pool.receive(order.popleft())
            fill()
            yield from zip(outcomes, payloads, strict=True)
    except BaseException:
        pool.stop()
        raise
    pool.close()
