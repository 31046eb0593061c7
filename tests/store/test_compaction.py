"""A new store is compacted after its bulk load unless `load --no-compact` says not to (disk against speed)."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from pfocr_rdf.store.store import EmbeddedStore

from conftest import SAMPLE, run_cli


@pytest.fixture
def compactions(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The stores compacted during the test, by folder: the real compaction runs, and is recorded."""
    done: list[str] = []
    compact = EmbeddedStore.compact

    def recorded(self: EmbeddedStore) -> None:
        done.append(str(self.path))
        compact(self)

    monkeypatch.setattr(EmbeddedStore, "compact", recorded)
    return done


def quads_of(folder: Path) -> set[str]:
    store = ox.Store.read_only(str(folder))
    return {str(quad) for quad in store}


def test_a_new_store_is_compacted_unless_asked_not_to_and_holds_the_same_quads(tmp_path: Path, compactions: list[str]) -> None:
    compacted, as_written = tmp_path / "compacted", tmp_path / "as-written"
    first = run_cli("load", str(SAMPLE), "--store", str(compacted), "-q")
    assert first.returncode == 0, first.stderr
    assert compactions == [str(compacted)]
    second = run_cli("load", str(SAMPLE), "--store", str(as_written), "-q", "--no-compact")
    assert second.returncode == 0, second.stderr
    assert compactions == [str(compacted)]  # not the second store
    assert quads_of(compacted) == quads_of(as_written) != set()


def test_no_compact_is_refused_with_an_endpoint() -> None:
    result = run_cli("load", str(SAMPLE), "--endpoint", "http://127.0.0.1:9/sparql", "--no-compact")
    assert result.returncode == 2
    assert "--no-compact is an option of --store" in result.stderr
