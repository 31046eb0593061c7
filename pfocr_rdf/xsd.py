"""XSD literal values as SHACL needs them: which lexical forms are well typed, and how values compare.

The range constraints (sh:minInclusive ...) compare values, not text: numbers across the numeric
types, date-times on the time line (one with a timezone and one without are incomparable, so the
constraint is not satisfied), and the derived integer types carry value ranges (`"300"^^xsd:byte`
is ill typed). Numeric lexical forms are read as rdflib reads them (Python's int, float, Decimal),
since pySHACL is the reference.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from .terms import RDF_LANG_STRING, XSD_STRING, split_literal

XSD = "http://www.w3.org/2001/XMLSchema#"

# Value ranges of the integer types (XSD 1.1 part 2, 3.4.13-3.4.25); None: unbounded.
INTEGER_RANGES: dict[str, tuple[int | None, int | None]] = {
    f"{XSD}{name}": bounds
    for name, bounds in {
        "integer": (None, None),
        "long": (-(2**63), 2**63 - 1),
        "int": (-(2**31), 2**31 - 1),
        "short": (-(2**15), 2**15 - 1),
        "byte": (-128, 127),
        "nonNegativeInteger": (0, None),
        "positiveInteger": (1, None),
        "nonPositiveInteger": (None, 0),
        "negativeInteger": (None, -1),
        "unsignedLong": (0, 2**64 - 1),
        "unsignedInt": (0, 2**32 - 1),
        "unsignedShort": (0, 2**16 - 1),
        "unsignedByte": (0, 255),
    }.items()
}
FLOAT_TYPES = {f"{XSD}double", f"{XSD}float"}
DECIMAL = f"{XSD}decimal"
DATETIME, DATE, BOOLEAN = f"{XSD}dateTime", f"{XSD}date", f"{XSD}boolean"
# Datatypes whose lexical forms rdflib (the reference) does not check: any lexical form is accepted.
UNCHECKED = {f"{XSD}gYear", f"{XSD}anyURI"}

_DATETIME = re.compile(r"-?[0-9]{4,}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]+)?)?(Z|[+-][0-9]{2}:[0-9]{2})?")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def checks_datatype(datatype: str) -> bool:
    """True when `well_typed` decides this datatype as the reference does (else: leave it to pySHACL)."""
    if datatype.startswith(XSD):
        return datatype in INTEGER_RANGES or datatype in FLOAT_TYPES or datatype in UNCHECKED or datatype in {
            XSD_STRING, DECIMAL, DATETIME, DATE, BOOLEAN,
        }  # fmt: skip
    return not datatype.startswith("http://www.w3.org/1999/02/22-rdf-syntax-ns#") or datatype == RDF_LANG_STRING


def value_of(lexical: str, datatype: str) -> Any:
    """The value of a lexical form of `datatype`, None when ill typed; the text itself for other datatypes."""
    try:
        if datatype in INTEGER_RANGES:
            number = int(lexical)
            low, high = INTEGER_RANGES[datatype]
            return None if (low is not None and number < low) or (high is not None and number > high) else number
        if datatype in FLOAT_TYPES:
            return float(lexical)
        if datatype == DECIMAL:
            return Decimal(lexical)
        if datatype == DATETIME:
            if not _DATETIME.fullmatch(lexical):
                return None
            return datetime.fromisoformat(lexical.replace("Z", "+00:00"))
        if datatype == DATE:
            return date.fromisoformat(lexical) if _DATE.fullmatch(lexical) else None
        if datatype == BOOLEAN:
            return {"true": True, "false": False, "1": True, "0": False}.get(lexical)
    except (ValueError, InvalidOperation, OverflowError):
        return None
    return lexical


def well_typed(term: str, datatype: str) -> bool:
    """A literal of exactly `datatype` whose lexical form is in its lexical space (and value space range)."""
    if term[:1] != '"':
        return False
    if datatype == XSD_STRING:  # canonical form: a plain literal ends with its closing quote
        return term[-1] == '"'
    lexical, actual, _ = split_literal(term)
    return actual == datatype and value_of(lexical, datatype) is not None


def comparable_value(term: str) -> tuple[str, Any] | None:
    """(kind, value) for ordering: kind "number", "dateTime" or "date"; None for anything else or ill typed."""
    if term[:1] != '"':
        return None
    lexical, datatype, _ = split_literal(term)
    if datatype in INTEGER_RANGES or datatype in FLOAT_TYPES or datatype == DECIMAL:
        kind = "number"
    elif datatype == DATETIME:
        kind = "dateTime"
    elif datatype == DATE:
        kind = "date"
    else:
        return None
    value = value_of(lexical, datatype)
    return None if value is None else (kind, value)


def compare(value: tuple[str, Any], bound: tuple[str, Any]) -> int | None:
    """-1, 0 or 1 as XSD orders the two values; None when they are incomparable."""
    if value[0] != bound[0]:
        return None
    left, right = value[1], bound[1]
    if value[0] == "dateTime" and (left.tzinfo is None) != (right.tzinfo is None):
        return None  # one with a timezone, one without: no order (indeterminate in XSD)
    try:
        if left < right:
            return -1
        if left > right:
            return 1
        return 0 if left == right else None  # NaN equals nothing
    except (TypeError, InvalidOperation):
        return None
