"""Shared test fixtures: paths to the bundled test data, and the two ways to run the command line (cli_runner.py)."""

from __future__ import annotations

import compileall
import os
import shutil
import signal
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


def writing_a_temporary_file(pid: int, folder: Path) -> bool:
    """Whether process `pid` holds an output's temporary file open in `folder` (Linux /proc): unnamed
    (O_TMPFILE: `#inode (deleted)`) or a hidden `.NAME.XXXX.part`."""
    try:
        fds = os.listdir(f"/proc/{pid}/fd")
    except OSError:
        return False
    for fd in fds:
        try:
            target = os.readlink(f"/proc/{pid}/fd/{fd}")
        except OSError:
            continue
        place, _, name = target.removesuffix(" (deleted)").rpartition("/")
        if place == str(folder) and (name.startswith("#") or name.endswith(".part")):
            return True
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


# The modules that take longest, longest first (seconds of one worker, `--durations=0`); the rest follow in
# their own order. pytest-xdist (--dist loadscope) hands a module whole to a worker, by default the modules
# with most tests first: a long module of few tests then came last, and one worker ran it alone at the end.
LONGEST_FIRST = (
    "test_scale.py", "test_load_interrupts.py", "test_stores.py", "test_output_pinned.py", "test_wikipathways.py",
    "test_hostile.py", "test_gmt.py", "test_load_reuse.py", "test_void.py", "test_readme.py", "test_yaml_exact.py",
    "test_cli_runner.py", "test_cli_streams.py", "test_validation.py", "test_query_stop.py", "test_parallel.py",
)  # fmt: skip


def pytest_configure(config: pytest.Config) -> None:
    """Byte-compile the package once, as pip does when it installs one: the command-line runs then start as a
    user's would, instead of each compiling every module again (an editable install has no bytecode, and
    with PYTHONDONTWRITEBYTECODE set no process writes any). Modules are handed to the workers in the order
    pytest_collection_modifyitems gives them (pytest-xdist 3.7 and later can be told so; earlier ones order
    the modules by their number of tests)."""
    compileall.compile_dir(str(ROOT / "pfocr_rdf"), quiet=1)
    # A script that starts the suite as a background job (`.ci/run &`, nohup, some CI runners) hands it
    # SIGINT ignored, and every process a test starts would inherit that: the tool rightly leaves an ignored
    # SIGINT ignored, so the tests of Ctrl-C would see nothing stop. The tests play a user at a terminal.
    if signal.getsignal(signal.SIGINT) == signal.SIG_IGN:
        signal.signal(signal.SIGINT, signal.default_int_handler)
    if hasattr(config.option, "loadscopereorder"):
        config.option.loadscopereorder = False


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The longest modules first (LONGEST_FIRST), each module's tests kept together and in their order."""
    rank = {name: place for place, name in enumerate(LONGEST_FIRST)}
    items[:] = sorted(items, key=lambda item: rank.get(item.path.name, len(rank)))


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
