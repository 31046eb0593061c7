"""RDF terms as canonical N-Triples strings.

Every term the converter handles is a `str` in the canonical N-Triples form that Oxigraph also
writes: `<iri>`, `_:label`, `"lexical"`, `"lexical"^^<datatype>` or `"lexical"@lang`. Keeping terms
as text makes writing line formats a join, makes records cheap to pass between processes, and lets
output be compared byte for byte with what pyoxigraph produces.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import quote

import pyoxigraph

XSD = "http://www.w3.org/2001/XMLSchema#"
XSD_STRING = XSD + "string"
RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"

# Characters N-Triples cannot hold raw inside a string literal, plus the other C0 controls, DEL and the
# non-characters U+FFFE and U+FFFF, which Oxigraph's canonical form writes as \uXXXX.
# Ours, not str(pyoxigraph.Literal(t)): the same bytes (test_hostile.py), as fast; text in, text out, no object per value.
_LITERAL_SPECIAL = re.compile('[\x00-\x1f"\\\\\x7f\ufffe\uffff]')
_LITERAL_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f"}
# Characters an IRIREF may not hold (N-Triples / Turtle grammar).
_IRI_FORBIDDEN = re.compile(r'[\x00-\x20<>"{}|^`\\]')
_UNESCAPE = re.compile(r"\\(u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8}|.)", re.DOTALL)
_UNESCAPE_SIMPLE = {"t": "\t", "b": "\b", "n": "\n", "r": "\r", "f": "\f", '"': '"', "'": "'", "\\": "\\"}

# Characters kept raw when data becomes one segment of an IRI path or fragment: RFC 3986 unreserved
# characters, sub-delimiters, ':' and '@'. Everything else ('/', '#', '?', '%', space, non-ASCII, ...)
# is percent-encoded as UTF-8, so a value can never change the structure of the IRI it lands in.
SEGMENT_SAFE = "-._~!$&'()*+,;=:@"


def _escape_char(match: re.Match[str]) -> str:
    char = match.group()
    return _LITERAL_ESCAPES.get(char) or f"\\u{ord(char):04X}"


def escape_literal(text: str) -> str:
    """Escape a lexical form for a double-quoted N-Triples/Turtle string."""
    if _LITERAL_SPECIAL.search(text) is None:
        return text
    return _LITERAL_SPECIAL.sub(_escape_char, text)


def _unescape_match(match: re.Match[str]) -> str:
    code = match.group(1)
    if len(code) > 1 and code[0] in "uU":
        return chr(int(code[1:], 16))
    return _UNESCAPE_SIMPLE.get(code, code)


def unescape_literal(text: str) -> str:
    """Inverse of `escape_literal` (also reads \\UXXXXXXXX escapes other writers use)."""
    if "\\" not in text:
        return text
    return _UNESCAPE.sub(_unescape_match, text)


def literal(text: str, datatype: str | None = None, language: str | None = None) -> str:
    """A literal term; xsd:string is written plain, as canonical N-Triples does."""
    body = '"' + escape_literal(text) + '"'
    if language:
        return body + "@" + language.lower()
    if datatype is None or datatype == XSD_STRING:
        return body
    return body + "^^<" + datatype + ">"


def typed(text: str, datatype_term: str) -> str:
    """A typed literal whose datatype is given as an IRI term (`<...>`); the fast path of `literal`."""
    return '"' + escape_literal(text) + '"^^' + datatype_term


def plain(text: str) -> str:
    """An xsd:string literal."""
    return '"' + escape_literal(text) + '"'


SHORT_TEXT = 64


class _PlainTerms(dict[str, str]):
    """`plain` terms by text, for short texts only (symbols, words, names and sources recur across records;
    titles and captions rarely do and would only fill memory); emptied when full. `terms[text]` is one
    dictionary look-up when the text recurs, as it mostly does."""

    LIMIT = 8192

    def __missing__(self, text: str) -> str:
        term = plain(text)
        if len(text) <= SHORT_TEXT:
            if len(self) >= self.LIMIT:
                self.clear()
            self[text] = term
        return term


PLAIN_TERMS = _PlainTerms()
recurring_plain = PLAIN_TERMS.__getitem__


def recurring_plains(texts: Iterable[str]) -> list[str]:
    """`recurring_plain` of each text."""
    return list(map(recurring_plain, texts))


_SEGMENT_PLAIN = re.compile(r"[-._~!$&'()*+,;=:@A-Za-z0-9]*")


def encode_segment(value: str) -> str:
    """Percent-encode data so that it is one safe path segment or fragment of an IRI."""
    if _SEGMENT_PLAIN.fullmatch(value) is not None:  # the usual case: nothing to encode
        return value
    return quote(value, safe=SEGMENT_SAFE)


def encode_iri(iri: str) -> str:
    """Percent-encode the characters an IRI reference may not hold, leaving the rest untouched."""
    if _IRI_FORBIDDEN.search(iri) is None:
        return iri
    return _IRI_FORBIDDEN.sub(lambda m: quote(m.group(), safe=""), iri)


_BAD_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")
# Everything RFC 3986 allows unencoded in an IRI reference, plus '%' (kept when it starts an escape).
_IRI_SAFE = "-._~:/?#[]@!$&'()*+,;=%"


def checked_iri(value: str) -> str | None:
    """`value` as a valid absolute IRI (percent-encoding what an IRI may not hold), or None if impossible.

    Validity is Oxigraph's (RFC 3987), so whatever passes here parses in every strict parser.
    """
    for candidate in (value, quote(_BAD_PERCENT.sub("%25", value), safe=_IRI_SAFE)):
        try:
            pyoxigraph.NamedNode(candidate)
        except ValueError:
            continue
        return candidate
    return None


def checked_language(tag: str) -> str | None:
    """A well-formed BCP 47 language tag, lower-cased as Oxigraph stores it, or None."""
    try:
        pyoxigraph.Literal("", language=tag)
    except ValueError:
        return None
    return tag.lower()


def iri(value: str) -> str:
    """An IRI term for an IRI that is already well formed (forbidden characters are encoded)."""
    return "<" + encode_iri(value) + ">"


def is_iri(term: str) -> bool:
    return term[:1] == "<"


def is_blank(term: str) -> bool:
    return term[:2] == "_:"


def is_literal(term: str) -> bool:
    return term[:1] == '"'


def iri_value(term: str) -> str:
    """The IRI inside an IRI term."""
    return term[1:-1]


def split_literal(term: str) -> tuple[str, str, str | None]:
    """(lexical form, datatype IRI, language) of a literal term; lexical form unescaped."""
    end = term.rfind('"')
    lexical = unescape_literal(term[1:end])
    rest = term[end + 1 :]
    if not rest:
        return lexical, XSD_STRING, None
    if rest[0] == "@":
        return lexical, RDF_LANG_STRING, rest[1:]
    return lexical, rest[3:-1], None


def term_value(term: str) -> str:
    """The IRI, blank node label or lexical form of a term: the string SPARQL's STR() gives."""
    if term[:1] == "<":
        return term[1:-1]
    if term[:2] == "_:":
        return term[2:]
    return split_literal(term)[0]
