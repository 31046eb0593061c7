"""Shared test fixtures: paths to the bundled test data, and the two ways to run the command line (cli_runner.py)."""

from __future__ import annotations

import compileall
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import settings

from cli_runner import run_cli, run_cli_process  # noqa: F401 (the tests import them from here)
from servers import VIRTUOSO_MISSING, Virtuoso, virtuoso

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data"
SAMPLE = DATA / "sample"
FIGURES = SAMPLE / "_figures"
TABLES = SAMPLE / "_data"
SEEDS = ROOT / "seeds"
SEED_FILES = sorted(SEEDS.glob("*.txt"))
SAMPLE_FILES = sorted(FIGURES.glob("*.md"))

# CI (`.ci/run`) runs the property tests on a fixed sequence of examples, so a landing cannot turn red on an
# example no one has seen; a developer's run draws new ones each time and keeps what fails in .hypothesis/.
settings.register_profile("ci", derandomize=True, database=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))


def blocked_writing_to_a_pipe(pid: int) -> bool:
    """The kernel says the process sleeps in a write to a full pipe (Linux /proc; False where it cannot tell)."""
    try:
        return Path(f"/proc/{pid}/wchan").read_text().endswith("pipe_write")
    except OSError:
        return False


def child_pids(parent: int) -> list[int]:
    """The processes whose parent is `parent` (Linux /proc), whoever started them."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == parent:
                found.append(int(entry))
    return found


def pytest_configure(config: pytest.Config) -> None:
    """Byte-compile the package once, as pip does when it installs one: the command-line runs then start as a
    user's would, instead of each compiling every module again (an editable install has no bytecode, and
    with PYTHONDONTWRITEBYTECODE set no process writes any)."""
    compileall.compile_dir(str(ROOT / "pfocr_rdf"), quiet=1)


@pytest.fixture(autouse=True)
def reproducible_time(monkeypatch: pytest.MonkeyPatch) -> None:
    """Conversions in tests describe themselves with a fixed creation time."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")


@pytest.fixture(scope="module")
def virtuoso_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Virtuoso]:
    """A private Virtuoso for the tests of one module (skipped where Debian's package is not installed)."""
    if shutil.which("virtuoso-t") is None or shutil.which("isql-vt") is None:
        pytest.skip(VIRTUOSO_MISSING)
    with virtuoso(tmp_path_factory.mktemp("virtuoso")) as server:
        yield server
