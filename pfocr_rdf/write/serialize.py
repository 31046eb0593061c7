"""Text of RDF documents, written a record at a time so that no format needs the whole graph.

`document_start`, then any number of `chunk`s (one per record, one for the dataset description),
then `document_end`. Terms arrive as canonical N-Triples (terms.py), so N-Triples and N-Quads are a
join; Turtle, TriG and JSON-LD add prefixes and grouping on top of the same terms.

Why ours and not pyoxigraph's or rdflib's serialisers (bench/serializers.py: one run, the same nodes in,
ratios of median times to ours; on the sample, 23,219 statements, and on 1,001 generated records, 517,762):
- Same bytes? Only pyoxigraph's N-Triples and N-Quads equal ours (and so the pinned outputs). Its Turtle
  and TriG indent with tabs, write `a , b` and `14449` for an xsd:integer, put the prefixes in an order of
  their own and never one object per line; its JSON-LD is expanded, without our @context. rdflib's differ
  in every format, starting with the order of statements.
- Speed: pyoxigraph's writer alone takes 0.2-0.6x our time, but it writes its own term objects, and ours
  are canonical N-Triples strings from end to end (terms.py). Making the objects (timed as parsing our
  N-Quads, their cheapest source) brings it to 2.2-4.0x our time for N-Triples and N-Quads, 1.0-3.9x for
  Turtle and TriG, 1.1-1.7x for JSON-LD. rdflib's writer takes 4-136x our time, 26-173x with its graph.
So nothing here is replaced: where a library writes the same bytes, it is slower once it has its terms.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator

from ..map.vocab import PREFIXES, RDF_TYPE
from ..rdf.formats import JSONLD, NQUADS, NTRIPLES, TRIG, TURTLE, RdfFormat
from ..rdf.terms import split_literal

Node = tuple[str, dict[str, list[str]]]  # subject, predicate -> objects

# A local name that is safe as a prefixed name in Turtle (a conservative subset of PN_LOCAL).
_SAFE_LOCAL = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")
_BY_LENGTH = sorted(PREFIXES.items(), key=lambda item: -len(item[1]))
_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


def _compact(iri: str) -> str | None:
    for prefix, namespace in _BY_LENGTH:
        if iri.startswith(namespace):
            local = iri[len(namespace) :]
            if _SAFE_LOCAL.fullmatch(local):
                return prefix + ":" + local
            return None
    return None


class _TurtleTerms:
    """Turtle spelling of canonical terms (prefixed names where safe), memoised per run."""

    def __init__(self) -> None:
        self.cache: dict[str, str] = {}

    def __call__(self, term: str) -> str:
        found = self.cache.get(term)
        if found is not None:
            return found
        if term[0] == "<":
            spelled = _compact(term[1:-1]) or term
        elif term[0] == '"' and term.endswith(">") and '"^^<' in term:
            lexical_end = term.rfind('"^^<')
            datatype = _compact(term[lexical_end + 4 : -1])
            spelled = term[: lexical_end + 3] + datatype if datatype else term
        else:
            return term  # plain and language literals, blank nodes: already valid Turtle
        if len(self.cache) < 100_000:
            self.cache[term] = spelled
        return spelled


_TURTLE_TERMS = _TurtleTerms()


def _turtle_node(subject: str, properties: dict[str, list[str]], indent: str) -> str:
    """One subject block; long object lists go one object per line."""
    spell = _TURTLE_TERMS
    lines = []
    for predicate, objects in properties.items():
        verb = "a" if predicate == RDF_TYPE else spell(predicate)
        spelled = [spell(obj) for obj in objects]
        if len(spelled) > 1 and sum(map(len, spelled)) > 80:
            lines.append(verb + "\n" + indent + "        " + (",\n" + indent + "        ").join(spelled))
        else:
            lines.append(verb + " " + ", ".join(spelled))
    return indent + spell(subject) + " " + (" ;\n" + indent + "    ").join(lines) + " .\n\n"


def _ntriples(nodes: Iterable[Node], graph: str | None) -> str:
    """One line per statement; each (subject, predicate) start is built once for all its objects, which
    are joined by it (pieces are joined once, at the end, rather than concatenated per line)."""
    tail = " " + graph + " .\n" if graph else " .\n"
    pieces: list[str] = []
    add = pieces.append
    for subject, properties in nodes:
        start = subject + " "
        for predicate, objects in properties.items():
            if objects:  # (a one-object join returns the object itself)
                head = start + predicate + " "
                add(head)
                add((tail + head).join(objects))
                add(tail)
    return "".join(pieces)


def _jsonld_value(term: str) -> object:
    if term[0] == "<":
        return {"@id": term[1:-1]}
    if term[:2] == "_:":
        return {"@id": term}
    lexical, datatype, language = split_literal(term)
    if language:
        return {"@value": lexical, "@language": language}
    if datatype == _XSD_STRING:
        return lexical
    return {"@value": lexical, "@type": _compact(datatype) or datatype}


def _jsonld_node(subject: str, properties: dict[str, list[str]]) -> str:
    node: dict[str, object] = {"@id": subject[1:-1] if subject[0] == "<" else subject}
    for predicate, objects in properties.items():
        if predicate == RDF_TYPE:
            node["@type"] = [_compact(obj[1:-1]) or obj[1:-1] for obj in objects]
        else:
            key = _compact(predicate[1:-1]) or predicate[1:-1]
            node[key] = [_jsonld_value(obj) for obj in objects]
    return json.dumps(node, ensure_ascii=False, separators=(",", ":"))


def document_start(rdf_format: RdfFormat) -> str:
    if rdf_format in (TURTLE, TRIG):
        return "".join(f"@prefix {prefix}: <{namespace}> .\n" for prefix, namespace in PREFIXES.items()) + "\n"
    if rdf_format is JSONLD:
        context = json.dumps(PREFIXES, ensure_ascii=False, separators=(",", ":"))
        return '{"@context":' + context + ',\n"@graph":[\n'
    return ""


def document_end(rdf_format: RdfFormat) -> str:
    return "\n]}\n" if rdf_format is JSONLD else ""


def chunk(rdf_format: RdfFormat, nodes: Iterable[Node], graph: str | None) -> str:
    """The text of some nodes; `graph` names their graph in quad formats.

    JSON-LD chunks are node objects joined by commas; the writer puts commas between chunks.
    """
    return "".join(chunk_pieces(rdf_format, nodes, graph))


NODES_PER_PIECE = 4096


def chunk_pieces(rdf_format: RdfFormat, nodes: Iterable[Node], graph: str | None) -> Iterator[str]:
    """`chunk`'s text in pieces of at most `NODES_PER_PIECE` nodes, so that a huge record's text is never
    held whole (a record has a few dozen nodes: one piece)."""
    nodes = nodes if isinstance(nodes, list) else list(nodes)
    if not nodes:
        return
    if rdf_format is TRIG:
        yield (_TURTLE_TERMS(graph) if graph else "") + " {\n"
    for start in range(0, len(nodes), NODES_PER_PIECE):
        part = nodes[start : start + NODES_PER_PIECE]
        if rdf_format is NTRIPLES:
            yield _ntriples(part, None)
        elif rdf_format is NQUADS:
            yield _ntriples(part, graph)
        elif rdf_format is TURTLE:
            yield "".join(_turtle_node(subject, properties, "") for subject, properties in part)
        elif rdf_format is TRIG:
            yield "".join(_turtle_node(subject, properties, "    ") for subject, properties in part)
        elif rdf_format is JSONLD:
            yield (",\n" if start else "") + ",\n".join(_jsonld_node(subject, properties) for subject, properties in part)
        else:
            raise ValueError(rdf_format)
    if rdf_format is TRIG:
        yield "}\n"
