"""FigureRecord (+ its mentions and JSON-LD) -> RecordGraph, exactly as VOCABULARY.md says.

A pure function of its inputs and read-only tables: no files, no network.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from ..errors import Finding
from ..rdf.graph import RecordGraph
from ..rdf.terms import plain, typed
from ..read.mentions import MentionSet
from ..read.record import FigureRecord
from . import vocab as v
from .mention_triples import _iri, _mentions, _shortcuts
from .taxa import OrganismResolver, _organisms


@dataclass
class MappingResult:
    graph: RecordGraph
    warnings: list[Finding] = field(default_factory=list)
    organisms: Counter[str] = field(default_factory=Counter)  # organism names resolved, by source label
    unresolved: set[str] = field(default_factory=set)  # organism names reported as unknown or ambiguous


def figure_iri_for(record: FigureRecord, fallback_name: str) -> str:
    """F from the figid; without one, from the file name, so the record can still be reported."""
    return v.figure_iri(record.figid or fallback_name)


def _figure(graph: RecordGraph, figure: str, paper: str | None, record: FigureRecord) -> None:
    add = graph.add
    add(figure, v.RDF_TYPE, v.PFOCR_FIGURE)
    if record.figid:
        add(figure, v.DCT_IDENTIFIER, plain(record.figid))
    if record.figtitle:
        add(figure, v.DC_TITLE, plain(record.figtitle))
    if record.caption:
        add(figure, v.DCT_DESCRIPTION, plain(record.caption))
    if paper:
        add(figure, v.DCT_IS_PART_OF, paper)
    if record.filename and record.pmcid:
        add(figure, v.FOAF_IMG, _iri(v.figure_image(record.pmcid, record.filename)))
    if record.figlink:
        add(figure, v.FOAF_PAGE, _iri(v.figure_page(record.figlink)))
    if record.number:
        add(figure, v.PFOCR_FIGURE_NUMBER, plain(record.number))
    if record.figtype:
        add(figure, v.PFOCR_FIGURE_TYPE, plain(record.figtype))
    if record.figid_alias:
        add(figure, v.SCHEMA_ALTERNATE_NAME, plain(record.figid_alias))
    if record.pathway_score:
        add(figure, v.PFOCR_PATHWAY_SCORE, typed(record.pathway_score, v.XSD_DOUBLE))
    if record.pmc_ranked_result_index:
        add(figure, v.PFOCR_RANKED_INDEX, typed(record.pmc_ranked_result_index, v.XSD_INTEGER))
    if record.ndex:
        add(figure, v.PFOCR_NDEX, _iri(v.ndex_iri(record.ndex)))
    if record.wpid:
        add(figure, v.PFOCR_WIKIPATHWAYS, _iri(v.wikipathways_iri(record.wpid)))


def _paper(graph: RecordGraph, paper: str, record: FigureRecord) -> None:
    add = graph.add
    pmcid = record.pmcid or ""
    add(paper, v.RDF_TYPE, v.FABIO_ARTICLE)
    add(paper, v.FABIO_PMCID, plain(pmcid))
    add(paper, v.FOAF_PAGE, _iri(v.pmc_article_page(pmcid)))
    if record.papertitle:
        add(paper, v.DCT_TITLE, plain(record.papertitle))
    if record.reftext:
        add(paper, v.DCT_CITATION, plain(record.reftext))
    if record.year:
        add(paper, v.FABIO_YEAR, typed(record.year, v.XSD_GYEAR))
    if record.doi:
        add(paper, v.PRISM_DOI, plain(record.doi))
        add(paper, v.SCHEMA_SAME_AS, _iri(v.doi_iri(record.doi)))
    if record.journal_title:
        add(paper, v.PRISM_PUBLICATION_NAME, plain(record.journal_title))
    if record.journal_nlm_ta:
        add(paper, v.FABIO_NLM_TA, plain(record.journal_nlm_ta))
    if record.publisher_name:
        add(paper, v.DCT_PUBLISHER, plain(record.publisher_name))
    for keyword in record.keywords:
        add(paper, v.PRISM_KEYWORD, plain(keyword))


def map_record(
    record: FigureRecord,
    mentions: MentionSet,
    jsonld_nodes: dict[str, dict[str, list[str]]] | None,
    resolve: OrganismResolver,
    fallback_name: str,
) -> MappingResult:
    """Build the record's graph: figure, mentions, paper, then the JSON-LD's own nodes."""
    figure_iri = figure_iri_for(record, fallback_name)
    figure = _iri(figure_iri)
    paper = _iri(v.paper_iri(record.pmcid)) if record.pmcid else None
    graph = RecordGraph(figure)
    result = MappingResult(graph)
    taxa: dict[str, dict[str, None]] = {}
    _figure(graph, figure, paper, record)
    _organisms(graph, figure, record, resolve, result, taxa)
    if jsonld_nodes:
        graph.merge({figure: jsonld_nodes.get(figure, {})})
    _mentions(graph, figure, figure_iri, mentions)
    _shortcuts(graph, figure, mentions)
    if paper:
        _paper(graph, paper, record)
    for mention in mentions.genes:
        if mention.taxid and mention.organism_name:
            taxa.setdefault(mention.taxid, {})[mention.organism_name] = None
    # Each taxon is labelled with the names it was resolved from: organism names then join with their
    # IRIs, and a name without a taxon is visible to SHACL (shape:OrganismName-taxon).
    taxon_nodes = []
    for taxid, names in taxa.items():
        node = _iri(v.taxon_iri(taxid))
        graph.nodes[node] = {v.RDFS_LABEL: [plain(name) for name in names]}
        taxon_nodes.append(node)
    if jsonld_nodes:
        graph.merge({subject: props for subject, props in jsonld_nodes.items() if subject != figure})
    graph.shared = frozenset(([paper] if paper else []) + taxon_nodes)
    return result
