"""Generate a realistic PFOCR corpus of any size, laid out like the PFOCR site (_figures/, _data/).

Every distribution comes from the real sample (tests/data/sample): each generated record starts from a
real record of the sample picked at random (so schema eras, key orders, missing-value spellings,
inline lists and organism lists occur as often as in the sample), gets a new figid and PMCID (about
7% of figures share a paper with the previous one, as in the sample), and has its texts reshuffled
(same lengths). Its sidecar tables have the header variant of its template, a number of rows drawn
from the sample's row counts, and rows drawn from all the sample's rows of that table kind.

    python bench/generate.py --records 100000 --out bench/corpora/100k
"""

from __future__ import annotations

import argparse
import random
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

import yaml

# libyaml's emitter writes the same text as PyYAML's pure-Python one (tests/write/test_output_pinned.py would see a
# difference in the generated corpus), six times faster: 100,000 records take minutes, not an hour.
DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "tests" / "data" / "sample"
KINDS = ("genes", "chemicals", "diseases")
TEXT_FIELDS = ("caption", "figtitle", "papertitle")
# What a paper is: figures of one paper carry the same values (the real site writes them from one source).
PAPER_FIELDS = ("papertitle", "reftext", "year", "doi", "journal_title", "journal_nlm_ta", "publisher_name", "keywords")


@dataclass
class Table:
    header: str
    rows: list[str]


@dataclass
class Template:
    figid: str
    data: dict
    tables: dict[str, Table]


def load_sample(sample: Path) -> tuple[list[Template], dict[str, dict[str, list[str]]], dict[str, list[int]]]:
    """Templates, the pooled rows of each table kind by header, and each kind's row counts."""
    templates = []
    pools: dict[str, dict[str, list[str]]] = {kind: {} for kind in KINDS}
    counts: dict[str, list[int]] = {kind: [] for kind in KINDS}
    for path in sorted((sample / "_figures").glob("*.md")):
        text = path.read_text(encoding="utf-8")
        data = yaml.load(text.split("\n---")[0][4:], Loader=yaml.BaseLoader)
        tables = {}
        for kind in KINDS:
            table = sample / "_data" / f"{path.stem}-{kind}.tsv"
            if table.exists():
                lines = table.read_text(encoding="utf-8").replace("\r\n", "\n").rstrip("\n").split("\n")
                tables[kind] = Table(lines[0], lines[1:])
                pools[kind].setdefault(lines[0], []).extend(lines[1:])
                counts[kind].append(len(lines) - 1)
        templates.append(Template(path.stem, data, tables))
    return templates, pools, counts


def shuffled_text(rng: random.Random, text: str) -> str:
    words = text.split(" ")
    rng.shuffle(words)
    return " ".join(words)


def make_record(rng: random.Random, template: Template, index: int, pmcid: str) -> tuple[str, dict]:
    data = dict(template.data)
    suffix = template.figid.split("__", 1)[1]
    figid = f"{pmcid}__{suffix}-{index}"
    old_pmcid = template.data.get("pmcid", "")
    data["figid"] = figid
    data["pmcid"] = pmcid
    for key in ("figlink", "figid_alias", "redirect_from"):
        if isinstance(data.get(key), str) and old_pmcid:
            data[key] = data[key].replace(old_pmcid, pmcid)
    for key in TEXT_FIELDS:
        if isinstance(data.get(key), str) and len(data[key]) > 20:
            data[key] = shuffled_text(rng, data[key])
    block = data.get("schema-jsonld")
    if isinstance(block, dict):
        block = dict(block)
        block["@id"] = f"https://pfocr.wikipathways.org/figures/{figid}.html"
        if isinstance(block.get("description"), str):
            block["description"] = data.get("caption", block["description"])
        if isinstance(block.get("keywords"), list):
            keywords = list(block["keywords"])
            rng.shuffle(keywords)
            block["keywords"] = keywords
        data["schema-jsonld"] = block
    return figid, data


def consistent_counts(header: str, rows: list[str]) -> list[str]:
    """Rows drawn from different tables carry different counts; within one organism of one real genes
    TSV the count columns are equal, so each organism's first drawn row sets them for the others."""
    names = header.split("\t")
    positions = [names.index(c) for c in ("count_direct", "count_synonym", "count_match") if c in names]
    organism = names.index("organism_id")
    first: dict[str, list[str]] = {}
    fixed = []
    for row in rows:
        cells = row.split("\t")
        counts = first.setdefault(cells[organism], [cells[p] for p in positions])
        for position, value in zip(positions, counts, strict=True):
            cells[position] = value
        fixed.append("\t".join(cells))
    return fixed


def write_corpus(out: Path, records: int, seed: int, sample: Path) -> None:
    rng = random.Random(seed)
    templates, pools, counts = load_sample(sample)
    if out.exists():
        shutil.rmtree(out)
    figures, tables = out / "_figures", out / "_data"
    figures.mkdir(parents=True)
    tables.mkdir()
    pmc_number = 20_000_000
    paper: dict = {}
    for index in range(records):
        shared = index > 0 and rng.random() < 0.07  # share a paper with the previous figure now and then
        if not shared:
            pmc_number += rng.randint(1, 50)
        template = rng.choice(templates)
        figid, data = make_record(rng, template, index, f"PMC{pmc_number}")
        if shared:
            for key in PAPER_FIELDS:
                if key in paper:
                    data[key] = paper[key]
                else:
                    data.pop(key, None)
        paper = {key: data[key] for key in PAPER_FIELDS if key in data}
        text = "---\n" + yaml.dump(data, Dumper=DUMPER, allow_unicode=True, sort_keys=False, width=80) + "---\n"
        (figures / f"{figid}.md").write_text(text, encoding="utf-8")
        for kind, table in template.tables.items():
            n = rng.choice(counts[kind])
            rows = [rng.choice(pools[kind][table.header]) for _ in range(n)]
            if kind == "genes":
                rows = consistent_counts(table.header, rows)
            (tables / f"{figid}-{kind}.tsv").write_text(table.header + "\n" + "\n".join(rows) + "\n", encoding="utf-8")
        if (index + 1) % 10_000 == 0:
            print(f"  {index + 1:,} records", file=sys.stderr)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--records", type=int, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--sample", type=Path, default=SAMPLE)
    args = parser.parse_args()
    write_corpus(args.out, args.records, args.seed, args.sample)


if __name__ == "__main__":
    main()
