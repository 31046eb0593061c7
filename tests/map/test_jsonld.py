"""schema-jsonld: repairs, offline expansion, ignored contexts, and the memoised fast path."""

from __future__ import annotations

import copy
import socket

import pytest

from pfocr_rdf.api import read_record
from pfocr_rdf.map.jsonld import (
    CC0_IRI,
    expand_jsonld_reference,
    is_schema_org_context,
    prepare_jsonld,
)
from pfocr_rdf.map.jsonld_templates import _signature, expand_jsonld
from pfocr_rdf.map.vocab import WIKIPATHWAYS_ORG, figure_iri

from conftest import SAMPLE_FILES, SEED_FILES

F = figure_iri("PMC1__f1")
BLOCK = {
    "@context": "https://schema.org/",
    "@id": F,
    "@type": "Dataset",
    "description": "A caption",
    "license": "CC0",
    "name": "CreativeWork",
    "creator": {"@type": "Organization", "name": "WikiPathways"},
    "keywords": ["IL6", ".na.character", "STAT3"],
}


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Expansion must never fetch: any socket use fails the test."""

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("network access attempted")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


def expand(block: dict, title: str | None = "The title", reference: bool = False) -> dict:
    prepared = prepare_jsonld(block, F, title, "r.md")
    run = expand_jsonld_reference if reference else expand_jsonld
    return run(prepared.document, F, "r.md")


@pytest.mark.parametrize(
    "context",
    [
        "https://schema.org/",
        "https://schema.org",
        "http://schema.org/",
        "http://schema.org",
        "https://schema.org/docs/jsonldcontext.jsonld",
        "http://schema.org/docs/jsonldcontext.json",
        "HTTPS://SCHEMA.ORG/",
        "https://www.schema.org/",
    ],
)
def test_every_spelling_of_schema_org_uses_the_bundled_context(context: str) -> None:
    assert is_schema_org_context(context)
    nodes = expand({**BLOCK, "@context": context})
    assert nodes[f"<{F}>"]["<http://schema.org/name>"] == ['"The title"']


@pytest.mark.parametrize(
    "context",
    [
        "https://example.org/context.jsonld",
        "https://schema.org.evil.example/",
        None,
        {"@vocab": "http://schema.org/"},
        ["https://schema.org/"],
    ],
)
def test_a_records_own_context_is_ignored_never_fetched(context: object) -> None:
    block = dict(BLOCK)
    if context is None:
        del block["@context"]
    else:
        block["@context"] = context
    prepared = prepare_jsonld(block, F, "The title", "r.md")
    assert prepared.document["@context"] == "https://schema.org/"
    assert [(w.kind, w.field) for w in prepared.warnings] == [("jsonld-context-ignored", "schema-jsonld.@context")]
    assert expand(block) == expand(BLOCK)  # read exactly as with schema.org's own context


def test_an_inline_vocab_cannot_mint_predicates() -> None:
    block = {**BLOCK, "@context": {"@vocab": "http://vocabularies.wikipathways.org/wp#"}, "organismName": "Homo sapiens"}
    nodes = expand(block)
    assert all("wikipathways.org/wp#" not in predicate for props in nodes.values() for predicate in props)
    assert nodes[f"<{F}>"]["<http://schema.org/organismName>"] == ['"Homo sapiens"']  # schema.org's @vocab, not the record's


def test_a_context_nested_inside_the_block_is_ignored_too() -> None:
    block = {**BLOCK, "creator": {"@context": "https://example.org/ctx", "name": "X"}}
    prepared = prepare_jsonld(block, F, "The title", "r.md")
    assert [w.kind for w in prepared.warnings] == ["jsonld-context-ignored"]
    assert "@context" not in prepared.document["creator"] and block["creator"]["@context"]  # the record is not modified
    nodes = expand(block)
    (creator,) = nodes[f"<{F}>"]["<http://schema.org/creator>"]
    assert nodes[creator] == {"<http://schema.org/name>": ['"X"']}


def test_repairs_are_applied_and_counted() -> None:
    prepared = prepare_jsonld(BLOCK, F, "The title", "r.md")
    assert prepared.repairs == {"license-cc0": 1, "name-placeholder": 1, "shared-creator": 1, "missing-keyword": 1}
    assert prepared.document["license"] == CC0_IRI
    assert prepared.document["creator"] == {"@id": WIKIPATHWAYS_ORG}
    assert BLOCK["license"] == "CC0"  # the record's own block is not modified


def test_expanded_triples_of_the_repaired_block() -> None:
    nodes = expand(BLOCK)
    assert nodes == {
        f"<{F}>": {
            "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>": ["<http://schema.org/Dataset>"],
            "<http://schema.org/creator>": [f"<{WIKIPATHWAYS_ORG}>"],
            "<http://schema.org/description>": ['"A caption"'],
            "<http://schema.org/keywords>": ['"IL6"', '"STAT3"'],
            "<http://schema.org/license>": [f"<{CC0_IRI}>"],
            "<http://schema.org/name>": ['"The title"'],
        }
    }


def test_a_junk_licence_is_dropped_with_a_warning_never_a_relative_iri() -> None:
    prepared = prepare_jsonld({**BLOCK, "license": "all rights reserved"}, F, "T", "r.md")
    assert "license" not in prepared.document
    assert [w.kind for w in prepared.warnings] == ["junk-license"]


def test_a_differing_id_is_warned_and_the_figure_iri_used() -> None:
    prepared = prepare_jsonld({**BLOCK, "@id": "https://example.org/other"}, F, "T", "r.md")
    assert prepared.document["@id"] == F
    assert [w.kind for w in prepared.warnings] == ["jsonld-id-differs"]


def test_other_blank_nodes_get_labels_unique_to_the_record() -> None:
    block = {**BLOCK, "creator": {"@type": "Organization", "name": "Somebody else"}}
    nodes_1 = expand(block)
    other = figure_iri("PMC2__f2")
    nodes_2 = expand_jsonld(prepare_jsonld({**block, "@id": other}, other, "T", "r.md").document, other, "r.md")
    blanks_1 = {s for s in nodes_1 if s.startswith("_:")}
    blanks_2 = {s for s in nodes_2 if s.startswith("_:")}
    assert len(blanks_1) == 1 and len(blanks_2) == 1
    assert blanks_1 != blanks_2
    assert blanks_1 == {s for s in expand(block) if s.startswith("_:")}  # and the same on every run


def test_duplicate_keywords_collapse_as_pyld_collapses_them() -> None:
    block = {**BLOCK, "keywords": ["A", "B", "A"]}
    assert expand(block) == expand(block, reference=True)


def test_a_string_spelling_a_list_is_not_mistaken_for_the_list() -> None:
    as_list = {**BLOCK, "@type": ["Dataset"]}
    as_text = {**BLOCK, "@type": '["Dataset"]'}
    assert expand(as_list) == expand(as_list, reference=True)  # memoised first
    assert expand(as_text) == expand(as_text, reference=True)
    assert expand(as_text) != expand(as_list)


def test_unusual_structures_fall_back_to_pyld_with_the_same_result() -> None:
    block = {**BLOCK, "url": "https://example.org/x y", "about": [{"name": "n1"}, {"name": "n2"}], "dateCreated": "2020"}
    assert expand(block) == expand(block, reference=True)


@pytest.mark.parametrize("path", SAMPLE_FILES + SEED_FILES, ids=lambda p: p.name)
def test_fast_path_equals_pyld_on_every_real_record(path) -> None:
    record = read_record(path)
    assert record.jsonld is not None
    figure = figure_iri(record.figid or "")
    prepared = prepare_jsonld(record.jsonld, figure, record.figtitle, str(path))
    fast = expand_jsonld(copy.deepcopy(prepared.document), figure, str(path))
    reference = expand_jsonld_reference(prepared.document, figure, str(path))
    assert fast == reference


def test_long_lists_of_strings_expand_as_pyld_expands_them() -> None:
    keywords = [f"k{i % 250}" for i in range(300)] + ['quote " and \\ backslash', "line\u2028break", "NA-like", ""]
    block = {
        **BLOCK,
        "keywords": keywords,  # duplicates, escapes, an empty string
        "dateCreated": ["2020", "2021", "2020"],  # typed values
        "creator": {"@type": "Person", "name": ["A. Author", "B. Author"]},  # inside a blank node
        "about": ["x", {"name": "y"}],  # a mixed list: not templated by its first two items
        "alternateName": ["only one"],
    }
    assert expand(block) == expand(block, reference=True)


def test_a_list_of_strings_has_one_template_whatever_its_length() -> None:
    # The memo key of a block does not grow with its lists: 100,000 keywords are expanded from the template
    # made for two, rather than by pyld (whose duplicate check is quadratic).
    short, long = [], []
    assert _signature({**BLOCK, "keywords": ["a", "b"]}, short, True) == _signature(
        {**BLOCK, "keywords": [f"k{i}" for i in range(100_000)]}, long, True
    )
    nodes = expand({**BLOCK, "keywords": [f"k{i}" for i in range(100_000)]})
    assert len(nodes[f"<{F}>"]["<http://schema.org/keywords>"]) == 100_000
