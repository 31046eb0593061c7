"""Split a record's text by Jekyll's front-matter rules and parse the YAML safely and fast.

The YAML is read from libyaml's event stream (pure-Python PyYAML events when libyaml is absent;
the result is the same) into plain `dict` / `list` / `str` / `None`. No implicit typing is done:
`NO`, `on`, `0.93` and `2019-03-12` stay the text they were written as, because the record layer
types each field itself and a gene symbol must never turn into a boolean. Plain `~`, `null` and
empty scalars are `None`. Anchors and aliases are allowed but bounded, as are nesting depth and
size, so a hostile file costs bounded time and memory.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import yaml
from yaml import events

from ..errors import RecordError

try:  # libyaml's C parser: several times faster than the pure-Python one.
    from yaml import CBaseLoader as _EventLoader

    LIBYAML = True
except ImportError:  # pragma: no cover - exercised by forcing the fallback in tests
    from yaml import BaseLoader as _EventLoader  # type: ignore[assignment]

    LIBYAML = False

# Jekyll: the file starts with '---' (then only spaces), and the front matter runs to the first line
# that is '---' or '...' (then only spaces). A UTF-8 byte-order mark before it is ignored.
_OPENING = re.compile(r"---[ \t]*\r?\n")
_CLOSING = re.compile(r"^(?:---|\.\.\.)[ \t]*\r?$", re.MULTILINE)
_NULLS = frozenset(("", "~", "null", "Null", "NULL"))
_FLOW_BRACKET = re.compile(r"[\[\]{}]")
_SURROGATE = re.compile("[\ud800-\udfff]")


@dataclass(frozen=True)
class YamlLimits:
    """Bounds that keep hostile YAML cheap; the CLI exposes them as options."""

    max_depth: int = 64
    max_nodes: int = 200_000  # after alias expansion; a large real record has about 3,000


DEFAULT_YAML_LIMITS = YamlLimits()


def has_front_matter(text: str) -> bool:
    """True when the text opens a Jekyll front-matter block."""
    return _OPENING.match(text, 1 if text.startswith("\ufeff") else 0) is not None


def split_front_matter(text: str, source: str) -> tuple[str, int]:
    """Return the YAML text of the front matter and the file line on which it starts."""
    start = 1 if text.startswith("\ufeff") else 0
    opening = _OPENING.match(text, start)
    if opening is None:
        if not text.strip():
            raise RecordError(source, "empty-file", "the file is empty")
        raise RecordError(source, "no-front-matter", "no front matter: the file does not start with a '---' line")
    closing = _CLOSING.search(text, opening.end())
    if closing is None:
        raise RecordError(
            source, "unclosed-front-matter", "front matter is never closed: no '---' line after the opening one", line=1
        )
    return text[opening.end() : closing.start()], 2


_ANOTHER_RECORD = re.compile(r"^---[ \t]*\r?\n(?:[^\n]*\n)*?figid:", re.MULTILINE)


def another_record_line(text: str) -> int | None:
    """The line where a second record's front matter opens after the first one's (records concatenated,
    `cat a.md b.md`), or None. PFOCR records have no body, so a `---` line followed by a `figid:` field
    after the front matter is another record, not text."""
    start = 1 if text.startswith("\ufeff") else 0
    opening = _OPENING.match(text, start)
    closing = _CLOSING.search(text, opening.end()) if opening else None
    if closing is None:
        return None
    found = _ANOTHER_RECORD.search(text, closing.end() + 1)
    return None if found is None else text.count("\n", 0, found.start()) + 1


def parse_yaml(text: str, source: str, first_line: int = 1, limits: YamlLimits = DEFAULT_YAML_LIMITS) -> Any:
    """Parse one YAML document into plain Python values (see module docstring).

    The nesting limit is ours, the same whatever PyYAML release is installed: flow nesting (`[[[...`) is
    measured before the parser runs (libyaml gives up at its own depth, with wording that differs between
    releases, and the pure-Python parser is quadratic in it), block nesting while the events are read.
    """
    if text.count("[") + text.count("{") > limits.max_depth:  # cheap: real records nest two levels
        depth, offset = flow_nesting_depth(text)
        if depth > limits.max_depth:
            raise _too_deep(source, depth, limits, first_line + text.count("\n", 0, offset))
    loader = _EventLoader(text)
    try:
        return _build(loader, source, first_line, limits)
    except _TooDeep as deep:
        raise _too_deep(source, _drain_depth(loader, deep.depth), limits, deep.line) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = first_line + mark.line if mark is not None else None
        problem = exc.problem or exc.context or "invalid YAML"
        raise RecordError(source, "invalid-yaml", f"invalid YAML: {problem}", line=line) from None
    except yaml.YAMLError as exc:
        raise RecordError(source, "invalid-yaml", f"invalid YAML: {exc}") from None
    finally:
        loader.dispose()


def flow_nesting_depth(text: str) -> tuple[int, int]:
    """How deep `[...]` / `{...}` nest in the text, and the offset where that depth is first reached.

    Quoting is ignored, so this is an upper bound of the YAML flow depth: brackets inside a quoted
    string count too. Real records never come near the limit (two levels in the whole sample).
    """
    depth = deepest = where = 0
    for bracket in _FLOW_BRACKET.finditer(text):
        if bracket.group() in "[{":
            depth += 1
            if depth > deepest:
                deepest, where = depth, bracket.start()
        elif depth:
            depth -= 1
    return deepest, where


def _drain_depth(loader: Any, depth: int) -> int:
    """Read the rest of the event stream, only counting depth, to say how deep the record goes."""
    deepest = depth
    opening = (events.MappingStartEvent, events.SequenceStartEvent)
    closing = (events.MappingEndEvent, events.SequenceEndEvent)
    try:
        while (event := loader.get_event()) is not None and not isinstance(event, events.StreamEndEvent):
            if isinstance(event, opening):
                depth += 1
                deepest = max(deepest, depth)
            elif isinstance(event, closing):
                depth -= 1
    except yaml.YAMLError:
        pass  # a later syntax error: the depth seen so far is what the record reached
    return deepest


def _too_deep(source: str, depth: int, limits: YamlLimits, line: int | None) -> RecordError:
    return RecordError(
        source,
        "yaml-too-deep",
        f"YAML nests {depth:,} levels deep, deeper than the limit of {limits.max_depth}; "
        "raise --max-yaml-depth if this record is genuine",
        line=line,
    )


class _TooDeep(Exception):
    """Raised inside the event walk; `parse_yaml` turns it into the `yaml-too-deep` error."""

    def __init__(self, depth: int, line: int | None) -> None:
        super().__init__(depth)
        self.depth, self.line = depth, line


def _build(loader: Any, source: str, first_line: int, limits: YamlLimits) -> Any:
    """Turn the event stream into values, tracking depth, size and anchors."""
    get = loader.get_event
    scalar_event, alias_event = events.ScalarEvent, events.AliasEvent
    mapping_start, sequence_start = events.MappingStartEvent, events.SequenceStartEvent
    collection_end = (events.MappingEndEvent, events.SequenceEndEvent)
    document_start, stream_end = events.DocumentStartEvent, events.StreamEndEvent

    # libyaml refuses escapes of lone UTF-16 surrogates; PyYAML's pure-Python parser lets them through.
    check_surrogates = not isinstance(loader, yaml.CBaseLoader) if LIBYAML else True
    anchors: dict[str, tuple[Any, int]] = {}
    # Each open collection: [container, pending key or _NO_KEY, expanded size so far, anchor, line].
    stack: list[list[Any]] = []
    root: Any = None
    documents = 0
    total = 0

    def fail(kind: str, message: str, event: Any) -> RecordError:
        line = first_line + event.start_mark.line if event.start_mark is not None else None
        return RecordError(source, kind, message, line=line)

    def count(size: int, event: Any) -> None:
        nonlocal total
        total += size
        if total > limits.max_nodes:
            raise fail(
                "yaml-too-large",
                f"YAML expands to more than {limits.max_nodes:,} values (an alias bomb?); "
                "raise --max-yaml-nodes if this record is genuine",
                event,
            )

    def attach(value: Any, size: int, event: Any) -> None:
        nonlocal root
        if not stack:
            root = value
            return
        frame = stack[-1]
        frame[2] += size
        container = frame[0]
        if type(container) is list:
            container.append(value)
        elif frame[1] is _NO_KEY:
            if value is not None and type(value) is not str:
                raise fail("invalid-yaml", "a mapping key must be text, not a list or mapping", event)
            frame[1] = "" if value is None else value
        else:
            container[frame[1]] = value
            frame[1] = _NO_KEY

    max_nodes = limits.max_nodes
    top: list[Any] | None = None  # the innermost open collection's frame (stack[-1])
    while True:
        event = get()
        kind = type(event)
        if kind is scalar_event:  # the hot path: inlined `count` and `attach`
            value = event.value
            if event.implicit[0] and value in _NULLS:  # plain and untagged
                value = None
            elif check_surrogates and _SURROGATE.search(value):
                raise fail("invalid-yaml", "invalid YAML: found invalid Unicode character escape code", event)
            if event.anchor is not None:
                anchors[event.anchor] = (value, 1)
            total += 1
            if total > max_nodes:
                count(0, event)
            if top is None:
                root = value
                continue
            top[2] += 1
            container = top[0]
            if type(container) is list:
                container.append(value)
            elif top[1] is _NO_KEY:
                top[1] = "" if value is None else value
            else:
                container[top[1]] = value
                top[1] = _NO_KEY
        elif kind is mapping_start or kind is sequence_start:
            if len(stack) >= limits.max_depth:
                raise _TooDeep(len(stack) + 1, first_line + event.start_mark.line if event.start_mark is not None else None)
            count(1, event)
            top = [{} if kind is mapping_start else [], _NO_KEY, 1, event.anchor, event]
            stack.append(top)
        elif kind in collection_end:
            container, _key, size, anchor, start = stack.pop()
            top = stack[-1] if stack else None
            if anchor is not None:
                anchors[anchor] = (container, size)
            attach(container, size, start)
        elif kind is alias_event:
            if event.anchor not in anchors:
                raise fail("invalid-yaml", f"invalid YAML: unknown alias *{event.anchor}", event)
            value, size = anchors[event.anchor]
            count(size, event)
            attach(value, size, event)
        elif kind is document_start:
            documents += 1
            if documents > 1:
                raise fail("invalid-yaml", "invalid YAML: more than one document in the front matter", event)
        elif kind is stream_end:
            return root


class _NoKey:
    __slots__ = ()

    def __repr__(self) -> str:  # pragma: no cover - debugging aid
        return "<no key>"


_NO_KEY = _NoKey()


def read_front_matter(text: str, source: str, limits: YamlLimits = DEFAULT_YAML_LIMITS) -> dict[str, Any]:
    """Split and parse a record's front matter; it must be a mapping."""
    yaml_text, first_line = split_front_matter(text, source)
    data = parse_yaml(yaml_text, source, first_line, limits)
    if data is None:
        raise RecordError(source, "empty-front-matter", "the front matter is empty", line=first_line)
    if not isinstance(data, dict):
        found = "a list" if isinstance(data, list) else "a single value"
        raise RecordError(
            source, "front-matter-not-mapping", f"the front matter must be a mapping of fields, found {found}", line=first_line
        )
    return data
