"""Bad and hostile input: every good record converted, every bad one named, nothing lost or fetched."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyoxigraph as ox
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pfocr_rdf import interrupts
from pfocr_rdf.rdf.formats import FORMATS
from pfocr_rdf.read.rdfio import ox_format
from pfocr_rdf.read.record import KNOWN_FIELDS, MISSING_TEXT
from pfocr_rdf.read.sources import RecordSource
from pfocr_rdf.run.pipeline import ConvertOptions, convert_source
from pfocr_rdf.write.outputs import AtomicOutput
from pfocr_rdf.write.serialize import chunk, document_end, document_start

from conftest import FIGURES, ROOT, SAMPLE_FILES, SEED_FILES, TABLES, run_cli, run_cli_process, writing_a_temporary_file

GOOD = [FIGURES / "PMC10034769__fphar-14-1067402-g009.md", FIGURES / "PMC10031380__sc1.md", SEED_FILES[1]]
SEED_TEXT = SEED_FILES[0].read_text(encoding="utf-8")


def seed_variant(**changes: object) -> bytes:
    """The first seed with some fields changed (None deletes a field), as a record file's bytes."""
    data = yaml.load(SEED_TEXT.split("\n---")[0][4:], Loader=yaml.BaseLoader)
    for key, value in changes.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    return ("---\n" + yaml.safe_dump(data, allow_unicode=True, sort_keys=False) + "---\n").encode("utf-8")


def with_context(context: object, figid: str) -> bytes:
    block = yaml.load(SEED_TEXT.split("\n---")[0][4:], Loader=yaml.BaseLoader)["schema-jsonld"]
    return seed_variant(figid=figid, **{"schema-jsonld": {**block, "@context": context}})


# Records with a JSON-LD context of their own: converted, the context ignored (never fetched) and warned about.
def _warned_files() -> dict[str, tuple[bytes, str]]:
    return {
        "remote-context.md": (with_context("https://evil.example/ctx.jsonld", "PMC6459341__remote"), "jsonld-context-ignored"),
        "inline-context.md": (with_context({"@vocab": "http://example.org/"}, "PMC6459341__inline"), "jsonld-context-ignored"),
    }


def bomb() -> str:
    lines = ["a: &a [x, x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 8):
        lines.append(f"{chr(97 + i)}: &{chr(97 + i)} [" + ", ".join([f"*{chr(96 + i)}"] * 10) + "]")
    return "---\n" + "\n".join(lines) + "\n---\n"


# file name -> (bytes, the error kind the summary must name it with)
BAD_FILES: dict[str, tuple[bytes, str]] = {
    "unclosed.md": (b"---\nfigid: PMC1__x\ntitle: never closed\n", "unclosed-front-matter"),
    "invalid-yaml.md": (b"---\nfigid: PMC1__x\nfigtitle: [unterminated\n---\n", "invalid-yaml"),
    "not-a-mapping.md": (b"---\n- just\n- a list\n---\n", "front-matter-not-mapping"),
    "latin1.md": (SEED_TEXT.replace("IL-1β", "IL-1\xdf").encode("latin-1", "replace"), "not-utf8"),
    "binary.md": (b"---\n\x00\x01\x02\x03PNG\x00\x00", "not-text"),
    "wrong-type.md": (seed_variant(figid="PMC6459341__wrongtype", figtitle=["a", "list"]), "wrong-type"),
    "no-figid.md": (seed_variant(figid=None), "shape:Figure-identifier"),
    "no-pmcid.md": (seed_variant(figid="PMC6459341__nopmcid", pmcid=None), "shape:Figure-paper"),
    "duplicate.md": (SEED_FILES[1].read_bytes(), "duplicate-figid"),
    "bomb.md": (bomb().encode(), "yaml-too-large"),
    "deep.md": (b"---\na: " + b"[" * 5000 + b"]" * 5000 + b"\n---\n", "yaml-too-deep"),
    "huge.md": (b"---\nfigid: PMC1__huge\ncaption: " + b"x" * 300_000 + b"\n---\n", "file-too-large"),
}


WARNED_FILES = _warned_files()


@pytest.fixture(scope="module")
def bad_corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("bad") / "corpus"
    folder.mkdir()
    for path in GOOD:
        shutil.copy(path, folder / path.name)
    for table in TABLES.glob("PMC10034769__fphar-14-1067402-g009-*.tsv"):
        shutil.copy(table, folder / table.name)
    (folder / "PMC10034769__fphar-14-1067402-g009-diseases.tsv").write_text("word\tmesh\nragged\n")  # malformed table
    for name, (data, _) in {**BAD_FILES, **WARNED_FILES}.items():
        (folder / name).write_bytes(data)
    (folder / "empty.md").write_bytes(b"")
    (folder / "notes.txt").write_text("Just notes, no front matter.\n")
    return folder


@pytest.fixture(scope="module")
def bad_run(bad_corpus: Path) -> tuple[subprocess.CompletedProcess[str], Path, Path]:
    out, errors = bad_corpus.parent / "out.nq", bad_corpus.parent / "errors.jsonl"
    result = run_cli("convert", str(bad_corpus), "-o", str(out), "--errors", str(errors), "--max-file-size", "200000", "-j", "2")
    return result, out, errors


def test_every_good_record_is_in_a_strictly_parseable_output(bad_run) -> None:
    result, out, _ = bad_run
    graphs = {str(q.graph_name) for q in ox.parse(path=str(out), format=ox.RdfFormat.N_QUADS)}
    expected = {
        f"<https://pfocr.wikipathways.org/figures/{p.stem if p.suffix == '.md' else 'PMC8932105__12935_2022_2527_Fig7_HTML'}.html>"
        for p in GOOD
    }
    assert expected <= graphs
    assert "pfocr-rdf: 5 records" in result.stderr  # the three good ones and the two with a context of their own


@pytest.mark.parametrize("name", sorted(WARNED_FILES))
def test_a_context_of_its_own_is_ignored_with_a_warning_and_the_record_kept(bad_run, bad_corpus: Path, name: str) -> None:
    _, out, errors = bad_run
    figid = {"remote-context.md": "PMC6459341__remote", "inline-context.md": "PMC6459341__inline"}[name]
    graphs = {str(q.graph_name) for q in ox.parse(path=str(out), format=ox.RdfFormat.N_QUADS)}
    assert f"<https://pfocr.wikipathways.org/figures/{figid}.html>" in graphs
    findings = [json.loads(line) for line in errors.read_text(encoding="utf-8").splitlines()]
    assert {(f["kind"], f["severity"], f["field"]) for f in findings if f["source"] == str(bad_corpus / name)} >= {
        ("jsonld-context-ignored", "warning", "schema-jsonld.@context")
    }


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_every_bad_file_is_named_with_its_reason(bad_run, bad_corpus: Path, name: str) -> None:
    result, _, _ = bad_run
    kind = BAD_FILES[name][1]
    lines = [line for line in result.stderr.splitlines() if line.startswith(f"error: {bad_corpus / name}")]
    assert any(line.endswith(f"[{kind}]") for line in lines), result.stderr


def test_files_that_are_not_records_are_named_as_skipped(bad_run, bad_corpus: Path) -> None:
    result, _, _ = bad_run
    assert f"skipped: {bad_corpus / 'empty.md'}: empty file (not a record)" in result.stderr
    assert f"skipped: {bad_corpus / 'notes.txt'}: no front matter (not a record)" in result.stderr


def test_duplicate_figid_names_both_files(bad_run, bad_corpus: Path) -> None:
    result, _, _ = bad_run
    line = next(line for line in result.stderr.splitlines() if "[duplicate-figid]" in line)
    assert str(bad_corpus / "duplicate.md") in line and str(SEED_FILES[1].name) in line


def test_malformed_table_is_a_warning_and_the_record_still_converts(bad_run) -> None:
    result, out, _ = bad_run
    assert "warning: ragged-row" in result.stderr
    assert "#gene-24498>" in out.read_text(encoding="utf-8")


def test_exit_status_is_one_when_some_records_failed(bad_run) -> None:
    assert bad_run[0].returncode == 1


def test_errors_file_holds_every_failure_as_json_lines(bad_run, bad_corpus: Path) -> None:
    _, _, errors = bad_run
    records = [json.loads(line) for line in errors.read_text(encoding="utf-8").splitlines()]
    failed = {r["source"] for r in records if r["severity"] == "error"}
    assert {str(bad_corpus / name) for name in BAD_FILES} <= failed
    assert all({"source", "kind", "message", "severity"} <= set(r) for r in records)


def test_each_error_is_one_line(bad_run) -> None:
    result, _, _ = bad_run
    for line in result.stderr.splitlines():
        if line.startswith("error: "):
            assert line.endswith("]"), line


def test_fail_fast_stops_at_the_first_failure(bad_corpus: Path, tmp_path: Path) -> None:
    result = run_cli("convert", str(bad_corpus), "-o", str(tmp_path / "out.nt"), "--fail-fast", "-j", "1")
    assert result.returncode == 1
    assert "(stopped at the first failure)" in result.stderr
    assert sum(line.startswith("error: ") for line in result.stderr.splitlines()) < len(BAD_FILES)


def test_exit_status_two_for_usage_errors(tmp_path: Path) -> None:
    assert run_cli("convert", str(SEED_FILES[0]), "--workers", "0").returncode == 2
    assert run_cli("convert", str(SEED_FILES[0]), "-o", str(tmp_path / "no" / "such" / "dir.nt")).returncode == 2
    assert run_cli("convert", str(tmp_path / "missing.md")).returncode == 2
    assert run_cli("convert", str(SEED_FILES[0]), "-o", str(tmp_path / "x.unknown")).returncode == 2


def test_exit_status_zero_when_all_is_well(tmp_path: Path) -> None:
    assert run_cli("convert", *map(str, GOOD), "-o", str(tmp_path / "x.nt")).returncode == 0


# ---- interrupted runs


def make_corpus(folder: Path, copies: int) -> Path:
    figures = folder / "_figures"
    figures.mkdir(parents=True)
    for i in range(copies):
        for path in SAMPLE_FILES:
            text = path.read_text(encoding="utf-8").replace(path.stem, f"{path.stem}-c{i}")
            (figures / f"{path.stem}-c{i}.md").write_text(text, encoding="utf-8")
    return folder


# Ctrl-C at its default, as in a foreground job: a test run started in the background (`pytest &` in a
# script) ignores it, its children inherit that, and an ignored Ctrl-C is rightly left ignored.
AS_A_TERMINAL_STARTS_IT = [
    sys.executable, "-c",
    "import os, signal, sys; signal.signal(signal.SIGINT, signal.SIG_DFL); os.execv(sys.executable, [sys.executable, *sys.argv[1:]])",
]  # fmt: skip


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
def test_an_interrupted_run_leaves_the_previous_output_intact(tmp_path: Path, sig: signal.Signals) -> None:
    corpus = make_corpus(tmp_path / "corpus", 60)  # 2,700 records: a few seconds of work
    out = tmp_path / "out.nt"
    out.write_text("previous output\n")
    # a process of its own (and process group): it is signalled as a terminal's Ctrl-C signals a job
    process = subprocess.Popen(
        [*AS_A_TERMINAL_STARTS_IT, "-m", "pfocr_rdf", "convert", str(corpus), "-o", str(out), "-j", "2", "--reference"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 60
        while not writing_a_temporary_file(process.pid, tmp_path):  # wait until it is writing
            assert process.poll() is None, process.communicate()
            assert time.monotonic() < deadline
            time.sleep(0.05)
        time.sleep(0.3)
        os.killpg(process.pid, sig)  # as a terminal's Ctrl-C does: the whole process group
        _, stderr = process.communicate(timeout=60)
    finally:  # a run that hangs fails the test, and must not outlive it
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.communicate()
    assert process.returncode == 128 + sig, stderr[-2000:]
    assert "interrupted; earlier output files are unchanged" in stderr
    assert "Traceback" not in stderr
    assert out.read_text() == "previous output\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["corpus", "out.nt"]


@pytest.mark.skipif(not hasattr(os, "O_TMPFILE"), reason="unnamed temporary files are Linux's (O_TMPFILE)")
def test_a_killed_run_leaves_no_temporary_file(tmp_path: Path) -> None:
    """kill -9 (an out-of-memory kill, a cluster's wall-time limit) runs no clean-up: the output being
    written has no name until it is complete, so nothing is left beside the previous output."""
    corpus = make_corpus(tmp_path / "corpus", 20)
    out = tmp_path / "out.nt"
    out.write_text("previous output\n")
    command = [sys.executable, "-m", "pfocr_rdf", "convert", str(corpus), "-o", str(out), "-j", "2", "--reference"]
    process = subprocess.Popen(command, cwd=ROOT, stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while not writing_a_temporary_file(process.pid, tmp_path):
            assert process.poll() is None, process.communicate()
            assert time.monotonic() < deadline
            time.sleep(0.05)
        time.sleep(0.3)
    finally:
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
    assert process.returncode == -signal.SIGKILL
    assert out.read_text() == "previous output\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["corpus", "out.nt"]


# ---- no network

GUARD = """
import sys
def _guard(event, args):
    if event in ("socket.getaddrinfo", "socket.gethostbyname", "socket.gethostbyname_ex", "socket.gethostbyaddr"):
        raise OSError("pfocr-rdf test guard: name lookup attempted: %r" % (args,))
    if event in ("socket.connect", "socket.connect_ex", "socket.bind", "socket.sendto", "socket.sendmsg"):
        address = args[1] if len(args) > 1 else None
        if isinstance(address, tuple):
            raise OSError("pfocr-rdf test guard: network access attempted: %r" % (address,))
sys.addaudithook(_guard)
"""


@pytest.fixture
def guarded_env(tmp_path: Path) -> dict[str, str]:
    """Every Python process started with this environment fails any network access (audit hook)."""
    folder = tmp_path / "guard"
    folder.mkdir()
    (folder / "sitecustomize.py").write_text(GUARD)
    return {"PYTHONPATH": str(folder)}


def test_the_guard_catches_network_access(guarded_env: dict[str, str]) -> None:
    code = "import socket; socket.create_connection(('127.0.0.1', 9), timeout=1)"
    result = subprocess.run([sys.executable, "-c", code], env={**os.environ, **guarded_env}, capture_output=True, text=True)
    assert result.returncode != 0 and "test guard: name lookup attempted" in result.stderr


def test_convert_validate_load_and_query_never_open_a_socket(
    guarded_env: dict[str, str], tmp_path: Path, bad_corpus: Path
) -> None:
    # Processes of their own: the guard is a sitecustomize module, which only a starting interpreter loads.
    out = tmp_path / "out.ttl"
    result = run_cli_process("convert", str(bad_corpus), str(SEED_FILES[0]), "-o", str(out), "-j", "2", env=guarded_env)
    assert result.returncode == 1 and "test guard" not in result.stderr
    assert "jsonld-context-ignored" in result.stderr  # a remote context is ignored, never fetched
    result = run_cli_process("validate", str(out), str(SEED_FILES[0]), env=guarded_env)
    assert result.returncode == 0 and "test guard" not in result.stderr + result.stdout
    result = run_cli_process(
        "convert", str(SEED_FILES[0]), "--engine", "pyshacl", "--reference", "-o", str(tmp_path / "r.nt"), env=guarded_env
    )
    assert result.returncode == 0 and "test guard" not in result.stderr
    result = run_cli_process("load", str(SEED_FILES[0]), str(out), "--store", str(tmp_path / "store"), env=guarded_env)
    assert result.returncode == 0 and "test guard" not in result.stderr
    result = run_cli_process("query", "figures-per-species", "--store", str(tmp_path / "store"), env=guarded_env)
    assert result.returncode == 0 and "test guard" not in result.stderr


# ---- IRIs and literals from hostile data

TRICKY = [
    'quote " backslash \\ done',
    "line\nbreak\r\n",
    "tab\there",
    "nul\x00bell\x07del\x7f",
    "separators \u2028 \u2029",
    "astral \U0001f600 \U00010348",
    "bom \ufeff and \ufffe",
    "C1 \x85 \x9f",
    "<angle> {brace} |pipe| ^caret^ `tick`",
    "percent %zz %41",
    "#hash ?query /slash",
    "  padded  ",
    "ünïcödé Ωμέγα 漢字",
]


def round_trip(graph_nodes: dict) -> None:
    """Every output format parses in pyoxigraph to exactly our triples (literals byte for byte)."""
    ours = {f"{s} {p} {o} ." for s, props in graph_nodes.items() for p, objs in props.items() for o in objs}
    for rdf_format in FORMATS.values():
        text = (
            document_start(rdf_format)
            + chunk(rdf_format, graph_nodes.items(), "<https://example.org/g>")
            + document_end(rdf_format)
        )
        parsed = {f"{q.subject} {q.predicate} {q.object} ." for q in ox.parse(text.encode("utf-8"), format=ox_format(rdf_format))}
        assert parsed == ours, rdf_format.name


@pytest.mark.parametrize("text", TRICKY)
def test_tricky_text_everywhere_makes_valid_iris_and_exact_literals(text: str, tmp_path: Path) -> None:
    data = yaml.safe_load(SEED_TEXT.split("\n---")[0][4:])
    figid = "PMC6459341__" + text
    data.update(
        figid=figid,
        figtitle=text,
        caption=text,
        doi="10.1000/" + text,
        figlink="/pmc/" + text,
        filename=text,
        number=text,
        keywords=text,
        organisms=[text, "Homo sapiens"],
        ndex=text,
        wpid=text,
    )
    data["schema-jsonld"]["keywords"] = [text, text + "2"]
    data["schema-jsonld"]["description"] = text
    record = tmp_path / "r.md"
    record.write_text("---\n" + yaml.safe_dump(data, allow_unicode=True) + "---\n", encoding="utf-8")
    table = tmp_path / f"{figid}-genes.tsv".replace("/", "%2F")
    if "/" not in figid and "\n" not in figid and "\x00" not in figid:
        header = "organism_id\torganism_name\tword\tmatch\tncbigene_symbol\tncbigene_id\tsource"
        clean = text.replace("\t", " ").replace("\n", " ").replace("\r", " ")
        table.write_text(f"{header}\n9606\tHomo sapiens\t{clean}\t{clean}\t{clean}\t7124\t{clean}\n", encoding="utf-8")
    outcome = convert_source(RecordSource(str(record), str(record), (str(tmp_path),)), ConvertOptions())
    assert outcome.error is None, outcome.error
    assert outcome.graph is not None
    round_trip(outcome.graph.nodes)
    # raptor 2.0.15 refuses the non-characters U+FFFE and U+FFFF even when escaped (they are valid RDF
    # and round-trip in pyoxigraph above); everything else must satisfy it too.
    if shutil.which("rapper") and "\ufffe" not in text:
        nt = tmp_path / "out.nt"
        nt.write_text(chunk(FORMATS["nt"], outcome.graph.nodes.items(), None), encoding="utf-8")
        check = subprocess.run(["rapper", "-q", "-i", "ntriples", "-c", str(nt)], capture_output=True, text=True)
        assert check.returncode == 0, check.stderr


KNOWN_KEYS = sorted(KNOWN_FIELDS)  # random records use the real field names, so they reach the mapping
scalars = st.one_of(
    st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=30),
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.none(),
    st.sampled_from(sorted(MISSING_TEXT)),
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=10), inner, max_size=4)),
    max_leaves=12,
)
jsonld_blocks = st.fixed_dictionaries(
    {
        "@context": st.sampled_from(["https://schema.org/", "http://schema.org", "https://example.org/ctx"]),
        "@type": st.just("Dataset"),
    },
    optional={
        "name": values,
        "description": values,
        "keywords": values,
        "license": values,
        "creator": values,
        "url": values,
        "@id": values,
    },
)
front_matter = st.dictionaries(st.sampled_from(KNOWN_KEYS) | st.text(max_size=12), values, max_size=12).flatmap(
    lambda d: st.builds(lambda block: {**d, "schema-jsonld": block} if "schema-jsonld" in d else d, jsonld_blocks)
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(data=front_matter)
def test_random_front_matter_never_crashes_and_always_gives_parseable_rdf(data: dict, tmp_path: Path) -> None:
    text = "---\n" + yaml.safe_dump(data, allow_unicode=True) + "---\n"
    source = RecordSource("random.md", "random.md", (str(tmp_path),), True, text)
    outcome = convert_source(source, ConvertOptions())  # must not raise, whatever the input
    assert (outcome.graph is None) == (outcome.error is not None)
    if outcome.graph is not None:
        round_trip(outcome.graph.nodes)


@settings(max_examples=200, deadline=None)
@given(
    cells=st.lists(
        st.lists(
            st.text(
                alphabet=st.characters(
                    exclude_categories=("Cs",), exclude_characters="\t\r\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
                ),
                max_size=12,
            ),
            min_size=7,
            max_size=7,
        ),
        max_size=6,
    )
)
def test_random_table_cells_never_crash_and_give_parseable_rdf(cells: list[list[str]]) -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        header = "organism_id\torganism_name\tword\tmatch\tncbigene_symbol\tncbigene_id\tsource"
        rows = "\n".join("\t".join(row) for row in cells)
        (Path(folder) / "PMC6459341__oncotarget-10-2068-g007-genes.tsv").write_text(header + "\n" + rows + "\n", encoding="utf-8")
        (Path(folder) / "PMC6459341__oncotarget-10-2068-g007-chemicals.tsv").write_text(
            "word\tmesh\tmatch\tname\tchebi\n" + "\n".join("\t".join(row[:5]) for row in cells) + "\n", encoding="utf-8"
        )
        source = RecordSource("seed.md", "seed.md", (folder,), True, SEED_TEXT)
        outcome = convert_source(source, ConvertOptions())
        assert outcome.error is None and outcome.graph is not None
        round_trip(outcome.graph.nodes)


def test_an_interrupt_swallowed_on_its_way_up_still_discards_the_output(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Python drops a KeyboardInterrupt raised inside a finaliser; the recorded request still stops the commit."""
    out = tmp_path / "out.nt"
    out.write_text("previous output\n")
    monkeypatch.setattr(interrupts, "_requested", signal.SIGTERM)
    with pytest.raises(interrupts.Terminated), AtomicOutput(str(out)) as output:
        output.write("<a> <b> <c> .\n")
    assert out.read_text() == "previous output\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.nt"]
