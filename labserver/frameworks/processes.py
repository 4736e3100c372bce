"""Express (on Node.js) and nginx: frameworks that are programs, run as child processes
listening on loopback, each with the files it needs in a folder of its own."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import tempfile
from abc import abstractmethod
from pathlib import Path

from ..children import make_folder, remove_folder, run_child, start_child, stop_child
from ..clients.base import loopback_httpx
from ..clients.node import (
    NEXT_APP,
    NODE_DIR,
    install_node_helpers,
    node_helpers_installed,
    node_package_version,
)
from ..clients.optional import ensure_optional
from ..server.lab import LOOPBACK
from ..server.tls import LabCertificates
from .base import Framework, Route


class _Process(Framework):
    """A framework run as one child process, in a folder that is deleted when it stops
    (or, if the kernel ends first, when the kernel ends: :mod:`labserver.children`)."""

    def __init__(self) -> None:
        super().__init__()
        self._process: subprocess.Popen[bytes] | None = None
        self._folder: Path | None = None

    environment: dict[str, str] = {}
    """Variables the process gets beside the kernel's own."""

    def _env(self) -> dict[str, str]:
        return {**os.environ, **self.environment}

    @abstractmethod
    def _command(self, port: int, folder: Path) -> list[str]:
        """The command line that serves on ``port``, its files in ``folder``."""

    def _serve(self, port: int) -> None:
        self._folder = make_folder(self.name)
        try:
            command = self._command(port, self._folder)
            self._process = start_child(command, folder=self._folder,
                                        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                        stderr=subprocess.PIPE, env=self._env())
        except BaseException:
            remove_folder(self._folder)
            self._folder = None
            raise

    def _shut(self) -> None:
        if self._process is not None:
            stop_child(self._process)  # the process first, then its folder
            self._process = None
        elif self._folder is not None:
            remove_folder(self._folder)
        self._folder = None


def _static_folder(root: Path) -> Path:
    """A folder with one sub-folder, ``docs``: asked for without its slash, a static file
    server answers with a redirect to ``docs/``."""
    (root / "www" / "docs").mkdir(parents=True)
    (root / "www" / "docs" / "index.html").write_text("<p>docs</p>\n")
    return root / "www"


NO_NODE = ("Node.js is not installed: apt-get install nodejs npm (Debian/Ubuntu), "
           "brew install node (macOS), or nodejs.org")


def _node_unavailable() -> str | None:
    """Why a Node framework cannot run here (no Node, or its packages not installable)."""
    if shutil.which("node") is None:
        return NO_NODE
    if not node_helpers_installed():
        message = install_node_helpers()
        if not node_helpers_installed():
            return message
    return None


class ExpressApp(_Process):
    """Express 5's ``res.redirect()``, its wildcard routes and ``express.static``."""

    name = "Express"
    routes = (
        Route('res.redirect("/new")', "GET", "/old", "express-redirect"),
        Route('res.redirect(308, "/new")', "GET", "/moved", "express-redirect"),
        Route('app.all("/api/v1/*path", … res.redirect(307, …))', "POST", "/api/v1/users",
              "express-path-syntax"),
        Route('express.static(folder), then GET /static/docs', "GET", "/static/docs",
              "express-static"),
    )
    source = (NODE_DIR / "express.mjs").read_text()

    @classmethod
    def unavailable_reason(cls) -> str | None:
        return _node_unavailable()

    def version(self) -> str:
        return node_package_version("express")

    def express4_route_error(self) -> str:
        """What Express 5 says when the Express 4 spelling ``/api/v1/:path(*)`` is declared
        (the app tries it at start-up and serves the answer at ``/express4-syntax``)."""
        with loopback_httpx() as http:
            return http.get(self.url + "/express4-syntax").text

    def _command(self, port: int, folder: Path) -> list[str]:
        node = shutil.which("node") or "node"
        return [node, str(NODE_DIR / "express.mjs"), str(port), str(_static_folder(folder))]


BUILDS = NEXT_APP / ".build"
"""Where production builds are kept, one folder per version of the app's files: inside the
app's folder, so a build finds Next.js in the app's own ``node_modules``."""

NOT_APP_FILES = ("node_modules", ".build", "package.json", "package-lock.json")
"""What the app's folder holds besides the app: its install, its builds, and what npm
installs from (a copy of the lock file would make each build folder a project of its
own, without ``node_modules``)."""

BUILD_SECONDS = 300.0
"""How long ``next build`` may take; about 5 s on a 2-core machine."""


def _next_cli() -> list[str]:
    return [shutil.which("node") or "node", str(NEXT_APP / "node_modules" / "next" / "dist"
                                                / "bin" / "next")]


def _app_files() -> list[Path]:
    """The app's own files (``next.config.mjs``, its route handlers), in a stable order."""
    tops = [top for top in NEXT_APP.iterdir() if top.name not in NOT_APP_FILES]
    return sorted(path for top in tops for path in (top.rglob("*") if top.is_dir() else [top])
                  if path.is_file())


class NextApp(_Process):
    """Next.js's ``redirects()`` in ``next.config.mjs`` and its trailing-slash redirect,
    served by ``next start`` from a production build.

    The build takes seconds, so it is made once and kept (:data:`BUILDS`) under a name
    that changes whenever the app's files or Next's version do; later starts reuse it.
    """

    name = "Next.js"
    routes = (
        Route('{ source: "/old", destination: "/new", permanent: false }', "GET", "/old",
              "nextjs-redirects"),
        Route('{ source: "/moved", destination: "/new", permanent: true }', "GET", "/moved",
              "nextjs-redirects"),
        Route('{ source: "/api/v1/:path*", …, permanent: false }', "POST", "/api/v1/users",
              "nextjs-redirects"),
        Route('{ source: "/signup", destination: "/new", statusCode: 303 }', "POST",
              "/signup", "nextjs-redirects"),
        Route("trailingSlash: false (the default), then GET /new/", "GET", "/new/",
              "nextjs-trailing-slash"),
        Route("trailingSlash: false (the default), then POST /new/", "POST", "/new/",
              "nextjs-trailing-slash"),
    )
    source = (NEXT_APP / "next.config.mjs").read_text()
    environment = {"NEXT_TELEMETRY_DISABLED": "1"}

    @classmethod
    def unavailable_reason(cls) -> str | None:
        """No Node, or Next.js missing and not installable. A missing Next.js is installed
        here, once, after one line saying so (:mod:`labserver.clients.optional`)."""
        if shutil.which("node") is None:
            return NO_NODE
        return ensure_optional("nextjs")

    def version(self) -> str:
        return node_package_version("next", NEXT_APP)

    def _kept_build(self) -> Path:
        """Where the build of the app's present files, by this version of Next, is kept."""
        digest = hashlib.sha256(self.version().encode())
        for path in _app_files():
            digest.update(str(path.relative_to(NEXT_APP)).encode() + path.read_bytes())
        return BUILDS / f"next-{digest.hexdigest()[:16]}"

    def build(self, *, fresh: bool = False) -> Path:
        """The folder of a production build of the app: made by ``next build`` if there is
        none for these files (or ``fresh`` asks for a new one), else the one kept."""
        built = self._kept_build()
        if built.is_dir() and not fresh:
            return built
        BUILDS.mkdir(exist_ok=True)
        work = Path(tempfile.mkdtemp(prefix="building-", dir=BUILDS))
        for path in _app_files():
            (work / path.relative_to(NEXT_APP)).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, work / path.relative_to(NEXT_APP))
        try:
            done = run_child([*_next_cli(), "build"], cwd=work, capture_output=True,
                                text=True, env=self._env(), timeout=BUILD_SECONDS)
            failed = (f"exit {done.returncode}:\n{(done.stdout + done.stderr)[-2000:]}"
                      if done.returncode else "")
        except subprocess.TimeoutExpired:
            failed = f"it took more than {BUILD_SECONDS:.0f} s"
        if failed:
            shutil.rmtree(work, ignore_errors=True)
            raise RuntimeError(f"next build failed: {failed}")
        shutil.rmtree(work / ".next" / "cache", ignore_errors=True)
        if fresh:
            shutil.rmtree(built, ignore_errors=True)
        try:
            work.rename(built)  # another process may have built the same files meanwhile
        except OSError:
            shutil.rmtree(work, ignore_errors=True)
        return built

    def _command(self, port: int, folder: Path) -> list[str]:
        return [*_next_cli(), "start", str(self.build()), "--hostname", LOOPBACK,
                "--port", str(port)]


NGINX_SITE = """\
location = /return-301 {{ return 301 /new; }}
location = /return-302 {{ return 302 /new; }}
location = /return-307 {{ return 307 /new; }}
location = /return-308 {{ return 308 /new; }}
rewrite ^/rewrite-redirect$ /new redirect;
rewrite ^/rewrite-permanent$ /new permanent;
location = /new {{ return 200 "new\\n"; }}
location /relative/ {{ absolute_redirect off; alias {www}/; }}
location /no-port/ {{ port_in_redirect off; alias {www}/; }}
"""
"""The redirects of the nginx server, as a learner writes them in a ``server`` block
(``{www}`` holds the folder ``docs``)."""

_NGINX_CONF = """\
daemon off;
master_process off;
pid {folder}/nginx.pid;
error_log {folder}/error.log;
events {{}}
http {{
  access_log off;
  log_format lab '$connection $connection_requests "$request" $status';
  client_body_temp_path {folder}/body;
  proxy_temp_path {folder}/proxy;
  fastcgi_temp_path {folder}/fastcgi;
  uwsgi_temp_path {folder}/uwsgi;
  scgi_temp_path {folder}/scgi;
  server {{
    listen {host}:{port};
    root {www};
{site}  }}
}}
"""


class NginxApp(_Process):
    """nginx's ``return``, ``rewrite … redirect|permanent`` and its directory redirect,
    with ``absolute_redirect`` and ``port_in_redirect`` on (the defaults) and off."""

    name = "nginx"
    routes = (
        Route("return 301 /new;", "GET", "/return-301", "nginx-rewrite"),
        Route("return 302 /new;", "GET", "/return-302", "nginx-rewrite"),
        Route("return 307 /new;", "POST", "/return-307", "nginx-rewrite"),
        Route("return 308 /new;", "POST", "/return-308", "nginx-rewrite"),
        Route("rewrite ^/rewrite-redirect$ /new redirect;", "GET", "/rewrite-redirect",
              "nginx-rewrite"),
        Route("rewrite ^/rewrite-permanent$ /new permanent;", "GET", "/rewrite-permanent",
              "nginx-rewrite"),
        Route("a folder docs under root, then GET /docs", "GET", "/docs",
              "nginx-absolute-redirect"),
        Route("a folder docs under root, then POST /docs", "POST", "/docs",
              "nginx-absolute-redirect"),
        Route("the same with absolute_redirect off;", "GET", "/relative/docs",
              "nginx-absolute-redirect"),
        Route("the same with port_in_redirect off;", "GET", "/no-port/docs",
              "nginx-absolute-redirect", follow=False),
    )
    source = NGINX_SITE.replace("{{", "{").replace("}}", "}")

    @classmethod
    def unavailable_reason(cls) -> str | None:
        if cls._binary() is None:
            return ("nginx is not installed: apt-get install nginx (Debian/Ubuntu; then "
                    "`service nginx stop`, the lab starts its own), brew install nginx (macOS)")
        return None

    @staticmethod
    def _binary() -> str | None:
        return shutil.which("nginx") or next(
            (str(path) for path in (Path("/usr/sbin/nginx"), Path("/usr/local/sbin/nginx"))
             if path.is_file()), None)

    def version(self) -> str:
        done = subprocess.run([self._binary() or "nginx", "-v"], capture_output=True,
                              text=True, check=False)
        return done.stderr.strip().rsplit("/", 1)[-1]

    def _listen(self, port: int) -> str:
        """What follows ``listen 127.0.0.1:`` in the server block."""
        return str(port)

    def _site(self, folder: Path, www: Path) -> str:
        """The server block's directives (its locations), for files in ``folder``."""
        return NGINX_SITE.format(www=www)

    def _command(self, port: int, folder: Path) -> list[str]:
        www = _static_folder(folder)
        config = folder / "nginx.conf"
        config.write_text(_NGINX_CONF.format(
            folder=folder, host=LOOPBACK, port=self._listen(port), www=www,
            site="".join(f"    {line}\n" for line in self._site(folder, www).splitlines())))
        return [self._binary() or "nginx", "-e", str(folder / "error.log"), "-p", str(folder),
                "-c", str(config)]


NGINX_PROXY_SITE = """\
location / {{
  proxy_pass {backend};
  proxy_set_header Host $http_host;
{forwarded}}}"""
"""A TLS-terminating proxy's one location: the app behind it, and what it is told."""

FORWARD_PROTO = "  proxy_set_header X-Forwarded-Proto $scheme;\n"


class NginxProxy(NginxApp):
    """Debian's nginx as a TLS-terminating reverse proxy in front of ``backend``: https
    with the lab's certificate outside, plain http to the app inside. With
    ``forward_proto`` it tells the app the scheme (``X-Forwarded-Proto``), replacing any
    such header the client sent."""

    name = "nginx"
    routes = ()  # type: ignore[assignment]  # a proxy has no redirects of its own

    def __init__(self, backend: str, certificates: LabCertificates, *,
                 forward_proto: bool) -> None:
        super().__init__()
        self.backend = backend
        self.certificates = certificates
        self.forward_proto = forward_proto
        self.source = NGINX_PROXY_SITE.format(
            backend=backend, forwarded=FORWARD_PROTO if forward_proto else "")

    @property
    def url(self) -> str:
        return f"https://{LOOPBACK}:{self.port}"

    def _listen(self, port: int) -> str:
        return f"{port} ssl"

    def _site(self, folder: Path, www: Path) -> str:
        pem = self.certificates.server_pem_file
        return f"ssl_certificate {pem};\nssl_certificate_key {pem};\n{self.source}"


class NginxChain(NginxApp):
    """nginx serving chains of redirects, ``/hops/N`` → ``/hops/N-1`` → … → ``/hops/0``,
    and keeping its connections alive as a production server does. Its access log
    records the connection each request came on: the count of new ones is what a
    client opened."""

    name = "nginx"
    routes = ()  # type: ignore[assignment]  # its chains are the subject, not its routes
    max_hops = 5

    def _site(self, folder: Path, www: Path) -> str:
        hops = "".join(f"location = /hops/{n} {{ return 302 /hops/{n - 1}; }}\n"
                       for n in range(self.max_hops, 0, -1))
        return (f"access_log {folder / 'access.log'} lab;\n" + hops
                + 'location = /hops/0 { return 200 "arrived\\n"; }\n')

    @property
    def _log(self) -> Path:
        if self._folder is None:
            raise RuntimeError("nginx is not running; call start() first")
        return self._folder / "access.log"

    def connection_ids(self) -> list[str]:
        """The connection of every request logged so far, in order."""
        if not self._log.exists():
            return []
        return [line.split(" ", 1)[0] for line in self._log.read_text().splitlines() if line]
