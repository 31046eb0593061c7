"""The human-readable table of `query`: columns line up on a terminal, wide characters included."""

from __future__ import annotations

import unicodedata

from pfocr_rdf.query.results import Results, to_table


def display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def test_columns_line_up_with_ascii_accented_and_wide_text() -> None:
    results = Results(
        ["figure", "title", "genes"],
        [
            {
                "figure": "<https://example.org/a>",
                "title": '"IL6 signalling"',
                "genes": '"12"^^<http://www.w3.org/2001/XMLSchema#integer>',
            },
            {"figure": "<https://example.org/b>", "title": '"Voie de l\'α-synucléine"', "genes": None},
            {
                "figure": "<https://example.org/c>",
                "title": '"炎症性サイトカインの経路図です"',
                "genes": '"3"^^<http://www.w3.org/2001/XMLSchema#integer>',
            },
        ],
    )
    lines = to_table(results).splitlines()
    assert lines[0].split() == ["figure", "title", "genes"]
    assert lines[-1] == "(3 rows)"
    body = lines[2:-1]
    assert [line.split("  ")[0] for line in body] == ["https://example.org/a", "https://example.org/b", "https://example.org/c"]
    # The third column starts at the same terminal column on every line that has a value there: the wide
    # title takes twice its length, the accented one its length.
    starts = {display_width(line) - display_width(last) for line, last in ((lines[0], "genes"), (body[0], "12"), (body[2], "3"))}
    assert starts == {display_width("https://example.org/a") + 2 + display_width("炎症性サイトカインの経路図です") + 2}
    assert lines[1] == "  ".join("-" * width for width in (21, 30, 5))
