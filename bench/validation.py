"""Validation time per record with the bundled shapes: this checkout against a baseline revision, in one run.

python bench/validation.py [--baseline main] [--rounds 5]

The baseline's `pfocr_rdf` is exported with `git archive` into a temporary folder; each engine runs in
its own subprocess (same corpus, the records converted first and not timed), the rounds alternate
between the two, and the best round of each is compared: a ratio, as the machine is shared.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tarfile
import tempfile
from io import BytesIO
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "data" / "sample" / "_figures"

# Runs inside the subprocess, with the package under test first on sys.path.
TIMER = """
import json, sys, time
from pathlib import Path
from pfocr_rdf.api import record_graph
try:
    from pfocr_rdf.check.validate import load_shapes
except ImportError:  # a baseline from before the layout of 0.2
    from pfocr_rdf.validate import load_shapes
graphs = [record_graph(p).nodes for p in sorted(Path(sys.argv[1]).glob("*.md"))]
shapes = load_shapes()
for nodes in graphs:  # warm the memo tables, as a long conversion run does
    shapes.validate(nodes)
best = float("inf")
for _ in range(int(sys.argv[2])):
    start = time.perf_counter()
    for nodes in graphs:
        shapes.validate(nodes)
    best = min(best, time.perf_counter() - start)
print(json.dumps({"records": len(graphs), "seconds_per_record": best / len(graphs)}))
"""


def export(revision: str, folder: Path) -> Path:
    """The baseline revision's package and shapes, as files (the working tree is left alone)."""
    command = ["git", "archive", revision, "pfocr_rdf", "shapes"]
    archive = subprocess.run(command, cwd=ROOT, check=True, capture_output=True).stdout
    with tarfile.open(fileobj=BytesIO(archive)) as tar:
        tar.extractall(folder, filter="data")
    return folder


def time_once(package_root: Path, repeats: int) -> dict[str, float]:
    done = subprocess.run(
        [sys.executable, "-c", TIMER, str(CORPUS), str(repeats)],
        cwd=package_root,
        env={"PYTHONPATH": str(package_root), "PATH": "/usr/bin:/bin"},
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(done.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", default="main")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        baseline = export(args.baseline, Path(tmp))
        best: dict[str, float] = {}
        for _ in range(args.rounds):
            for name, root in (("baseline", baseline), ("current", ROOT)):
                run = time_once(root, 20)
                best[name] = min(best.get(name, float("inf")), run["seconds_per_record"])
                records = int(run["records"])
    ratio = best["current"] / best["baseline"]
    print(f"records: {records} (tests/data/sample), bundled shapes, best of {args.rounds} rounds x 20 passes")
    print(f"baseline {args.baseline}: {best['baseline'] * 1e6:.1f} µs per record")
    print(f"this checkout: {best['current'] * 1e6:.1f} µs per record")
    print(f"ratio (this checkout / baseline): {ratio:.2f}")


if __name__ == "__main__":
    main()
