"""Genes, chemicals and diseases: every table variant, exact identifier sets, WikiPathways IRIs."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest

from pfocr_rdf.api import record_graph
from pfocr_rdf.errors import RecordError
from pfocr_rdf.read.mention_tables import read_mentions
from pfocr_rdf.read.mentions import split_curie

from conftest import FIGURES, SAMPLE, SAMPLE_FILES, TABLES, run_cli
from sample_oracle import expected_ids

PFOCR = "https://pfocr.wikipathways.org/vocab#"
DCT = "http://purl.org/dc/terms/"


@pytest.fixture(scope="module")
def sample_store(tmp_path_factory: pytest.TempPathFactory) -> ox.Store:
    out = tmp_path_factory.mktemp("mentions") / "sample.nq"
    result = run_cli("convert", str(SAMPLE), "-o", str(out))
    assert result.returncode == 0, result.stderr
    store = ox.Store()
    store.load(path=str(out), format=ox.RdfFormat.N_QUADS)
    return store


def output_ids(store: ox.Store, figid: str) -> dict[str, set[str]]:
    figure = f"https://pfocr.wikipathways.org/figures/{figid}.html"
    prefixes = {
        "gene": (f"{PFOCR}ncbiGene", "https://identifiers.org/ncbigene/"),
        "chebi": (f"{PFOCR}chebi", "https://identifiers.org/chebi/CHEBI:"),
        "mesh": (f"{PFOCR}mesh", "http://id.nlm.nih.gov/mesh/"),
        "doid": (f"{PFOCR}doid", "http://purl.obolibrary.org/obo/DOID_"),
    }
    found: dict[str, set[str]] = {}
    for key, (predicate, base) in prefixes.items():
        query = f"SELECT DISTINCT ?id WHERE {{ GRAPH ?g {{ ?m <{DCT}isPartOf> <{figure}> ; <{predicate}> ?id }} }}"
        iris = {row["id"].value for row in store.query(query)}
        assert all(iri.startswith(base) for iri in iris), iris
        found[key] = {iri[len(base) :] for iri in iris}
    return found


@pytest.mark.parametrize("path", SAMPLE_FILES, ids=lambda p: p.stem)
def test_output_holds_exactly_the_identifiers_of_each_sample_record(sample_store: ox.Store, path: Path) -> None:
    assert output_ids(sample_store, path.stem) == expected_ids(path.stem)


def test_the_sample_has_identifiers_of_every_kind() -> None:
    totals = {key: 0 for key in ("gene", "chebi", "mesh", "doid")}
    for path in SAMPLE_FILES:
        for key, ids in expected_ids(path.stem).items():
            totals[key] += len(ids)
    assert all(totals.values()), totals


def test_one_mention_node_per_figure_and_identifier(sample_store: ox.Store) -> None:
    rows = list(
        sample_store.query(
            f"SELECT ?m (COUNT(DISTINCT ?f) AS ?n) WHERE {{ GRAPH ?g {{ ?m <{DCT}isPartOf> ?f ; a <{PFOCR}GeneMention> }} }} GROUP BY ?m"
        )
    )
    assert rows and all(int(row["n"].value) == 1 for row in rows)
    dup = list(
        sample_store.query(
            f"SELECT ?f ?id (COUNT(DISTINCT ?m) AS ?n) WHERE {{ GRAPH ?g {{ ?m <{DCT}isPartOf> ?f ; <{PFOCR}ncbiGene> ?id }} }} "
            "GROUP BY ?f ?id HAVING (COUNT(DISTINCT ?m) > 1)"
        )
    )
    assert dup == []


def test_figures_showing_a_gene_with_the_wikipathways_iri(sample_store: ox.Store) -> None:
    # IL6 (NCBI Gene 3569) in the sample's genes TSVs and inline lists, read independently:
    expected = {p.stem for p in SAMPLE_FILES if "3569" in expected_ids(p.stem)["gene"]}
    query = f"""SELECT DISTINCT ?id WHERE {{ GRAPH ?g {{
        ?m <{PFOCR}ncbiGene> <https://identifiers.org/ncbigene/3569> ; <{DCT}isPartOf> ?f .
        ?f <{DCT}identifier> ?id }} }}"""
    assert {row["id"].value for row in sample_store.query(query)} == expected
    assert len(expected) >= 2


def test_genes_of_a_figure(sample_store: ox.Store) -> None:
    figid = "PMC10034769__fphar-14-1067402-g009"
    query = f"""SELECT ?gene ?symbol WHERE {{ GRAPH ?g {{
        ?m <{DCT}isPartOf> <https://pfocr.wikipathways.org/figures/{figid}.html> ; a <{PFOCR}GeneMention> ;
           <{PFOCR}ncbiGene> ?gene ; <http://www.w3.org/2000/01/rdf-schema#label> ?symbol }} }}"""
    rows = {(row["gene"].value, row["symbol"].value) for row in sample_store.query(query)}
    with (TABLES / f"{figid}-genes.tsv").open(encoding="utf-8") as handle:
        expected = {
            (f"https://identifiers.org/ncbigene/{r['ncbigene_id']}", r["ncbigene_symbol"])
            for r in csv.DictReader(handle, delimiter="\t")
        }
    assert rows == expected


def test_gene_mention_triples_follow_the_spec() -> None:
    graph = record_graph(FIGURES / "PMC10033690__41598_2023_31603_Fig1_HTML.md")
    figure = "<https://pfocr.wikipathways.org/figures/PMC10033690__41598_2023_31603_Fig1_HTML.html>"
    node = graph.nodes[figure[:-1] + "#gene-26195>"]
    assert node == {
        "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>": [f"<{PFOCR}GeneMention>"],
        f"<{DCT}isPartOf>": [figure],
        f"<{PFOCR}ncbiGene>": ["<https://identifiers.org/ncbigene/26195>"],
        "<http://www.w3.org/2000/01/rdf-schema#label>": ['"COX1"'],
        f"<{PFOCR}organism>": ["<http://purl.obolibrary.org/obo/NCBITaxon_10116>"],
        f"<{PFOCR}organismName>": ['"Rattus norvegicus"'],
        f"<{PFOCR}ocrWord>": ['"COX1"'],
        f"<{PFOCR}matchedText>": ['"COX1"'],
        f"<{PFOCR}matchSource>": ['"ncbigene_symbol"'],
    }


def test_human_genes_carry_the_hgnc_symbol_iri() -> None:
    graph = record_graph(FIGURES / "PMC100008__mb2411709009.md")
    node = graph.nodes["<https://pfocr.wikipathways.org/figures/PMC100008__mb2411709009.html#gene-1956>"]
    assert node[f"<{PFOCR}hgncSymbol>"] == ["<https://identifiers.org/hgnc.symbol/EGFR>"]
    assert node[f"<{PFOCR}organism>"] == ["<http://purl.obolibrary.org/obo/NCBITaxon_9606>"]


def test_a_nan_gene_id_becomes_a_word_mention() -> None:
    graph = record_graph(FIGURES / "PMC10033690__41598_2023_31603_Fig1_HTML.md")
    node = graph.nodes["<https://pfocr.wikipathways.org/figures/PMC10033690__41598_2023_31603_Fig1_HTML.html#gene-word-COX>"]
    assert f"<{PFOCR}ncbiGene>" not in node
    assert node[f"<{PFOCR}matchSource>"] == ['"famplex_relations"']


def test_na_as_a_gene_symbol_is_no_label_but_the_gene_is_kept() -> None:
    graph = record_graph(FIGURES / "PMC100008__mb2411709009.md")
    figure = "https://pfocr.wikipathways.org/figures/PMC100008__mb2411709009.html"
    node = graph.nodes[f"<{figure}#gene-44798>"]
    assert "<http://www.w3.org/2000/01/rdf-schema#label>" not in node
    assert node[f"<{PFOCR}ocrWord>"] == ['"B-AR"']


def test_chemical_mentions_with_mesh_and_chebi() -> None:
    graph = record_graph(FIGURES / "PMC10033690__41598_2023_31603_Fig1_HTML.md")
    node = graph.nodes["<https://pfocr.wikipathways.org/figures/PMC10033690__41598_2023_31603_Fig1_HTML.html#chemical-D007052>"]
    assert node["<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"] == [f"<{PFOCR}ChemicalMention>"]
    assert node[f"<{PFOCR}mesh>"] == ["<http://id.nlm.nih.gov/mesh/D007052>"]
    assert node[f"<{PFOCR}chebi>"] == ["<https://identifiers.org/chebi/CHEBI:5855>"]
    assert node["<http://www.w3.org/2000/01/rdf-schema#label>"] == ['"ibuprofen"']


def test_old_three_column_chemicals_with_crlf_and_no_final_newline() -> None:
    raw = (TABLES / "PMC6365454__fnins-13-00025-g0002-chemicals.tsv").read_bytes()
    assert b"\r\n" in raw and not raw.endswith(b"\n")
    graph = record_graph(FIGURES / "PMC6365454__fnins-13-00025-g0002.md")
    node = graph.nodes["<https://pfocr.wikipathways.org/figures/PMC6365454__fnins-13-00025-g0002.html#chemical-D015232>"]
    assert node[f"<{PFOCR}ocrWord>"] == ['"PGE2"'] and node[f"<{PFOCR}matchSource>"] == ['"MESH"']
    assert f"<{PFOCR}chebi>" not in node


def test_disease_mentions_tag_the_figure_with_doid() -> None:
    graph = record_graph(FIGURES / "PMC10034769__fphar-14-1067402-g009.md")
    figure = "<https://pfocr.wikipathways.org/figures/PMC10034769__fphar-14-1067402-g009.html>"
    assert graph.nodes[figure][f"<{PFOCR}disease>"] == ["<http://purl.obolibrary.org/obo/DOID_0060239>"]
    node = graph.nodes[figure[:-1] + "#disease-C536528>"]
    assert node[f"<{PFOCR}doid>"] == ["<http://purl.obolibrary.org/obo/DOID_0060239>"]
    assert node["<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"] == [f"<{PFOCR}DiseaseMention>"]


def test_exact_duplicate_rows_collapse() -> None:
    table = TABLES / "PMC10034633__MBT2-16-726-g003-chemicals.tsv"
    lines = table.read_text(encoding="utf-8").splitlines()[1:]
    assert len(lines) > len(set(lines))
    found = read_mentions("PMC10034633__MBT2-16-726-g003", {}, (str(TABLES),), "r.md")
    meshes = [m.mesh for m in found.chemicals]
    assert len(meshes) == len(set(meshes)) == len({line.split("\t")[1] for line in lines})


def test_inline_lists_are_used_when_no_table_exists_and_the_table_wins_otherwise() -> None:
    both = record_graph(FIGURES / "PMC100003__mb2410470011.md")  # inline human genes and a (Drosophila) genes TSV
    assert not any(s.endswith("#gene-2776>") for s in both.nodes)  # GNAQ: in the inline list only
    tsv_genes = {s.rsplit("#gene-", 1)[1][:-1] for s in both.nodes if "#gene-" in s and "counts" not in s}
    assert tsv_genes == expected_ids("PMC100003__mb2410470011")["gene"]
    inline_only = record_graph(FIGURES / "PMC1403158__pbio.0040095.g001.md")  # no TSVs at all
    assert any("#chemical-" in s for s in inline_only.nodes)


def test_figure_level_gene_match_counts_per_organism() -> None:
    graph = record_graph(FIGURES / "PMC100005__mb2410575011.md")
    figure = "https://pfocr.wikipathways.org/figures/PMC100005__mb2410575011.html"
    counts = graph.nodes[f"<{figure}#gene-counts-9606>"]
    assert counts[f"<{PFOCR}countDirect>"] == ['"3"^^<http://www.w3.org/2001/XMLSchema#integer>']
    assert counts[f"<{PFOCR}countSynonym>"] == ['"13"^^<http://www.w3.org/2001/XMLSchema#integer>']
    assert len(graph.nodes[f"<{figure}>"][f"<{PFOCR}geneMatchCounts>"]) == 3  # human, rat, fly


def test_na_counts_are_omitted() -> None:
    graph = record_graph(FIGURES / "PMC1069646__pbio.0030121.g003.md")
    counts = graph.nodes["<https://pfocr.wikipathways.org/figures/PMC1069646__pbio.0030121.g003.html#gene-counts-9606>"]
    assert f"<{PFOCR}countDirect>" not in counts and f"<{PFOCR}countSynonym>" in counts


@pytest.mark.parametrize(
    ("curie", "prefix", "expected"),
    [
        ("mesh:D005227", "mesh", ("mesh", "D005227")),
        ("MESH:D1", "mesh", ("mesh", "D1")),
        ("chebi:35366", "chebi", ("chebi", "35366")),
        ("CHEBI:CHEBI:35366", "chebi", ("chebi", "35366")),
        ("D015232", "mesh", ("mesh", "D015232")),
        ("doid:0060239", "doid", ("doid", "0060239")),
    ],
)
def test_curies_are_normalised_before_expansion(curie: str, prefix: str, expected: tuple[str, str]) -> None:
    assert split_curie(curie, prefix) == expected


# ---- tables that are not as they should be


def make_record(tmp_path: Path, genes: str | None = None, chemicals: str | None = None) -> Path:
    figid = "PMC10034769__fphar-14-1067402-g009"
    shutil.copy(FIGURES / f"{figid}.md", tmp_path / f"{figid}.md")
    for table in TABLES.glob(f"{figid}-*.tsv"):
        shutil.copy(table, tmp_path / table.name)
    if genes is not None:
        (tmp_path / f"{figid}-genes.tsv").write_bytes(genes.encode("utf-8"))
    if chemicals is not None:
        (tmp_path / f"{figid}-chemicals.tsv").write_bytes(chemicals.encode("utf-8"))
    return tmp_path / f"{figid}.md"


GENE_HEADER = "organism_id\torganism_name\torganism_group\tword\tmatch\tncbigene_symbol\tncbigene_id\tsource\tcount_direct\tcount_synonym\tcount_match"


def test_bom_padding_and_missing_cells(tmp_path: Path) -> None:
    genes = (
        "\ufeff"
        + GENE_HEADER
        + "\r\n"
        + "9606\tHomo sapiens\tPrimates\t IL-6 \tIL6\t IL6 \t 3569 \tncbigene_symbol\tNA\t2\t3\r\n"
    )
    graph = record_graph(make_record(tmp_path, genes=genes))
    node = next(props for s, props in graph.nodes.items() if s.endswith("#gene-3569>"))
    assert node[f"<{PFOCR}ocrWord>"] == ['"IL-6"'] and node["<http://www.w3.org/2000/01/rdf-schema#label>"] == ['"IL6"']


def test_a_missing_required_column_skips_the_table_with_a_warning(tmp_path: Path) -> None:
    record = make_record(tmp_path, genes="organism_id\tword\tncbigene_symbol\n9606\tIL6\tIL6\n")
    result = run_cli("convert", str(record), "-o", str(tmp_path / "out.nt"), "-v")
    assert result.returncode == 0
    assert "-genes.tsv:1: ncbigene_id: missing required column ncbigene_id; table skipped [bad-table]" in result.stderr
    assert "#chemical-" in (tmp_path / "out.nt").read_text()  # the rest of the record still converts


def test_a_ragged_row_is_skipped_with_its_line(tmp_path: Path) -> None:
    genes = GENE_HEADER + "\n9606\tHomo sapiens\tPrimates\tIL-6\tIL6\tIL6\t3569\tncbigene_symbol\t1\t2\t3\n9606\tonly\tthree\n"
    record = make_record(tmp_path, genes=genes)
    result = run_cli("convert", str(record), "-o", str(tmp_path / "out.nt"), "-v")
    assert result.returncode == 0
    assert "-genes.tsv:3: row has 3 cells, the header has 11; row skipped [ragged-row]" in result.stderr
    assert "#gene-3569>" in (tmp_path / "out.nt").read_text()


def test_a_non_numeric_gene_id_is_reported_with_file_line_and_column(tmp_path: Path) -> None:
    genes = GENE_HEADER + "\n9606\tHomo sapiens\tPrimates\tIL-6\tIL6\tIL6\tIL6x\tncbigene_symbol\t1\t2\t3\n"
    record = make_record(tmp_path, genes=genes)
    result = run_cli("convert", str(record), "-o", str(tmp_path / "out.nt"), "-v", "--no-validate")
    assert "-genes.tsv:2: ncbigene_id: ncbigene_id 'IL6x' is not numeric [bad-identifier]" in result.stderr
    assert result.returncode == 0 and "#chemical-" in (tmp_path / "out.nt").read_text()


@pytest.mark.parametrize("separator", ["\u2028", "\u0085", "\u2029", "\x1c", "\r", "\x0b"])
def test_a_unicode_line_break_inside_a_cell_does_not_split_the_row(tmp_path: Path, separator: str) -> None:
    word = f"IL{separator}6"
    genes = (
        GENE_HEADER
        + "\r\n9606\tHomo sapiens\tPrimates\t"
        + word
        + "\tIL6\tIL6\t3569\tncbigene_symbol\t1\t2\t3\r\n9606\tHomo sapiens\tPrimates\tSTAT3\tSTAT3\tSTAT3\t6774\tncbigene_symbol\t1\t2\t3\n"
    )
    found = read_mentions("PMC10034769__fphar-14-1067402-g009", {}, (str(tmp_path),), "record.md")
    assert found.genes == []  # no table yet: nothing found
    make_record(tmp_path, genes=genes)
    found = read_mentions("PMC10034769__fphar-14-1067402-g009", {}, (str(tmp_path),), "record.md")
    assert [(m.gene_id, list(m.words)) for m in found.genes] == [("3569", [word]), ("6774", ["STAT3"])]
    assert not [w for w in found.warnings if w.kind == "ragged-row"]


def test_rows_repeating_one_id_collapse_into_one_mention_in_first_seen_order(tmp_path: Path) -> None:
    rows = [f"9606\tHomo sapiens\tPrimates\tIL6-{i % 7000}\tIL6\tIL6\t3569\tncbigene_symbol\t1\t2\t3\n" for i in range(20_000)]
    make_record(tmp_path, genes=GENE_HEADER + "\n" + "".join(rows))
    found = read_mentions("PMC10034769__fphar-14-1067402-g009", {}, (str(tmp_path),), "record.md")
    (mention,) = found.genes
    assert list(mention.words) == [f"IL6-{i}" for i in range(7000)] and list(mention.labels) == ["IL6"]


def test_a_table_over_the_row_limit_stops_its_record_and_others_go_on(tmp_path: Path) -> None:
    row = "9606\tHomo sapiens\tPrimates\tIL-6\tIL6\tIL6\t{}\tncbigene_symbol\t1\t2\t3\n"
    big = tmp_path / "big"
    big.mkdir()
    make_record(big, genes=GENE_HEADER + "\n" + "".join(row.format(i) for i in range(1, 6)))  # 5 rows
    small = tmp_path / "small"
    small.mkdir()
    make_record(small, genes=GENE_HEADER + "\n" + "".join(row.format(i) for i in range(1, 5)))  # 4 rows: the limit
    result = run_cli("convert", str(big), str(small), "-o", str(tmp_path / "out.nt"), "--max-table-rows", "4", "--no-validate")
    assert result.returncode == 1
    table = big / "PMC10034769__fphar-14-1067402-g009-genes.tsv"
    assert f"error: {table}:6: the table has more than 4 rows; raise --max-table-rows if it is genuine [table-too-large]" in (
        result.stderr
    )
    assert "pfocr-rdf: 1 record, " in result.stderr and "1 failed" in result.stderr
    assert "#gene-4>" in (tmp_path / "out.nt").read_text(encoding="utf-8")


@pytest.mark.parametrize("end", ["\n", "\r\n", ""])
def test_the_row_limit_counts_data_rows_whatever_the_last_line_end(tmp_path: Path, end: str) -> None:
    row = "9606\tHomo sapiens\tPrimates\tIL-6\tIL6\tIL6\t{}\tncbigene_symbol\t1\t2\t3"
    make_record(tmp_path, genes="\n".join([GENE_HEADER, *(row.format(i) for i in range(1, 4))]) + end)
    figid = "PMC10034769__fphar-14-1067402-g009"
    assert len(read_mentions(figid, {}, (str(tmp_path),), "r.md", max_rows=3).genes) == 3
    with pytest.raises(RecordError, match="more than 2 rows"):
        read_mentions(figid, {}, (str(tmp_path),), "r.md", max_rows=2)
