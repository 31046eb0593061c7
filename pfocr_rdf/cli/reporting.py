"""A run with a progress bar, its findings streamed (--errors, -v) and summarised on stderr."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

import click

from ..errors import Finding
from ..run.report import plural
from .options import (
    progress_bar,
)


def reported_run(run: Callable[[Any, Callable[[Finding], None]], Any], label: str, early: list[Finding],
                  errors_path: str | None, quiet: bool, verbose: bool, interval: float) -> Any:  # fmt: skip
    """Run a conversion with a progress bar, streaming findings to --errors / -v, then summarise them."""
    from ..run.report import FindingStream, print_findings

    stream = FindingStream(errors_path, verbose and not quiet, sys.stderr)  # today's stderr, not the one at import
    for finding in early:
        stream(finding)
    progress = progress_bar(quiet, label, interval)
    completed = False
    try:
        summary = run(progress, stream)
        completed = True
    finally:
        if progress is not None:
            progress.close()
        stream.close(completed)
    for finding in early:
        summary.warnings.add(finding)
    if not quiet:
        print_findings(summary.failures, summary.warnings, sys.stderr, verbose)
        if summary.organisms:
            click.echo(_organism_line(summary.organisms), err=True)
        shown = summary.skipped if verbose else summary.skipped[:10]
        for path, reason in shown:
            click.echo(f"skipped: {path}: {reason} (not a record)", err=True)
        if len(shown) < len(summary.skipped):
            click.echo(f"skipped: ... {len(summary.skipped) - len(shown):,} more files (-v lists them all)", err=True)
    return summary


def _organism_line(counts: dict[str, int]) -> str:
    """How many organism names each source resolved, most first; then how many none did."""
    resolved = sorted(((n, label) for label, n in counts.items() if label), key=lambda item: (-item[0], item[1]))
    parts = [f"{n:,} by {label}" for n, label in resolved]
    line = "organisms: " + plural(sum(n for n, _ in resolved), "name") + " resolved"
    line += (": " + ", ".join(parts)) if parts else ""
    return line + f"; {counts.get('', 0):,} unresolved"
