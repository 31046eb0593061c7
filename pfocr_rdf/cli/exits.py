"""How a command ends: an error as one line on stderr and its exit status; Ctrl-C, SIGTERM and a closed
stdout without the interpreter's exit hooks."""

from __future__ import annotations

import contextlib
import os
import signal
import sys
from collections.abc import Callable
from functools import wraps
from typing import Any, NoReturn

import click

from .. import interrupts
from ..errors import UsageError, WorkerLost
from ..write.outputs import STDOUT

EXIT_USAGE, EXIT_INTERRUPTED, EXIT_TERMINATED = 2, 128 + signal.SIGINT, 128 + signal.SIGTERM
EXIT_CLOSED_PIPE = 128 + signal.SIGPIPE  # what a shell reports for `cat` when its reader goes away
EXIT_TIMEOUT = 124  # a query stopped by --timeout, as timeout(1) reports it


def handle_errors(command: Callable[..., Any]) -> Callable[..., Any]:
    """Usage and output errors: one line on stderr, exit 2; Ctrl-C: exit 130 (outputs stay intact); the
    reader of stdout gone (`| head`): quiet exit 141, as `cat` ends."""

    @wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        interrupts.install()
        kept = _kept_files_note(kwargs)
        try:
            try:
                return command(*args, **kwargs)
            finally:
                sys.stdout.flush()  # a closed pipe shows here, not after click has taken over
        except UsageError as exc:
            click.echo(f"pfocr-rdf: error: {exc}", err=True)
            sys.exit(EXIT_USAGE)
        except WorkerLost as exc:
            click.echo(f"pfocr-rdf: error: {exc}{kept}", err=True)
            sys.exit(1)
        except KeyboardInterrupt as exc:
            after_the_terminal_line = "\n" if sys.stderr.isatty() else ""  # the ^C, or a progress bar
            click.echo(f"{after_the_terminal_line}pfocr-rdf: interrupted{kept}", err=True)
            exit_at_once(EXIT_TERMINATED if isinstance(exc, interrupts.Terminated) else EXIT_INTERRUPTED)
        except BrokenPipeError:
            _silence_stdout()
            exit_at_once(EXIT_CLOSED_PIPE)
        except OSError as exc:  # a full disk, a file-size limit: the outputs are discarded by now
            where = f": {exc.filename}" if exc.filename else ""
            click.echo(f"pfocr-rdf: error: {exc.strerror or exc}{where}{kept}", err=True)
            sys.exit(EXIT_USAGE)

    return wrapper


_OUTPUT_FILE_OPTIONS = ("output", "report_path", "errors_path", "rejects_path")


def _kept_files_note(options: dict[str, Any]) -> str:
    """'; earlier output files are unchanged' for a command given output files (a failed run leaves each as
    it was); nothing for one that writes only to stdout or into a store, where it would not be true."""
    named = [options.get(name) for name in _OUTPUT_FILE_OPTIONS]
    return "; earlier output files are unchanged" if any(path and path != STDOUT for path in named) else ""


def exit_at_once(code: int) -> NoReturn:
    """Exit after an interrupt, a closed pipe or a timeout without the interpreter's exit hooks. Outputs are
    already discarded by then; what is left are threads that may never end (a process pool's manager, a
    query the engine is still running), which the interpreter would wait for."""
    from ..read.stdin_input import discard_spooled

    discard_spooled()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):
            stream.flush()
    os._exit(code)


def _silence_stdout() -> None:
    """Point stdout at /dev/null, so the interpreter's last flush does not complain about the closed pipe."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)
