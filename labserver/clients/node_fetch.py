"""Node.js's built-in ``fetch()`` (undici): the Fetch standard outside a browser.

Node implements the same HTTP-redirect fetch as the browsers, but it has no page, so no
origin: no CORS, no preflight, no ``Origin`` header to taint. Putting it beside the two
engines separates what Fetch says about redirects from what a browser adds around them.
One Node process serves every request of the adapter (:class:`.node.NodeDriver`).
"""

from __future__ import annotations

import shutil

from ..server.tls import LabCertificates
from ..vocabulary import TIMEOUT_SECONDS
from .base import Client, ClientUnavailable, Outcome
from .node import NodeDriver


class NodeFetchClient(Client):
    """``fetch(url, {method, body, headers})`` in Node.js, following redirects."""

    name = "node-fetch"
    rule = (
        "undici (Node's fetch), lib/web/fetch/index.js, httpRedirectFetch: the Fetch "
        "standard's rule, as in a browser: after 301 or 302 a POST becomes GET, after 303 "
        "every method but GET and HEAD; then the body and the request-body headers go. "
        "Authorization is removed when the origin changes; 20 redirects at most."
    )

    def __init__(self, *, tls: LabCertificates | None = None) -> None:
        reason = self.unavailable_reason()
        if reason:
            raise ClientUnavailable(reason)
        # Node reads extra trusted CAs only at start-up: this process trusts the lab's.
        self._driver = NodeDriver("fetch.mjs", what="Node fetch()",
                                  env={"NODE_EXTRA_CA_CERTS": str(tls.ca_file)} if tls else None)

    @classmethod
    def unavailable_reason(cls) -> str | None:
        if shutil.which("node") is None:
            return "Node.js is not installed: apt-get install nodejs (Debian), or nodejs.org"
        return None

    def send(self, method: str, url: str, *, body: bytes | None = None,
             headers: dict[str, str] | None = None) -> Outcome:
        answer = self._driver.command(
            "fetch", url=url, method=method, headers=headers or {},
            body=None if body is None else body.decode(), timeoutMs=TIMEOUT_SECONDS * 1000)
        if "error" in answer:
            return Outcome(status=None, error=answer["error"], detail=answer["detail"])
        return Outcome(status=int(answer["status"]))

    @property
    def version(self) -> str:
        return str(self._driver.command("version"))

    def close(self) -> None:
        self._driver.stop()
