"""Findings (warnings and errors) as data, so that every record's result carries its own and the
CLI can summarise, print and export them in one format: `FILE:LINE: field: message [kind]`.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

WARNING = "warning"
ERROR = "error"


@dataclass(frozen=True, slots=True)
class Finding:
    """One thing worth telling the user about one input file."""

    source: str
    kind: str
    message: str
    field: str | None = None
    line: int | None = None
    severity: str = WARNING

    def __str__(self) -> str:
        where = self.source if self.line is None else f"{self.source}:{self.line}"
        field = f" {self.field}:" if self.field else ""
        return f"{where}:{field} {self.message} [{self.kind}]"

    def as_json(self) -> dict[str, Any]:
        return {key: value for key, value in asdict(self).items() if value is not None}


UNMAPPED_FIELD = "unmapped-field"


def unmapped_field(name: str, records: int, first: str) -> Finding:
    """One warning per front-matter field the mapping does not know, for the whole run: how many records
    have it, and the first (its source)."""
    count = f"{records:,} record{'' if records == 1 else 's'}"
    return Finding(first, UNMAPPED_FIELD, f"unmapped field {name!r} in {count} (first: {first}); not converted", name)


class FindingTally:
    """Warnings counted by kind, with the first few of each kept as examples: memory stays flat however
    many records a run has (every finding can still be streamed elsewhere as it arrives)."""

    def __init__(self, examples: int = 3) -> None:
        self.examples_per_kind = examples
        self.counts: dict[str, int] = {}
        self.examples: dict[str, list[Finding]] = {}

    def add(self, finding: Finding) -> None:
        count = self.counts.get(finding.kind, 0)
        self.counts[finding.kind] = count + 1
        if count < self.examples_per_kind:
            self.examples.setdefault(finding.kind, []).append(finding)

    def __len__(self) -> int:
        return sum(self.counts.values())


class RecordError(Exception):
    """A record (or one of its files) cannot be converted; carries the finding that says why."""

    def __init__(self, source: str, kind: str, message: str, *, field: str | None = None, line: int | None = None):
        super().__init__(message)
        self.finding = Finding(source, kind, message, field, line, ERROR)

    def __str__(self) -> str:
        return str(self.finding)

    def __reduce__(self) -> tuple[object, ...]:
        """Rebuilt whole from a worker process (the default would call __init__ with the message alone)."""
        finding = self.finding
        return _record_error, (finding.source, finding.kind, finding.message, finding.field, finding.line)


def _record_error(source: str, kind: str, message: str, field: str | None, line: int | None) -> RecordError:
    return RecordError(source, kind, message, field=field, line=line)


class UsageError(Exception):
    """The command itself cannot run (bad option, unreadable output path, ...): exit status 2."""


class WorkerLost(Exception):
    """A worker process ended before sending all its results (killed from outside, or crashed): the run
    stops with this message and exit status 1, its outputs discarded."""
