"""Human-readable reporting on stderr: progress (a bar, or lines in a log), findings; JSON lines."""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Iterable
from typing import Any, TextIO

import click

from ..errors import Finding, FindingTally
from ..write.outputs import AtomicOutput


def plural(count: int, noun: str) -> str:
    """'1 file', '2 files', '1,234 warnings'."""
    return f"{count:,} {noun}{'' if count == 1 else 's'}"


DEFAULT_PROGRESS_INTERVAL = 10.0  # seconds between progress lines in a log


def progress_for(stream: TextIO, label: str, interval: float) -> TerminalProgress | LogProgress:
    """A live bar on a terminal; in a log (a file, a pipe, a CI job), a plain line every `interval` seconds."""
    return TerminalProgress(stream, label) if stream.isatty() else LogProgress(stream, label, interval)


RECORDS = ""  # the step of a run over records; a pass over RDF files names its own ("checking RDF files")


class TerminalProgress:
    """click's progress bar (records done / total, or bytes of RDF files read with the statements parsed;
    percent, ETA), shown once the total is known, a new bar for each step; at most 5 redraws a second, so
    a fast run spends its time converting, not drawing."""

    def __init__(self, stream: TextIO, label: str) -> None:
        self.stream, self.label = stream, label
        self.bar: Any = None
        self.step = RECORDS
        self.last = 0.0

    def __call__(self, done: int, total: int) -> None:
        self._update(RECORDS, done, total, None)

    def reading(self, step: str, done: int, total: int, statements: int) -> None:
        """A pass over RDF files: `done` of `total` bytes read, `statements` parsed so far."""
        self._update(step, done, total, statements)

    def statements(self, step: str, done: int, total: int) -> None:
        """A step counted in statements (the store writing what the conversion gave it)."""
        self._update(step, done, total, None)

    def _update(self, step: str, done: int, total: int, statements: int | None) -> None:
        now = time.monotonic()
        if step != self.step:
            self.close()
            self.step = step
        if self.bar is None:
            label = f"{self.label}: {step}" if step else self.label
            shown = (lambda n: f"{n:,} statements" if n is not None else None) if step else None
            self.bar = click.progressbar(
                length=max(total, 1), label=label, file=self.stream, show_pos=not step, show_eta=True, item_show_func=shown
            )
            self.bar.__enter__()
        elif now - self.last < 0.2 and done < total:
            return
        self.last = now
        self.bar.update(min(done, self.bar.length) - self.bar.pos, statements)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
            self.bar = None


class LogProgress:
    """One plain line per `interval` seconds (records done, or bytes of RDF files read and statements
    parsed; rate, ETA): readable in a log file, where a self-overwriting bar would be one endless line.
    The first comes after `interval`, so a short run prints none. Each step (a pass over RDF files, the
    records) measures its rate from its first report, not its start: the wait for the first record (workers
    starting, shapes compiling) is no rate, and a time left made from it was minutes for a run of seconds.
    Until a real rate is known (a second, or a tenth of the total, after the first report) a line says neither."""

    MIN_SECONDS = 1.0
    MIN_SHARE = 0.1

    def __init__(self, stream: TextIO, label: str, interval: float) -> None:
        self.stream, self.label, self.interval = stream, label, interval
        self.step = RECORDS
        self.last = time.monotonic()
        self.first: tuple[float, int] | None = None  # (when, done) at the step's first report

    def __call__(self, done: int, total: int) -> None:
        rate = self._rate(RECORDS, done, total)
        if rate is not None:
            share = f" ({100 * done / total:.1f}%)" if total else ""
            speed = f", {rate:,.1f} records/s{_left(done, total, rate)}" if rate else ""
            self._line(f"{done:,} of {plural(total, 'record')}{share}{speed}")

    def reading(self, step: str, done: int, total: int, statements: int) -> None:
        """A pass over RDF files: `done` of `total` bytes read (on disk: compressed for gzip), `statements` parsed."""
        rate = self._rate(step, done, total)
        if rate is not None:
            share = f" ({100 * done / total:.1f}%)" if total else ""
            speed = f", {rate / 1e6:,.1f} MB/s{_left(done, total, rate)}" if rate else ""
            self._line(
                f"{step}: {_megabytes(done)} of {_megabytes(total)} MB read{share}, {plural(statements, 'statement')}{speed}"
            )

    def statements(self, step: str, done: int, total: int) -> None:
        """A step counted in statements (the store writing what the conversion gave it)."""
        rate = self._rate(step, done, total)
        if rate is not None:
            share = f" ({100 * done / total:.1f}%)" if total else ""
            speed = f", {rate:,.0f} statements/s{_left(done, total, rate)}" if rate else ""
            self._line(f"{step}: {done:,} of {plural(total, 'statement')}{share}{speed}")

    def _rate(self, step: str, done: int, total: int) -> float | None:
        """Items per second since the step's first report when a line is due (0.0 while no real rate is
        known yet); None when no line is due."""
        now = time.monotonic()
        if step != self.step:
            self.step = step
            self.last = now
            self.first = None
        if self.first is None:
            self.first = (now, done)
        if now - self.last < self.interval:
            return None
        self.last = now
        since, at_first = self.first
        if done <= at_first or (now - since < self.MIN_SECONDS and done - at_first < self.MIN_SHARE * total):
            return 0.0
        return (done - at_first) / (now - since)

    def _line(self, text: str) -> None:
        self.stream.write(f"pfocr-rdf: {self.label}: {text}\n")
        self.stream.flush()

    def close(self) -> None:
        """Nothing to clear: every line is finished."""


def _left(done: int, total: int, rate: float) -> str:
    return f", about {_duration((total - done) / rate)} left" if rate > 0 and done < total else ""


def _megabytes(count: int) -> str:
    return f"{count / 1e6:,.1f}"


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
