"""A running query stops when asked: Ctrl-C (SIGINT, exit 130), SIGTERM (exit 143) and --timeout (exit 124),
with no answer printed. The query here never ends on its own (a three-way cross product of the sample), so a
process that ignored the request would run until the test's own limit kills it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

from conftest import ROOT, SAMPLE, run_cli, run_cli_process

ENDLESS = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?p ?b . ?c ?q ?d . ?e ?r ?f }"
PATIENCE = 30  # seconds a stopped process may take before the test calls it a failure (it takes well under 1)


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> str:
    path = tmp_path_factory.mktemp("stop") / "store"
    result = run_cli("load", str(SAMPLE), "--store", str(path))
    assert result.returncode == 0, result.stderr
    return str(path)


def started(process: subprocess.Popen[str]) -> None:
    """Wait until the process has opened the store (Oxigraph's threads are there), so it is in the query."""
    deadline = time.monotonic() + PATIENCE
    while time.monotonic() < deadline and process.poll() is None:
        if len(os.listdir(f"/proc/{process.pid}/task")) > 1:
            time.sleep(0.5)
            return
        time.sleep(0.05)


@pytest.mark.parametrize(("signum", "status"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_a_signal_stops_a_running_query(store: str, signum: int, status: int) -> None:
    # a process of its own: it is sent the signal, and ends through os._exit with the query's thread running
    command = [sys.executable, "-m", "pfocr_rdf", "query", ENDLESS, "--store", store, "-f", "csv"]
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        started(process)
        assert process.poll() is None, process.communicate()
        process.send_signal(signum)
        stdout, stderr = process.communicate(timeout=PATIENCE)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert process.returncode == status, stderr
    assert stdout == ""  # no partial answer
    assert "interrupted" in stderr and "Traceback" not in stderr
    assert "output files" not in stderr  # a query writes none: nothing to say about them


def test_timeout_stops_a_query_with_a_clear_message(store: str) -> None:
    # a process of its own: a stopped query's thread is left running, and the run ends the process (os._exit)
    result = run_cli_process("query", ENDLESS, "--store", store, "--timeout", "1.5", "-f", "csv", timeout=PATIENCE)
    assert result.returncode == 124
    assert result.stdout == ""
    assert (
        result.stderr.strip()
        == "pfocr-rdf: error: the query ran longer than 1.5 s (--timeout) and was stopped; no answer printed"
    )


def test_a_query_within_its_timeout_answers(store: str) -> None:
    result = run_cli("query", "papers-per-year", "--store", store, "--timeout", "60", "-f", "csv")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("year,papers,figures") and len(result.stdout.splitlines()) > 5


@pytest.mark.parametrize("value", ["0", "-1", "soon"])
def test_a_timeout_must_be_a_positive_number(store: str, value: str) -> None:
    result = run_cli("query", "papers-per-year", "--store", store, "--timeout", value)
    assert result.returncode == 2
    assert "--timeout" in result.stderr
