"""An ordered, bounded parallel map over worker processes.

Results come back in input order (so output is byte-identical whatever the number of workers), and
only a few batches are in flight at a time, so memory does not grow when workers outpace the writer.
An interrupted or failing run stops its workers at once; a worker killed from outside (SIGTERM to the
process group) makes the run fail instead of hang, as multiprocessing.Pool can. A parent that dies
without stopping them (kill -9) takes its workers along: on Linux the kernel sends them SIGKILL
(PR_SET_PDEATHSIG), elsewhere a watchdog thread in each worker notices the parent is gone.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Generator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Any, TypeVar

from .heap import HeapTrimmer

T = TypeVar("T")
R = TypeVar("R")

_FUNCTION: Callable[[Any], Any] | None = None
_TRIMMER = HeapTrimmer()


PR_SET_PDEATHSIG = 1  # <linux/prctl.h>
WATCHDOG_SECONDS = 1.0


def _die_with(parent: int) -> None:
    """End this worker when `parent` ends, however it ends (a killed parent never stops its workers)."""
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        if libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) == 0:
            if os.getppid() != parent:  # the parent died before the request took effect
                os._exit(1)
            return
    threading.Thread(target=_watch_parent, args=(parent,), name="parent watchdog", daemon=True).start()


def _watch_parent(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(WATCHDOG_SECONDS)
    os._exit(1)


def _init(function: Callable[[Any], Any], parent: int) -> None:
    # Ctrl-C reaches the whole process group; the main process alone decides what happens (it stops the
    # workers and discards unfinished output), so workers ignore it rather than print tracebacks. SIGTERM
    # keeps its default: stopping a worker with it must stop the worker.
    _die_with(parent)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    global _FUNCTION
    _FUNCTION = function


def _run_batch(batch: Sequence[Any]) -> list[Any]:
    assert _FUNCTION is not None
    results = [_FUNCTION(item) for item in batch]
    _TRIMMER.tick(len(batch))
    return results


def default_workers() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def batch_size(items: int, workers: int) -> int:
    """Big enough to amortise inter-process traffic, small enough to keep every worker busy."""
    return max(1, min(32, items // (workers * 8)))


def ordered_map(
    function: Callable[[T], R], items: Sequence[T], workers: int, window_per_worker: int = 3
) -> Generator[R, None, None]:
    """`map(function, items)` on `workers` processes, in order; runs in this process when workers <= 1.

    `function` must be picklable (a module-level function or a functools.partial of one).
    """
    if workers <= 1 or len(items) < 2:
        for item in items:
            yield function(item)
        return
    size = batch_size(len(items), workers)
    batches = (items[start : start + size] for start in range(0, len(items), size))
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    # Forked workers share the parent's pages until written to; the cycle collector would write to every
    # object it inherited (and so copy it), unless those objects are frozen out of its reach first.
    gc.freeze()
    executor = ProcessPoolExecutor(
        workers, multiprocessing.get_context(method), initializer=_init, initargs=(function, os.getpid())
    )
    pending: deque[Future[list[R]]] = deque()
    try:
        for batch in batches:
            pending.append(executor.submit(_run_batch, batch))
            if len(pending) >= workers * window_per_worker:
                break
        while pending:
            results = pending.popleft().result()
            following = next(batches, None)
            if following is not None:
                pending.append(executor.submit(_run_batch, following))
            yield from results
    except BaseException:
        _stop(executor)
        raise
    finally:
        gc.unfreeze()
    executor.shutdown(wait=True)


def _stop(executor: ProcessPoolExecutor) -> None:
    """Stop the workers now: cancel what is queued, terminate what runs."""
    processes = list(getattr(executor, "_processes", {}).values())  # no public API before Python 3.14
    executor.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        if process.is_alive():
            process.terminate()
    for process in processes:
        process.join(timeout=5)
    # The pool's manager thread closes its wake-up pipe as it ends; if it were still ending when the
    # interpreter exits, the exit hook of concurrent.futures could write into that pipe as it closes
    # ("Bad file descriptor" traceback after Ctrl-C or SIGTERM). Give it a moment to finish first. (A
    # worker stopped half-way through sending a result leaves the thread waiting for the rest for ever:
    # the command line therefore leaves through os._exit after an interrupt, see cli.py.)
    manager = getattr(executor, "_executor_manager_thread", None)
    if manager is not None and manager.is_alive():
        manager.join(timeout=1)
