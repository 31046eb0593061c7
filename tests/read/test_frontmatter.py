"""Front matter: Jekyll's splitting rules and safe, fast, text-preserving YAML."""

from __future__ import annotations

import pytest
import yaml

import pfocr_rdf.read.frontmatter as frontmatter
from pfocr_rdf.errors import RecordError
from pfocr_rdf.read.frontmatter import YamlLimits, parse_yaml, read_front_matter, split_front_matter

from conftest import SAMPLE_FILES, SEED_FILES


def kind_of(excinfo: pytest.ExceptionInfo[RecordError]) -> str:
    return excinfo.value.finding.kind


def test_split_takes_the_text_between_the_dashes_lines() -> None:
    text = "---\nfigid: A\n---\nbody text\n---\nmore\n"
    assert split_front_matter(text, "r.md") == ("figid: A\n", 2)


def test_split_accepts_dots_as_the_closing_line_and_trailing_spaces() -> None:
    assert split_front_matter("---  \nfigid: A\n...  \n", "r.md")[0] == "figid: A\n"


def test_split_ignores_a_byte_order_mark_and_crlf() -> None:
    yaml_text, _ = split_front_matter("\ufeff---\r\nfigid: A\r\n---\r\n", "r.md")
    assert parse_yaml(yaml_text, "r.md") == {"figid": "A"}


def test_empty_front_matter_is_allowed_by_the_split_but_not_as_a_record() -> None:
    assert split_front_matter("---\n---\n", "r.md")[0] == ""
    with pytest.raises(RecordError) as excinfo:
        read_front_matter("---\n---\n", "r.md")
    assert kind_of(excinfo) == "empty-front-matter"


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("", "empty-file"),
        ("  \n\n", "empty-file"),
        ("figid: A\n", "no-front-matter"),
        ("# title\n---\nfigid: A\n---\n", "no-front-matter"),
        ("---\nfigid: A\n", "unclosed-front-matter"),
        ("---\nfigid: [A\n---\n", "invalid-yaml"),
        ("---\n- a\n- b\n---\n", "front-matter-not-mapping"),
        ("---\njust text\n---\n", "front-matter-not-mapping"),
    ],
)
def test_bad_front_matter_is_refused_with_its_kind(text: str, kind: str) -> None:
    with pytest.raises(RecordError) as excinfo:
        read_front_matter(text, "bad.md")
    assert kind_of(excinfo) == kind
    assert str(excinfo.value).startswith("bad.md")


def test_invalid_yaml_names_the_file_line() -> None:
    with pytest.raises(RecordError) as excinfo:
        read_front_matter("---\nfigid: A\nfigtitle: 'open\ncaption: x\n---\n", "bad.md")
    assert excinfo.value.finding.line is not None and excinfo.value.finding.line >= 3


def test_scalars_stay_text_never_booleans_numbers_or_dates() -> None:
    data = parse_yaml("a: NO\nb: on\nc: yes\nd: 0.93\ne: '0.93'\nf: 2019-03-12\ng: 1e3\nh: 007\n", "r.md")
    assert data == {"a": "NO", "b": "on", "c": "yes", "d": "0.93", "e": "0.93", "f": "2019-03-12", "g": "1e3", "h": "007"}


def test_plain_nulls_are_none_but_quoted_ones_are_text() -> None:
    data = parse_yaml("a: ~\nb: null\nc:\nd: ''\ne: 'null'\nf: !!str ~\n", "r.md")
    assert data == {"a": None, "b": None, "c": None, "d": "", "e": "null", "f": "~"}


def test_tags_never_construct_objects() -> None:
    assert parse_yaml("a: !!python/object/apply:os.system ['echo hi']\n", "r.md") == {"a": ["echo hi"]}


def test_block_scalars_and_folded_lines() -> None:
    data = parse_yaml("k: |-\n  one | two\n  three\nt: a long\n  title\n", "r.md")
    assert data == {"k": "one | two\nthree", "t": "a long title"}


def test_alias_bomb_is_refused_quickly() -> None:
    lines = ["a: &a [x, x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 9):
        prev, name = chr(ord("a") + i - 1), chr(ord("a") + i)
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{prev}"] * 10) + "]")
    with pytest.raises(RecordError) as excinfo:
        parse_yaml("\n".join(lines), "bomb.md")
    assert kind_of(excinfo) == "yaml-too-large"


def test_aliases_within_the_limit_are_expanded() -> None:
    assert parse_yaml("a: &x [1, 2]\nb: *x\n", "r.md") == {"a": ["1", "2"], "b": ["1", "2"]}


def _block_nesting(levels: int) -> str:
    """`levels` mappings nested by indentation, no brackets at all."""
    return "".join("  " * i + f"k{i}:\n" for i in range(levels)) + "  " * levels + "leaf\n"


DEEP = {
    "flow, just over the limit": ("a: " + "[" * 70 + "]" * 70, 70),
    "flow, past libyaml's own limit": ("a: " + "[" * 5000 + "]" * 5000, 5000),
    "flow, unclosed": ("[" * 100_000, 100_000),
    "block": (_block_nesting(80), 80),
}


@pytest.mark.parametrize("libyaml", [True, False], ids=["libyaml", "pure-python"])
@pytest.mark.parametrize("name", list(DEEP))
def test_deep_nesting_is_our_error_whatever_the_parser(name: str, libyaml: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    if not libyaml:
        monkeypatch.setattr(frontmatter, "_EventLoader", yaml.BaseLoader)
    text, depth = DEEP[name]
    with pytest.raises(RecordError) as excinfo:
        parse_yaml(text, "deep.md")
    assert kind_of(excinfo) == "yaml-too-deep"
    message = str(excinfo.value)
    assert f"nests {depth:,} levels deep" in message and "limit of 64" in message and "--max-yaml-depth" in message


def test_a_broken_record_with_few_brackets_is_invalid_not_deep() -> None:
    with pytest.raises(RecordError) as excinfo:
        parse_yaml("a: [b, c\nd: ]]", "broken.md")
    assert kind_of(excinfo) == "invalid-yaml"


def test_limits_can_be_raised() -> None:
    text = "a: " + "[" * 80 + "]" * 80 + "\n"
    with pytest.raises(RecordError):
        parse_yaml(text, "r.md")
    assert parse_yaml(text, "r.md", limits=YamlLimits(max_depth=100))["a"] is not None


def test_more_than_one_document_is_refused() -> None:
    with pytest.raises(RecordError):
        parse_yaml("a: 1\n--- \nb: 2\n", "r.md")


def test_complex_mapping_keys_are_refused() -> None:
    with pytest.raises(RecordError) as excinfo:
        parse_yaml("? [a, b]\n: c\n", "r.md")
    assert kind_of(excinfo) == "invalid-yaml"


@pytest.mark.parametrize("path", SAMPLE_FILES + SEED_FILES, ids=lambda p: p.name)
def test_same_result_with_and_without_libyaml(path, monkeypatch: pytest.MonkeyPatch) -> None:
    text = path.read_text(encoding="utf-8")
    fast = read_front_matter(text, str(path))
    monkeypatch.setattr(frontmatter, "_EventLoader", yaml.BaseLoader)
    assert read_front_matter(text, str(path)) == fast


@pytest.mark.parametrize("path", SAMPLE_FILES + SEED_FILES, ids=lambda p: p.name)
def test_same_values_as_pyyaml_base_loader(path) -> None:
    """The event reader builds what PyYAML's own (untyped) loader builds, nulls aside."""
    text = path.read_text(encoding="utf-8")
    reference = yaml.load(split_front_matter(text, str(path))[0], Loader=yaml.BaseLoader)

    def plain_nulls(value: object) -> object:
        if isinstance(value, dict):
            return {k: plain_nulls(v) for k, v in value.items()}
        if isinstance(value, list):
            return [plain_nulls(v) for v in value]
        return value

    ours = read_front_matter(text, str(path))
    assert set(ours) == set(reference)
    for key, value in reference.items():
        if ours[key] is None:
            assert value in ("", "~", "null")
        else:
            assert ours[key] == plain_nulls(value)
