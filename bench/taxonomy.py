"""How long `--taxonomy` costs: the first run (parse names.dmp, build the cached index) and the next ones.

No real names.dmp is shipped or fetched: a file of the same size and shape is generated (about 4 million
lines in NCBI's exact format, a quarter of them synonyms, common names and other classes, some names
shared by several taxa), then opened twice with a fresh cache folder, and a thousand names are looked up.
`--baseline REV` runs the same against pfocr_rdf as of a git revision too, in the same run, so that the
two can be compared on a machine whose load varies (time it takes on a busy machine is pessimistic; the
ratio and the CPU seconds are the figures to compare).

    python bench/taxonomy.py                 # 4,000,000 lines
    python bench/taxonomy.py --lines 400000
    python bench/taxonomy.py --baseline dbce376
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CLASSES = ("synonym", "genbank common name", "common name", "equivalent name", "authority", "includes", "in-part")
SYLLABLES = ("ba", "cil", "lus", "sal", "mo", "nel", "la", "ent", "er", "i", "ca", "pseu", "do", "mon", "as", "ae", "ru", "gi")


def word(rng: random.Random) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 5)))


def generate(path: Path, lines: int, seed: int = 1) -> None:
    rng = random.Random(seed)
    written, taxid = 0, 0
    with path.open("w", encoding="utf-8", newline="\n") as out:
        while written < lines:
            taxid += 1
            genus = word(rng).capitalize()
            out.write(f"{taxid}\t|\t{genus} {word(rng)}\t|\t\t|\tscientific name\t|\n")
            written += 1
            for _ in range(rng.choice((0, 0, 1, 2))):
                out.write(f"{taxid}\t|\t{genus} {word(rng)}\t|\t\t|\t{rng.choice(CLASSES)}\t|\n")
                written += 1


def timed_open(dmp: Path, cache: Path, source: Path) -> tuple[float, float, float]:
    """(seconds, CPU seconds, peak MB) of opening the taxonomy and looking 1,000 names up, in a fresh
    process importing pfocr_rdf from `source`."""
    code = (
        "import importlib.util, resource, time;"  # the module's place before the layout of 0.2 too (a --baseline)
        "open_taxonomy = getattr(importlib.import_module('pfocr_rdf.read.taxonomy' if importlib.util.find_spec("
        "'pfocr_rdf.read') else 'pfocr_rdf.taxonomy'), 'open_taxonomy');"
        "cpu = lambda: sum(resource.getrusage(resource.RUSAGE_SELF)[:2]); c = cpu(); t = time.monotonic();"
        f"tax = open_taxonomy({str(dmp)!r}, {str(cache)!r});"
        "[tax.match(f'name {i}') for i in range(1000)]; tax.match('x');"
        "print(time.monotonic() - t, cpu() - c, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)"
    )
    env = {**os.environ, "PYTHONPATH": str(source)}
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=source, env=env)
    seconds, cpu, peak = result.stdout.split()
    return float(seconds), float(cpu), float(peak)


def checkout(revision: str, folder: Path) -> Path:
    """pfocr_rdf as of a git revision, unpacked into `folder`."""

    def git(*args: str) -> bytes:
        return subprocess.run(["git", *args], capture_output=True, check=True, cwd=ROOT).stdout

    for name in git("ls-tree", "-r", "--name-only", revision, "pfocr_rdf").decode().splitlines():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(git("show", f"{revision}:{name}"))
    return folder


def measure(dmp: Path, cache: Path, source: Path) -> tuple[tuple[float, float, float], tuple[float, float, float], float]:
    """First and second run with a fresh cache folder, and the index's size in MiB."""
    first, second = timed_open(dmp, cache, source), timed_open(dmp, cache, source)
    return first, second, sum(p.stat().st_size for p in cache.iterdir()) / 2**20


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--lines", type=int, default=4_000_000)
    parser.add_argument("--baseline", metavar="REV", help="also measure pfocr_rdf as of this git revision")
    args = parser.parse_args()
    results = {}
    with tempfile.TemporaryDirectory() as work:
        dmp = Path(work) / "names.dmp"
        generate(dmp, args.lines)
        size = dmp.stat().st_size / 2**20
        if args.baseline:
            source = checkout(args.baseline, Path(work) / "baseline")
            results[args.baseline] = measure(dmp, Path(work) / "cache-baseline", source)
        results["this tree"] = measure(dmp, Path(work) / "cache", ROOT)
    print(f"names.dmp: {args.lines:,} lines, {size:,.0f} MiB")
    print("| code | run | seconds | CPU seconds | peak memory, MB (RSS) | index, MiB |")
    print("|---|---|---:|---:|---:|---:|")
    for code, (first, second, index) in results.items():
        print(f"| {code} | first (parse and build the index) | {first[0]:.1f} | {first[1]:.1f} | {first[2]:.0f} | {index:,.0f} |")
        print(f"| {code} | second (cached index) | {second[0]:.2f} | {second[1]:.2f} | {second[2]:.0f} | |")
    if args.baseline:
        old, new = results[args.baseline][0], results["this tree"][0]
        print(f"first run, {args.baseline} / this tree: {old[0] / new[0]:.1f}x the time, {old[1] / new[1]:.1f}x the CPU")


if __name__ == "__main__":
    main()
