"""How long `--taxonomy` costs: the first run (parse names.dmp, build the cached index) and the next ones.

No real names.dmp is shipped or fetched: a file of the same size and shape is generated (about 4 million
lines in NCBI's exact format, a quarter of them synonyms, common names and other classes, some names
shared by several taxa), then opened twice with a fresh cache folder, and a thousand names are looked up.

    python bench/taxonomy.py                 # 4,000,000 lines
    python bench/taxonomy.py --lines 400000
"""

from __future__ import annotations

import argparse
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


def timed_open(dmp: Path, cache: Path) -> tuple[float, float]:
    """(seconds, peak MB) of opening the taxonomy and looking 1,000 names up, in a fresh process."""
    code = (
        "import sys, time, resource; from pfocr_rdf.taxonomy import open_taxonomy; t = time.monotonic();"
        f"tax = open_taxonomy({str(dmp)!r}, {str(cache)!r});"
        "[tax.match(f'name {i}') for i in range(1000)]; tax.match('x');"
        "print(time.monotonic() - t, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    seconds, peak = result.stdout.split()
    return float(seconds), float(peak)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--lines", type=int, default=4_000_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as work:
        dmp, cache = Path(work) / "names.dmp", Path(work) / "cache"
        generate(dmp, args.lines)
        size = dmp.stat().st_size / 2**20
        first = timed_open(dmp, cache)
        second = timed_open(dmp, cache)
        index = sum(p.stat().st_size for p in cache.iterdir()) / 2**20
    print(f"names.dmp: {args.lines:,} lines, {size:,.0f} MiB; index {index:,.0f} MiB")
    print("| run | seconds | peak memory, MB (RSS) |")
    print("|---|---:|---:|")
    print(f"| first (parse and build the index) | {first[0]:.1f} | {first[1]:.0f} |")
    print(f"| second (cached index) | {second[0]:.2f} | {second[1]:.0f} |")


if __name__ == "__main__":
    main()
