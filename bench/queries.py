"""Named queries on a large corpus: the embedded store against a private Virtuoso holding the same quads.

Builds once, under --work (default bench/work/queries-RECORDS), reusing what an earlier run left there:
the corpus (bench/generate.py), its N-Quads (`pfocr-rdf convert`), the embedded store (`pfocr-rdf load
all.nq --store`) and a Virtuoso database (its bulk loader on the same N-Quads); both also get the small
WikiPathways fixture of the tests, so that the joins with WikiPathways have pathways to join. Then runs
every named query as a user would, one fresh process each (`pfocr-rdf query NAME -p ... --store DIR`,
or `--endpoint URL`), bundled forms and the plain forms of tests/data/plain-queries, and prints and writes
the table: query, parameters, rows, seconds (wall clock of the whole process; for the embedded store also
its CPU seconds, which other work on a shared machine does not inflate). Writes bench/QUERY-RESULTS.md.

    python bench/queries.py --records 100000
    python bench/queries.py --records 20000 --nquads all.nq --store DIR   # reuse a conversion and a load

Delete the work folder afterwards: at 100,000 records the store takes about 10 GB.
"""

from __future__ import annotations

import argparse
import compileall
import os
import resource
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT / "tests"))

from run import machine  # noqa: E402

from pfocr_rdf.query.queries import bind_parameters, named_queries, parse_named_query  # noqa: E402

from servers import virtuoso  # noqa: E402

TOOL = [sys.executable, "-m", "pfocr_rdf"]
PLAIN = ROOT / "tests" / "data" / "plain-queries"
WIKIPATHWAYS = ROOT / "tests" / "data" / "wikipathways" / "wikipathways.ttl"
WP_GRAPH = "https://example.org/wikipathways"
LIMITS = {"gene-sets": 10.0}  # seconds; every other query: 1 s (issue 22)

# The questions: each named query with the parameters a user would give (generated figids are looked up).
CASES: list[tuple[str, dict[str, str]]] = [
    ("figures-with-gene", {"gene": "3569"}),
    ("figures-with-gene", {"gene": "IL6"}),
    ("figures-with-chemical", {"chemical": "CHEBI:15365"}),
    ("figures-with-chemical", {"chemical": "acetylsalicylic acid"}),
    ("figures-with-disease", {"disease": "DOID:0060239"}),
    ("figures-with-disease", {"disease": "D055370"}),
    ("papers-per-year", {}),
    ("figures-per-species", {}),
    ("gene-sets", {}),
    ("figure-genes", {"figure": "FIGURE"}),
    ("figure-chemicals", {"figure": "FIGURE"}),
    ("paper-figures", {"paper": "PAPER"}),
    ("dataset", {}),
    ("figures-sharing-genes", {"pathway": "WP4754"}),
    ("pathways-sharing-genes", {"figure": "FIGURE"}),
]


@dataclass
class Timing:
    rows: int | None  # None: stopped by the time limit or failed
    seconds: float
    cpu: float | None
    note: str = ""


def step(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


def run(command: list[str], **kwargs: object) -> None:
    step(" ".join(command))
    subprocess.run(command, check=True, **kwargs)  # type: ignore[call-overload]


def build_corpus(work: Path, records: int, seed: int) -> Path:
    corpus = work / "corpus"
    if not (corpus / ".complete").exists():
        run([sys.executable, str(HERE / "generate.py"), "--records", str(records), "--out", str(corpus), "--seed", str(seed)])
        (corpus / ".complete").write_text(f"seed={seed}\n")
    return corpus


def build_nquads(work: Path, corpus: Path) -> Path:
    nquads = work / "all.nq"
    if not nquads.exists():
        run([*TOOL, "convert", str(corpus / "_figures"), "--tables", str(corpus / "_data"), "-o", str(nquads), "-q"])
    return nquads


def build_store(store: Path, nquads: Path) -> float | None:
    """Seconds `pfocr-rdf load --store` took, or None when the store was there already."""
    if (store / ".complete").exists():
        return None
    shutil.rmtree(store, ignore_errors=True)
    started = time.monotonic()
    run([*TOOL, "load", str(nquads), "--store", str(store), "-q"])
    seconds = time.monotonic() - started
    run([*TOOL, "load", str(WIKIPATHWAYS), "--graph", WP_GRAPH, "--store", str(store), "-q"])
    (store / ".complete").write_text(f"{seconds:.1f}\n")
    return seconds


def bulk_load_virtuoso(server, folder: Path, nquads: Path) -> float:  # type: ignore[no-untyped-def]
    """Virtuoso's bulk loader on the same N-Quads (and the fixture), then a checkpoint; returns seconds."""
    data = folder / "data"
    data.mkdir(exist_ok=True)
    for source, name in ((nquads, "pfocr.nq"), (WIKIPATHWAYS, "wikipathways.ttl")):
        target = data / name
        if not target.exists():
            try:
                os.link(source, target)
            except OSError:
                shutil.copy(source, target)
    script = folder / "bulk.sql"
    script.write_text(
        f"ld_dir('{data}', 'pfocr.nq', 'https://pfocr.wikipathways.org/rdf');\n"
        f"ld_dir('{data}', 'wikipathways.ttl', '{WP_GRAPH}');\nrdf_loader_run();\ncheckpoint;\n"
    )
    started = time.monotonic()
    run(["isql-vt", server.sql, "dba", "dba", str(script)], stdout=subprocess.DEVNULL)
    seconds = time.monotonic() - started
    errors = server.isql("SELECT COUNT(*) FROM DB.DBA.load_list WHERE ll_error IS NOT NULL OR ll_state <> 2;")
    assert "\n0\n" in errors.replace(" ", ""), errors
    return seconds


def pick_examples(store: Path) -> dict[str, str]:
    """A figure with genes and chemicals, and a paper, of the generated corpus (whose ids are made up)."""
    query = """PREFIX pfocr: <https://pfocr.wikipathways.org/vocab#> PREFIX dcterms: <http://purl.org/dc/terms/>
        PREFIX fabio: <http://purl.org/spar/fabio/>
        SELECT ?figid ?pmcid WHERE { ?f pfocr:gene <https://identifiers.org/ncbigene/3569> ;
          pfocr:chemical ?c ; dcterms:identifier ?figid ; dcterms:isPartOf ?p . ?p fabio:hasPubMedCentralId ?pmcid }
        ORDER BY ?figid LIMIT 1"""
    out = subprocess.run([*TOOL, "query", query, "--store", str(store), "-f", "csv"], capture_output=True, text=True, check=True)
    figid, pmcid = out.stdout.splitlines()[1].split(",")
    return {"FIGURE": figid, "PAPER": pmcid}


def query_text(name: str, params: dict[str, str], plain: bool) -> str:
    named = parse_named_query(name, (PLAIN / f"{name}.rq").read_text(encoding="utf-8")) if plain else named_queries()[name]
    return bind_parameters(named, params)


def time_query(text: str, target: list[str], limit: float, work: Path) -> Timing:
    """One query in a fresh process, as a user runs it; the answer's rows counted."""
    path = work / "query.rq"
    path.write_text(text, encoding="utf-8")
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.monotonic()
    result = subprocess.run([*TOOL, "query", str(path), *target, "-f", "tsv", "--timeout", str(limit)],
                            capture_output=True, text=True, check=False)  # fmt: skip
    seconds = time.monotonic() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if result.returncode == 124:
        return Timing(None, seconds, cpu, f"stopped after {limit:g} s")
    if result.returncode != 0:
        return Timing(None, seconds, cpu, "failed: " + result.stderr.strip().splitlines()[-1][:120])
    return Timing(len(result.stdout.splitlines()) - 1, seconds, cpu)


def measure(text: str, target: list[str], limit: float, runs: int, work: Path) -> Timing:
    """The median of `runs` runs (one run when the first was stopped or failed)."""
    timings = [time_query(text, target, limit, work)]
    while timings[0].rows is not None and len(timings) < runs:
        timings.append(time_query(text, target, limit, work))
    timings.sort(key=lambda t: t.seconds)
    middle = timings[len(timings) // 2]
    if len({t.rows for t in timings}) > 1:
        middle.note = "rows differ between runs"
    return middle


def cell(timing: Timing | None) -> tuple[str, str]:
    if timing is None:
        return "–", "–"
    rows = f"{timing.rows:,}" if timing.rows is not None else timing.note
    seconds = f"{timing.seconds:.2f}" + (f" ({timing.cpu:.2f} CPU)" if timing.cpu is not None else "")
    return rows, seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--work", type=Path, help="Folder for the corpus, stores and database [bench/work/queries-N].")
    parser.add_argument("--nquads", type=Path, help="Use this conversion of the corpus (skips generating and converting).")
    parser.add_argument("--store", type=Path, help="Use (or build) the embedded store here.")
    parser.add_argument("--runs", type=int, default=3, help="Runs of each bundled query; the median is shown.")
    parser.add_argument("--plain-limit", type=float, default=60.0, help="Seconds before a plain form is stopped.")
    parser.add_argument("--no-virtuoso", action="store_true")
    parser.add_argument("--no-plain", action="store_true", help="Do not time the plain forms.")
    parser.add_argument("--virtuoso-buffers", type=int, default=250_000, help="NumberOfBuffers (8 KB pages).")
    parser.add_argument("--results", type=Path, default=HERE / "QUERY-RESULTS.md")
    args = parser.parse_args()
    # As pip does at install: each query process then reads the package's bytecode instead of compiling it
    # (PYTHONDONTWRITEBYTECODE, set on some machines, would make every process compile it again).
    compileall.compile_dir(str(ROOT / "pfocr_rdf"), quiet=1)
    work = args.work or HERE / "work" / f"queries-{args.records}"
    work.mkdir(parents=True, exist_ok=True)
    nquads = args.nquads or build_nquads(work, build_corpus(work, args.records, args.seed))
    store = args.store or work / "store"
    store_seconds = build_store(store, nquads)
    examples = pick_examples(store)
    cases = [(name, {k: examples.get(v, v) for k, v in params.items()}) for name, params in CASES]
    table: list[tuple[str, dict[str, str], str, Timing, Timing | None]] = []
    embedded = ["--store", str(store)]

    def measure_all(target: list[str], engine: str) -> dict[tuple[str, str, bool], Timing]:
        found = {}
        for name, params in cases:
            for plain in (False, True):
                if plain and args.no_plain:
                    continue
                limit = args.plain_limit if plain else max(60.0, 6 * LIMITS.get(name, 1.0))
                timing = measure(query_text(name, params, plain), target, limit, 1 if plain else args.runs, work)
                key = (name, repr(sorted(params.items())), plain)
                found[key] = timing
                step(f"{engine} {name} {params} {'plain' if plain else 'bundled'}: {cell(timing)}")
        return found

    ours = measure_all(embedded, "embedded")
    theirs: dict[tuple[str, str, bool], Timing] = {}
    virtuoso_seconds = None
    if not args.no_virtuoso and shutil.which("virtuoso-t"):
        folder = work / "virtuoso"
        fresh = not (folder / ".complete").exists()
        if fresh:
            shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True, exist_ok=True)
        with virtuoso(folder, max_rows=10_000_000, buffers=args.virtuoso_buffers) as server:
            if fresh:
                virtuoso_seconds = bulk_load_virtuoso(server, folder, nquads)
                (folder / ".complete").write_text(f"{virtuoso_seconds:.1f}\n")
            theirs = measure_all(["--endpoint", f"{server.base}/sparql"], "virtuoso")
    for name, params in cases:
        for plain in (False, True):
            key = (name, repr(sorted(params.items())), plain)
            if key in ours:
                table.append((name, params, "plain" if plain else "bundled", ours[key], theirs.get(key)))
    write_results(args, work, table, store_seconds, virtuoso_seconds)


def write_results(args: argparse.Namespace, work: Path, table: list, store_seconds: float | None,
                  virtuoso_seconds: float | None) -> None:  # fmt: skip
    lines = ["# Query benchmark", "", "Written by `python bench/queries.py` (see the README). Machine:", "", *machine(), ""]
    lines += [
        f"Corpus: {args.records:,} records generated by `bench/generate.py` (seed {args.seed}), converted to N-Quads "
        "and loaded with `pfocr-rdf load --store`; the same N-Quads in a private Virtuoso 7 (bulk loader), each with "
        "the WikiPathways fixture of the tests. Each query is one fresh `pfocr-rdf query` process; seconds are the "
        "wall clock of the whole process (median of "
        f"{args.runs} runs for the bundled forms, one for the plain forms), CPU seconds in brackets (the embedded "
        "store's process). Limit: 1 s, `gene-sets` 10 s. 'plain' is the form in tests/data/plain-queries.",
        "",
    ]
    if store_seconds is not None:
        lines.append(f"- `pfocr-rdf load --store` took {store_seconds:,.0f} s.")
    if virtuoso_seconds is not None:
        lines.append(f"- Virtuoso's bulk loader took {virtuoso_seconds:,.0f} s.")
    lines += [
        "",
        "| query | parameters | form | rows | embedded store, s | under limit | Virtuoso rows | Virtuoso, s |",
        "|---|---|---|---:|---:|---|---:|---:|",
    ]
    for name, params, form, ours, theirs in table:
        shown = ", ".join(f"{k}={v}" for k, v in params.items())
        rows, seconds = cell(ours)
        limit = LIMITS.get(name, 1.0)
        under = "" if form == "plain" else ("yes" if ours.rows is not None and ours.seconds < limit else "**no**")
        their_rows, their_seconds = cell(theirs)
        their_seconds = their_seconds.split(" (")[0]
        lines.append(f"| {name} | {shown} | {form} | {rows} | {seconds} | {under} | {their_rows} | {their_seconds} |")
    text = "\n".join(lines) + "\n"
    args.results.write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
