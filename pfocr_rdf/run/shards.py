"""Numbered gzip shards plus a manifest, for bulk loaders that read many files in parallel.

`pfocr-rdf convert SOURCES -o DIR --shard-size N` writes DIR/pfocr-00001.nq.gz, ... (N records each),
DIR/pfocr-void.nq.gz (the dataset description) and DIR/manifest.json. The folder is built beside DIR
and renamed into place when complete, so an interrupted run leaves the previous shards as they were.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from typing import Any

from .. import __version__
from ..errors import UsageError
from ..rdf.formats import RdfFormat
from ..write.outputs import AtomicOutput, current_umask
from .conversion import FileSink
from .parallel_worker import Payload

MANIFEST = "manifest.json"
PREFIX = "pfocr"


@dataclass
class _Shard:
    name: str
    records: int = 0


@dataclass
class ShardSink:
    """A run's Sink that starts a new gzip file every `size` records."""

    takes_bytes = True  # records' text goes to FileSink as the workers wrote it

    folder: str
    rdf_format: RdfFormat
    size: int
    dataset: str  # the dataset description's graph (IRI term): it gets a file of its own
    shards: list[_Shard] = field(default_factory=list)
    _output: AtomicOutput | None = None
    _file: FileSink | None = None
    _work: str = ""

    def __post_init__(self) -> None:
        parent = os.path.dirname(os.path.abspath(self.folder))
        if not os.path.isdir(parent):
            raise UsageError(f"cannot write {self.folder}: folder {parent} does not exist")
        if os.path.exists(self.folder) and (not os.path.isdir(self.folder) or _foreign(self.folder)):
            raise UsageError(f"{self.folder} exists and is not a folder of pfocr-rdf shards; refusing to replace it")
        self._work = tempfile.mkdtemp(prefix="." + os.path.basename(self.folder.rstrip("/")) + ".", dir=parent)

    def _name(self, label: str) -> str:
        return f"{PREFIX}-{label}{self.rdf_format.extensions[0]}.gz"

    def _open(self, name: str) -> None:
        self._close_file()
        self._output = AtomicOutput(os.path.join(self._work, name), compress=True).__enter__()
        self._file = FileSink(self._output, self.rdf_format)

    def _close_file(self) -> None:
        if self._file is not None and self._output is not None:
            self._file.close()
            self._output.__exit__(None, None, None)
        self._file = self._output = None

    # -- the Sink protocol

    def graph(self, name: str, text: str | Payload) -> None:
        if name == self.dataset:
            self._open(self._name("void"))
            assert self._file is not None
            self._file.graph(name, text)
            return
        if not self.shards or self.shards[-1].records >= self.size:
            shard = _Shard(self._name(f"{len(self.shards) + 1:05d}"))
            self.shards.append(shard)
            self._open(shard.name)
        assert self._file is not None
        self._file.graph(name, text)
        self.shards[-1].records += 1

    def extra(self, text: str) -> None:
        if self._file is None:
            self.shards.append(_Shard(self._name(f"{len(self.shards) + 1:05d}")))
            self._open(self.shards[-1].name)
        assert self._file is not None
        self._file.extra(text)

    def close(self) -> None:
        self._close_file()

    # -- finishing

    def finish(self, summary: Any) -> None:
        """Write the manifest and move the complete folder into place."""
        files = []
        for shard in self.shards:
            files.append({"file": shard.name, "records": shard.records, **_describe(os.path.join(self._work, shard.name))})
        void = self._name("void")
        manifest = {
            "tool": f"pfocr-rdf {__version__}",
            "format": self.rdf_format.label,
            "records": summary.records,
            "triples": summary.triples,
            "shards": files,
            "dataset_description": {"file": void, **_describe(os.path.join(self._work, void))}
            if os.path.exists(os.path.join(self._work, void))
            else None,
        }
        with open(os.path.join(self._work, MANIFEST), "w", encoding="utf-8") as handle:
            json.dump(manifest, handle, indent=2)
            handle.write("\n")
        os.chmod(self._work, 0o777 & ~current_umask())  # mkdtemp made it private
        old = None
        if os.path.exists(self.folder):
            old = self._work + ".old"
            os.rename(self.folder, old)
        os.rename(self._work, self.folder)
        if old:
            shutil.rmtree(old)

    def abort(self) -> None:
        """The run failed or was interrupted: the partial folder goes, the previous one stays."""
        if self._output is not None:
            self._output.__exit__(KeyboardInterrupt, KeyboardInterrupt(), None)
            self._file = self._output = None
        shutil.rmtree(self._work, ignore_errors=True)


def _describe(path: str) -> dict[str, Any]:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return {"bytes": os.path.getsize(path), "sha256": digest.hexdigest()}


def _foreign(folder: str) -> bool:
    """True when a folder holds anything but a previous set of shards (which may be replaced)."""
    names = os.listdir(folder)
    return bool(names) and (MANIFEST not in names or any(not (n == MANIFEST or n.startswith(PREFIX + "-")) for n in names))
