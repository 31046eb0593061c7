"""Namespaces, vocabulary terms and the IRI builders of VOCABULARY.md: one place for each.

Terms are kept as N-Triples IRI terms (`<...>`, see terms.py) because that is how the mapping
uses them; `NS_*` strings are the bare namespace IRIs for prefixes and queries.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from importlib import resources
from typing import TYPE_CHECKING

from ..rdf.terms import encode_segment

if TYPE_CHECKING:
    import curies

NS_SCHEMA = "http://schema.org/"
NS_DC = "http://purl.org/dc/elements/1.1/"
NS_DCTERMS = "http://purl.org/dc/terms/"
NS_WP = "http://vocabularies.wikipathways.org/wp#"  # only in join queries and rdfs:seeAlso, never in our data
NS_FABIO = "http://purl.org/spar/fabio/"
NS_PRISM = "http://prismstandard.org/namespaces/basic/2.0/"
NS_FOAF = "http://xmlns.com/foaf/0.1/"
NS_PAV = "http://purl.org/pav/"
NS_VOID = "http://rdfs.org/ns/void#"
NS_PFOCR = "https://pfocr.wikipathways.org/vocab#"
NS_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
NS_RDFS = "http://www.w3.org/2000/01/rdf-schema#"
NS_XSD = "http://www.w3.org/2001/XMLSchema#"
NS_OWL = "http://www.w3.org/2002/07/owl#"
NS_SH = "http://www.w3.org/ns/shacl#"

# Prefixes written into Turtle, TriG and JSON-LD output. No wp: here: our data never uses a wp: term.
PREFIXES: dict[str, str] = {
    "rdf": NS_RDF,
    "rdfs": NS_RDFS,
    "xsd": NS_XSD,
    "owl": NS_OWL,
    "schema": NS_SCHEMA,
    "dc": NS_DC,
    "dcterms": NS_DCTERMS,
    "fabio": NS_FABIO,
    "prism": NS_PRISM,
    "foaf": NS_FOAF,
    "pav": NS_PAV,
    "void": NS_VOID,
    "pfocr": NS_PFOCR,
}

FIGURE_BASE = "https://pfocr.wikipathways.org/figures/"
PMC_ARTICLE_BASE = "https://www.ncbi.nlm.nih.gov/pmc/articles/"
NCBI_BASE = "https://www.ncbi.nlm.nih.gov"
CC0 = "http://creativecommons.org/publicdomain/zero/1.0/"
WIKIPATHWAYS_ORG = NS_PFOCR + "WikiPathways"
DATASET = "https://pfocr.wikipathways.org/rdf/dataset"
TOOL = NS_PFOCR + "pfocr-rdf"


def _t(ns: str, local: str) -> str:
    return "<" + ns + local + ">"


RDF_TYPE = _t(NS_RDF, "type")
RDFS_LABEL = _t(NS_RDFS, "label")
RDFS_COMMENT = _t(NS_RDFS, "comment")
RDFS_SEE_ALSO = _t(NS_RDFS, "seeAlso")
XSD_DOUBLE = _t(NS_XSD, "double")
XSD_INTEGER = _t(NS_XSD, "integer")
XSD_GYEAR = _t(NS_XSD, "gYear")
XSD_DATETIME = _t(NS_XSD, "dateTime")

SCHEMA_DATASET = _t(NS_SCHEMA, "Dataset")
SCHEMA_NAME = _t(NS_SCHEMA, "name")
SCHEMA_ALTERNATE_NAME = _t(NS_SCHEMA, "alternateName")
SCHEMA_SAME_AS = _t(NS_SCHEMA, "sameAs")
SCHEMA_ORGANIZATION = _t(NS_SCHEMA, "Organization")
SCHEMA_URL = _t(NS_SCHEMA, "url")

DC_TITLE = _t(NS_DC, "title")
DCT_IDENTIFIER = _t(NS_DCTERMS, "identifier")
DCT_DESCRIPTION = _t(NS_DCTERMS, "description")
DCT_IS_PART_OF = _t(NS_DCTERMS, "isPartOf")
DCT_TITLE = _t(NS_DCTERMS, "title")
DCT_CITATION = _t(NS_DCTERMS, "bibliographicCitation")
DCT_PUBLISHER = _t(NS_DCTERMS, "publisher")
DCT_LICENSE = _t(NS_DCTERMS, "license")

FABIO_ARTICLE = _t(NS_FABIO, "JournalArticle")
FABIO_PMCID = _t(NS_FABIO, "hasPubMedCentralId")
FABIO_YEAR = _t(NS_FABIO, "hasPublicationYear")
FABIO_NLM_TA = _t(NS_FABIO, "hasNLMJournalTitleAbbreviation")
PRISM_DOI = _t(NS_PRISM, "doi")
PRISM_PUBLICATION_NAME = _t(NS_PRISM, "publicationName")
PRISM_KEYWORD = _t(NS_PRISM, "keyword")
FOAF_IMG = _t(NS_FOAF, "img")
FOAF_PAGE = _t(NS_FOAF, "page")

PFOCR_FIGURE = _t(NS_PFOCR, "PathwayFigure")
PFOCR_GENE_MENTION = _t(NS_PFOCR, "GeneMention")
PFOCR_CHEMICAL_MENTION = _t(NS_PFOCR, "ChemicalMention")
PFOCR_DISEASE_MENTION = _t(NS_PFOCR, "DiseaseMention")
PFOCR_NER_ORGANISM = _t(NS_PFOCR, "nerOrganism")
PFOCR_FIGURE_NUMBER = _t(NS_PFOCR, "figureNumber")
PFOCR_FIGURE_TYPE = _t(NS_PFOCR, "figureType")
PFOCR_PATHWAY_SCORE = _t(NS_PFOCR, "pathwayScore")
PFOCR_RANKED_INDEX = _t(NS_PFOCR, "pmcRankedResultIndex")
PFOCR_NDEX = _t(NS_PFOCR, "ndexNetwork")
PFOCR_WIKIPATHWAYS = _t(NS_PFOCR, "wikipathwaysModel")
PFOCR_OCR_WORD = _t(NS_PFOCR, "ocrWord")
PFOCR_MATCHED_TEXT = _t(NS_PFOCR, "matchedText")
PFOCR_MATCH_SOURCE = _t(NS_PFOCR, "matchSource")
PFOCR_MESH = _t(NS_PFOCR, "mesh")
PFOCR_DOID = _t(NS_PFOCR, "doid")
PFOCR_ORGANISM = _t(NS_PFOCR, "organism")
PFOCR_ORGANISM_NAME = _t(NS_PFOCR, "organismName")
PFOCR_NCBI_GENE = _t(NS_PFOCR, "ncbiGene")
PFOCR_HGNC_SYMBOL = _t(NS_PFOCR, "hgncSymbol")
PFOCR_CHEBI = _t(NS_PFOCR, "chebi")
PFOCR_DISEASE = _t(NS_PFOCR, "disease")
# Shortcuts from the figure to what its mentions point at (issue 22): "figures of gene X" is one pattern.
PFOCR_GENE = _t(NS_PFOCR, "gene")
PFOCR_GENE_IDS = _t(NS_PFOCR, "geneIds")
PFOCR_GENE_COUNT = _t(NS_PFOCR, "geneCount")
PFOCR_GENE_SYMBOLS = _t(NS_PFOCR, "geneSymbols")
PFOCR_CHEMICAL = _t(NS_PFOCR, "chemical")
# Summaries in the dataset description (issue 22): whole-store counts read a few statements.
PFOCR_ORGANISM_SUMMARY_CLASS = _t(NS_PFOCR, "OrganismSummary")
PFOCR_YEAR_SUMMARY_CLASS = _t(NS_PFOCR, "YearSummary")
PFOCR_ORGANISM_SUMMARY = _t(NS_PFOCR, "organismSummary")
PFOCR_YEAR_SUMMARY = _t(NS_PFOCR, "yearSummary")
PFOCR_FIGURE_COUNT = _t(NS_PFOCR, "figureCount")
PFOCR_PAPER_COUNT = _t(NS_PFOCR, "paperCount")
PFOCR_YEAR = _t(NS_PFOCR, "year")
PFOCR_DISEASE_MESH = _t(NS_PFOCR, "diseaseMesh")
PFOCR_GENE_MATCH_COUNTS = _t(NS_PFOCR, "GeneMatchCounts")
PFOCR_HAS_GENE_MATCH_COUNTS = _t(NS_PFOCR, "geneMatchCounts")
PFOCR_COUNT_DIRECT = _t(NS_PFOCR, "countDirect")
PFOCR_COUNT_SYNONYM = _t(NS_PFOCR, "countSynonym")
PFOCR_COUNT_MATCH = _t(NS_PFOCR, "countMatch")

# The four outward link predicates that VoID describes as linksets.
LINK_PREDICATES: tuple[str, ...] = (PFOCR_NCBI_GENE, PFOCR_CHEBI, PFOCR_MESH, PFOCR_DOID)

_PMCID = re.compile(r"PMC[0-9]+")


def figure_iri(figid: str) -> str:
    return FIGURE_BASE + encode_segment(figid) + ".html"


def paper_iri(pmcid: str) -> str:
    return "https://identifiers.org/pmc/" + encode_segment(pmcid)


def pmc_article_page(pmcid: str) -> str:
    return PMC_ARTICLE_BASE + encode_segment(pmcid) + "/"


def figure_image(pmcid: str, filename: str) -> str:
    return PMC_ARTICLE_BASE + encode_segment(pmcid) + "/bin/" + encode_segment(filename)


def figure_page(figlink: str) -> str:
    """`figlink` is a site path such as /pmc/articles/PMC1/figure/F1/; each segment is encoded."""
    path = "/".join(encode_segment(part) for part in figlink.split("/"))
    if not path.startswith("/"):
        path = "/" + path
    return NCBI_BASE + path


def ncbigene_iri(gene_id: str) -> str:
    return "https://identifiers.org/ncbigene/" + encode_segment(gene_id)


def hgnc_symbol_iri(symbol: str) -> str:
    return "https://identifiers.org/hgnc.symbol/" + encode_segment(symbol)


def taxon_iri(taxid: str) -> str:
    return "http://purl.obolibrary.org/obo/NCBITaxon_" + encode_segment(taxid)


def doi_iri(doi: str) -> str:
    # '/' separates the DOI prefix from its suffix and is kept; everything else unsafe is encoded.
    return "https://doi.org/" + "/".join(encode_segment(part) for part in doi.split("/"))


def ndex_iri(uuid: str) -> str:
    return "https://www.ndexbio.org/viewer/networks/" + encode_segment(uuid)


def wikipathways_iri(wpid: str) -> str:
    return "https://identifiers.org/wikipathways/" + encode_segment(wpid)


def mention_iri(figure: str, kind: str, identifier: str) -> str:
    """`{F}#gene-7124`, `{F}#chemical-D007052`, `{F}#disease-DOID:0060239`."""
    return figure + "#" + kind + "-" + encode_segment(identifier)


def counts_iri(figure: str, taxid: str) -> str:
    """The gene match counts of one organism's lexicon for a figure: `{F}#gene-counts-9606`."""
    return figure + "#gene-counts" + ("-" + encode_segment(taxid) if taxid else "")


def word_mention_iri(figure: str, kind: str, word: str) -> str:
    """A mention that has no identifier, only the OCR word: `{F}#gene-word-{word}`."""
    return figure + "#" + kind + "-word-" + encode_segment(word)


def is_pmcid(value: str) -> bool:
    return _PMCID.fullmatch(value) is not None


@lru_cache(maxsize=1)
def prefix_converter() -> curies.Converter:
    """The curies converter for the identifiers the TSVs use (prefix map shipped in data/). Imported here:
    curies brings pydantic, which costs a query command more time than its query (issue 22)."""
    import curies

    text = resources.files("pfocr_rdf").joinpath("data/prefixes.json").read_text(encoding="utf-8")
    prefix_map = json.loads(text)["prefixes"]
    return curies.Converter.from_prefix_map(prefix_map)
