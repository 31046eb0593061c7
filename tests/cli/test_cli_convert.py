"""`pfocr-rdf convert` end to end: sources, outputs, summary, determinism, atomic writes."""

from __future__ import annotations

import os
import shutil
import stat
import threading
from pathlib import Path

import pyoxigraph as ox

from conftest import DATA, FIGURES, SAMPLE, SAMPLE_FILES, SEED_FILES, SEEDS, TABLES, run_cli


def subjects_of(path: Path, fmt: ox.RdfFormat = ox.RdfFormat.N_TRIPLES) -> set[str]:
    return {q.subject.value for q in ox.parse(path=str(path), format=fmt) if isinstance(q.subject, ox.NamedNode)}


def figure_ids(path: Path, fmt: ox.RdfFormat = ox.RdfFormat.N_TRIPLES) -> set[str]:
    return {
        q.object.value
        for q in ox.parse(path=str(path), format=fmt)
        if q.predicate.value == "http://purl.org/dc/terms/identifier" and "#" not in q.subject.value
    }


def test_readme_command_converts_the_seeds(tmp_path: Path) -> None:
    out = tmp_path / "out.ttl"
    result = run_cli("convert", "seeds/", "-o", str(out))
    assert result.returncode == 0, result.stderr
    assert figure_ids(out, ox.RdfFormat.TURTLE) == {
        "PMC6459341__oncotarget-10-2068-g007",
        "PMC8932105__12935_2022_2527_Fig7_HTML",
    }
    # one summary line at the end; the seeds' README.md is not a record and is skipped, not an error
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("pfocr-rdf: 2 records, ") and "0 failed" in last and "1 file skipped" in last
    # the seeds' companion tables in seeds/_data/ are found: both figures show their genes, one a chemical
    text = out.read_text(encoding="utf-8")
    assert "no genes were found" not in result.stderr and "0 warnings" in last
    for seed in ("PMC6459341__oncotarget-10-2068-g007", "PMC8932105__12935_2022_2527_Fig7_HTML"):
        assert f"{seed}.html#gene-" in text
    assert "PMC8932105__12935_2022_2527_Fig7_HTML.html#chemical-C093642" in text


def test_all_sample_records_convert_without_error(tmp_path: Path) -> None:
    out = tmp_path / "sample.nt"
    result = run_cli("convert", str(SAMPLE), "-o", str(out))
    assert result.returncode == 0, result.stderr
    assert "pfocr-rdf: 45 records" in result.stderr and " 0 failed" in result.stderr
    assert figure_ids(out) == {p.stem for p in SAMPLE_FILES}


def test_a_site_checkout_finds_figures_tables_and_organism_pages(tmp_path: Path) -> None:
    site = tmp_path / "pfocr-database"
    (site / "_figures").mkdir(parents=True)
    shutil.copytree(TABLES, site / "_data")
    shutil.copytree(DATA / "site_organisms", site / "_organisms")
    (site / "_organisms" / "testus_organismus.md").write_text("---\nlatin: Testus organismus\nncbi: '999999999'\n---\n")
    (site / "index.md").write_text("---\nlayout: home\n---\nNot a figure\n")  # site pages are not records
    record = FIGURES / "PMC10034769__fphar-14-1067402-g009.md"
    text = record.read_text(encoding="utf-8").replace("- Homo sapiens\n", "- Homo sapiens\n- Testus organismus\n", 1)
    (site / "_figures" / record.name).write_text(text, encoding="utf-8")
    out = tmp_path / "site.nt"
    result = run_cli("convert", str(site), "-o", str(out))
    assert result.returncode == 0, result.stderr
    assert "pfocr-rdf: 1 record," in result.stderr
    nt = out.read_text(encoding="utf-8")
    assert "<http://purl.obolibrary.org/obo/NCBITaxon_999999999>" in nt  # from the site's _organisms page
    assert "#gene-117519>" in nt  # from the site's _data/ genes TSV
    # naming _figures/ itself finds the same _data/ and _organisms/
    out2 = tmp_path / "figures.nt"
    assert run_cli("convert", str(site / "_figures"), "-o", str(out2)).returncode == 0
    assert out2.read_text(encoding="utf-8") == nt


def test_files_and_folders_mix_and_a_file_reached_twice_is_read_once(tmp_path: Path) -> None:
    out = tmp_path / "mix.nt"
    one = FIGURES / "PMC10031380__sc1.md"
    result = run_cli("convert", str(SEED_FILES[0]), str(SEEDS), str(one), str(one), "-o", str(out))
    assert result.returncode == 0, result.stderr
    assert "3 records" in result.stderr
    assert len(figure_ids(out)) == 3


def test_folders_are_searched_recursively_for_md_and_txt_records(tmp_path: Path) -> None:
    (tmp_path / "a" / "b").mkdir(parents=True)
    shutil.copy(SEED_FILES[0], tmp_path / "a" / "b" / "one.txt")
    shutil.copy(FIGURES / "PMC10031380__sc1.md", tmp_path / "a" / "two.md")
    (tmp_path / "a" / "notes.md").write_text("# just notes\n")
    (tmp_path / "a" / "data.csv").write_text("x,y\n")
    (tmp_path / ".hidden").mkdir()
    shutil.copy(SEED_FILES[1], tmp_path / ".hidden" / "three.txt")
    out = tmp_path / "out.nt"
    result = run_cli("convert", str(tmp_path / "a"), str(tmp_path / ".hidden"), "-o", str(out), "-v")
    assert result.returncode == 0, result.stderr
    assert "3 records" in result.stderr  # a hidden folder named on the command line is still read
    assert f"skipped: {tmp_path / 'a' / 'notes.md'}: no front matter (not a record)" in result.stderr


def test_one_record_on_stdin() -> None:
    text = SEED_FILES[1].read_text(encoding="utf-8")
    result = run_cli("convert", "-", "-f", "nt", "--no-void", "--tables", "seeds/_data", input=text)
    assert result.returncode == 0, result.stderr
    golden = (DATA / "golden" / f"{SEED_FILES[1].stem}.nt").read_text(encoding="utf-8").splitlines()
    assert set(result.stdout.splitlines()) == set(golden)


def test_stdin_record_finds_its_tables_with_the_tables_option() -> None:
    text = (FIGURES / "PMC10034769__fphar-14-1067402-g009.md").read_text(encoding="utf-8")
    result = run_cli("convert", "-", "--tables", str(TABLES), "-q", input=text)
    assert result.returncode == 0
    assert "#gene-117519>" in result.stdout


def test_quiet_prints_nothing_on_success() -> None:
    result = run_cli("convert", str(SEEDS), "-q", "-o", os.devnull, "-f", "nt")
    assert result.returncode == 0 and result.stderr == ""
    assert stat.S_ISCHR(os.stat(os.devnull).st_mode)  # written to, never replaced by a renamed file


def test_a_named_pipe_is_written_in_place_not_replaced(tmp_path: Path) -> None:
    fifo = tmp_path / "out.fifo"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()))
    reader.start()
    result = run_cli("convert", str(SEEDS), "-q", "-o", str(fifo), "-f", "nt")
    reader.join(timeout=60)
    assert result.returncode == 0, result.stderr
    assert stat.S_ISFIFO(os.stat(fifo).st_mode) and [p.name for p in tmp_path.iterdir()] == ["out.fifo"]
    lines = received[0].decode("utf-8").splitlines()
    assert len(lines) > 1_000 and all(line.endswith(" .") for line in lines)


def test_warnings_are_summarised_by_kind_and_listed_with_verbose(tmp_path: Path) -> None:
    quiet = run_cli("convert", str(SAMPLE), "-o", str(tmp_path / "a.nt"))
    assert "warning: unknown-organism: " in quiet.stderr and "more; --verbose lists them all" in quiet.stderr
    loud = run_cli("convert", str(SAMPLE), "-o", str(tmp_path / "b.nt"), "-v")
    assert loud.stderr.count("[unknown-organism]") > quiet.stderr.count("[unknown-organism]")


def test_output_is_byte_identical_whatever_the_number_of_workers(tmp_path: Path) -> None:
    many = tmp_path / "many"
    for i, path in enumerate(SAMPLE_FILES * 3):  # enough records for the worker pool to be used
        (many / "_figures").mkdir(parents=True, exist_ok=True)
        text = path.read_text(encoding="utf-8").replace(path.stem, f"{path.stem}-copy{i}")
        (many / "_figures" / f"{path.stem}-copy{i}.md").write_text(text, encoding="utf-8")
    results = []
    for workers in ("1", "2", "3"):
        out = tmp_path / f"w{workers}.nt.gz"
        assert run_cli("convert", str(many), "-o", str(out), "-j", workers).returncode == 0
        results.append(out.read_bytes())
    assert results[0] == results[1] == results[2]


def test_reading_and_writing_the_same_path_is_refused(tmp_path: Path) -> None:
    record = tmp_path / "r.txt"
    shutil.copy(SEED_FILES[0], record)
    before = record.read_bytes()
    result = run_cli("convert", str(record), "-o", str(record), "-f", "nt")
    assert result.returncode == 2
    assert "is also an input" in result.stderr
    assert record.read_bytes() == before


def test_a_failed_run_leaves_the_previous_output_in_place(tmp_path: Path) -> None:
    out = tmp_path / "out.nt"
    out.write_text("previous\n")
    result = run_cli("convert", str(tmp_path / "missing-folder"), "-o", str(out))
    assert result.returncode == 2
    assert out.read_text() == "previous\n"
    assert [p.name for p in tmp_path.iterdir()] == ["out.nt"]


def test_output_into_a_missing_folder_is_a_usage_error(tmp_path: Path) -> None:
    result = run_cli("convert", str(SEEDS), "-o", str(tmp_path / "nope" / "out.nt"))
    assert result.returncode == 2 and "does not exist" in result.stderr


def test_python_m_and_console_script_agree() -> None:
    from click.testing import CliRunner

    from pfocr_rdf.cli import main

    result = CliRunner().invoke(main, ["--version"])
    assert result.exit_code == 0 and "pfocr-rdf" in result.output
    assert run_cli("--version").stdout == result.output
