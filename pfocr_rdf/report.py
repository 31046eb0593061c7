"""Human-readable reporting on stderr: progress bar, findings, the one-line summary; JSON lines."""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Iterable
from typing import TextIO

from .errors import Finding, FindingTally
from .outputs import AtomicOutput


def plural(count: int, noun: str) -> str:
    """'1 file', '2 files', '1,234 warnings'."""
    return f"{count:,} {noun}{'' if count == 1 else 's'}"


class ProgressBar:
    """records done / total, rate and ETA on one self-overwriting stderr line; at most 5 updates/s."""

    def __init__(self, stream: TextIO = sys.stderr, label: str = "converting") -> None:
        self.stream, self.label = stream, label
        self.started = time.monotonic()
        self.last = 0.0
        self.shown = False

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if now - self.last < 0.2 and done < total:
            return
        self.last = now
        elapsed = max(now - self.started, 1e-9)
        rate = done / elapsed
        eta = (total - done) / rate if rate > 0 else 0.0
        width = 30
        filled = int(width * done / total) if total else width
        bar = "#" * filled + "-" * (width - filled)
        self.stream.write(f"\r{self.label} [{bar}] {done:,}/{total:,} records  {rate:,.0f}/s  ETA {eta:,.0f} s ")
        self.stream.flush()
        self.shown = True

    def close(self) -> None:
        if self.shown:
            self.stream.write("\r\033[K")
            self.stream.flush()


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
