"""The README cannot drift from the tool: its examples are run and their outputs compared
(tests/readme_examples.py does the work; run it with --update to rewrite the outputs after a change)."""

from __future__ import annotations

from readme_examples import README, blocks, in_process_arguments, mask, run_all


def test_the_readme_has_examples_of_every_command_and_the_python_api() -> None:
    found = blocks(README.read_text(encoding="utf-8"))
    commands = " ".join(c.line for block in found for c in block.commands)
    for command in ("convert", "validate", "load", "query"):
        assert f"pfocr-rdf {command} " in commands
    assert any(block.kind == "pycon" for block in found)
    assert all(c.expected or c.line.endswith(("-q", "-q -")) or " -q " in c.line for b in found for c in b.commands), (
        "a command example without output should be one that prints nothing"
    )


def test_every_readme_example_prints_what_the_readme_shows() -> None:
    _, problems = run_all(README.read_text(encoding="utf-8"))
    assert not problems, "\n" + "\n".join(problems) + "\n(python tests/readme_examples.py --update rewrites the outputs)"


def test_masking_hides_run_times_only() -> None:
    assert mask(["-> out.ttl (0.6 s); x"]) == mask(["-> out.ttl (12.3 s); x"])
    assert mask(["2 records"]) != mask(["3 records"])


def test_plain_commands_run_in_the_test_process_and_the_rest_in_a_shell() -> None:
    assert in_process_arguments("pfocr-rdf query 'ASK { ?f ?p \"x\" }' --store db  # a comment (here)") == [
        "query", "ASK { ?f ?p \"x\" }", "--store", "db"
    ]  # fmt: skip
    for line in (
        "pfocr-rdf convert seeds/ -f nt -q | head -1",  # a pipe
        "pfocr-rdf convert seeds/*.txt > out.nt",  # a glob, a redirection
        "PFOCR_RDF_TAXONOMY=names.dmp pfocr-rdf convert seeds/",  # an assignment for the command
        "ls gene-sets",  # another program
        "pfocr-rdf query q --store db --timeout 1",  # a stopped query ends its process
    ):
        assert in_process_arguments(line) is None, line
