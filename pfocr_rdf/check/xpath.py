"""sh:pattern read as XPath reads it: its regular expressions translated into Python's (\\p{..}, \\i, \\c,
character class subtraction, flags)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache
from itertools import groupby

_CATEGORIES = {
    "L", "Lu", "Ll", "Lt", "Lm", "Lo", "M", "Mn", "Mc", "Me", "N", "Nd", "Nl", "No", "P", "Pc", "Pd", "Ps", "Pe", "Pi",
    "Pf", "Po", "Z", "Zs", "Zl", "Zp", "S", "Sm", "Sc", "Sk", "So", "C", "Cc", "Cf", "Co", "Cn",
}  # fmt: skip
_MAX_CODE_POINT = 0x10FFFF
# XML 1.0 (fifth edition) NameStartChar and NameChar: XPath's \i and \c
_NAME_START = [(0x3A, 0x3A), (0x41, 0x5A), (0x5F, 0x5F), (0x61, 0x7A), (0xC0, 0xD6), (0xD8, 0xF6), (0xF8, 0x2FF),
               (0x370, 0x37D), (0x37F, 0x1FFF), (0x200C, 0x200D), (0x2070, 0x218F), (0x2C00, 0x2FEF), (0x3001, 0xD7FF),
               (0xF900, 0xFDCF), (0xFDF0, 0xFFFD), (0x10000, 0xEFFFF)]  # fmt: skip
_NAME_CHAR = sorted([*_NAME_START, (0x2D, 0x2E), (0x30, 0x39), (0xB7, 0xB7), (0x300, 0x36F), (0x203F, 0x2040)])


@lru_cache(maxsize=1)
def _category_runs() -> tuple[tuple[int, int, str], ...]:
    """Every code point in runs of one Unicode general category: (first, last, category). About a second,
    once, for the shapes whose patterns use a category."""
    runs: list[tuple[int, int, str]] = []
    code = 0
    for cat, group in groupby(map(unicodedata.category, map(chr, range(_MAX_CODE_POINT + 1)))):
        size = sum(1 for _ in group)
        runs.append((code, code + size - 1, cat))
        code += size
    return tuple(runs)


@lru_cache(maxsize=64)
def _category_ranges(categories: str) -> tuple[tuple[int, int], ...]:
    """The code point ranges whose Unicode general category starts with one of `categories` (space separated)."""
    wanted = tuple(categories.split())
    ranges: list[tuple[int, int]] = []
    for low, high, cat in _category_runs():
        if cat.startswith(wanted):
            if ranges and ranges[-1][1] == low - 1:
                ranges[-1] = (ranges[-1][0], high)
            else:
                ranges.append((low, high))
    return tuple(ranges)


def _complement(ranges: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    out, start = [], 0
    for low, high in sorted(ranges):
        if low > start:
            out.append((start, low - 1))
        start = max(start, high + 1)
    if start <= _MAX_CODE_POINT:
        out.append((start, _MAX_CODE_POINT))
    return out


def _class_body(ranges: Iterable[tuple[int, int]]) -> str:
    return "".join(f"\\U{low:08x}" if low == high else f"\\U{low:08x}-\\U{high:08x}" for low, high in ranges)


def _escape_class(escape: str) -> tuple[str, bool] | None:
    """The ranges (as class text) of an XPath class escape Python reads otherwise or not at all, and whether
    they are to be negated; None for an escape Python reads as XPath does."""
    letter, name = escape[1], escape[3:-1]
    if letter in "pP":
        if name not in _CATEGORIES:  # a block (\p{IsBasicLatin}): Python's unicodedata does not know blocks
            raise re.error(f"the class {escape} is not supported")
        return _class_body(_category_ranges(name)), letter == "P"
    if letter in "wW":  # XSD: every character but punctuation, separators and "other" (Python's \w differs)
        return _class_body(_complement(_category_ranges("P Z C"))), letter == "W"
    if letter in "sS":  # XSD: space, tab, newline, return only (Python's \s has more)
        return _class_body([(0x9, 0xA), (0xD, 0xD), (0x20, 0x20)]), letter == "S"
    if letter in "iI":
        return _class_body(_NAME_START), letter == "I"
    if letter in "cC":
        return _class_body(_NAME_CHAR), letter == "C"
    return None


def xpath_regex(pattern: str, flags: str = "") -> re.Pattern[str]:
    """An XPath regular expression (SHACL 4.4.3: fn:matches) as a Python one. Where the two read the same
    text differently it is translated: `$` ends the string only (Python's also matches before a final
    newline), the `x` flag removes whitespace outside character classes (Python's also starts comments
    at `#`), `\\w` and `\\s` are XSD's classes, and `\\p{..}`, `\\P{..}`, `\\i`, `\\c` (which Python
    lacks) are written out as character ranges. What cannot be translated (a Unicode block `\\p{IsGreek}`,
    class subtraction `[a-z-[aeiou]]`) raises re.error."""
    out: list[str] = []
    depth = 0  # inside a character class
    i = 0
    while i < len(pattern):
        char = pattern[i]
        if char == "\\":
            escape = pattern[i : i + 2]
            if escape[1:] in ("p", "P"):
                end = pattern.find("}", i)
                if pattern[i + 2 : i + 3] != "{" or end < 0:
                    raise re.error(f"{escape} without a {{name}}", pattern, i)
                escape = pattern[i : end + 1]
            try:
                written = _escape_class(escape) if len(escape) > 1 else None
            except re.error as exc:
                raise re.error(str(exc), pattern, i) from None
            if written is None:
                out.append(escape)
            elif depth and written[1]:  # a negated class escape inside a class: its complement's ranges
                out.append(_class_body(_complement(_ranges_of(written[0]))))
            elif depth:
                out.append(written[0])
            else:
                out.append(("[^" if written[1] else "[") + written[0] + "]")
            i += len(escape)
            continue
        if depth:
            if char == "[" and pattern[i - 1] == "-":
                raise re.error("character class subtraction is not supported", pattern, i)
            if char == "]":
                depth -= 1
        elif char == "[":
            depth = 1
            if pattern[i + 1 : i + 2] == "^":  # a negated class
                out.append("[^")
                i += 2
                continue
        elif char == "$" and "m" not in flags:
            char = r"\Z"
        elif char in " \t\n\r" and "x" in flags:
            char = ""
        out.append(char)
        i += 1
    re_flags = 0
    for letter in flags:
        re_flags |= {"i": re.IGNORECASE, "m": re.MULTILINE, "s": re.DOTALL}.get(letter, 0)
    return re.compile("".join(out), re_flags)


def _ranges_of(body: str) -> list[tuple[int, int]]:
    """The ranges of a class body written by _class_body."""
    return [(int(low, 16), int(high or low, 16)) for low, high in re.findall(r"\\U([0-9a-f]{8})(?:-\\U([0-9a-f]{8}))?", body)]
