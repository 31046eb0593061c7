"""The command line in pipes and shell scripts: closed pipes, compression by content, RDF on stdin."""

from __future__ import annotations

import array
import fcntl
import gzip
import json
import subprocess
import sys
import termios
import time
from pathlib import Path

import pytest

from conftest import DATA, ROOT, SAMPLE, SEEDS, TABLES, blocked_writing_to_a_pipe, run_cli

F_GETPIPE_SZ = getattr(fcntl, "F_GETPIPE_SZ", 1032)  # Linux; in fcntl from Python 3.10
EVERY_LABEL_SHAPE = """\
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
<http://example.org/EveryLabel> a sh:NodeShape ;
  sh:targetObjectsOf rdfs:label ;
  sh:datatype <http://example.org/no-such-datatype> ;
  sh:severity sh:Warning ;
  sh:message "a label" .
"""


def _first_line_then_close(*args: str) -> tuple[bytes, bytes, int]:
    """Run the CLI with stdout into a pipe whose reader takes one line and goes away, as `| head -1` does.

    The reader waits until the pipe is full before it reads, so the writer is blocked in a write when the
    reader goes away (as with `| (sleep 2; head -1)`): the case where a write ends half done. A process of its
    own: a closed pipe ends it (exit 141, through os._exit)."""
    process = subprocess.Popen(
        [sys.executable, "-m", "pfocr_rdf", *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT
    )
    assert process.stdout is not None and process.stderr is not None
    _wait_until_full(process)
    line = process.stdout.readline()
    process.stdout.close()
    error = process.stderr.read()
    return line, error, process.wait(timeout=300)


def _wait_until_full(process: subprocess.Popen[bytes]) -> None:
    """Until the writer is blocked in a write on the full pipe (the outputs here are far bigger than a pipe
    holds): the kernel says so in /proc; where it does not, the pipe holding its capacity shows it."""
    assert process.stdout is not None
    fd = process.stdout.fileno()
    capacity = fcntl.fcntl(fd, F_GETPIPE_SZ)
    waiting = array.array("i", [0])
    deadline = time.monotonic() + 300
    while process.poll() is None and time.monotonic() < deadline:
        blocked = blocked_writing_to_a_pipe(process.pid)
        fcntl.ioctl(fd, termios.FIONREAD, waiting)
        if blocked or waiting[0] >= capacity:
            return
        time.sleep(0.01)
    process.kill()
    raise AssertionError(f"the writer ended ({process.wait()}) before it filled the pipe: give it more to write")


@pytest.mark.parametrize("workers", ["1", "2"])
def test_a_closed_output_pipe_ends_quietly_as_cat_does(workers: str) -> None:
    line, error, status = _first_line_then_close("convert", str(SAMPLE), "-f", "nt", "-o", "-", "-j", workers)
    assert line.startswith(b"<https://pfocr.wikipathways.org/figures/")
    assert error == b""  # no traceback, no "Exception ignored", no error line
    assert status == 141  # 128 + SIGPIPE, what a shell reports for `cat` in the same place


@pytest.fixture(scope="module")
def sample_nt(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample as N-Triples: 3.8 MB, far more than a pipe holds, in every answer below."""
    out = tmp_path_factory.mktemp("pipes") / "sample.nt"
    assert run_cli("convert", str(SAMPLE), "-o", str(out), "-q").returncode == 0
    return out


@pytest.mark.parametrize(
    "command",
    [
        ["query", "SELECT ?s ?p ?o WHERE { ?s ?p ?o }", "{file}", "-f", "tsv"],
        ["query", "SELECT ?s ?p ?o WHERE { ?s ?p ?o }", "{file}"],  # the default table format, in one write
        ["query", "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", "{file}", "-f", "nt"],
        ["query", "DESCRIBE ?f WHERE { ?f a <https://pfocr.wikipathways.org/vocab#PathwayFigure> }", "{file}"],
        ["validate", "{file}", "--format", "json", "--shapes", "{shapes}"],
    ],
    ids=["select-tsv", "select-default", "construct-nt", "describe-ttl", "validate-json"],
)
def test_every_command_ends_with_141_when_its_reader_goes_away(sample_nt: Path, tmp_path: Path, command: list[str]) -> None:
    """The writer is blocked in one big write when the reader goes away: the write ends half done, and
    that must be reported as a closed pipe, not as a success with a truncated output."""
    (tmp_path / "every-label.ttl").write_text(EVERY_LABEL_SHAPE, encoding="utf-8")
    args = [part.replace("{shapes}", str(tmp_path)).replace("{file}", str(sample_nt)) for part in command]
    line, error, status = _first_line_then_close(*args)
    assert line and error == b""
    assert status == 141  # 128 + SIGPIPE, what a shell reports for `cat` in the same place


def test_gzip_flag_with_a_plain_name_is_refused_and_writes_nothing(tmp_path: Path) -> None:
    out = tmp_path / "y.nt"
    result = run_cli("convert", str(SEEDS), "-o", str(out), "--gzip")
    assert result.returncode == 2
    assert f"name it {out}.gz" in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_gzip_flag_with_a_gz_name_and_on_stdout_compresses(tmp_path: Path) -> None:
    out = tmp_path / "y.nt.gz"
    assert run_cli("convert", str(SEEDS), "-o", str(out), "--gzip", "-q").returncode == 0
    text = gzip.decompress(out.read_bytes()).decode("utf-8")
    piped = run_cli("convert", str(SEEDS), "--gzip", "-q", text=False)
    assert piped.returncode == 0, piped.stderr
    assert gzip.decompress(piped.stdout).decode("utf-8") == text


def test_reading_decides_compression_by_content_not_by_name(tmp_path: Path) -> None:
    packed = tmp_path / "packed.nt.gz"
    assert run_cli("convert", str(SEEDS), "-o", str(packed), "-q").returncode == 0
    misnamed = tmp_path / "misnamed.nt"  # gzip content under a plain name
    misnamed.write_bytes(packed.read_bytes())
    plain_gz = tmp_path / "plain.nt.gz"  # plain content under a .gz name
    plain_gz.write_bytes(gzip.decompress(packed.read_bytes()))
    for path in (packed, misnamed, plain_gz):
        result = run_cli("validate", str(path))
        assert result.returncode == 0, result.stdout
        assert result.stdout.startswith(f"{path}: conforms")


@pytest.fixture(scope="module")
def sample_rdf(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The seeds converted once into every format, and the number of statements each holds."""
    folder = tmp_path_factory.mktemp("stdin")
    files = {}
    for fmt in ("nt", "nq", "ttl", "trig", "jsonld"):
        files[fmt] = folder / f"seeds.{fmt}"
        assert run_cli("convert", str(SEEDS), "-o", str(files[fmt]), "-q").returncode == 0
    return files


def _count(*args: str, input_bytes: bytes) -> str:
    result = run_cli("query", "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", *args, "-f", "csv", input=input_bytes, text=False)
    assert result.returncode == 0, result.stderr
    return result.stdout.decode().splitlines()[1]


@pytest.mark.parametrize("fmt", ["nt", "nq", "ttl", "trig", "jsonld"])
def test_rdf_on_stdin_is_told_by_its_content_and_reads_as_the_file_does(sample_rdf: dict[str, Path], fmt: str) -> None:
    path = sample_rdf[fmt]
    from_file = _count(str(path), input_bytes=b"")
    assert _count("-", input_bytes=path.read_bytes()) == from_file
    assert _count("-", input_bytes=gzip.compress(path.read_bytes())) == from_file  # gzip by content
    assert _count("-", "--input-format", fmt, input_bytes=path.read_bytes()) == from_file
    validated = run_cli("validate", "-", input=path.read_text(encoding="utf-8"))
    assert validated.returncode == 0 and validated.stdout.startswith("<stdin>: conforms")


def test_rdf_on_stdin_loads_into_the_store(sample_rdf: dict[str, Path], tmp_path: Path) -> None:
    store = tmp_path / "store"
    result = run_cli("load", "-", "--store", str(store), input=sample_rdf["nq"].read_text(encoding="utf-8"))
    assert result.returncode == 0, result.stderr
    assert "counts checked in 3 graphs" in result.stderr  # two figures and the dataset description
    assert _count("--store", str(store), input_bytes=b"") == _count(str(sample_rdf["nq"]), input_bytes=b"")


def test_records_on_stdin_keep_working_for_validate_and_query() -> None:
    record = (SEEDS / "000_ab1ab314842e88f6.txt").read_text(encoding="utf-8")
    validated = run_cli("validate", "-", input=record)
    assert validated.returncode == 0 and validated.stdout.startswith("<stdin>: conforms")
    asked = run_cli(
        "query", "ASK { ?f <http://purl.org/dc/terms/identifier> 'PMC6459341__oncotarget-10-2068-g007' }", "-", input=record
    )
    assert (asked.stdout, asked.returncode) == ("true\n", 0)


def test_stdin_that_is_neither_a_record_nor_clear_rdf_asks_for_the_format() -> None:
    result = run_cli("validate", "-", input="hello, world\n")
    assert result.returncode == 2 and "give --input-format" in result.stderr


def test_a_wrong_guess_says_how_the_format_was_chosen(sample_rdf: dict[str, Path]) -> None:
    text = sample_rdf["ttl"].read_text(encoding="utf-8")
    wrong = run_cli("validate", "-", "--input-format", "nt", input=text)
    assert wrong.returncode == 2 and "<stdin>: could not be read: not valid N-Triples" in wrong.stdout
    guessed = run_cli("validate", "-", input="<urn:x:a> <urn:x:b> <urn:x:c> .\n<urn:x:a> <urn:x:b> [ ] .\n")
    assert guessed.returncode == 2 and "read as N-Quads by its content; give --input-format" in guessed.stdout


def test_a_gz_name_compresses_the_report_and_the_errors(tmp_path: Path) -> None:
    broken = DATA / "readme" / "broken.md"
    report = tmp_path / "report.ttl.gz"
    validated = run_cli("validate", str(broken), "--tables", str(TABLES), "--report", str(report))
    assert validated.returncode == 1
    assert "sh:ValidationReport" in gzip.decompress(report.read_bytes()).decode("utf-8")
    errors = tmp_path / "errors.jsonl.gz"
    converted = run_cli("convert", str(broken), "--tables", str(TABLES), "-o", str(tmp_path / "out.nt"), "--errors", str(errors))
    assert converted.returncode == 1
    lines = gzip.decompress(errors.read_bytes()).decode("utf-8").splitlines()
    assert lines and all(json.loads(line)["source"] == str(broken) for line in lines)


def test_records_concatenated_on_stdin_are_refused_not_cut_to_the_first(tmp_path: Path) -> None:
    first, second = (path.read_text(encoding="utf-8") for path in sorted(SEEDS.glob("*.txt")))
    both = run_cli("convert", "-", "-o", str(tmp_path / "both.nt"), input=first + second)
    assert both.returncode == 1
    line = first.count("\n") + 1
    assert f"<stdin>:{line}: standard input holds more than one record (another opens at line {line})" in both.stderr
    assert "[several-records]" in both.stderr
    body = first + "\nNotes on the figure.\n---\nnot another record\n"  # a body with a rule is still one record
    one = run_cli("convert", "-", "-o", str(tmp_path / "one.nt"), "-q", input=body)
    assert one.returncode == 0, one.stderr
    assert "PMC6459341__oncotarget-10-2068-g007" in (tmp_path / "one.nt").read_text(encoding="utf-8")
