"""Real SPARQL servers for integration tests, on 127.0.0.1 with free ports, always stopped afterwards.

Virtuoso comes from Debian's virtuoso-opensource-7-bin (virtuoso-t, isql-vt), Oxigraph's server from
PyPI's oxigraph package; `.ci/run` installs both. Without them the tests are skipped, saying why.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

VIRTUOSO_MISSING = "Virtuoso is not installed (Debian package virtuoso-opensource-7-bin; .ci/run installs it)"
OXIGRAPH_MISSING = "the Oxigraph server is not installed (PyPI package oxigraph; in the [test] extra)"


def free_ports(n: int) -> list[int]:
    sockets = [socket.socket() for _ in range(n)]
    try:
        for s in sockets:
            s.bind(("127.0.0.1", 0))
        return [s.getsockname()[1] for s in sockets]
    finally:
        for s in sockets:
            s.close()


def oxigraph_binary() -> str | None:
    beside = Path(sys.executable).parent / "oxigraph"
    return str(beside) if beside.exists() else shutil.which("oxigraph")


def _wait(url: str, process: subprocess.Popen[bytes], log: Path, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"server exited early ({process.returncode}): {log.read_text(errors='replace')[-2000:]}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"server not ready after {seconds} s: {log.read_text(errors='replace')[-2000:]}")
        time.sleep(0.2)


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


@dataclass(frozen=True)
class Virtuoso:
    base: str  # http://127.0.0.1:PORT
    sql: str  # 127.0.0.1:PORT, for isql-vt
    folder: Path  # the only folder the bulk loader may read (DirsAllowed)

    def isql(self, *statements: str) -> str:
        """Run SQL through isql-vt (dba/dba); isql-vt exits 0 even on errors, so they are raised here."""
        script = self.folder / "statements.sql"
        script.write_text("\n".join(statements) + "\n")
        result = subprocess.run(
            ["isql-vt", self.sql, "dba", "dba", str(script)], capture_output=True, text=True, timeout=300, check=False
        )
        if result.returncode != 0 or "*** Error" in result.stdout + result.stderr:
            raise RuntimeError(result.stdout + result.stderr)
        return result.stdout


@contextmanager
def virtuoso(folder: Path, max_rows: int = 20_000, buffers: int = 10_000) -> Iterator[Virtuoso]:
    """A private Virtuoso on loopback (dba/dba; digest on the -auth endpoints), stopped on exit. `buffers` is
    NumberOfBuffers (8 KB pages of cache: benchmarks on millions of quads need far more than tests)."""
    http_port, sql_port = free_ports(2)
    for sub in ("db", "vsp"):
        (folder / sub).mkdir(parents=True, exist_ok=True)
    ini = folder / "virtuoso.ini"
    ini.write_text(f"""[Database]
DatabaseFile       = {folder}/db/virtuoso.db
ErrorLogFile       = {folder}/db/virtuoso.log
LockFile           = {folder}/db/virtuoso.lck
TransactionFile    = {folder}/db/virtuoso.trx
xa_persistent_file = {folder}/db/virtuoso.pxa
TempStorage        = TempDatabase
[TempDatabase]
DatabaseFile       = {folder}/db/virtuoso-temp.db
TransactionFile    = {folder}/db/virtuoso-temp.trx
[Parameters]
ServerPort         = 127.0.0.1:{sql_port}
DisableUnixSocket  = 1
DirsAllowed        = {folder}
NumberOfBuffers    = {buffers}
MaxDirtyBuffers    = {buffers * 3 // 5}
[HTTPServer]
ServerPort         = 127.0.0.1:{http_port}
ServerRoot         = {folder}/vsp
Charset            = UTF-8
[SPARQL]
ResultSetMaxRows      = {max_rows}
MaxQueryExecutionTime = 120
""")
    log = folder / "virtuoso.out"
    with log.open("wb") as out:
        process = subprocess.Popen(
            ["virtuoso-t", "+foreground", "+configfile", str(ini)], cwd=folder, stdout=out, stderr=subprocess.STDOUT
        )
    base = f"http://127.0.0.1:{http_port}"
    try:
        _wait(f"{base}/sparql?query=ASK%7B%7D", process, log)
        yield Virtuoso(base, f"127.0.0.1:{sql_port}", folder)
    finally:
        if process.poll() is None:  # a clean shutdown (checkpoint) first, then signals
            subprocess.run(["isql-vt", f"127.0.0.1:{sql_port}", "dba", "dba", "-K"], capture_output=True, timeout=60, check=False)
            with suppress(subprocess.TimeoutExpired):
                process.wait(timeout=30)
        _stop(process)


@contextmanager
def oxigraph_server(folder: Path, location: Path | None = None) -> Iterator[str]:
    """A private Oxigraph server with the union default graph; yields its base URL."""
    binary = oxigraph_binary()
    assert binary is not None
    (port,) = free_ports(1)
    log = folder / "oxigraph.out"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [
                binary,
                "serve",
                "--location",
                str(location or folder / "data"),
                "--bind",
                f"127.0.0.1:{port}",
                "--union-default-graph",
            ],
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait(f"{base}/query?query=ASK%7B%7D", process, log)
        yield base
    finally:
        _stop(process)
