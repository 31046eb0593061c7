"""Loading again: a record whose inputs did not change is not converted; a changed record, table, tool
version or option is. Every load's store is compared with a fresh load of the same inputs."""

from __future__ import annotations

import re
import shutil
from dataclasses import replace
from pathlib import Path

import pyoxigraph as ox
import pytest

from pfocr_rdf.map.vocab import DATASET
from pfocr_rdf.rdf.formats import NQUADS
from pfocr_rdf.read.organisms import OrganismTable
from pfocr_rdf.read.sources import RecordSource, find_sources
from pfocr_rdf.run import conversion as run
from pfocr_rdf.run import worker
from pfocr_rdf.run.conversion import RunOptions
from pfocr_rdf.run.pipeline import ConvertOptions, convert_source, options_for
from pfocr_rdf.run.seen import SeenStore
from pfocr_rdf.store import input_keys, store_target
from pfocr_rdf.store.load import LoadOutcome, load
from pfocr_rdf.store.loadstate import LoadState
from pfocr_rdf.store.store import EmbeddedStore
from pfocr_rdf.store.store_target import StoreTarget

from conftest import ROOT, SAMPLE

# three figures: one with a genes table, one with genes and chemicals tables, one with all three kinds
FIGIDS = ("PMC100003__mb2410470011", "PMC100008__mb2411709009", "PMC10003241__ijms-24-04893-g003")


@pytest.fixture
def site(tmp_path: Path) -> Path:
    root = tmp_path / "site"
    (root / "_figures").mkdir(parents=True)
    (root / "_data").mkdir()
    for figid in FIGIDS:
        shutil.copy(SAMPLE / "_figures" / f"{figid}.md", root / "_figures")
        for table in (SAMPLE / "_data").glob(f"{figid}-*.tsv"):
            shutil.copy(table, root / "_data")
    return root


class Loader:
    """Loads in this process (one worker), noting which records were really converted."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.converted: list[str] = []

        def converting(source: RecordSource, options: ConvertOptions | None = None):  # type: ignore[no-untyped-def]
            self.converted.append(Path(source.path).stem)
            return convert_source(source, options)

        monkeypatch.setattr(worker, "convert_source", converting)  # where a worker converts a record

    def __call__(self, site: Path, store_dir: Path, workers: int = 1, **changes: object) -> LoadOutcome:
        self.converted = []
        found = find_sources([str(site)])
        options, _ = options_for(found)
        options = replace(options, **changes) if changes else options
        store = EmbeddedStore(str(store_dir))
        target = StoreTarget(store, None)
        try:
            outcome = load([], found.records, target, options, RunOptions("-", NQUADS, workers=workers))
        finally:
            target.release()
            store.close()
        assert not outcome.summary.failures, outcome.summary.failures
        return outcome


def quads(store_dir: Path) -> list[str]:
    store = ox.Store.read_only(str(store_dir))
    try:
        return sorted(str(quad) for quad in store)
    finally:
        del store


def fresh_load(loader: Loader, site: Path, tmp_path: Path, **changes: object) -> Path:
    """A new store loaded from `site` (the loader's record of what the last load converted is kept)."""
    fresh = tmp_path / f"fresh-{len(list(tmp_path.iterdir()))}"
    converted = loader.converted
    loader(site, fresh, **changes)
    loader.converted = converted
    return fresh


def same_as_fresh(loader: Loader, site: Path, store_dir: Path, tmp_path: Path, **changes: object) -> None:
    """The same quads as a fresh load, and the same tally of the description's counts in the load state
    (a term or a paper a record no longer names is out of it, even where the description does not show it)."""
    fresh = fresh_load(loader, site, tmp_path, **changes)
    assert quads(store_dir) == quads(fresh)
    assert tally(store_dir) == tally(fresh)


def tally(store_dir: Path) -> dict[str, int]:
    state = LoadState(str(store_dir))
    try:
        return {key: count for key, count in state.tally().items() if count}
    finally:
        state.close()


def revise_title(site: Path, figid: str) -> str:
    """Change a record's title in place; returns the record's text before."""
    record = site / "_figures" / f"{figid}.md"
    original = record.read_text(encoding="utf-8")
    head, found, rest = original.partition("\nfigtitle: ")
    assert found
    record.write_text(head + found + "Revised " + rest, encoding="utf-8")
    return original


@pytest.fixture
def loader(monkeypatch: pytest.MonkeyPatch) -> Loader:
    return Loader(monkeypatch)


def test_unchanged_records_are_not_converted_again(site: Path, tmp_path: Path, loader: Loader) -> None:
    store = tmp_path / "store"
    first = loader(site, store)
    assert sorted(loader.converted) == sorted(FIGIDS) and first.report.bulk
    before = quads(store)
    again = loader(site, store)
    assert loader.converted == []
    assert again.report.reused == 3 and again.summary.records == 3
    assert again.summary.triples == first.summary.triples  # the dataset description counts every record
    assert again.summary.warnings.counts == first.summary.warnings.counts  # the summary says the same
    assert quads(store) == before


def test_the_same_release_in_another_folder_is_not_converted_again(site: Path, tmp_path: Path, loader: Loader) -> None:
    store = tmp_path / "store"
    loader(site, store)
    moved = tmp_path / "elsewhere" / "site"
    shutil.copytree(site, moved)
    again = loader(moved, store)
    assert loader.converted == [] and again.report.reused == 3


def test_a_changed_record_is_converted_and_replaced(site: Path, tmp_path: Path, loader: Loader) -> None:
    store = tmp_path / "store"
    loader(site, store)
    revise_title(site, FIGIDS[1])
    again = loader(site, store)
    assert loader.converted == [FIGIDS[1]] and again.report.reused == 2
    assert any("Revised" in quad for quad in quads(store))
    same_as_fresh(loader, site, store, tmp_path)


def test_a_changed_added_or_removed_table_is_converted(site: Path, tmp_path: Path, loader: Loader) -> None:
    store = tmp_path / "store"
    loader(site, store)
    table = site / "_data" / f"{FIGIDS[0]}-genes.tsv"
    lines = table.read_text(encoding="utf-8").splitlines(keepends=True)
    table.write_text("".join(lines[:-1]), encoding="utf-8")  # one gene fewer
    loader(site, store)
    assert loader.converted == [FIGIDS[0]]
    same_as_fresh(loader, site, store, tmp_path)
    (site / "_data" / f"{FIGIDS[1]}-chemicals.tsv").unlink()
    loader(site, store)
    assert loader.converted == [FIGIDS[1]]
    same_as_fresh(loader, site, store, tmp_path)
    shutil.copy(SAMPLE / "_data" / f"{FIGIDS[1]}-chemicals.tsv", site / "_data")
    loader(site, store)
    assert loader.converted == [FIGIDS[1]]
    same_as_fresh(loader, site, store, tmp_path)


def test_another_tool_version_converts_everything(
    site: Path, tmp_path: Path, loader: Loader, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = tmp_path / "store"
    loader(site, store)
    monkeypatch.setattr(input_keys, "__version__", "999.0")
    again = loader(site, store)
    assert sorted(loader.converted) == sorted(FIGIDS) and again.report.reused == 0
    assert again.report.unchanged == 4  # the same output: nothing written, the new inputs recorded
    loader(site, store)
    assert loader.converted == []


def test_an_option_that_changes_output_converts_everything(site: Path, tmp_path: Path, loader: Loader) -> None:
    store = tmp_path / "store"
    loader(site, store)
    no_organisms = OrganismTable({}, "none")  # no organism name resolves to a taxon any more
    changed = loader(site, store, organisms=no_organisms)
    assert sorted(loader.converted) == sorted(FIGIDS) and changed.report.graphs > 1  # a figure and the description
    same_as_fresh(loader, site, store, tmp_path, organisms=no_organisms)
    loader(site, store, organisms=no_organisms)
    assert loader.converted == []
    loader(site, store, validation=None)
    assert sorted(loader.converted) == sorted(FIGIDS)


def test_a_graph_left_in_flight_is_converted_again(site: Path, tmp_path: Path, loader: Loader) -> None:
    store = tmp_path / "store"
    loader(site, store)
    state = LoadState(str(store))
    figure = state._db.execute("SELECT graph FROM input ORDER BY graph LIMIT 1").fetchone()[0]
    state.begin([figure])  # as a killed load leaves it
    state.close()
    again = loader(site, store)
    assert again.report.repaired == [figure]
    assert len(loader.converted) == 1 and again.report.reused == 2
    same_as_fresh(loader, site, store, tmp_path)


def test_a_few_changed_records_are_converted_in_this_process(site: Path, tmp_path: Path, loader: Loader) -> None:
    """Too few records to convert for a pool of two: converted here (the loader sees the conversions, which
    forked workers' would not show it), and the store and its description equal a fresh load's."""
    store = tmp_path / "store"
    loader(site, store, workers=2)
    for figid in FIGIDS[:2]:
        revise_title(site, figid)
    again = loader(site, store, workers=2)
    assert loader.converted == list(FIGIDS[:2]) and again.report.reused == 1
    same_as_fresh(loader, site, store, tmp_path)


def test_a_shared_subject_given_the_same_properties_again_has_nothing_new() -> None:
    with SeenStore() as seen:
        shared = run.SharedNodes(seen)
        paper = {"<p>": ['"a"', '"b"']}
        assert shared.new_part("<x>", paper) == (paper, False)
        assert shared.new_part("<x>", {"<p>": ['"a"', '"b"']}) == ({}, True)
        assert shared.new_part("<x>", {"<p>": ['"b"', '"c"']}) == ({"<p>": ['"c"']}, True)
        shared.RECENT = 1
        assert shared.new_part("<y>", {"<q>": ['"d"']}) == ({"<q>": ['"d"']}, False)  # <x> leaves memory
        assert "<x>" not in shared.recent and "<x>" not in shared.last
        assert shared.new_part("<x>", {"<p>": ['"a"', '"c"']}) == ({}, True)  # its digests, from the seen store


def test_the_description_after_a_partial_reload_is_the_one_a_fresh_load_writes(
    site: Path, tmp_path: Path, loader: Loader
) -> None:
    """Counts (void:triples, entities, linksets), vocabulary and example of the description graph, after
    reloads where records changed, disappeared and came back, equal those of a fresh load of what the store
    holds: a record left out of a load stays in the store, and in its description."""
    store = tmp_path / "store"
    loader(site, store)
    original = revise_title(site, FIGIDS[0])
    changed = loader(site, store)
    assert loader.converted == [FIGIDS[0]]
    assert description(store) == description(fresh_load(loader, site, tmp_path))
    assert changed.summary.triples == int(void_triples(store))
    removed = site / "_figures" / f"{FIGIDS[1]}.md"
    kept = removed.read_text(encoding="utf-8")
    everything = description(store)
    removed.unlink()
    partial = loader(site, store)
    assert loader.converted == [] and partial.summary.described_earlier == 1
    assert description(store) == everything  # the store still holds the left-out figure
    removed.write_text(kept, encoding="utf-8")
    (site / "_figures" / f"{FIGIDS[0]}.md").write_text(original, encoding="utf-8")
    back = loader(site, store)
    assert sorted(loader.converted) == [FIGIDS[0]] and back.report.reused == 2
    assert description(store) == description(fresh_load(loader, site, tmp_path))


def test_a_load_of_some_records_into_a_store_describes_every_record_the_store_holds(
    site: Path, tmp_path: Path, loader: Loader
) -> None:
    store = tmp_path / "store"
    loader(site, store)
    everything = description(store)
    assert int(void_triples(store)) == len(quads(store))
    one = tmp_path / "one" / "_figures"
    one.mkdir(parents=True)
    shutil.copy(site / "_figures" / f"{FIGIDS[2]}.md", one)  # its tables stay in the site's _data
    found = find_sources([str(one / f"{FIGIDS[2]}.md")], [str(site / "_data")])
    options, _ = options_for(found)
    target = StoreTarget(EmbeddedStore(str(store)), None)
    try:
        outcome = load([], found.records, target, options, RunOptions("-", NQUADS, workers=1))
    finally:
        target.release()
        target.store.close()
    assert outcome.summary.records == 1 and outcome.summary.described_earlier == 2
    assert int(void_triples(store)) == len(quads(store))  # it was the one record's count
    assert _same_but_example(description(store), everything)


def _same_but_example(got: list[str], expected: list[str]) -> bool:
    """The example resource is the load's first record: the rest of the description is the same."""
    example = "<http://rdfs.org/ns/void#exampleResource>"
    return [q for q in got if example not in q] == [q for q in expected if example not in q]


def description(store_dir: Path) -> list[str]:
    """The quads of the dataset-description graph."""
    return [quad for quad in quads(store_dir) if quad.endswith(f" <{DATASET}>")]


def void_triples(store_dir: Path) -> str:
    found = [q for q in description(store_dir) if q.startswith(f"<{DATASET}> <http://rdfs.org/ns/void#triples> ")]
    assert len(found) == 1, found
    return found[0].split('"')[1]


def test_a_state_written_with_another_replay_layout_converts_everything(
    site: Path, tmp_path: Path, loader: Loader, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A replay is read only by the code that wrote it: its layout is part of every record's key."""
    store = tmp_path / "store"
    loader(site, store)
    monkeypatch.setattr(input_keys, "REPLAY_FORMAT", input_keys.REPLAY_FORMAT + 1)
    again = loader(site, store)
    assert sorted(loader.converted) == sorted(FIGIDS) and again.report.reused == 0
    assert again.report.unchanged == 4  # the same output: nothing written, the new inputs recorded
    assert description(store) == description(fresh_load(loader, site, tmp_path))
    loader(site, store)
    assert loader.converted == []


@pytest.mark.parametrize("bulk_from", [0, 10**9])
def test_changed_graphs_written_by_the_bulk_loader_or_a_transaction_are_the_same(
    site: Path, tmp_path: Path, loader: Loader, monkeypatch: pytest.MonkeyPatch, bulk_from: int
) -> None:
    """A batch of changed graphs goes through the bulk loader from BULK_FROM_QUADS quads on, else a
    transaction: the store, its description and the load state's records end the same either way."""
    monkeypatch.setattr(store_target, "BULK_FROM_QUADS", bulk_from)
    store = tmp_path / "store"
    loader(site, store)
    for figid in FIGIDS[:2]:
        revise_title(site, figid)
    again = loader(site, store)
    assert sorted(loader.converted) == sorted(FIGIDS[:2]) and again.report.checked == again.report.graphs >= 2
    same_as_fresh(loader, site, store, tmp_path)
    assert LoadState(str(store)).in_flight() == []
    loader(site, store)
    assert loader.converted == []


def _summary_answers(store_dir: Path) -> dict[str, tuple[list[dict[str, str | None]], list[dict[str, str | None]]]]:
    """The summary queries' answers, bundled (read from the description) and plain (counted over the figures)."""
    from pfocr_rdf.query.queries import named_queries, parse_named_query
    from pfocr_rdf.query.results import Results

    plain_folder = Path(__file__).parent.parent / "data" / "plain-queries"
    store = EmbeddedStore(str(store_dir), read_only=True)
    found = {}
    for name in ("figures-per-species", "papers-per-year"):
        plain = parse_named_query(name, (plain_folder / f"{name}.rq").read_text(encoding="utf-8"))
        answers = [store.answer(named_queries()[name].text), store.answer(plain.text)]
        assert all(isinstance(answer, Results) for answer in answers)
        found[name] = (answers[0].rows, answers[1].rows)  # type: ignore[union-attr]
    store.close()
    return found


def test_the_summaries_stay_exact_when_figures_are_replaced(site: Path, tmp_path: Path, loader: Loader) -> None:
    """The description's figures-per-organism and per-year summaries count every record of the load, the
    reused ones from their replays: after a record changes organism and year, they still equal the plain
    counts over the store's figures, and a fresh load's."""
    store = tmp_path / "store"
    loader(site, store)
    before = _summary_answers(store)
    assert all(bundled == plain and bundled for bundled, plain in before.values())
    record = site / "_figures" / f"{FIGIDS[1]}.md"
    text = record.read_text(encoding="utf-8")
    assert "\nyear: '2001'\n" in text and "\norganisms: Homo sapiens\n" in text
    record.write_text(text.replace("\nyear: '2001'\n", "\nyear: '1999'\n").replace(
        "\norganisms: Homo sapiens\n", "\norganisms: Mus musculus\n"), encoding="utf-8")  # fmt: skip
    again = loader(site, store)
    assert loader.converted == [FIGIDS[1]] and again.report.reused == 2
    after = _summary_answers(store)
    assert all(bundled == plain for bundled, plain in after.values())
    assert after != before
    years = {row["year"]: row for row in after["papers-per-year"][0]}
    assert (
        years['"1999"^^<http://www.w3.org/2001/XMLSchema#gYear>']["figures"] == '"1"^^<http://www.w3.org/2001/XMLSchema#integer>'
    )
    same_as_fresh(loader, site, store, tmp_path)


def test_records_added_to_a_store_are_described_as_a_fresh_load_of_them_all(site: Path, tmp_path: Path, loader: Loader) -> None:
    """Records added by a later load join the tally of those already there: the store and its description
    equal a fresh load of all of them."""
    later = tmp_path / "later"
    later.mkdir()
    moved = site / "_figures" / f"{FIGIDS[2]}.md"
    moved.rename(later / moved.name)
    store = tmp_path / "store"
    loader(site, store)
    (later / moved.name).rename(moved)
    added = loader(site, store)
    assert loader.converted == [FIGIDS[2]] and added.report.reused == 2
    assert added.summary.described_earlier == 0
    same_as_fresh(loader, site, store, tmp_path)


def test_the_tally_of_a_fresh_load_gives_back_the_description_it_wrote(site: Path, tmp_path: Path, loader: Loader) -> None:
    """A bulk load describes what it converted; the tally its records' rows add up to describes the same."""
    from pfocr_rdf.rdf.formats import NQUADS as quads_format
    from pfocr_rdf.store.tally import stats_from
    from pfocr_rdf.write.serialize import chunk
    from pfocr_rdf.write.void import describe_dataset

    store = tmp_path / "store"
    assert loader(site, store).report.bulk
    written = description(store)
    example = next(q for q in written if "#exampleResource>" in q).split(" ")[2]
    state = LoadState(str(store))
    try:
        stats = stats_from(state.tally(), example)
    finally:
        state.close()
    dataset = f"<{DATASET}>"
    text = chunk(quads_format, describe_dataset(stats).items(), dataset)
    assert sorted(str(q) for q in ox.parse(text.encode("utf-8"), format=ox.RdfFormat.N_QUADS)) == written


def test_a_record_removed_by_a_repair_leaves_the_tally(site: Path, tmp_path: Path, loader: Loader) -> None:
    """An interrupted load's graphs are removed with their records' shares of the counts: the next load
    converts them again and the description equals a fresh load's."""
    store = tmp_path / "store"
    loader(site, store)
    state = LoadState(str(store))
    figures = [graph for (graph,) in state._db.execute("SELECT graph FROM input ORDER BY graph")]
    records = state.tally()["r"]
    state.begin(figures[:2])
    state.close()
    target = StoreTarget(EmbeddedStore(str(store)), None)  # the repair, and nothing loaded
    try:
        assert target.report.repaired == figures[:2] and target.state is not None
        assert target.state.tally()["r"] == records - 2
    finally:
        target.release()
        target.store.close()
    again = loader(site, store)
    assert len(loader.converted) == 2 and again.report.reused == 1
    same_as_fresh(loader, site, store, tmp_path)


def test_a_state_of_an_older_layout_is_dropped_not_misread(site: Path, tmp_path: Path, loader: Loader) -> None:
    """Its records are converted again (their graphs' digests kept: unchanged ones are not rewritten)."""
    store = tmp_path / "store"
    loader(site, store)
    state = LoadState(str(store))
    state._db.execute("PRAGMA user_version = 1")
    state.close()
    again = loader(site, store)
    assert sorted(loader.converted) == sorted(FIGIDS) and again.report.unchanged == 4  # and the description
    same_as_fresh(loader, site, store, tmp_path)
    loader(site, store)
    assert loader.converted == []


@pytest.fixture
def generated(tmp_path: Path) -> Path:
    """A generated corpus where papers are shared by figures (bench/generate.py)."""
    import subprocess
    import sys

    out = tmp_path / "generated"
    generator = ROOT / "bench" / "generate.py"
    command = [sys.executable, str(generator), "--records", "80", "--out", str(out), "--seed", "7"]
    subprocess.run(command, check=True, capture_output=True, timeout=300)
    return out


def _sharing(site: Path) -> tuple[Path, Path]:
    """Two records of one paper."""
    by_paper: dict[str, list[Path]] = {}
    for record in sorted((site / "_figures").glob("*.md")):
        by_paper.setdefault(record.name.split("__")[0], []).append(record)
    first, second, *_ = next(records for records in by_paper.values() if len(records) > 1)
    return first, second


def test_shared_papers_stay_counted_while_any_record_names_them(generated: Path, tmp_path: Path, loader: Loader) -> None:
    """A paper two figures share is one entity, its years and links counted once, while either names it:
    one figure moved to another paper (and a year changed) leaves the paper's counts to the other; moved
    back, it shares them again. Each time the store and its description equal a fresh load's."""
    store = tmp_path / "store"
    loader(generated, store)
    first, second = _sharing(generated)
    paper = first.name.split("__")[0]
    original = first.read_text(encoding="utf-8")
    moved = original.replace(f"pmcid: {paper}\n", "pmcid: PMC29999999\n")
    assert moved != original
    first.write_text(re.sub(r"\nyear: '\d+'", "\nyear: '1999'", moved), encoding="utf-8")
    revise_title(generated, second.stem)
    again = loader(generated, store)
    assert sorted(loader.converted) == sorted([first.stem, second.stem]) and again.report.reused == 78
    same_as_fresh(loader, generated, store, tmp_path)
    first.write_text(original, encoding="utf-8")
    back = loader(generated, store)
    assert loader.converted == [first.stem] and back.report.reused == 79
    same_as_fresh(loader, generated, store, tmp_path)
