"""The PFOCR vocabulary file (data/pfocr-vocab.ttl) as data: published with every dataset and on its own.

An endpoint that loads our output can then explain every `pfocr:` term it holds (label, comment, domain,
range and the WikiPathways counterpart as `rdfs:seeAlso`).
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

import pyoxigraph as ox

from ..rdf.formats import RdfFormat
from ..rdf.graph import NodeMap, add_triple, merge_nodes
from .outputs import AtomicOutput
from .serialize import chunk, document_end, document_start

VOCABULARY_FILE = "data/pfocr-vocab.ttl"
VOCABULARY_IRI = "https://pfocr.wikipathways.org/vocab"


@lru_cache(maxsize=1)
def _parsed() -> NodeMap:
    data = resources.files("pfocr_rdf").joinpath(VOCABULARY_FILE).read_bytes()
    nodes: NodeMap = {}
    for triple in ox.parse(data, format=ox.RdfFormat.TURTLE):
        add_triple(nodes, str(triple.subject), str(triple.predicate), str(triple.object))
    return nodes


def vocabulary_nodes() -> NodeMap:
    """The vocabulary's triples, in the file's order (a fresh copy: callers may add to it)."""
    return merge_nodes({}, _parsed())


def write_vocabulary(path: str, rdf_format: RdfFormat, compress: bool) -> None:
    """Write the vocabulary (in quad formats, into the graph named by its IRI)."""
    graph = "<" + VOCABULARY_IRI + ">"
    with AtomicOutput(path, compress) as out:
        out.write(document_start(rdf_format) + chunk(rdf_format, _parsed().items(), graph) + document_end(rdf_format))
