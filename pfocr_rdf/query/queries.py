"""SPARQL queries: the bundled named queries, parameters, and where a query runs.

A named query is a `.rq` file in `data/queries/` whose leading comments say what it is:

    # title: Figures showing a gene
    # description: ...
    # param: gene | NCBI Gene id or symbol | IL6        (name | meaning | example)
    # sorted-lists: genes symbols                        (GROUP_CONCAT columns to sort)
    # order-by: DESC(?shared) ?figid                     (the answer's order, made here: see below)
    # iri: geneIri | https://identifiers.org/ncbigene/{gene}          (name | template | prefix to drop)

A parameter appears in the query as `$name` (a SPARQL variable, so the file stays valid SPARQL) and is
replaced by a string literal, escaped, before the query runs: a value can never change the query. An `iri`
line makes an IRI of a parameter (its value in the template, after dropping the prefix, in any case, if it
starts with it): `$geneIri` becomes that IRI, or an IRI nothing has when the result is not a valid IRI,
just as SPARQL's IRI(CONCAT(...)) would match nothing. Engines look a constant IRI up in their indexes;
an IRI computed inside the query is often matched against every statement of the predicate instead.

An `order-by` line orders the answer here, as the same ORDER BY would (results.order_rows), instead of in
the query: Oxigraph reads a string from disk at every comparison of a sort, so ordering 77,000 figures by
figid took longer than finding them.
"""

from __future__ import annotations

import difflib
import os
import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

from ..errors import UsageError
from ..rdf.terms import escape_literal
from ..read.text_files import text_lines

_META = re.compile(r"#\s*(title|description|param|sorted-lists|order-by|iri):\s*(.*)")
_ORDER_KEY = re.compile(r"(?:(ASC|DESC)\(\s*[?$]?(\w+)\s*\)|[?$]?(\w+))", re.IGNORECASE)
NO_SUCH_IRI = "<urn:pfocr-rdf:no-such-iri>"  # what a parameter that makes no valid IRI becomes
_CONTINUATION = re.compile(r"#\s{2,}(.*)")


@dataclass(frozen=True)
class Parameter:
    name: str
    meaning: str
    example: str


@dataclass(frozen=True)
class IriParameter:
    name: str
    template: str  # holds {parameter}
    drop_prefix: str = ""


@dataclass(frozen=True)
class NamedQuery:
    name: str
    text: str
    title: str = ""
    description: str = ""
    parameters: tuple[Parameter, ...] = ()
    sorted_lists: tuple[str, ...] = field(default=())
    iris: tuple[IriParameter, ...] = field(default=())
    order: tuple[tuple[str, bool], ...] = field(default=())  # (variable, descending), first key first

    @property
    def finishing(self) -> Finishing:
        return Finishing(self.sorted_lists, self.order)


@dataclass(frozen=True)
class Finishing:
    """What is done to a named query's answer after the engine gives it: lists sorted, rows ordered."""

    sorted_lists: tuple[str, ...] = ()
    order: tuple[tuple[str, bool], ...] = ()


def parse_order(text: str) -> tuple[tuple[str, bool], ...]:
    """`DESC(?shared) DESC(?jaccard) ?figid` -> (("shared", True), ("jaccard", True), ("figid", False))."""
    keys = []
    for match in _ORDER_KEY.finditer(text):
        direction, inside, bare = match.groups()
        keys.append((inside or bare, (direction or "").upper() == "DESC"))
    return tuple(keys)


def parse_named_query(name: str, text: str) -> NamedQuery:
    meta: dict[str, str] = {}
    parameters = []
    iris = []
    last = None
    for line in text_lines(text):
        match = _META.match(line)
        if match:
            key, value = match.group(1), match.group(2).strip()
            if key == "param":
                parts = [part.strip() for part in value.split("|")]
                parameters.append(Parameter(parts[0], parts[1] if len(parts) > 1 else "", parts[2] if len(parts) > 2 else ""))
            elif key == "iri":
                parts = [part.strip() for part in value.split("|")]
                iris.append(IriParameter(parts[0], parts[1], parts[2] if len(parts) > 2 else ""))
            else:
                meta[key] = value
            last = key
            continue
        continuation = _CONTINUATION.match(line)
        if continuation and last in ("description", "title"):
            meta[last] += " " + continuation.group(1).strip()
            continue
        if not line.startswith("#"):
            break
    return NamedQuery(
        name,
        text,
        meta.get("title", ""),
        meta.get("description", ""),
        tuple(parameters),
        tuple(meta.get("sorted-lists", "").split()),
        tuple(iris),
        parse_order(meta.get("order-by", "")),
    )


@lru_cache(maxsize=1)
def named_queries() -> dict[str, NamedQuery]:
    folder = resources.files("pfocr_rdf").joinpath("data/queries")
    found = {}
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".rq"):
            name = entry.name[:-3]
            found[name] = parse_named_query(name, entry.read_text(encoding="utf-8"))
    return found


def sparql_string(value: str) -> str:
    """A SPARQL string literal holding `value` exactly (same escapes as N-Triples)."""
    return '"' + escape_literal(value) + '"'


def bind_parameters(query: NamedQuery, values: dict[str, str]) -> str:
    """The query text with every `$name` replaced by its value as a string literal."""
    known = {parameter.name for parameter in query.parameters}
    unknown = set(values) - known
    if unknown:
        raise UsageError(
            f"query {query.name} has no parameter {', '.join(sorted(unknown))} (it takes: {', '.join(sorted(known)) or 'none'})"
        )
    missing = known - set(values)
    if missing:
        raise UsageError(f"query {query.name} needs --param {' '.join(f'{name}=...' for name in sorted(missing))}")
    text = query.text
    for iri in query.iris:
        term = iri_term(iri, values)
        text = re.sub(r"\$" + re.escape(iri.name) + r"\b", lambda _m, t=term: t, text)
    for name, value in values.items():
        text = re.sub(r"\$" + re.escape(name) + r"\b", lambda _m, v=value: sparql_string(v), text)
    return text


def iri_term(iri: IriParameter, values: dict[str, str]) -> str:
    """The IRI term an `iri` line makes of the parameters, checked as SPARQL's IRI() checks it (by Oxigraph)."""
    import pyoxigraph as ox

    def value_of(match: re.Match[str]) -> str:
        value = values[match.group(1)]
        if iri.drop_prefix and value[: len(iri.drop_prefix)].lower() == iri.drop_prefix.lower():
            value = value[len(iri.drop_prefix) :]
        return value

    made = re.sub(r"\{(\w+)\}", value_of, iri.template)
    try:
        return str(ox.NamedNode(made))
    except ValueError:
        return NO_SUCH_IRI


def resolve_query(query: str, params: dict[str, str]) -> tuple[str, Finishing]:
    """(SPARQL text, what to do to its answer) for a named query, a query file, or inline SPARQL."""
    queries = named_queries()
    named = queries.get(query)
    if named is not None:
        return bind_parameters(named, params), named.finishing
    if os.path.isfile(query):
        if params:
            raise UsageError("--param is only for named queries (pfocr-rdf query --list)")
        with open(query, encoding="utf-8") as handle:
            return handle.read(), Finishing()
    if _NAME.fullmatch(query):  # a name, not SPARQL: a mistyped named query, most likely
        close = difflib.get_close_matches(query, list(queries), n=1)
        hint = f"did you mean {close[0]}? " if close else ""
        raise UsageError(f"no named query, query file or SPARQL {query!r} ({hint}pfocr-rdf query --list shows them)")
    if params:
        raise UsageError("--param is only for named queries (pfocr-rdf query --list)")
    if not re.search(r"\b(SELECT|ASK|CONSTRUCT|DESCRIBE)\b", query, re.IGNORECASE):
        raise UsageError(
            f"{_shortened(query)!r} is not a named query, a query file or SPARQL text: a SPARQL query starts with "
            "SELECT, ASK, CONSTRUCT or DESCRIBE, after any PREFIX lines (pfocr-rdf query --list)"
        )
    return query, Finishing()


_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")


def _shortened(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
