"""The front-matter parser builds exactly the values PyYAML's own loader builds, on every record of the
sample, the seeds and a generated corpus.

The project's rule is PyYAML's safe loading without implicit typing (frontmatter.py): `NO`, `0.93` and
`2019-03-12` stay text, and only plain `~`, `null` and empty scalars are None. PyYAML gives exactly that
with its base loader plus the null resolver and constructor of its safe loader, so the comparison is
with PyYAML's composer and constructor, value for value (types included).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from pfocr_rdf.read.frontmatter import parse_yaml, split_front_matter

from conftest import FIGURES, ROOT, SEED_FILES


class PyYamlReference(yaml.BaseLoader):  # the pure-Python loader: the reference, whatever libyaml does
    pass


PyYamlReference.add_implicit_resolver(
    "tag:yaml.org,2002:null",
    yaml.resolver.Resolver.yaml_implicit_resolvers["~"][0][1],  # the safe loader's own pattern
    ["~", "n", "N", ""],
)
PyYamlReference.add_constructor("tag:yaml.org,2002:null", yaml.constructor.SafeConstructor.construct_yaml_null)


def typed(value: Any) -> Any:
    """The value with every type spelled out, so that 'None' == None or '1' == 1 can never pass."""
    if isinstance(value, dict):
        return ("dict", [(typed(k), typed(v)) for k, v in value.items()])
    if isinstance(value, list):
        return ("list", [typed(v) for v in value])
    return (type(value).__name__, value)


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    out = tmp_path_factory.mktemp("yaml") / "site"
    command = [sys.executable, str(ROOT / "bench" / "generate.py"), "--records", "300", "--out", str(out), "--seed", "5"]
    subprocess.run(command, check=True, capture_output=True, timeout=600)
    return sorted((out / "_figures").glob("*.md"))


def records(paths: list[Path]) -> list[tuple[str, str]]:
    found = []
    for path in paths:
        text = path.read_text(encoding="utf-8")
        if text.startswith("---"):
            found.append((str(path), split_front_matter(text, str(path))[0]))
    return found


def test_every_real_and_generated_record_parses_to_pyyamls_values(generated: list[Path]) -> None:
    checked = records(sorted(FIGURES.glob("*.md")) + SEED_FILES + generated)
    assert len(checked) >= 300 + 45
    for source, text in checked:
        ours = parse_yaml(text, source)
        reference = yaml.load(text, Loader=PyYamlReference)
        assert typed(ours) == typed(reference), source


@pytest.mark.parametrize(
    "text",
    [
        "a: ~\nb: null\nc:\nd: 'null'\ne: NO\nf: 0.930\ng: 2019-03-12\nh: [1, '', ~]\n",
        "genes:\n- word: ON\n  entrez: '5460'\n- {word: YES, entrez: ~}\n",
        'caption: "line\\none\\ttab \\u00e9"\nfolded: >\n  a\n  b\n\n  c\nliteral: |\n  x\n   y\n',
        "base: &b {k: v}\nmerged: {<<: *b, j: w}\n",
    ],
)
def test_tricky_scalars_parse_to_pyyamls_values(text: str) -> None:
    assert typed(parse_yaml(text, "t")) == typed(yaml.load(text, Loader=PyYamlReference))
