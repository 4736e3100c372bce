"""Express (on Node.js) and nginx: frameworks that are programs, run as child processes
listening on loopback, each with the files it needs in a folder of its own."""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from abc import abstractmethod
from pathlib import Path

from ..clients.base import loopback_httpx
from ..clients.node import NODE_DIR, install_node_helpers, node_helpers_installed
from ..server.lab import LOOPBACK
from .base import Framework, Route

STOP_SECONDS = 5.0


class _Process(Framework):
    """A framework run as one child process, in a folder that is deleted when it stops."""

    def __init__(self) -> None:
        super().__init__()
        self._process: subprocess.Popen[bytes] | None = None
        self._folder: tempfile.TemporaryDirectory[str] | None = None

    @abstractmethod
    def _command(self, port: int, folder: Path) -> list[str]:
        """The command line that serves on ``port``, its files in ``folder``."""

    def _serve(self, port: int) -> None:
        self._folder = tempfile.TemporaryDirectory(prefix=f"lab-{self.name.lower()}-")
        command = self._command(port, Path(self._folder.name))
        self._process = subprocess.Popen(command, stdin=subprocess.DEVNULL,
                                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)

    def _shut(self) -> None:
        if self._process is not None:
            self._process.terminate()
            try:
                self._process.wait(STOP_SECONDS)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
            if self._process.stderr is not None:
                self._process.stderr.close()
            self._process = None
        if self._folder is not None:
            self._folder.cleanup()
            self._folder = None


def _static_folder(root: Path) -> Path:
    """A folder with one sub-folder, ``docs``: asked for without its slash, a static file
    server answers with a redirect to ``docs/``."""
    (root / "www" / "docs").mkdir(parents=True)
    (root / "www" / "docs" / "index.html").write_text("<p>docs</p>\n")
    return root / "www"


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
        if shutil.which("node") is None:
            return ("Node.js is not installed: apt-get install nodejs npm (Debian/Ubuntu), "
                    "brew install node (macOS), or nodejs.org")
        if not node_helpers_installed():
            message = install_node_helpers()
            if not node_helpers_installed():
                return message
        return None

    def version(self) -> str:
        package = NODE_DIR / "node_modules" / "express" / "package.json"
        return str(json.loads(package.read_text())["version"])

    def express4_route_error(self) -> str:
        """What Express 5 says when the Express 4 spelling ``/api/v1/:path(*)`` is declared
        (the app tries it at start-up and serves the answer at ``/express4-syntax``)."""
        with loopback_httpx() as http:
            return http.get(self.url + "/express4-syntax").text

    def _command(self, port: int, folder: Path) -> list[str]:
        node = shutil.which("node") or "node"
        return [node, str(NODE_DIR / "express.mjs"), str(port), str(_static_folder(folder))]


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

    def _command(self, port: int, folder: Path) -> list[str]:
        www = _static_folder(folder)
        site = NGINX_SITE.format(www=www)
        config = folder / "nginx.conf"
        config.write_text(_NGINX_CONF.format(
            folder=folder, host=LOOPBACK, port=port, www=www,
            site="".join(f"    {line}\n" for line in site.splitlines())))
        return [self._binary() or "nginx", "-e", str(folder / "error.log"), "-p", str(folder),
                "-c", str(config)]
