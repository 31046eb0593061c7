"""The normalised record: every schema era of the sample and every missing-value spelling."""

from __future__ import annotations

import pytest

from pfocr_rdf.api import read_record
from pfocr_rdf.errors import RecordError
from pfocr_rdf.read.record import MISSING_TEXT, is_missing, normalise_record

from conftest import FIGURES, SAMPLE_FILES, SEED_FILES

# One real record of each era listed in tests/data/sample/README.md.
ERA = {
    "A1": "PMC100008__mb2411709009",  # oldest: inline lists, pathway_score, pmc_ranked_result_index, figid_alias
    "A2": "PMC1069646__pbio.0030121.g003",  # like A1 without figid_alias/redirect_from/figtype
    "C": "PMC10003241__ijms-24-04893-g003",  # current
    "D": "PMC1193534__pgen.0010027.g001",  # C with organisms_ner after figtype
    "E": "PMC6365454__fnins-13-00025-g0002",  # C plus a trailing wpid
}


def record(figid: str):
    return read_record(FIGURES / f"{figid}.md")


def test_oldest_era_reads_its_inline_lists_and_old_score() -> None:
    r = record(ERA["A1"])
    assert r.figid == "PMC100008__mb2411709009"
    assert r.pathway_score == "0.96405" and r.pathway_score_field == "pathway_score"
    assert r.pmc_ranked_result_index == "90377"  # quoted number in the file
    assert r.organisms == ("Homo sapiens",)  # plain string
    assert r.inline_genes is not None and len(r.inline_genes) == 52
    assert r.inline_chemicals is not None and len(r.inline_chemicals) == 2
    assert r.figid_alias == "PMC100008__F9" and r.figtype == "Figure"
    assert r.unmapped == ()


def test_second_era_has_no_alias_or_type() -> None:
    r = record(ERA["A2"])
    assert r.figid_alias is None and r.figtype is None
    assert r.number == "Figure 3"
    assert r.organisms == ("Homo sapiens",)


def test_current_era() -> None:
    r = record(ERA["C"])
    assert r.pathway_score_field == "automl_pathway"
    assert r.pmc_ranked_result_index is None
    assert r.organisms == ()  # [NA]
    assert r.doi == "10.3390/ijms24054893"
    assert r.year == "2023"
    assert r.keywords and all("|" not in k for k in r.keywords)
    assert r.inline_genes is None


def test_era_d_keys_in_another_order_read_the_same() -> None:
    r = record(ERA["D"])
    assert r.organisms_ner == ("Homo sapiens",)
    assert r.doi is None and r.journal_title is None and r.keywords == ()  # .na.character


def test_era_e_reads_wpid() -> None:
    assert record(ERA["E"]).wpid == "WP5283"


def test_comma_joined_organisms_are_split() -> None:
    r = record("PMC1487177__pgen.0020099.g007")
    assert r.organisms == ("Homo sapiens", "Caenorhabditis elegans")


def test_na_inside_an_organism_list_drops_that_element_only() -> None:
    r = record("PMC1298938__ppat.0010039.g007")
    assert len(r.organisms) == 14 and "NA" not in r.organisms


def test_keywords_pipe_separated_with_continuation_lines_and_block_scalars() -> None:
    assert record("PMC10034375__fphar-14-1136779-g005").keywords[-1] == "phytochemical compounds"
    block = record("PMC10029719__cs3c00075_0011").keywords
    assert "reaction mechanism" in block  # the line break inside the block scalar is whitespace
    assert record("PMC10025411__fncel-17-1105247-g0001").keywords[3] == "UPR – unfolded protein response"


def test_empty_string_values_are_missing() -> None:
    r = record("PMC10035447__nihms-1878426-f0004")
    assert r.publisher_name is None
    assert record("PMC10033909__d3sc00173c-s1").keywords == ()


def test_na_inside_longer_text_is_text() -> None:
    assert "(NA)" in (record("PMC10386902__JOPH2023-7626920.001").reftext or "")


def test_yaml_quoting_traps_stay_text() -> None:
    r = record("PMC10033964__fpls-14-1114840-g002")
    assert r.jsonld is not None and "NO" in r.jsonld["keywords"]
    assert "On" in (record("PMC10029719__cs3c00075_0011").jsonld or {})["keywords"]


def test_surrounding_whitespace_of_a_title_is_trimmed() -> None:
    title = record("PMC1403158__pbio.0040095.g001").figtitle
    assert title is not None and title == title.strip()


@pytest.mark.parametrize("spelling", [*sorted(MISSING_TEXT), None, [], "  NA  "])
def test_every_missing_value_spelling_means_no_value(spelling: object) -> None:
    assert is_missing(spelling)
    r = normalise_record({"figid": "F", "doi": spelling, "organisms": spelling, "keywords": spelling}, "r.md")
    assert r.doi is None and r.organisms == () and r.keywords == ()


@pytest.mark.parametrize("spelling", [*sorted(MISSING_TEXT), None])
def test_a_missing_value_inside_a_list_drops_that_element(spelling: object) -> None:
    r = normalise_record({"organisms": ["Homo sapiens", spelling, "Mus musculus"]}, "r.md")
    assert r.organisms == ("Homo sapiens", "Mus musculus")


def test_numbers_given_through_the_api_are_text() -> None:
    r = normalise_record({"figid": "F", "year": 2019, "automl_pathway": 0.93}, "r.md")
    assert r.year == "2019" and r.pathway_score == "0.93"


def test_newer_score_wins_and_a_disagreement_is_reported() -> None:
    r = normalise_record({"automl_pathway": "0.9", "pathway_score": "0.8"}, "r.md")
    assert r.pathway_score == "0.9"
    assert [w.kind for w in r.warnings if w.kind == "conflicting-score"] == ["conflicting-score"]


@pytest.mark.parametrize(
    ("field", "value"), [("figtitle", ["a", "b"]), ("figid", {"a": 1}), ("caption", True), ("organisms", {"x": 1})]
)
def test_wrong_types_are_errors_naming_the_field(field: str, value: object) -> None:
    with pytest.raises(RecordError) as excinfo:
        normalise_record({"figid": "F", field: value}, "r.md")
    assert excinfo.value.finding.field == field
    assert excinfo.value.finding.kind == "wrong-type"


def test_extra_keys_are_reported_as_unmapped_not_dropped_silently() -> None:
    r = normalise_record({"figid": "F", "layout": "figure", "seo": "x", "redirect_from": "/a"}, "r.md")
    assert r.unmapped == ("layout",)  # seo and redirect_from are known site plumbing


def test_missing_figid_and_pmcid_are_warned() -> None:
    kinds = {w.kind for w in normalise_record({"figtitle": "T"}, "r.md").warnings}
    assert {"missing-figid", "missing-pmcid"} <= kinds


@pytest.mark.parametrize("path", SAMPLE_FILES + SEED_FILES, ids=lambda p: p.name)
def test_every_real_record_normalises(path) -> None:
    r = read_record(path)
    assert r.figid and r.pmcid and r.figid.startswith(r.pmcid)
    assert r.unmapped == ()
    for value in (r.figtitle, r.caption, r.doi, r.year, r.publisher_name, *r.organisms, *r.keywords):
        assert value is None or (value.strip() == value and value not in MISSING_TEXT)
