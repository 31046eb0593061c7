"""A new user's review, fixed end to end: what `validate`, `convert`, `load` and `query` tell (and refuse)."""

from __future__ import annotations

import gzip
import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import SAMPLE, SEED_FILES, SEEDS, run_cli

GENES_HEADER = "organism_id\torganism_name\torganism_group\tword\tmatch\tncbigene_symbol\tncbigene_id\tsource\tcount_direct\tcount_synonym\tcount_match\n"


def _records_with_table_trouble(folder: Path) -> tuple[Path, Path]:
    """Two seed records: the first with a genes table lacking `ncbigene_id` and an unmapped field, the second
    with a ragged genes row."""
    folder.mkdir()
    first, second = (folder / f"{path.stem}.md" for path in SEED_FILES)
    first.write_text(SEED_FILES[0].read_text(encoding="utf-8").replace("\nfigid:", "\nlayout: figure\nfigid:", 1))
    shutil.copy(SEED_FILES[1], second)
    genes = sorted((SEEDS / "_data").glob("*-genes.tsv"))
    (folder / genes[0].name).write_text(
        GENES_HEADER.replace("\tncbigene_id", "") + "9606\tHomo sapiens\tPrimates\tIL6\tIL6\tIL6\tx\t1\t1\t1\n"
    )
    rows = genes[1].read_text(encoding="utf-8").splitlines(keepends=True)
    (folder / genes[1].name).write_text("".join(rows[:2]) + "9606\tHomo sapiens\ttoo few cells\n" + "".join(rows[2:]))
    for other in (SEEDS / "_data").glob("*-chemicals.tsv"):
        shutil.copy(other, folder / other.name)
    return first, second


def _kinds(findings: list[dict[str, object]]) -> set[tuple[object, object]]:
    return {(f["kind"], f["source"]) for f in findings}


def test_validate_reports_the_conversion_warnings_convert_reports(tmp_path: Path) -> None:
    first, _ = _records_with_table_trouble(tmp_path / "records")
    errors = tmp_path / "errors.jsonl"
    converted = run_cli("convert", str(tmp_path / "records"), "-o", str(tmp_path / "out.nt"), "--errors", str(errors))
    assert converted.returncode == 0, converted.stderr
    from_convert = [json.loads(line) for line in errors.read_text().splitlines()]
    conversion = [f for f in from_convert if not str(f["kind"]).startswith("shape:")]
    assert {"bad-table", "ragged-row", "unmapped-field"} <= {f["kind"] for f in conversion}

    result = run_cli("validate", str(tmp_path / "records"), "--format", "json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    per_file = [w for entry in data["files"] for w in entry["warnings"]]
    assert _kinds(per_file + data["warnings"]) == _kinds(conversion)
    (unmapped,) = data["warnings"]
    assert unmapped["field"] == "layout" and unmapped["source"] == str(first)

    text = run_cli("validate", str(tmp_path / "records"))
    assert "[bad-table]" in text.stdout and "[ragged-row]" in text.stdout
    assert "warning: " + str(first) + ": layout: unmapped field 'layout' in 1 record" in text.stdout
    shape_warnings = sum(1 for entry in data["files"] for r in entry["results"] if r["severity"] != "Violation")
    total = shape_warnings + len(conversion)
    assert f"pfocr-rdf validate: 2 files, 0 with violations, {total} warnings, 0 unreadable" in text.stdout


def test_validate_counts_the_warnings_convert_counts() -> None:
    """The sample: convert's summary and validate's count the same warnings (an organism without a taxon once)."""
    converted = run_cli("convert", str(SAMPLE), "-o", "-", "-j", "1")
    validated = run_cli("validate", str(SAMPLE), "-q")
    count = converted.stderr.rsplit(" warning", 1)[0].rsplit(", ", 1)[1]
    assert int(count) > 0 and f", {count} warnings, " in validated.stdout


def test_unmapped_field_is_a_counted_warning_and_in_the_errors_file(tmp_path: Path) -> None:
    records = tmp_path / "records"
    shutil.copytree(SEEDS / "_data", records / "_data")
    for n, seed in enumerate(SEED_FILES):
        text = seed.read_text(encoding="utf-8").replace("\nfigid:", "\nlayout: figure\nfigid:", 1)
        (records / f"{n}.md").write_text(text)
    errors = tmp_path / "errors.jsonl"
    plain = run_cli("convert", *map(str, SEED_FILES), "-o", str(tmp_path / "plain.nt"))
    result = run_cli("convert", str(records), "-o", str(tmp_path / "out.nt"), "--errors", str(errors))
    assert result.returncode == 0, result.stderr
    found = [json.loads(line) for line in errors.read_text().splitlines() if '"unmapped-field"' in line]
    assert found == [
        {
            "source": str(records / "0.md"),
            "kind": "unmapped-field",
            "message": f"unmapped field 'layout' in 2 records (first: {records / '0.md'}); not converted",
            "field": "layout",
            "severity": "warning",
        }
    ]

    def warnings(stderr: str) -> int:
        return int(stderr.rsplit(" warning", 1)[0].rsplit(", ", 1)[1])

    assert warnings(result.stderr) == warnings(plain.stderr) + 1
    assert "warning: unmapped-field: 1 in all" in result.stderr


def _run_bytes(*args: str, data: bytes, cwd: Path | None = None) -> subprocess.CompletedProcess[bytes]:
    """The CLI with binary standard input (run_cli passes text)."""
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1700000000"}
    return subprocess.run(
        [sys.executable, "-m", "pfocr_rdf", *args], input=data, capture_output=True, env=env, cwd=cwd, timeout=300
    )


def test_gzipped_records_are_read_by_their_content_files_stdin_and_folders(tmp_path: Path) -> None:
    record = SEED_FILES[0].read_bytes()
    (tmp_path / "rec.md.gz").write_bytes(gzip.compress(record))
    shutil.copytree(SEEDS / "_data", tmp_path / "_data")
    named = run_cli("validate", str(tmp_path / "rec.md.gz"))
    assert named.returncode == 0, named.stdout + named.stderr
    assert f"{tmp_path / 'rec.md.gz'}: conforms" in named.stdout
    piped = _run_bytes("validate", "-", "--tables", str(SEEDS / "_data"), data=gzip.compress(record))
    assert piped.returncode == 0, piped.stdout + piped.stderr
    assert b"<stdin>: conforms" in piped.stdout
    converted = _run_bytes("convert", "-", "-q", data=gzip.compress(record))
    assert converted.returncode == 0 and b"PMC6459341__oncotarget-10-2068-g007" in converted.stdout
    walked = run_cli("convert", str(tmp_path), "-o", str(tmp_path / "out.nt"))
    assert walked.returncode == 0 and "pfocr-rdf: 1 record, " in walked.stderr, walked.stderr
    figure = "<https://pfocr.wikipathways.org/figures/PMC6459341__oncotarget-10-2068-g007.html>"
    assert figure in (tmp_path / "out.nt").read_text()


def test_a_gzip_bomb_stops_at_the_file_size_limit(tmp_path: Path) -> None:
    bomb = gzip.compress(b"---\nfigid: x\n" + b"a" * 5_000_000)
    (tmp_path / "bomb.md.gz").write_bytes(bomb)
    named = run_cli("validate", str(tmp_path / "bomb.md.gz"), "--max-file-size", "100000")
    assert named.returncode == 2
    assert "larger than 100,000 bytes; raise --max-file-size if it is genuine [file-too-large]" in named.stdout
    piped = _run_bytes("validate", "-", "--max-file-size", "100000", data=bomb)
    assert piped.returncode == 2
    assert piped.stderr.decode().splitlines() == [
        "pfocr-rdf: error: standard input holds a record that cannot be read: the file is larger than 100,000 bytes; "
        "raise --max-file-size if it is genuine [file-too-large]"
    ]


def test_rdf_named_without_an_extension_is_read_by_its_content(tmp_path: Path) -> None:
    turtle = run_cli("convert", str(SEED_FILES[0]), "-f", "ttl", "-q")
    (tmp_path / "data.bin").write_bytes(gzip.compress(turtle.stdout.encode()))
    result = run_cli("validate", str(tmp_path / "data.bin"))
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"{tmp_path / 'data.bin'}: conforms" in result.stdout


def test_rdf_files_in_a_folder_are_inputs_of_validate_load_and_query(tmp_path: Path) -> None:
    shards = tmp_path / "shards"
    made = run_cli("convert", *map(str, SEED_FILES), "-o", str(shards), "--shard-size", "1", "-q")
    assert made.returncode == 0, made.stderr
    validated = run_cli("validate", str(shards))
    assert validated.returncode == 0
    assert "pfocr-rdf validate: 3 files, 0 with violations" in validated.stdout  # two shards and the description
    loaded = run_cli("load", str(shards), "--store", str(tmp_path / "store"))
    assert loaded.returncode == 0, loaded.stderr
    ask = 'ASK { ?f <http://purl.org/dc/terms/identifier> "PMC6459341__oncotarget-10-2068-g007" }'
    for where in (["--store", str(tmp_path / "store")], [str(shards)]):
        answered = run_cli("query", ask, *where)
        assert answered.stdout == "true\n", answered.stderr


def test_inputs_without_records_are_a_usage_error_and_leave_the_output_alone(tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    release = tmp_path / "release.nt"
    release.write_text("<urn:x:a> <urn:x:b> <urn:x:c> .\n")
    converted = run_cli("convert", str(empty), "-o", str(release))
    assert (converted.returncode, converted.stderr) == (2, f"pfocr-rdf: error: no records found in {empty}\n")
    assert release.read_text() == "<urn:x:a> <urn:x:b> <urn:x:c> .\n"
    for args in (["validate", str(empty)], ["load", str(empty), "--store", str(tmp_path / "s")], ["query", "ASK {}", str(empty)]):
        result = run_cli(*args)
        assert (result.returncode, result.stderr) == (2, f"pfocr-rdf: error: no records or RDF files found in {empty}\n")


def test_a_store_folder_must_be_a_store(tmp_path: Path) -> None:
    folder = tmp_path / "notastore"
    folder.mkdir()
    (folder / "important.txt").write_text("keep me\n")
    loaded = run_cli("load", str(SEED_FILES[0]), "--store", str(folder))
    assert loaded.returncode == 2
    assert loaded.stderr == (
        f"pfocr-rdf: error: {folder} is not empty and not a pfocr-rdf/Oxigraph store (it holds important.txt): "
        "give a new or empty folder, or a store\n"
    )
    assert [p.name for p in folder.iterdir()] == ["important.txt"]
    asked = run_cli("query", "ASK {}", "--store", str(folder))
    assert (asked.returncode, asked.stderr) == (
        2, f"pfocr-rdf: error: {folder} is not a pfocr-rdf/Oxigraph store (no Oxigraph database in it)\n"
    )  # fmt: skip
    empty = tmp_path / "empty"
    empty.mkdir()
    assert run_cli("load", str(SEED_FILES[0]), "--store", str(empty), "-q").returncode == 0
    assert run_cli("load", str(SEED_FILES[1]), "--store", str(empty), "-q").returncode == 0  # a store now


def test_a_blank_node_property_shape_is_named_by_its_node_shape_and_path(tmp_path: Path) -> None:
    shapes = tmp_path / "shapes"
    shapes.mkdir()
    (shapes / "s.ttl").write_text(
        "@prefix sh: <http://www.w3.org/ns/shacl#> .\n@prefix ex: <http://example.org/> .\n"
        "@prefix fabio: <http://purl.org/spar/fabio/> .\n"
        "ex:FigureShape a sh:NodeShape ; sh:targetClass fabio:JournalArticle ;\n"
        '  sh:property [ sh:path fabio:hasPublicationYear ; sh:maxCount 0 ; sh:message "no year" ] .\n'
    )
    for engine in ("fast", "pyshacl"):
        text = run_cli("validate", str(SEED_FILES[0]), "--shapes", str(shapes), "--engine", engine)
        assert text.returncode == 1
        assert "  violation hasPublicationYear: no year at <https://identifiers.org/pmc/PMC6459341> " \
               "[shape:FigureShape/hasPublicationYear]\n" in text.stdout  # fmt: skip
        report = run_cli("validate", str(SEED_FILES[0]), "--shapes", str(shapes), "--engine", engine, "--format", "json")
        (result,) = json.loads(report.stdout)["files"][0]["results"]
        assert result["sourceShape"].startswith("_:")  # the real node


def test_validate_and_load_help_name_every_exit_status() -> None:
    for command in ("validate", "load"):
        shown = " ".join(run_cli(command, "--help").stdout.split())
        assert "130 interrupted (Ctrl-C)" in shown and "143 stopped (SIGTERM)" in shown


def test_an_unknown_output_extension_names_gmt_among_the_formats(tmp_path: Path) -> None:
    result = run_cli("convert", str(SEED_FILES[0]), "-o", str(tmp_path / "out.xyz"))
    assert result.returncode == 2
    assert "give --format (ttl, nt, nq, trig, jsonld, gmt)" in result.stderr


def test_a_log_gives_no_time_left_before_it_knows_a_rate(monkeypatch: pytest.MonkeyPatch) -> None:
    from pfocr_rdf.run import report

    clock = iter([0.0, 1.5, 1.6, 5.01])  # started; the first record after the workers' start; then the run's pace
    monkeypatch.setattr(report.time, "monotonic", lambda: next(clock))
    stream = io.StringIO()
    progress = report.LogProgress(stream, "converting", 0.0)
    progress(1, 400)  # 1.5 s for the first record: no rate yet
    progress(2, 400)  # 0.1 s later: still none
    progress(352, 400)  # 350 records in 3.5 s: 100 a second
    assert stream.getvalue().splitlines() == [
        "pfocr-rdf: converting: 1 of 400 records (0.2%)",
        "pfocr-rdf: converting: 2 of 400 records (0.5%)",
        "pfocr-rdf: converting: 352 of 400 records (88.0%), 100.0 records/s, about 0 s left",
    ]
