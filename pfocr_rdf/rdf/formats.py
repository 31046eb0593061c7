"""The RDF formats pfocr-rdf writes and reads: names, file extensions, media types. One place."""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import UsageError


@dataclass(frozen=True, slots=True)
class RdfFormat:
    name: str
    extensions: tuple[str, ...]
    media_type: str
    quads: bool  # one named graph per figure
    label: str


NTRIPLES = RdfFormat("nt", (".nt",), "application/n-triples", False, "N-Triples")
NQUADS = RdfFormat("nq", (".nq",), "application/n-quads", True, "N-Quads")
TURTLE = RdfFormat("ttl", (".ttl",), "text/turtle", False, "Turtle")
TRIG = RdfFormat("trig", (".trig",), "application/trig", True, "TriG")
JSONLD = RdfFormat("jsonld", (".jsonld", ".json"), "application/ld+json", False, "JSON-LD")

FORMATS: dict[str, RdfFormat] = {f.name: f for f in (TURTLE, NTRIPLES, NQUADS, TRIG, JSONLD)}
ALIASES = {"turtle": "ttl", "ntriples": "nt", "n-triples": "nt", "nquads": "nq", "n-quads": "nq", "json-ld": "jsonld"}
GZIP_SUFFIX = ".gz"
GZIP_MAGIC = b"\x1f\x8b"  # how a gzip file starts: reading decides by content, not by name


def format_named(name: str) -> RdfFormat:
    key = ALIASES.get(name.lower(), name.lower())
    if key not in FORMATS:
        raise UsageError(f"unknown format {name!r}; choose one of {', '.join(FORMATS)}")
    return FORMATS[key]


def split_gzip(path: str) -> tuple[str, bool]:
    """('out.nt', True) for 'out.nt.gz'."""
    if path.lower().endswith(GZIP_SUFFIX):
        return path[: -len(GZIP_SUFFIX)], True
    return path, False


def format_for_path(path: str) -> RdfFormat | None:
    """The format a file name implies (a .gz suffix is looked through), or None."""
    base, _ = split_gzip(path)
    lower = base.lower()
    for rdf_format in FORMATS.values():
        if lower.endswith(rdf_format.extensions):
            return rdf_format
    return None
