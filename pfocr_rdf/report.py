"""Human-readable reporting on stderr: progress (a bar, or lines in a log), findings; JSON lines."""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Iterable
from typing import Any, TextIO

import click

from .errors import Finding, FindingTally
from .outputs import AtomicOutput


def plural(count: int, noun: str) -> str:
    """'1 file', '2 files', '1,234 warnings'."""
    return f"{count:,} {noun}{'' if count == 1 else 's'}"


DEFAULT_PROGRESS_INTERVAL = 10.0  # seconds between progress lines in a log


def progress_for(stream: TextIO, label: str, interval: float) -> TerminalProgress | LogProgress:
    """A live bar on a terminal; in a log (a file, a pipe, a CI job), a plain line every `interval` seconds."""
    return TerminalProgress(stream, label) if stream.isatty() else LogProgress(stream, label, interval)


class TerminalProgress:
    """click's progress bar (records done / total, percent, ETA), shown once the total is known; at most
    5 redraws a second, so a fast run spends its time converting, not drawing."""

    def __init__(self, stream: TextIO, label: str) -> None:
        self.stream, self.label = stream, label
        self.bar: Any = None
        self.last = 0.0

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if self.bar is None:
            self.bar = click.progressbar(length=total, label=self.label, file=self.stream, show_pos=True, show_eta=True)
            self.bar.__enter__()
        elif now - self.last < 0.2 and done < total:
            return
        self.last = now
        self.bar.update(done - self.bar.pos)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
            self.bar = None


class LogProgress:
    """One plain line per `interval` seconds (records done, rate, ETA): readable in a log file, where a
    self-overwriting bar would be one endless line. The first comes after `interval`, so a short run
    prints none."""

    def __init__(self, stream: TextIO, label: str, interval: float) -> None:
        self.stream, self.label, self.interval = stream, label, interval
        self.started = self.last = time.monotonic()

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if now - self.last < self.interval:
            return
        self.last = now
        elapsed = max(now - self.started, 1e-9)
        rate = done / elapsed
        left = f", about {_duration((total - done) / rate)} left" if rate > 0 and done < total else ""
        share = f" ({100 * done / total:.1f}%)" if total else ""
        self.stream.write(f"pfocr-rdf: {self.label}: {done:,} of {plural(total, 'record')}{share}, {rate:,.1f} records/s{left}\n")
        self.stream.flush()

    def close(self) -> None:
        """Nothing to clear: every line is finished."""


def _duration(seconds: float) -> str:
    """'45 s', '12 min 5 s', '3 h 20 min'."""
    seconds = round(seconds)
    if seconds < 60:
        return f"{seconds} s"
    if seconds < 3600:
        return f"{seconds // 60} min {seconds % 60} s"
    return f"{seconds // 3600} h {seconds % 3600 // 60} min"


def print_findings(failures: Iterable[Finding], warnings: FindingTally, stream: TextIO, verbose: bool) -> None:
    """Every failure on its own line; warnings by kind with a few examples (verbose printed them as they came)."""
    for finding in failures:
        stream.write(f"error: {finding}\n")
    if verbose:
        return
    for kind, count in sorted(warnings.counts.items()):
        stream.write(f"warning: {kind}: {count:,} in all\n")
        shown = warnings.examples.get(kind, [])
        for finding in shown:
            stream.write(f"  {finding}\n")
        if count > len(shown):
            stream.write(f"  ... ({count - len(shown):,} more; --verbose lists them all)\n")


class FindingStream:
    """Where each finding goes as it arrives: JSON lines in a file (--errors), warnings on stderr (-v)."""

    def __init__(self, json_path: str | None, verbose: bool, stream: TextIO = sys.stderr) -> None:
        self.verbose, self.stream = verbose, stream
        self._output = AtomicOutput(json_path) if json_path else None
        if self._output is not None:
            self._output.__enter__()

    def __call__(self, finding: Finding) -> None:
        if self._output is not None:
            self._output.write(json.dumps(finding.as_json(), ensure_ascii=False) + "\n")
        if self.verbose and finding.severity != "error":
            self.stream.write(f"warning: {finding}\n")

    def close(self, ok: bool = True) -> None:
        """Finish the JSON lines file (or, when the run did not complete, discard it)."""
        if self._output is not None:
            if ok:
                self._output.__exit__(None, None, None)
            else:
                self._output.__exit__(KeyboardInterrupt, KeyboardInterrupt(), None)
            self._output = None
