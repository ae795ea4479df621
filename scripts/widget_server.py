"""The demo support-portal page and the widget's script, served for `make run` (scripts/serve.py).

The page names the bot by the host it was asked for (so `localhost` and `127.0.0.1` both work,
each an allowed origin) and the Rasa port; `?lang=pt` shows the widget in Portuguese."""

from __future__ import annotations

import html
import re
import threading
from functools import partial
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

__all__ = ["WIDGET", "start_widget_server"]

WIDGET = Path(__file__).resolve().parent.parent / "widget"
PAGE = WIDGET / "demo" / "index.html"
ASSETS = {
    "/lbdoctor-widget.js": ("dist/lbdoctor-widget.js", "text/javascript; charset=utf-8"),
    "/lbdoctor-widget.js.LEGAL.txt": ("dist/lbdoctor-widget.js.LEGAL.txt", "text/plain; charset=utf-8"),
}  # fmt: skip
_HOSTNAME = re.compile(r"[A-Za-z0-9.-]+|\[[0-9A-Fa-f:]+\]")


class _Handler(BaseHTTPRequestHandler):
    def __init__(self, *args: object, rasa_port: int, fallback_host: str) -> None:
        self.rasa_port = rasa_port
        self.fallback_host = fallback_host
        super().__init__(*args)  # type: ignore[arg-type]

    def do_GET(self) -> None:
        url = urlsplit(self.path)
        if url.path in ("/", "/index.html"):
            self._send(200, "text/html; charset=utf-8", self._page(parse_qs(url.query)))
        elif url.path in ASSETS:
            name, kind = ASSETS[url.path]
            path = WIDGET / name
            if path.exists():
                self._send(200, kind, path.read_bytes())
            else:
                self._send(503, "text/plain", b"the widget is not built: run `make setup`\n")
        else:
            self._send(404, "text/plain", b"not found\n")

    def _page(self, query: dict[str, list[str]]) -> bytes:
        host = (self.headers.get("Host") or "").rsplit(":", 1)[0]
        if not _HOSTNAME.fullmatch(host):
            host = self.fallback_host
        lang = "pt" if query.get("lang", [""])[0] == "pt" else "en"
        page = PAGE.read_text(encoding="utf-8")
        page = page.replace("__BOT_URL__", html.escape(f"http://{host}:{self.rasa_port}"))
        return page.replace("__LANG__", lang).encode()

    def _send(self, status: int, kind: str, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-cache")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass  # the page is a demo: no access log on the launcher's terminal


def start_widget_server(host: str, port: int, rasa_port: int) -> ThreadingHTTPServer:
    """Serve in a daemon thread; `shutdown()` and `server_close()` stop it."""
    handler = partial(_Handler, rasa_port=rasa_port, fallback_host=host)
    try:
        server = ThreadingHTTPServer((host, port), handler)
    except OSError as exc:
        raise SystemExit(
            f"the widget page cannot listen on {host}:{port} ({exc.strerror}); "
            "set LBDOCTOR_WIDGET_PORT to a free port"
        ) from exc
    threading.Thread(target=server.serve_forever, name="widget-page", daemon=True).start()
    return server
