"""A remote SPARQL 1.1 store: Graph Store HTTP Protocol uploads and SPARQL queries over HTTP.

Written for the stores users run, Virtuoso first (WikiPathways' endpoint), and its known traps:
- a Graph Store POST with the wrong Content-Type answers 201 and stores nothing: bodies always go as
  `text/turtle; charset=utf-8` (N-Triples is Turtle), and every load is followed by a count check;
- `ResultSetMaxRows` silently truncates results: a result the server marks as capped is an error;
- a POST with `application/sparql-query` hangs: queries go by GET, or as a form POST when long;
- its JSON results use "typed-literal" and lower-case language tags: results.py reads both; it answers
  ASK as a one-column table (`__ASK_RETVAL`, a row holding 1 or no row), read here as the boolean;
- HTTP digest authentication (its `-auth` endpoints): the challenge is fetched with a small request
  first, so a large body is uploaded once, not twice as a retry-on-401 client would.
Connections are kept alive; nothing but the given URLs is ever contacted.
"""

from __future__ import annotations

import base64
import hashlib
import http.client
import json
import os
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode, urlsplit

import pyoxigraph as ox

from .. import __version__
from ..query.results import Answer, Results, Triples, from_sparql_json, query_form

TURTLE = "text/turtle; charset=utf-8"
# CONSTRUCT and DESCRIBE answers: N-Triples first (Virtuoso also knows it as text/plain), then Turtle.
RDF_ACCEPT = "application/n-triples, text/turtle;q=0.9, text/plain;q=0.5"
_CHALLENGE_PARAM = re.compile(r'(\w+)\s*=\s*("(?:[^"\\]|\\.)*"|[^,\s]+)')
_TAGS = re.compile(r"<[^>]+>")
MAX_GET_URL = 4000
VIRTUOSO_ASK = "__ASK_RETVAL"


class EndpointError(Exception):
    """The server refused or failed; the message carries its own words."""


@dataclass
class _Digest:
    realm: str
    nonce: str
    qop: str | None
    opaque: str | None
    algorithm: str
    count: int = 0


def _parse_challenge(header: str) -> tuple[str, dict[str, str]]:
    scheme, _, rest = header.strip().partition(" ")
    params = {key.lower(): value.strip('"') for key, value in _CHALLENGE_PARAM.findall(rest)}
    return scheme.lower(), params


def server_message(body: bytes, limit: int = 400) -> str:
    """The server's error text, without HTML, on one line."""
    text = _TAGS.sub(" ", body.decode("utf-8", "replace"))
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


class Endpoint:
    """One SPARQL server: a Graph Store endpoint (for loading) and a query endpoint."""

    def __init__(self, url: str, user: str | None = None, password: str | None = None, query_url: str | None = None,
                 timeout: float = 600.0) -> None:  # fmt: skip
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise EndpointError(f"{url}: not an http(s) URL")
        self.url = url
        self.query_url = query_url or derive_query_url(url)
        self.user, self.password, self.timeout = user, password, timeout
        self._connections: dict[tuple[str, str, int], http.client.HTTPConnection] = {}
        self._digest: _Digest | None = None
        self._basic = False

    # -- HTTP plumbing

    def _connection(self, url: str) -> tuple[http.client.HTTPConnection, str]:
        parts = urlsplit(url)
        port = parts.port or (443 if parts.scheme == "https" else 80)
        key = (parts.scheme, parts.hostname or "", port)
        connection = self._connections.get(key)
        if connection is None:
            cls = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
            connection = cls(parts.hostname or "", port, timeout=self.timeout)
            self._connections[key] = connection
        path = parts.path or "/"
        return connection, path + ("?" + parts.query if parts.query else "")

    def _authorization(self, method: str, path: str) -> str | None:
        if self.user is None:
            return None
        if self._basic:
            token = base64.b64encode(f"{self.user}:{self.password or ''}".encode()).decode()
            return "Basic " + token
        digest = self._digest
        if digest is None:
            return None
        digest.count += 1
        hasher = {"md5": hashlib.md5, "md5-sess": hashlib.md5, "sha-256": hashlib.sha256}.get(digest.algorithm.lower())
        if hasher is None:
            raise EndpointError(f"{self.url}: unsupported digest algorithm {digest.algorithm}")

        def h(text: str) -> str:
            return hasher(text.encode("utf-8")).hexdigest()

        cnonce = os.urandom(8).hex()
        ha1 = h(f"{self.user}:{digest.realm}:{self.password or ''}")
        if digest.algorithm.lower() == "md5-sess":
            ha1 = h(f"{ha1}:{digest.nonce}:{cnonce}")
        ha2 = h(f"{method}:{path}")
        nc = f"{digest.count:08x}"
        response = h(f"{ha1}:{digest.nonce}:{nc}:{cnonce}:auth:{ha2}") if digest.qop else h(f"{ha1}:{digest.nonce}:{ha2}")
        fields = [f'username="{self.user}"', f'realm="{digest.realm}"', f'nonce="{digest.nonce}"', f'uri="{path}"',
                  f'response="{response}"', f"algorithm={digest.algorithm}"]  # fmt: skip
        if digest.qop:
            fields += ["qop=auth", f"nc={nc}", f'cnonce="{cnonce}"']
        if digest.opaque:
            fields.append(f'opaque="{digest.opaque}"')
        return "Digest " + ", ".join(fields)

    def _learn_challenge(self, header: str | None) -> bool:
        """Take the server's WWW-Authenticate; True if a retry can now succeed."""
        if not header or self.user is None:
            return False
        scheme, params = _parse_challenge(header)
        if scheme == "basic":
            self._basic = True
            return True
        if scheme == "digest" and "nonce" in params:
            qop = params.get("qop")
            self._digest = _Digest(params.get("realm", ""), params["nonce"], "auth" if qop and "auth" in qop.split(",") else None,
                                   params.get("opaque"), params.get("algorithm", "MD5"))  # fmt: skip
            return True
        return False

    def request(self, method: str, url: str, body: bytes | None = None, headers: dict[str, str] | None = None,
                retry_auth: bool = True) -> tuple[int, http.client.HTTPMessage, bytes]:  # fmt: skip
        connection, path = self._connection(url)
        all_headers = {"User-Agent": f"pfocr-rdf/{__version__}", **(headers or {})}
        # Credentials go unasked only to the Graph Store endpoint; elsewhere only after a 401.
        if url.startswith(self.url.split("?")[0]) or not retry_auth:
            authorization = self._authorization(method, path)
            if authorization:
                all_headers["Authorization"] = authorization
        for attempt in (1, 2):
            try:
                connection.request(method, path, body=body, headers=all_headers)
                response = connection.getresponse()
                data = response.read()
                break
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError, http.client.CannotSendRequest):
                connection.close()  # a kept-alive connection the server closed: reconnect once
                if attempt == 2:
                    raise
            except OSError as exc:
                connection.close()
                raise EndpointError(f"cannot reach {url}: {exc}") from None
        if response.status == 401 and retry_auth:
            if self.user is None:
                raise EndpointError(
                    f"{url} needs a user and password (--user, and the password from the environment or a prompt)"
                )
            if self._learn_challenge(response.headers.get("WWW-Authenticate")):
                return self.request(method, url, body, headers, retry_auth=False)
        if response.status == 401:
            raise EndpointError(f"{url}: the server refused the user name or password (401)")
        return response.status, response.headers, data

    def authenticate(self) -> None:
        """Learn the auth challenge with a bodiless request, so big uploads are sent only once."""
        if self.user is not None and self._digest is None and not self._basic:
            self.request("GET", self._graph_url("urn:x-pfocr-rdf:probe"), headers={"Accept": "text/turtle"})

    def close(self) -> None:
        for connection in self._connections.values():
            connection.close()
        self._connections.clear()

    # -- Graph Store Protocol

    def _graph_url(self, graph: str) -> str:
        separator = "&" if "?" in self.url else "?"
        return self.url + separator + urlencode({"graph": graph})

    def put_graph(self, graph: str, triples: bytes) -> None:
        """Replace a graph (PUT)."""
        self._send("PUT", graph, triples)

    def post_graph(self, graph: str, triples: bytes) -> None:
        """Add to a graph (POST)."""
        self._send("POST", graph, triples)

    def _send(self, method: str, graph: str, triples: bytes) -> None:
        status, _, body = self.request(method, self._graph_url(graph), triples, {"Content-Type": TURTLE})
        if status not in (200, 201, 204):
            raise EndpointError(f"{self.url} refused {method} of graph <{graph}> ({status}): {server_message(body)}")

    # -- queries

    def answer(self, query: str) -> Answer:
        """A query's answer: Results (SELECT), Triples (CONSTRUCT, DESCRIBE) or a bool (ASK)."""
        if query_form(query) in ("CONSTRUCT", "DESCRIBE"):
            return self._triples(query)
        return self.select(query)

    def _triples(self, query: str) -> Triples:
        status, headers, body = self._ask(query, RDF_ACCEPT)
        if status != 200:
            raise EndpointError(f"{self.query_url} could not answer the query ({status}): {server_message(body)}")
        media_type = headers.get("Content-Type", "").split(";")[0].strip().lower()
        rdf_format = ox.RdfFormat.N_TRIPLES if media_type == "text/plain" else ox.RdfFormat.from_media_type(media_type)
        if rdf_format is None:
            raise EndpointError(f"{self.query_url} answered in {media_type or 'no stated format'}, not RDF this tool reads")
        try:
            parsed = ox.parse(body, format=rdf_format)
            return Triples(list(dict.fromkeys((str(q.subject), str(q.predicate), str(q.object)) for q in parsed)))
        except SyntaxError as exc:
            raise EndpointError(f"{self.query_url} answered with invalid {media_type}: {exc}") from None

    def _ask(self, query: str, accept: str) -> tuple[int, Any, bytes]:
        """Send a query by GET, or by form POST when it is long."""
        headers = {"Accept": accept}
        get_url = self.query_url + ("&" if "?" in self.query_url else "?") + urlencode({"query": query})
        if len(get_url) <= MAX_GET_URL:
            status, response_headers, body = self.request("GET", get_url, headers=headers)
        else:  # never application/sparql-query: Virtuoso hangs on it
            form = urlencode({"query": query}).encode("ascii")
            status, response_headers, body = self.request(
                "POST", self.query_url, form, {**headers, "Content-Type": "application/x-www-form-urlencoded"}
            )
        return status, response_headers, body

    def select(self, query: str) -> Results | bool:
        """A SELECT query's results (an ASK query's boolean); an answer the server truncated is an error."""
        status, response_headers, body = self._ask(query, "application/sparql-results+json")
        if status != 200:
            raise EndpointError(f"{self.query_url} could not answer the query ({status}): {server_message(body)}")
        try:
            data = json.loads(body)
        except ValueError:
            raise EndpointError(f"{self.query_url} did not answer with SPARQL JSON results: {server_message(body)}") from None
        if "boolean" in data:
            return bool(data["boolean"])
        results = from_sparql_json(data)
        if results.variables == [VIRTUOSO_ASK]:  # Virtuoso's ASK: one row holding 1, or no row
            return any(
                row.get(VIRTUOSO_ASK) not in (None, '"0"^^<http://www.w3.org/2001/XMLSchema#integer>') for row in results.rows
            )
        cap = response_headers.get("X-SPARQL-MaxRows")
        if cap and cap.isdigit() and len(results.rows) >= int(cap):
            raise EndpointError(
                f"{self.query_url} cut the answer at {cap} rows (Virtuoso's ResultSetMaxRows); "
                "narrow the query, or raise the limit in the server's configuration"
            )
        return results

    def graph_sizes(self, graphs: list[str]) -> dict[str, int]:
        """Triples per graph (IRI terms), in one query per batch of graphs."""
        sizes = dict.fromkeys(graphs, 0)
        for start in range(0, len(graphs), 100):
            batch = graphs[start : start + 100]
            query = (
                f"SELECT ?g (COUNT(*) AS ?n) WHERE {{ VALUES ?g {{ {' '.join(batch)} }} GRAPH ?g {{ ?s ?p ?o }} }} GROUP BY ?g"
            )
            results = self.select(query)
            assert isinstance(results, Results)
            for row in results.rows:
                graph, count = row.get("g"), row.get("n")
                if graph is not None and count is not None:
                    sizes[graph] = int(count.split('"')[1])
        return sizes


# Graph Store path -> query path: Virtuoso (authenticated and not), Oxigraph server, Fuseki.
QUERY_BESIDE_STORE = (
    ("/sparql-graph-crud-auth", "/sparql"),
    ("/sparql-graph-crud", "/sparql"),
    ("/store", "/query"),
    ("/data", "/sparql"),
)


def derive_query_url(url: str) -> str:
    """The query endpoint beside a Graph Store endpoint: Virtuoso, Oxigraph and Fuseki layouts."""
    parts = urlsplit(url)
    base = f"{parts.scheme}://{parts.netloc}"
    path = parts.path.rstrip("/")
    for store_path, query_path in QUERY_BESIDE_STORE:
        if path.endswith(store_path):
            return base + path[: -len(store_path)] + query_path
    return url  # a server that answers queries and Graph Store requests at one URL
