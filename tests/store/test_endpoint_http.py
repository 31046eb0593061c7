"""The HTTP side of --endpoint (requests underneath): what a user sees when the server cannot be reached or
never answers, basic authentication, HTTPS against the system's certificates, proxies in the environment
ignored, and Ctrl-C, SIGTERM and --timeout stopping a request that hangs. The servers here are small ones on
127.0.0.1 made for the case; the real stores (Virtuoso with digest, Oxigraph) are in test_stores.py."""

from __future__ import annotations

import base64
import http.server
import json
import os
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from pfocr_rdf.store.endpoint import Endpoint, EndpointError

from conftest import ROOT, SEED_FILES, run_cli, run_cli_process
from servers import free_ports

PATIENCE = 30  # seconds a stopped process may take before the test calls it a failure (it takes well under 1)
TRIPLE = b"<urn:x:a> <urn:x:b> <urn:x:c> .\n"


class _Handler(http.server.BaseHTTPRequestHandler):
    """Answers every query `true` and takes every upload; asks for basic credentials when the server has some."""

    protocol_version = "HTTP/1.1"

    def _answer(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        server: _Server = self.server  # type: ignore[assignment]
        server.seen.append((self.command, self.path.split("?")[0], self.headers.get("Authorization")))
        if server.credentials and self.headers.get("Authorization") != server.credentials:
            self._send(401, b"", {"WWW-Authenticate": server.challenge})
        elif self.command == "GET" and "query=" in self.path:
            self._send(
                200, json.dumps({"head": {}, "boolean": True}).encode(), {"Content-Type": "application/sparql-results+json"}
            )
        else:
            self._send(204 if self.command != "GET" else 404, b"", {})

    def _send(self, status: int, body: bytes, headers: dict[str, str]) -> None:
        self.send_response(status)
        for name, value in {**headers, "Content-Length": str(len(body))}.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_PUT = do_POST = _answer

    def log_message(self, format: str, *args: object) -> None:
        pass


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    credentials: str | None = None
    challenge = 'Basic realm="test"'
    seen: list[tuple[str, str, str | None]]


def serve(credentials: str | None = None, tls: ssl.SSLContext | None = None) -> tuple[_Server, str]:
    server = _Server(("127.0.0.1", 0), _Handler)
    server.credentials, server.seen = credentials, []
    if tls is not None:
        server.socket = tls.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"{'https' if tls else 'http'}://127.0.0.1:{server.server_address[1]}"


@pytest.fixture
def silent() -> Iterator[socket.socket]:
    """A server that takes connections and never answers."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    listener.settimeout(PATIENCE)
    yield listener
    listener.close()


def base_of(listener: socket.socket) -> str:
    return f"http://127.0.0.1:{listener.getsockname()[1]}"


def test_a_server_that_is_not_there_is_named() -> None:
    (port,) = free_ports(1)
    result = run_cli("query", "ASK {}", "--endpoint", f"http://127.0.0.1:{port}/sparql")
    assert result.returncode == 2
    assert f"cannot reach http://127.0.0.1:{port}/sparql?query=ASK+%7B%7D: " in result.stderr
    assert "Connection refused" in result.stderr and "Traceback" not in result.stderr


def test_a_server_that_never_answers_times_out(silent: socket.socket) -> None:
    endpoint = Endpoint(f"{base_of(silent)}/sparql", timeout=0.5)
    try:
        with pytest.raises(EndpointError, match=r"^cannot reach http://127\.0\.0\.1:\d+/sparql\?query=ASK\+%7B%7D: timed out$"):
            endpoint.select("ASK {}")
    finally:
        endpoint.close()


def test_basic_credentials_go_only_where_asked() -> None:
    server, base = serve("Basic " + base64.b64encode(b"u:p").decode())
    endpoint = Endpoint(f"{base}/store", "u", "p", query_url=f"{base}/query")
    try:
        endpoint.authenticate()
        endpoint.put_graph("urn:x:g", TRIPLE)
        endpoint.post_graph("urn:x:g", TRIPLE)
        assert endpoint.select("ASK {}") is True
    finally:
        endpoint.close()
        server.shutdown()
    sent = [(method, path, authorization is not None) for method, path, authorization in server.seen]
    assert sent == [
        ("GET", "/store", False),  # the probe: nothing unasked
        ("GET", "/store", True),  # answering the challenge
        ("PUT", "/store", True),  # then up front to the Graph Store endpoint: each body goes once
        ("POST", "/store", True),
        ("GET", "/query", False),  # elsewhere only after a 401
        ("GET", "/query", True),
    ]


def test_a_digest_algorithm_requests_does_not_answer_is_named() -> None:
    server, base = serve("never")
    server.challenge = 'Digest realm="test", nonce="abc", qop="auth", algorithm=SHA-512-256'
    endpoint = Endpoint(f"{base}/store", "u", "p")
    try:
        with pytest.raises(EndpointError, match=r"/store: unsupported digest algorithm SHA-512-256$"):
            endpoint.authenticate()
    finally:
        endpoint.close()
        server.shutdown()


def test_no_credentials_from_a_urls_user_part() -> None:
    server, base = serve("Basic " + base64.b64encode(b"u:p").decode())
    try:
        result = run_cli("query", "ASK {}", "--endpoint", base.replace("//", "//u:p@") + "/sparql")
    finally:
        server.shutdown()
    assert result.returncode == 2 and "needs a user and password" in result.stderr
    assert [authorization for _, _, authorization in server.seen] == [None]


def test_proxies_in_the_environment_are_not_used(silent: socket.socket) -> None:
    server, base = serve()
    proxy = base_of(silent)
    try:
        env = {"HTTP_PROXY": proxy, "http_proxy": proxy, "ALL_PROXY": proxy, "all_proxy": proxy}
        result = run_cli("query", "ASK {}", "--endpoint", f"{base}/sparql", env=env)
    finally:
        server.shutdown()
    assert (result.returncode, result.stdout) == (0, "true\n"), result.stderr
    assert len(server.seen) == 1


@pytest.mark.skipif(shutil.which("openssl") is None, reason="needs the openssl command to make a certificate")
def test_https_trusts_the_systems_certificates(tmp_path: Path) -> None:
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out", str(cert), "-days", "1",
         "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"],
        check=True, capture_output=True,
    )  # fmt: skip
    tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    tls.load_cert_chain(cert, key)
    server, base = serve(tls=tls)
    try:
        # OpenSSL's system store, pointed at our certificate: trusted, as by Python's own http.client
        trusted = run_cli_process("query", "ASK {}", "--endpoint", f"{base}/sparql", env={"SSL_CERT_FILE": str(cert)})
        unknown = run_cli_process("query", "ASK {}", "--endpoint", f"{base}/sparql")
        elsewhere = base.replace("127.0.0.1", "localhost")  # the certificate names 127.0.0.1 only
        misnamed = run_cli_process("query", "ASK {}", "--endpoint", f"{elsewhere}/sparql", env={"SSL_CERT_FILE": str(cert)})
    finally:
        server.shutdown()
    assert (trusted.returncode, trusted.stdout) == (0, "true\n"), trusted.stderr
    assert unknown.returncode == 2 and "certificate verify failed" in unknown.stderr
    assert misnamed.returncode == 2 and "localhost" in misnamed.stderr and "Traceback" not in misnamed.stderr


def stop_while_waiting(listener: socket.socket, signum: int, *args: str) -> subprocess.CompletedProcess[str]:
    """Run the command in a process of its own, send it the signal once its request has reached the server."""
    command = [sys.executable, "-m", "pfocr_rdf", *args]
    env = {**os.environ, "PYTHONFAULTHANDLER": "1"}  # a process that does not stop shows where it is (SIGABRT)
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        connection, _ = listener.accept()  # the request is on its way; no answer will come
        with connection:
            process.send_signal(signum)
            try:
                stdout, stderr = process.communicate(timeout=PATIENCE)
            except subprocess.TimeoutExpired:
                process.send_signal(signal.SIGABRT)
                raise AssertionError(f"still running after {PATIENCE} s: {process.communicate()[1][-4000:]}") from None
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    return subprocess.CompletedProcess(command, process.returncode, stdout, stderr)


@pytest.mark.parametrize(("signum", "status"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_a_signal_stops_a_query_waiting_for_its_server(silent: socket.socket, signum: int, status: int) -> None:
    result = stop_while_waiting(silent, signum, "query", "ASK {}", "--endpoint", f"{base_of(silent)}/sparql")
    assert (result.returncode, result.stdout) == (status, ""), result.stderr
    assert "interrupted" in result.stderr and "Traceback" not in result.stderr


def test_timeout_stops_a_query_waiting_for_its_server(silent: socket.socket) -> None:
    result = run_cli_process("query", "ASK {}", "--endpoint", f"{base_of(silent)}/sparql", "--timeout", "1", timeout=PATIENCE)
    assert (result.returncode, result.stdout) == (124, "")
    assert (
        result.stderr.strip() == "pfocr-rdf: error: the query ran longer than 1 s (--timeout) and was stopped; no answer printed"
    )


@pytest.mark.parametrize(("signum", "status"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_a_signal_stops_a_load_waiting_for_its_server(silent: socket.socket, signum: int, status: int) -> None:
    result = stop_while_waiting(silent, signum, "load", str(SEED_FILES[1]), "--no-void", "--endpoint", f"{base_of(silent)}/store")
    assert result.returncode == status, result.stderr
    assert "load interrupted between graphs: none is half written" in result.stderr and "Traceback" not in result.stderr
