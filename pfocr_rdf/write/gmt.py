"""Gene sets in GMT, as PFOCR's releases publish them for enrichment tools (Enrichr, clusterProfiler, GSEA).

GMT (the Broad Institute's Gene Matrix Transposed format): one tab-separated line per set, its name,
a description, then its members. Here a set is a figure: its figid (`PMC5869700__F6`), its title, and
the NCBI Gene ids of the genes found in it, or, on request, the ChEBI ids (`CHEBI:15365`) of its
chemicals. Sets are read off each record's graph through the vocabulary's constants, so they hold what
the RDF holds. `--split-by organism` writes one file per species (`pfocr-Homo_sapiens.gmt`, ...): a
gene goes to its own organism's file; a chemical to the files of the figure's organisms.
"""

from __future__ import annotations

import os
import re

from ..errors import UsageError
from ..map import vocab as v
from ..rdf.formats import RdfFormat
from ..rdf.graph import RecordGraph
from ..rdf.terms import term_value
from .outputs import STDOUT, AtomicOutput

GMT_GENES = RdfFormat("gmt", (".gmt",), "text/tab-separated-values", False, "GMT gene sets")
GMT_CHEMICALS = RdfFormat("gmt-chemicals", (".gmt",), "text/tab-separated-values", False, "GMT chemical sets")
SET_KINDS = {"genes": GMT_GENES, "chemicals": GMT_CHEMICALS}
FILE_PREFIX = "pfocr"
NO_ORGANISM = "unknown_organism"
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
_SPACE = re.compile(r"\s+")
_CHEMICAL_FILE = re.compile(rf"{FILE_PREFIX}-chemicals-[A-Za-z0-9._-]+\.gmt(\.gz)?")
_GENE_FILE = re.compile(rf"{FILE_PREFIX}-(?!chemicals-)[A-Za-z0-9._-]+\.gmt(\.gz)?")  # file_name's forms


def _field(text: str) -> str:
    """A GMT cell: tabs and line breaks would break the line, so all whitespace runs become one space."""
    return _SPACE.sub(" ", text).strip()


def _literal(node: dict[str, list[str]], predicate: str) -> str | None:
    values = node.get(predicate)
    return term_value(values[0]) if values else None


def _organism_names(graph: RecordGraph, taxa: list[str]) -> list[str]:
    """Each taxon's name: the label the record gives the taxon, else its NCBI Taxonomy IRI's local part."""
    names = []
    for taxon in taxa:
        label = _literal(graph.nodes.get(taxon, {}), v.RDFS_LABEL)
        names.append(_field(label) if label else term_value(taxon).rsplit("/", 1)[-1])
    return names


def record_sets(graph: RecordGraph, kind: RdfFormat) -> str:
    """The record's sets, one line per organism: `organism \\t figid \\t title \\t id \\t id ...`.

    The organism column is for the writer (it picks the file, or is dropped); ids are sorted, each once.
    """
    figure = graph.nodes.get(graph.figure, {})
    figid = _literal(figure, v.DCT_IDENTIFIER) or term_value(graph.figure).rsplit("/", 1)[-1].removesuffix(".html")
    title = _field(_literal(figure, v.DC_TITLE) or "")
    figure_organisms = _organism_names(graph, figure.get(v.PFOCR_ORGANISM, [])) or [NO_ORGANISM]
    members: dict[str, set[str]] = {}
    for properties in graph.nodes.values():
        types = properties.get(v.RDF_TYPE, ())
        if kind is GMT_GENES and v.PFOCR_GENE_MENTION in types:
            ids = [term_value(gene).rsplit("/", 1)[-1] for gene in properties.get(v.PFOCR_NCBI_GENE, [])]
            organisms = _organism_names(graph, properties.get(v.PFOCR_ORGANISM, [])) or [NO_ORGANISM]
        elif kind is GMT_CHEMICALS and v.PFOCR_CHEMICAL_MENTION in types:
            ids = [term_value(chebi).rsplit("/", 1)[-1] for chebi in properties.get(v.PFOCR_CHEBI, [])]
            organisms = figure_organisms
        else:
            continue
        for organism in organisms:
            members.setdefault(organism, set()).update(ids)
    lines = []
    for organism, ids in sorted(members.items()):
        if ids:
            ordered = sorted(ids, key=lambda i: (len(i), i))  # numeric order for numbers of any length
            lines.append("\t".join([organism, _field(figid), title, *ordered]) + "\n")
    return "".join(lines)


def file_name(organism: str, kind: RdfFormat) -> str:
    """`pfocr-Homo_sapiens.gmt`, `pfocr-chemicals-Homo_sapiens.gmt`: safe in any file system."""
    label = "" if kind is GMT_GENES else "chemicals-"
    return f"{FILE_PREFIX}-{label}{_UNSAFE.sub('_', organism).strip('_') or NO_ORGANISM}.gmt"


class GmtSink:
    """A run's Sink for GMT: one file (or stdout) with a line per figure, or a folder with a file per
    organism. Files are written beside their place and moved in when the run completes; `compress`
    gzips them (each file of a folder is then named `.gmt.gz`)."""

    def __init__(self, output: str, kind: RdfFormat, split: bool, compress: bool = False) -> None:
        self.output, self.kind, self.split, self.compress = output, kind, split, compress
        self.sets = 0
        self.files: dict[str, AtomicOutput] = {}
        self.paths: list[str] = []  # the files written, once closed
        if split:
            if output == STDOUT:
                raise UsageError("--split-by organism writes a folder of GMT files: give it with -o DIR")
            if os.path.exists(output) and not os.path.isdir(output):
                raise UsageError(f"{output} exists and is not a folder; --split-by organism writes a folder")
            parent = os.path.dirname(os.path.abspath(output))
            if not os.path.isdir(parent):
                raise UsageError(f"cannot write {output}: folder {parent} does not exist")
        else:
            self.files[""] = AtomicOutput(output, compress).__enter__()  # a .gz name compresses too

    def _file(self, organism: str) -> AtomicOutput:
        if not self.split:
            return self.files[""]
        found = self.files.get(organism)
        if found is None:
            os.makedirs(self.output, exist_ok=True)
            name = file_name(organism, self.kind) + (".gz" if self.compress else "")
            found = self.files[organism] = AtomicOutput(os.path.join(self.output, name), self.compress).__enter__()
        return found

    # -- the Sink protocol (see run/conversion.py)

    def graph(self, name: str, text: str) -> None:
        if not text:
            return
        rows = [line.split("\t") for line in text.removesuffix("\n").split("\n")]  # record_sets ends each with \n
        if self.split:
            for organism, *row in rows:
                self._file(organism).write("\t".join(row) + "\n")
                self.sets += 1
            return
        figid, title = rows[0][1], rows[0][2]
        ids = sorted({i for row in rows for i in row[3:]}, key=lambda i: (len(i), i))
        self._file("").write("\t".join([figid, title, *ids]) + "\n")
        self.sets += 1

    def extra(self, text: str) -> None:
        """Nothing: GMT has no shared nodes to add."""

    def close(self) -> None:
        for output in self.files.values():
            output.__exit__(None, None, None)
        self.paths = sorted(output.path for output in self.files.values())
        self.files = {}
        if self.split:
            self._remove_stale()

    def _remove_stale(self) -> None:
        """A folder written again holds this run's sets only: the files of its kind that an earlier run
        wrote and this one did not (a species no longer present, the other compression) are removed.
        Any other file in the folder is left alone."""
        if not os.path.isdir(self.output):
            return
        written = {os.path.basename(path) for path in self.paths}
        ours = _GENE_FILE if self.kind is GMT_GENES else _CHEMICAL_FILE
        for name in os.listdir(self.output):
            path = os.path.join(self.output, name)
            if name not in written and ours.fullmatch(name) and os.path.isfile(path) and not os.path.islink(path):
                os.remove(path)

    def abort(self) -> None:
        """The run failed or was interrupted: no file is left half-written."""
        for output in self.files.values():
            output.__exit__(KeyboardInterrupt, KeyboardInterrupt(), None)
        self.files = {}
