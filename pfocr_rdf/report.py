"""Human-readable reporting on stderr: progress bar, findings, the one-line summary; JSON lines."""

from __future__ import annotations

import json
import sys
import time
from collections import defaultdict
from collections.abc import Iterable
from typing import TextIO

from .errors import Finding
from .outputs import AtomicOutput

EXAMPLES_PER_KIND = 3


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


def print_findings(findings: Iterable[Finding], stream: TextIO, verbose: bool) -> None:
    """Errors one per line; warnings one per line when verbose, else grouped by kind with examples."""
    grouped: dict[str, list[Finding]] = defaultdict(list)
    for finding in findings:
        if finding.severity == "error" or verbose:
            stream.write(f"{finding.severity}: {finding}\n")
        else:
            grouped[finding.kind].append(finding)
    for kind, items in sorted(grouped.items()):
        stream.write(f"warning: {kind}: {len(items):,} in all\n")
        for finding in items[:EXAMPLES_PER_KIND]:
            stream.write(f"  {finding}\n")
        if len(items) > EXAMPLES_PER_KIND:
            stream.write(f"  ... ({len(items) - EXAMPLES_PER_KIND:,} more; --verbose lists them all)\n")


def write_json_lines(path: str, findings: Iterable[Finding]) -> None:
    """Findings as JSON lines (one object per finding), written atomically."""
    with AtomicOutput(path) as out:
        for finding in findings:
            out.write(json.dumps(finding.as_json(), ensure_ascii=False) + "\n")
