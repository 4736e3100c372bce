"""A throwaway certificate authority, so the lab can serve HTTPS on loopback.

The credentials lesson needs an https origin to redirect from (https → http) and to
(http → https). trustme makes a certificate authority that exists only for this run;
the lab's server certificate is signed by it, and only the lesson's own clients are
told to trust it. Nothing on the machine, and no browser profile, trusts it afterwards.
"""

from __future__ import annotations

import base64
import hashlib
import ssl
import tempfile
import threading
from collections import OrderedDict
from pathlib import Path

LAB_HOSTS = ("127.0.0.1", "localhost")

CERTIFICATES_KEPT = 64
"""Per-host certificates the recording proxy keeps (least recently used go first): a
trace visits a handful of hosts, and a client sending to thousands costs only time."""


class LabCertificates:
    """A run-time CA and a server certificate for 127.0.0.1 and localhost."""

    _shared: LabCertificates | None = None

    @classmethod
    def shared(cls) -> LabCertificates:
        """One set for the whole process, never closed: a lesson starts its browsers
        trusting it once, and a re-run cell finds them (:func:`open_browser` keys a
        running browser by the key it trusts) instead of starting another pair."""
        if cls._shared is None:
            cls._shared = cls()
        return cls._shared

    def __init__(self) -> None:
        import trustme  # 0.03 s with cryptography: paid by the lessons that serve https

        self._ca = trustme.CA()
        self._server_cert = self._ca.issue_cert(*LAB_HOSTS)
        self._folder = tempfile.TemporaryDirectory(prefix="redirect-lab-ca-")
        self.ca_file = str(Path(self._folder.name, "lab-ca.pem"))
        """The CA certificate as a PEM file, for clients that take a path (requests, curl)."""
        self._ca.cert_pem.write_to_path(self.ca_file)
        self._contexts: OrderedDict[str, ssl.SSLContext] = OrderedDict()
        self._contexts_lock = threading.Lock()

    def server_context(self) -> ssl.SSLContext:
        """What the lab's https server presents."""
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        self._server_cert.configure_cert(context)
        return context

    @property
    def server_pem_file(self) -> str:
        """The server's key and certificate chain in one PEM file, for a server that reads
        files (nginx takes it as both ``ssl_certificate`` and ``ssl_certificate_key``)."""
        path = Path(self._folder.name, "lab-server.pem")
        if not path.exists():
            self._server_cert.private_key_and_cert_chain_pem.write_to_path(str(path))
        return str(path)

    def context_for(self, host: str) -> ssl.SSLContext:
        """A server context with a certificate for ``host``, signed by the lab CA: what the
        recording proxy presents inside a CONNECT tunnel, so a client that trusts the lab
        CA (and only such a client) shows it the requests it sends to ``host``."""
        with self._contexts_lock:
            context = self._contexts.get(host)
            if context is not None:
                self._contexts.move_to_end(host)
                return context
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        self._ca.issue_cert(host).configure_cert(context)
        with self._contexts_lock:
            self._contexts[host] = context
            while len(self._contexts) > CERTIFICATES_KEPT:
                self._contexts.popitem(last=False)
        return context

    def client_context(self) -> ssl.SSLContext:
        """A client context that trusts the lab CA (and nothing else)."""
        context = ssl.create_default_context(cafile=self.ca_file)
        return context

    @property
    def server_spki_sha256(self) -> str:
        """Base64 SHA-256 of the server key, the form Chromium's
        ``--ignore-certificate-errors-spki-list`` takes to trust exactly this key."""
        from cryptography import x509
        from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

        certificate = x509.load_pem_x509_certificate(
            self._server_cert.cert_chain_pems[0].bytes())
        key = certificate.public_key().public_bytes(Encoding.DER,
                                                    PublicFormat.SubjectPublicKeyInfo)
        return base64.b64encode(hashlib.sha256(key).digest()).decode()

    def close(self) -> None:
        """Delete the CA file."""
        self._folder.cleanup()
