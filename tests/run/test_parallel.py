"""The process pool: ordered results, payloads through segments, and a dead worker that fails the run
instead of hanging it (even one killed half-way through sending a result)."""

from __future__ import annotations

import multiprocessing
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from pfocr_rdf.errors import RecordError
from pfocr_rdf.run.parallel import WorkerLost, ordered_map
from pfocr_rdf.run.parallel_worker import PIECE_BYTES

from conftest import ROOT, SAMPLE_FILES, blocked_writing_to_a_pipe, child_pids, run_cli, writing_a_temporary_file

BIG = 2_000_000  # a result far bigger than a pipe's buffer: its sender blocks until the parent reads


def square_with_text(n: int) -> tuple[int, bytes]:
    return n * n, f"item {n}\n".encode() * (n % 7)


def text_in_pieces(n: int) -> tuple[int, Iterator[bytes]]:
    return n, (f"{n}:{i:07d}\n".encode() * 100 for i in range(3000))  # about 3 MB, made as it is taken


def die_at_five(n: int) -> tuple[int, bytes]:
    if n == 5:
        os.kill(os.getpid(), signal.SIGKILL)
    return n, b""


def big_result(n: int) -> tuple[str, bytes]:
    return "y" * BIG, b"payload"


def fail_at_three(n: int) -> tuple[int, bytes]:
    if n == 3:
        raise ValueError("a bug in the function")
    return n, b""


@pytest.fixture
def alarm() -> Iterator[None]:
    """A pool that hangs fails the test after a minute instead of hanging it."""

    def expire(signum: int, frame: object) -> None:
        raise TimeoutError("the pool hung")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(60)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, previous)


@pytest.mark.parametrize("workers", [1, 2, 3])
@pytest.mark.parametrize("count", [0, 1, 5, 200])
def test_results_and_payloads_come_back_in_order(workers: int, count: int, alarm: None) -> None:
    got = [(result, bytes(payload)) for result, payload in ordered_map(square_with_text, range(count), workers)]
    assert got == [square_with_text(n) for n in range(count)]
    assert not multiprocessing.active_children()


@pytest.mark.parametrize("workers", [1, 2])
def test_a_big_payload_comes_back_in_pieces_never_whole(workers: int, alarm: None) -> None:
    for n, payload in ordered_map(text_in_pieces, range(4), workers):
        pieces = list(payload)
        assert len(pieces) >= 3 and max(map(len, pieces)) <= PIECE_BYTES
        assert b"".join(pieces) == b"".join(text_in_pieces(n)[1])
    assert not multiprocessing.active_children()


def test_a_worker_that_dies_fails_the_run_and_names_the_signal(alarm: None) -> None:
    with pytest.raises(WorkerLost, match="killed by SIGKILL"):
        list(ordered_map(die_at_five, range(100), 2))
    assert not multiprocessing.active_children()


def test_a_worker_killed_while_sending_a_result_fails_the_run_instead_of_hanging(alarm: None) -> None:
    results = ordered_map(big_result, range(8), 2)
    first, _ = next(results)
    assert len(first) == BIG
    workers = multiprocessing.active_children()
    assert len(workers) == 2
    for worker in workers:  # each has a big result half in its pipe, the rest waiting to be read
        wait_until_writing_to_a_pipe(worker.pid)
    for worker in workers:
        os.kill(worker.pid, signal.SIGTERM)
    with pytest.raises(WorkerLost, match="killed by SIGTERM"):
        next(results)
    assert not multiprocessing.active_children()


def wait_until_writing_to_a_pipe(pid: int) -> None:
    deadline = time.monotonic() + 30
    while not blocked_writing_to_a_pipe(pid):
        assert time.monotonic() < deadline, "the worker never blocked writing its result"
        time.sleep(0.01)


def test_an_exception_in_a_worker_is_raised_in_the_parent(alarm: None) -> None:
    with pytest.raises(ValueError, match="a bug in the function"):
        list(ordered_map(fail_at_three, range(50), 2))
    assert not multiprocessing.active_children()


def test_closing_the_results_early_stops_the_workers(alarm: None) -> None:
    results = ordered_map(square_with_text, range(1000), 2)
    assert next(results)[0] == 0
    results.close()
    assert not multiprocessing.active_children()


def test_a_worker_killed_from_outside_fails_the_conversion_and_leaves_no_output(tmp_path: Path) -> None:
    figures = tmp_path / "corpus" / "_figures"
    figures.mkdir(parents=True)
    for copy in range(40):  # 1,800 records: seconds of work with --reference
        for path in SAMPLE_FILES:
            text = path.read_text(encoding="utf-8").replace(path.stem, f"{path.stem}-c{copy}")
            (figures / f"{path.stem}-c{copy}.md").write_text(text, encoding="utf-8")
    out = tmp_path / "out.nt"
    out.write_text("previous output\n")
    # a process of its own: its workers are its children, and one is killed from outside
    command = [sys.executable, "-m", "pfocr_rdf", "convert", str(figures.parent), "-o", str(out), "-j", "2", "--reference"]
    process = subprocess.Popen(command, cwd=ROOT, stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        deadline = time.monotonic() + 120
        while not writing_a_temporary_file(process.pid, tmp_path) or len(child_pids(process.pid)) < 2:
            assert process.poll() is None, process.communicate()
            assert time.monotonic() < deadline
            time.sleep(0.05)
        time.sleep(0.3)
        os.kill(child_pids(process.pid)[0], signal.SIGTERM)
        _, stderr = process.communicate(timeout=60)
    finally:  # a run that hangs fails the test, and must not outlive it
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.communicate()
    assert process.returncode == 1
    assert "worker process" in stderr and "was killed by SIGTERM" in stderr, stderr
    assert "Traceback" not in stderr
    assert out.read_text() == "previous output\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["corpus", "out.nt"]


class TwoArgumentError(Exception):
    """An exception whose constructor cannot be called again from its pickled arguments."""

    def __init__(self, where: str, why: str) -> None:
        super().__init__(f"{where}: {why}")


def _fail_with_two_arguments(n: int) -> tuple[int, bytes]:
    if n == 5:
        raise TwoArgumentError("item 5", "broken")
    return n, b"x"


def _fail_with_a_record_error(n: int) -> tuple[int, bytes]:
    if n == 5:
        raise RecordError("figure.md", "invalid-yaml", "broken", field="title", line=3)
    return n, b"x"


def test_a_workers_exception_that_cannot_be_rebuilt_arrives_as_its_traceback(alarm: None) -> None:
    with pytest.raises(RuntimeError, match=r"TwoArgumentError: item 5: broken"):
        list(ordered_map(_fail_with_two_arguments, list(range(20)), 2))


def test_a_record_error_from_a_worker_arrives_whole(alarm: None) -> None:
    with pytest.raises(RecordError) as raised:
        list(ordered_map(_fail_with_a_record_error, list(range(20)), 2))
    assert raised.value.finding == RecordError("figure.md", "invalid-yaml", "broken", field="title", line=3).finding


def test_no_more_workers_than_batches(alarm: None) -> None:
    before = set(multiprocessing.active_children())
    results = ordered_map(_fail_with_two_arguments, [1, 2], 64)
    assert next(results)[0] == 1
    started = set(multiprocessing.active_children()) - before
    assert 1 <= len(started) <= 2
    assert [n for n, _ in results] == [2]


def _limit_file_size() -> None:
    import resource

    resource.setrlimit(resource.RLIMIT_FSIZE, (20_000, 20_000))  # segment files get short writes; a pipe does not


def _convert_to_stdout_with_a_file_size_limit(workers: int) -> subprocess.CompletedProcess[bytes]:
    """A process of its own: the file-size limit (RLIMIT_FSIZE) is one of the process, set before it starts."""
    sample = ROOT / "tests" / "data" / "sample"
    command = [sys.executable, "-m", "pfocr_rdf", "convert", str(sample), "-f", "nt", "-o", "-", "--no-void", "-j", str(workers)]
    return subprocess.run(command, capture_output=True, preexec_fn=_limit_file_size, check=False)


def test_a_short_segment_write_fails_the_run_instead_of_truncating_the_output() -> None:
    whole = run_cli("convert", str(ROOT / "tests" / "data" / "sample"), "-f", "nt", "-o", "-", "--no-void", "-j", "1", text=False)
    assert whole.returncode == 0
    limited = _convert_to_stdout_with_a_file_size_limit(2)
    assert limited.returncode == 2, limited.stderr
    stderr = limited.stderr.decode()
    assert stderr.count("\n") <= 2 and "Traceback" not in stderr
    assert "pfocr-rdf: error: File too large" in stderr
