"""Run a long call (a SPARQL query) so that Ctrl-C, SIGTERM and a time limit stop it at once.

A pyoxigraph query is one call into Rust: Python's signal handlers only run when the main thread is back in
the interpreter, so a query that runs for minutes ignores Ctrl-C and SIGTERM for minutes. pyoxigraph
releases the GIL while it evaluates, so the call runs in a daemon thread and the main thread only waits,
a fraction of a second at a time: a signal is handled within that fraction, and the caller then ends the
process (os._exit), which ends the thread with it.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")
POLL_SECONDS = 0.1  # how long a signal may wait before the main thread sees it


class TimeLimitExceeded(Exception):
    """The call ran longer than its time limit; it is still running in its thread."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"ran longer than {seconds:g} s")
        self.seconds = seconds


def run_stoppable(call: Callable[[], T], time_limit: float | None = None) -> T:
    """call()'s value or exception. KeyboardInterrupt (and the CLI's SIGTERM subclass of it) is raised here
    while the call runs; TimeLimitExceeded after `time_limit` seconds. Either way the call's thread is left
    running: end the process (os._exit) rather than return to work that it may still be doing."""
    outcome: dict[str, object] = {}

    def work() -> None:
        try:
            outcome["value"] = call()
        except BaseException as exc:  # handed to the waiting thread, which raises it
            outcome["error"] = exc

    worker = threading.Thread(target=work, name="pfocr-rdf-query", daemon=True)
    deadline = None if time_limit is None else time.monotonic() + time_limit
    worker.start()
    while worker.is_alive():
        wait = POLL_SECONDS if deadline is None else min(POLL_SECONDS, max(0.0, deadline - time.monotonic()))
        worker.join(wait)
        if deadline is not None and worker.is_alive() and time.monotonic() >= deadline:
            raise TimeLimitExceeded(time_limit or 0.0)
    if "error" in outcome:
        raise outcome["error"]  # type: ignore[misc]
    return outcome["value"]  # type: ignore[return-value]
