"""Finding record files: order, files reached twice, links, site checkouts, and the compact source list."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from pfocr_rdf.errors import UsageError
from pfocr_rdf.read.sources import RecordSource, SourceList, find_sources
from pfocr_rdf.read.text_files import text_lines

from conftest import SEED_FILES, run_cli

RECORD = SEED_FILES[0].read_text(encoding="utf-8")


def tree(root: Path, names: list[str]) -> Path:
    """Files (or folders, for names ending in '/') under `root`, each file a copy of one seed record."""
    for name in names:
        path = root / name
        if name.endswith("/"):
            path.mkdir(parents=True, exist_ok=True)
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(RECORD, encoding="utf-8")
    return root


def paths(root: Path, *args: str) -> list[str]:
    return [os.path.relpath(source.path, root) for source in find_sources([str(root / a) for a in args]).records]


def test_folders_are_walked_depth_first_with_names_sorted_and_hidden_entries_skipped(tmp_path: Path) -> None:
    tree(tmp_path, ["c.md", "a.md", "b/z.txt", "b/a.md", "d.csv", ".e.md", ".f/g.md", "h/", "i.md"])
    assert paths(tmp_path, ".") == ["a.md", "b/a.md", "b/z.txt", "c.md", "i.md"]


def test_a_file_reached_twice_is_listed_once(tmp_path: Path) -> None:
    tree(tmp_path, ["f/a.md", "f/b.md", "g/c.md"])
    # a file named after its folder, before it, the same folder twice, a folder inside one already walked
    assert paths(tmp_path, "f", "f/a.md", "f", "f/../f", "g/c.md", "g") == ["f/a.md", "f/b.md", "g/c.md"]
    assert paths(tmp_path, "g/c.md", ".") == ["g/c.md", "f/a.md", "f/b.md"]


def test_links_are_followed_but_their_targets_read_once(tmp_path: Path) -> None:
    tree(tmp_path, ["f/a.md", "g/b.md"])
    (tmp_path / "f" / "link-to-a.md").symlink_to(tmp_path / "f" / "a.md")
    (tmp_path / "f" / "link-to-b.md").symlink_to(tmp_path / "g" / "b.md")
    (tmp_path / "f" / "loop").symlink_to(tmp_path / "f", target_is_directory=True)  # a cycle ends, not recurses
    (tmp_path / "f" / "broken.md").symlink_to(tmp_path / "nowhere.md")
    assert paths(tmp_path, "f", "g") == ["f/a.md", "f/link-to-b.md"]  # g/b.md was already read through the link
    assert paths(tmp_path, "g", "f") == ["g/b.md", "f/a.md"]


def test_a_site_checkout_brings_its_data_and_organism_folders(tmp_path: Path) -> None:
    tree(tmp_path, ["site/_figures/a.md", "site/_data/", "site/_organisms/"])
    found = find_sources([str(tmp_path / "site")], [str(tmp_path)])
    (source,) = found.records
    figures, data = str(tmp_path / "site" / "_figures"), str(tmp_path / "site" / "_data")
    assert source.table_dirs == (str(tmp_path), figures, data)
    assert found.organism_dirs == (str(tmp_path / "site" / "_organisms"),)
    assert find_sources([os.path.join(figures, "a.md")]).records[0].table_dirs == (figures, data)


def test_the_source_list_indexes_slices_and_iterates_like_a_list(tmp_path: Path) -> None:
    tree(tmp_path, [f"f/{i:02}.md" for i in range(7)] + ["f/g/x.md", "f/h.md"])
    found = find_sources([str(tmp_path / "f" / "03.md"), str(tmp_path / "f"), "-"], stdin_text=RECORD)
    as_list = list(found.records)
    assert len(found.records) == len(as_list) == 10
    assert [found.records[i] for i in range(10)] == as_list
    assert found.records[-1] == as_list[-1] and found.records[-1].text == RECORD
    assert found.records[2:7] == as_list[2:7] and found.records[::3] == as_list[::3]
    assert as_list[0].explicit and not as_list[1].explicit
    assert [os.path.basename(s.path) for s in as_list[:9]] == [
        "03.md",
        "00.md",
        "01.md",
        "02.md",
        "04.md",
        "05.md",
        "06.md",
        "x.md",
        "h.md",
    ]
    with pytest.raises(IndexError):
        found.records[10]
    empty = SourceList()
    empty.add_folder("f", (), [])
    assert len(empty) == 0 and list(empty) == []
    empty.append(RecordSource("a", "a"))
    assert list(empty) == [RecordSource("a", "a")]


def test_includes_says_whether_writing_a_path_would_destroy_an_input(tmp_path: Path) -> None:
    tree(tmp_path, ["f/a.md", "f/notes.csv", "g/b.md"])
    found = find_sources([str(tmp_path / "f"), str(tmp_path / "g" / "b.md")])
    assert found.includes(str(tmp_path / "f" / "a.md")) and found.includes(str(tmp_path / "f" / ".." / "g" / "b.md"))
    assert not found.includes(str(tmp_path / "f" / "notes.csv")) and not found.includes(str(tmp_path / "f" / "new.md"))
    assert not found.includes("-")


def test_convert_refuses_to_overwrite_one_of_its_inputs(tmp_path: Path) -> None:
    tree(tmp_path, ["f/a.md"])
    before = (tmp_path / "f" / "a.md").read_bytes()
    result = run_cli("convert", str(tmp_path / "f"), "-o", str(tmp_path / "f" / "a.md"), "-f", "nt")
    assert result.returncode == 2
    assert f"{tmp_path / 'f' / 'a.md'} is also an input; refusing to overwrite it" in result.stderr
    assert (tmp_path / "f" / "a.md").read_bytes() == before


def test_a_missing_argument_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="no such file or folder"):
        find_sources([str(tmp_path / "missing")])


def test_text_lines_split_only_at_lf_and_crlf() -> None:
    text = "a\u2028b\tc\r\nd\u0085e\rf\n\ng"
    assert text_lines(text) == ["a\u2028b\tc", "d\u0085e\rf", "", "g"]
    assert text_lines("one\n") == ["one"] and text_lines("") == []
