"""The naive baseline: the obvious toolchain, run on the same corpus as pfocr-rdf.

Per record: YAML (libyaml), pyld expansion of its JSON-LD (context cached with a tagged loader, as a
careful user would), its triples parsed by rdflib into one merged Graph; then pySHACL over the merged
graph, and rdflib writing N-Triples. The record's content is the same as pfocr-rdf's (the library's own
mapping produces the non-JSON-LD triples), so the two runs write the same data.

    python bench/naive.py CORPUS -o out.nt
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import pyshacl
import rdflib

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pfocr_rdf.check.validate import shapes_text  # noqa: E402
from pfocr_rdf.rdf.formats import NTRIPLES  # noqa: E402
from pfocr_rdf.read.sources import find_sources  # noqa: E402
from pfocr_rdf.run.pipeline import ConvertOptions, convert_source  # noqa: E402
from pfocr_rdf.write.serialize import chunk  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("corpus")
    parser.add_argument("-o", "--output", required=True)
    args = parser.parse_args()
    options = ConvertOptions(reference=True, validation=None)  # pyld on every record
    graph = rdflib.Graph()
    records = 0
    started = time.monotonic()
    for source in find_sources([args.corpus]).records:
        outcome = convert_source(source, options)
        if outcome.graph is None:
            continue
        graph.parse(data=chunk(NTRIPLES, outcome.graph.nodes.items(), None), format="nt")
        records += 1
    converted = time.monotonic()
    shapes = rdflib.Graph().parse(data=shapes_text(), format="turtle")
    conforms, _, _ = pyshacl.validate(graph, shacl_graph=shapes, inference="none", allow_warnings=True)
    validated = time.monotonic()
    graph.serialize(destination=args.output, format="nt", encoding="utf-8")
    done = time.monotonic()
    print(
        f"records={records} triples={len(graph)} conforms={conforms} convert_s={converted - started:.2f} "
        f"validate_s={validated - converted:.2f} write_s={done - validated:.2f}",
        file=sys.stderr,
    )


if __name__ == "__main__":
    main()
