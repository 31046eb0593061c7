"""The in-process runner (cli_runner.run_cli) answers as the real console script does, and leaves the test
process as it found it; the console script runs every command (the smoke tests of the installed tool)."""

from __future__ import annotations

import gc
import logging
import os
import re
import shutil
import signal
import sys
import threading
import time
import warnings
from pathlib import Path
from typing import Any

import pytest

from cli_runner import NeedsItsOwnProcess
from conftest import ROOT, SEED_FILES, SEEDS, run_cli, run_cli_process

CONSOLE_SCRIPT = Path(sys.executable).parent / "pfocr-rdf"
RUN_TIME = re.compile(rb"\(\d+\.\d s\)")  # a summary's run time, the one thing two runs may differ in

# Every command as a user types it, and its standard input; `{db}` is a store of the run's own.
COMMANDS = {
    "version": (["--version"], None),
    "help": (["convert", "--help"], None),
    "convert": (["convert", str(SEEDS), "-f", "nt", "--gzip"], None),
    "validate": (["validate", "-", "--format", "json"], SEED_FILES[1].read_bytes()),
    "load": (["load", str(SEEDS), "--store", "{db}"], None),
    "query": (
        ["query", "figure-genes", "-p", "figure=PMC6459341__oncotarget-10-2068-g007", "-f", "csv", *map(str, SEED_FILES)],
        None,
    ),
    "query-error": (["query", "SELECT ?x WHERE { this is not sparql }", str(SEED_FILES[0])], None),
    "vocabulary": (["vocabulary", "-f", "nt"], None),
}


def console_script(*args: str, input: bytes | None, cwd: Path) -> tuple[int, bytes, bytes]:
    """The installed `pfocr-rdf`, in a process of its own, as a user runs it."""
    done = run_cli_process(*args, input=input, cwd=cwd, text=False, program=[str(CONSOLE_SCRIPT)])
    return done.returncode, done.stdout, done.stderr


@pytest.mark.skipif(not CONSOLE_SCRIPT.exists(), reason="the package is not installed with its console script")
@pytest.mark.parametrize("name", list(COMMANDS))
def test_the_console_script_and_the_in_process_runner_answer_alike(name: str, tmp_path: Path) -> None:
    arguments, stdin = COMMANDS[name]
    stores = {way: str(tmp_path / f"{way}.db") for way in ("script", "in-process")}
    script = console_script(*(a.replace("{db}", stores["script"]) for a in arguments), input=stdin, cwd=ROOT)
    inside = run_cli(*(a.replace("{db}", stores["in-process"]) for a in arguments), input=stdin, text=False)
    assert script[0] == (0 if name != "query-error" else 2), script[2]
    assert (inside.returncode, inside.stdout) == script[:2], (inside.stderr, script[2])
    assert RUN_TIME.sub(b"", inside.stderr).replace(stores["in-process"].encode(), b"DB") == RUN_TIME.sub(b"", script[2]).replace(
        stores["script"].encode(), b"DB"
    )


def process_state() -> dict[str, Any]:
    """What a run in this process could change and must put back."""
    return {
        "handlers": {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGPIPE, signal.SIGCHLD)},
        "mask": signal.pthread_sigmask(signal.SIG_BLOCK, []),
        "environment": dict(os.environ),
        "folder": os.getcwd(),
        "streams": (sys.stdin, sys.stdout, sys.stderr),
        "descriptors": [(os.fstat(fd).st_dev, os.fstat(fd).st_ino) for fd in (0, 1, 2)],
        "open descriptors": sorted(os.listdir("/proc/self/fd")) if os.path.isdir("/proc/self/fd") else None,
        "logging": (logging.getLogger().handlers[:], logging.getLogger().level),
        "warnings": (warnings.filters[:], warnings.showwarning),
        "collector": (gc.isenabled(), gc.get_threshold(), gc.get_freeze_count()),
        "umask": os.umask(os.umask(0o022)),
        "threads": _settled_thread_count(),
    }


def _settled_thread_count() -> int:
    """Threads alive, once a run's finished threads (a query's, the bulk loader's) have ended."""
    deadline = time.monotonic() + 5
    count = threading.active_count()
    while time.monotonic() < deadline:
        time.sleep(0.05)
        if threading.active_count() == count:
            break
        count = threading.active_count()
    return count


def test_runs_in_this_process_leave_it_as_they_found_it(tmp_path: Path) -> None:
    shapes = tmp_path / "shapes"
    shutil.copytree(ROOT / "shapes", shapes)
    before = process_state()
    record = SEED_FILES[1].read_text(encoding="utf-8")
    runs = [
        run_cli("convert", "-", "-o", str(tmp_path / "one.nt.gz"), "-j", "2", "--tables", str(SEEDS / "_data"), input=record),
        run_cli("convert", str(SEEDS), "-o", str(tmp_path / "two.ttl"), "-j", "2", "-v", env={"PFOCR_RDF_TAXONOMY": ""}),
        run_cli("validate", str(tmp_path / "two.ttl"), "--shapes", str(shapes), "--report", str(tmp_path / "r.ttl")),
        run_cli("load", str(SEEDS), "--store", str(tmp_path / "db"), cwd=tmp_path),
        run_cli("query", "dataset", "--store", "db", "-f", "json", cwd=tmp_path),
        run_cli("convert", str(tmp_path / "nothing-here")),
    ]
    assert [run.returncode for run in runs] == [0, 0, 0, 0, 0, 2], [run.stderr for run in runs]
    assert process_state() == before


def test_a_run_that_must_end_its_process_is_refused_in_this_one() -> None:
    with pytest.raises(NeedsItsOwnProcess, match="PYTHONHASHSEED only acts when an interpreter starts"):
        run_cli("--version", env={"PYTHONHASHSEED": "0"})
    # --timeout ends the process with os._exit, leaving the query's thread behind: a process's work only
    endless = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?p ?b . ?c ?q ?d }"
    with pytest.raises(NeedsItsOwnProcess, match=r"os\._exit\(124\).*run_cli_process"):
        run_cli("query", endless, str(SEED_FILES[0]), "--timeout", "0.001")
