"""Our writer (pfocr_rdf/write/serialize.py) against pyoxigraph's and rdflib's serialisers, side by side in one run.

The input is what our writer is given in a run: each figure's nodes (subject, predicate -> objects, terms as
canonical N-Triples strings). They are rebuilt from `convert`'s N-Quads output of CORPUS, grouped as they
were written; our N-Quads text from them must equal that file byte for byte, or the harness is wrong.
For each format the question is: is a library's text the same bytes as ours (the pinned outputs,
tests/write/test_output_pinned.py, are ours), and how long does it take, as a ratio to ours:
- "serialise": the library's serialiser alone, given its own term objects built beforehand (its best case);
- "+ terms": with building those objects from our term strings too, which replacing ours would cost.
Each timing is the median of --repeat runs.

    python bench/serializers.py [CORPUS] [--repeat 5]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import pyoxigraph as ox
import rdflib

from pfocr_rdf.map.vocab import PREFIXES
from pfocr_rdf.rdf.formats import JSONLD, NQUADS, NTRIPLES, TRIG, TURTLE, RdfFormat
from pfocr_rdf.write.serialize import Node, chunk, document_end, document_start

ROOT = Path(__file__).resolve().parent.parent
OX = {NTRIPLES: ox.RdfFormat.N_TRIPLES, NQUADS: ox.RdfFormat.N_QUADS, TURTLE: ox.RdfFormat.TURTLE,
      TRIG: ox.RdfFormat.TRIG, JSONLD: ox.RdfFormat.JSON_LD}  # fmt: skip
RDFLIB = {NTRIPLES: "nt", NQUADS: "nquads", TURTLE: "turtle", TRIG: "trig", JSONLD: "json-ld"}
Figures = list[tuple[str, list[Node]]]


def figures_of(nquads: str) -> Figures:
    """Each graph's nodes, in the order written: runs of one subject, then of one predicate."""
    figures: Figures = []
    for quad in ox.parse(nquads.encode("utf-8"), format=ox.RdfFormat.N_QUADS):
        graph, subject, predicate = str(quad.graph_name), str(quad.subject), str(quad.predicate)
        if not figures or figures[-1][0] != graph:
            figures.append((graph, []))
        nodes = figures[-1][1]
        if not nodes or nodes[-1][0] != subject:
            nodes.append((subject, {}))
        nodes[-1][1].setdefault(predicate, []).append(str(quad.object))
    return figures


def ours(rdf_format: RdfFormat, figures: Figures) -> bytes:
    """As run.py's FileSink writes a document: JSON-LD chunks are separated by commas."""
    graph = rdf_format.quads
    chunks = [chunk(rdf_format, nodes, name if graph else None) for name, nodes in figures]
    separator = ",\n" if rdf_format is JSONLD else ""
    return (document_start(rdf_format) + separator.join(chunks) + document_end(rdf_format)).encode("utf-8")


def median_seconds(call: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def first_difference(a: bytes, b: bytes) -> str:
    for number, (left, right) in enumerate(zip(a.splitlines(), b.splitlines(), strict=False), 1):
        if left != right:
            return f"line {number}: ours {left[:70]!r} / theirs {right[:70]!r}"
    return f"lengths {len(a):,} / {len(b):,} bytes"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("corpus", nargs="?", default=str(ROOT / "tests" / "data" / "sample"))
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        written = Path(folder) / "out.nq"
        command = [sys.executable, "-m", "pfocr_rdf", "convert", args.corpus, "-o", str(written), "-q"]
        subprocess.run(command, check=True)
        nquads = written.read_text(encoding="utf-8")
    figures = figures_of(nquads)
    assert ours(NQUADS, figures) == nquads.encode("utf-8"), "the harness does not rebuild convert's N-Quads"
    data = nquads.encode("utf-8")
    quads = list(ox.parse(data, format=ox.RdfFormat.N_QUADS))
    triples = [quad.triple for quad in quads]
    dataset = rdflib.Dataset()
    dataset.parse(data=nquads, format="nquads")
    graph = rdflib.Graph()
    for s, p, o, _ in dataset.quads():
        graph.add((s, p, o))
    for prefix, namespace in PREFIXES.items():
        dataset.bind(prefix, namespace, override=True, replace=True)
        graph.bind(prefix, namespace, override=True, replace=True)
    ox_terms = median_seconds(lambda: list(ox.parse(data, format=ox.RdfFormat.N_QUADS)), args.repeat)
    rdflib_terms = median_seconds(lambda: rdflib.Dataset().parse(data=nquads, format="nquads"), max(1, args.repeat // 2))
    print(f"{len(figures)} graphs, {len(quads):,} statements; times as ratios to ours, median of {args.repeat}")
    print(f"{'format':8} {'ours ms':>8}  {'pyoxigraph: same? serialise, + terms':40}  rdflib: same? serialise, + terms")
    for rdf_format in (NTRIPLES, NQUADS, TURTLE, TRIG, JSONLD):
        text = ours(rdf_format, figures)
        mine = median_seconds(lambda f=rdf_format: ours(f, figures), args.repeat)
        statements = quads if rdf_format.quads else triples
        theirs = ox.serialize(statements, format=OX[rdf_format], prefixes=PREFIXES)
        ox_time = median_seconds(lambda f=rdf_format, s=statements: ox.serialize(s, format=OX[f], prefixes=PREFIXES), args.repeat)
        source = dataset if rdf_format.quads else graph
        rdflib_text = source.serialize(format=RDFLIB[rdf_format], encoding="utf-8")
        rdflib_time = median_seconds(
            lambda f=rdf_format, s=source: s.serialize(format=RDFLIB[f], encoding="utf-8"), max(1, args.repeat // 2)
        )
        ox_cell = f"{theirs == text!s:5} {ox_time / mine:6.2f}x {(ox_time + ox_terms) / mine:6.2f}x"
        rdflib_cell = f"{rdflib_text == text!s:5} {rdflib_time / mine:6.2f}x {(rdflib_time + rdflib_terms) / mine:6.2f}x"
        print(f"{rdf_format.name:8} {mine * 1000:8.1f}  {ox_cell:40}  {rdflib_cell}")
        for who, other in (("pyoxigraph", theirs), ("rdflib", rdflib_text)):
            if other != text:
                print(f"    {who}: {first_difference(text, other)}")


if __name__ == "__main__":
    main()
