"""Loading benchmark: `pfocr-rdf load` against the tools' own bulk loaders, side by side in one run.

Embedded store: `pfocr-rdf load CORPUS --store DIR` against `pfocr-rdf convert CORPUS -o x.nq` followed
by `oxigraph load --location DIR2 --file x.nq` (time, peak memory of the process tree, store size,
quads); then a second load of the same corpus (nothing changed) and one where 1% of the records changed,
with what reading and hashing every input file alone costs (the floor of any load that checks them all).
Server: `pfocr-rdf load CORPUS --endpoint` into a fresh Virtuoso against Virtuoso's bulk loader
(ld_dir + rdf_loader_run + checkpoint) on the same N-Quads, in another fresh Virtuoso.
Writes bench/STORE-RESULTS.md.

    python bench/store.py --records 4000
"""

from __future__ import annotations

import argparse
import compileall
import os
import shutil
import sys
from pathlib import Path

import pyoxigraph as ox

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "tests"))

from run import WORK, Measure, corpus, machine  # noqa: E402
from run import measure as measure_run  # noqa: E402

from servers import virtuoso  # noqa: E402

PASSWORD = {"PFOCR_RDF_PASSWORD": "dba"}
READ_INPUTS = (
    "import hashlib, pathlib, sys\n"
    "for path in sorted(pathlib.Path(sys.argv[1]).rglob('*')):\n"
    "    if path.is_file():\n"
    "        hashlib.blake2b(path.read_bytes(), digest_size=16).digest()\n"
)
OXIGRAPH = str(Path(sys.executable).parent / "oxigraph") if (Path(sys.executable).parent / "oxigraph").exists() else "oxigraph"


def measure(name: str, command: list[str], corpus_path: Path, records: int, output: Path | None) -> Measure:
    """One run, reported as soon as it ends."""
    run = measure_run(name, command, corpus_path, records, output)
    print(f"[bench]   {run.seconds:,.1f} s, peak {run.peak_mb:,.0f} MB (PSS)", file=sys.stderr, flush=True)
    return run


def size_mb(path: Path) -> float:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / 1e6


def quads(path: Path) -> int:
    store = ox.Store.read_only(str(path))
    try:
        return len(store)
    finally:
        del store


def changed_copy(source: Path, target: Path, every: int) -> int:
    """A copy of the corpus where one record in `every` has a new title; returns how many changed."""
    shutil.rmtree(target, ignore_errors=True)
    (target / "_figures").mkdir(parents=True)
    (target / "_data").symlink_to(source / "_data")
    changed = 0
    for index, record in enumerate(sorted((source / "_figures").glob("*.md"))):
        text = record.read_text(encoding="utf-8")
        head, found, rest = text.partition("\nfigtitle: ")
        if index % every == 0 and found:
            quote = rest[0] if rest[:1] in ("'", '"') else ""
            text = head + found + quote + "Revised " + rest[len(quote) :]
            changed += 1
        (target / "_figures" / record.name).write_text(text, encoding="utf-8")
    return changed


def virtuoso_quads(server, graph_prefix: str) -> int:  # type: ignore[no-untyped-def]
    out = server.isql(f"SPARQL SELECT COUNT(*) WHERE {{ GRAPH ?g {{ ?s ?p ?o }} FILTER(STRSTARTS(STR(?g), '{graph_prefix}')) }};")
    numbers = [line.strip() for line in out.splitlines() if line.strip().isdigit()]
    return int(numbers[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--records", type=int, default=4_000)
    parser.add_argument("--workers", type=int, default=len(os.sched_getaffinity(0)))
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--no-virtuoso", action="store_true")
    parser.add_argument("--results", type=Path, default=HERE / "STORE-RESULTS.md")
    args = parser.parse_args()
    WORK.mkdir(exist_ok=True)
    # As pip does at install: each run reads the package's bytecode instead of compiling it (PYTHONDONTWRITEBYTECODE)
    compileall.compile_dir(str(HERE.parent / "pfocr_rdf"), quiet=1)
    source = corpus(args.records, args.seed)
    tool, jobs = [sys.executable, "-m", "pfocr_rdf"], ["-j", str(args.workers), "-q"]
    nquads, theirs, ours = WORK / "x.nq", WORK / "oxigraph-store", WORK / "pfocr-store"
    for path in (theirs, ours):
        shutil.rmtree(path, ignore_errors=True)
    n = args.records
    convert = measure("convert -o x.nq", [*tool, "convert", str(source), "-o", str(nquads), *jobs], source, n, None)
    ox_load = measure("oxigraph load", [OXIGRAPH, "load", "--location", str(theirs), "--file", str(nquads)], source, n, None)
    into_ours = [*tool, "load", str(source), "--store", str(ours), *jobs]
    load = measure("pfocr-rdf load --store (empty store)", into_ours, source, n, None)
    fresh = (size_mb(ours), quads(ours))  # as the load left it (RocksDB compacts later, on any read-write open)
    again = measure("pfocr-rdf load --store again, nothing changed", into_ours, source, n, None)
    changed_dir = WORK / "changed"
    changed = changed_copy(source, changed_dir, 100)
    update = measure(f"pfocr-rdf load --store again, {changed} records changed",
                     [*tool, "load", str(changed_dir), "--store", str(ours), *jobs], source, n, None)  # fmt: skip
    read = measure("read and hash every input file (python)", [sys.executable, "-c", READ_INPUTS, str(source)], source, n, None)
    store_rows = {"theirs": (size_mb(theirs), quads(theirs)), "ours": fresh, "ours updated": (size_mb(ours), quads(ours))}
    server_runs: list[Measure] = []
    server_quads: dict[str, int] = {}
    if not args.no_virtuoso and shutil.which("virtuoso-t"):
        prefix = "https://pfocr.wikipathways.org/"
        folder = WORK / "virtuoso-gsp"
        shutil.rmtree(folder, ignore_errors=True)
        with virtuoso(folder) as server:
            endpoint = f"{server.base}/sparql-graph-crud-auth"
            command = [*tool, "load", str(source), "--endpoint", endpoint, "--user", "dba", *jobs]
            os.environ.update(PASSWORD)
            server_runs.append(measure("pfocr-rdf load --endpoint (Virtuoso, Graph Store protocol)", command, source, n, None))
            server_quads["load --endpoint"] = virtuoso_quads(server, prefix)
        shutil.rmtree(folder, ignore_errors=True)
        folder = WORK / "virtuoso-bulk"
        shutil.rmtree(folder, ignore_errors=True)
        with virtuoso(folder) as server:
            data = folder / "data"
            data.mkdir()
            shutil.copy(nquads, data / "pfocr.nq")
            script = folder / "bulk.sql"
            script.write_text(
                f"ld_dir('{data}', '*.nq', 'https://pfocr.wikipathways.org/rdf');\nrdf_loader_run();\ncheckpoint;\n"
            )
            server_runs.append(measure("Virtuoso bulk loader (ld_dir, rdf_loader_run, checkpoint) on x.nq",
                                       ["isql-vt", server.sql, "dba", "dba", str(script)], source, n, None))  # fmt: skip
            errors = server.isql("SELECT COUNT(*) FROM DB.DBA.load_list WHERE ll_error IS NOT NULL OR ll_state <> 2;")
            assert "\n0\n" in errors.replace(" ", ""), errors
            server_quads["bulk loader"] = virtuoso_quads(server, prefix)
        shutil.rmtree(folder, ignore_errors=True)
    nquads.unlink(missing_ok=True)
    write_results(args, convert, ox_load, load, again, update, read, store_rows, server_runs, server_quads)


def write_results(args: argparse.Namespace, convert: Measure, ox_load: Measure, load: Measure, again: Measure,
                  update: Measure, read: Measure, stores: dict[str, tuple[float, int]], server_runs: list[Measure],
                  server_quads: dict[str, int]) -> None:  # fmt: skip
    theirs_seconds = convert.seconds + ox_load.seconds
    theirs_peak = max(convert.peak_mb, ox_load.peak_mb)
    (their_size, their_quads), (our_size, our_quads) = stores["theirs"], stores["ours"]
    lines = ["# Loading benchmark", "", "Written by `python bench/store.py` (see the README). Machine:", "", *machine(), ""]
    lines += [
        f"Corpus: {args.records:,} records generated by `bench/generate.py` (seed {args.seed}); {args.workers} workers.",
        "",
        "| run | seconds | peak memory, MB (PSS, process tree) |",
        "|---|---:|---:|",
    ]
    for run in (convert, ox_load, load, again, update, read, *server_runs):
        lines.append(f"| {run.name} | {run.seconds:,.1f} | {run.peak_mb:,.0f} |")
    lines += [
        "",
        "| store | size, MB | quads |",
        "|---|---:|---:|",
        f"| `convert -o x.nq` + `oxigraph load` | {their_size:,.0f} | {their_quads:,} |",
        f"| `pfocr-rdf load --store` | {our_size:,.0f} | {our_quads:,} |",
        f"| the same store after the two loads again | {stores['ours updated'][0]:,.0f} | {stores['ours updated'][1]:,} |",
        "",
        "## Ratios and targets (embedded store)",
        "",
        f"- load time: **{load.seconds / theirs_seconds:.2f}x** theirs ({load.seconds:,.1f} s against "
        f"{convert.seconds:,.1f} + {ox_load.seconds:,.1f} s; target: at most 1.0x).",
        f"- store size: **{our_size / their_size:.2f}x** theirs (target: at most 1.2x).",
        f"- quads: {our_quads:,} against {their_quads:,} ({'the same' if our_quads == their_quads else 'DIFFERENT'}).",
        f"- peak memory: **{load.peak_mb:,.0f} MB** (theirs: {theirs_peak:,.0f} MB; target: at most 1,000 MB).",
        f"- loading again, nothing changed: {again.seconds / load.seconds:.2f}x a full load; "
        f"with 1% of the records changed: {update.seconds / load.seconds:.2f}x (target: about 0.01x plus reading the "
        f"inputs, which alone takes {read.seconds:,.1f} s = {read.seconds / load.seconds:.2f}x).",
    ]
    if server_runs:
        ours_server, bulk = server_runs
        lines += [
            "",
            "## Virtuoso",
            "",
            f"- `pfocr-rdf load --endpoint`: {ours_server.seconds:,.1f} s, {server_quads['load --endpoint']:,} quads.",
            f"- `convert -o x.nq` then the bulk loader: {convert.seconds:,.1f} + {bulk.seconds:,.1f} = "
            f"{convert.seconds + bulk.seconds:,.1f} s, {server_quads['bulk loader']:,} quads.",
            f"- ratio: load --endpoint takes {ours_server.seconds / (convert.seconds + bulk.seconds):.2f}x "
            "the convert + bulk loader route.",
        ]
    lines.append("")
    args.results.write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
