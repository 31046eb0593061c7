"""Cost against the size of one record: time and peak memory of `pfocr-rdf convert` on one seed record
grown in one dimension at a time, to show that every dimension costs linear time and bounded memory.

Dimensions: genes-table rows (all with one repeated id, or all with distinct ids), items of a list
field (organisms), keywords, and keywords of the JSON-LD block. Each size runs in a fresh process (one
worker, validation on); the limits are raised (--max-table-rows, --max-yaml-nodes) so that the largest
sizes are converted, not refused. A last row shows a record over the default table limit refused: its
cost is bounded by the file-size limit, not by its rows.

    python bench/growth.py                      # 1k, 10k, 100k
    python bench/growth.py --sizes 1000 10000
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "seeds" / "002_564be72a036174da.txt"
FIGID = "PMC8932105__12935_2022_2527_Fig7_HTML"
COLUMNS = "organism_id organism_name organism_group word match ncbigene_symbol ncbigene_id source"
COLUMNS += " count_direct count_synonym count_match"
HEADER = COLUMNS.replace(" ", "\t") + "\n"
ROW = "9606\tHomo sapiens\tPrimates\t{word}\t{symbol}\t{symbol}\t{gene}\tncbigene_symbol\t1\t2\t3\n"
PEAK = "import resource, sys; print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr)"


def genes_repeated(n: int) -> str:
    """n rows of one gene id, each with its own OCR word (the case that was quadratic)."""
    return HEADER + "".join(
        f"9606\tHomo sapiens\tPrimates\tIL6-{i}\tIL6\tIL6\t3569\tncbigene_symbol\t1\t2\t3\n" for i in range(n)
    )


def genes_distinct(n: int) -> str:
    return HEADER + "".join(
        f"9606\tHomo sapiens\tPrimates\tG{i}\tG{i}\tG{i}\t{i + 1}\tncbigene_symbol\t1\t2\t3\n" for i in range(n)
    )


def with_list(text: str, key: str, items: list[str]) -> str:
    """The seed with its top-level `key` given as a YAML block list of `items` instead."""
    lines = text.split("\n")
    start = next(i for i, line in enumerate(lines) if line.startswith(key + ":"))
    end = start + 1
    while end < len(lines) and (lines[end].startswith("- ") or lines[end].startswith("  ")):
        end += 1
    return "\n".join([*lines[:start], f"{key}:", *(f"- {item}" for item in items), *lines[end:]])


def with_jsonld_keywords(text: str, n: int) -> str:
    head, rest = text.split("  keywords:\n", 1)
    lines = rest.split("\n")
    while lines and lines[0].startswith("  - "):
        lines.pop(0)
    listed = "".join(f"  - K{i}\n" for i in range(n))
    return head + "  keywords:\n" + listed + "\n".join(lines)


def make_case(folder: Path, dimension: str, n: int) -> Path:
    folder.mkdir(parents=True)
    text = SEED.read_text(encoding="utf-8")
    record = folder / f"{FIGID}.md"
    if dimension == "genes rows, one repeated id":
        (folder / f"{FIGID}-genes.tsv").write_text(genes_repeated(n), encoding="utf-8")
    elif dimension == "genes rows, distinct ids":
        (folder / f"{FIGID}-genes.tsv").write_text(genes_distinct(n), encoding="utf-8")
    elif dimension == "organisms list items":
        text = with_list(text, "organisms", [f"Organism {i}" for i in range(n)])
    elif dimension == "keywords":
        text = with_list(text, "keywords", [f"kw{i}" for i in range(n)])
    elif dimension == "JSON-LD keywords":
        text = with_jsonld_keywords(text, n)
    record.write_text(text, encoding="utf-8")
    return record


def measure(record: Path, extra: list[str]) -> tuple[float, float, int, str]:
    """(seconds, peak RSS MB of the converting process, exit status, last stderr line)."""
    out = record.parent / "out.nt"
    command = [sys.executable, "-m", "pfocr_rdf", "convert", str(record), "-o", str(out), "-j", "1", *extra]
    wrapper = (
        f"import subprocess, sys; r = subprocess.run({command!r}, capture_output=True, text=True); {PEAK}; "
        "print(r.returncode); print(r.stderr.strip().splitlines()[-1])"
    )
    started = time.monotonic()
    result = subprocess.run([sys.executable, "-c", wrapper], capture_output=True, text=True, cwd=ROOT, check=True)
    seconds = time.monotonic() - started
    status, last = result.stdout.splitlines()[:2]
    return seconds, int(result.stderr.strip()) / 1024, int(status), last


DIMENSIONS = ("genes rows, one repeated id", "genes rows, distinct ids", "organisms list items", "keywords", "JSON-LD keywords")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 10_000, 100_000])
    parser.add_argument("--dimensions", nargs="+", default=list(DIMENSIONS), choices=DIMENSIONS)
    args = parser.parse_args()
    raised = ["--max-table-rows", str(max(args.sizes) * 2), "--max-yaml-nodes", str(max(args.sizes) * 4)]
    print("| dimension | items | seconds | peak memory, MB (RSS) | exit |")
    print("|---|---:|---:|---:|---:|")
    with tempfile.TemporaryDirectory() as work:
        for dimension in args.dimensions:
            for n in args.sizes:
                record = make_case(Path(work) / f"{dimension}-{n}".replace(" ", "_").replace(",", ""), dimension, n)
                seconds, peak, status, last = measure(record, raised)
                print(f"| {dimension} | {n:,} | {seconds:.2f} | {peak:.0f} | {status} |", flush=True)
                if status not in (0, 1):
                    print(f"  ({last})", flush=True)
        over = make_case(Path(work) / "over", "genes rows, distinct ids", 200_000)  # 15 MB: under --max-file-size
        seconds, peak, status, last = measure(over, [])
        print(f"| genes rows over --max-table-rows (refused) | 200,000 | {seconds:.2f} | {peak:.0f} | {status} |")


if __name__ == "__main__":
    main()
