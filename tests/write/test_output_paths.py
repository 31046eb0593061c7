"""Every output has a place of its own, checked before any work: not an input, not another output's file
or standard output, not a folder, in a folder that exists. A link is followed; a replaced file keeps its
permissions."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from conftest import SAMPLE, SEEDS, run_cli


@pytest.fixture(scope="module")
def turtle(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """The seeds in Turtle: an RDF input for validate and load."""
    out = tmp_path_factory.mktemp("rdf") / "seeds.ttl"
    assert run_cli("convert", str(SEEDS), "-o", str(out), "-q").returncode == 0
    return out.read_bytes()


def refused(result: object, *words: str) -> None:
    assert result.returncode == 2, result.stderr  # type: ignore[attr-defined]
    assert all(word in result.stderr for word in words), result.stderr  # type: ignore[attr-defined]
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr  # type: ignore[attr-defined]


def test_an_rdf_input_is_never_overwritten_by_a_report_or_an_errors_file(tmp_path: Path, turtle: bytes) -> None:
    data = tmp_path / "data.ttl"
    data.write_bytes(turtle)
    refused(run_cli("validate", str(data), "--report", str(data)), "is also an input", "--report")
    link = tmp_path / "link.ttl"
    link.symlink_to(data)
    refused(run_cli("validate", str(link), "--report", str(data)), "is also an input")
    refused(run_cli("load", str(data), "--store", str(tmp_path / "store"), "--errors", str(data)), "is also an input")
    assert data.read_bytes() == turtle
    assert not (tmp_path / "store").exists()


@pytest.mark.parametrize("second", ["--rejects", "--errors"])
def test_two_outputs_naming_one_file_are_refused_and_the_file_is_left_alone(tmp_path: Path, second: str) -> None:
    out = tmp_path / "same.nt"
    out.write_text("previous\n")
    refused(run_cli("convert", str(SEEDS), "-o", str(out), second, str(tmp_path / "." / "same.nt")), "-o and " + second)
    assert out.read_text() == "previous\n"


@pytest.mark.parametrize(
    "args",
    [
        ["convert", str(SEEDS), "--rejects", "-"],  # -o is standard output by default
        ["convert", str(SEEDS), "--errors", "-"],
        ["validate", str(SEEDS), "--report", "-", "--format", "json"],
    ],
    ids=["convert-rejects", "convert-errors", "validate-report"],
)
def test_two_outputs_on_standard_output_are_refused_before_anything_is_written(args: list[str]) -> None:
    result = run_cli(*args)
    refused(result, "both write to standard output")
    assert result.stdout == ""


@pytest.mark.parametrize("option", ["-o", "--errors", "--rejects"])
def test_a_folder_where_a_file_is_meant_is_refused_at_once(tmp_path: Path, option: str) -> None:
    folder = tmp_path / "out.nt"
    folder.mkdir()
    args = ["-o", str(tmp_path / "x.nt")] if option != "-o" else []
    refused(run_cli("convert", str(SAMPLE), option, str(folder), *args), "it is a folder")
    assert [p.name for p in tmp_path.iterdir()] == ["out.nt"] and not any(folder.iterdir())  # nothing left behind
    refused(run_cli("validate", str(SEEDS), "--report", str(folder)), "it is a folder")


def test_an_output_in_a_missing_folder_is_refused_before_the_other_outputs_are_replaced(tmp_path: Path) -> None:
    out = tmp_path / "ok.nt"
    out.write_text("previous\n")
    refused(run_cli("convert", str(SEEDS), "-o", str(out), "--errors", str(tmp_path / "nodir" / "e.jsonl")), "does not exist")
    assert out.read_text() == "previous\n"
    refused(run_cli("validate", str(SEEDS), "--report", str(tmp_path / "nodir" / "r.ttl")), "does not exist")


def test_a_linked_output_replaces_the_links_target_and_a_replaced_file_keeps_its_permissions(tmp_path: Path) -> None:
    target = tmp_path / "release" / "pfocr.nt"
    target.parent.mkdir()
    target.write_text("previous\n")
    target.chmod(0o640)
    link = tmp_path / "latest.nt"
    link.symlink_to(target)
    result = run_cli("convert", str(SEEDS), "-o", str(link), "-q")
    assert result.returncode == 0, result.stderr
    assert link.is_symlink() and os.readlink(link) == str(target)
    assert target.read_text().startswith("<https://pfocr.wikipathways.org/figures/")
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert sorted(p.name for p in target.parent.iterdir()) == ["pfocr.nt"]  # no temporary file left


def test_inputs_that_hold_no_record_are_an_error_and_the_output_stays(tmp_path: Path) -> None:
    folder = tmp_path / "notes"
    folder.mkdir()
    (folder / "README.md").write_text("# not a record\n")
    (folder / "todo.txt").write_text("nothing here\n")
    out = tmp_path / "release.nt"
    out.write_text("last release\n")
    result = run_cli("convert", str(folder), "-o", str(out))
    refused(result, "no records found: all 2 files read were skipped", "no front matter")
    assert out.read_text() == "last release\n"


def test_an_rdf_input_told_by_its_content_is_protected_too(tmp_path: Path, turtle: bytes) -> None:
    data = tmp_path / "data"  # no extension: read as Turtle by its content
    data.write_bytes(turtle)
    refused(run_cli("validate", str(data), "--report", str(data)), "is also an input", "--report")
    assert data.read_bytes() == turtle
