"""The bytes `convert` writes are pinned: for the sample corpus and a generated one, in every RDF format,
one worker and two (each with its own hash seed) write the same file, and that file's SHA-256 is the one
committed in tests/data/golden/pinned-output.json. A speed-up must leave them alone; a change of the data
model changes them on purpose: rewrite the digests with

    PFOCR_RDF_PIN_OUTPUT=write pytest tests/test_output_pinned.py -n 0

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

from conftest import DATA, ROOT, SAMPLE, run_cli_process

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


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("corpus", ["sample", "generated"])
def test_output_is_the_same_bytes_whatever_the_workers_and_hash_seed(
    corpora: dict[str, Path], corpus: str, fmt: str, tmp_path: Path
) -> None:
    written = {}
    for workers, seed in (("1", "0"), ("2", "4242")):
        out = tmp_path / f"out-{workers}.{fmt}"
        # a process of its own: the hash seed is chosen when an interpreter starts
        result = run_cli_process(
            "convert", str(corpora[corpus]), "-o", str(out), "-j", workers, "-q", env={"PYTHONHASHSEED": seed}
        )
        assert result.returncode in (0, 1), result.stderr  # 1: the sample has records that fail on purpose
        written[workers] = digest(out)
    assert written["1"] == written["2"], f"{corpus} {fmt}: one worker and two wrote different bytes"
    pinned = json.loads(PINNED.read_text(encoding="utf-8")) if PINNED.exists() else {}
    key = f"{corpus}.{fmt}"
    if WRITE:
        pinned[key] = written["1"]
        PINNED.write_text(json.dumps(pinned, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    assert pinned.get(key) == written["1"], f"{key}: the output changed (see this module's docstring)"
