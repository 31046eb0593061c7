"""A sidecar TSV's header and rows: the kind's required columns checked, ragged rows and exact duplicates
dropped (ragged ones with a warning), a BOM, CRLF, padded cells and R's missing values cleaned, the rows
split one at a time as they are used; mention_tables.py reads mentions from them."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from ..errors import Finding, RecordError
from .mentions import REQUIRED_COLUMNS
from .record import MISSING_TEXT
from .text_files import read_text, text_lines


def _may_be_padded(text: str) -> bool:
    """False only when no cell can start or end with white space (checked with a few fast scans)."""
    if not text.isascii() or "\f" in text or "\v" in text:
        return True  # other white space (no-break spaces, ...) is rare: strip every cell to be safe
    return text[:1] == " " or any(pair in text for pair in (" \t", "\t ", " \n", "\n ", " \r"))


@dataclass
class Table:
    path: str
    header: list[str]
    rows: Iterator[tuple[int, list[str | None]]]  # (line number, cleaned cells), read once, as they are used

    def column(self, name: str) -> int | None:
        return self.header.index(name) if name in self.header else None


def read_table(path: str, kind: str, warnings: list[Finding], max_bytes: int, max_rows: int) -> Table | None:
    """Header and rows of a TSV; ragged rows and exact duplicates are dropped (ragged ones with a warning).
    A table of more than `max_rows` data rows raises RecordError before any row is split."""
    try:
        text = read_text(path, path, max_bytes)
    except RecordError as exc:
        warnings.append(Finding(path, "bad-table", exc.finding.message + "; table skipped", line=exc.finding.line))
        return None
    if text.count("\n", 0, len(text) - 1) > max_rows:  # header + rows, the last line's end not counted
        raise RecordError(
            path,
            "table-too-large",
            f"the table has more than {max_rows:,} rows; raise --max-table-rows if it is genuine",
            line=max_rows + 2,
        )
    lines = text_lines(text.lstrip("\ufeff"))
    if not lines or not lines[0].strip():
        warnings.append(Finding(path, "bad-table", "empty table; skipped", line=1))
        return None
    header = [cell.strip().lower() for cell in lines[0].split("\t")]
    for alternatives in REQUIRED_COLUMNS[kind]:
        if not any(name in header for name in alternatives):
            message = f"missing required column {' or '.join(alternatives)}; table skipped"
            warnings.append(Finding(path, "bad-table", message, field=alternatives[0], line=1))
            return None
    padded = _may_be_padded(text)  # most tables have no padded cell: no need to strip each one
    return Table(path, header, _rows(path, lines, len(header), padded, warnings))


def _rows(
    path: str, lines: list[str], width: int, padded: bool, warnings: list[Finding]
) -> Iterator[tuple[int, list[str | None]]]:
    """The data rows, cleaned one at a time (a table's rows are never all held split at once)."""
    missing = MISSING_TEXT
    seen: set[str] = set()
    for number in range(1, len(lines)):
        line = lines[number]
        if line in seen:
            continue
        seen.add(line)
        cells = line.split("\t")
        if len(cells) != width:
            if line.strip():
                message = f"row has {len(cells)} cells, the header has {width}; row skipped"
                warnings.append(Finding(path, "ragged-row", message, line=number + 1))
            continue
        if padded:
            yield number + 1, [None if (text := cell.strip()) in missing else text for cell in cells]
        else:
            yield number + 1, [None if cell in missing else cell for cell in cells]
