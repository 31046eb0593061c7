"""A command's output paths, checked before any work is done.

Each output needs a place of its own: not an input (a file the run reads would be replaced), not
another output's file (one would overwrite the other, or both share standard output), not a folder
where a file is meant, in a folder that exists. A run that would fail at its end for one of these reasons
(after minutes of conversion, with a temporary file left behind) is refused at once instead.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..errors import UsageError
from .outputs import STDOUT, is_stream_target, unwritable

if TYPE_CHECKING:
    from ..read.rdfio import RdfInput


@dataclass(frozen=True)
class Output:
    """One output of a run: the option that names it, its path ('-' for standard output), and whether
    it is a folder of files (--split-by, --shard-size) rather than one file."""

    option: str
    path: str | None
    folder: bool = False


def refuse_unsafe_outputs(
    outputs: Sequence[Output], inputs: Iterable[str | RdfInput] = (), is_input: Callable[[str], bool] | None = None
) -> None:
    """Raise UsageError for the first output that has no safe place of its own (see the module).

    `inputs` are the RDF files the run reads (paths, or inputs told by content); `is_input` answers for a
    path among the records found. Devices and named pipes (/dev/null, a FIFO) are written in place and may
    be shared.
    """
    named = [out for out in outputs if out.path]
    on_stdout = [out.option for out in named if out.path == STDOUT]
    if len(on_stdout) > 1:
        raise UsageError(f"{on_stdout[0]} and {on_stdout[1]} both write to standard output: give {on_stdout[1]} a file")
    paths = (item if isinstance(item, str) else item.path for item in inputs)
    read = {_identity(path) for path in paths if path != STDOUT}
    places: dict[str, Output] = {}
    for out in named:
        path = out.path
        assert path is not None
        if path == STDOUT or is_stream_target(path):
            continue
        reason = unwritable(path, out.folder)
        if reason is not None:
            raise UsageError(f"cannot write {path} ({out.option}): {reason}")
        place = _identity(path)
        if place in read or (is_input is not None and is_input(path)):
            raise UsageError(f"{path} is also an input; refusing to overwrite it ({out.option})")
        earlier = places.get(place)
        if earlier is not None:
            raise UsageError(f"{earlier.option} and {out.option} both name {path}: give each output a place of its own")
        places[place] = out


def _identity(path: str) -> str:
    """The file a path ends at, whatever links and relative parts lead there."""
    return os.path.realpath(path)
