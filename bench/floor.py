"""The floor: read every record and parse its YAML front matter with libyaml's C loader, nothing else.

python bench/floor.py CORPUS
"""

from __future__ import annotations

import sys
from pathlib import Path

import yaml


def main() -> None:
    files = sorted((Path(sys.argv[1]) / "_figures").glob("*.md"))
    for path in files:
        text = path.read_text(encoding="utf-8")
        yaml.load(text[4 : text.index("\n---", 4)], Loader=yaml.CSafeLoader)
    print(f"records={len(files)}", file=sys.stderr)


if __name__ == "__main__":
    main()
