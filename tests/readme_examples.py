"""The README's examples, run: every ```console block's `$ ` commands, and the ```pycon block as a doctest.

The blocks run in README order in one scratch folder holding copies of `seeds/`, `tests/data/sample/`,
`tests/data/wikipathways/` and `tests/data/readme/` (so a `load` block can feed a later `query` block), stderr
merged into stdout as a terminal shows them, and SOURCE_DATE_EPOCH fixed. A command that is `pfocr-rdf` and its
arguments only runs in this process (tests/cli_runner.py: the same outputs, without half a second of start-up);
the others (pipes, other programs, --timeout) run in bash, with `pfocr-rdf` on the PATH. Values that
change from run to run (run times) are masked before comparing. A console block preceded by a line
`<!-- example: not run (reason) -->` is left alone.

    python tests/readme_examples.py            # check: print every difference, exit 1 if any
    python tests/readme_examples.py --update   # rewrite the README's console outputs from real runs

(After a change of output, run --update, read the diff of README.md, and commit it.)
"""

from __future__ import annotations

import doctest
import os
import re
import shlex
import shutil
import stat
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from cli_runner import run_cli

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
BLOCK = re.compile(r"(?P<skip><!-- example: not run[^\n]*-->\n)?```(?P<kind>console|pycon)\n(?P<body>.*?)^```$", re.M | re.S)
MASKS = (
    (re.compile(r"\(\d+(\.\d+)? s\)"), "(… s)"),  # run times in summaries
)


@dataclass
class Command:
    line: str
    expected: list[str] = field(default_factory=list)
    actual: list[str] = field(default_factory=list)


@dataclass
class Block:
    kind: str
    start: int  # offsets of the body in the README
    end: int
    body: str
    commands: list[Command] = field(default_factory=list)

    @property
    def line_number(self) -> int:
        return README.read_text(encoding="utf-8").count("\n", 0, self.start) + 1


def blocks(text: str) -> list[Block]:
    found = []
    for match in BLOCK.finditer(text):
        if match["skip"]:
            continue
        block = Block(match["kind"], match.start("body"), match.end("body"), match["body"])
        if block.kind == "console":
            for line in block.body.splitlines():
                if line.startswith("$ "):
                    block.commands.append(Command(line[2:]))
                elif block.commands:
                    block.commands[-1].expected.append(line)
        found.append(block)
    return found


def mask(lines: list[str]) -> list[str]:
    masked = []
    for line in lines:
        for pattern, replacement in MASKS:
            line = pattern.sub(replacement, line)
        masked.append(line.rstrip())
    return masked


def scratch_folder() -> Path:
    """A folder laid out as the README's commands expect, with `pfocr-rdf` on a PATH of its own."""
    work = Path(tempfile.mkdtemp(prefix="pfocr-readme-"))
    shutil.copytree(ROOT / "seeds", work / "seeds")
    shutil.copytree(ROOT / "tests" / "data" / "sample", work / "tests" / "data" / "sample")
    shutil.copytree(ROOT / "tests" / "data" / "wikipathways", work / "tests" / "data" / "wikipathways")
    shutil.copytree(ROOT / "tests" / "data" / "readme", work / "tests" / "data" / "readme")
    tool = work / ".bin" / "pfocr-rdf"
    tool.parent.mkdir()
    tool.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m pfocr_rdf "$@"\n')
    tool.chmod(tool.stat().st_mode | stat.S_IXUSR)
    return work


def in_process_arguments(line: str) -> list[str] | None:
    """The arguments of a command that is `pfocr-rdf` and arguments only, run in this process (see
    cli_runner.py); None for one that needs a shell (a pipe, a redirection, a glob, another program) or a
    process of its own (--timeout ends its process when it stops a query)."""
    unquoted = re.sub(r"(^|\s)#.*", "", re.sub(r"'[^']*'|\"[^\"\\$`]*\"", "", line))  # quotes, then a comment
    if re.search(r"[|&;<>()$`\\*?\[\]{}~!#]", unquoted):
        return None
    words = shlex.split(line, comments=True)
    if words[:1] != ["pfocr-rdf"] or "--timeout" in words:
        return None
    return words[1:]


def run_console(block: Block, work: Path) -> None:
    for command in block.commands:
        arguments = in_process_arguments(command.line)
        if arguments is not None:
            ran = run_cli(*arguments, env={"COLUMNS": "200"}, cwd=work, merge_stderr=True)
            command.actual = ran.stdout.splitlines()
            continue
        env = {**os.environ, "SOURCE_DATE_EPOCH": "1700000000", "PYTHONUNBUFFERED": "1", "COLUMNS": "200"}
        env["PATH"] = f"{work / '.bin'}{os.pathsep}{env.get('PATH', '')}"
        env["PYTHONPATH"] = str(ROOT) + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
        done = subprocess.run(
            ["bash", "-o", "pipefail", "-c", command.line],
            cwd=work,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            timeout=600,
        )
        command.actual = done.stdout.splitlines()


def run_pycon(block: Block, work: Path) -> str:
    """The block as a doctest (ELLIPSIS on: `...` stands for any text); its failure report, or ''."""
    parser = doctest.DocTestParser()
    test = parser.get_doctest(block.body, {}, "README", str(README), block.line_number - 1)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    report: list[str] = []
    here = os.getcwd()
    os.chdir(work)
    try:
        runner.run(test, out=report.append)
    finally:
        os.chdir(here)
    return "".join(report)


def run_all(text: str) -> tuple[list[Block], list[str]]:
    """Run every example; the blocks (with actual outputs) and a description of each difference."""
    found = blocks(text)
    work = scratch_folder()
    problems = []
    try:
        for block in found:
            if block.kind == "pycon":
                failure = run_pycon(block, work)
                if failure:
                    problems.append(f"README.md line {block.line_number}, Python example:\n{failure}")
                continue
            run_console(block, work)
            for command in block.commands:
                if mask(command.expected) != mask(command.actual):
                    problems.append(
                        f"README.md line {block.line_number}: $ {command.line}\n"
                        + "  README shows:\n"
                        + "".join(f"    {line}\n" for line in command.expected)
                        + "  the tool prints:\n"
                        + "".join(f"    {line}\n" for line in command.actual)
                    )
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return found, problems


def updated(text: str, found: list[Block]) -> str:
    """The README with every console block's outputs replaced by what the tool printed."""
    for block in sorted((b for b in found if b.kind == "console"), key=lambda b: -b.start):
        body = "".join(f"$ {c.line}\n" + "".join(line + "\n" for line in c.actual) for c in block.commands)
        text = text[: block.start] + body + text[block.end :]
    return text


def main(argv: list[str]) -> int:
    text = README.read_text(encoding="utf-8")
    found, problems = run_all(text)
    if "--update" in argv:
        README.write_text(updated(text, found), encoding="utf-8")
        print(f"rewrote the outputs of {sum(b.kind == 'console' for b in found)} console examples in {README}")
        problems = [p for p in problems if "Python example" in p]
    for problem in problems:
        print(problem)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
