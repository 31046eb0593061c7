"""XSD literal values as SHACL needs them: which lexical forms are well typed, and how values compare.

A lexical form is well typed when it matches its datatype's lexical space as XSD 1.1 defines it (the
grammars below; Python's readers alone accept more: "1_000", " 1", "infinity") and, for the derived
integer types, its value is in their range (`"300"^^xsd:byte` is ill typed). The range constraints
(sh:minInclusive ...) compare values, not text: numbers across the numeric types, dates and date-times
on the time line, one with a timezone and one without ordered only when more than 14 hours apart
(closer, the order is indeterminate and the constraint is not satisfied).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from ..rdf.terms import RDF_LANG_STRING, XSD_STRING, split_literal

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
_FOURTEEN_HOURS = 14 * 3600

# The lexical spaces (XSD 1.1 part 2, section 3.3), as regular expressions: a lexical form is read only
# after it matches, so Python's readers cannot widen them ("1_000" is no xsd:integer, "NaN" no xsd:decimal,
# "infinity" no xsd:double).
_YEAR = r"-?(?:[1-9][0-9]{3,}|0[0-9]{3})"
_MONTH, _DAY = r"(?:0[1-9]|1[0-2])", r"(?:0[1-9]|[12][0-9]|3[01])"
_TIME = r"(?:(?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](?:\.[0-9]+)?|24:00:00(?:\.0+)?)"
_TZ = r"(?:Z|[+-](?:(?:0[0-9]|1[0-3]):[0-5][0-9]|14:00))"
_DURATION_TIME = r"(?:T(?!\Z)(?:[0-9]+H)?(?:[0-9]+M)?(?:[0-9]+(?:\.[0-9]+)?S)?)?"
# XML 1.0 (fifth edition): Char (without tab, newline, return), NameStartChar, NameChar
_CHAR = "\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff"
_CHAR_NOT_SPACE = "\x21-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff"
_NAME_START = (
    ":A-Z_a-z\xc0-\xd6\xd8-\xf6\xf8-\u02ff\u0370-\u037d\u037f-\u1fff\u200c\u200d\u2070-\u218f"
    "\u2c00-\u2fef\u3001-\ud7ff\uf900-\ufdcf\ufdf0-\ufffd\U00010000-\U000effff"
)
_NAME_CHAR = _NAME_START + "\\-.0-9\xb7\u0300-\u036f\u203f\u2040"
_INTEGER = re.compile(r"[+-]?[0-9]+")
_DECIMAL = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)")
_FLOAT = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[Ee][+-]?[0-9]+)?|[+-]?INF|NaN")
_DATETIME = re.compile(f"({_YEAR})-({_MONTH})-({_DAY})T({_TIME})({_TZ})?")
_DATE = re.compile(f"({_YEAR})-({_MONTH})-({_DAY})({_TZ})?")
# Datatypes checked by their lexical space alone (no value used for ordering).
_LEXICAL_ONLY = {
    f"{XSD}time": re.compile(f"{_TIME}{_TZ}?"),
    f"{XSD}gYear": re.compile(f"{_YEAR}{_TZ}?"),
    f"{XSD}gYearMonth": re.compile(f"{_YEAR}-{_MONTH}{_TZ}?"),
    f"{XSD}gMonth": re.compile(f"--{_MONTH}{_TZ}?"),
    f"{XSD}gDay": re.compile(f"---{_DAY}{_TZ}?"),
    f"{XSD}gMonthDay": re.compile(f"--({_MONTH})-({_DAY}){_TZ}?"),
    # XSD 1.1 (3.3.17): any sequence of XML characters is a lexical form of xsd:anyURI
    f"{XSD}anyURI": re.compile(f"[\t\n\r{_CHAR}]*"),
    f"{XSD}normalizedString": re.compile(f"[{_CHAR}]*"),
    f"{XSD}token": re.compile(f"(?:[{_CHAR_NOT_SPACE}]+(?: [{_CHAR_NOT_SPACE}]+)*)?"),
    f"{XSD}language": re.compile("[a-zA-Z]{1,8}(?:-[a-zA-Z0-9]{1,8})*"),
    f"{XSD}NMTOKEN": re.compile(f"[{_NAME_CHAR}]+"),
    f"{XSD}Name": re.compile(f"[{_NAME_START}][{_NAME_CHAR}]*"),
    f"{XSD}NCName": re.compile(f"[{_NAME_START.replace(':', '')}][{_NAME_CHAR.replace(':', '')}]*"),
    f"{XSD}hexBinary": re.compile("(?:[0-9a-fA-F]{2})*"),
    f"{XSD}base64Binary": re.compile(
        "(?:(?:(?:[A-Za-z0-9+/] ?){4})*(?:(?:[A-Za-z0-9+/] ?){3}[A-Za-z0-9+/]|(?:[A-Za-z0-9+/] ?){2}[AEIMQUYcgkosw048] ?="
        "|[A-Za-z0-9+/] ?[AQgw] ?= ?=))?"
    ),
    f"{XSD}duration": re.compile(f"-?P(?!\\Z)(?:[0-9]+Y)?(?:[0-9]+M)?(?:[0-9]+D)?{_DURATION_TIME}"),
    f"{XSD}dayTimeDuration": re.compile(f"-?P(?!\\Z)(?:[0-9]+D)?{_DURATION_TIME}"),
    f"{XSD}yearMonthDuration": re.compile("-?P(?!\\Z)(?:[0-9]+Y)?(?:[0-9]+M)?"),
}


def checks_datatype(datatype: str) -> bool:
    """True when `well_typed` decides this datatype as XSD defines it (else: leave it to pySHACL)."""
    if datatype.startswith(XSD):
        return datatype in INTEGER_RANGES or datatype in FLOAT_TYPES or datatype in _LEXICAL_ONLY or datatype in {
            XSD_STRING, DECIMAL, DATETIME, DATE, BOOLEAN,
        }  # fmt: skip
    return not datatype.startswith("http://www.w3.org/1999/02/22-rdf-syntax-ns#") or datatype == RDF_LANG_STRING


def _days_in_month(year: int, month: int) -> int:
    if month == 2:
        return 29 if year % 4 == 0 and (year % 100 != 0 or year % 400 == 0) else 28
    return 30 if month in (4, 6, 9, 11) else 31


def _days_from_civil(year: int, month: int, day: int) -> int:
    """Days since 1970-01-01 in the proleptic Gregorian calendar, any year (XSD 1.1: year 0 is 1 BCE)."""
    year -= month <= 2
    era = year // 400
    year_of_era = year - era * 400
    day_of_year = (153 * (month + (-3 if month > 2 else 9)) + 2) // 5 + day - 1
    day_of_era = year_of_era * 365 + year_of_era // 4 - year_of_era // 100 + day_of_year
    return era * 146097 + day_of_era - 719468


def _timezone_minutes(text: str | None) -> int | None:
    if not text:
        return None
    if text == "Z":
        return 0
    minutes = int(text[1:3]) * 60 + int(text[4:6])
    return -minutes if text[0] == "-" else minutes


@dataclass(frozen=True, slots=True)
class Instant:
    """A date-time's place on the time line (seconds; UTC when it has a timezone, local time when not),
    and whether it has a timezone: XSD orders the two kinds against each other only beyond 14 hours."""

    seconds: Decimal
    zoned: bool


def _instant(match: re.Match[str], time: str) -> Instant | None:
    year, month, day = int(match[1]), int(match[2]), int(match[3])
    if day > _days_in_month(year, month):
        return None
    hours, minutes, seconds = time.split(":")
    total = Decimal(_days_from_civil(year, month, day) * 86400 + int(hours) * 3600 + int(minutes) * 60) + Decimal(seconds)
    offset = _timezone_minutes(match[match.re.groups])
    return Instant(total - offset * 60 if offset is not None else total, offset is not None)


def value_of(lexical: str, datatype: str) -> Any:
    """The value of a lexical form of `datatype`, None when ill typed; the text itself for other datatypes."""
    if datatype in INTEGER_RANGES:
        if not _INTEGER.fullmatch(lexical):
            return None
        number = int(lexical)
        low, high = INTEGER_RANGES[datatype]
        return None if (low is not None and number < low) or (high is not None and number > high) else number
    if datatype in FLOAT_TYPES:
        return float(lexical) if _FLOAT.fullmatch(lexical) else None
    if datatype == DECIMAL:
        return Decimal(lexical) if _DECIMAL.fullmatch(lexical) else None
    if datatype == DATETIME:
        match = _DATETIME.fullmatch(lexical)
        return _instant(match, match[4]) if match else None
    if datatype == DATE:
        match = _DATE.fullmatch(lexical)
        return _instant(match, "00:00:00") if match else None
    if datatype == BOOLEAN:
        return {"true": True, "false": False, "1": True, "0": False}.get(lexical)
    pattern = _LEXICAL_ONLY.get(datatype)
    if pattern is not None:
        match = pattern.fullmatch(lexical)
        if match is None:
            return None
        if datatype == f"{XSD}gMonthDay" and int(match[2]) > _days_in_month(2000, int(match[1])):
            return None  # --02-29 is a day of a leap year, --04-31 of no year
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
    if isinstance(left, Instant):
        if left.zoned == right.zoned:
            left, right = left.seconds, right.seconds
        else:  # XSD 1.1 part 2, D.2.1: the one without a timezone may be anywhere within +-14 hours
            unzoned = right.seconds if left.zoned else left.seconds
            zoned = left.seconds if left.zoned else right.seconds
            if zoned < unzoned - _FOURTEEN_HOURS:
                order = -1
            elif zoned > unzoned + _FOURTEEN_HOURS:
                order = 1
            else:
                return None  # indeterminate
            return order if left.zoned else -order
    try:
        if left < right:
            return -1
        if left > right:
            return 1
        return 0 if left == right else None  # NaN equals nothing
    except (TypeError, InvalidOperation):
        return None
