"""The dataset description (VoID) of one conversion, with counts equal to what was written.

`void:triples` is the number of statements in the file written, the description's own (with the pfocr:
vocabulary it carries) included, so it equals what any RDF tool counts in that file and the run's
summary: triple formats write a paper once, quad formats once in each figure's graph that holds it, and
each such copy counts. `void:entities` and the linksets count the data only, papers once.
"""

from __future__ import annotations

import hashlib
import os
import re
import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from .. import __version__
from ..map import vocab as v
from ..rdf.graph import NodeMap, RecordGraph, merge_nodes
from ..rdf.terms import plain, split_literal, typed
from .vocabulary import vocabulary_nodes

# Outward link predicate -> (target dataset key, title, URI space of the target).
LINK_TARGETS: dict[str, tuple[str, str, str]] = {
    v.PFOCR_NCBI_GENE: ("ncbigene", "NCBI Gene", "https://identifiers.org/ncbigene/"),
    v.PFOCR_CHEBI: ("chebi", "ChEBI", "https://identifiers.org/chebi/CHEBI:"),
    v.PFOCR_MESH: ("mesh", "MeSH", "http://id.nlm.nih.gov/mesh/"),
    v.PFOCR_DOID: ("doid", "Disease Ontology", "http://purl.obolibrary.org/obo/DOID_"),
}
TAXON = "<" + v.taxon_iri("")  # organisms (shared nodes: their labels name the summaries)


@dataclass
class DatasetStats:
    """Running counts over what has been written."""

    triples: int = 0
    entities: int = 0
    links: dict[str, int] = field(default_factory=lambda: dict.fromkeys(LINK_TARGETS, 0))
    terms: set[str] = field(default_factory=set)  # predicates and classes used
    example: str | None = None
    # What the summaries (figures per organism, papers and figures per year) are counted from, exactly as the
    # plain queries count them over the union of the graphs:
    organisms: Counter[str] = field(default_factory=Counter)  # organism -> figures naming it
    figure_papers: Counter[tuple[str, ...]] = field(default_factory=Counter)  # a figure's papers -> figures
    paper_years: dict[str, set[str]] = field(default_factory=dict)  # paper -> its publication years
    taxon_labels: dict[str, set[str]] = field(default_factory=dict)  # organism -> its rdfs:labels

    def add(self, other: DatasetStats) -> None:
        self.triples += other.triples
        self.entities += other.entities
        for predicate, count in other.links.items():
            self.links[predicate] = self.links.get(predicate, 0) + count
        self.terms |= other.terms
        if self.example is None:
            self.example = other.example
        if other.organisms:
            self.organisms.update(other.organisms)
        if other.figure_papers:
            self.figure_papers.update(other.figure_papers)
        for found, into in ((other.paper_years, self.paper_years), (other.taxon_labels, self.taxon_labels)):
            for subject, values in found.items():
                into.setdefault(subject, set()).update(values)


def stats_of(nodes: Iterable[tuple[str, dict[str, list[str]]]], example: str | None = None) -> DatasetStats:
    """Counts for some nodes (subjects assumed new, triples within a node distinct)."""
    stats = DatasetStats(example=example)
    links, update = stats.links, stats.terms.update
    link_predicates = tuple(links)  # four look-ups a node cost less than a set intersection
    entities = triples = 0
    rdf_type = v.RDF_TYPE
    for subject, properties in nodes:
        if subject[0] == "<":
            entities += 1
        triples += sum(map(len, properties.values()))
        update(properties)
        types = properties.get(rdf_type)
        if types:
            update(types)
            if v.PFOCR_FIGURE in types:
                stats.organisms.update(set(properties.get(v.PFOCR_ORGANISM, ())))
                papers = properties.get(v.DCT_IS_PART_OF)
                if papers:
                    stats.figure_papers[tuple(sorted(set(papers)))] += 1
        years = properties.get(v.FABIO_YEAR)
        if years:
            stats.paper_years.setdefault(subject, set()).update(years)
        if subject.startswith(TAXON) and v.RDFS_LABEL in properties:
            stats.taxon_labels.setdefault(subject, set()).update(properties[v.RDFS_LABEL])
        for predicate in link_predicates:
            found = properties.get(predicate)
            if found:
                links[predicate] += len(found)
    stats.entities, stats.triples = entities, triples
    return stats


def own_nodes(graph: RecordGraph) -> list[tuple[str, dict[str, list[str]]]]:
    """The record's nodes that no other record describes."""
    return [(subject, props) for subject, props in graph.nodes.items() if subject not in graph.shared]


def created_on() -> str:
    """xsd:dateTime of this conversion: SOURCE_DATE_EPOCH when set (reproducible builds), else now."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    seconds = int(epoch) if epoch and epoch.strip().isdigit() else int(time.time())
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(seconds))


def _namespace(iri: str) -> str:
    cut = max(iri.rfind("#"), iri.rfind("/"))
    return iri[: cut + 1]


def describe_dataset(stats: DatasetStats, dataset: str = v.DATASET) -> NodeMap:
    """The VoID description's nodes (dataset, linksets, targets, tool, creator)."""
    d = "<" + dataset + ">"
    integer = v.XSD_INTEGER
    nodes: NodeMap = {
        d: {
            v.RDF_TYPE: [f"<{v.NS_VOID}Dataset>"],
            v.DCT_TITLE: [plain("PFOCR: Pathway Figure OCR, as linked data")],
            f"<{v.NS_DCTERMS}description>": [
                plain(
                    "Pathway figures mined from PubMed Central papers by Pathway Figure OCR "
                    "(pfocr.wikipathways.org), with the genes, chemicals and diseases found in them."
                )
            ],
            v.DCT_LICENSE: [f"<{v.CC0}>"],
            f"<{v.NS_DCTERMS}publisher>": [f"<{v.WIKIPATHWAYS_ORG}>"],
            f"<{v.NS_PAV}createdOn>": [typed(created_on(), v.XSD_DATETIME)],
            f"<{v.NS_PAV}createdWith>": [f"<{v.TOOL}>"],
            f"<{v.NS_VOID}triples>": [],  # filled in below, once the description's own size is known
            f"<{v.NS_VOID}entities>": [typed(str(stats.entities), integer)],
            f"<{v.NS_VOID}uriSpace>": [plain(v.FIGURE_BASE)],
            f"<{v.NS_VOID}vocabulary>": [],  # filled in below: the data's terms and the description's own
        }
    }
    if stats.example:
        nodes[d][f"<{v.NS_VOID}exampleResource>"] = [stats.example]
    subsets = nodes[d].setdefault(f"<{v.NS_VOID}subset>", [])
    for predicate, (key, title, space) in LINK_TARGETS.items():
        linkset, target = f"<{dataset}#linkset-{key}>", f"<{dataset}#target-{key}>"
        subsets.append(linkset)
        nodes[linkset] = {
            v.RDF_TYPE: [f"<{v.NS_VOID}Linkset>"],
            f"<{v.NS_VOID}linkPredicate>": [predicate],
            f"<{v.NS_VOID}subjectsTarget>": [d],
            f"<{v.NS_VOID}objectsTarget>": [target],
            f"<{v.NS_VOID}triples>": [typed(str(stats.links.get(predicate, 0)), integer)],
        }
        nodes[target] = {
            v.RDF_TYPE: [f"<{v.NS_VOID}Dataset>"],
            v.DCT_TITLE: [plain(title)],
            f"<{v.NS_VOID}uriSpace>": [plain(space)],
        }
    nodes[f"<{v.TOOL}>"] = {
        v.RDF_TYPE: [f"<{v.NS_SCHEMA}SoftwareApplication>"],
        v.RDFS_LABEL: [plain("pfocr-rdf")],
        f"<{v.NS_PAV}version>": [plain(__version__)],
    }
    add_summaries(nodes, stats, dataset)
    nodes[f"<{v.WIKIPATHWAYS_ORG}>"] = {
        v.RDF_TYPE: [v.SCHEMA_ORGANIZATION],
        v.SCHEMA_NAME: [plain("WikiPathways")],
        v.SCHEMA_URL: ["<https://www.wikipathways.org/>"],
    }
    # The terms the data uses, defined where the data is: the endpoint can explain every pfocr: term.
    nodes = merge_nodes(nodes, vocabulary_nodes())
    used = stats.terms | stats_of(nodes.items()).terms
    nodes[d][f"<{v.NS_VOID}vocabulary>"] = [f"<{ns}>" for ns in sorted({_namespace(t[1:-1]) for t in used})]
    set_statement_count(nodes, dataset, stats.triples)
    return nodes


def _local(prefix: str, term: str, plain_part: str) -> str:
    """A summary node's fragment: readable when the value is (a taxid, a year), else a digest of the term."""
    if re.fullmatch(r"[0-9A-Za-z_.-]+", plain_part):
        return f"{prefix}-{plain_part}"
    return f"{prefix}-{hashlib.blake2b(term.encode('utf-8'), digest_size=8).hexdigest()}"


def add_summaries(nodes: NodeMap, stats: DatasetStats, dataset: str) -> None:
    """Figures per organism (with the organism's label), and papers and figures per publication year, as
    pfocr:OrganismSummary / pfocr:YearSummary nodes of the description: the summary queries read these few
    statements instead of every figure. Counted as the plain queries count over the union of the graphs: a
    figure names each of its organisms once; a paper counts in each of its years, a figure in each year of
    any of its papers."""
    d, integer = "<" + dataset + ">", v.XSD_INTEGER
    organisms = []
    for organism in sorted(stats.organisms):
        node = "<" + dataset + "#" + _local("organism", organism, organism.removeprefix(TAXON)[:-1]) + ">"
        organisms.append(node)
        nodes[node] = {
            v.RDF_TYPE: [v.PFOCR_ORGANISM_SUMMARY_CLASS],
            v.PFOCR_ORGANISM: [organism],
            v.PFOCR_FIGURE_COUNT: [typed(str(stats.organisms[organism]), integer)],
        }
        labels = stats.taxon_labels.get(organism)
        if labels:  # the organism's label, as MIN(?label) would pick it
            nodes[node][v.RDFS_LABEL] = [min(labels, key=_lexical)]
    figures: Counter[str] = Counter()
    papers: set[str] = set()
    for figure_papers, count in stats.figure_papers.items():
        papers.update(figure_papers)
        for year in set().union(*(stats.paper_years.get(paper, ()) for paper in figure_papers)):
            figures[year] += count
    paper_counts: Counter[str] = Counter(year for paper in papers for year in stats.paper_years.get(paper, ()))
    years = []
    for year in sorted(figures, key=lambda term: (_lexical(term), term)):
        node = "<" + dataset + "#" + _local("year", year, _lexical(year) if year.endswith(f"^^{v.XSD_GYEAR}") else "") + ">"
        years.append(node)
        nodes[node] = {
            v.RDF_TYPE: [v.PFOCR_YEAR_SUMMARY_CLASS],
            v.PFOCR_YEAR: [year],
            v.PFOCR_PAPER_COUNT: [typed(str(paper_counts[year]), integer)],
            v.PFOCR_FIGURE_COUNT: [typed(str(figures[year]), integer)],
        }
    if organisms:
        nodes[d][v.PFOCR_ORGANISM_SUMMARY] = organisms
    if years:
        nodes[d][v.PFOCR_YEAR_SUMMARY] = years


def _lexical(literal: str) -> str:
    """The lexical form of a literal term, unescaped: labels compare as SPARQL's MIN compares strings."""
    return split_literal(literal)[0]


def set_statement_count(nodes: NodeMap, dataset: str, data_statements: int) -> int:
    """Set void:triples to the data's statements plus the description's own (`nodes`, as written; its
    one void:triples statement counts whatever its value); returns the description's own."""
    own = sum(max(len(objects), 1) for properties in nodes.values() for objects in properties.values())
    nodes["<" + dataset + ">"][f"<{v.NS_VOID}triples>"] = [typed(str(data_statements + own), v.XSD_INTEGER)]
    return own
