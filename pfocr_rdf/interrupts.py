"""Ctrl-C and SIGTERM: stop where the program is, and remember that the user asked.

The handlers raise KeyboardInterrupt (SIGTERM as its subclass `Terminated`) so that every open output
unwinds and discards its partial file. Python can lose such an exception: raised while a finaliser or a
weak-reference callback runs, it is printed as "ignored" and the program goes on. So the request is also
recorded, and an output about to be committed checks it: an interrupted run never ends as a success.
"""

from __future__ import annotations

import signal
from types import FrameType

_requested: int | None = None


class Terminated(KeyboardInterrupt):
    """SIGTERM: unwinds like Ctrl-C, so partial outputs are discarded the same way."""


def install() -> None:
    """Route Ctrl-C and SIGTERM through `_on_signal` (command line only; a library must not take signals).

    A Ctrl-C that the shell told us to ignore (a background job of a script) stays ignored."""
    global _requested
    _requested = None
    if signal.getsignal(signal.SIGINT) is not signal.SIG_IGN:
        signal.signal(signal.SIGINT, _on_signal)
    signal.signal(signal.SIGTERM, _on_signal)


def _on_signal(signum: int, frame: FrameType | None) -> None:
    global _requested
    _requested = signum
    raise_if_requested()


def raise_if_requested() -> None:
    """Raise the interrupt again if one was asked for, even if the first raise was swallowed on the way."""
    if _requested == signal.SIGTERM:
        raise Terminated
    if _requested is not None:
        raise KeyboardInterrupt
