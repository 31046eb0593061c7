"""A remote SPARQL 1.1 store: Graph Store HTTP Protocol uploads and SPARQL queries over HTTP.

It stays whole just past 300 lines: some thirty of them are this note on the servers' traps, and the session, its
authentication and the `Endpoint` that uses them are one piece of security-minded code, best read together.

Written for the stores users run, Virtuoso first (WikiPathways' endpoint), and its known traps:
- a Graph Store POST with the wrong Content-Type answers 201 and stores nothing: bodies always go as
  `text/turtle; charset=utf-8` (N-Triples is Turtle), and every load is followed by a count check;
- `ResultSetMaxRows` silently truncates results: a result the server marks as capped is an error;
- a POST with `application/sparql-query` hangs: queries go by GET, or as a form POST when long;
- its JSON results use "typed-literal" and lower-case language tags: results.py reads both; it answers
  ASK as a one-column table (`__ASK_RETVAL`, a row holding 1 or no row), read here as the boolean;
- HTTP digest authentication (its `-auth` endpoints): the challenge is fetched with a small request
  first, so a large body is uploaded once, not twice as a retry-on-401 client would.

HTTP and its authentication are `requests` (security code we should not own): `HTTPDigestAuth` answers
the challenge (MD5, MD5-sess, SHA, SHA-256, SHA-512) and, once it holds a nonce, signs every later
request up front, so after the probe a body goes once; `HTTPBasicAuth` where the challenge asks for
basic. requests rather than httpx: a 2.x API stable for a decade, already in most Python environments
(gseapy, in our test extra, needs it too), and four dependencies (urllib3, idna, certifi,
charset-normalizer) where httpx brings anyio, httpcore, h11 and on Python 3.10 two more; httpx's
extras (async, HTTP/2) are nothing a Graph Store upload needs. What requests does by default and this
module must not is turned off: proxies, .netrc credentials and CA bundles from the environment, redirects
followed, credentials from a URL's user part; so nothing but the given URLs is ever contacted, and
credentials go unasked only to the Graph Store endpoint. HTTPS trusts the system's certificate store as
Python's http.client (used here before) did, plus certifi's bundle, which requests adds. Bodies are
bytes sent with Content-Length, never chunked: Virtuoso 7.2's Graph Store answers 201 to a chunked PUT
and stores nothing (tried), and a load holds each graph's text in memory anyway.
"""

from __future__ import annotations

import http.client
import json
import re
import ssl
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode, urlsplit

import pyoxigraph as ox

from .. import __version__
from ..query.results import Answer, Results, Triples, from_sparql_json, query_form

if TYPE_CHECKING:  # requests is imported when an Endpoint is made: `load --store` and `query --store` never pay for it
    import requests
    from requests.auth import AuthBase
    from requests.structures import CaseInsensitiveDict

TURTLE = "text/turtle; charset=utf-8"
# CONSTRUCT and DESCRIBE answers: N-Triples first (Virtuoso also knows it as text/plain), then Turtle.
RDF_ACCEPT = "application/n-triples, text/turtle;q=0.9, text/plain;q=0.5"
_TAGS = re.compile(r"<[^>]+>")
MAX_GET_URL = 4000
VIRTUOSO_ASK = "__ASK_RETVAL"
DIGEST_ALGORITHMS = ("MD5", "MD5-SESS", "SHA", "SHA-256", "SHA-512")  # those requests' HTTPDigestAuth answers
# A kept-alive connection the server closed as it was reused: the request is sent again once.
_DROPPED = (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError)


class EndpointError(Exception):
    """The server refused or failed; the message carries its own words."""


def server_message(body: bytes, limit: int = 400) -> str:
    """The server's error text, without HTML, on one line."""
    text = _TAGS.sub(" ", body.decode("utf-8", "replace"))
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _no_credentials(request: requests.PreparedRequest) -> requests.PreparedRequest:
    """An auth that adds nothing: not even a URL's user part, which requests would send as basic, unasked."""
    return request


def _session(https: bool) -> requests.Session:
    """A session that contacts the given URLs only, as they are given; `https`: some of them are HTTPS (the
    system's certificates take 20 ms to load, which plain HTTP does not pay)."""
    import requests
    from requests.adapters import HTTPAdapter
    from requests.structures import CaseInsensitiveDict
    from urllib3.util.ssl_ import create_urllib3_context

    class SystemTrust(HTTPAdapter):
        """HTTPS verified against the system's certificate store, as Python's own http.client does (requests
        alone trusts certifi's bundle, which lacks a site's own certificate authority)."""

        def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
            context = create_urllib3_context()  # urllib3's own: it checks host names itself in 1.26
            context.minimum_version = ssl.TLSVersion.TLSv1_2  # as Python's default context (urllib3 1.26 allows 1.0)
            context.load_default_certs()
            kwargs["ssl_context"] = context
            super().init_poolmanager(*args, **kwargs)

    session = requests.Session()
    session.trust_env = False  # no proxy, .netrc or CA bundle from the environment
    session.headers = CaseInsensitiveDict({"User-Agent": f"pfocr-rdf/{__version__}", "Accept-Encoding": "identity"})
    if https:
        session.mount("https://", SystemTrust())
    return session


def _digest(where: str, user: str, password: str) -> AuthBase:
    """requests' digest authentication, which says so when it cannot answer a challenge (an algorithm or
    qop it lacks): before 2.34, requests then sent a header it could not build and failed with a TypeError."""
    from requests.auth import HTTPDigestAuth

    class Digest(HTTPDigestAuth):
        def build_digest_header(self, method: str, url: str) -> str | None:
            header = super().build_digest_header(method, url)
            if header is None:
                challenge = self._thread_local.chal  # the challenge requests parsed (an attribute since 2.8)
                algorithm = challenge.get("algorithm") or "MD5"
                if algorithm.upper() in DIGEST_ALGORITHMS:
                    raise EndpointError(f"{where}: unsupported digest qop {challenge.get('qop')}")
                raise EndpointError(f"{where}: unsupported digest algorithm {algorithm}")
            return header

    return Digest(user, password)


def _root_cause(exc: BaseException) -> BaseException:
    """The system's error under requests' and urllib3's wrappers ('[Errno 111] Connection refused',
    'timed out'): the innermost OSError of the chain that is not requests' own."""
    import requests

    found, seen, current = exc, set(), exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, OSError) and not isinstance(current, requests.RequestException):
            found = current
        current = current.__cause__ or current.__context__
    return found


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
        self._session = _session(any(u.lower().startswith("https:") for u in (self.url, self.query_url)))
        # Digest first: it sends nothing before the server's challenge; basic only when a challenge asks for it.
        self._auth: AuthBase | Any = _digest(url, user, password or "") if user is not None else _no_credentials

    # -- HTTP plumbing

    def _http(self, method: str, url: str, body: bytes | None, headers: dict[str, str], auth: Any) -> requests.Response:
        import requests

        for attempt in (1, 2):
            try:
                return self._session.request(
                    method, url, data=body, headers=headers, auth=auth, timeout=self.timeout, allow_redirects=False
                )
            except requests.RequestException as exc:
                cause = _root_cause(exc)
                if attempt == 1 and isinstance(cause, _DROPPED):
                    continue
                raise EndpointError(f"cannot reach {url}: {cause}") from None
        raise AssertionError("unreachable")

    def request(self, method: str, url: str, body: bytes | None = None,
                headers: dict[str, str] | None = None) -> tuple[int, CaseInsensitiveDict[str], bytes]:  # fmt: skip
        """(status, headers, body) of one request; credentials go unasked only to the Graph Store endpoint,
        elsewhere only after a 401."""
        from requests.auth import HTTPBasicAuth

        to_store = url.startswith(self.url.split("?")[0])
        response = self._http(method, url, body, headers or {}, self._auth if to_store else _no_credentials)
        if response.status_code == 401:
            if self.user is None:
                raise EndpointError(
                    f"{url} needs a user and password (--user, and the password from the environment or a prompt)"
                )
            challenge = response.headers.get("WWW-Authenticate", "").strip().lower()
            if challenge.startswith("basic") and not isinstance(self._auth, HTTPBasicAuth):
                self._auth = HTTPBasicAuth(self.user, self.password or "")
                response = self._http(method, url, body, headers or {}, self._auth)
            elif not to_store:
                response = self._http(method, url, body, headers or {}, self._auth)
        if response.status_code == 401:
            raise EndpointError(f"{url}: the server refused the user name or password (401)")
        return response.status_code, response.headers, response.content

    def authenticate(self) -> None:
        """Learn the auth challenge with a bodiless request, so big uploads are sent only once."""
        if self.user is not None:
            self.request("GET", self._graph_url("urn:x-pfocr-rdf:probe"), headers={"Accept": "text/turtle"})

    def close(self) -> None:
        self._session.close()

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
