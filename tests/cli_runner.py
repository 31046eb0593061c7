"""Two ways to run the command line in tests: in this process (`run_cli`), or in a process of its own
(`run_cli_process`), with the same arguments and the same result (exit status, stdout, stderr).

A command-line run in a fresh process spends about half a second of CPU starting the interpreter and
importing rdflib, pyld, curies and our modules, more than most runs spend working; the suite makes
hundreds of them. `run_cli` calls the click command in the test process instead, with everything a
process would give it of its own, and everything it may change put back afterwards:

- file descriptors 0, 1 and 2 are files of the run (stdin its input, or empty), and sys.stdin/stdout/
  stderr new text streams on them, so the writer that bypasses sys.stdout (outputs.stdout_bytes),
  `-o /dev/stdout`, and the forked workers of the pool all write where a process's output would go;
- the environment (SOURCE_DATE_EPOCH fixed, plus `env`) and the current folder (`cwd`, else the root);
- Python's default warning filters, and no logging handler (a library's warning reaches stderr as in a
  process, not pytest's log capture);
- the Ctrl-C/SIGTERM handlers and signal mask the run installs (interrupts.install), put back;
- the caches keyed by a shapes folder (validate.py), emptied for a run with --shapes: a process starts
  without them, and a test may change a folder between two runs;
- the copies of stdin (stdin_input), deleted as at a process's exit.

What only a process has stays with `run_cli_process`: signals sent to the run (Ctrl-C, SIGTERM, SIGKILL),
its reader going away (exit 141), a hash seed or PYTHONPATH of its own, a terminal, a resource limit, the
process tree. A run that ends through os._exit (interrupt, closed pipe, --timeout) would end the test
process: `run_cli` refuses it with an error naming `run_cli_process`.
"""

from __future__ import annotations

import contextlib
import io
import logging
import os
import signal
import subprocess
import sys
import tempfile
import traceback
import warnings
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO, NoReturn

ROOT = Path(__file__).resolve().parent.parent
FIXED_TIME = {"SOURCE_DATE_EPOCH": "1700000000"}
# Read when an interpreter starts, so they only act on a run of its own.
STARTUP_VARIABLES = (
    "PYTHONHASHSEED", "PYTHONPATH", "PYTHONHOME", "PYTHONSTARTUP", "PYTHONWARNINGS", "PYTHONMALLOC", "PYTHONUNBUFFERED",
    "PYTHONIOENCODING", "PYTHONUTF8", "PYTHONDEVMODE", "PYTHONFAULTHANDLER",
)  # fmt: skip


@dataclass
class CliResult:
    """What subprocess.run(..., capture_output=True) gives: exit status and the two outputs (str with
    text=True, with its newline translation; else bytes)."""

    args: list[str]
    returncode: int
    stdout: Any
    stderr: Any


class NeedsItsOwnProcess(AssertionError):
    """The run ended the way only a process may (os._exit): the test must use run_cli_process."""


def run_cli_process(
    *args: str,
    input: str | bytes | None = None,
    env: Mapping[str, str] | None = None,
    cwd: Path | None = None,
    timeout: float = 300,
    text: bool = True,
    program: list[str] | None = None,
) -> subprocess.CompletedProcess[Any]:
    """Run `python -m pfocr_rdf ARGS` (or `program ARGS`: the installed console script) as a user would, in
    a fresh process."""
    return subprocess.run(
        [*(program or [sys.executable, "-m", "pfocr_rdf"]), *args],
        input=input,
        capture_output=True,
        text=text,
        env={**os.environ, **FIXED_TIME, **(env or {})},
        cwd=cwd or ROOT,
        timeout=timeout,
    )


def run_cli(
    *args: str,
    input: str | bytes | None = None,
    env: Mapping[str, str] | None = None,
    cwd: Path | None = None,
    text: bool = True,
    merge_stderr: bool = False,
) -> CliResult:
    """Run `pfocr-rdf ARGS` in this process, as `run_cli_process` would in a fresh one (see the module's
    docstring for what is the run's own, and what needs a process). `merge_stderr`: both outputs in
    stdout, in the order written, as `2>&1` with unbuffered output (PYTHONUNBUFFERED) shows them."""
    early = [name for name in env or () if name in STARTUP_VARIABLES]
    if early:
        raise NeedsItsOwnProcess(f"{', '.join(early)} only acts when an interpreter starts: use run_cli_process")
    data = input.encode("utf-8") if isinstance(input, str) else (input or b"")
    with contextlib.ExitStack() as files:
        stdin, stdout, stderr = (files.enter_context(tempfile.TemporaryFile()) for _ in range(3))
        stdin.write(data)
        stdin.seek(0)
        with contextlib.ExitStack() as run:
            run.enter_context(_standard_streams(stdin, stdout, stdout if merge_stderr else stderr, merge_stderr))
            run.enter_context(_environment({**FIXED_TIME, **(env or {})}))
            run.enter_context(_current_folder(cwd or ROOT))
            run.enter_context(_signals_put_back())
            run.enter_context(_as_a_fresh_interpreter_reports())
            run.enter_context(_fresh_caches(user_shapes="--shapes" in args))
            code = _call_main(list(args))
        out, err = _read(stdout), _read(stderr)
    if text:
        return CliResult(list(args), code, _decoded(out), _decoded(err))
    return CliResult(list(args), code, out, err)


def _call_main(args: list[str]) -> int:
    """The exit status the interpreter would give for this run of the click command."""
    from pfocr_rdf.cli import exits, main

    def refuse(code: int) -> NoReturn:
        raise NeedsItsOwnProcess(f"pfocr-rdf {' '.join(args)} ended with os._exit({code}): run it with run_cli_process")

    real_exit, exits.exit_at_once = exits.exit_at_once, refuse  # type: ignore[assignment]
    try:
        main.main(args=args, prog_name="pfocr-rdf", standalone_mode=True)
        code: Any = 0
    except SystemExit as exc:
        code = exc.code
    except NeedsItsOwnProcess:
        raise
    except BaseException:
        traceback.print_exc()  # as the interpreter prints an uncaught exception, exit status 1
        code = 1
    finally:
        exits.exit_at_once = real_exit  # type: ignore[assignment]
        for stream in (sys.stdout, sys.stderr):
            stream.flush()
    if code is None:
        return 0
    if isinstance(code, int):
        return code & 0xFF
    print(code, file=sys.stderr, flush=True)  # sys.exit("text") prints the text and exits 1
    return 1


@contextlib.contextmanager
def _standard_streams(stdin: BinaryIO, stdout: BinaryIO, stderr: BinaryIO, unbuffered: bool) -> Iterator[None]:
    """Descriptors 0-2 on the run's files, sys.std* on them as an interpreter opens them (UTF-8; stderr
    line-buffered with backslashreplace; `unbuffered`: stdout written through, as by PYTHONUNBUFFERED);
    everything put back afterwards."""
    saved_streams = (sys.stdin, sys.stdout, sys.stderr)
    for stream in saved_streams[1:]:  # what the test printed goes where it was going
        with contextlib.suppress(OSError, ValueError):
            stream.flush()
    saved_fds = {fd: os.dup(fd) for fd in (0, 1, 2)}
    opened: list[io.TextIOWrapper] = []
    try:
        for fd, handle in ((0, stdin), (1, stdout), (2, stderr)):
            os.dup2(handle.fileno(), fd)
        sys.stdin = _text_stream(0, "rb", "strict", opened)
        sys.stdout = _text_stream(1, "wb", "strict", opened, write_through=unbuffered)
        sys.stderr = _text_stream(2, "wb", "backslashreplace", opened, line_buffering=True)
        yield
    finally:
        for stream in opened:
            with contextlib.suppress(OSError, ValueError):
                stream.flush()
        sys.stdin, sys.stdout, sys.stderr = saved_streams
        for stream in opened:
            with contextlib.suppress(OSError, ValueError):
                stream.close()
        for fd, saved in saved_fds.items():
            os.dup2(saved, fd)
            os.close(saved)


def _text_stream(
    fd: int, mode: str, errors: str, opened: list[io.TextIOWrapper], line_buffering: bool = False, write_through: bool = False
) -> Any:
    raw = open(fd, mode, closefd=False)  # noqa: SIM115 (closed by _standard_streams)
    stream = io.TextIOWrapper(raw, encoding="utf-8", errors=errors, line_buffering=line_buffering, write_through=write_through)
    opened.append(stream)
    return stream


@contextlib.contextmanager
def _environment(changes: Mapping[str, str]) -> Iterator[None]:
    saved = dict(os.environ)
    os.environ.update(changes)
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


@contextlib.contextmanager
def _current_folder(folder: Path) -> Iterator[None]:
    saved = os.getcwd()
    os.chdir(folder)
    try:
        yield
    finally:
        os.chdir(saved)


@contextlib.contextmanager
def _signals_put_back() -> Iterator[None]:
    """The command line routes Ctrl-C and SIGTERM to its own handlers (interrupts.install) and the pool
    blocks them while it forks: the test process gets its own back."""
    from pfocr_rdf import interrupts

    handlers = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    mask = signal.pthread_sigmask(signal.SIG_BLOCK, [])
    try:
        yield
    finally:
        for sig, handler in handlers.items():
            signal.signal(sig, handler)
        signal.pthread_sigmask(signal.SIG_SETMASK, mask)
        interrupts._requested = None


@contextlib.contextmanager
def _as_a_fresh_interpreter_reports() -> Iterator[None]:
    """Warnings filtered and printed on stderr as by a fresh interpreter, and a library's log record
    printed on stderr by logging's last resort, instead of being caught by pytest."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    with warnings.catch_warnings():
        warnings.resetwarnings()
        warnings.filterwarnings("default", category=DeprecationWarning, module="__main__", append=True)
        for category in (DeprecationWarning, PendingDeprecationWarning, ImportWarning, ResourceWarning):
            warnings.filterwarnings("ignore", category=category, append=True)
        warnings.showwarning = _show_warning
        root.handlers, root.level = [], logging.WARNING
        try:
            yield
        finally:
            root.handlers, root.level = handlers, level


def _show_warning(message: Any, category: Any, filename: str, lineno: int, file: Any = None, line: str | None = None) -> None:
    sys.stderr.write(warnings.formatwarning(message, category, filename, lineno, line))


@contextlib.contextmanager
def _fresh_caches(user_shapes: bool) -> Iterator[None]:
    """A process starts with no shapes read from a user's folder (and says once that it falls back to
    pySHACL), and deletes its copies of stdin at exit. The bundled shapes, read from the package, are
    kept: they cannot change between runs."""
    from pfocr_rdf.check import validate
    from pfocr_rdf.read import stdin_input

    caches = (validate.load_shapes, validate._fast_or_reference, validate._reference_shapes) if user_shapes else ()
    for cache in caches:
        cache.cache_clear()
    try:
        yield
    finally:
        stdin_input.discard_spooled()
        for cache in caches:
            cache.cache_clear()


def _read(handle: BinaryIO) -> bytes:
    handle.seek(0)
    return handle.read()


def _decoded(data: bytes) -> str:
    """As subprocess decodes a text=True output: the locale's encoding (UTF-8 here), newlines translated."""
    return data.decode("utf-8").replace("\r\n", "\n").replace("\r", "\n")
