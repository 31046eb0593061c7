"""The bytes `convert` writes are pinned: for the sample corpus and a generated one, in every RDF format,
one worker and two (each with its own hash seed) write the same file, and that file's SHA-256 is the one
committed in tests/data/golden/pinned-output.json. A speed-up must leave them alone; a change of the data
model changes them on purpose: rewrite the digests with

    PFOCR_RDF_PIN_OUTPUT=write pytest tests/write/test_output_pinned.py -n 0

and review the diff of the outputs themselves before committing the new digests.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import DATA, ROOT, SAMPLE

PINNED = DATA / "golden" / "pinned-output.json"
FORMATS = ("nt", "nq", "ttl", "trig", "jsonld", "nt.gz")
WRITE = os.environ.get("PFOCR_RDF_PIN_OUTPUT") == "write"
GENERATED_RECORDS, GENERATED_SEED = 120, 19


@pytest.fixture(scope="module")
def corpora(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    generated = tmp_path_factory.mktemp("pinned") / "generated"
    command = [sys.executable, str(ROOT / "bench" / "generate.py"), "--records", str(GENERATED_RECORDS)]
    command += ["--out", str(generated), "--seed", str(GENERATED_SEED)]
    subprocess.run(command, check=True, capture_output=True, timeout=600)
    return {"sample": SAMPLE, "generated": generated}


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# One process for each corpus and way of running (its worker count and hash seed), which runs `convert` for
# every format through the in-process runner: the hash seed is the process's, chosen when it starts, and
# six start-ups of the interpreter become one.
CONVERT_EVERY_FORMAT = """
import json, sys
sys.path.insert(0, sys.argv[1])
from cli_runner import run_cli
corpus, folder, workers, formats = sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5:]
runs = {fmt: run_cli("convert", corpus, "-o", f"{folder}/out.{fmt}", "-j", workers, "-q") for fmt in formats}
print(json.dumps({fmt: [run.returncode, run.stderr] for fmt, run in runs.items()}))
"""
WAYS = (("1", "0"), ("2", "4242"))  # (workers, hash seed)


@pytest.fixture(scope="module")
def converted(corpora: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str], Path]:
    """(corpus, workers) -> the folder holding out.FORMAT for every format, each written by its own run."""
    folders = {}
    for corpus, source in corpora.items():
        for workers, seed in WAYS:
            folder = tmp_path_factory.mktemp(f"{corpus}-{workers}")
            command = [
                sys.executable,
                "-c",
                CONVERT_EVERY_FORMAT,
                str(ROOT / "tests"),
                str(source),
                str(folder),
                workers,
                *FORMATS,
            ]
            done = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, env={**os.environ, "PYTHONHASHSEED": seed})
            assert done.returncode == 0, done.stderr
            for fmt, (status, stderr) in json.loads(done.stdout).items():
                assert status in (0, 1), f"{corpus} {fmt} -j {workers}: {stderr}"  # 1: the sample fails records on purpose
            folders[(corpus, workers)] = folder
    return folders


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("corpus", ["sample", "generated"])
def test_output_is_the_same_bytes_whatever_the_workers_and_hash_seed(
    converted: dict[tuple[str, str], Path], corpus: str, fmt: str
) -> None:
    written = {workers: digest(converted[(corpus, workers)] / f"out.{fmt}") for workers, _ in WAYS}
    assert written["1"] == written["2"], f"{corpus} {fmt}: one worker and two wrote different bytes"
    pinned = json.loads(PINNED.read_text(encoding="utf-8")) if PINNED.exists() else {}
    key = f"{corpus}.{fmt}"
    if WRITE:
        pinned[key] = written["1"]
        PINNED.write_text(json.dumps(pinned, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    assert pinned.get(key) == written["1"], f"{key}: the output changed (see this module's docstring)"
