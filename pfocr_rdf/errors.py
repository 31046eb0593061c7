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


class RecordError(Exception):
    """A record (or one of its files) cannot be converted; carries the finding that says why."""

    def __init__(self, source: str, kind: str, message: str, *, field: str | None = None, line: int | None = None):
        super().__init__(message)
        self.finding = Finding(source, kind, message, field, line, ERROR)

    def __str__(self) -> str:
        return str(self.finding)


class UsageError(Exception):
    """The command itself cannot run (bad option, unreadable output path, ...): exit status 2."""
