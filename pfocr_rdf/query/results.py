"""SPARQL SELECT results from any store, in one shape, printed as a table, CSV, TSV or SPARQL JSON.

Terms are canonical N-Triples (terms.py), whichever store answered: Oxigraph's terms and Virtuoso's
JSON (with its pre-Recommendation "typed-literal" and extra "link" head) end up identical, so answers
from different stores can be compared as they are.
"""

from __future__ import annotations

import csv
import io
import json
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox

from ..rdf.terms import RDF_LANG_STRING, XSD_STRING, literal, split_literal, term_value

if TYPE_CHECKING:
    from .queries import Finishing

Row = dict[str, "str | None"]
FORMATS = ("table", "csv", "tsv", "json")
Triple = tuple[str, str, str]


@dataclass
class Results:
    variables: list[str]
    rows: list[Row] = field(default_factory=list)


@dataclass
class Triples:
    """A CONSTRUCT or DESCRIBE answer: triples, terms in canonical N-Triples form."""

    triples: list[Triple] = field(default_factory=list)


Answer = Results | Triples | bool  # SELECT, CONSTRUCT/DESCRIBE, ASK

_QUERY_FORM = re.compile(r"\b(SELECT|ASK|CONSTRUCT|DESCRIBE)\b", re.IGNORECASE)
_NOT_KEYWORDS = re.compile(
    r"<[^<>\s]*>"  # IRIs
    + r"|'{3}.*?'{3}|\"{3}.*?\"{3}"  # long strings
    + r"|'(?:[^'\\\n]|\\.)*'|\"(?:[^\"\\\n]|\\.)*\""  # strings
    + r"|#[^\n]*",  # comments
    re.DOTALL,
)


def query_form(query: str) -> str:
    """SELECT, ASK, CONSTRUCT or DESCRIBE: the first such keyword outside IRIs, strings and comments."""
    found = _QUERY_FORM.search(_NOT_KEYWORDS.sub(" ", query))
    return found.group(1).upper() if found else "SELECT"


def answer_from_pyoxigraph(answer: Any) -> Answer:
    """Any pyoxigraph query answer, in this module's shapes."""
    if isinstance(answer, ox.QueryBoolean):
        return bool(answer)
    if isinstance(answer, ox.QueryTriples):
        return Triples([(str(t.subject), str(t.predicate), str(t.object)) for t in answer])
    return from_pyoxigraph(answer)


def from_pyoxigraph(solutions: Any) -> Results:
    variables = [variable.value for variable in solutions.variables]
    # A solution iterates its values in the order of the variables: a third less time than by name, which
    # counts when a query answers for every figure.
    rows: list[Row] = [
        dict(zip(variables, [None if value is None else str(value) for value in solution], strict=True)) for solution in solutions
    ]
    return Results(variables, rows)


def _json_term(binding: dict[str, str]) -> str:
    kind = binding["type"]
    value = binding["value"]
    if kind == "uri":
        return "<" + value + ">"
    if kind == "bnode":
        return "_:" + value
    language = binding.get("xml:lang")
    datatype = binding.get("datatype")
    if language:
        return literal(value, language=language)
    return literal(value, datatype if datatype and datatype != XSD_STRING else None)


def from_sparql_json(data: dict[str, Any]) -> Results:
    """SPARQL 1.1 JSON results, including Virtuoso's variant ("typed-literal")."""
    variables = list(data.get("head", {}).get("vars", []))
    rows = []
    for binding in data.get("results", {}).get("bindings", []):
        rows.append({name: _json_term(binding[name]) if name in binding else None for name in variables})
    return Results(variables, rows)


def sort_lists(results: Results, columns: Iterable[str], separator: str = " ") -> None:
    """Sort the items of GROUP_CONCAT columns, whose order SPARQL leaves to each store."""
    for name in columns:
        for row in results.rows:
            term = row.get(name)
            if term is None or term[:1] != '"':
                continue
            text = split_literal(term)[0]
            row[name] = literal(separator.join(sorted(item for item in text.split(separator) if item)))


def finish(results: Results, finishing: Finishing) -> None:
    """A named query's answer as its `sorted-lists` and `order-by` lines say (queries.py)."""
    sort_lists(results, finishing.sorted_lists)
    order_rows(results, finishing.order)


_NUMERIC = {
    f"http://www.w3.org/2001/XMLSchema#{name}"
    for name in ("integer", "decimal", "double", "float", "int", "long", "short", "byte", "nonNegativeInteger",
                 "positiveInteger", "negativeInteger", "nonPositiveInteger", "unsignedInt", "unsignedLong")
}  # fmt: skip


def _order_key(term: str | None) -> tuple[Any, ...]:
    """SPARQL's ORDER BY order: unbound, blank nodes, IRIs, then literals (numbers by value, the others by
    lexical form, codepoint by codepoint as Oxigraph and Virtuoso compare strings)."""
    if term is None:
        return (0,)
    if term[:2] == "_:":
        return (1, term[2:])
    if term[:1] == "<":
        return (2, term[1:-1])
    if "\\" not in term:  # no escapes (most terms): the parts are cut out, not unescaped
        end = term.rfind('"')
        lexical, rest = term[1:end], term[end + 1 :]
        language = rest[1:] if rest[:1] == "@" else None
        datatype = rest[3:-1] if rest[:2] == "^^" else (RDF_LANG_STRING if language else XSD_STRING)
    else:
        lexical, datatype, language = split_literal(term)
    if datatype in _NUMERIC:
        try:
            return (3, 0, Decimal(lexical), "")
        except InvalidOperation:
            pass
    return (3, 1, lexical, datatype + "@" + (language or ""))


def order_rows(results: Results, order: Iterable[tuple[str, bool]]) -> None:
    """Order the rows by these (variable, descending) keys, first key first; ties keep the engine's order."""
    for name, descending in reversed(list(order)):
        results.rows.sort(key=lambda row, n=name: _order_key(row.get(n)), reverse=descending)


# ---- output ----------------------------------------------------------------------------------------


def _json_binding(term: str) -> dict[str, str]:
    if term[:1] == "<":
        return {"type": "uri", "value": term[1:-1]}
    if term[:2] == "_:":
        return {"type": "bnode", "value": term[2:]}
    lexical, datatype, language = split_literal(term)
    binding = {"type": "literal", "value": lexical}
    if language:
        binding["xml:lang"] = language
    elif datatype != XSD_STRING and datatype != RDF_LANG_STRING:
        binding["datatype"] = datatype
    return binding


def to_json(results: Results) -> str:
    bindings = [{name: _json_binding(term) for name, term in row.items() if term is not None} for row in results.rows]
    return (
        json.dumps({"head": {"vars": results.variables}, "results": {"bindings": bindings}}, ensure_ascii=False, indent=1) + "\n"
    )


def to_csv(results: Results) -> str:
    """SPARQL 1.1 CSV: plain values (IRIs without brackets, literals without quotes or datatypes)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(results.variables)
    for row in results.rows:
        writer.writerow(["" if row.get(name) is None else term_value(row[name] or "") for name in results.variables])
    return out.getvalue()


def to_tsv(results: Results) -> str:
    """SPARQL 1.1 TSV: terms in their N-Triples/Turtle form, tab-separated."""
    lines = ["\t".join("?" + name for name in results.variables)]
    for row in results.rows:
        lines.append("\t".join(row.get(name) or "" for name in results.variables))
    return "\n".join(lines) + "\n"


def _width(text: str) -> int:
    """Columns the text takes on a terminal: wide (East Asian) characters take two."""
    if text.isascii():  # most cells: no per-character look-up (it was half of a 6,000-row table's time)
        return len(text)
    return len(text) + sum(1 for char in text.translate(_ASCII_GONE) if unicodedata.east_asian_width(char) in "WF")


_ASCII_GONE = dict.fromkeys(range(128))  # str.translate table: the ASCII characters removed


def to_table(results: Results, max_width: int = 60) -> str:
    """An aligned, human-readable table: IRIs and plain literals shown by value."""

    def show(term: str | None) -> str:
        if term is None:
            return ""
        text = term_value(term).replace("\n", " ")
        return text if len(text) <= max_width else text[: max_width - 1] + "…"

    cells = [[show(row.get(name)) for name in results.variables] for row in results.rows]
    cell_widths = [[_width(text) for text in row] for row in cells]
    widths = [max([_width(name)] + [row[i] for row in cell_widths]) for i, name in enumerate(results.variables)]

    def line(values: list[str], value_widths: list[int]) -> str:
        padded = (value + " " * (width - own) for value, own, width in zip(values, value_widths, widths, strict=True))
        return "  ".join(padded).rstrip()

    out = [line(results.variables, [_width(name) for name in results.variables]), line(["-" * width for width in widths], widths)]
    out += [line(row, row_widths) for row, row_widths in zip(cells, cell_widths, strict=True)]
    out.append(f"({len(results.rows)} row{'s' if len(results.rows) != 1 else ''})")
    return "\n".join(out) + "\n"


def render(results: Results, fmt: str) -> str:
    return {"table": to_table, "csv": to_csv, "tsv": to_tsv, "json": to_json}[fmt](results)


def boolean_text(value: bool, fmt: str | None) -> str:
    """An ASK answer: `true`/`false`, or SPARQL 1.1 JSON results with -f json."""
    if fmt == "json":
        return json.dumps({"head": {}, "boolean": value}) + "\n"
    return ("true" if value else "false") + "\n"
