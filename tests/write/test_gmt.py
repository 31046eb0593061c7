"""GMT gene sets: held to the GMT format's definition, to sets worked out from the sidecar TSVs, and read
by gseapy, a GMT reader of the enrichment ecosystem (its parser and its offline hypergeometric test)."""

from __future__ import annotations

import csv
import gzip
import re
import subprocess
from pathlib import Path

import pytest
import yaml

from conftest import FIGURES, SAMPLE, SEEDS, TABLES, run_cli

ORGANISM_FILE = re.compile(r"pfocr-(chemicals-)?[A-Za-z0-9._-]+\.gmt")


def read_gmt(path: Path) -> dict[str, tuple[str, list[str]]]:
    """GMT as the Broad Institute defines it: per line a name, a description, then one member per field."""
    sets: dict[str, tuple[str, list[str]]] = {}
    for line in path.read_text(encoding="utf-8").split("\n")[:-1]:  # every line ends with a newline
        name, description, *members = line.split("\t")
        assert name and name not in sets, f"{path.name}: set names are unique and not empty"
        assert members and all(members) and len(set(members)) == len(members), line
        assert description == " ".join(description.split()), "no tabs, line breaks or runs of spaces"
        sets[name] = (description, members)
    return sets


def tsv_genes(figid: str) -> dict[str, set[str]]:
    """NCBI Gene ids per organism name, straight from the figure's genes TSV."""
    by_organism: dict[str, set[str]] = {}
    table = TABLES / f"{figid}-genes.tsv"
    with open(table, encoding="utf-8-sig", newline="") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            gene = (row.get("ncbigene_id") or "").strip()
            if gene.isdigit():
                by_organism.setdefault(row["organism_name"].strip(), set()).add(gene)
    return by_organism


def figure_title(figid: str) -> str:
    front = (FIGURES / f"{figid}.md").read_text(encoding="utf-8").split("---\n")[1]
    return " ".join(str(yaml.safe_load(front)["figtitle"]).split())


@pytest.fixture(scope="module")
def one_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("gmt") / "pfocr.gmt"
    result = run_cli("convert", str(SAMPLE), str(SEEDS), "-f", "gmt", "-o", str(out))
    assert result.returncode == 0, result.stderr
    assert re.search(r"47 records, \d+ gene sets written, ", result.stderr)
    return out


@pytest.fixture(scope="module")
def per_organism(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("gmt") / "sets"
    result = run_cli("convert", str(SAMPLE), "-f", "gmt", "--split-by", "organism", "-o", str(folder))
    assert result.returncode == 0, result.stderr
    return folder


def test_one_line_per_figure_with_its_title_and_every_gene_of_its_table(one_file: Path) -> None:
    sets = read_gmt(one_file)
    with_tables = [p.name.removesuffix("-genes.tsv") for p in TABLES.glob("*-genes.tsv")]
    assert with_tables
    for figid in with_tables:
        genes = set().union(*tsv_genes(figid).values())
        if genes:
            description, members = sets[figid]
            assert set(members) == genes and description == figure_title(figid)
            assert members == sorted(members, key=int)
    assert all(not name.endswith(".html") and "__" in name for name in sets)  # figids, as the releases name sets


def test_split_by_organism_writes_each_species_genes_to_its_own_file(per_organism: Path) -> None:
    files = {path.name: read_gmt(path) for path in per_organism.iterdir()}
    assert "pfocr-Homo_sapiens.gmt" in files and all(ORGANISM_FILE.fullmatch(name) for name in files)
    expected: dict[str, dict[str, set[str]]] = {}
    for table in TABLES.glob("*-genes.tsv"):
        figid = table.name.removesuffix("-genes.tsv")
        for organism, genes in tsv_genes(figid).items():
            expected.setdefault(f"pfocr-{organism.replace(' ', '_')}.gmt", {})[figid] = genes
    for name, sets in expected.items():
        found = {figid: set(members) for figid, (_, members) in files[name].items() if figid in sets}
        assert found == sets, name


def test_chemical_sets_hold_chebi_ids(tmp_path: Path) -> None:
    out = tmp_path / "chemicals.gmt"
    assert run_cli("convert", str(SAMPLE), "-f", "gmt", "--sets", "chemicals", "-o", str(out), "-q").returncode == 0
    sets = read_gmt(out)
    assert sets and all(re.fullmatch(r"CHEBI:\d+", m) for _, members in sets.values() for m in members)
    table = TABLES / "PMC100008__mb2411709009-chemicals.tsv"
    with open(table, encoding="utf-8-sig", newline="") as handle:
        chebi = {
            row["chebi"].strip()
            for row in csv.DictReader(handle, delimiter="\t")
            if row.get("chebi", "").strip() not in ("", "NA")
        }
    assert set(sets["PMC100008__mb2411709009"][1]) == {"CHEBI:" + c.split(":")[-1] for c in chebi}


def test_gseapy_reads_the_sets_and_finds_a_figure_from_its_own_genes(per_organism: Path) -> None:
    gseapy = pytest.importorskip("gseapy", reason="gseapy (a test dependency) is not installed")
    path = per_organism / "pfocr-Homo_sapiens.gmt"
    ours = {name: members for name, (_, members) in read_gmt(path).items()}
    assert gseapy.read_gmt(str(path)) == ours
    figid, genes = max(ours.items(), key=lambda item: len(item[1]))
    # the universe: every gene of the file (gseapy's default for a GMT of one's own)
    result = gseapy.enrich(gene_list=genes, gene_sets=str(path), background=None, outdir=None, no_plot=True)
    best = result.results.sort_values("P-value").iloc[0]
    assert best["Term"] == figid and best["Overlap"] == f"{len(genes)}/{len(genes)}"


def test_a_gmt_name_chooses_the_format(one_file: Path, tmp_path: Path) -> None:
    named = tmp_path / "named.gmt"
    assert run_cli("convert", str(SAMPLE), str(SEEDS), "-o", str(named), "-q").returncode == 0
    assert named.read_bytes() == one_file.read_bytes()


def test_gmt_options_that_do_not_fit_are_refused(tmp_path: Path) -> None:
    split_rdf = run_cli("convert", str(SEEDS), "--split-by", "organism", "-o", str(tmp_path / "x.nt"))
    assert split_rdf.returncode == 2 and "give -f gmt" in split_rdf.stderr
    chemicals_rdf = run_cli("convert", str(SEEDS), "--sets", "chemicals", "-o", str(tmp_path / "x.nt"))
    assert chemicals_rdf.returncode == 2 and "give -f gmt" in chemicals_rdf.stderr
    split_stdout = run_cli("convert", str(SEEDS), "-f", "gmt", "--split-by", "organism")
    assert split_stdout.returncode == 2 and "-o DIR" in split_stdout.stderr
    assert list(tmp_path.iterdir()) == []


def test_a_gz_name_compresses_the_sets_with_or_without_f_gmt(one_file: Path, tmp_path: Path) -> None:
    gseapy = pytest.importorskip("gseapy", reason="gseapy (a test dependency) is not installed")
    given = tmp_path / "given.gmt.gz"
    assert run_cli("convert", str(SAMPLE), str(SEEDS), "-f", "gmt", "-o", str(given), "-q").returncode == 0
    named = tmp_path / "named.gmt.gz"  # no -f: a .gmt.gz name is GMT, compressed
    assert run_cli("convert", str(SAMPLE), str(SEEDS), "-o", str(named), "-q").returncode == 0
    for path in (given, named):
        assert path.read_bytes()[:2] == b"\x1f\x8b"
        assert subprocess.run(["zcat", str(path)], capture_output=True, check=True).stdout == one_file.read_bytes()
    subprocess.run(["gunzip", str(named)], check=True)
    unpacked = tmp_path / "named.gmt"
    assert gseapy.read_gmt(str(unpacked)) == {name: members for name, (_, members) in read_gmt(one_file).items()}


def test_gzip_with_split_by_organism_compresses_each_file(per_organism: Path, tmp_path: Path) -> None:
    folder = tmp_path / "sets"
    result = run_cli("convert", str(SAMPLE), "-f", "gmt", "--split-by", "organism", "--gzip", "-o", str(folder), "-q")
    assert result.returncode == 0, result.stderr
    plain = {path.name: path.read_bytes() for path in per_organism.iterdir()}
    packed = {path.name: path.read_bytes() for path in folder.iterdir()}
    assert set(packed) == {name + ".gz" for name in plain}
    assert all(gzip.decompress(data) == plain[name.removesuffix(".gz")] for name, data in packed.items())


def test_a_folder_is_never_named_gz(tmp_path: Path) -> None:
    """A .gz name is one gzip file to every reader (ours too): a folder of sets or shards is refused it."""
    split = run_cli("convert", str(SAMPLE), "-f", "gmt", "--split-by", "organism", "-o", str(tmp_path / "sets.gz"))
    assert split.returncode == 2
    assert f"name the folder {tmp_path / 'sets'}; --gzip compresses each file in it" in split.stderr
    shards = run_cli("convert", str(SEEDS), "--shard-size", "1", "-o", str(tmp_path / "shards.gz"))
    assert shards.returncode == 2 and f"name the folder {tmp_path / 'shards'}" in shards.stderr
    plain_name = run_cli("convert", str(SEEDS), "-f", "gmt", "--gzip", "-o", str(tmp_path / "x.gmt"))
    assert plain_name.returncode == 2 and f"name it {tmp_path / 'x.gmt'}.gz" in plain_name.stderr
    assert list(tmp_path.iterdir()) == []


def test_a_folder_written_again_holds_only_the_new_runs_sets_and_the_users_other_files(tmp_path: Path) -> None:
    folder, fresh = tmp_path / "sets", tmp_path / "fresh"
    first = run_cli("convert", str(SAMPLE), "-f", "gmt", "--split-by", "organism", "-o", str(folder))
    assert first.returncode == 0, first.stderr
    (folder / "notes.txt").write_text("mine\n", encoding="utf-8")
    (folder / "pfocr-chemicals-Homo_sapiens.gmt").write_text("kept: another kind of set\n", encoding="utf-8")
    before = {path.name for path in folder.glob("pfocr-*.gmt")}
    for target in (folder, fresh):  # the seeds alone, with each file gzipped this time
        again = run_cli("convert", str(SEEDS), "-f", "gmt", "--split-by", "organism", "--gzip", "-o", str(target))
        assert again.returncode == 0, again.stderr
    expected = {path.name for path in fresh.iterdir()}
    assert expected and all(name.endswith(".gmt.gz") for name in expected) and len(before) > len(expected)
    assert {path.name for path in folder.iterdir()} == expected | {"notes.txt", "pfocr-chemicals-Homo_sapiens.gmt"}
    for name in expected:
        assert (folder / name).read_bytes() == (fresh / name).read_bytes()
    assert (folder / "notes.txt").read_text(encoding="utf-8") == "mine\n"
