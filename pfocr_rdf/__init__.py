"""pfocr-rdf: the Pathway Figure OCR (PFOCR) database as standard, joinable RDF.

Python API (see README, "Python API"):

    from pfocr_rdf import read_record, record_graph, convert
"""

from __future__ import annotations

__version__ = "0.2.0"

__all__ = ["ConvertResult", "__version__", "convert", "read_record", "record_graph", "record_rdflib_graph"]


def __getattr__(name: str) -> object:
    # The API lives in api.py; importing it lazily keeps `import pfocr_rdf` (and worker start-up) light.
    if name in ("read_record", "record_graph", "record_rdflib_graph", "convert", "ConvertResult"):
        from . import api

        return getattr(api, name)
    raise AttributeError(name)
