"""The benchmark harness: the YAML floor, the naive baseline and pfocr-rdf, side by side in one run.

Each contender runs in a fresh process on a generated corpus (bench/generate.py); wall time, output
triples and the peak resident memory of its whole process tree (workers included) are measured, and
bench/RESULTS.md is written with the machine it ran on.

    python bench/run.py                       # 100,000 records (baseline on 2,000), as the README says
    python bench/run.py --records 10000 --baseline-records 500
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

HERE = Path(__file__).resolve().parent
CORPORA = HERE / "corpora"
WORK = HERE / "work"


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


def measure(name: str, command: list[str], corpus: Path, records: int, output: Path | None, note: str = "") -> Measure:
    """Run `command`, polling the memory of its process tree; count the triples it wrote."""
    print(f"[bench] {name}: {' '.join(command)}", file=sys.stderr, flush=True)
    peak = peak_rss = 0
    started = time.monotonic()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
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
    return Measure(name, corpus.name, records, seconds, triples, peak / 1e6, peak_rss / 1e6, note)


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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--small", type=int, default=10_000, help="second pfocr-rdf run, for memory growth")
    parser.add_argument("--baseline-records", type=int, default=2_000)
    parser.add_argument("--workers", type=int, default=len(os.sched_getaffinity(0)))
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--results", type=Path, default=HERE / "RESULTS.md")
    args = parser.parse_args()
    WORK.mkdir(exist_ok=True)
    big, small, base = corpus(args.records, args.seed), corpus(args.small, args.seed), corpus(args.baseline_records, args.seed)
    python, tool = sys.executable, [sys.executable, "-m", "pfocr_rdf"]
    env_out = WORK / "out.nt"
    runs = [
        measure("YAML floor (read + libyaml CSafeLoader), 1 process", [python, str(HERE / "floor.py"), str(big)], big,
                args.records, None),
        measure("naive baseline (pyld + rdflib per record, pySHACL on the merged graph), 1 process",
                [python, str(HERE / "naive.py"), str(base), "-o", str(env_out)], base, args.baseline_records, env_out,
                f"run on {args.baseline_records:,} records: it would take hours on {args.records:,}"),
        measure(f"pfocr-rdf convert + validate + N-Triples, {args.workers} workers",
                [*tool, "convert", str(big), "-o", str(env_out), "-j", str(args.workers), "-q"], big, args.records, env_out),
        measure(f"pfocr-rdf convert + validate + N-Triples, {args.workers} workers",
                [*tool, "convert", str(small), "-o", str(env_out), "-j", str(args.workers), "-q"], small, args.small, env_out),
        measure("pfocr-rdf convert + validate + N-Triples, 1 worker",
                [*tool, "convert", str(base), "-o", str(env_out), "-j", "1", "-q"], base, args.baseline_records, env_out),
    ]  # fmt: skip
    write_results(args, runs)


def write_results(args: argparse.Namespace, runs: list[Measure]) -> None:
    floor, naive, full, small, single = runs
    lines = ["# Benchmark results", "", "Written by `python bench/run.py` (see the README). Machine:", "", *machine(), ""]
    lines += [
        f"Corpora generated by `bench/generate.py` (seed {args.seed}) from the 45-record sample: "
        f"{full.triples / full.records:,.0f} triples per record on average.",
        "",
        "| run | corpus | records | seconds | records/s | triples/s | peak memory, MB (PSS) | peak RSS summed, MB |",
        "|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    for run in runs:
        triples = f"{run.triple_rate:,.0f}" if run.triples else "-"
        cells = [run.name, run.corpus, f"{run.records:,}", f"{run.seconds:,.1f}", f"{run.rate:,.0f}", triples]
        cells += [f"{run.peak_mb:,.0f}", f"{run.peak_rss_mb:,.0f}"]
        lines.append("| " + " | ".join(cells) + " |")
    lines += [
        "",
        "Notes:",
        f"- The naive baseline was {naive.note}.",
        "- Memory is the peak proportional set size (PSS) of the whole process tree, sampled every 50 ms: the",
        "  workers are forked from the main process and share its pages, which PSS counts once. RSS summed over",
        "  the processes counts those shared pages once per process and overstates the total.",
        "",
        "## Ratios and targets",
        "",
        f"- pfocr-rdf end to end, {args.workers} workers: **{full.rate:,.0f} records/s** (target: 3,000).",
        f"- against the naive baseline: **{full.rate / naive.rate:,.1f} times** its records/s (target: at least 30).",
        f"- against the YAML floor: {full.rate / floor.rate:,.2f} times one process's floor "
        f"({floor.rate:,.0f} records/s per core, so {floor.rate * args.workers:,.0f} on {args.workers} cores at best).",
        f"- one worker: {single.rate:,.0f} records/s ({single.rate / naive.rate:,.1f} times the baseline on the same corpus).",
        f"- peak memory: **{full.peak_mb:,.0f} MB** at {full.records:,} records, {small.peak_mb:,.0f} MB at {small.records:,} "
        f"(target: at most 250 MB, and no more at {full.records:,} than at {small.records:,}).",
        "",
    ]
    args.results.write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
