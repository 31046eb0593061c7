"""The tree shows the flow: a stage imports only from itself and the stages before it (README, "Layout")."""

from __future__ import annotations

import ast

from conftest import ROOT

PACKAGE = ROOT / "pfocr_rdf"
# Bottom up: what every stage may use, the stages in the order the data goes through them, then the top.
FLOW = ["errors", "interrupts", "rdf", "read", "map", "check", "write", "run", "query", "store", "api", "cli", "__main__"]
# Imported only when called, on purpose: the pySHACL reference writes the data graph as N-Triples for rdflib.
ALLOWED = {("check.validate", "write.serialize")}


def imports_of(module: str, tree: ast.Module, package: list[str]) -> set[str]:
    """The pfocr_rdf modules (dotted, below pfocr_rdf) a module imports, at the top or inside functions."""
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level:
            base = package[: len(package) - (node.level - 1)]
            target = ".".join([*base, *([node.module] if node.module else [])])
            found.update([target] if target else [alias.name for alias in node.names])
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("pfocr_rdf."):
            found.add(node.module.removeprefix("pfocr_rdf."))  # type: ignore[union-attr]
    return found - {"__version__"}


def modules() -> list[tuple[list[str], str]]:
    """(path parts below pfocr_rdf, source) of every module but the package's own lazy door to the API."""
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = list(path.relative_to(PACKAGE).with_suffix("").parts)
        if parts != ["__init__"]:
            found.append((parts, path.read_text(encoding="utf-8")))
    return found


def test_every_module_belongs_to_a_stage() -> None:
    assert [".".join(parts) for parts, _ in modules() if parts[0] not in FLOW] == []


def test_every_import_points_down_the_flow() -> None:
    upward = []
    for parts, source in modules():
        module = ".".join(part for part in parts if part != "__init__")
        stage = FLOW.index(parts[0]) if parts[0] in FLOW else len(FLOW)
        for target in imports_of(module, ast.parse(source), parts[:-1]):
            top = target.split(".")[0]
            if (FLOW.index(top) if top in FLOW else len(FLOW)) > stage and (module, target) not in ALLOWED:
                upward.append(f"{module} imports {target}")
    assert upward == []
