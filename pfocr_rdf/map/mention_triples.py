"""A figure's mentions as triples: genes (with their NCBI Gene and HGNC links and evidence), chemicals,
diseases, their counts, and the figure's shortcut links to what it mentions. The converter's hot path: terms
that recur across records are built once."""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

from ..rdf.graph import RecordGraph, extend_unique
from ..rdf.terms import PLAIN_TERMS, encode_segment, plain, recurring_plains, typed
from ..read.mentions import CHEMICAL, DISEASE, HUMAN_TAXID, Mention, MentionSet
from . import vocab as v


def _iri(value: str) -> str:
    return "<" + value + ">"


# Terms that recur across records (symbols, words, sources, organisms) are built once: mentions are
# most of the triples, so this is the converter's hot path.
_texts = recurring_plains


@lru_cache(maxsize=32768)
def _gene_term(gene_id: str) -> str:
    return "<" + v.ncbigene_iri(gene_id) + ">"


@lru_cache(maxsize=8192)
def _taxon_term(taxid: str) -> str:
    return "<" + v.taxon_iri(taxid) + ">"


@lru_cache(maxsize=16384)
def _hgnc_term(symbol: str) -> str:
    return "<" + v.hgnc_symbol_iri(symbol) + ">"


@lru_cache(maxsize=32768)
def _segment_end(identifier: str) -> str:
    """What follows `<{F}#{kind}-` in a mention's IRI term: the encoded identifier and the closing `>`."""
    return encode_segment(identifier) + ">"


_OCR_WORD, _MATCHED_TEXT, _MATCH_SOURCE = v.PFOCR_OCR_WORD, v.PFOCR_MATCHED_TEXT, v.PFOCR_MATCH_SOURCE
_TYPE, _PART_OF, _LABEL = v.RDF_TYPE, v.DCT_IS_PART_OF, v.RDFS_LABEL


def _evidence(props: dict[str, list[str]], mention: Mention) -> None:
    if mention.words:
        props[_OCR_WORD] = _texts(mention.words)
    if mention.matched:
        props[_MATCHED_TEXT] = _texts(mention.matched)
    if mention.sources:
        props[_MATCH_SOURCE] = _texts(mention.sources)


def _mention_subject(figure_iri: str, mention: Mention) -> str:
    identifier = mention.identifier
    if identifier:
        return _iri(v.mention_iri(figure_iri, mention.kind, identifier))
    return _iri(v.word_mention_iri(figure_iri, mention.kind, next(iter(mention.words), "")))


@lru_cache(maxsize=16384)
def _curie_iri(prefix: str, local: str) -> str:
    """The IRI term of a CURIE, expanded by the curies converter (memoised: identifiers repeat a lot)."""
    return "<" + v.prefix_converter().expand_strict(prefix + ":" + encode_segment(local)) + ">"


def _curie_iris(prefix: str, first: str | None, extra: Iterable[str]) -> list[str]:
    if not extra:  # the usual case: one identifier or none
        return [_curie_iri(prefix, first)] if first else []
    ids = ([first] if first else []) + list(extra)
    return [_curie_iri(prefix, local) for local in ids]


# Mentions are typed and linked with pfocr: terms only, and carry no dcterms:identifier: WikiPathways'
# queries select its data nodes by wp: terms and by label + identifier + isPartOf (VOCABULARY.md).
_GENE_MENTION = v.PFOCR_GENE_MENTION
_NCBI_GENE, _ORGANISM, _ORGANISM_NAME, _HGNC = v.PFOCR_NCBI_GENE, v.PFOCR_ORGANISM, v.PFOCR_ORGANISM_NAME, v.PFOCR_HGNC_SYMBOL


def _gene_nodes(graph: RecordGraph, figure: str, figure_iri: str, genes: list[Mention]) -> None:
    """The gene mention nodes, most of a record's triples: one loop, its helpers inlined. The predicates
    of each node come in the order VOCABULARY.md lists them (the output's bytes depend on it)."""
    nodes, text = graph.nodes, PLAIN_TERMS.__getitem__
    by_id, by_word = "<" + figure_iri + "#gene-", "<" + figure_iri + "#gene-word-"
    for mention in genes:
        gene_id, taxid, labels, words = mention.gene_id, mention.taxid, mention.labels, mention.words
        if gene_id:
            subject = by_id + _segment_end(gene_id)
            props = {_TYPE: [_GENE_MENTION], _PART_OF: [figure], _NCBI_GENE: [_gene_term(gene_id)]}
        else:
            subject = by_word + _segment_end(next(iter(words), ""))
            props = {_TYPE: [_GENE_MENTION], _PART_OF: [figure]}
        if labels:
            props[_LABEL] = [*map(text, labels)]
        if taxid:
            props[_ORGANISM] = [_taxon_term(taxid)]
        if mention.organism_name:
            props[_ORGANISM_NAME] = [text(mention.organism_name)]
        if labels and taxid == HUMAN_TAXID:
            props[_HGNC] = [*map(_hgnc_term, labels)]
        if words:
            props[_OCR_WORD] = [*map(text, words)]
        if mention.matched:
            props[_MATCHED_TEXT] = [*map(text, mention.matched)]
        if mention.sources:
            props[_MATCH_SOURCE] = [*map(text, mention.sources)]
        if subject in nodes:
            _place(graph, subject, props)
        else:
            nodes[subject] = props


def _place(graph: RecordGraph, subject: str, props: dict[str, list[str]]) -> None:
    existing = graph.nodes.get(subject)
    if existing is None:
        graph.nodes[subject] = props
    else:  # two word mentions whose words encode alike: merge rather than lose one
        for predicate, objects in props.items():
            for obj in objects:
                graph.add(subject, predicate, obj)


def _chemical(figure: str, mention: Mention) -> dict[str, list[str]]:
    props: dict[str, list[str]] = {v.RDF_TYPE: [v.PFOCR_CHEMICAL_MENTION], v.DCT_IS_PART_OF: [figure]}
    if mention.mesh:
        props[v.PFOCR_MESH] = _curie_iris("mesh", mention.mesh, mention.extra_mesh)
    if mention.chebi:
        props[v.PFOCR_CHEBI] = _curie_iris("chebi", mention.chebi, mention.extra_chebi)
    if mention.labels:
        props[v.RDFS_LABEL] = _texts(mention.labels)
    _evidence(props, mention)
    return props


def _disease(figure: str, mention: Mention) -> dict[str, list[str]]:
    props: dict[str, list[str]] = {v.RDF_TYPE: [v.PFOCR_DISEASE_MENTION], v.DCT_IS_PART_OF: [figure]}
    if mention.mesh:
        props[v.PFOCR_MESH] = _curie_iris("mesh", mention.mesh, mention.extra_mesh)
    if mention.doid:
        props[v.PFOCR_DOID] = _curie_iris("doid", mention.doid, mention.extra_doid)
    if mention.labels:
        props[v.RDFS_LABEL] = _texts(mention.labels)
    _evidence(props, mention)
    return props


_COUNT_PREDICATES = {
    "count_direct": v.PFOCR_COUNT_DIRECT,
    "count_synonym": v.PFOCR_COUNT_SYNONYM,
    "count_match": v.PFOCR_COUNT_MATCH,
}


def _mentions(graph: RecordGraph, figure: str, figure_iri: str, mentions: MentionSet) -> None:
    for taxid, counts in mentions.counts.items():
        if not counts:
            continue
        node = _iri(v.counts_iri(figure_iri, taxid))
        graph.add(figure, v.PFOCR_HAS_GENE_MATCH_COUNTS, node)
        props: dict[str, list[str]] = {v.RDF_TYPE: [v.PFOCR_GENE_MATCH_COUNTS]}
        if taxid:
            props[v.PFOCR_ORGANISM] = [_iri(v.taxon_iri(taxid))]
        for column, predicate in _COUNT_PREDICATES.items():
            if column in counts:
                props[predicate] = [typed(counts[column], v.XSD_INTEGER)]
        graph.nodes[node] = props
    for mention in mentions.diseases:
        if mention.doid:
            for doid in _curie_iris("doid", mention.doid, mention.extra_doid):
                graph.add(figure, v.PFOCR_DISEASE, doid)
    _gene_nodes(graph, figure, figure_iri, mentions.genes)
    for kind, build in ((CHEMICAL, _chemical), (DISEASE, _disease)):
        for mention in mentions.of_kind(kind):
            _place(graph, _mention_subject(figure_iri, mention), build(figure, mention))


_GENE_PREFIX = v.ncbigene_iri("")


def gene_set_symbols(labels: Iterable[str]) -> str:
    """A figure's gene symbols as one text, as the gene-sets query lists them: each distinct label's
    space-separated parts, sorted (a label with a space gives two items, as its GMT line would)."""
    return " ".join(sorted(part for label in set(labels) for part in label.split(" ") if part))


def _shortcuts(graph: RecordGraph, figure: str, mentions: MentionSet) -> None:
    """The figure linked directly to the genes, chemicals and MeSH diseases its mentions point at
    (pfocr:gene, pfocr:chemical, pfocr:diseaseMesh; DOIDs are pfocr:disease), how many genes it shows
    (pfocr:geneCount) and its gene set as PFOCR's GMT files write it (pfocr:geneIds, pfocr:geneSymbols):
    additive, so that the questions asked most are one pattern instead of a join over the mentions."""
    genes: list[str] = []
    gene_ids: set[str] = set()
    symbols: set[str] = set()
    for mention in mentions.genes:
        if mention.gene_id:
            gene = _gene_term(mention.gene_id)
            genes.append(gene)
            gene_ids.add(gene[len(_GENE_PREFIX) + 1 : -1])
            symbols.update(mention.labels)
    if genes:  # as graph.add for each, in one pass
        extend_unique(graph.nodes.setdefault(figure, {}).setdefault(v.PFOCR_GENE, []), genes)
    if gene_ids:
        graph.add(figure, v.PFOCR_GENE_COUNT, typed(str(len(gene_ids)), v.XSD_INTEGER))
        graph.add(figure, v.PFOCR_GENE_IDS, plain(" ".join(sorted(gene_ids))))
        graph.add(figure, v.PFOCR_GENE_SYMBOLS, plain(gene_set_symbols(symbols)))
    chemicals: list[str] = []
    for mention in mentions.chemicals:
        chemicals += _curie_iris("chebi", mention.chebi, mention.extra_chebi)
        chemicals += _curie_iris("mesh", mention.mesh, mention.extra_mesh)
    diseases: list[str] = []
    for mention in mentions.diseases:
        diseases += _curie_iris("mesh", mention.mesh, mention.extra_mesh)
    for predicate, objects in ((v.PFOCR_CHEMICAL, chemicals), (v.PFOCR_DISEASE_MESH, diseases)):
        if objects:  # as graph.add for each object, in one pass
            extend_unique(graph.nodes.setdefault(figure, {}).setdefault(predicate, []), objects)
