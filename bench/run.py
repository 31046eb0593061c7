"""The benchmark harness: this checkout against given git revisions of pfocr-rdf, side by side in one run.

Each revision (`--baseline`, comma-separated; by default a6c1629, the project before issue 19) is exported
with `git archive` into a temporary folder and run from there with the same Python and libraries. Each
contender runs in a fresh process on a generated corpus (bench/generate.py): convert + validate +
N-Triples, all cores. Wall time, output triples and the peak memory of the whole process tree (workers
included) are measured; rounds alternate between the contenders, and the median round of each is kept.
On a shared machine only the ratios of one run mean anything. The YAML floor (read + libyaml) runs once
on the smallest corpus, and with --naive the naive baseline (pyld + rdflib + pySHACL) on
--naive-records. bench/RESULTS.md is written with the machine it ran on.

    python bench/run.py                                  # 4,000 records (3 rounds) and 100,000 (once)
    python bench/run.py --sizes 4000,10000               # what fits in a quarter of an hour on 2 shared cores
    python bench/run.py --sizes 4000 --rounds 5 --baseline main
    python bench/run.py --sizes 4000 --baseline a6c1629,52e10df   # several revisions, side by side
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import resource
import subprocess
import sys
import tarfile
import tempfile
import threading
import time
from dataclasses import dataclass
from importlib import metadata
from io import BytesIO
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
CORPORA = HERE / "corpora"
WORK = HERE / "work"
CURRENT = "this checkout"


@dataclass
class Measure:
    name: str
    corpus: str
    records: int
    seconds: float
    triples: int
    peak_mb: float  # proportional set size of the whole process tree
    peak_rss_mb: float  # resident set size, summed over the tree (shared pages counted in each process)
    note: str = ""
    cpu_seconds: float = 0.0  # user + system time of the whole tree (workers are waited for, so counted)

    @property
    def rate(self) -> float:
        return self.records / self.seconds

    @property
    def triple_rate(self) -> float:
        return self.triples / self.seconds


def _descendants(root: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as handle:
                parent = int(handle.read().rsplit(b")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        children.setdefault(parent, []).append(int(entry))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(children.get(pid, ()))
    return found


def _tree_memory(root: int) -> tuple[int, int]:
    """(PSS, RSS) in bytes of a process and its descendants. PSS shares each page among the processes
    that map it, so forked workers' shared pages count once; RSS counts them in every process."""
    pss = rss = 0
    for pid in _descendants(root):
        try:
            with open(f"/proc/{pid}/smaps_rollup", "rb") as handle:
                for line in handle:
                    if line.startswith(b"Pss:"):
                        pss += int(line.split()[1]) * 1024
                    elif line.startswith(b"Rss:"):
                        rss += int(line.split()[1]) * 1024
        except (OSError, ValueError):
            continue
    return pss, rss


def measure(
    name: str,
    command: list[str],
    corpus: Path,
    records: int,
    output: Path | None,
    note: str = "",
    cwd: Path | None = None,
    env: dict[str, str] | None = None,
) -> Measure:
    """Run `command`, polling the memory of its process tree; count the triples it wrote."""
    print(f"[bench] {name}: {' '.join(command)}", file=sys.stderr, flush=True)
    peak = peak_rss = 0
    started = time.monotonic()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=cwd, env=env)
    stop = threading.Event()

    def poll() -> None:
        nonlocal peak, peak_rss
        while not stop.is_set():
            pss, rss = _tree_memory(process.pid)
            peak, peak_rss = max(peak, pss), max(peak_rss, rss)
            stop.wait(0.05)

    poller = threading.Thread(target=poll, daemon=True)
    poller.start()
    _, stderr = process.communicate()
    seconds = time.monotonic() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    stop.set()
    poller.join()
    if process.returncode not in (0,):
        raise SystemExit(f"{name} failed ({process.returncode}): {stderr.decode(errors='replace')[-2000:]}")
    triples = 0
    if output is not None:
        with output.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 24), b""):
                triples += block.count(b"\n")
        output.unlink()
    return Measure(name, corpus.name, records, seconds, triples, peak / 1e6, peak_rss / 1e6, note, cpu)


def corpus(records: int, seed: int) -> Path:
    path = CORPORA / f"{records}"
    marker = path / ".complete"
    if not marker.exists():
        command = [sys.executable, str(HERE / "generate.py"), "--records", str(records), "--out", str(path), "--seed", str(seed)]
        subprocess.run(command, check=True)
        marker.write_text(f"seed={seed}\n")
    return path


def _proc_value(path: str, key: str) -> str:
    with open(path, encoding="utf-8") as handle:
        return next((line.split(":", 1)[1].strip() for line in handle if line.startswith(key)), "")


def machine() -> list[str]:
    cpu = _proc_value("/proc/cpuinfo", "model name") or platform.processor()
    memory = int((_proc_value("/proc/meminfo", "MemTotal") or "0 kB").split()[0]) // 1024
    versions = ", ".join(f"{name} {metadata.version(name)}" for name in ("PyYAML", "PyLD", "rdflib", "pyshacl", "pyoxigraph"))
    return [
        f"- CPU: {cpu}, {len(os.sched_getaffinity(0))} cores available; memory: {memory:,} MiB",
        f"- {platform.platform()}; Python {platform.python_version()}; {versions}",
        f"- date: {datetime.datetime.now(datetime.timezone.utc).strftime('%Y-%m-%d %H:%M UTC')}",
    ]


def export(revision: str, folder: Path) -> Path:
    """The revision's package (and shapes), as files; the working tree is left alone."""
    names = subprocess.run(["git", "ls-tree", "--name-only", revision], cwd=ROOT, check=True, capture_output=True, text=True)
    paths = [name for name in ("pfocr_rdf", "shapes") if name in names.stdout.split()]
    archive = subprocess.run(["git", "archive", revision, *paths], cwd=ROOT, check=True, capture_output=True).stdout
    folder.mkdir(parents=True, exist_ok=True)
    with tarfile.open(fileobj=BytesIO(archive)) as tar:
        tar.extractall(folder, filter="data")
    return folder


def described(revision: str) -> str:
    done = subprocess.run(["git", "log", "-1", "--format=%h %s", revision], cwd=ROOT, capture_output=True, text=True)
    return done.stdout.strip()[:90] or revision


@dataclass
class Pair:
    """The rounds of each baseline and of this checkout on one corpus."""

    records: int
    baselines: dict[str, list[Measure]]  # revision -> its rounds
    current: list[Measure]

    @staticmethod
    def median(runs: list[Measure]) -> Measure:
        return sorted(runs, key=lambda run: run.seconds)[len(runs) // 2]

    def ratio(self, revision: str) -> float:
        return self.median(self.current).rate / self.median(self.baselines[revision]).rate


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--baseline", default="a6c1629", help="git revisions to time against, comma-separated (default: a6c1629)")
    parser.add_argument("--sizes", default="4000,100000", help="corpus sizes, comma-separated")
    parser.add_argument("--rounds", type=int, default=3, help="rounds on the smallest corpus (the others: one)")
    parser.add_argument("--workers", type=int, default=len(os.sched_getaffinity(0)))
    parser.add_argument("--naive", action="store_true", help="also time the naive pyld + rdflib + pySHACL baseline")
    parser.add_argument("--naive-records", type=int, default=2_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--results", type=Path, default=HERE / "RESULTS.md")
    args = parser.parse_args()
    WORK.mkdir(exist_ok=True)
    sizes = sorted(int(size) for size in args.sizes.split(","))
    corpora = {size: corpus(size, args.seed) for size in sizes}
    python, out = sys.executable, WORK / "out.nt"
    others = [
        measure("YAML floor (read + libyaml CSafeLoader), 1 process", [python, str(HERE / "floor.py"), str(corpora[sizes[0]])],
                corpora[sizes[0]], sizes[0], None)
    ]  # fmt: skip
    if args.naive:
        naive = corpus(args.naive_records, args.seed)
        command = [python, str(HERE / "naive.py"), str(naive), "-o", str(out)]
        label = "naive baseline (pyld + rdflib per record, pySHACL), 1 process"
        others.append(measure(label, command, naive, args.naive_records, out))
    pairs = []
    revisions = [revision.strip() for revision in args.baseline.split(",") if revision.strip()]
    with tempfile.TemporaryDirectory(prefix="pfocr-bench-") as tmp:
        contenders: dict[str, tuple[Path, dict[str, str] | None]] = {}
        for number, revision in enumerate(revisions):
            exported = export(revision, Path(tmp) / str(number))
            contenders[revision] = (exported, {**os.environ, "PYTHONPATH": str(exported)})
        contenders[CURRENT] = (ROOT, None)
        for size in sizes:
            pair = Pair(size, {revision: [] for revision in revisions}, [])
            for _ in range(args.rounds if size == sizes[0] else 1):
                for name, (cwd, env) in contenders.items():
                    command = [python, "-m", "pfocr_rdf", "convert", str(corpora[size]), "-o", str(out)]
                    command += ["-j", str(args.workers), "-q"]
                    run = measure(name, command, corpora[size], size, out, cwd=cwd, env=env)
                    (pair.current if name == CURRENT else pair.baselines[name]).append(run)
            pairs.append(pair)
    write_results(args, pairs, others)


def write_results(args: argparse.Namespace, pairs: list[Pair], others: list[Measure]) -> None:
    lines = ["# Benchmark results", "", "Written by `python bench/run.py` (see the README). Machine:", "", *machine(), ""]
    first = Pair.median(pairs[0].current)
    lines += [
        f"Corpora generated by `bench/generate.py` (seed {args.seed}) from the 45-record sample: "
        f"{first.triples / first.records:,.0f} triples per record on average. Each run: `pfocr-rdf convert CORPUS -o out.nt "
        f"-j {args.workers} -q` (convert + SHACL validation + N-Triples + VoID), a fresh process; baselines: "
        + "; ".join(f"`{described(revision)}`" for revision in pairs[0].baselines)
        + ", each exported with `git archive` and run with the same Python and libraries. "
        "Rounds alternate between the contenders; the median round of each is shown.",
        "",
        "| version | records | rounds | seconds | records/s | triples/s | CPU ms per record | peak memory, MB (PSS) "
        "| peak RSS summed, MB |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for pair in pairs:
        labelled = [(f"baseline {revision}", runs) for revision, runs in pair.baselines.items()]
        for label, runs in [*labelled, (CURRENT, pair.current)]:
            run = Pair.median(runs)
            cells = [label, f"{run.records:,}", str(len(runs)), f"{run.seconds:,.1f}", f"{run.rate:,.0f}"]
            cells += [f"{run.triple_rate:,.0f}", f"{1000 * run.cpu_seconds / run.records:.2f}"]
            cells += [f"{max(r.peak_mb for r in runs):,.0f}", f"{max(r.peak_rss_mb for r in runs):,.0f}"]
            lines.append("| " + " | ".join(cells) + " |")
    lines += ["", "| other | corpus | records | seconds | records/s |", "|---|---|---:|---:|---:|"]
    for run in others:
        lines.append(f"| {run.name} | {run.corpus} | {run.records:,} | {run.seconds:,.1f} | {run.rate:,.0f} |")
    lines += ["", "## Ratios", ""]
    for pair in pairs:
        rates = ", ".join(f"{r.rate:,.0f}" for r in pair.current)
        for revision, runs in pair.baselines.items():
            base_rates = ", ".join(f"{r.rate:,.0f}" for r in runs)
            lines.append(
                f"- {pair.records:,} records: this checkout runs at **{pair.ratio(revision):.2f} times** the records/s of "
                f"{revision} (rounds: {rates} against {base_rates} records/s)."
            )
    for pair in pairs:
        cpu = Pair.median(pair.current).cpu_seconds
        for revision, runs in pair.baselines.items():
            share = cpu / Pair.median(runs).cpu_seconds
            lines.append(f"- {pair.records:,} records: CPU time of the whole process tree, {share:.2f} of {revision}'s.")
    peaks = ", ".join(f"{max(r.peak_mb for r in pair.current):,.0f} MB at {pair.records:,}" for pair in pairs)
    lines += [
        f"- peak memory of this checkout's process tree: {peaks}.",
        "",
        "Memory is the peak proportional set size (PSS) of the whole process tree, sampled every 50 ms: forked",
        "workers share the main process's pages, which PSS counts once and summed RSS once per process.",
        "",
    ]
    args.results.write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
