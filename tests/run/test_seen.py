"""The run's off-heap memory of figids and written triples behaves like the dicts it replaces."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from pfocr_rdf.run.seen import SeenStore, digest32, digest64

names = st.text(min_size=1, max_size=40)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(names, st.integers(min_value=0, max_value=2**40)), max_size=300))
def test_figids_remember_their_latest_source(pairs: list[tuple[str, int]]) -> None:
    expected: dict[str, int] = {}
    with SeenStore() as seen:
        for figid, source in pairs:
            seen.add_figid(figid, source)
            expected[figid] = source
        for figid, source in expected.items():
            assert seen.figid_source(figid) == source
        absent = next(name for name in ("absent", "absent 2") if name not in expected)
        assert seen.figid_source(absent) is None


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(st.sampled_from("abcdef"), st.sets(st.integers(0, 2**32 - 1), max_size=30)), max_size=60))
def test_subjects_keep_their_latest_triple_set(updates: list[tuple[str, set[int]]]) -> None:
    expected: dict[str, set[int]] = {}
    with SeenStore() as seen:
        for subject, triples in updates:
            seen.set_triples_of(subject, triples)
            expected[subject] = triples
        for subject in "abcdef":
            assert seen.triples_of(subject) == expected.get(subject)


def test_digests_are_stable_and_fit_sqlite_integers() -> None:
    assert digest64("PMC3295765__nihms354451f1") == digest64("PMC3295765__nihms354451f1")
    assert digest64("a") != digest64("b")
    assert all(-(2**63) <= digest64(text) < 2**63 for text in ("", "x", "\U0001f600" * 50))
    assert 0 <= digest32("x") < 2**32


def test_stores_are_private_to_each_run() -> None:
    with SeenStore() as first, SeenStore() as second:
        first.add_figid("PMC1__f1", 3)
        assert second.figid_source("PMC1__f1") is None
