"""Run from outside the source tree with the wheel installed: the package must carry its own data."""

from __future__ import annotations

import subprocess
import sys
import tempfile
from importlib import resources
from pathlib import Path

import pfocr_rdf

seeds = Path(sys.argv[1])
package = resources.files("pfocr_rdf")
assert "site-packages" in str(Path(pfocr_rdf.__file__)), pfocr_rdf.__file__
for name in ("data/schemaorgcontext-29.0.jsonld", "data/prefixes.json", "data/organisms.tsv", "data/pfocr-vocab.ttl",
             "shapes/pfocr.ttl"):
    assert package.joinpath(name).is_file(), f"{name} is not in the wheel"
tool = str(Path(sys.executable).parent / "pfocr-rdf")
with tempfile.TemporaryDirectory() as tmp:
    out = Path(tmp) / "out.ttl"
    subprocess.run([tool, "convert", str(seeds), "-o", str(out)], check=True)
    assert "pfocr:PathwayFigure" in out.read_text(encoding="utf-8")
    subprocess.run([tool, "validate", str(out)], check=True)
print("wheel check: ok")
